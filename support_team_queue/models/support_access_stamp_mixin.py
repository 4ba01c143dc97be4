import uuid

from odoo import api, fields, models

ACCESS_STAMP_PARAM = "support_team_queue.access_stamp"


class SupportAccessStampMixin(models.AbstractModel):
    """Marks every change the ticket record rules depend on.

    The rules read memberships, roles, teams and sharing rules when a query
    is built (``support.ticket._support_resolved_rules``). Their resolution
    is cached per user under the *access stamp*: a value stored in the
    database, replaced by a new random one in the same transaction as any
    change of those records. A request reads the stamp of its own snapshot,
    so it finds only what was resolved from the same state of the data: a
    change applies on the next request in every worker, and a request that
    started before the change never stores a stale resolution under the new
    stamp. Models whose records the rules read inherit this mixin;
    ``_support_stamped_fields`` limits it to the fields that matter (None:
    every change). Code that changes those records with SQL, past the ORM,
    must call ``_support_touch_access_stamp`` itself (the benchmark does).
    """

    _name = "support.access.stamp.mixin"
    _description = "Support Access Stamp"

    _support_stamped_fields = None

    @api.model
    def _support_touch_access_stamp(self):
        # Written with SQL: ``set_param`` would also clear every cache of the
        # registry, in every worker, which the stamp makes unnecessary.
        now = fields.Datetime.now()
        self.env.cr.execute(
            """
            INSERT INTO ir_config_parameter
                   (key, value, create_uid, create_date, write_uid, write_date)
            VALUES (%s, %s, %s, %s, %s, %s)
            ON CONFLICT (key) DO UPDATE
               SET value = EXCLUDED.value,
                   write_uid = EXCLUDED.write_uid,
                   write_date = EXCLUDED.write_date
            """,
            [
                ACCESS_STAMP_PARAM,
                uuid.uuid4().hex,
                self.env.uid,
                now,
                self.env.uid,
                now,
            ],
        )
        self.env["ir.config_parameter"].invalidate_model(["value"])

    @api.model
    def _support_access_stamp(self):
        self.env.cr.execute(
            "SELECT value FROM ir_config_parameter WHERE key = %s",
            [ACCESS_STAMP_PARAM],
        )
        row = self.env.cr.fetchone()
        return row[0] if row else ""

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        # Read on the records, defaults included. A user created with no
        # role and no team changes no resolution: sign-ups need not all
        # write the stamp's one row.
        stamped = self._support_stamped_fields
        if stamped is None or any(
            record[name] for record in records for name in stamped - {"active"}
        ):
            self._support_touch_access_stamp()
        return records

    def write(self, vals):
        result = super().write(vals)
        stamped = self._support_stamped_fields
        if stamped is None or not stamped.isdisjoint(vals):
            self._support_touch_access_stamp()
        return result

    def unlink(self):
        result = super().unlink()
        self._support_touch_access_stamp()
        return result
