import contextlib
import contextvars


class PythonFlag:
    """A flag raised by the addon's own Python code around a call, and read
    deeper down. Unlike a context key, no RPC call can carry it: a client
    cannot claim to be the workflow, or the portal posting a request's
    files."""

    def __init__(self, name):
        self._var = contextvars.ContextVar(name, default=False)

    def is_raised(self):
        return self._var.get()

    @contextlib.contextmanager
    def raised(self):
        token = self._var.set(True)
        try:
            yield
        finally:
            self._var.reset(token)
