#!/usr/bin/env python3
"""Benchmark: a busy desk, N operators at once over HTTP JSON-RPC.

The queue benchmark's data (``bench/queue_page.py``: its database set-up and
``Generator``), support_team_queue and OCA's helpdesk_mgmt on the same
tickets, served by ``odoo-bin --workers=2`` on the loopback
(``tools/odoo_server.py``). N operators, each with a web session of their
own (``/web/session/authenticate``), work tickets as the web client does,
with no pause between clicks: open the queue (the list's
``web_search_read`` and the search panel's counters), open a ticket (the
form's ``web_read``, the chatter's ``/mail/thread/data`` and
``/mail/thread/messages``), take it (the form's button, then its reload),
reply to the customer (``/mail/message/post``), close it (button or status
bar), open the dashboard (its kanban and, for helpdesk_mgmt,
``retrieve_dashboard``). What each call asks comes from the server as the
web client gets it: the actions (``/web/action/load``), their views
(``get_views``) and the fields of their archs. Each operator takes tickets
of their own, so that no two race for one. The products are measured in
turn, the order alternating each round. bench/README.md has the details.
With ``--balancer``, the operators reach the server through a balancer
that passes two connections at once and queues the others
(``bench/balancer.py``), as a deployment's reverse proxy does.
Usage: ``.venv/bin/python bench/desk_load.py [--small] [--operators 10,50]
[--balancer]``.
The last line printed is::

    desk_load p95_ratio_vs_helpdesk_mgmt=X throughput_ratio_vs_helpdesk_mgmt=Y errors=N
"""

import argparse
import ast
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for path in (HERE, ROOT):
    if path not in sys.path:
        sys.path.insert(0, path)

import queue_page  # noqa: E402  (its database set-up and generator)
import requests  # noqa: E402

from tools.odoo_server import ADDONS_PATH, free_port, odoo_server  # noqa: E402

OPEN_STATES = ("new", "in_progress", "waiting")
PASSWORD = "desk-load"
TIMEOUT = 120  # seconds a call may take before it counts as an error
WORKERS = 2  # odoo-bin --workers
PRODUCTS = {
    "support_team_queue": {
        "ticket": "support.ticket",
        "queue": "support_team_queue.action_support_ticket_queue",
        "filter": "filter_open",
        "dashboard": "support_team_queue.action_support_group_dashboard",
        "dashboard_call": None,
        "take": "action_take",
        "close": "action_close",
    },
    "helpdesk_mgmt": {
        "ticket": "helpdesk.ticket",
        "queue": "helpdesk_mgmt.helpdesk_ticket_action",
        "filter": "open",  # the action has none: its search view's "Open"
        "dashboard": "helpdesk_mgmt.helpdesk_ticket_dashboard_action",
        "dashboard_call": "retrieve_dashboard",  # its kanban's js_class asks it
        "take": "assign_to_me",
        # the status bar's "Done": {"stage_id": its id}, set once generated
        "close": "helpdesk_mgmt.helpdesk_ticket_stage_done",
    },
}
OURS, THEIRS = PRODUCTS
# the defaults of --operators, --tickets, --cycles, users and groups
SIZES = {"small": ("10", 10000, 1, 200, 20), "full": ("10,50", 50000, 3, 2000, 200)}
# what an operator does with a ticket, in this order
ACTIONS = ("queue", "ticket", "take", "reply", "close", "dashboard")
log = queue_page.log


def arch_fields(node):
    """The ``<field>`` nodes of a view, not those of its x2many sub-views."""
    for child in node:
        yield from [child] if child.tag == "field" else arch_fields(child)


def specification(arch_node, model, models):
    """The ``specification`` the web client sends for a view: every field of
    the arch; relational ones read their ``display_name``, or the fields of
    their own sub-view when the arch embeds one; one always invisible, its
    ids only, as the web client's ``getFieldsSpec``."""
    fields = models[model]["fields"]
    spec = {}
    for node in arch_fields(arch_node):
        info = fields.get(node.get("name"))
        if not info:
            continue
        if node.get("invisible") in ("1", "True") and info["type"] in (
            "many2one",
            "one2many",
            "many2many",
        ):
            many2one = info["type"] == "many2one"
            spec.setdefault(node.get("name"), {"fields": {}} if many2one else {})
        elif info["type"] in ("many2one", "one2many", "many2many"):
            subviews = [c for c in node if c.tag in ("list", "kanban", "form")]
            sub = (
                specification(subviews[0], info["relation"], models)
                if subviews and info["relation"] in models
                else {}
            )
            spec[node.get("name")] = {"fields": {"display_name": {}, **sub}}
        else:
            spec[node.get("name")] = {}
    return spec


def search_panel(search_arch):
    """(field, select) of the search view's panel, if it has one."""
    panel = search_arch.find("searchpanel")
    fields = () if panel is None else panel.iter("field")
    return [(f.get("name"), f.get("select", "one")) for f in fields]


class CallFailed(Exception):
    """A call the server refused, or did not answer."""


class Operator:
    """One web session. ``samples`` (kind -> seconds) and ``errors`` are
    set while measuring; a kind is ``"<action>: <call>"``, and each action
    (the calls of one click, made one after the other) is measured too, as
    ``"<action>"``."""

    def __init__(self, url, db, login, uid, tickets):
        self.url, self.db, self.login, self.uid = url, db, login, uid
        self.tickets = tickets  # product -> [ticket id], taken in turn
        self.http = requests.Session()
        self.context, self.screens = {}, {}
        self.product = self.samples = self.errors = None
        self.dropped = 0  # connections dropped while setting up

    def post(self, path, params):
        body = {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
        # outside the measures (logging in, loading the views), a connection
        # the server dropped unanswered is tried again, at most twice
        attempts = 1 if self.samples is not None else 3
        for attempt in range(attempts):
            try:
                response = self.http.post(self.url + path, json=body, timeout=TIMEOUT)
                break
            except requests.ConnectionError:
                if attempt == attempts - 1:
                    raise
                self.dropped += 1
        if response.status_code != 200:
            raise CallFailed(f"{path}: HTTP {response.status_code}")
        answer = response.json()
        if "error" in answer:
            error = answer["error"].get("data", {}).get("message") or answer["error"]
            raise CallFailed(f"{path}: {error}")
        return answer["result"]

    def record(self, kind, start):
        if self.samples is not None:
            self.samples.setdefault(kind, []).append(time.perf_counter() - start)

    def measured(self, kind, path, params):
        start = time.perf_counter()
        try:
            result = self.post(path, params)
        except (CallFailed, requests.RequestException, ValueError) as error:
            if self.errors is not None:
                self.errors.append(f"{self.product} {kind} as {self.login}: {error}")
            raise CallFailed(str(error)) from error
        self.record(kind, start)
        return result

    def call_kw(self, kind, model, method, args, **kwargs):
        kwargs["context"] = dict(self.context, **kwargs.get("context", {}))
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        return self.measured(kind, f"/web/dataset/call_kw/{model}/{method}", params)

    def log_in(self):
        result = self.post(
            "/web/session/authenticate",
            {"db": self.db, "login": self.login, "password": PASSWORD},
        )
        company = result["user_companies"]["current_company"]
        self.context = dict(result["user_context"], allowed_company_ids=[company])

    def load_screens(self):
        """What the web client loads once: the actions and their views."""
        conf = PRODUCTS[self.product]
        screens = self.screens[self.product] = {}
        for name, types in (("queue", ("list", "form")), ("dashboard", ("kanban",))):
            action = self.post("/web/action/load", {"action_id": conf[name]})
            model, search = action["res_model"], action.get("search_view_id")
            views = [[action["view_id"] and action["view_id"][0], types[0]]]
            views += [[False, t] for t in types[1:]]
            views.append([search and search[0], "search"])
            options = {"action_id": action["id"], "load_filters": True}
            loaded = self.call_kw("setup", model, "get_views", [views], options=options)
            archs = {t: ET.fromstring(v["arch"]) for t, v in loaded["views"].items()}
            domain = ast.literal_eval(action.get("domain") or "[]")
            default = archs["search"].find(f".//filter[@name='{conf['filter']}']")
            if name == "queue" and default is not None:
                domain += ast.literal_eval(default.get("domain"))
            screens[name] = {
                "model": model,
                "domain": domain,
                "panel": search_panel(archs["search"]),
                "order": archs[types[0]].get("default_order", ""),
                "spec": specification(archs[types[0]], model, loaded["models"]),
            }
            if name == "queue":
                form = specification(archs["form"], model, loaded["models"])
                screens["form"] = dict(form, display_name={})

    def open_list(self, screen, limit):
        s = self.screens[self.product][screen]
        for field, select in s["panel"] if screen == "queue" else ():
            kwargs = dict(category_domain=[], enable_counters=True, expand=False)
            kwargs.update(filter_domain=[], limit=200, search_domain=s["domain"])
            if select == "one":
                method = "search_panel_select_range"
                kwargs["hierarchize"] = True
            else:
                method = "search_panel_select_multi_range"
                kwargs.update(comodel_domain=[], group_by=False, group_domain=[])
            self.call_kw(f"{screen}: {method}", s["model"], method, [field], **kwargs)
        read = dict(domain=s["domain"], specification=s["spec"], offset=0)
        read.update(limit=limit, order=s["order"], count_limit=10001)
        kind = f"{screen}: web_search_read"
        self.call_kw(kind, s["model"], "web_search_read", [], **read)

    def read_form(self, action, ticket_id):
        spec = self.screens[self.product]["form"]
        model = PRODUCTS[self.product]["ticket"]
        ctx = {"bin_size": True}
        kind = f"{action}: web_read"
        return self.call_kw(
            kind, model, "web_read", [[ticket_id]], specification=spec, context=ctx
        )[0]

    def open_ticket(self, ticket_id):
        record = self.read_form("ticket", ticket_id)
        thread = dict(
            thread_model=PRODUCTS[self.product]["ticket"], thread_id=ticket_id
        )
        request_list = ["activities", "attachments", "followers"]
        request_list += ["scheduledMessages", "suggestedRecipients"]
        path = "/mail/thread/data"
        self.measured(f"ticket: {path}", path, dict(thread, request_list=request_list))
        path = "/mail/thread/messages"
        self.measured(f"ticket: {path}", path, dict(thread, limit=30))
        return record

    def button(self, action, method, ticket_id):
        model = PRODUCTS[self.product]["ticket"]
        params = {"model": model, "method": method, "args": [[ticket_id]]}
        params["kwargs"] = {"context": self.context}
        self.measured(f"{action}: call_button", "/web/dataset/call_button", params)
        return self.read_form(action, ticket_id)

    def reply(self, ticket_id, customer):
        customer = (customer or {}).get("id")
        post_data = {
            "body": f"<p>Reply from {self.login}: solved, thank you.</p>",
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
            "partner_ids": [customer] if customer else [],
        }
        context = dict(self.context, mail_post_autofollow=True)
        params = dict(
            thread_model=PRODUCTS[self.product]["ticket"], thread_id=ticket_id
        )
        params.update(post_data=post_data, context=context)
        self.measured("reply: /mail/message/post", "/mail/message/post", params)

    def close(self, ticket_id):
        conf = PRODUCTS[self.product]
        if isinstance(conf["close"], str):
            self.button("close", conf["close"], ticket_id)
        else:  # the status bar: a click on a stage saves the form
            spec = self.screens[self.product]["form"]
            args = [[ticket_id], conf["close"]]
            self.call_kw(
                "close: web_save", conf["ticket"], "web_save", args, specification=spec
            )

    def open_dashboard(self):
        self.open_list("dashboard", 40)
        method = PRODUCTS[self.product]["dashboard_call"]
        if method:
            model = self.screens[self.product]["dashboard"]["model"]
            self.call_kw(f"dashboard: {method}", model, method, [])

    def take(self, ticket_id):
        taken = self.button("take", PRODUCTS[self.product]["take"], ticket_id)
        if (taken["user_id"] or {}).get("id") != self.uid:
            self.errors.append(f"{self.product}: {ticket_id} not taken by {self.login}")
            raise CallFailed("not taken")

    def cycle(self, ticket_id):
        """One ticket, from the queue to the dashboard, each action timed."""
        seen = {}
        steps = {
            "queue": lambda: self.open_list("queue", 80),
            "ticket": lambda: seen.update(self.open_ticket(ticket_id)),
            "take": lambda: self.take(ticket_id),
            "reply": lambda: self.reply(ticket_id, seen.get("partner_id")),
            "close": lambda: self.close(ticket_id),
            "dashboard": self.open_dashboard,
        }
        for action in ACTIONS:
            start = time.perf_counter()
            steps[action]()
            self.record(action, start)


def generate(args):
    """Install both products, generate the data; return the operators
    (login, uid, {product: [ticket ids]})."""
    queue_page.create_database(args)
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config

    config.parse_config(
        [f"--addons-path={ADDONS_PATH}", "-d", args.db, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            gen = queue_page.Generator(env, args, random.Random(18))
            gen.roles(8)
            gen.users(args.users, 8)
            gen.team()
            gen.groups(args.groups, 8)
            gen.recompute_memberships()
            gen.pick_archetypes(8)
            gen.sharing_rules(8)
            gen.helpdesk_teams()
            gen.customers(max(100, args.users))
            gen.tickets(args.tickets)
            operators = pick_operators(env, gen, args)
            done = env.ref(PRODUCTS[THEIRS]["close"]).id
            cr.commit()
    finally:
        odoo.modules.registry.Registry.delete(args.db)
        odoo.sql_db.close_all()
    queue_page.psql(args.db, "VACUUM ANALYZE support_ticket, helpdesk_ticket")
    queue_page.settle(args.db)
    PRODUCTS[THEIRS]["close"] = {"stage_id": done}
    return operators


def pick_operators(env, gen, args):
    """The most operators needed, among the agents and managers (technicians
    only read): each gets tickets of their own, open and nobody's, which they
    may change in both products (the same generated ticket in each)."""
    need = args.rounds * args.cycles * len(args.operators)  # shared by the runs
    writers = {
        "support_team_queue.group_support_agent",
        "support_team_queue.group_support_manager",
    }
    candidates = [u for u in gen.user_ids if gen.profile[gen.role_of[u]][0] in writers]
    reach = {}
    for uid in candidates:
        mine = env["support.ticket"].with_user(uid)
        tickets = mine.search(
            [("state", "in", OPEN_STATES), ("user_id", "=", False)], order="id"
        )._filtered_access("write")
        numbers = {f"HT{t.number[1:]}": t.id for t in tickets}
        theirs = env["helpdesk.ticket"].with_user(uid)
        domain = [("number", "in", list(numbers)), ("user_id", "=", False)]
        helpdesk = theirs.search(domain)._filtered_access("write")
        reach[uid] = sorted((numbers[h.number], h.id) for h in helpdesk)
    claimed, operators = set(), []
    for uid in sorted(candidates, key=lambda u: (len(reach[u]), u)):
        mine = [pair for pair in reach[uid] if pair[0] not in claimed][:need]
        if len(mine) < need:
            continue
        claimed.update(pair[0] for pair in mine)
        operators.append(uid)
        reach[uid] = mine
        if len(operators) == max(args.operators):
            break
    if len(operators) < max(args.operators):
        raise SystemExit(
            f"only {len(operators)} operators with {need} tickets of their own: "
            "generate more tickets (--tickets) or fewer cycles"
        )
    # one password for them all: hashing it once spares half a second a user
    digest = env["res.users"]._crypt_context().hash(PASSWORD)
    env.cr.execute(
        "UPDATE res_users SET password = %s WHERE id = ANY(%s) RETURNING id, login",
        [digest, operators],
    )
    logins = dict(env.cr.fetchall())
    log(f"{len(operators)} operators with {need} tickets each")
    return [
        (logins[uid], uid, {OURS: [s for s, _ in pairs], THEIRS: [h for _, h in pairs]})
        for uid, pairs in ((uid, reach[uid]) for uid in operators)
    ]


@contextmanager
def balanced(url, limit):
    """``url`` itself, or with a ``limit``, the URL of a balancer in front of
    it that passes ``limit`` connections at once and queues the others
    (bench/balancer.py)."""
    if limit is None:
        yield url
        return
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            os.path.join(HERE, "balancer.py"),
            f"--port={port}",
            f"--upstream-port={urlsplit(url).port}",
            f"--limit={limit}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if process.stdout.readline().strip() != "listening":
            raise RuntimeError("the balancer did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


KERNEL_COUNTERS = {
    # connections whose handshake a full accept queue refused
    "listen_overflows": "ListenOverflows",
    # of those answered with a SYN cookie (the queue of handshakes under
    # way full too), the ones the kernel reset when the client's data came
    "syncookies_failed": "SyncookiesFailed",
}


def kernel_counters():
    """The kernel's counts of KERNEL_COUNTERS (TcpExt, /proc/net/netstat)."""
    with open("/proc/net/netstat") as f:
        header, values = f.readline().split(), f.readline().split()
    counters = dict(zip(header, values, strict=True))
    return {name: int(counters.get(key, 0)) for name, key in KERNEL_COUNTERS.items()}


def phase(operators, product, cycles, deadline_s, samples, errors):
    """Every operator works ``cycles`` tickets at once, or until the deadline;
    the phase's wall time and number of tickets worked."""
    lock = threading.Lock()
    done = [0]
    deadline = time.monotonic() + deadline_s

    def work(operator):
        operator.product, operator.samples, operator.errors = product, {}, []
        for _ in range(cycles):
            if time.monotonic() > deadline:
                break
            try:
                operator.cycle(operator.tickets[product].pop(0))
                with lock:
                    done[0] += 1
            except CallFailed:
                pass  # recorded; the operator goes on with the next ticket
        with lock:
            for kind, values in operator.samples.items():
                samples.setdefault((product, kind), []).extend(values)
            errors.extend(operator.errors)
        operator.samples = operator.errors = None

    start = time.perf_counter()
    with ThreadPoolExecutor(len(operators)) as pool:
        list(pool.map(work, operators))
    return time.perf_counter() - start, done[0]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def figures(values):
    p50, p95 = (round(percentile(values, q) * 1000, 1) for q in (0.5, 0.95))
    return {"n": len(values), "p50_ms": p50, "p95_ms": p95}


def run_load(url, db, operators, n, args):
    """``n`` operators: log in, load the screens, then the rounds, the two
    products in turn (which goes first alternates)."""
    team = [Operator(url, db, *operator) for operator in operators[:n]]
    errors, counters = [], kernel_counters()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        list(pool.map(Operator.log_in, team))
    login_s = time.perf_counter() - t0

    def set_up(op):
        op.errors = errors
        for op.product in PRODUCTS:
            op.load_screens()
            if op in team[:2]:  # a first look at the screens: both workers' caches
                op.open_list("queue", 80)
                op.open_dashboard()
        op.errors = None

    with ThreadPoolExecutor(n) as pool:
        list(pool.map(set_up, team))
    samples = {}
    totals = {p: {"wall_s": 0.0, "tickets": 0} for p in PRODUCTS}
    for round_ in range(args.rounds):
        for product in list(PRODUCTS)[:: 1 if round_ % 2 == 0 else -1]:
            wall, done = phase(
                team, product, args.cycles, args.max_seconds, samples, errors
            )
            totals[product]["wall_s"] += wall
            totals[product]["tickets"] += done
            log(f"{n} operators, {product}: {done} tickets in {wall:.1f} s")
    result = {
        "operators": n,
        "login_s": round(login_s, 2),
        **{name: n - counters[name] for name, n in kernel_counters().items()},
        "dropped_while_setting_up": sum(op.dropped for op in team),
        "errors": errors,
        "products": {},
    }
    for product in PRODUCTS:
        mine = {k: v for (p, k), v in samples.items() if p == product}
        calls = {k: v for k, v in mine.items() if ": " in k}
        actions = [s for a in ACTIONS for s in mine.get(a, ())] or [0.0]
        total = totals[product]
        n_calls = sum(len(v) for v in calls.values())
        result["products"][product] = {
            "tickets": total["tickets"],
            "calls": n_calls,
            "wall_s": round(total["wall_s"], 2),
            "tickets_per_s": round(total["tickets"] / max(total["wall_s"], 1e-9), 3),
            "calls_per_s": round(n_calls / max(total["wall_s"], 1e-9), 2),
            "actions": figures(actions),
            "kinds": {kind: figures(v) for kind, v in sorted(mine.items())},
        }
    print_result(result)
    return result


def print_result(result):
    products = result["products"]
    head = {k: v for k, v in result.items() if k not in ("errors", "products")}
    print(f"\n== {head}, errors: {len(result['errors'])}")
    print(f"{'ms':<44}" + "".join(f"{p:>26}" for p in products))
    print(f"{'':<44}" + f"{'n     p50     p95':>26}" * len(products))
    kinds = sorted({k for p in products.values() for k in p["kinds"]})
    for kind in sorted(kinds, key=lambda k: (ACTIONS.index(k.split(":")[0]), k)):
        cells = [p["kinds"].get(kind) for p in products.values()]
        cells = [
            f"{c['n']:>10}{c['p50_ms']:>8.0f}{c['p95_ms']:>8.0f}" if c else f"{'-':>26}"
            for c in cells
        ]
        print(f"{kind:<44}" + "".join(cells))
    for name in ("tickets", "calls", "wall_s", "tickets_per_s", "calls_per_s"):
        print(f"{name:<44}" + "".join(f"{p[name]:>26}" for p in products.values()))
    for name in ("p50_ms", "p95_ms"):
        cells = "".join(f"{p['actions'][name]:>26}" for p in products.values())
        print(f"{'every action, ' + name:<44}{cells}")
    for error in result["errors"][:10]:
        print("error:", error)
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--db", default="stq_desk_load")
    parser.add_argument("--operators", help="comma-separated: 10,50 (--small 10)")
    parser.add_argument("--tickets", type=int, help="50000 (--small 10000)")
    parser.add_argument("--cycles", type=int, help="tickets an operator works a round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each product")
    parser.add_argument("--max-seconds", type=float, default=120, help="per phase")
    parser.add_argument("--out", help="JSON: bench/desk_load[_small].json")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--balancer",
        action="store_true",
        help="through a balancer that queues connections (bench/balancer.py)",
    )
    args = parser.parse_args()
    names = ("operators", "tickets", "cycles", "users", "groups")
    sizes = SIZES["small" if args.small else "full"]
    for name, value in zip(names, sizes, strict=True):
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    args.operators = [int(n) for n in str(args.operators).split(",")]
    args.out = args.out or os.path.join(
        HERE, "desk_load_small.json" if args.small else "desk_load.json"
    )
    started = time.time()
    runs = []
    try:
        operators = generate(args)
        log(f"data ready in {time.time() - started:.0f} s")
        with (
            tempfile.TemporaryDirectory() as data_dir,
            odoo_server(
                args.db,
                f"--workers={WORKERS}",
                "--log-level=warn",
                f"--logfile={os.path.join(data_dir, 'odoo.log')}",
                # replies notify the customer by e-mail: to a closed local port
                "--smtp=127.0.0.1",
                f"--smtp-port={free_port()}",
                data_dir=data_dir,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=180,
            ) as server_url,
            balanced(server_url, WORKERS if args.balancer else None) as url,
        ):
            for n in args.operators:
                runs.append(run_load(url, args.db, operators, n, args))
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", "--force", args.db], check=False)
    # the worse of the runs: the highest p95 ratio, the lowest throughput's
    ours, theirs = ([r["products"][p] for r in runs] for p in (OURS, THEIRS))
    pairs = list(zip(ours, theirs, strict=True))
    p95 = max(a["actions"]["p95_ms"] / b["actions"]["p95_ms"] for a, b in pairs)
    throughput = min(a["tickets_per_s"] / b["tickets_per_s"] for a, b in pairs)
    errors = sum(len(r["errors"]) for r in runs)
    results = {"machine": queue_page.machine(), "command": " ".join(sys.argv)}
    results["balancer_limit"] = WORKERS if args.balancer else None
    results["runs"] = runs
    results["elapsed_s"] = round(time.time() - started, 1)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1, default=str)
    log(f"{results['elapsed_s']} s in all, figures in {args.out}")
    print(
        f"desk_load p95_ratio_vs_helpdesk_mgmt={p95:.2f} "
        f"throughput_ratio_vs_helpdesk_mgmt={throughput:.2f} errors={errors}"
    )


if __name__ == "__main__":
    main()
