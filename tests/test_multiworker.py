"""Several workers: a change of membership, role or sharing rule is honoured
on the next request, whichever worker serves it.

Starts ``odoo-bin --workers=2`` on the test database (which the test command
installs with demo data) and talks to it over XML-RPC as the demo users.
Every change is committed by the server, so each test undoes it in a
``finally``. The server logs each request with the serving process's id:
the tests check that both workers answered, before and after each change.
"""

import base64
import itertools
import json
import re
import subprocess
import time
import xmlrpc.client
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import odoo

from tools.odoo_server import odoo_server

from .common import demo_database
from .test_access_routes import json_arguments, route_url, route_values, ticket_routes
from .ticket_write_table import SPECIAL_FIELDS, value_to_write, what_went_wrong

REQUEST_LOG = re.compile(r"^\S+ \S+ (\d+) INFO \S+ werkzeug: .*POST /xmlrpc/2/object")
CALLS_PER_CHECK = 12
MAX_CALLS = 240


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = demo_database()
    log_file = tmp_path_factory.mktemp("multiworker") / "odoo.log"
    with odoo_server(
        db,
        "--workers=2",
        "--log-level=warn",
        "--log-handler=werkzeug:INFO",
        f"--logfile={log_file}",
        data_dir=log_file.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as url:
        yield Server(f"{url}/xmlrpc/2/", db, log_file)


class Server:
    def __init__(self, url, db, log_file):
        self.url = url
        self.db = db
        self.log_file = log_file
        self.uids = {}

    def uid(self, login):
        if login not in self.uids:
            common = xmlrpc.client.ServerProxy(self.url + "common")
            self.uids[login] = common.authenticate(self.db, login, login, {})
        return self.uids[login]

    def call(self, login, model, method, *args, **kwargs):
        # one proxy per call: calls run two at a time, from two threads
        proxy = xmlrpc.client.ServerProxy(self.url + "object", allow_none=True)
        return proxy.execute_kw(
            self.db, self.uid(login), login, model, method, list(args), kwargs
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        return self.call(
            "admin", "ir.model.data", "check_object_reference", module, name
        )[1]

    def workers_serving(self, calls):
        """Run ``calls()`` and return the pids of the workers that served it."""
        before = self._request_pids()
        calls()
        time.sleep(0.2)  # let the workers flush their log lines
        return set(self._request_pids()[len(before) :])

    def _request_pids(self):
        text = self.log_file.read_text() if self.log_file.exists() else ""
        return [
            match[1] for line in text.splitlines() if (match := REQUEST_LOG.match(line))
        ]


def ask_both_workers(server, ask):
    """Call ``ask()`` until both workers have answered, two requests at a time
    (a busy worker leaves the next request to the other one); at most
    ``MAX_CALLS`` calls. Returns the answers and the serving workers' pids."""
    answers, pids = [], set()
    with ThreadPoolExecutor(2) as executor:
        while len(pids) < 2 and len(answers) < MAX_CALLS:

            def batch():
                answers.extend(executor.map(lambda _: ask(), range(CALLS_PER_CHECK)))

            pids |= server.workers_serving(batch)
    return answers, pids


def assert_everywhere(server, login, ticket_id, expected):
    def ask():
        return bool(
            server.call(login, "support.ticket", "search", [("id", "=", ticket_id)])
        )

    answers, pids = ask_both_workers(server, ask)
    assert answers == [expected] * len(answers)
    assert len(pids) == 2, f"served by workers {pids} only, in {len(answers)} calls"


def assert_change_reaches_every_worker(server, login, ticket, change, undo):
    """``login`` finds ``ticket`` on neither worker; on both once ``change()``
    is committed; on neither again once ``undo()`` is."""
    assert_everywhere(server, login, ticket, False)
    try:
        change()
        assert_everywhere(server, login, ticket, True)
    finally:
        undo()
    assert_everywhere(server, login, ticket, False)


def admin_write(server, model, record_id, values):
    """A write as admin, to run later (a change, or its undoing)."""
    return lambda: server.call("admin", model, "write", [record_id], values)


# A write as admin and the write that undoes it, which ``login`` must see
# take effect on ``ticket`` on both workers: (login, ticket, model, record,
# change, undo), each record named by its XML id in the demo data.
WRITES_THAT_REACH_EVERY_WORKER = {
    "a member added to a group": (
        "tech_b",
        "ticket_group_a_via_tal_dei_tali",
        "support.group",
        "group_gruppo_a",
        {"user_ids": [(4, "user_tech_b")]},
        {"user_ids": [(3, "user_tech_b")]},
    ),
    "a role moved under another": (
        "resp_a",
        "ticket_tech_b_printer",
        "support.role",
        "role_tecnico_b",
        {"parent_id": "role_responsabile_a"},
        {"parent_id": "role_responsabile_b"},
    ),
    "the viewer's own role changed": (
        "tech_a",
        "ticket_tech_b_printer",
        "res.users",
        "user_tech_a",
        {"support_role_id": "role_responsabile_b"},
        {"support_role_id": "role_tecnico_a"},
    ),
}


def _with_refs(server, values):
    """``values`` with each XML id of the demo data turned into its id."""

    def ref(value):
        if isinstance(value, str):
            return server.ref(f"support_team_queue.{value}")
        if isinstance(value, tuple):
            return tuple(ref(item) if isinstance(item, str) else item for item in value)
        if isinstance(value, list):
            return [ref(item) for item in value]
        return value

    return {name: ref(value) for name, value in values.items()}


@pytest.mark.parametrize("case", sorted(WRITES_THAT_REACH_EVERY_WORKER))
def test_a_change_reaches_every_worker(server, case):
    login, ticket, model, record, change, undo = WRITES_THAT_REACH_EVERY_WORKER[case]
    record = server.ref(f"support_team_queue.{record}")
    assert_change_reaches_every_worker(
        server,
        login,
        server.ref(f"support_team_queue.{ticket}"),
        admin_write(server, model, record, _with_refs(server, change)),
        admin_write(server, model, record, _with_refs(server, undo)),
    )


def test_sharing_rule_reaches_every_worker(server):
    ticket = server.ref("support_team_queue.ticket_group_b_login")
    team = server.ref("support_team_queue.team_assistenza_clienti")
    group_b = server.ref("support_team_queue.group_gruppo_b")
    role_resp_a = server.ref("support_team_queue.role_responsabile_a")
    rules = []

    def create_rule():
        rule = {
            "team_id": team,
            "source_group_id": group_b,
            "target_role_id": role_resp_a,
            "access": "read",
        }
        rules.append(server.call("admin", "support.sharing.rule", "create", rule))

    assert_change_reaches_every_worker(
        server,
        "resp_a",
        ticket,
        create_rule,
        lambda: server.call("admin", "support.sharing.rule", "unlink", rules),
    )


def test_membership_counts_agree_on_every_worker(server):
    group_a = server.ref("support_team_queue.group_gruppo_a")
    tech_b = server.ref("support_team_queue.user_tech_b")
    domain = [("group_id", "=", group_a)]
    counts = defaultdict(set)
    try:
        admin_write(server, "support.group", group_a, {"user_ids": [(4, tech_b)]})()
        expected = server.call("resp_a", "support.ticket", "search_count", domain)

        answers, pids = ask_both_workers(
            server,
            lambda: server.call("tech_b", "support.ticket", "search_count", domain),
        )
        counts["tech_b"] = set(answers)
    finally:
        admin_write(server, "support.group", group_a, {"user_ids": [(3, tech_b)]})()
    assert counts["tech_b"] == {expected}
    assert expected > 0
    assert len(pids) == 2


def test_side_doors_stay_closed_on_every_worker(server):
    """What tests/test_side_doors.py checks in one process, asked of both
    workers over XML-RPC: tech_b learns nothing of a Gruppo A ticket
    through its notifications or a partner search, and the call center
    cannot move it out of its company or close it by a write."""
    ticket = server.ref("support_team_queue.ticket_group_a_via_tal_dei_tali")
    tech_a_partner = server.call(
        "tech_a", "res.users", "read", [server.uid("tech_a")], ["partner_id"]
    )[0]["partner_id"][0]
    message = server.call(
        "resp_a",
        "support.ticket",
        "message_post",
        [ticket],
        body="Risposta per i lavoratori",
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
        partner_ids=[tech_a_partner],
    )
    try:
        _side_doors_stay_closed(server, ticket, message)
    finally:
        server.call("admin", "mail.message", "unlink", [message])


def _side_doors_stay_closed(server, ticket, message):
    notifications = server.call(
        "admin", "mail.notification", "search", [("mail_message_id", "=", message)]
    )
    assert notifications
    before = server.call(
        "admin", "support.ticket", "read", [ticket], ["state", "company_id"]
    )[0]

    def ask():
        seen = server.call(
            "tech_b", "mail.notification", "search", [("id", "in", notifications)]
        )
        requesters = server.call(
            "tech_b", "res.partner", "search", [("support_ticket_ids", "in", [ticket])]
        )
        refusals = []
        for vals in ({"state": "closed"}, {"company_id": False}):
            try:
                server.call("callcenter", "support.ticket", "write", [ticket], vals)
                refusals.append("written")
            except xmlrpc.client.Fault as fault:
                refusals.append("only through its workflow" in fault.faultString)
        return seen, requesters, refusals

    answers, pids = ask_both_workers(server, ask)
    assert answers == [([], [], [True, True])] * len(answers)
    assert len(pids) == 2
    after = server.call(
        "admin", "support.ticket", "read", [ticket], ["state", "company_id"]
    )[0]
    assert after == before
    # positive control: the reader of the ticket finds its notifications
    assert (
        server.call(
            "tech_a", "mail.notification", "search", [("id", "in", notifications)]
        )
        == notifications
    )


RELATED_MODELS = (
    "support.ticket",
    "mail.message",
    "mail.notification",
    "mail.followers",
    "mail.activity",
    "ir.attachment",
)


def _id_domains(fname):
    """The searches of tests/test_access_surface.py that name records by id."""
    return {
        "in": lambda ids: [(fname, "in", ids)],
        "=": lambda ids: [(fname, "=", ids[0])],
        "!=": lambda ids: [(fname, "!=", ids[0])],
        "not in": lambda ids: [(fname, "not in", ids)],
        "any": lambda ids: [(fname, "any", [("id", "in", ids)])],
        "not any": lambda ids: [(fname, "not any", [("id", "in", ids)])],
    }


def test_relational_searches_tell_nothing_on_every_worker(server):
    """tests/test_access_surface.py's differential check over XML-RPC
    against the workers: every searchable relational field reaching a
    ticket or the tables beside it, searched by tech_b with a Gruppo A
    ticket's records, answers as with records that do not exist."""
    ticket = server.ref("support_team_queue.ticket_group_a_via_tal_dei_tali")
    targets = {
        "support.ticket": [ticket],
        "mail.message": server.call(
            "admin",
            "mail.message",
            "search",
            [("model", "=", "support.ticket"), ("res_id", "=", ticket)],
        ),
        "mail.followers": server.call(
            "admin",
            "mail.followers",
            "search",
            [("res_model", "=", "support.ticket"), ("res_id", "=", ticket)],
        ),
        "mail.activity": server.call(
            "admin",
            "mail.activity",
            "search",
            [("res_model", "=", "support.ticket"), ("res_id", "=", ticket)],
        ),
        "ir.attachment": server.call(
            "admin",
            "ir.attachment",
            "search",
            [("res_model", "=", "support.ticket"), ("res_id", "=", ticket)],
        ),
    }
    targets["mail.notification"] = server.call(
        "admin",
        "mail.notification",
        "search",
        [("mail_message_id", "in", targets["mail.message"])],
    )
    fields = server.call(
        "admin",
        "ir.model.fields",
        "search_read",
        [
            ("relation", "in", list(targets)),
            ("ttype", "in", ["many2one", "one2many", "many2many"]),
            ("model_id.transient", "=", False),
        ],
        ["model", "name", "relation", "store"],
    )
    assert any(
        f["model"] == "res.partner" and f["name"] == "support_ticket_ids"
        for f in fields
    )
    missing = 10**9

    browser = _Visitor(server, "tech_b")

    def answer(model, domain, transport):
        if transport == "jsonrpc":
            payload = json.loads(
                browser.json(
                    f"/web/dataset/call_kw/{model}/search",
                    {
                        "model": model,
                        "method": "search",
                        "args": [domain],
                        "kwargs": {},
                    },
                )
            )
            if "error" in payload:
                return ("refused",)
            return ("ok", tuple(payload["result"]))
        try:
            return ("ok", tuple(server.call("tech_b", model, "search", domain)))
        except xmlrpc.client.Fault:
            return ("refused",)

    leaks = []
    # XML-RPC and JSON-RPC (the web client's) in turn
    transports = itertools.cycle(["xmlrpc", "jsonrpc"])
    for spec in fields:
        real = targets[spec["relation"]]
        if not real:
            continue
        fake = [missing + i for i in range(len(real))]
        for operator, domain in _id_domains(spec["name"]).items():
            transport = next(transports)
            told = answer(spec["model"], domain(real), transport)
            untold = answer(spec["model"], domain(fake), transport)
            if told != untold:
                leaks.append((spec["model"], spec["name"], operator, transport))
    assert leaks == []


PROFILES = {
    "agent": "callcenter",
    "manager": "resp_a",
    "team administrator": "teamadmin",
    "supervisor": "supervisor",
    "technician": "tech_a",
    "another group's manager": "resp_b",
}


class _WrittenTickets:
    """Gruppo A tickets written over XML-RPC by the demo users. A write the
    server accepts is committed: the next attempt gets a fresh ticket, and
    every ticket made here is deleted at the end."""

    def __init__(self, server):
        self.server = server
        self.made = []
        self.current = None
        self.values = {}
        self.fields = server.call(
            "admin",
            "support.ticket",
            "fields_get",
            [],
            ["type", "selection", "relation"],
        )

    def fresh(self):
        server = self.server
        ticket = server.call(
            "admin",
            "support.ticket",
            "create",
            {
                "name": "Scritto dai lavoratori",
                "team_id": server.ref("support_team_queue.team_assistenza_clienti"),
                "group_id": server.ref("support_team_queue.group_gruppo_a"),
            },
        )
        self.made.append(ticket)
        server.call(
            "admin",
            "support.ticket",
            "message_post",
            [ticket],
            body="Primo messaggio",
            message_type="comment",
        )
        server.call(
            "admin",
            "support.ticket",
            "message_subscribe",
            [ticket],
            partner_ids=[self.partner_of("resp_a")],
        )
        server.call(
            "admin",
            "mail.activity",
            "create",
            {
                "res_model_id": server.call(
                    "admin", "ir.model", "search", [("model", "=", "support.ticket")]
                )[0],
                "res_id": ticket,
                "activity_type_id": server.ref("mail.mail_activity_data_call"),
                "summary": "Richiamare",
                "user_id": server.uid("resp_a"),
            },
        )
        self.current = ticket
        self.values = self.read(list(self.fields))
        return ticket

    def partner_of(self, login):
        return self.server.call(
            "admin", "res.users", "read", [self.server.uid(login)], ["partner_id"]
        )[0]["partner_id"][0]

    def read(self, names):
        (values,) = self.server.call(
            "admin",
            "support.ticket",
            "read",
            [self.current],
            names,
            context={"active_test": False},
        )
        return {name: values[name] for name in names}


def _json_outcome(answer):
    """(ok, text) of a JSON-RPC answer; a server error (anything but Odoo's
    user-facing exceptions) keeps its traceback, as over XML-RPC."""
    error = json.loads(answer).get("error")
    if not error:
        return True, ""
    data = error.get("data", {})
    if data.get("name", "").startswith("odoo.exceptions."):
        return False, data.get("message", "")
    return False, data.get("debug", "Traceback (no debug)")


def _differs(after, before):
    # the figures computed from the clock (waiting hours) move by seconds
    # between two reads; a written value (7) moves them by hours
    if isinstance(after, float) and isinstance(before, float):
        return abs(after - before) > 0.01
    return after != before


def test_every_ticket_field_written_on_the_workers(server):
    """tests/test_access_surface.py's write table, asked of
    ``odoo-bin --workers=2``: every field of a ticket written by each
    profile changes exactly as the table says, or is refused with a clear
    error and changes nothing; both workers answer."""
    scratch = {
        "other_team": server.call(
            "admin", "support.team", "create", {"name": "Altro Team Lavoratori"}
        ),
        "partner": server.call(
            "admin",
            "res.partner",
            "create",
            {"name": "Nuovo Richiedente Lavoratori", "email": "nuovo-lw@example.com"},
        ),
        "organization": server.call(
            "admin",
            "res.partner",
            "create",
            {"name": "Nuova Ditta Lavoratori", "is_company": True},
        ),
    }
    refs = dict(
        scratch,
        group=server.ref("support_team_queue.group_gruppo_b"),
        user=server.uid("tech_b"),
        category=server.ref("support_team_queue.category_big_problem"),
        writer=server.uid("tech_b"),
        activity_type=server.ref("mail.mail_activity_data_todo"),
    )
    writers = {profile: _WrittenTickets(server) for profile in PROFILES}
    for index, (profile, written) in enumerate(writers.items()):
        # XML-RPC and JSON-RPC (the web client's) in turn, each profile
        # starting with the other one than the previous profile: every field
        # goes through both transports
        order = ["xmlrpc", "jsonrpc"] if index % 2 else ["jsonrpc", "xmlrpc"]
        written.transports = itertools.cycle(order)
        written.browser = _Visitor(server, PROFILES[profile])
    wrong = []

    def attempt(profile, written, fname, spec):
        if written.current is None:
            written.fresh()
        current = written.values[fname]
        given = dict(refs)
        if spec["type"] == "many2one" and fname not in SPECIAL_FIELDS:
            # a record of the comodel other than the ticket's
            given["any"] = server.call(
                "admin",
                spec["relation"],
                "search",
                [("id", "!=", current[0] if current else 0)],
                limit=1,
            )[0]
        vals = value_to_write(
            fname,
            spec["type"],
            written.current,
            current,
            given,
            selection=[key for key, _label in spec.get("selection") or []],
        )
        if next(written.transports) == "xmlrpc":
            try:
                server.call(
                    PROFILES[profile],
                    "support.ticket",
                    "write",
                    [written.current],
                    vals,
                )
                ok, text = True, ""
            except xmlrpc.client.Fault as fault:
                ok, text = False, fault.faultString
        else:
            ok, text = _json_outcome(
                written.browser.json(
                    "/web/dataset/call_kw/support.ticket/write",
                    {
                        "model": "support.ticket",
                        "method": "write",
                        "args": [[written.current], vals],
                        "kwargs": {},
                    },
                )
            )
        after = written.read(list(vals))
        changed = {name: _differs(after[name], written.values[name]) for name in vals}
        verdict = what_went_wrong(profile, fname, ok, text, changed)
        if verdict:
            wrong.append(verdict)
        if ok or any(changed.values()):
            # committed: the next attempt starts from a fresh ticket
            written.current = None

    def write_every_field(profile):
        written = writers[profile]
        for fname, spec in written.fields.items():
            attempt(profile, written, fname, spec)

    def every_profile():
        # two profiles at a time, so that both workers serve
        with ThreadPoolExecutor(2) as executor:
            list(executor.map(write_every_field, PROFILES))

    try:
        pids = server.workers_serving(every_profile)
    finally:
        made = [ticket for written in writers.values() for ticket in written.made]
        server.call(
            "admin", "support.ticket", "unlink", made, context={"active_test": False}
        )
        server.call("admin", "support.team", "unlink", [scratch["other_team"]])
        server.call(
            "admin",
            "res.partner",
            "unlink",
            [scratch["partner"], scratch["organization"]],
        )
    assert wrong == []
    assert len(pids) == 2, f"served by workers {pids} only"


ROUTE_SECRETS = ("RTW-7104", "RTW-7105", "RTW-7106", "RTW-7107", "RTW-7108")


class _Visitor:
    """A web session on the workers: a user's, or an anonymous visitor's."""

    def __init__(self, server, login=None, password=None):
        self.base = server.url.split("/xmlrpc/")[0]
        self.session = requests.Session()
        self.login = login or "anonymous"
        if login:
            response = self.session.post(
                self.base + "/web/session/authenticate",
                json={
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "db": server.db,
                        "login": login,
                        "password": password or login,
                    },
                },
                timeout=30,
            )
            assert response.json().get("result", {}).get("uid"), response.text

    def get(self, url):
        response = self.session.get(self.base + url, timeout=30)
        return response.content.decode("utf-8", "replace")

    def json(self, url, params):
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        response = self.session.post(self.base + url, json=body, timeout=30)
        return response.content.decode("utf-8", "replace")


def _routes_of(db):
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        return ticket_routes(env)


def _ticket_with_secrets(server):
    """A Gruppo A ticket whose subject, message, attachment and requester
    each carry a secret; its ids, and the scratch records to delete."""
    requester = server.call(
        "admin",
        "res.partner",
        "create",
        {"name": "Richiedente RTW-7108", "email": "rtw@example.com"},
    )
    ticket = server.call(
        "admin",
        "support.ticket",
        "create",
        {
            "name": "Oggetto riservato RTW-7104",
            "description": "<p>RTW-7104</p>",
            "team_id": server.ref("support_team_queue.team_assistenza_clienti"),
            "group_id": server.ref("support_team_queue.group_gruppo_a"),
            "partner_id": requester,
        },
    )
    server.call(
        "admin",
        "support.ticket",
        "message_subscribe",
        [ticket],
        partner_ids=[requester],
    )
    message = server.call(
        "admin",
        "support.ticket",
        "message_post",
        [ticket],
        body="Messaggio riservato RTW-7105",
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )
    attachment = server.call(
        "admin",
        "ir.attachment",
        "create",
        {
            "name": "allegato-RTW-7106.txt",
            "datas": base64.b64encode(b"Contenuto riservato RTW-7107").decode(),
            "res_model": "support.ticket",
            "res_id": ticket,
        },
    )
    server.call(
        "admin",
        "mail.message",
        "write",
        [message],
        {"attachment_ids": [[6, 0, [attachment]]]},
    )
    return ticket, message, attachment, requester


def _route_answer(visitor, pattern, kind, params, values, query):
    if kind == "json":
        return visitor.json(route_url(pattern, values), json_arguments(params, values))
    return visitor.get(route_url(pattern, values, params if query else None))


def test_every_route_tells_nothing_on_the_workers(server):
    """tests/test_access_routes.py asked of ``odoo-bin --workers=2``: every
    route under /my, /mail, /portal, /web/content, /web/image and /report,
    called with a Gruppo A ticket's ids by a Gruppo B manager, a customer of
    another organization and an anonymous visitor, answers nothing of the
    ticket and loses nothing of it; its reader gets the secrets back."""
    routes = _routes_of(server.db)
    assert "/my/tickets/<int:ticket_id>" in routes
    ticket, message, attachment, requester = _ticket_with_secrets(server)
    organization = server.call(
        "admin",
        "res.partner",
        "create",
        {"name": "Altra Ditta RTW", "is_company": True},
    )
    customer = server.call(
        "admin",
        "res.users",
        "create",
        {
            "name": "Cliente RTW",
            "login": "rtw_portal",
            "password": "rtw_portal_pw",
            "groups_id": [[6, 0, [server.ref("base.group_portal")]]],
        },
    )
    customer_partner = server.call(
        "admin", "res.users", "read", [customer], ["partner_id"]
    )[0]["partner_id"][0]
    server.call(
        "admin",
        "res.partner",
        "write",
        [customer_partner],
        {"parent_id": organization},
    )

    def intact():
        (values,) = server.call(
            "admin",
            "support.ticket",
            "read",
            [ticket],
            ["message_ids", "message_partner_ids", "active"],
        )
        return (
            values["active"]
            and message in values["message_ids"]
            and requester in values["message_partner_ids"]
            and server.call(
                "admin", "ir.attachment", "search", [("id", "=", attachment)]
            )
        )

    leaks = []
    try:
        visitors = [
            _Visitor(server, "resp_b"),
            _Visitor(server, "rtw_portal", "rtw_portal_pw"),
            _Visitor(server),
        ]
        base_values = route_values(
            ticket, message, attachment, requester, search_term="RTW"
        )

        def call_every_route():
            for pattern, (kind, params) in sorted(routes.items()):
                for record in (ticket, attachment, message):
                    values = dict(base_values, id=record)
                    for visitor in visitors:
                        for query in (True, False) if kind == "http" else (True,):
                            text = _route_answer(
                                visitor, pattern, kind, params, values, query
                            )
                            found = [s for s in ROUTE_SECRETS if s in text]
                            if found:
                                leaks.append((pattern, record, visitor.login, found))
                if not intact():
                    leaks.append((pattern, "lost"))

        pids = server.workers_serving(call_every_route)
        # positive control: the ticket's reader gets the secrets
        reader = _Visitor(server, "resp_a")
        for pattern, record, secret in (
            ("/mail/thread/messages", ticket, "RTW-7105"),
            ("/mail/thread/data", ticket, "RTW-7106"),
            ("/web/content/<int:id>", attachment, "RTW-7107"),
            ("/my/tickets/<int:ticket_id>", ticket, "RTW-7104"),
        ):
            kind, params = routes[pattern]
            values = dict(base_values, id=record)
            assert secret in _route_answer(reader, pattern, kind, params, values, False)
    finally:
        server.call(
            "admin",
            "support.ticket",
            "unlink",
            [ticket],
            context={"active_test": False},
        )
        server.call("admin", "res.users", "unlink", [customer])
        server.call(
            "admin",
            "res.partner",
            "unlink",
            [requester, organization, customer_partner],
        )
    assert leaks == []
    assert len(pids) == 2, f"served by workers {pids} only"
