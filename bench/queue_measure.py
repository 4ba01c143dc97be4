"""The queue benchmark's measures: the queue page as the web client loads
it (``web_search_read`` of 80 open tickets with the list view's fields, and
the count with ``count_limit=10001``), for each archetype of user, for the
superuser (no record rules: the floor) and for helpdesk_mgmt's ticket list;
the dashboard's group cards; and the plans PostgreSQL ran."""

import gc
import re
import statistics
import sys
import time

from queue_report import print_point

# the fields of support_team_queue.view_support_ticket_list, as the web
# client asks for them (many2one: display_name; list_activity: its fields)
M2O = {"fields": {"display_name": {}}}
ACTIVITY = {
    "activity_ids": {"fields": {}},
    "activity_exception_decoration": {},
    "activity_exception_icon": {},
    "activity_state": {},
    "activity_summary": {},
    "activity_type_icon": {},
    "activity_type_id": M2O,
}
SUPPORT_SPEC = {
    "message_needaction": {},
    "number": {},
    "requester_display": {},
    "partner_email": {},
    "partner_id": M2O,
    "organization_id": M2O,
    "priority": {},
    "waiting_hours": {},
    "user_id": M2O,
    "team_id": M2O,
    "group_id": M2O,
    "name": {},
    "category_id": M2O,
    "channel": {},
    "date_last_activity": {},
    **ACTIVITY,
    "unanswered_count": {},
    "state": {},
    # response-time targets: the row's deadline and its colour
    "sla_state": {},
    "sla_deadline": {},
    # what the row's decoration and buttons read
    "is_open": {},
}
# helpdesk_mgmt.ticket_view_tree
HELPDESK_SPEC = {
    "priority": {},
    "sequence": {},
    "number": {},
    "name": {},
    "partner_id": M2O,
    "partner_name": {},
    "user_id": M2O,
    "category_id": M2O,
    "unattended": {},
    "closed": {},
    "tag_ids": {"fields": {"display_name": {}, "color": {}}},
    "create_date": {},
    "last_stage_update": {},
    **ACTIVITY,
    "stage_id": M2O,
}
# support_team_queue.view_support_group_kanban_dashboard: one card a group
DASHBOARD_SPEC = {
    "name": {},
    "color": {},
    "team_id": M2O,
    "open_ticket_count": {},
    "dashboard_new_count": {},
    "dashboard_in_progress_count": {},
    "dashboard_waiting_count": {},
    "dashboard_queued_count": {},
    "dashboard_oldest_ticket_id": M2O,
    "dashboard_oldest_waiting_hours": {},
    "dashboard_average_waiting_hours": {},
    "effective_user_ids": {"fields": {"display_name": {}}},
}
DASHBOARD_ARCHETYPES = ("team_admin", "technician")
SUPPORT_DOMAIN = [("is_open", "=", True)]
HELPDESK_DOMAIN = [("closed", "=", False)]

ARCHETYPES = [
    "technician",
    "call_center",
    "group_manager",
    "mid_manager",
    "supervisor",
    "team_admin",
]


def page_load(env, model, uid, domain, spec, su=False):
    """One load of the list page: (seconds, SQL queries, length)."""
    from odoo import sql_db

    env.invalidate_all()
    records = env[model].with_user(uid)
    if su:
        records = records.sudo()
    before = sql_db.sql_counter
    t0 = time.perf_counter()
    result = records.web_search_read(
        domain=domain, specification=spec, limit=80, count_limit=10001
    )
    elapsed = time.perf_counter() - t0
    return elapsed, sql_db.sql_counter - before, result["length"]


def measure_all(env, targets, runs):
    """Median page load of each target ``name: (uid, model, domain, spec,
    su)``, after two warm-up rounds (caches of rules, views, registry).
    The targets are measured in turn within each round, so that a load
    spike of the machine hits them alike rather than one of them."""
    for _ in range(2):
        for target in targets.values():
            page_load(env, *target)
    # A full collection of Python's garbage collector walks every object
    # alive (the registry, the generator's data): a pause that, the
    # allocations being the same each round, can land on the same target
    # each round. What is alive after the warm-up is left out of the
    # collections while measuring.
    gc.collect()
    gc.freeze()
    try:
        return _measure_rounds(env, targets, runs)
    finally:
        gc.unfreeze()


def _measure_rounds(env, targets, runs):
    samples = {name: [] for name in targets}
    queries = {name: set() for name in targets}
    lengths = {}
    for _ in range(runs):
        for name, target in targets.items():
            t, q, length = page_load(env, *target)
            samples[name].append(t)
            queries[name].add(q)
            lengths[name] = length
    return {
        name: {
            "median_ms": round(statistics.median(samples[name]) * 1000, 2),
            "min_ms": round(min(samples[name]) * 1000, 2),
            "queries": max(queries[name]),
            "length": lengths[name],
            "rounds_ms": [round(t * 1000, 2) for t in samples[name]],
        }
        for name in targets
    }


def ratio_in_rounds(measure, floor):
    """The median, over the rounds, of ``measure``'s page time divided by
    ``floor``'s in the same round: a slow spell of the machine weighs on
    both sides of each ratio, where it can move one median and not the
    other."""
    return round(
        statistics.median(
            page / floor_page
            for page, floor_page in zip(
                measure["rounds_ms"], floor["rounds_ms"], strict=True
            )
        ),
        3,
    )


def explain(env, uid, model, domain):
    """EXPLAIN ANALYZE of the queue page's two ticket queries as the user:
    the search of the 80 rows, and the count as ``search_count(domain,
    limit=10001)`` writes it (``web_search_read`` runs it when a page is
    full)."""
    from odoo.tools import SQL

    records = env[model].with_user(uid)
    env.invalidate_all()
    search = records._search(domain, limit=80, order=records._order).select()
    count = SQL(
        "SELECT COUNT(*) FROM (%s) t",
        records._search(domain, limit=10001).select(""),
    )
    result = {}
    for name, sql in (("search", search), ("count", count)):
        code = env.cr.mogrify(sql.code, sql.params).decode()
        env.cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + code)
        result[name] = {"sql": code, "plan": [row[0] for row in env.cr.fetchall()]}
    return result


def deep_size(obj, seen=None):
    """Bytes of ``obj`` and of everything it holds (``sys.getsizeof``,
    each object once): an upper bound of what a cache entry keeps alive
    (small ints and field names are shared with the rest of the process)."""
    from odoo.tools import SQL

    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    size = sys.getsizeof(obj)
    if isinstance(obj, list | tuple | set | frozenset):
        size += sum(deep_size(item, seen) for item in obj)
    elif isinstance(obj, dict):
        size += sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    elif isinstance(obj, SQL):
        size += deep_size(obj.code, seen) + deep_size(obj.params, seen)
    return size


def cache_entry(env, uid):
    """The user's entry in the resolved rules' cache (their read rules, as
    ``_resolved_rules_at`` keeps them): its size in bytes, the
    longest list of ids in it, and how many paths stayed sub-queries."""
    from odoo.tools import SQL

    Ticket = env["support.ticket"].with_user(uid)
    domain = env["ir.rule"].with_user(uid)._compute_domain("support.ticket", "read")
    if not domain:
        return {"bytes": 0, "longest_ids": 0, "subqueries": 0, "terms": 0}
    env.registry.clear_cache()
    t0 = time.perf_counter()
    resolved = Ticket._resolved_rules(domain)
    resolve_ms = (time.perf_counter() - t0) * 1000
    lists = [
        term[2]
        for term in resolved
        if isinstance(term, tuple | list) and isinstance(term[2], list | tuple)
    ]
    return {
        "bytes": deep_size(resolved),
        "longest_ids": max(map(len, lists), default=0),
        "subqueries": sum(
            1
            for term in resolved
            if isinstance(term, tuple | list) and isinstance(term[2], SQL)
        ),
        "terms": len(resolved),
        "resolve_ms": round(resolve_ms, 2),
    }


# '{1,2,...}' in plans, '(1, 2, ...)' in SQL
LONG_ID_LIST = re.compile(r"\{(\d+,){20}(\d+,)+\d+\}|\((\d+, ){20}(\d+, )+\d+\)")


def abridge_ids(explained):
    """The plans and SQL with their long id lists cut short (a list of
    thousands of subordinates' ids, written out in each line)."""

    def cut(match):
        text = match.group(0)
        ids = text[1:-1].split(",")
        return text[0] + ",".join(ids[:5]) + f",... {len(ids)} ids" + text[-1]

    return {
        name: {
            "sql": LONG_ID_LIST.sub(cut, query["sql"]),
            "plan": [LONG_ID_LIST.sub(cut, line) for line in query["plan"]],
        }
        for name, query in explained.items()
    }


class unbounded_resolution:
    """Within it, every resolved path is kept as ids, however many (the
    resolution before it was bounded), and the cache starts empty."""

    def __init__(self, env):
        self.env = env
        self.cls = type(env["support.ticket"])

    def __enter__(self):
        self.saved = self.cls.__dict__.get("_RESOLVED_IDS_MAX")
        self.cls._RESOLVED_IDS_MAX = float("inf")
        self.env.registry.clear_cache()

    def __exit__(self, *exc):
        if self.saved is None:
            del self.cls._RESOLVED_IDS_MAX
        else:
            self.cls._RESOLVED_IDS_MAX = self.saved
        self.env.registry.clear_cache()


def measure_cache(env, gen, runs):
    """Each archetype's entry in the resolved rules' cache, the top
    manager's (most subordinates) with and without the bound, and the top
    manager's page both ways, beside the superuser's."""
    users = dict(gen.archetypes, top_manager=gen.top_manager)
    cache = {name: cache_entry(env, uid) for name, uid in users.items() if uid}
    result = {
        "bound_ids": type(env["support.ticket"])._RESOLVED_IDS_MAX,
        "entries": cache,
    }
    if not gen.top_manager:
        return result
    support = ("support.ticket", SUPPORT_DOMAIN, SUPPORT_SPEC)
    targets = {
        "superuser": (support[0], gen.archetypes["supervisor"], *support[1:], True),
        "top_manager": (support[0], gen.top_manager, *support[1:], False),
    }
    # both ways alike: an empty cache, the entry resolved, then the rounds
    with unbounded_resolution(env):
        result["top_manager_unbounded"] = cache_entry(env, gen.top_manager)
        unbounded = measure_all(env, targets, runs)
        result["top_manager_unbounded_explain"] = abridge_ids(
            explain(env, gen.top_manager, "support.ticket", SUPPORT_DOMAIN)
        )
    cache_entry(env, gen.top_manager)
    bounded = measure_all(env, targets, runs)
    result["top_manager_explain"] = explain(
        env, gen.top_manager, "support.ticket", SUPPORT_DOMAIN
    )
    result["top_manager_page"] = {"bounded": bounded, "unbounded": unbounded}
    return result


def run_point(env, gen, label, runs, with_explain=False):
    env.cr.execute(
        "SELECT pg_total_relation_size('support_ticket'), "
        "pg_total_relation_size('helpdesk_ticket')"
    )
    sizes_mb = [round(size / 2**20) for size in env.cr.fetchone()]
    point = {
        "label": label,
        "table_mb": dict(
            zip(("support_ticket", "helpdesk_ticket"), sizes_mb, strict=True)
        ),
        "tickets": gen.ticket_count,
        "groups": len(gen.group_ids),
        "depth": max(gen.levels.values()) + 1,
        "archetypes": {},
    }
    sup = gen.archetypes["supervisor"]
    support = ("support.ticket", SUPPORT_DOMAIN, SUPPORT_SPEC)
    helpdesk = ("helpdesk.ticket", HELPDESK_DOMAIN, HELPDESK_SPEC)

    def target(page, uid, su=False):
        return (page[0], uid, page[1], page[2], su)

    targets = {
        "superuser": target(support, sup, True),
        "hd_superuser": target(helpdesk, sup, True),
    }
    for name in ARCHETYPES:
        uid = gen.archetypes[name]
        targets[name] = target(support, uid)
        targets["hd_" + name] = target(helpdesk, uid)
    dashboard = ("support.group", [], DASHBOARD_SPEC)
    for name in DASHBOARD_ARCHETYPES:
        targets["dashboard_" + name] = target(dashboard, gen.archetypes[name])
    res = measure_all(env, targets, runs)
    point["dashboard"] = {
        name: res["dashboard_" + name] for name in DASHBOARD_ARCHETYPES
    }
    su = point["superuser"] = res["superuser"]
    point["helpdesk_superuser"] = res["hd_superuser"]
    for name in ARCHETYPES:
        r = point["archetypes"][name] = res[name]
        r["helpdesk_mgmt"] = res["hd_" + name]
        r["ratio_vs_superuser"] = round(r["median_ms"] / su["median_ms"], 3)
        r["ratio_in_rounds"] = ratio_in_rounds(r, su)
    worst = max(ARCHETYPES, key=lambda a: point["archetypes"][a]["median_ms"])
    point["worst"] = worst
    if with_explain:
        point["explain"] = {
            name: explain(env, gen.archetypes[name], "support.ticket", SUPPORT_DOMAIN)
            for name in ARCHETYPES
        }
        point["explain"]["helpdesk_mgmt"] = explain(
            env, gen.archetypes[worst], "helpdesk.ticket", HELPDESK_DOMAIN
        )
    point["cache"] = measure_cache(env, gen, runs)
    print_point(point)
    return point
