"""The superiors' rule reads the holder's role on the ticket
(``user_role_id``), which this version adds. Its file is ``noupdate``,
which an update never rewrites: the rule's domain is rewritten here,
unless it was changed by hand (then it is left as it is: it still decides
what it did)."""

from odoo import SUPERUSER_ID, api

SUPERIORS_RULE = "support_team_queue.rule_support_ticket_role_superior"
EARLIER_DOMAIN = "[('user_id.support_superior_user_ids', 'in', user.id)]"
DOMAIN = "[('user_role_id.superior_user_ids', 'in', user.id)]"


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    rule = env.ref(SUPERIORS_RULE, raise_if_not_found=False)
    if rule and (rule.domain_force or "").strip() == EARLIER_DOMAIN:
        rule.domain_force = DOMAIN
