import json

from odoo import api, models
from odoo.exceptions import UserError


class SupportAccessStampMixin(models.AbstractModel):
    """The one place that knows which fields the ticket rules read.

    Each model whose records the rules read inherits this mixin and lists
    those fields in ``_support_access_fields``. A ``create``, ``write`` or
    ``unlink`` that touches one of them replaces the access stamp
    (``support.access.stamp``, where every path that makes access follow a
    change is documented) and writes the change to the access log
    (``support.access.log``): when, who, which record, which field, before
    and after. Nothing else replaces the stamp nor is logged.

    Both sides of a relation the rules read are listed (a team's operators
    and a user's teams, a role's holders and a user's role, a group's member
    groups and the groups it belongs to): a change written on one side is
    logged on the records of the other too, so that each record's log tells
    its own story.
    """

    _name = "support.access.stamp.mixin"
    _description = "Support Access Fields"

    # The fields of the model the ticket rules read (tests/test_access_stamp.py
    # changes each of them). A non-stored one (a user's ``support_team_id``)
    # is written through its inverse, which the stored field's write logs.
    _support_access_fields = frozenset()
    # Whether creating or deleting a record is a change of access whatever
    # its fields (a group, a role, a sharing rule).
    _support_access_records = False

    def _support_access_team_ids(self):
        """``{record id: team ids}``: the teams a change of each record
        concerns, whose administrators read its log."""
        return {record.id: set() for record in self}

    @api.model
    def _support_access_logged_fields(self, names):
        return sorted(name for name in names if self._fields[name].store)

    @api.model
    def _support_access_mirror(self, name):
        """The field of the other side of relation ``name``, if the comodel
        lists it too."""
        field = self._fields[name]
        if field.type not in ("many2one", "many2many"):
            return None
        comodel = self.env[field.comodel_name]
        for other in getattr(comodel, "_support_access_fields", ()):
            inverse = comodel._fields[other]
            if inverse.comodel_name != self._name:
                continue
            if (
                field.type == "many2one"
                and inverse.type == "one2many"
                and inverse.inverse_name == name
            ) or (
                field.type == "many2many"
                and inverse.type == "many2many"
                and inverse.relation == field.relation
                and inverse.column1 == field.column2
                and inverse.column2 == field.column1
            ):
                return other
        return None

    def _support_access_snapshot(self, names, only_set=False):
        """``{record id: {field: value}}``, relations as sets of ids, with
        each record's name and teams (``__name__``, ``__teams__``).
        ``only_set``: the fields with a value only, and only the records
        with one (a creation or deletion of nothing the rules read)."""
        records = self.sudo().with_context(active_test=False)
        snapshot = {}
        for record in records:
            values = {
                name: set(record[name].ids)
                if record._fields[name].relational
                else record[name]
                for name in names
            }
            if only_set:
                values = {name: value for name, value in values.items() if value}
                if not values and not self._support_access_records:
                    continue
            snapshot[record.id] = values
        records = records.browse(list(snapshot))
        teams = records._support_access_team_ids()
        for record in records:
            if not record.display_name:
                # a user being created may still hold its empty name in cache
                record.invalidate_recordset(
                    [name for name in ("display_name", record._rec_name) if name]
                )
            snapshot[record.id]["__name__"] = record.display_name or f"#{record.id}"
            snapshot[record.id]["__teams__"] = teams[record.id]
        return snapshot

    @api.model
    def _support_access_text(self, name, value):
        field = self._fields[name]
        if field.relational:
            records = (
                self.env[field.comodel_name]
                .sudo()
                .with_context(active_test=False)
                .browse(sorted(value))
            )
            return ", ".join(records.mapped("display_name"))
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))
            return labels.get(value, value or "")
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        return "" if value is False or value is None else str(value)

    @api.model
    def _support_access_changes(self, change, before, after):
        """The log lines of ``change`` (create, write, unlink) from the
        snapshots ``before`` and ``after`` (``{}`` for a record that does
        not exist), with those of the other side of each relation."""
        lines = []
        mirrored = {}  # (comodel, field) -> {(id, added): [names], ...}
        for res_id in sorted(before.keys() | after.keys()):
            old, new = before.get(res_id, {}), after.get(res_id, {})
            name = (new or old)["__name__"]
            teams = old.get("__teams__", set()) | new.get("__teams__", set())
            record_lines = []
            for fname in sorted((old.keys() | new.keys()) - {"__name__", "__teams__"}):
                field = self._fields[fname]
                empty = set() if field.relational else False
                old_value, new_value = old.get(fname, empty), new.get(fname, empty)
                if field.type in ("one2many", "many2many"):
                    removed, added = old_value - new_value, new_value - old_value
                    if not (removed or added):
                        continue
                    shown = (removed, added)
                else:
                    if old_value == new_value:
                        continue
                    shown = (old_value, new_value)
                    removed, added = (
                        (old_value - new_value, new_value - old_value)
                        if field.relational
                        else (set(), set())
                    )
                record_lines.append(
                    {
                        "field_name": fname,
                        "field_description": field._description_string(self.env),
                        "old_value": self._support_access_text(fname, shown[0])
                        or False,
                        "new_value": self._support_access_text(fname, shown[1])
                        or False,
                    }
                )
                inverse = self._support_access_mirror(fname)
                if inverse:
                    side = mirrored.setdefault((field.comodel_name, inverse), {})
                    for other_id in removed:
                        side.setdefault((other_id, False), []).append((name, teams))
                    for other_id in added:
                        side.setdefault((other_id, True), []).append((name, teams))
            if not record_lines and change != "write" and self._support_access_records:
                # a group, role or sharing rule created or deleted bare
                record_lines.append({})
            lines += [
                dict(
                    line,
                    model=self._name,
                    res_id=res_id,
                    record_name=name,
                    change=change,
                    team_ids=sorted(teams),
                )
                for line in record_lines
            ]
        for (comodel_name, inverse), sides in mirrored.items():
            lines += self.env[comodel_name]._support_access_mirror_lines(inverse, sides)
        return lines

    @api.model
    def _support_access_mirror_lines(self, fname, sides):
        """Log lines of field ``fname`` of this model for the changes made
        from the other side of its relation: ``{(id, added): [(name of the
        other record, its teams), ...]}``."""
        records = (
            self.sudo()
            .with_context(active_test=False)
            .browse(sorted({res_id for res_id, _added in sides}))
        )
        own_teams = records._support_access_team_ids()
        description = self._fields[fname]._description_string(self.env)
        lines = []
        for record in records.exists():
            for added in (False, True):
                others = sides.get((record.id, added))
                if not others:
                    continue
                names = ", ".join(sorted(other_name for other_name, _t in others))
                # the line names this record and the others: it is about
                # this record's teams, or the others' when it is in none
                teams = set(own_teams[record.id]) or {
                    team_id for _name, other_teams in others for team_id in other_teams
                }
                lines.append(
                    {
                        "model": self._name,
                        "res_id": record.id,
                        "record_name": record.display_name,
                        "change": "write",
                        "field_name": fname,
                        "field_description": description,
                        "old_value": False if added else names,
                        "new_value": names if added else False,
                        "team_ids": sorted(teams),
                    }
                )
        return lines

    def _support_access_changed(self, change, before, after):
        self.env["support.access.stamp"]._touch_access_stamp()
        lines = self._support_access_changes(change, before, after)
        self.env["support.access.log"]._record(lines)

    @api.model_create_multi
    def create(self, vals_list):
        # a field written through its inverse during the creation (a user's
        # team) is logged with the creation, not as a change of its own
        creating = self.with_context(support_access_creating=self._name)
        records = super(SupportAccessStampMixin, creating).create(vals_list)
        records = records.with_env(self.env)
        # Read on the records, defaults included. A user created with no
        # role and no team changes no resolution: sign-ups need not all
        # write the stamp's one row.
        names = self._support_access_logged_fields(
            self._support_access_fields - {"active"}
        )
        after = records._support_access_snapshot(names, only_set=True)
        if after:
            records._support_access_changed("create", {}, after)
        return records

    def write(self, vals):
        written = self._support_access_fields.intersection(vals)
        if not written:
            return super().write(vals)
        if self.env.context.get("support_access_creating") == self._name:
            result = super().write(vals)
            self.env["support.access.stamp"]._touch_access_stamp()
            return result
        names = self._support_access_logged_fields(written)
        before = self._support_access_snapshot(names)
        result = super().write(vals)
        after = self._support_access_snapshot(names)
        self._support_access_changed("write", before, after)
        return result

    def unlink(self):
        names = self._support_access_logged_fields(
            self._support_access_fields - {"active"}
        )
        before = self._support_access_snapshot(names, only_set=True)
        result = super().unlink()
        # every deletion replaces the stamp: a deleted record may still be
        # named in a resolution (a user's id)
        self._support_access_changed("unlink", before, {})
        return result

    def action_support_access_log(self):
        """The access log of this record (its form's smart button)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_team_queue.action_support_access_log"
        )
        action["domain"] = [("model", "=", self._name), ("res_id", "=", self.id)]
        action["display_name"] = self.env._(
            "Access Log: %(record)s", record=self.display_name
        )
        return action

    def action_support_access_impact(self, values):
        """Preview a change of this record (or, on no record, a creation):
        ``values`` is the form's pending write. Computed, with the same
        rights as the change, by ``support.access.impact``."""
        if len(self) > 1:
            raise UserError(self.env._("Preview the change of one record at a time."))
        impact = self.env["support.access.impact"].create(
            {
                "model": self._name,
                "res_id": self.id,
                "values": json.dumps(values or {}),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Access Change Preview"),
            "res_model": impact._name,
            "res_id": impact.id,
            "views": [(False, "form")],
            "target": "new",
        }
