import contextlib
import functools
import typing

from odoo import api, models, tools
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.query import Query


class _ReachedIds(tuple):
    """Stands for the ids a rule's many2one path reaches until they are read
    (``SupportRuleEngine._resolve_rule_domain``)."""


class _PathSearch:
    """The search of the rest of a rule's many2one path on its comodel
    (``('team_id.operator_ids', 'in', 7)``: the teams whose operators
    include user 7), built when first needed: a batch reads many paths of
    one relation at once, without building each one's query
    (``support_rule_batch.py``)."""

    __slots__ = ("comodel", "path", "operator", "value", "_query")

    def __init__(self, comodel, path, operator, value):
        self.comodel = comodel.sudo().with_context(active_test=False)
        self.path, self.operator, self.value = path, operator, value
        self._query = None

    def query(self):
        if self._query is None:
            self._query = self.comodel._search([(self.path, self.operator, self.value)])
        return self._query


# beyond that many branches, a count's UNION ALL costs more to plan than it
# saves: the remaining branches keep their inner ORs
_MOST_BRANCHES = 12

# a branch naming more ids than that is counted after the others: planning
# its list again in each later branch costs more than filtering its rows
_IDS_COUNTED_LAST = 100


def _operands(domain, operator):
    """The operands of the top-level ``operator`` (``&`` or ``|``) of a
    normalized domain, nested ones included: each a normalized domain."""
    if domain[0] != operator:
        return [domain]
    end = _term_end(domain, 1)
    return _operands(domain[1:end], operator) + _operands(domain[end:], operator)


def _term_end(domain, start):
    """Where the term of a normalized domain that starts at ``start`` ends."""
    missing, index = 1, start
    while missing:
        token = domain[index]
        index += 1
        if token in ("&", "|"):
            missing += 1
        elif token != "!":
            missing -= 1
    return index


class _AppliedReadRules(typing.NamedTuple):
    """The read rules ``_apply_ir_rules`` added to a query: the query's
    conditions before them (``searched``), the resolved rules, and the
    query's FROM and WHERE right after them."""

    searched: SQL
    domain: list
    from_clause: SQL
    where_clause: SQL


class SupportRuleEngine(models.AbstractModel):
    """How the ticket's record rules are applied, fast (bench/README.md).

    Odoo turns the rules' many2one paths (``group_id.effective_user_ids``,
    ``team_id.operator_ids``, ``user_role_id.superior_user_ids``...) into
    sub-queries OR'ed together, which PostgreSQL evaluates row by row: a
    sequential scan of the tickets for every count, and, for a check on given
    records, every operator, member, superior and sharing target loaded in
    Python. Here the same rules, as Odoo computes them for the user
    (``ir.rule._compute_domain``), are resolved once into lists of ids (one
    small query), cached per user under the access stamp
    (``support.access.stamp``), and applied as ``group_id IN (...) OR
    user_id IN (...)``, which the indexes answer; checks on given records
    run the same domain in one SQL query, and a count takes the rules' OR
    branch by branch (``search_count``), each branch off its own index.
    Nothing here decides who may read what: the rules in
    ``security/support_rules.xml`` do.
    """

    _name = "support.rule.engine"
    _description = "Support Record Rule Engine"

    # columns only the index of their own branch includes: a branch reading
    # one is counted after the others, which need not read it
    # (``_disjoint_rule_branches``)
    _columns_counted_last = ()

    @api.model
    def _search(self, domain, *args, **kwargs):
        # The record rules join memberships through many2many tables, which
        # Odoo does not flush before a query: without this, a membership
        # changed earlier in the same transaction would not count yet.
        self.env["support.group"].flush_model(["effective_user_ids"])
        self.env["support.team"].flush_model(["operator_ids"])
        return super()._search(domain, *args, **kwargs)

    # Patch of Odoo: for speed only, the ticket rules are applied with their paths
    # resolved into ids, and checked on given records in one query (_check_access); what
    # they grant is unchanged.
    @api.model
    def _apply_ir_rules(self, query, mode="read"):
        # Performance (bench/README.md): as Odoo writes them, the rules'
        # paths (``group_id.effective_user_ids``, ``team_id.operator_ids``,
        # ``user_role_id.superior_user_ids``...) become sub-queries OR'ed
        # together, which PostgreSQL evaluates row by row over every ticket
        # (a sequential scan of the table for each count). Resolved first
        # into lists of ids (all read in one small query), the same
        # conditions read ``group_id IN (...) OR user_id IN (...)``, which
        # PostgreSQL answers from the indexes. (Left as sub-queries in
        # ``= ANY(ARRAY(...))`` form, the planner cannot see their values and
        # walks the priority index instead: 2-3x slower, bench/README.md.)
        # The resolved domains are cached per user under the access stamp
        # (support.access.stamp), which every change they depend on
        # replaces.
        if self.env.su:
            return
        domain = self.env["ir.rule"]._compute_domain(self._name, mode)
        if domain:
            domain = self._resolved_rules(domain)
            searched = query.where_clause
            expression.expression(domain, self.sudo(), self._table, query)
            if mode == "read":
                # what search_count needs to count the rules' branches apart
                query._support_read_rules = _AppliedReadRules(
                    searched, domain, query.from_clause, query.where_clause
                )

    @api.model
    def search_count(self, domain, limit=None):
        # Performance (bench/README.md): an operator's rules are an OR of
        # branches (their own tickets, their groups', their subordinates'...).
        # Counted as one OR, PostgreSQL ORs the branches' index bitmaps and
        # then reads a table page for each ticket counted, even when the
        # table is vacuumed. Counted as a UNION ALL of disjoint branches
        # (each one AND NOT the branches before it, NULL-safe), each branch
        # is an index-only scan of the open tickets' partial indexes. Same
        # search, same checks, same conditions and rules: only the OR is
        # counted branch by branch.
        query = self._search(domain, limit=limit)
        branches = self._disjoint_rule_branches(query)
        if branches is None:
            return len(query)  # Odoo's own count (BaseModel.search_count)
        union = SQL(" UNION ALL ").join(SQL("(%s)", branch) for branch in branches)
        count = SQL(
            "SELECT COUNT(*) FROM (%s%s) AS branches",
            union,
            SQL(" LIMIT %s", limit) if limit else SQL(),
        )
        return self.env.execute_query(count)[0][0]

    # Patch of Odoo: for speed only, a count by columns is grouped over the rows
    # the count takes branch by branch; what it counts is unchanged.
    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        # Performance (bench/README.md): as the count, a count by group (the
        # queue's side panel by group and by state, a list grouped by a
        # column) ORs the reader's rule branches and reads a table page per
        # ticket. Grouped over the rows the count takes branch by branch,
        # each branch is read off its index; the grouping, order and values
        # are Odoo's own.
        counted = self._read_group_by_branch(
            domain, groupby, aggregates, having, offset, limit, order
        )
        if counted is None:
            return super()._read_group(
                domain, groupby, aggregates, having, offset, limit, order
            )
        return counted

    @api.model
    def _read_group_by_branch(
        self, domain, groupby, aggregates, having, offset, limit, order
    ):
        """``_read_group`` of a count by plain columns of the table, made as
        Odoo makes it but over the rows of ``domain`` taken branch by branch
        of the read rules (``_disjoint_rule_branches``). None for any other
        grouping, or when the rules are no OR to take apart."""
        # an order by what is grouped and counted only; a blank term is Odoo's to refuse
        order_terms = [term.split() for term in order.split(",")] if order else []
        if (
            self.env.su  # no rules: nothing to take apart
            or not groupby
            or having
            or tuple(aggregates) != ("__count",)
            or not all(map(self._plain_column, groupby))
            or any(
                not term or term[0] not in (*groupby, "__count") for term in order_terms
            )
        ):
            return None
        columns = SQL(", ").join(SQL.identifier(self._table, name) for name in groupby)
        branches = self._disjoint_rule_branches(self._search(domain), columns)
        if branches is None:
            return None
        union = SQL(" UNION ALL ").join(SQL("(%s)", branch) for branch in branches)
        # the rows as a table of the model's name: Odoo's grouping and
        # order (a many2one by its comodel's order) apply to it as they are
        rows = Query(self.env, self._table, SQL("(%s)", union))
        rows.limit, rows.offset = limit, offset
        terms = {spec: self._read_group_groupby(spec, rows) for spec in groupby}
        rows.groupby = SQL(", ").join(terms.values())
        rows.order = self._read_group_orderby(order, terms, rows)
        values = self.env.execute_query(rows.select(*terms.values(), SQL("COUNT(*)")))
        if not values:
            return values
        columns = list(zip(*values, strict=True))
        result = [
            self._read_group_postprocess_groupby(spec, column)
            for spec, column in zip(groupby, columns[:-1], strict=True)
        ]
        result.append(self._read_group_postprocess_aggregate("__count", columns[-1]))
        return list(zip(*result, strict=True))

    @api.model
    def _plain_column(self, spec):
        """Whether the groupby ``spec`` is a many2one or selection column of
        the table itself, grouped by its value."""
        field = self._fields.get(spec)
        return (
            field is not None
            and field.type in ("many2one", "selection")
            and field.store
            and field.column_type is not None
            and not field.company_dependent
        )

    @api.model
    def _disjoint_rule_branches(self, query, selected=None):
        """One ``SELECT`` per branch of the top-level OR of the read rules
        applied to ``query`` (``_apply_ir_rules``), each with the query's
        own conditions and without the rows of the branches before it: the
        rows of ``query``, each exactly once, with the columns ``selected``
        (SQL; none by default). None when the rules are no such OR (a
        supervisor's company rule, the superuser) or the query changed
        after they were applied."""
        applied = getattr(query, "_support_read_rules", None)
        if (
            applied is None
            or query.offset
            or query.where_clause != applied.where_clause
            or query.from_clause != applied.from_clause
        ):
            return None
        common, branches = self._rule_branches(applied.domain)
        if len(branches) < 2:
            return None
        # Each branch repeats the branches before it (AND NOT), read off the
        # index of its own column, which includes the columns the others
        # read. So a branch on a column no other index includes comes last;
        # before it, a long list of ids (a call center's hundreds of groups)
        # counted first would be planned again in every later branch: it
        # comes after the others, which keep their order (bench/README.md).
        branches.sort(
            key=lambda branch: (
                not self._columns_read(branch).isdisjoint(self._columns_counted_last),
                self._ids_named(branch) > _IDS_COUNTED_LAST,
            )
        )
        conditions = [self._row_condition(part) for part in (common, *branches)]
        if None in conditions:
            return None
        common_condition, *branch_conditions = conditions
        selects = []
        for index, condition in enumerate(branch_conditions):
            where = [
                applied.searched,
                common_condition,
                condition,
                *(
                    SQL("(%s) IS NOT TRUE", earlier)
                    for earlier in branch_conditions[:index]
                ),
            ]
            selects.append(
                SQL(
                    "SELECT %s FROM %s WHERE %s",
                    selected or SQL(),
                    query.from_clause,
                    SQL(" AND ").join(part for part in where if part),
                )
            )
        return selects

    @api.model
    def _columns_read(self, domain):
        """The fields ``domain``'s conditions compare."""
        return {
            term[0]
            for term in domain
            if expression.is_leaf(term) and isinstance(term[0], str)
        }

    @api.model
    def _ids_named(self, domain):
        """The length of the longest list of ids ``domain`` names."""
        return max(
            (
                len(term[2])
                for term in domain
                if expression.is_leaf(term) and isinstance(term[2], list | tuple)
            ),
            default=0,
        )

    @api.model
    def _rule_branches(self, domain):
        """``domain`` (normalized) as ``common AND (branch OR branch ...)``,
        on its top-level OR of the most branches: ``(common, branches)``,
        without the branches that match nothing or repeat another, and
        with a branch's own OR taken as branches of their own."""
        conjuncts = _operands(domain, "&")
        alternatives = [_operands(conjunct, "|") for conjunct in conjuncts]
        widest = max(range(len(conjuncts)), key=lambda i: len(alternatives[i]))
        common = expression.AND(
            [conjunct for i, conjunct in enumerate(conjuncts) if i != widest]
        )
        branches, pending = [], list(alternatives[widest])
        while pending:
            branch = pending.pop(0)
            if expression.is_false(self, branch) or branch in branches:
                continue
            # a branch with an OR of its own (a sharing rule's sources:
            # its team AND (its group OR its users)) is taken as as many
            # branches, each of which one index serves
            parts = _operands(branch, "&")
            inner = next((part for part in parts if part[0] == "|"), None)
            split = _operands(inner, "|") if inner is not None else ()
            if not split or len(branches) + len(pending) + len(split) > _MOST_BRANCHES:
                branches.append(branch)
                continue
            others = [part for part in parts if part is not inner]
            pending[:0] = [expression.AND([*others, part]) for part in split]
        return common, branches

    @api.model
    def _row_condition(self, domain):
        """The SQL condition of ``domain`` (rules already resolved) on the
        ticket's row, as ``_apply_ir_rules`` writes it; None when it needs a
        join."""
        bare = Query(self.env, self._table, self._table_sql)
        query = Query(self.env, self._table, self._table_sql)
        expression.expression(domain, self.sudo(), self._table, query)
        if query.from_clause != bare.from_clause:
            return None
        return query.where_clause

    _PAGE_MEMO = "support_team_queue.resolved_rules"

    @api.model
    @api.readonly
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        # A page load (search, count, read of the rows) changes nothing: it
        # reads the access stamp once, not for each of them, and spares its
        # own rows a second rule check (search_fetch); the memo lives for
        # this call only.
        args = (domain, specification, offset, limit, order, count_limit)
        memo = self.env.cr.cache
        if self._PAGE_MEMO in memo:
            return super().web_search_read(*args)
        memo[self._PAGE_MEMO] = {}
        try:
            return super().web_search_read(*args)
        finally:
            memo.pop(self._PAGE_MEMO, None)

    def _page_readable_key(self):
        # the read rules depend on the user and the companies in context
        return ("readable", self.env.uid, tuple(self.env.companies.ids))

    @api.model
    def _read_in_this_page(self, ids):
        """Whether the current user's call that changes nothing (a page
        load, a chatter's data) has already found every ticket of ``ids``
        readable: the rows its search returned, the tickets it checked."""
        memo = self.env.cr.cache.get(self._PAGE_MEMO)
        if memo is None or self.env.su:
            return False
        readable = memo.get(self._page_readable_key())
        return bool(ids) and readable is not None and readable.issuperset(ids)

    # Patch of Odoo: for speed only, an operator's page of rows is searched, then
    # fetched by id; which rows, in which order, is unchanged.
    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        if limit and not self.env.su:
            return self._search_fetch_page(domain, field_names, offset, limit, order)
        records = super().search_fetch(domain, field_names, offset, limit, order)
        self._remember_readable(records)
        return records

    def _remember_readable(self, records):
        # Within a page load, the rows the search returned have just passed
        # the read rules: reading them need not decide the rules again.
        memo = self.env.cr.cache.get(self._PAGE_MEMO)
        if memo is not None and not self.env.su:
            key = self._page_readable_key()
            memo.setdefault(key, set()).update(records._ids)

    @api.model
    def _rules_choose_among_rows(self, query):
        """Whether the reader's rules applied to ``query`` are an OR of
        branches (their own tickets, their groups'...), which keep few of
        the rows a page walks past; a supervisor's keep them all."""
        applied = getattr(query, "_support_read_rules", None)
        return applied is not None and len(self._rule_branches(applied.domain)[1]) > 1

    @api.model
    def _search_fetch_page(self, domain, field_names, offset, limit, order):
        # Performance (bench/README.md): Odoo searches and fetches a page in
        # one query. Walking the queue's order, PostgreSQL then reads the
        # table row of every ticket it passes to test the reader's rules,
        # thousands for an operator who reaches one ticket in forty. The
        # page's ids alone are read off the queue index, whose columns the
        # rules test; only the rows kept are then fetched, by id, in the
        # same query and in the order the search found them (ties
        # included), as Odoo's set_result_ids orders given ids.
        query = self._search(
            domain, offset=offset, limit=limit, order=order or self._order
        )
        if query.is_empty():
            return self.browse()
        fields = self._determine_fields_to_fetch(field_names)
        columns = [field for field in fields if field.column_type]
        if self._rules_choose_among_rows(query) and any(
            field.name != "id" for field in columns
        ):
            page = Query(self.env, self._table, self._table_sql)
            found = page.join(
                self._table,
                "id",
                SQL(
                    "(SELECT * FROM unnest(ARRAY(%s)) WITH ORDINALITY)",
                    query.select(),
                ),
                "unnest",
                "page",
            )
            page.order = SQL.identifier(found, "ordinality")
            query = page
        # The columns first, then the other fields: the page's activities
        # and followers are read knowing its rows readable
        # (ticket_side_tables.py).
        records = self._fetch_query(query, columns)
        self._remember_readable(records)
        others = [field for field in fields if not field.column_type]
        if records and others:
            records._fetch_query(records._as_query(), others)
        return records

    @api.model
    def _resolved_rules(self, domain):
        if not any(map(self._resolvable, expression.normalize_domain(domain))):
            # nothing to resolve (a supervisor's company rule): no stamp read
            return domain
        memo = self.env.cr.cache.get(self._PAGE_MEMO)
        key = repr(domain)
        if memo is not None and key in memo:
            return memo[key]
        batch = self._batch()
        if self.env.cr.cache.get(self._NOT_CACHED):
            resolved = self._resolved_now(domain)
        else:
            if batch is not None:
                stamp = batch["stamp"]
            else:
                stamp = self.env["support.access.stamp"]._access_stamp()
            resolved = self._resolved_rules_at(key, stamp, domain)
        if memo is not None:
            memo[key] = resolved
        return resolved

    _NOT_CACHED = "support_team_queue.rules_not_cached"

    @api.model
    @contextlib.contextmanager
    def _rules_not_cached(self):
        """Within the block, resolved rules are not kept in the cache of
        resolved rules: the state of a savepoint about to be rolled back
        (the access impact preview), whose entries no request would find,
        would push out those of users at work."""
        cache = self.env.cr.cache
        cache[self._NOT_CACHED] = cache.get(self._NOT_CACHED, 0) + 1
        try:
            yield
        finally:
            cache[self._NOT_CACHED] -= 1

    @api.model
    @tools.ormcache("self.env.uid", "domain_key", "stamp")
    def _resolved_rules_at(self, domain_key, stamp, domain):
        # Cached under the access stamp of the caller's snapshot
        # (support.access.stamp): any change the resolution depends on
        # replaces the stamp in its own transaction, so an entry is only
        # ever found by requests that see the same memberships. Callers
        # never modify the domain they get. Only on a cache miss.
        return self._resolved_now(domain)

    @api.model
    def _resolved_now(self, domain):
        # The resolution reads memberships in SQL, and Odoo flushes no
        # many2many before a query: what this transaction changed
        # (memberships still to be recomputed) must be written first, or a
        # stale answer would be cached under the new stamp.
        self.env.flush_all()
        return self.sudo()._resolve_rule_domain(domain)

    @api.model
    def _resolve_rule_domain(self, domain):
        """``domain`` with each positive condition on a many2one path
        replaced by the ids it reaches (``('group_id', 'in', [...])``), and
        each searchable computed field by the domain its search method
        returns, resolved the same way. The ids of every path are read in
        one query; a path reaching more than ``_RESOLVED_IDS_MAX``
        stays its sub-query (``('user_id', 'in', SQL)``)."""
        batch = self._batch()
        if batch is not None and batch["pending"]:
            self._batch_reach(batch)
        if batch is not None and repr(domain) in batch["templates"]:
            template, reached = batch["templates"][repr(domain)]
        else:
            reached = {}  # (field, path, operator, value) -> comodel query
            template = self._rule_domain_template(domain, reached)
        if not reached:
            return template
        keys = list(reached)
        if batch is not None and all(key in batch["reached"] for key in keys):
            row = [batch["reached"][key] for key in keys]
        else:
            [row] = self.env.execute_query(
                SQL(
                    "SELECT %s",
                    SQL(", ").join(
                        SQL("ARRAY(%s)", reached[key].query().select()) for key in keys
                    ),
                )
            )
        resolved = {}
        for key, ids in zip(keys, row, strict=True):
            # Past _RESOLVED_IDS_MAX ids, the path stays a sub-query
            # (its SQL names only the few ids of the path's own conditions,
            # e.g. roles): the cached entry stays small.
            resolved[key] = (
                reached[key].query().subselect()
                if len(ids) > self._RESOLVED_IDS_MAX
                else sorted(ids)
            )
        return [
            (term[0], "in", resolved[term[2]])
            if isinstance(term, tuple) and isinstance(term[2], _ReachedIds)
            else term
            for term in template
        ]

    # The resolved domains are cached per user (``_resolved_rules_at``)
    # in Odoo's ormcache, an LRU bounded by its number of entries, not by
    # their size: a sharing rule whose source is a role high in the tree,
    # or a large group, reaches thousands of holders, as many ids in every
    # entry of its targets. Such a user reaches so many tickets that the
    # page's queries stop early with the sub-query too (bench/README.md,
    # "The resolved rules' cache").
    _RESOLVED_IDS_MAX = 1000

    @api.model
    def _resolvable(self, term):
        """How :meth:`_rule_domain_template` resolves a (positive)
        ``term``: ``"path"`` for a condition on a stored many2one's path,
        ``"search"`` for a searchable computed field, else None."""
        if not expression.is_leaf(term) or not isinstance(term[0], str):
            return None
        fname, _dot, path = term[0].partition(".")
        field = self._fields.get(fname)
        if field is None or term[1] not in ("=", "in"):
            return None
        if path and field.type == "many2one" and field.store:
            return "path"
        if not path and not field.store and field.search:
            return "search"
        return None

    @api.model
    def _rule_domain_template(self, domain, reached):
        result = []
        negated = False
        for term in expression.normalize_domain(domain):
            kind = None if negated else self._resolvable(term)
            negated = term == expression.NOT_OPERATOR
            if kind == "path":
                fname, _dot, path = term[0].partition(".")
                comodel = self.env[self._fields[fname].comodel_name]
                key = _ReachedIds((fname, path, term[1], repr(term[2])))
                if key not in reached:
                    reached[key] = _PathSearch(comodel, path, term[1], term[2])
                result.append((fname, "in", key))
            elif kind == "search":
                sub = self._fields[term[0]].determine_domain(self, term[1], term[2])
                result.extend(self._rule_domain_template(sub, reached))
            else:
                result.append(term)
        return result

    def _check_access(self, operation):
        # Performance (bench/README.md): Odoo checks the record rules on
        # given records (every read of the queue page, check_access,
        # has_access) by evaluating their domains in Python, which here
        # means loading every operator of the team, every effective member
        # of the groups and the superiors and sharing targets of every
        # ticket: ~100 ms for 80 tickets, 4x the whole page as superuser.
        # The same domains are decided in one SQL query instead, exactly as
        # searches decide them (``_search`` above flushes the memberships).
        if (
            self.env.su
            or not any(self._ids)
            or not self.env["ir.model.access"].check(
                self._name, operation, raise_exception=False
            )
        ):
            return super()._check_access(operation)
        if operation == "read" and self._read_in_this_page(self._ids):
            return None
        memo = self.env.cr.cache.get(self._PAGE_MEMO)
        Rule = self.env["ir.rule"]
        domain = Rule._compute_domain(self._name, operation)
        if not domain:
            return None
        ids = [id_ for id_ in self._ids if isinstance(id_, int)]
        if len(ids) != len(self._ids):  # new records: Odoo's own check
            return super()._check_access(operation)
        allowed = (
            self.sudo()
            .with_context(active_test=False)
            .search(expression.AND([[("id", "in", ids)], self._resolved_rules(domain)]))
        )
        if operation == "read" and memo is not None:
            # within a call that changes nothing, a ticket found readable
            # stays so
            key = self._page_readable_key()
            memo.setdefault(key, set()).update(allowed._ids)
        forbidden = self - allowed.with_env(self.env)
        if forbidden:
            return forbidden, functools.partial(
                Rule._make_access_error, operation, forbidden
            )
        return None
