from . import support_access_explanation  # noqa: F401
