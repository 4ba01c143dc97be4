from . import mail_thread  # noqa: F401
from . import portal  # noqa: F401
