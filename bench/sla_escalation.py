#!/usr/bin/env python3
"""Benchmark: the response-time targets' scheduled action at scale (issue 15).

Builds the queue benchmark's data set (``bench/queue_page.py``: its
database set-up and its ``Generator``, reused as they are) with N tickets,
gives the team working hours (Odoo's standard 40-hour calendar) and two
policies, then measures, as the scheduler's superuser:

  * ``refresh``: every open ticket choosing its policy and computing its
    deadlines (what a change of the team's policies costs: the tickets are
    inserted in SQL without them);
  * ``escalate, all due``: the first run of ``_cron_sla_escalate``, when
    nearly every open ticket is past its at-risk moment or deadline (the
    generated tickets are up to 90 days old): marked and notified, a batch
    of 1,000 at a time; every ticket's operator and the team's dispatcher
    (its administrator) are told, by e-mail (the generated users' Odoo
    preference), through Odoo's notifications;
  * ``escalate, nothing due``: the next run, the steady state: one indexed
    look for due tickets;
  * the "At Risk" and "Failed" filters of the queue: count of the open
    tickets in that state, and the plan's index.

Usage::

    .venv/bin/python bench/sla_escalation.py [--tickets N] [--db stq_sla_bench]

The last line printed is::

    sla_escalation tickets=N open=O due=D escalate_s=S ms_per_ticket=M \
        queries_per_ticket=Q steady_queries=R
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


def measure(env, label, func):
    cr = env.cr
    queries = cr.sql_log_count
    t0 = time.perf_counter()
    func()
    env.flush_all()
    elapsed = time.perf_counter() - t0
    point = {"s": round(elapsed, 2), "queries": cr.sql_log_count - queries}
    queue_page.log(f"{label}: {point['s']} s, {point['queries']} queries")
    return point


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=200000)
    parser.add_argument("--db", default="stq_sla_bench")
    parser.add_argument("--out", help="write the results as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    args.small = args.tickets <= 20000  # the generator's smaller role tree
    n_users = 200 if args.small else 2000
    n_groups = 20 if args.small else 200

    queue_page.create_database(args)
    import odoo
    from odoo import SUPERUSER_ID, Command, api
    from odoo.tools import SQL, config

    config.parse_config(
        [f"--addons-path={queue_page.ADDONS_PATH}", "-d", args.db, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    results = {"machine": queue_page.machine(), "command": " ".join(sys.argv)}
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            gen = queue_page.Generator(
                env(context={"tracking_disable": True}), args, random.Random(15)
            )
            gen.roles(8)
            gen.users(n_users, 8)
            gen.team()
            gen.groups(n_groups, 8)
            gen.recompute_memberships()
            gen.helpdesk_teams()
            gen.customers(max(100, n_users))
            gen.tickets(args.tickets)
            team = env["support.team"].browse(gen.team_id)
            team.write(
                {
                    "resource_calendar_id": env.ref(
                        "resource.resource_calendar_std"
                    ).id,
                    "notify_user_ids": [Command.set([gen.team_admin])],
                }
            )
            env["support.sla"].create(
                [
                    {
                        "name": "Every request",
                        "team_id": team.id,
                        "response_hours": 8,
                        "resolution_hours": 40,
                    },
                    {
                        "name": "Urgent",
                        "team_id": team.id,
                        "priority": "3",
                        "response_hours": 2,
                        "resolution_hours": 16,
                    },
                ]
            )  # their creation marks the open tickets for recomputation
            Ticket = env["support.ticket"]
            open_domain = queue_page.SUPPORT_DOMAIN
            results["open"] = Ticket.search_count(open_domain)
            results["refresh"] = measure(env, "refresh", env.flush_all)
            cr.commit()
            env.invalidate_all()
            queue_page.psql(args.db, "VACUUM ANALYZE support_ticket")
            queue_page.settle(args.db)
            results["due"] = Ticket.search_count(
                [("sla_next_check", "<=", odoo.fields.Datetime.now()), *open_domain]
            )
            results["escalate_all_due"] = measure(
                env, "escalate, all due", Ticket._cron_sla_escalate
            )
            cr.commit()
            env.invalidate_all()
            results["notifications"] = env["mail.notification"].search_count(
                [("mail_message_id.model", "=", "support.ticket")]
            )
            results["escalate_nothing_due"] = measure(
                env, "escalate, nothing due", Ticket._cron_sla_escalate
            )
            results["filters"] = {}
            for state in ("at_risk", "failed"):
                domain = [*open_domain, ("sla_state", "=", state)]
                query = Ticket._search(domain)
                cr.execute(SQL("EXPLAIN (ANALYZE, FORMAT JSON) %s", query.select()))
                plan = json.dumps(cr.fetchone()[0])
                results["filters"][state] = {
                    "count": Ticket.search_count(domain),
                    "index": "support_ticket_open_sla_state_index" in plan,
                    "ms": json.loads(plan)[0]["Execution Time"],
                }
                queue_page.log(f"filter {state}: {results['filters'][state]}")
            cr.rollback()
    finally:
        odoo.modules.registry.Registry.delete(args.db)
        odoo.sql_db.close_all()
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)

    run = results["escalate_all_due"]
    due = max(results["due"], 1)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1, default=str)
    print(
        f"sla_escalation tickets={args.tickets} open={results['open']} "
        f"due={results['due']} escalate_s={run['s']} "
        f"ms_per_ticket={1000 * run['s'] / due:.2f} "
        f"queries_per_ticket={run['queries'] / due:.1f} "
        f"steady_queries={results['escalate_nothing_due']['queries']}"
    )


if __name__ == "__main__":
    main()
