import contextlib
import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.query import Query

from ..models.support_access_log import KINDS


class _PreviewDone(Exception):
    """Leaves the savepoint of a preview: what it changed is rolled back."""


class SupportAccessImpact(models.TransientModel):
    """What a change of access would do, before it is made (SPEC "Beyond
    every anchor"): every user who would gain or lose read access to
    tickets.

    The proposed change (``values``, the form's pending write as JSON) is
    applied as the current user inside a savepoint, so it needs exactly the
    rights of the change itself and is refused with the same error. The
    ticket rules are resolved for every internal user before and inside the
    savepoint by the engine the queue uses
    (``support.rule.engine._resolved_rules``), then the savepoint is
    rolled back: the record, its access log and the access stamp are as
    they were. A user whose resolved rules did not change gains and loses
    nothing; for the others, the two resolved domains name ticket columns
    and id lists only, so counting ``after and not before`` (and the
    reverse) after the rollback counts what the change would give and take:
    by a query for a few users, in memory for many
    (``support_access_impact_counts.py``).
    """

    _name = "support.access.impact"
    _description = "Support Access Impact"

    model = fields.Selection(KINDS, string="Kind", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record ID",
        model_field="model",
        readonly=True,
        help="Empty: the preview of a creation.",
    )
    values = fields.Text(
        required=True,
        readonly=True,
        default="{}",
        help="The proposed change: the values to write, as JSON.",
    )
    record_name = fields.Char(string="Record", readonly=True)
    line_ids = fields.One2many(
        "support.access.impact.line", "impact_id", string="Users", readonly=True
    )
    user_count = fields.Integer(string="Users Concerned", compute="_compute_user_count")

    @api.depends("line_ids")
    def _compute_user_count(self):
        for impact in self:
            impact.user_count = len(impact.line_ids)

    @api.model_create_multi
    def create(self, vals_list):
        impacts = super().create(vals_list)
        for impact in impacts:
            impact._compute_impact()
        return impacts

    # -- the proposed change ------------------------------------------------

    def _proposed_values(self):
        self.ensure_one()
        try:
            values = json.loads(self.values or "{}")
        except ValueError as error:
            raise UserError(
                self.env._("The proposed change is not valid JSON: %s", error)
            ) from error
        if not isinstance(values, dict):
            raise UserError(self.env._("The proposed change must be a dictionary."))
        Model = self.env[self.model]
        unknown = sorted(name for name in values if name not in Model._fields)
        if unknown:
            raise UserError(
                self.env._(
                    "These fields do not exist: %(fields)s", fields=", ".join(unknown)
                )
            )
        return values

    def _target(self):
        self.ensure_one()
        if not self.res_id:
            return self.env[self.model]
        record = self.env[self.model].browse(self.res_id)
        if not record.exists():
            raise UserError(self.env._("The record to change no longer exists."))
        return record

    def _apply_change(self, previewing=False):
        """Write (or create) the proposed change as the current user."""
        record, values = self._target(), self._proposed_values()
        if previewing:
            # Odoo e-mails a new user's invitation at once, not after the
            # commit: a previewed user is invited on Apply only
            record = record.with_context(no_reset_password=True)
        if record:
            record.write(values)
            return record
        return record.create(values)

    # -- who reads what -----------------------------------------------------

    def _readable_domains(self, user_ids, odoo_rules=None):
        """``{user id: domain}``: the tickets each user may read, as the ticket
        rules resolved by the queue's engine, or None for none at all.

        ``odoo_rules`` (``{user id: domain}``, filled here) keeps Odoo's
        evaluation of each user's ticket rules (``ir.rule._compute_domain``,
        None without read access to tickets) for a later call in the same
        state of Odoo's caches: Odoo would answer it from its cache, which
        a preview of many users outgrows."""
        domains, rules = {}, {}
        odoo_rules = {} if odoo_rules is None else odoo_rules
        users = self.env["res.users"].sudo().with_context(active_test=False)
        users = users.browse(user_ids).exists()
        # what each user's rules are evaluated with, read for all at once
        users.fetch(["active", "share", "groups_id", "company_id", "company_ids"])
        # Odoo's access rights depend on the user's groups alone: checked
        # once for each set of groups
        readers = {}  # groups -> whether they may read tickets
        for user in users:
            if not user.active or user.share:
                domains[user.id] = None
                continue
            if user.id not in odoo_rules:
                env = self.env(user=user.id, su=False, context={})
                groups = frozenset(user.groups_id.ids)
                if groups not in readers:
                    readers[groups] = env["ir.model.access"].check(
                        "support.ticket", "read", raise_exception=False
                    )
                odoo_rules[user.id] = (
                    env["ir.rule"]._compute_domain("support.ticket", "read")
                    if readers[groups]
                    else None
                )
            if odoo_rules[user.id] is None:
                domains[user.id] = None
            else:
                rules[user.id] = odoo_rules[user.id]
        # resolved as the queue resolves each user's rules (and, in the
        # state before the change, cached for them), what the resolution
        # reads fetched for all the users at once
        with self.env["support.rule.engine"]._resolution_batch(rules):
            for user_id, domain in rules.items():
                if domain:
                    env = self.env(user=user_id, su=False, context={})
                    domain = env["support.ticket"]._resolved_rules(domain)
                domains[user_id] = expression.normalize_domain(domain or [])
        return domains

    @api.model
    def _names_columns_only(self, domain):
        """Whether ``domain`` reads nothing but the ticket's own stored
        columns, hence means the same before and after the rollback."""
        Ticket = self.env["support.ticket"]
        for term in domain:
            if not expression.is_leaf(term) or term in (
                expression.TRUE_LEAF,
                expression.FALSE_LEAF,
            ):
                continue
            field = Ticket._fields.get(term[0]) if isinstance(term[0], str) else None
            if (
                field is None
                or not field.store
                or field.type in ("one2many", "many2many")
                # a path past the engine's bound of resolved ids stays its
                # sub-query (SQL), which reads the memberships when it runs
                or isinstance(term[2], Query | SQL)
            ):
                return False
        return True

    def _readable_ids(self, user_ids):
        """``{user id: ids}``: the tickets each user finds by a search (the
        fallback for rules that would not resolve to the ticket's columns)."""
        result = {}
        for user_id in user_ids:
            env = self.env(user=user_id, su=False, context={})
            if not env["ir.model.access"].check(
                "support.ticket", "read", raise_exception=False
            ):
                # no longer a support profile (a role change): no ticket
                result[user_id] = set()
                continue
            result[user_id] = set(env["support.ticket"]._search([]).get_result_ids())
        return result

    # -- whom a change may concern ------------------------------------------

    # A team's fields that move its tickets' stored columns (their company)
    # or no rule reads in a known way: every user is compared.
    _TEAM_FIELDS_FOR_EVERYONE = frozenset(("company_id", "active"))

    def _concerned_user_ids(self, record):
        """The users whose read access a change of ``record`` may touch, in
        the current state (called before the change and inside it: a user
        concerned in either state is compared), or None for every user.
        A superset: a user listed here whose rules resolve the same gains
        and loses nothing."""
        record = record.sudo().with_context(active_test=False)
        Rule = self.env["support.sharing.rule"].sudo().with_context(active_test=False)
        # a sharing rule's targets read its sources' tickets: the sources
        # are roles, subtrees and groups any change may reach (a desk has a
        # few sharing rules, archived ones included)
        users = self.env["res.users"].sudo().browse()
        for rule in Rule.search([]):  # pylint: disable=no-search-all
            users |= (
                rule.target_user_id
                | rule.target_role_id.user_ids
                | rule.target_role_subtree_id.subtree_user_ids
                | rule.target_group_id.effective_user_ids
            )
        if record._name == "res.users":
            users |= record | record.support_superior_user_ids
        elif record._name == "support.role":
            holders = record.subtree_user_ids
            users |= holders | holders.support_superior_user_ids
        elif record._name == "support.group":
            groups, nesting = record, record.parent_group_ids
            while nesting - groups:
                groups |= nesting
                nesting = groups.parent_group_ids
            users |= groups.effective_user_ids
        elif record._name == "support.team":
            if self._TEAM_FIELDS_FOR_EVERYONE.intersection(self._proposed_values()):
                return None
            users |= record.operator_ids | record.admin_id
        elif record._name != "support.sharing.rule":
            return None
        return set(users.ids)

    def _compared_user_ids(self, concerned):
        """The users to compare: ``concerned`` (ids), or every internal
        user for None."""
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        if concerned is None:
            return Users.search([("share", "=", False)]).ids
        return Users.browse(sorted(concerned)).exists().ids

    def _forget_rolled_back(self):
        """Forget what was cached of the state a savepoint rolled back."""
        # The change's cached rule domains and profiles (a role grants
        # groups, whose change clears Odoo's caches) belong to the state
        # rolled back: forget them. (The rules resolved in that state are
        # not cached: _compute_impact.)
        self.env.invalidate_all()
        if "default" in self.env.registry.cache_invalidated:
            self.env.registry.clear_cache()

    @api.model
    @contextlib.contextmanager
    def _odoo_caches_watched(self):
        """Yields a set holding, once the block is left, the names of Odoo's
        caches cleared within it (``registry.cache_invalidated``, which
        keeps the names cleared earlier in the request too)."""
        invalidated = self.env.registry.cache_invalidated
        earlier = set(invalidated)
        invalidated.clear()
        cleared = set()
        try:
            yield cleared
        finally:
            cleared.update(invalidated)
            invalidated.update(earlier)

    @api.model
    def _tickets_version(self):
        """What changes when any ticket row is written, inserted or deleted
        in this transaction: a written row's new version carries the id of
        the (sub)transaction that wrote it (``xmin``), newer than any before
        it, and newer than the transaction's own id."""
        self.env.cr.execute(
            """
            SELECT count(*), sum(xmin::text::bigint) FILTER (
                WHERE xmin::text::bigint > mod(txid_current(), 4294967296)
            )
            FROM support_ticket
            """
        )
        return self.env.cr.fetchone()

    def _compute_impact(self):
        self.ensure_one()
        self.env.flush_all()
        concerned = self._concerned_user_ids(self._target())
        user_ids = self._compared_user_ids(concerned)
        odoo_rules = {}
        before = self._readable_domains(user_ids, odoo_rules)
        impure = {
            uid
            for uid, domain in before.items()
            if domain is not None and not self._names_columns_only(domain)
        }
        before_ids = self._readable_ids(impure)
        tickets_version = self._tickets_version()
        newly = []  # users the change concerns once made only
        with (
            contextlib.suppress(_PreviewDone),
            self.env.cr.savepoint(),
            # the rules resolved in the state rolled back are kept in no
            # cache: they would push out those of the users at work
            self.env["support.rule.engine"]._rules_not_cached(),
        ):
            with self._odoo_caches_watched() as cleared:
                record = self._apply_change(previewing=True)
                record_name = record.sudo().display_name
                self.env.flush_all()
            moved = self._tickets_version() != tickets_version
            if concerned is not None:
                # a change that rewrites tickets (their company, their
                # team) may concern anyone who reads them
                later = None if moved else self._concerned_user_ids(record)
                compared = set(user_ids)
                newly = [
                    uid for uid in self._compared_user_ids(later) if uid not in compared
                ]
            # Odoo's evaluation of the rules holds until Odoo clears its
            # caches (a user's groups, companies, the rules themselves)
            after = self._readable_domains(
                user_ids + newly, None if cleared else odoo_rules
            )
            if moved:
                # the tickets themselves change: each user is compared by
                # the tickets they find, not by their rules
                impure |= {uid for uid, domain in after.items() if domain is not None}
            impure |= {
                uid
                for uid, domain in after.items()
                if domain is not None and not self._names_columns_only(domain)
            }
            # a rule left unresolved reads the data when it runs: its
            # users are compared by the tickets they find
            after_ids = self._readable_ids(impure)
            raise _PreviewDone
        self._forget_rolled_back()
        if newly:
            # a user the change would create is not there to compare
            newly = self._compared_user_ids(set(newly))
            impure &= set(user_ids + newly)
            # their rules before the change, now that it is rolled back
            # (Odoo's evaluation kept from the change only if it cleared
            # none of Odoo's caches: then it is the same)
            before.update(self._readable_domains(newly, odoo_rules))
            impure_before = {
                uid
                for uid in newly
                if before[uid] is not None and not self._names_columns_only(before[uid])
            }
            before_ids.update(self._readable_ids(impure_before))
            for uid in impure_before - impure:
                # their rules after the change name the ticket's columns
                # only: the tickets they find are the same now
                after_ids[uid] = set(
                    self._sudo_tickets()
                    .search(after[uid] or [expression.FALSE_LEAF])
                    .ids
                )
            impure |= impure_before
        changed = impure | {
            uid
            for uid in user_ids + newly
            if repr(before.get(uid)) != repr(after.get(uid))
        }
        # users compared by their rules: counted in memory when many
        pure = [uid for uid in sorted(changed) if uid not in impure]
        bits = None
        if len(pure) >= self._IN_MEMORY_FROM_USERS:
            bits = self._ticket_bits(
                [before[uid] for uid in pure] + [after[uid] for uid in pure]
            )
        lines = []
        for uid in sorted(changed):
            if uid in impure:
                counted = self._differences_by_query(
                    *self._id_differences(
                        before_ids.get(uid), before.get(uid), after_ids.get(uid, set())
                    )
                )
            else:
                counted = None
                if bits is not None:
                    counted = self._differences_in_memory(bits, before[uid], after[uid])
                if counted is None:
                    counted = self._differences_by_query(
                        *self._domain_differences(before[uid], after[uid])
                    )
            gained_count, lost_count, samples = counted
            if gained_count or lost_count:
                lines.append(
                    {
                        "user_id": uid,
                        "gained_count": gained_count,
                        "lost_count": lost_count,
                        "sample_ticket_ids": [fields.Command.set(samples)],
                    }
                )
        self.write(
            {
                "record_name": self.record_name or record_name,
                "line_ids": [fields.Command.clear()]
                + [fields.Command.create(line) for line in lines],
            }
        )

    # -- applying it --------------------------------------------------------

    def action_apply(self):
        """Make the change, as the current user, with their rights."""
        self.ensure_one()
        record = self._apply_change()
        return {
            "type": "ir.actions.act_window_close",
            "infos": {"support_access_applied": True, "res_id": record.id},
        }
