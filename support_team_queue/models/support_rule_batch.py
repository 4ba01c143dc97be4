import contextlib

from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL

from .support_rule_engine import _ReachedIds


class SupportRuleEngine(models.AbstractModel):
    """Resolving the rules of many users at once (the access impact
    preview compares hundreds or thousands of users): what their
    resolution reads is fetched for all of them, then each user's domain
    is built and cached exactly as :meth:`_resolved_rules` builds it alone
    (``tests/test_rule_resolution.py``)."""

    # one concern per file (README, Layout)
    _inherit = "support.rule.engine"  # pylint: disable=consider-merging-classes-inherited

    _BATCH = "support_team_queue.resolution_batch"

    @api.model
    @contextlib.contextmanager
    def _resolution_batch(self, domains):
        """Resolve the rules of many users, ``{user id: domain}`` (each
        user's ``ir.rule._compute_domain``), as their resolution reads them,
        with what the resolution reads of them fetched for all of them at
        once: the access stamp, the sharing rules targeting each user, the
        roles below each user's role, and the ids every path of their rules
        reaches (one query for many users, on the first resolution not
        found in the cache). Each user's domain is then built from that,
        exactly as one by one (tests/test_rule_resolution.py). Only while
        nothing is written: the batch lives within the ``with`` block.
        Whether the domains are kept in the cache of resolved rules is the
        caller's (``_rules_not_cached``)."""
        cache = self.env.cr.cache
        if self._BATCH in cache:
            yield
            return
        cache[self._BATCH] = {
            "user_ids": frozenset(domains),
            "pending": dict(domains),
            "stamp": self.env["support.access.stamp"]._access_stamp(),
            "templates": {},
            "reached": {},
        }
        try:
            yield
        finally:
            cache.pop(self._BATCH, None)

    @api.model
    def _batch(self):
        """The current resolution batch (:meth:`_resolution_batch`),
        or None."""
        return self.env.cr.cache.get(self._BATCH)

    # at most that many paths' ids read by one query
    _BATCH_PATHS = 200

    @api.model
    def _batch_reach(self, batch):
        """Read the ids every path of the batch's pending rules reaches,
        for all of them at once."""
        pending, batch["pending"] = batch["pending"], {}
        reached = {}
        for domain in pending.values():
            if domain and any(
                map(self._resolvable, expression.normalize_domain(domain))
            ):
                # a path many users' rules share (their team's access
                # level, a sharing rule's source) is searched once
                template = self.sudo()._rule_domain_template(domain, reached)
                own = {
                    term[2]: reached[term[2]]
                    for term in template
                    if isinstance(term, tuple) and isinstance(term[2], _ReachedIds)
                }
                batch["templates"][repr(domain)] = template, own
        keys = [key for key in reached if key not in batch["reached"]]
        batch["reached"].update(self._reach_by_relation(keys, reached))
        # the others by their own queries, each different query once (the
        # users of one role reach the same subordinates)
        by_query = {}
        for key in keys:
            if key not in batch["reached"]:
                select = reached[key].query().select()
                by_query.setdefault((select.code, repr(select.params)), []).append(
                    (key, select)
                )
        queries = list(by_query.values())
        for start in range(0, len(queries), self._BATCH_PATHS):
            chunk = queries[start : start + self._BATCH_PATHS]
            [row] = self.env.execute_query(
                SQL(
                    "SELECT %s",
                    SQL(", ").join(SQL("ARRAY(%s)", same[0][1]) for same in chunk),
                )
            )
            for same, ids in zip(chunk, row, strict=True):
                batch["reached"].update((key, ids) for key, _select in same)

    @api.model
    def _reach_by_relation(self, keys, reached):
        """``{key: ids}`` for the paths of ``keys`` that end in one stored
        many2one or many2many of their comodel compared with ids (a team's
        administrator, a group's members, a team's operators): the
        records holding each id are read for all the paths of a relation
        in one grouping."""
        wanted = {}  # (comodel, field name) -> {key: ids compared with}
        for key in keys:
            search = reached[key]
            field = search.comodel._fields.get(search.path)
            listed = isinstance(search.value, list | tuple)
            values = list(search.value) if listed else [search.value]
            if (
                field is None
                or not field.store
                or field.inherited
                or field.company_dependent
                or field.type not in ("many2one", "many2many")
                # a many2one is compared ``=`` an id or ``in`` a list
                or (field.type == "many2one" and listed != (search.operator == "in"))
                or not values
                or not all(type(value) is int and value for value in values)
            ):
                continue
            wanted.setdefault((search.comodel._name, search.path), {})[key] = values
        result = {}
        for (model, name), paths in wanted.items():
            holders = self._holders(
                model, name, {v for ids in paths.values() for v in ids}
            )
            for key, values in paths.items():
                result[key] = sorted(
                    {id_ for v in values for id_ in holders.get(v, ())}
                )
        return result

    @api.model
    def _holders(self, model, name, values):
        """``{id: ids}``: for each of ``values``, the records of ``model``
        whose field ``name`` (a stored many2one or many2many) holds it, as
        Odoo's search and grouping find them."""
        Model = self.env[model].sudo().with_context(active_test=False)
        groups = Model._read_group(
            [(name, "in", sorted(values))], [name], ["id:array_agg"]
        )
        # a record holding several values is grouped under each of them
        return {held.id: ids for held, ids in groups if held.id in values}
