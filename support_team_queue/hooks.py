"""A desk out of the box, made once, when the addon is installed on a database
that has no support team yet: a team "Support" administered by the installing
administrator, with the alias "support" when no other alias has that name, and
a group "General" offered on the portal, so that the alias and the portal take
requests at once. Never on an upgrade, never beside a desk that exists (the
demo's)."""

ALIAS_NAME = "support"


def create_default_desk(env):
    """The team and its group, recorded as ``support_team_queue.team_support``
    and ``support_team_queue.group_general`` (noupdate: the users' own)."""
    env = env(context=dict(env.context, tracking_disable=True))
    admin = env.ref("base.user_admin", raise_if_not_found=False) or env.user
    alias_taken = env["mail.alias"].search_count(
        [("alias_name", "=", ALIAS_NAME)], limit=1
    )
    team = env["support.team"].create(
        {
            "name": "Support",
            "admin_id": admin.id,
            "alias_name": False if alias_taken else ALIAS_NAME,
        }
    )
    group = env["support.group"].create(
        {"name": "General", "team_id": team.id, "portal_visible": True}
    )
    env["ir.model.data"]._update_xmlids(
        [
            {
                "xml_id": "support_team_queue.team_support",
                "record": team,
                "noupdate": True,
            },
            {
                "xml_id": "support_team_queue.group_general",
                "record": group,
                "noupdate": True,
            },
        ]
    )
    return team


def post_init_hook(env):
    if not env["support.team"].with_context(active_test=False).search_count([]):
        create_default_desk(env)
