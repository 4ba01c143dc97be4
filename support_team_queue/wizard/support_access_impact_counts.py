from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL


class SupportAccessImpact(models.TransientModel):
    """Counting many users' gains and losses: a change that opens a whole
    team or a large group to many users is counted by the region it opens,
    once for all of them, less what each already reads there."""

    # one concern per file (README, Layout)
    _inherit = "support.access.impact"  # pylint: disable=consider-merging-classes-inherited

    def _difference_counts(self, before, after, region_counts):
        """``((gained, lost), (gained domain, lost domain))``: the counts of
        :meth:`_counts` for the domains of :meth:`_domain_differences`, and
        domains of the same tickets in fewer terms; or None when the
        domains do not split as the engine's count splits them (then
        :meth:`_counts`).

        Counted as one query over all the rows of ``after and not before``,
        a change that opens a whole team (or a large group) to many users
        reads that team's tickets once per user. Both domains are the
        user's resolved rules, ``common AND (branch OR branch ...)``
        (``support.rule.engine._rule_branches``): with the same
        ``common``, a branch of ``after`` that is also one of ``before``
        gains nothing, and from an ``in`` list the values a branch of
        ``before`` already lists gain nothing either. What remains
        (``region``) is counted as ``count(region) - count(region and
        before)``: the first is the same for every user the change opens
        the same region to, counted once (``region_counts``); the second
        reads only the tickets the user already reads there, from the
        indexes of their own branches."""
        if not before or not after:
            return None
        Engine = self.env["support.ticket"]
        common_before, branches_before = Engine._rule_branches(before)
        common_after, branches_after = Engine._rule_branches(after)
        if common_before != common_after:
            return None
        counts, domains = [], []
        for (domain, branches), other_branches in (
            ((before, branches_before), branches_after),
            ((after, branches_after), branches_before),
        ):
            region = self._new_region(branches, other_branches)
            if not region:
                counts.append(0)
                domains.append([expression.FALSE_LEAF])
                continue
            region = expression.AND([common_after, expression.OR(region)])
            other = after if domain is before else before
            total = region_counts.get(repr(region))
            if total is None:
                total = region_counts[repr(region)] = self._count(region)
            counts.append(total - self._count(expression.AND([region, other])))
            domains.append(expression.AND([region, ["!", *other]]))
        (lost, gained), (lost_domain, gained_domain) = counts, domains
        return (gained, lost), (gained_domain, lost_domain)

    @api.model
    def _new_region(self, branches, other_branches):
        """The branches of ``branches`` that may hold rows none of
        ``other_branches`` holds (both under the same common part): those
        not among ``other_branches``, with the values of an ``in`` list
        that a branch of ``other_branches`` lists on the same column left
        out."""
        listed = {}  # column -> values some other branch reads on it
        for branch in other_branches:
            column, values = self._listed_values(branch)
            if column:
                listed.setdefault(column, set()).update(values)
        region = []
        for branch in branches:
            if branch in other_branches:
                continue
            column, values = self._listed_values(branch)
            if column and column in listed:
                values = sorted(set(values) - listed[column])
                if not values:
                    continue
                branch = [(column, "in", values)]
            region.append(branch)
        return region

    @api.model
    def _listed_values(self, branch):
        """``(column, ids)`` when ``branch`` is one condition ``column in
        ids`` (or ``=``) on a many2one of the ticket, else ``(None, ())``:
        its rows are exactly those whose column holds one of the ids."""
        if len(branch) != 1 or not expression.is_leaf(branch[0]):
            return None, ()
        column, operator, value = branch[0]
        field = self.env["support.ticket"]._fields.get(column)
        if field is None or field.type != "many2one" or not field.store:
            return None, ()
        values = value if operator == "in" else [value] if operator == "=" else None
        if not isinstance(values, list | tuple) or not all(
            type(value) is int for value in values
        ):
            return None, ()
        return column, tuple(values)

    def _count(self, domain):
        """How many tickets ``domain`` finds among those the viewer may read
        (as :meth:`_counts` counts them)."""
        Tickets = self._viewer_tickets()
        query = Tickets._search(domain)
        if query._joins or len(query._tables) != 1:
            return Tickets.search_count(domain)
        [[count]] = self.env.execute_query(
            SQL(
                "SELECT count(*) FROM %s WHERE %s",
                SQL.identifier(Tickets._table),
                query.where_clause,
            )
        )
        return count
