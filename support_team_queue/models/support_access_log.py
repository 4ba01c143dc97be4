from odoo import api, fields, models

KINDS = [
    ("support.group", "Group"),
    ("support.role", "Role"),
    ("support.team", "Team"),
    ("support.sharing.rule", "Sharing Rule"),
    ("res.users", "User"),
]
CHANGES = [
    ("create", "Created"),
    ("write", "Changed"),
    ("unlink", "Deleted"),
]


class SupportAccessLog(models.Model):
    """The access audit (SPEC "Beyond every anchor"): one line per change of
    a field the ticket rules read, with when, who, which record, which field,
    before and after.

    Written only by ``support.access.stamp.mixin``, the same place that
    replaces the access stamp, as superuser; the author is the user of the
    request (``env.uid``, which ``sudo()`` keeps). No access right lets
    anyone create, change or delete a line. Support Administrators read
    every line; a team's administrator reads the lines about their team
    (``security/support_access_log_rules.xml``).
    """

    _name = "support.access.log"
    _description = "Support Access Log"
    _order = "date desc, id desc"
    _rec_name = "record_name"

    date = fields.Datetime(required=True, readonly=True, index=True)
    author_id = fields.Many2one(
        "res.users",
        readonly=True,
        index=True,
        # who changed access is kept: such a user is archived, not deleted
        ondelete="restrict",
    )
    model = fields.Selection(
        KINDS, string="Kind", required=True, readonly=True, index=True
    )
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="model", readonly=True, index=True
    )
    record_name = fields.Char(
        string="Record", readonly=True, help="The record's name at the time."
    )
    change = fields.Selection(CHANGES, required=True, readonly=True)
    field_name = fields.Char(string="Technical Field", readonly=True)
    field_description = fields.Char(string="Field", readonly=True)
    old_value = fields.Text(
        string="Before",
        readonly=True,
        help="The value before the change; for a list (members, operators, "
        "holders), the names removed.",
    )
    new_value = fields.Text(
        string="After",
        readonly=True,
        help="The value after the change; for a list (members, operators, "
        "holders), the names added.",
    )
    team_ids = fields.Many2many(
        "support.team",
        "support_access_log_team_rel",
        "log_id",
        "team_id",
        string="Teams",
        readonly=True,
        help="The teams the change concerns: their administrators read it.",
    )

    @api.model
    def _record(self, changes):
        """Write ``changes`` (dicts of this model's values, ``team_ids`` as a
        list of ids) in one batch, as superuser."""
        if not changes:
            return self.browse()
        now = fields.Datetime.now()
        author = self.env.uid
        # a team deleted by this very change is no longer there to link
        team_ids = {team_id for change in changes for team_id in change["team_ids"]}
        existing = set(self.env["support.team"].sudo().browse(team_ids).exists().ids)
        vals_list = [
            dict(
                change,
                date=now,
                author_id=author,
                team_ids=[
                    fields.Command.set(
                        [
                            team_id
                            for team_id in change["team_ids"]
                            if team_id in existing
                        ]
                    )
                ],
            )
            for change in changes
        ]
        return self.sudo().create(vals_list)
