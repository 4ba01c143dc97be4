#!/usr/bin/env python3
"""Benchmark: "Preview Access Change" (``support.access.impact``) at scale.

Builds the queue benchmark's data set (``bench/queue_page.py``: its
database set-up and its ``Generator``, reused as they are) with N tickets,
then measures the preview of three changes, each as the user who may make
it, cold (Odoo's caches emptied first) and warm (the same preview again,
the users' rules as resolved by the cold one still cached, as those of
users who used the desk recently are):

  * ``group of all users``: every generated user made a direct member of
    one group (the team's administrator);
  * ``deep role moved``: a role of the first level, with the whole subtree
    below it, moved under the call center's role (a Support Administrator);
  * ``team level``: the team's ticket access from private to public read
    (the team's administrator): every operator may gain every ticket.

Usage::

    .venv/bin/python bench/access_impact.py [--tickets N] [--db stq_impact_bench] \
        [--keep] [--reuse] [--out FILE]

``--keep`` keeps the database, with the ids the measures need (as a
system parameter); ``--reuse`` measures again on such a kept database
without generating it (``--tickets`` is then read from it).

The last line printed is::

    access_impact tickets=N users=U group_s=A role_s=B team_s=C
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import queue_page  # noqa: E402  (its generator and database set-up)

# where a kept database remembers the ids the measures need (--reuse)
FIXTURE_PARAM = "bench.access_impact.fixture"


def measure(env, label, record, values):
    """Preview ``values`` on ``record``, cold then warm."""
    points = {}
    for run in ("cold", "warm"):
        if run == "cold":
            # a request after Odoo's caches were emptied, the emptying
            # signalled (at the end of the request that did it)
            env.registry.clear_cache()
            env.registry.cache_invalidated.clear()
        env.invalidate_all()
        cr = env.cr
        queries = cr.sql_log_count
        t0 = time.perf_counter()
        action = record.action_support_access_impact(values)
        elapsed = time.perf_counter() - t0
        impact = record.env["support.access.impact"].browse(action["res_id"])
        points[run] = {
            "s": round(elapsed, 2),
            "queries": cr.sql_log_count - queries,
            "users_concerned": len(impact.line_ids),
            "gained": sum(impact.line_ids.mapped("gained_count")),
            "lost": sum(impact.line_ids.mapped("lost_count")),
        }
        queue_page.log(f"{label}, {run}: {points[run]}")
    return points


def generate(env, args, n_users, n_groups):
    """The benchmark's data; returns the ids the measures need."""
    from odoo import Command

    gen = queue_page.Generator(env, args, random.Random(17))
    gen.roles(8)
    gen.users(n_users, 8)
    gen.team()
    gen.groups(n_groups, 8)
    gen.recompute_memberships()
    gen.pick_archetypes(8)
    gen.sharing_rules(8)
    gen.helpdesk_teams()
    gen.customers(max(100, n_users))
    gen.tickets(args.tickets)
    support_admin = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Bench Support Administrator",
                "login": "bench_support_admin",
                "groups_id": [
                    Command.link(env.ref("support_team_queue.group_support_admin").id)
                ],
            }
        )
    )
    return {
        "tickets": args.tickets,
        "user_ids": gen.user_ids,
        "team_admin": gen.team_admin,
        "support_admin": support_admin.id,
        "group_id": gen.group_ids[0],
        "level_one_role": next(
            role_id
            for role_id, level in sorted(gen.levels.items())
            if level == 1 and role_id != gen.callcenter_role
        ),
        "callcenter_role": gen.callcenter_role,
        "team_id": gen.team_id,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=10000)
    parser.add_argument("--db", default="stq_impact_bench")
    parser.add_argument("--out", help="write the results as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure on a database kept by --keep, without generating it",
    )
    args = parser.parse_args()
    if args.reuse:
        args.keep = True
    args.small = args.tickets <= 20000  # the generator's smaller role tree
    n_users = 200 if args.small else 2000
    n_groups = 20 if args.small else 200

    if not args.reuse:
        queue_page.create_database(args)
    import odoo
    from odoo import SUPERUSER_ID, Command, api
    from odoo.tools import config

    config.parse_config(
        [f"--addons-path={queue_page.ADDONS_PATH}", "-d", args.db, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    results = {"machine": queue_page.machine(), "command": " ".join(sys.argv)}
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            Param = env["ir.config_parameter"]
            if args.reuse:
                fixture = json.loads(Param.get_param(FIXTURE_PARAM) or "null")
                if not fixture:
                    sys.exit(f"{args.db} was not kept by bench/access_impact.py")
            else:
                fixture = generate(env, args, n_users, n_groups)
                Param.set_param(FIXTURE_PARAM, json.dumps(fixture))
                cr.commit()
                queue_page.psql(args.db, "VACUUM ANALYZE support_ticket")
            queue_page.settle(args.db)
            args.tickets = fixture["tickets"]
            results["users"] = len(fixture["user_ids"])
            results["tickets"] = fixture["tickets"]
            results["load_average"] = os.getloadavg()
            as_admin = env(user=fixture["team_admin"], su=False, context={})
            as_support_admin = env(user=fixture["support_admin"], su=False, context={})
            group = as_admin["support.group"].browse(fixture["group_id"])
            results["group"] = measure(
                as_admin,
                "group of all users",
                group,
                {"user_ids": [Command.set(fixture["user_ids"])]},
            )
            cr.rollback()
            results["role"] = measure(
                as_support_admin,
                "deep role moved",
                as_support_admin["support.role"].browse(fixture["level_one_role"]),
                {"parent_id": fixture["callcenter_role"]},
            )
            cr.rollback()
            results["team"] = measure(
                as_admin,
                "team level",
                as_admin["support.team"].browse(fixture["team_id"]),
                {"ticket_access": "public_read"},
            )
            cr.rollback()
    finally:
        odoo.modules.registry.Registry.delete(args.db)
        odoo.sql_db.close_all()
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)

    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1, default=str)
    print(
        f"access_impact tickets={args.tickets} users={results['users']} "
        f"group_s={results['group']['cold']['s']} "
        f"role_s={results['role']['cold']['s']} "
        f"team_s={results['team']['cold']['s']}"
    )


if __name__ == "__main__":
    main()
