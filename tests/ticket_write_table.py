"""Who may write which field of a ticket, and a value to try for each field.

Shared by tests/test_access_surface.py (Odoo's test server, every write
rolled back) and tests/test_multiworker.py (``odoo-bin --workers=2``, every
write committed and undone): one table, two servers.
"""

from odoo import Command


def rpc_command(command):
    """An x2many command as XML-RPC carries it (plain integers)."""
    return [int(command[0]), command[1], command[2]]


# Who may write which field of a ticket they may change (SPEC: the profile
# says which actions, the rules on which tickets; the workflow owns its
# fields). A technician writes nothing; nor does anyone on a ticket they
# may not read.
EDITABLE = frozenset(
    {
        "name",
        "description",
        "partner_id",
        "partner_email",
        "organization_id",
        "group_id",
        "user_id",
        "priority",
        "severity",
        "category_id",
        "channel",
        "color",
        # Odoo's followers and activities, on a ticket one may change
        # (activity_ids and message_follower_ids are refused by Odoo: the
        # chatter's own methods change them)
        "message_partner_ids",
        "activity_type_id",
        "activity_summary",
    }
)
WRITABLE = {
    "agent": EDITABLE,
    "manager": EDITABLE | {"active"},
    "team administrator": EDITABLE | {"active"},
    # moves a ticket into any team
    "supervisor": EDITABLE | {"active", "team_id"},
    "technician": frozenset(),
    "another group's manager": frozenset(),
}

# fields whose test value names a record of the scenario (``refs``)
SPECIAL_FIELDS = {
    "team_id": lambda refs: {"team_id": refs["other_team"], "group_id": False},
    "group_id": lambda refs: {"group_id": refs["group"]},
    "user_id": lambda refs: {"user_id": refs["user"]},
    "partner_id": lambda refs: {"partner_id": refs["partner"]},
    "organization_id": lambda refs: {"organization_id": refs["organization"]},
    "category_id": lambda refs: {"category_id": refs["category"]},
    "company_id": lambda refs: {"company_id": False},
    "create_uid": lambda refs: {"create_uid": refs["writer"]},
    "write_uid": lambda refs: {"write_uid": refs["writer"]},
    "message_partner_ids": lambda refs: {
        "message_partner_ids": [rpc_command(Command.link(refs["partner"]))]
    },
    "activity_type_id": lambda refs: {"activity_type_id": refs["activity_type"]},
}


def value_to_write(fname, ftype, ticket_id, current, refs, selection=None):
    """{field: value} that differs from ``current``, the ticket's value.

    ``refs`` names the scenario's records (see SPECIAL_FIELDS), and ``any``
    a record of a many2one's comodel; ``selection`` lists a selection's keys.
    """
    if fname in SPECIAL_FIELDS:
        return SPECIAL_FIELDS[fname](refs)
    if fname == "id":
        return {"id": ticket_id + 1000}
    if ftype == "boolean":
        return {fname: not current}
    if ftype in ("char", "text"):
        return {fname: "Valore scritto"}
    if ftype == "html":
        return {fname: "<p>Valore scritto</p>"}
    if ftype in ("integer", "float", "monetary"):
        return {fname: 7}
    if ftype == "selection":
        return {fname: next(key for key in selection if key != current)}
    if ftype == "date":
        return {fname: "2020-01-01"}
    if ftype == "datetime":
        return {fname: "2020-01-01 10:00:00"}
    if ftype in ("one2many", "many2many"):
        # emptied: the most a write could take away
        return {fname: [rpc_command(Command.clear())]}
    if ftype == "many2one":
        return {fname: refs["any"]}
    raise AssertionError(f"no test value for {fname} ({ftype})")


def what_went_wrong(profile, fname, ok, text, changed):
    """How a write of ``fname`` by ``profile`` broke the table: None when it
    went as the table says; else (profile, field, what, detail). ``ok`` and
    ``text``: the server's answer; ``changed``: {field written: changed}."""
    writable = WRITABLE[profile]
    if "Traceback" in text:
        return (profile, fname, "server error", text[-300:])
    if fname in writable and not (ok and changed[fname]):
        return (profile, fname, "not written", text[:200])
    if fname not in writable and any(changed.values()):
        return (profile, fname, "written", text[:200])
    if fname not in writable and ok and fname != "display_name":
        # display_name: Odoo ignores a value for it
        return (profile, fname, "accepted, not refused", "")
    return None
