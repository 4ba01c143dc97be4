#!/usr/bin/env python3
"""Benchmark: an operator's queue page at scale.

Builds a database with ``support_team_queue`` and OCA's ``helpdesk_mgmt``
(no demo data), generates a large data set for both, and measures the
ticket queue page as the web client loads it (``web_search_read`` of 80 rows
with the list view's fields; it runs ``search_count`` too, with
``count_limit=10001``) for each archetype of user, for the superuser (no
record rules: the floor) and for helpdesk_mgmt's ticket list.

This script runs the steps. The data comes from ``queue_desk.py`` (the
desk: roles, users, the team, groups, sharing rules) and ``queue_data.py``
(the database, contacts and tickets); the measures from
``queue_measure.py``; the tables and the summary from ``queue_report.py``.

Sizes grow within one database: tickets are added 10k -> 50k -> N
(``--small``: 2k -> 5k -> 10k) and measured at each step; then the groups
are cut from 200 to 20 (``--small``: 20 -> 5; tickets reassigned to the
remaining groups) and finally the role tree is flattened from 8 levels to 2
(same roles, same holders) to see what depth and group count cost.

``--large``: 1,000,000 tickets (100k -> 1M), 20,000 users, 1,000 groups
cut to 100, a role tree 10 levels deep. Each point also measures the
resolved rules' cache: every archetype's entry and that of the manager
with the most subordinates, whose page is measured with the entry bounded
and not.

Usage::

    .venv/bin/python bench/queue_page.py [--small | --large] [--db stq_bench] \
        [--out bench/results.json]

The last line printed is::

    queue_page ratio_vs_superuser=X ratio_vs_helpdesk_mgmt=Y \
        queries_depth2=A queries_depth8=B
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for path in (ROOT, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)

# ARCHETYPES and the rest are read from here by the tests and
# bench/sla_escalation.py
from queue_data import create_database, log, psql, settle  # noqa: E402
from queue_desk import Generator  # noqa: E402
from queue_measure import ARCHETYPES, SUPPORT_DOMAIN, run_point  # noqa: E402
from queue_report import machine, summarize, summary_line  # noqa: E402

from tools.odoo_server import ADDONS_PATH  # noqa: E402

__all__ = [
    "ADDONS_PATH",
    "ARCHETYPES",
    "SUPPORT_DOMAIN",
    "Generator",
    "create_database",
    "log",
    "machine",
    "psql",
    "settle",
]


# sizes measured, users, groups (then cut to), depth of the role tree
SHAPES = {
    "small": ([2000, 5000, 10000], 200, 20, 5, 8),
    "default": ([10000, 50000, 200000], 2000, 200, 20, 8),
    "large": ([100000, 1000000], 20000, 1000, 100, 10),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="stq_bench")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--small", action="store_true")
    size.add_argument(
        "--large",
        action="store_true",
        help="1,000,000 tickets, 20,000 users, 1,000 groups, a role tree 10 deep",
    )
    parser.add_argument(
        "--out",
        help="default bench/results.json, with --small results_small.json, "
        "with --large results_large.json",
    )
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip the install: the database exists (fresh)",
    )
    args = parser.parse_args()
    small, large = args.small, args.large
    if not args.out:
        args.out = os.path.join(
            HERE,
            "results_small.json"
            if small
            else ("results_large.json" if large else "results.json"),
        )
    shape = "small" if small else ("large" if large else "default")
    sizes, n_users, n_groups, n_groups_cut, depth = SHAPES[shape]
    runs = args.runs or (5 if small else (3 if large else 11))
    started = time.time()

    if not args.reuse:
        create_database(args)
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config

    config.parse_config(
        [f"--addons-path={ADDONS_PATH}", "-d", args.db, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    results = {
        "machine": machine(),
        "small": small,
        "large": large,
        "command": " ".join(sys.argv),
        "points": [],
    }

    def point_done(point):
        # written after each point: a long run that stops keeps what it measured
        results["points"].append(point)
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1, default=str)

    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            gen = Generator(env, args, random.Random(6))
            t0 = time.time()
            gen.roles(depth)
            gen.users(n_users, depth)
            gen.team()
            gen.groups(n_groups, depth)
            gen.recompute_memberships()
            gen.pick_archetypes(depth)
            gen.sharing_rules(depth)
            gen.helpdesk_teams()
            gen.customers(max(100, n_users))
            cr.commit()
            settle(args.db)
            results["setup_s"] = round(time.time() - t0, 1)
            log(f"set-up generated in {results['setup_s']}s")
            for size in sizes:
                t0 = time.time()
                gen.tickets(size)
                cr.commit()
                settle(args.db)
                generation = results.setdefault("generation_s", {})
                generation[size] = round(time.time() - t0, 1)
                log(f"{size} tickets generated in {generation[size]}s")
                point_done(
                    run_point(
                        env,
                        gen,
                        f"tickets {size}",
                        runs,
                        with_explain=size == sizes[-1],
                    )
                )
            # What autovacuum does in time: the visibility map lets the
            # counts that need no heap column read the indexes alone.
            psql(args.db, "VACUUM ANALYZE support_ticket, helpdesk_ticket")
            settle(args.db)
            log("vacuumed")
            point_done(
                run_point(
                    env, gen, f"tickets {sizes[-1]}, vacuumed", runs, with_explain=True
                )
            )
            gen.cut_groups(n_groups_cut)
            cr.commit()
            settle(args.db)
            point_done(run_point(env, gen, f"groups {n_groups_cut}", runs))
            gen.flatten_roles()
            cr.commit()
            settle(args.db)
            point_done(run_point(env, gen, "depth 2", runs, with_explain=True))
    finally:
        odoo.modules.registry.Registry.delete(args.db)
        odoo.sql_db.close_all()
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)

    summary = summarize(results, len(sizes), elapsed_s=round(time.time() - started, 1))
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1, default=str)
    log(f"results written to {args.out} ({summary['elapsed_s']}s in all)")
    print(summary_line(summary))


if __name__ == "__main__":
    main()
