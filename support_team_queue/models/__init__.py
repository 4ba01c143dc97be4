from . import support_role
from . import support_team
from . import support_group
from . import support_ticket_category
from . import support_ticket
from . import res_users
from . import res_partner
