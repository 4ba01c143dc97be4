"""Several workers: a change of membership, role or sharing rule is honoured
on the next request, whichever worker serves it.

Starts ``odoo-bin --workers=2`` on the test database (which the test command
installs with demo data) and talks to it over XML-RPC as the demo users.
Every change is committed by the server, so each test undoes it in a
``finally``. The server logs each request with the serving process's id:
the tests check that both workers answered, before and after each change.
"""

import os
import re
import socket
import subprocess
import sys
import time
import xmlrpc.client
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import odoo

REPO_ROOT = Path(__file__).resolve().parent.parent
ODOO_SRC = Path(os.environ.get("ODOO_SRC", Path(odoo.__file__).resolve().parent.parent))
REQUEST_LOG = re.compile(r"^\S+ \S+ (\d+) INFO \S+ werkzeug: .*POST /xmlrpc/2/object")
CALLS_PER_CHECK = 12
MAX_CALLS = 240


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = odoo.tools.config["db_name"]
    if not _has_demo_users(db):
        # tools/test.sh always installs the demo: there, a failed check is a
        # failure, never a silent skip
        if os.environ.get("STQ_TEST_DB") == db:
            pytest.fail(f"no demo users found in {db} (psql failed?)")
        pytest.skip("demo data not installed")
    port, gevent_port = free_port(), free_port()
    log_file = tmp_path_factory.mktemp("multiworker") / "odoo.log"
    process = subprocess.Popen(
        [
            sys.executable,
            str(ODOO_SRC / "odoo-bin"),
            f"--addons-path={ODOO_SRC / 'addons'},{REPO_ROOT}",
            f"--data-dir={log_file.parent}",
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--workers=2",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--gevent-port={gevent_port}",
            "--log-level=warn",
            "--log-handler=werkzeug:INFO",
            f"--logfile={log_file}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/xmlrpc/2/"
    try:
        _wait_until_up(url, process)
        yield Server(url, db, log_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _has_demo_users(db):
    result = subprocess.run(
        [
            "psql",
            "-d",
            db,
            "-XtAc",
            "SELECT count(*) FROM res_users WHERE login = 'tech_b'",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() == "1"


def _wait_until_up(url, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"odoo-bin --workers=2 exited with {process.returncode}")
        try:
            xmlrpc.client.ServerProxy(url + "common").version()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("odoo-bin --workers=2 did not answer within 60 s")


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


def test_group_membership_change_reaches_every_worker(server):
    ticket = server.ref("support_team_queue.ticket_group_a_via_tal_dei_tali")
    group_a = server.ref("support_team_queue.group_gruppo_a")
    tech_b = server.ref("support_team_queue.user_tech_b")
    assert_everywhere(server, "tech_b", ticket, False)
    try:
        server.call(
            "admin", "support.group", "write", [group_a], {"user_ids": [(4, tech_b)]}
        )
        assert_everywhere(server, "tech_b", ticket, True)
    finally:
        server.call(
            "admin", "support.group", "write", [group_a], {"user_ids": [(3, tech_b)]}
        )
    assert_everywhere(server, "tech_b", ticket, False)


def test_role_move_reaches_every_worker(server):
    ticket = server.ref("support_team_queue.ticket_tech_b_printer")
    role_tech_b = server.ref("support_team_queue.role_tecnico_b")
    role_resp_a = server.ref("support_team_queue.role_responsabile_a")
    role_resp_b = server.ref("support_team_queue.role_responsabile_b")
    assert_everywhere(server, "resp_a", ticket, False)
    try:
        server.call(
            "admin", "support.role", "write", [role_tech_b], {"parent_id": role_resp_a}
        )
        assert_everywhere(server, "resp_a", ticket, True)
    finally:
        server.call(
            "admin", "support.role", "write", [role_tech_b], {"parent_id": role_resp_b}
        )
    assert_everywhere(server, "resp_a", ticket, False)


def test_sharing_rule_reaches_every_worker(server):
    ticket = server.ref("support_team_queue.ticket_group_b_login")
    team = server.ref("support_team_queue.team_assistenza_clienti")
    group_b = server.ref("support_team_queue.group_gruppo_b")
    role_resp_a = server.ref("support_team_queue.role_responsabile_a")
    assert_everywhere(server, "resp_a", ticket, False)
    rule = server.call(
        "admin",
        "support.sharing.rule",
        "create",
        {
            "team_id": team,
            "source_group_id": group_b,
            "target_role_id": role_resp_a,
            "access": "read",
        },
    )
    try:
        assert_everywhere(server, "resp_a", ticket, True)
    finally:
        server.call("admin", "support.sharing.rule", "unlink", [rule])
    assert_everywhere(server, "resp_a", ticket, False)


def test_role_change_of_the_viewer_reaches_every_worker(server):
    ticket = server.ref("support_team_queue.ticket_tech_b_printer")
    tech_a = server.ref("support_team_queue.user_tech_a")
    role_tech_a = server.ref("support_team_queue.role_tecnico_a")
    role_resp_b = server.ref("support_team_queue.role_responsabile_b")
    assert_everywhere(server, "tech_a", ticket, False)
    try:
        server.call(
            "admin", "res.users", "write", [tech_a], {"support_role_id": role_resp_b}
        )
        assert_everywhere(server, "tech_a", ticket, True)
    finally:
        server.call(
            "admin", "res.users", "write", [tech_a], {"support_role_id": role_tech_a}
        )
    assert_everywhere(server, "tech_a", ticket, False)


def test_membership_counts_agree_on_every_worker(server):
    group_a = server.ref("support_team_queue.group_gruppo_a")
    tech_b = server.ref("support_team_queue.user_tech_b")
    domain = [("group_id", "=", group_a)]
    counts = defaultdict(set)
    try:
        server.call(
            "admin", "support.group", "write", [group_a], {"user_ids": [(4, tech_b)]}
        )
        expected = server.call("resp_a", "support.ticket", "search_count", domain)

        answers, pids = ask_both_workers(
            server,
            lambda: server.call("tech_b", "support.ticket", "search_count", domain),
        )
        counts["tech_b"] = set(answers)
    finally:
        server.call(
            "admin", "support.group", "write", [group_a], {"user_ids": [(3, tech_b)]}
        )
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
    }
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

    def answer(model, domain):
        try:
            return ("ok", tuple(server.call("tech_b", model, "search", domain)))
        except xmlrpc.client.Fault:
            return ("refused",)

    leaks = []
    for spec in fields:
        real = targets[spec["relation"]]
        if not real:
            continue
        fake = [missing + i for i in range(len(real))]
        for operator in ("in", "not in"):
            told = answer(spec["model"], [(spec["name"], operator, real)])
            untold = answer(spec["model"], [(spec["name"], operator, fake)])
            if told != untold:
                leaks.append((spec["model"], spec["name"], operator))
    assert leaks == []
