#!/usr/bin/env python3
"""Benchmark: the queries and time of one operator's calls, in process.

On a database that ``bench/desk_load.py --keep`` left (its data, both
products), one agent works tickets of their own, open and nobody's, one
call after the other, each call in a cursor of its own and committed, as a
request is: the form's ``web_read``, the chatter's ``/mail/thread/data``
and ``/mail/thread/messages`` (what their routes run, without HTTP), the
Take button and the form's reload, and a reply to the customer
(``message_post``). The first ticket warms the caches; the others are
measured: the median of each call's queries and milliseconds.
bench/README.md, "The calls of one operator: before and after".

Usage::

    .venv/bin/python bench/desk_load.py --small --db stq_desk_load --keep
    .venv/bin/python bench/desk_calls.py --db stq_desk_load [--tickets 10] [--sql]

``--sql`` prints the queries of each call of the last ticket. The tickets
worked stay taken and answered.
"""

import argparse
import importlib
import os
import statistics
import sys
import threading
import time

from markupsafe import Markup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tools.odoo_server import ADDONS_PATH  # noqa: E402

OPEN_STATES = ("new", "in_progress", "waiting")
CHATTER = ["activities", "attachments", "followers"]
CHATTER += ["scheduledMessages", "suggestedRecipients"]
MEMO = "support_team_queue.resolved_rules"  # support.rule.engine's page memo


def form_specification(env):
    """The form's fields as the web client reads them (relations: their
    display_name)."""
    Ticket = env["support.ticket"]
    arch = Ticket.get_view(view_type="form")["arch"]
    from lxml import etree

    spec = {}
    for node in etree.fromstring(arch).iter("field"):
        parents = [a for a in node.iterancestors() if a.getparent() is not None]
        if any(a.tag in ("list", "kanban", "form") for a in parents):
            continue  # a sub-view's field
        field = Ticket._fields.get(node.get("name"))
        if field is None:
            continue
        relational = field.type in ("many2one", "one2many", "many2many")
        spec[field.name] = {"fields": {"display_name": {}}} if relational else {}
    spec["display_name"] = {}
    return spec


def pick(env, count):
    """An agent and ``count`` open tickets nobody holds that they may change."""
    agents = env.ref("support_team_queue.group_support_agent").users.filtered(
        lambda u: not u.has_group("support_team_queue.group_support_supervisor")
    )
    for user in agents.sorted("id"):
        tickets = (
            env["support.ticket"]
            .with_user(user)
            .search(
                [("state", "in", OPEN_STATES), ("user_id", "=", False)],
                order="id",
                limit=count * 4,
            )
            ._filtered_access("write")
        )
        if len(tickets) >= count:
            return user, tickets[:count].ids
    raise SystemExit("no agent with enough tickets of their own")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="stq_desk_load")
    parser.add_argument("--tickets", type=int, default=10, help="measured, + 1 warm")
    parser.add_argument("--sql", action="store_true")
    args = parser.parse_args()

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config

    config.parse_config(
        [f"--addons-path={ADDONS_PATH}", "-d", args.db, "--log-level=warn"]
    )
    from odoo.addons.mail.tools.discuss import Store

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        user, ticket_ids = pick(env, args.tickets + 1)
        spec = form_specification(env)
        context = dict(env["res.users"].context_get(), tz="UTC")
        login = user.login
    print(f"{login}: tickets {ticket_ids}")

    samples, queries = {}, {}

    def call(kind, ticket_id, work):
        thread = threading.current_thread()
        log = []
        thread.query_hooks = [lambda cr, q, p, s, d: log.append((d, cr._format(q, p)))]
        start = time.perf_counter()
        with registry.cursor() as cr:
            env = api.Environment(cr, user.id, context)
            count0 = cr.sql_log_count
            work(env, env["support.ticket"].browse(ticket_id))
            env.flush_all()
            count = cr.sql_log_count - count0
        elapsed = time.perf_counter() - start
        del thread.query_hooks
        samples.setdefault(kind, []).append((count, elapsed * 1000))
        queries[kind] = log

    try:  # the route keeps a memo for tickets (controllers/mail_thread.py)
        importlib.import_module(
            "odoo.addons.support_team_queue.controllers.mail_thread"
        )
        route_memo = True
    except ImportError:  # the addon before it did
        route_memo = False

    def thread_data(env, ticket):
        if route_memo:
            env.cr.cache[MEMO] = {}
        thread = ticket._get_thread_with_access(ticket.id)
        Store(thread, as_thread=True, request_list=CHATTER).get_result()
        env.cr.cache.pop(MEMO, None)

    def thread_messages(env, ticket):
        domain = [("res_id", "=", ticket.id), ("model", "=", ticket._name)]
        domain.append(("message_type", "!=", "user_notification"))
        res = env["mail.message"]._message_fetch(domain, limit=30)
        res["messages"].set_message_done()
        Store(res["messages"], for_current_user=True).get_result()

    def reply(env, ticket):
        # as the route: the post's access, then whether the poster may write
        thread = ticket._get_thread_with_access(ticket.id, ticket._mail_post_access)
        ticket._get_thread_with_access(ticket.id, "write")
        thread = thread.with_context(mail_post_autofollow=True)
        message = thread.sudo().message_post(
            body=Markup("<p>Solved, thank you.</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=ticket.sudo().partner_id.ids,
        )
        Store(message, for_current_user=True).get_result()

    calls = [
        ("form: web_read", lambda env, t: t.web_read(spec)),
        ("chatter: /mail/thread/data", thread_data),
        ("chatter: /mail/thread/messages", thread_messages),
        ("take: action_take", lambda env, t: t.action_take()),
        ("take: web_read", lambda env, t: t.web_read(spec)),
        ("reply: message_post", reply),
    ]
    for ticket_id in ticket_ids:
        for kind, work in calls:
            call(kind, ticket_id, work)
    odoo.sql_db.close_all()

    print(f"{'call':<34}{'queries':>8}{'ms p50':>9}{'ms min':>9}")
    for kind, _work in calls:
        measured = samples[kind][1:]  # the first ticket warmed the caches
        counts = sorted({c for c, _ms in measured})
        median = statistics.median(ms for _c, ms in measured)
        low = min(ms for _c, ms in measured)
        shown = "/".join(map(str, counts))
        print(f"{kind:<34}{shown:>8}{median:>9.1f}{low:>9.1f}")
    if args.sql:
        for kind, _work in calls:
            print(f"\n== {kind}")
            for delay, query in queries[kind]:
                print(f"{delay * 1000:7.2f} ms  {' '.join(query.split())[:300]}")


if __name__ == "__main__":
    main()
