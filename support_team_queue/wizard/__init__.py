from . import mail_compose_message  # noqa: F401
from . import support_access_explanation  # noqa: F401
from . import support_operator_invite
from . import support_ticket_assign
from . import support_ticket_merge
from . import support_access_impact
from . import support_access_impact_counts
from . import support_access_impact_line
