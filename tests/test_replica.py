"""Past one machine: two Odoo nodes over a PostgreSQL primary and its
streaming replica, as Odoo 18 runs them (``db_replica_host``: read-only
requests, the queue page among them, are served by the replica).

The test builds its own pair of clusters in a temporary folder (``initdb``,
then ``pg_basebackup -R`` for the replica, each on a socket and port of its
own), copies the test database into the primary, and starts two
``odoo-bin`` processes on them. It then shows, over the web client's
JSON-RPC:

- the queue page is served by the replica: with the replica's replay
  paused, a ticket committed on the primary is not on the page;
- a membership change made on the primary is honoured on the replica's
  pages once replicated, the gain and the loss, whichever node serves;
- until then, the page answers as the replica's data say, never with an
  answer older than its data: the access stamp is read in the same snapshot
  as the tickets, so the resolved access and the tickets agree.
"""

import getpass
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests

from tools.odoo_server import free_port, odoo_server

from .common import demo_database

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REPLAY_TIMEOUT = 60
DB_USER = getpass.getuser()


def _pg_bin(name):
    found = PG_BIN / name
    return str(found) if found.exists() else shutil.which(name)


class Cluster:
    """A PostgreSQL cluster of the test's own, run as ``postgres`` when the
    test runs as root (PostgreSQL refuses to run as root)."""

    def __init__(self, root, name):
        self.data = root / name
        self.socket_dir = root / "sockets"
        self.port = free_port()
        self.owner = "postgres" if os.geteuid() == 0 else None

    def run(self, *command, **kwargs):
        if self.owner:
            command = ("runuser", "-u", self.owner, "--", *command)
        return subprocess.run(command, check=True, capture_output=True, **kwargs)

    def start(self):
        self.run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.data.parent / f"{self.data.name}.log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=''",
            "start",
        )

    def stop(self):
        subprocess.run(
            (("runuser", "-u", self.owner, "--") if self.owner else ())
            + (_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"),
            check=False,
            capture_output=True,
        )

    def sql(self, database, query):
        result = subprocess.run(
            [
                "psql",
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-XtAc",
                query,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()


@contextmanager
def primary_and_replica(source_db):
    """A primary holding a copy of ``source_db`` and its streaming replica."""
    root = Path(tempfile.mkdtemp(prefix="stq-replica-"))
    root.chmod(0o755)
    primary, replica = Cluster(root, "primary"), Cluster(root, "replica")
    replica.socket_dir = primary.socket_dir
    primary.socket_dir.mkdir()
    if primary.owner:
        owner = pwd.getpwnam(primary.owner)
        os.chown(primary.socket_dir, owner.pw_uid, owner.pw_gid)
        os.chown(root, owner.pw_uid, owner.pw_gid)
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, root, ignore_errors=True)
        primary.run(
            _pg_bin("initdb"),
            "-D",
            str(primary.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        with (primary.data / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nfsync = off\nmax_wal_senders = 4\n")
        with (primary.data / "pg_hba.conf").open("a") as hba:
            hba.write("local replication all trust\n")
        primary.start()
        stack.callback(primary.stop)
        # Odoo refuses to connect as postgres: the nodes connect as the
        # user running the test, as they do to the machine's own cluster
        primary.sql("postgres", f'CREATE ROLE "{DB_USER}" SUPERUSER LOGIN')
        primary.sql("postgres", f'CREATE DATABASE "{source_db}" OWNER "{DB_USER}"')
        dump = subprocess.Popen(
            ["pg_dump", "--no-owner", "--no-privileges", "-d", source_db],
            stdout=subprocess.PIPE,
        )
        subprocess.run(
            [
                "psql",
                "-q",
                "-h",
                str(primary.socket_dir),
                "-p",
                str(primary.port),
                "-U",
                DB_USER,
                "-d",
                source_db,
                "-v",
                "ON_ERROR_STOP=1",
            ],
            stdin=dump.stdout,
            check=True,
            capture_output=True,
        )
        assert dump.wait() == 0, "pg_dump of the test database failed"
        replica.run(
            _pg_bin("pg_basebackup"),
            "-D",
            str(replica.data),
            "-R",
            "-X",
            "stream",
            "-h",
            str(primary.socket_dir),
            "-p",
            str(primary.port),
            "-U",
            "postgres",
        )
        replica.start()
        stack.callback(replica.stop)
        assert replica.sql("postgres", "SELECT pg_is_in_recovery()") == "t"
        yield primary, replica


class Node:
    """One Odoo process; ``page`` and ``call`` go through the web client's
    JSON-RPC, with a web session per login."""

    def __init__(self, url, db):
        self.url, self.db, self.sessions = url, db, {}

    def session(self, login):
        if login not in self.sessions:
            session = requests.Session()
            response = session.post(
                f"{self.url}/web/session/authenticate",
                json={"params": {"db": self.db, "login": login, "password": login}},
                timeout=60,
            )
            assert response.json().get("result", {}).get("uid"), response.text
            self.sessions[login] = session
        return self.sessions[login]

    def call(self, login, model, method, *args, **kwargs):
        response = self.session(login).post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            json={
                "params": {
                    "model": model,
                    "method": method,
                    "args": list(args),
                    "kwargs": kwargs,
                }
            },
            timeout=60,
        )
        answer = response.json()
        assert "error" not in answer, answer["error"]
        return answer["result"]

    def page(self, login):
        """The ids on the queue's page of the test's tickets, as the list view
        asks for them."""
        result = self.call(
            login,
            "support.ticket",
            "web_search_read",
            domain=[("name", "=like", "Replica:%")],
            specification={"name": {}, "state": {}},
            limit=80,
        )
        return {record["id"] for record in result["records"]}


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    db = demo_database()
    if not (_pg_bin("initdb") and _pg_bin("pg_basebackup")):
        pytest.fail("PostgreSQL's server programs (initdb, pg_basebackup) not found")
    data_dir = tmp_path_factory.mktemp("replica-nodes")
    with primary_and_replica(db) as (primary, replica), ExitStack() as stack:
        database_args = (
            f"--db_host={primary.socket_dir}",
            f"--db_port={primary.port}",
            f"--db_replica_host={replica.socket_dir}",
            f"--db_replica_port={replica.port}",
            "--log-level=warn",
        )
        nodes = [
            Node(
                stack.enter_context(
                    odoo_server(
                        db,
                        *database_args,
                        data_dir=data_dir,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                ),
                db,
            )
            for _node in range(2)
        ]
        yield Desk(db, primary, replica, nodes)


class Desk:
    def __init__(self, db, primary, replica, nodes):
        self.db, self.primary, self.replica, self.nodes = db, primary, replica, nodes

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        return int(
            self.primary.sql(
                self.db,
                "SELECT res_id FROM ir_model_data "
                f"WHERE module = '{module}' AND name = '{name}'",
            )
        )

    @contextmanager
    def replay_paused(self):
        self.replica.sql(self.db, "SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            self.replica.sql(self.db, "SELECT pg_wal_replay_resume()")

    @contextmanager
    def changed_on_the_primary(self, model, record_id, values):
        """Write ``values`` through a node with the replica's replay paused;
        on leaving, resume and wait until it is replicated."""
        with self.replay_paused():
            self.nodes[1].call("admin", model, "write", [record_id], values)
            yield
        self.wait_for_replica()

    def wait_for_replica(self):
        """Until the replica has replayed everything the primary committed."""
        target = self.primary.sql(self.db, "SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + REPLAY_TIMEOUT
        while time.monotonic() < deadline:
            caught_up = self.replica.sql(
                self.db, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
            )
            if caught_up == "t":
                return
            time.sleep(0.2)
        pytest.fail(f"the replica did not replay up to {target} in time")

    def pages(self, login):
        """The first page of ``login``'s queue on each node."""
        return [node.page(login) for node in self.nodes]


def test_the_queue_page_is_served_by_the_replica(desk):
    group_a = desk.ref("support_team_queue.group_gruppo_a")
    writer = desk.nodes[1]
    with desk.replay_paused():
        ticket = writer.call(
            "admin",
            "support.ticket",
            "create",
            {"name": "Replica: stampante ferma", "group_id": group_a},
        )
        # committed on the primary, not yet on the replica the page reads
        assert (
            desk.primary.sql(
                desk.db, f"SELECT count(*) FROM support_ticket WHERE id = {ticket}"
            )
            == "1"
        )
        assert all(ticket not in page for page in desk.pages("resp_a"))
    desk.wait_for_replica()
    assert all(ticket in page for page in desk.pages("resp_a"))


def test_a_membership_change_is_honoured_once_replicated(desk):
    group_b = desk.ref("support_team_queue.group_gruppo_b")
    tech_a = desk.ref("support_team_queue.user_tech_a")
    writer = desk.nodes[1]
    ticket = writer.call(
        "admin",
        "support.ticket",
        "create",
        {"name": "Replica: fax di Gruppo B", "group_id": group_b},
    )
    desk.wait_for_replica()
    # both nodes resolve tech_a's access, and keep it under the access stamp
    assert all(ticket not in page for page in desk.pages("tech_a"))

    with desk.changed_on_the_primary(
        "support.group", group_b, {"user_ids": [(4, tech_a)]}
    ):
        # not replicated yet: the replica's pages answer as its data say,
        # the old membership with the old tickets, never a mix
        assert all(ticket not in page for page in desk.pages("tech_a"))
    assert all(ticket in page for page in desk.pages("tech_a"))

    with desk.changed_on_the_primary(
        "support.group", group_b, {"user_ids": [(3, tech_a)]}
    ):
        assert all(ticket in page for page in desk.pages("tech_a"))
    # the answer resolved before the loss is never served again
    assert all(ticket not in page for page in desk.pages("tech_a"))
