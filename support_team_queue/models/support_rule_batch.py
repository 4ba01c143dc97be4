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
        nothing is written: the batch lives within the ``with`` block."""
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
        for start in range(0, len(keys), self._BATCH_PATHS):
            chunk = keys[start : start + self._BATCH_PATHS]
            [row] = self.env.execute_query(
                SQL(
                    "SELECT %s",
                    SQL(", ").join(
                        SQL("ARRAY(%s)", reached[key].select()) for key in chunk
                    ),
                )
            )
            batch["reached"].update(zip(chunk, row, strict=True))
