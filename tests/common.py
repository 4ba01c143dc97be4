"""Shared fixtures: the seed 003 (vTiger) scenario, built afresh per class.

The tests live outside ``odoo.addons.*``, where Odoo's test metaclass does
not tag them; the base classes below supply what it would have.
"""

import base64
import contextlib
import json
import logging
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from xmlrpc.client import Fault

import pytest

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError
from odoo.modules.registry import Registry
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import mute_logger

from tools.odoo_server import ODOO_SRC, REPO_ROOT

MODULE = "support_team_queue"
_logger = logging.getLogger(__name__)
# what the chatter asks of /mail/thread/data for a record it opens
THREAD_DATA_REQUESTS = (
    "activities",
    "attachments",
    "followers",
    "suggestedRecipients",
    "scheduledMessages",
)


class _OdooTestAttributes:
    test_tags = {"standard", "at_install"}
    test_module = MODULE
    test_sequence = 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.test_class = cls.__name__


def ref(env, xmlid):
    return env.ref(f"{MODULE}.{xmlid}" if "." not in xmlid else xmlid)


def requested_at(tickets, when):
    """Date the tickets' requests back (or forth) to ``when``: the ORM never
    writes ``create_date``."""
    tickets.env.flush_all()
    tickets.env.cr.execute(
        "UPDATE support_ticket SET create_date = %s WHERE id IN %s",
        [when, tuple(tickets.ids)],
    )
    tickets.invalidate_recordset(["create_date"])


def demo_database():
    """The test database, for the tests that start ``odoo-bin`` on it and
    log in as the demo users: skipped when the demo is not installed, but
    under tools/test.sh, which always installs it, a failure."""
    db = odoo.tools.config["db_name"]
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
    if result.stdout.strip() != "1":
        # there, a failed check is a failure, never a silent skip
        if os.environ.get("STQ_TEST_DB") == db:
            pytest.fail(f"no demo users found in {db} (psql failed?)")
        pytest.skip("demo data not installed")
    return db


def run_bench_script(script, database_prefix, out, *args, summary, timeout):
    """Run ``bench/<script>`` with ``args`` on a database of its own (dropped
    afterwards), its results written to ``out``. It must succeed and its
    last line match the regular expression ``summary``: returns the match,
    with the script's output."""
    database = f"{database_prefix}_{uuid.uuid4().hex[:8]}"
    try:
        result = subprocess.run(
            [
                sys.executable,
                str(REPO_ROOT / "bench" / script),
                *args,
                f"--db={database}",
                f"--out={out}",
            ],
            env=dict(os.environ, ODOO_SRC=str(ODOO_SRC)),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", database], check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    last = result.stdout.strip().splitlines()[-1]
    match = summary.match(last)
    assert match, last
    return match, result


def new_organization(env, name, email_domains=None):
    """A customer company; ``email_domains`` ("a.it, b.com") make it the
    organization of requesters without an account of those domains."""
    values = {"name": name, "is_company": True}
    if email_domains is not None:
        values["support_email_domains"] = email_domains
    return env["res.partner"].create(values)


def new_customer_user(env, login, **values):
    """A portal user (a customer with an account), ``values`` as for
    ``new_test_user``; created without a log note or an invitation."""
    return new_test_user(
        env,
        login=login,
        groups="base.group_portal",
        context={"mail_create_nolog": True, "no_reset_password": True},
        **values,
    )


def new_ticket_file(ticket, name, content):
    """A file ``name`` holding ``content`` (bytes), attached to ``ticket``."""
    return ticket.env["ir.attachment"].create(
        {
            "name": name,
            "datas": base64.b64encode(content),
            "res_model": "support.ticket",
            "res_id": ticket.id,
        }
    )


def with_chatter(env):
    """``env`` without the seed's ``tracking_disable``: the mail gateway and
    the chatter as they run in production (followers, notifications)."""
    return env(
        context={
            key: value
            for key, value in env.context.items()
            if key != "tracking_disable"
        }
    )


def keep_every_rule_path_a_subquery(case):
    """For the rest of test ``case``, every path of the ticket rules stays
    its sub-query: the bound of resolved ids (``_RESOLVED_IDS_MAX``, a
    manager over thousands of subordinates) is lowered to none. The
    resolved rules' cache has no bound in its key: emptied before and
    after, so that entries of either kind stay apart."""
    engine = type(case.env["support.ticket"])
    case.patch(engine, "_RESOLVED_IDS_MAX", 0)
    case.env.registry.clear_cache()
    case.addCleanup(case.env.registry.clear_cache)


class SeedScenarioMixin:
    """Roles Supervisore > {Call Center, Responsabile A > Tecnico A,
    Responsabile B > Tecnico B}; groups Call Center {callcenter},
    Gruppo A {roles Responsabile A, Tecnico A; group Call Center},
    Gruppo B likewise; one private team in dispatch mode."""

    @classmethod
    def setup_seed_scenario(cls):
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env = env
        Role = env["support.role"]
        cls.role_supervisor = Role.create(
            {
                "name": "Supervisore",
                "profile_group_ids": [
                    Command.link(ref(env, "group_support_supervisor").id)
                ],
            }
        )
        cls.role_callcenter = Role.create(
            {
                "name": "Call Center",
                "parent_id": cls.role_supervisor.id,
                "profile_group_ids": [Command.link(ref(env, "group_support_agent").id)],
            }
        )
        cls.role_resp_a, cls.role_resp_b = Role.create(
            [
                {
                    "name": name,
                    "parent_id": cls.role_supervisor.id,
                    "profile_group_ids": [
                        Command.link(ref(env, "group_support_manager").id)
                    ],
                }
                for name in ("Responsabile A", "Responsabile B")
            ]
        )
        cls.role_tech_a, cls.role_tech_b = Role.create(
            [
                {
                    "name": name,
                    "parent_id": parent.id,
                    "profile_group_ids": [
                        Command.link(ref(env, "group_support_readonly").id)
                    ],
                }
                for name, parent in (
                    ("Tecnico A", cls.role_resp_a),
                    ("Tecnico B", cls.role_resp_b),
                )
            ]
        )

        def user(login, role=None, groups="base.group_user"):
            # logins carry a prefix: the demo data has the plain ones
            return new_test_user(
                env,
                login=f"t_{login}",
                groups=groups,
                name=login.replace("_", " ").title(),
                support_role_id=role.id if role else False,
                context={"mail_create_nolog": True, "no_reset_password": True},
            )

        cls.supervisor = user("supervisor", cls.role_supervisor)
        cls.callcenter = user("callcenter", cls.role_callcenter)
        cls.resp_a = user("resp_a", cls.role_resp_a)
        cls.tech_a = user("tech_a", cls.role_tech_a)
        cls.resp_b = user("resp_b", cls.role_resp_b)
        cls.tech_b = user("tech_b", cls.role_tech_b)
        cls.teamadmin = user(
            "teamadmin", groups="support_team_queue.group_support_manager"
        )
        # An operator of the team with no role and no group.
        cls.loner = user("loner", groups="support_team_queue.group_support_agent")
        cls.seed_users = (
            cls.supervisor
            | cls.callcenter
            | cls.resp_a
            | cls.tech_a
            | cls.resp_b
            | cls.tech_b
            | cls.teamadmin
            | cls.loner
        )

        cls.team = env["support.team"].create(
            {
                "name": "Assistenza Clienti",
                "admin_id": cls.teamadmin.id,
                "operator_ids": [Command.set(cls.seed_users.ids)],
                "queue_mode": "dispatch",
                "ticket_access": "private",
            }
        )
        Group = env["support.group"]
        cls.group_cc = Group.create(
            {
                "name": "Call Center",
                "team_id": cls.team.id,
                "user_ids": [Command.link(cls.callcenter.id)],
            }
        )
        cls.group_a, cls.group_b = Group.create(
            [
                {
                    "name": name,
                    "team_id": cls.team.id,
                    "role_ids": [Command.set([resp.id, tech.id])],
                    "member_group_ids": [Command.link(cls.group_cc.id)],
                }
                for name, resp, tech in (
                    ("Gruppo A", cls.role_resp_a, cls.role_tech_a),
                    ("Gruppo B", cls.role_resp_b, cls.role_tech_b),
                )
            ]
        )

    def other_company_desk(self):
        """A second company, "Azienda B", with a support team of its own."""
        company = self.env["res.company"].create({"name": "Azienda B"})
        team = self.env["support.team"].create(
            {"name": "Team B", "company_id": company.id}
        )
        return company, team

    @classmethod
    def setup_other_team(cls):
        """A second team of the company, "Assistenza Nord", administered by
        ``other_admin``, a read-only Technician and its only operator."""
        cls.other_admin = new_test_user(
            cls.env,
            login="t_other_admin",
            groups="support_team_queue.group_support_readonly",
        )
        cls.other_team = cls.env["support.team"].create(
            {
                "name": "Assistenza Nord",
                "admin_id": cls.other_admin.id,
                "operator_ids": [Command.set(cls.other_admin.ids)],
            }
        )

    def company_user(self, company, login, groups):
        """A user of ``company`` only."""
        return new_test_user(
            self.env,
            login=login,
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    @classmethod
    def new_ticket(cls, name, user=None, group=None, team=None, as_user=None):
        """Create a ticket owned by ``user`` and/or ``group``."""
        Ticket = cls.env["support.ticket"]
        if as_user:
            Ticket = Ticket.with_user(as_user)
        return Ticket.create(
            {
                "name": name,
                "team_id": (team or cls.team).id,
                "group_id": group.id if group else False,
                "user_id": user.id if user else False,
            }
        )

    # -- assertions that read like the seed's sentences ---------------------

    def visible(self, user, tickets=None):
        """The tickets ``user`` finds when searching (record rules applied)."""
        domain = [("id", "in", tickets.ids)] if tickets is not None else []
        return self.env["support.ticket"].with_user(user).search(domain)

    def assertSees(self, user, ticket):
        self.assertIn(
            ticket, self.visible(user, ticket), f"{user.login} should see {ticket.name}"
        )
        ticket.with_user(user).invalidate_recordset()
        self.assertTrue(ticket.with_user(user).read(["name"]))

    def assertNotSees(self, user, ticket):
        self.assertNotIn(
            ticket,
            self.visible(user, ticket),
            f"{user.login} should not see {ticket.name}",
        )
        ticket.invalidate_recordset()
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            ticket.with_user(user).read(["name"])

    @contextmanager
    def assertRefused(self, exception, text):
        """Like assertRaisesRegex, inside Odoo's savepoint. What the refused
        call wrote is rolled back with the savepoint, as a request's whole
        transaction is: a check afterwards that nothing changed cannot tell
        whether the call wrote before refusing (for that, call it without a
        savepoint, as test_a_refused_group_deletion_touches_no_ticket does)."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertIn(text, str(caught.exception))
        self.env.invalidate_all()

    @contextmanager
    def assertRefusedTo(self, user, exception, text):
        """``assertRefused`` as a sub-test of ``user``, with Odoo's log line
        of the refusal muted."""
        with (
            self.subTest(user=user.login),
            self.assertRefused(exception, text) as caught,
            mute_logger("odoo.models"),
        ):
            yield caught

    def can(self, user, ticket, operation):
        return ticket.with_user(user).has_access(operation)

    def assertCanWrite(self, user, ticket):
        ticket.with_user(user).write({"priority": "2"})
        self.assertEqual(ticket.priority, "2")

    def assertCannotWrite(self, user, ticket):
        before = ticket.priority
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            ticket.with_user(user).write({"priority": "3"})
            ticket.flush_recordset()
        ticket.invalidate_recordset()
        self.assertEqual(ticket.priority, before)

    def assertCanDelete(self, user, ticket):
        # really deleted, then rolled back: one fixture serves several
        # assertions
        self.assertTrue(self.can(user, ticket, "unlink"))
        with contextlib.suppress(_RolledBack), self.env.cr.savepoint():
            ticket.with_user(user).unlink()
            self.assertFalse(ticket.exists())
            raise _RolledBack
        self.assertTrue(ticket.exists())

    def assertCannotDelete(self, user, ticket):
        self.assertFalse(self.can(user, ticket, "unlink"))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            ticket.with_user(user).unlink()
        self.assertTrue(ticket.exists())


class _RolledBack(Exception):
    """Undoes a savepoint on purpose."""


class SupportCase(_OdooTestAttributes, SeedScenarioMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_seed_scenario()


class SupportHttpCase(_OdooTestAttributes, SeedScenarioMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_seed_scenario()

    @contextmanager
    def assertRpcRefused(self):
        from xmlrpc.client import Fault

        with self.assertRaises(Fault) as caught, mute_logger("odoo.http"):
            yield caught


class CommittedCase(_OdooTestAttributes, BaseCase):
    """!!! COMMITS TO THE DATABASE !!!

    Two transactions only conflict when both are real ones, so such a class
    runs outside the test transaction: ``build_committed`` creates its
    records in a committed cursor, the tests work in cursors of their own as
    simultaneous requests would, and everything built (and every ticket of
    the teams built) is deleted in a committed cursor at the end
    (``addClassCleanup``), whether the tests passed or not.
    """

    # what refers to another record is deleted before it
    _DELETION_ORDER = (
        "support.ticket",
        "support.group",
        "support.team",
        "res.users",
        "support.role",
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.created = {}
        cls.addClassCleanup(cls._delete_committed_data)
        with cls.registry.cursor() as cr:  # commits on exit
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            built = cls.build_committed(env, uuid.uuid4().hex[:8])
            for records in built.values():
                # raised before the cursor commits: nothing is left behind
                if records._name not in cls._DELETION_ORDER:
                    raise TypeError(f"{cls.__name__}: nothing deletes {records._name}")
            cls.created = {name: records.ids for name, records in built.items()}
            cls._created_by_model = {}
            for records in built.values():
                cls._created_by_model.setdefault(records._name, []).extend(records.ids)

    @classmethod
    def build_committed(cls, env, tag):
        """Create the class's records (``tag`` keeps names and logins apart
        from another run's); return them by name, as recordsets: their ids
        are ``cls.created[name]``."""
        raise NotImplementedError

    @classmethod
    def _delete_committed_data(cls):
        created = getattr(cls, "_created_by_model", {})
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            teams = env["support.team"].browse(created.get("support.team", []))
            env["support.ticket"].search([("team_id", "in", teams.ids)]).unlink()
            for model in cls._DELETION_ORDER:
                records = env[model].browse(created.get(model, [])).exists()
                partners = records.partner_id if model == "res.users" else None
                # one model that cannot go (a test tied a record of its own
                # to it) leaves the others to be deleted
                try:
                    with cr.savepoint():
                        records.unlink()
                        if partners:
                            partners.unlink()
                except Exception as error:  # noqa: BLE001
                    _logger.warning("%s left %s: %s", cls.__name__, records, error)


def post_account_form(case, user, password, email):
    """/my/account as its form posts it, ``user``'s details with ``email``."""
    from odoo import http

    case.authenticate(user.login, password)
    return case.url_open(
        "/my/account",
        data={
            "csrf_token": http.Request.csrf_token(case),
            "name": user.name,
            "email": email,
            "phone": "+39 02 1234567",
            "street": "Via Roma 1",
            "city": "Milano",
            "country_id": case.env.ref("base.it").id,
            "zipcode": "",
            "state_id": "",
            "vat": "",
            "company_name": "",
        },
    )


def post_json_route(case, url, params):
    """A JSON route called as the web client calls it, in ``case``'s
    session: (raw answer, payload)."""
    body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
    with mute_logger("odoo.http"):
        response = case.url_open(
            url, data=json.dumps(body), headers={"Content-Type": "application/json"}
        )
    case.assertEqual(response.status_code, 200)
    return response.text, response.json()


class RpcTransportsMixin:
    """The same call as a logged-in user over XML-RPC and over JSON-RPC
    (``/web/dataset/call_kw``), for an ``HttpCase`` whose users' password
    is their login, padded to eight characters (``new_test_user``)."""

    @staticmethod
    def password(user):
        return user.login + "x" * (8 - len(user.login))

    def xmlrpc(self, user, model, method, *args, **kwargs):
        """(ok, raw text of the answer, result)"""
        try:
            with mute_logger("odoo.http"):
                result = self.xmlrpc_object.execute_kw(
                    self.env.cr.dbname,
                    user.id,
                    self.password(user),
                    model,
                    method,
                    list(args),
                    kwargs,
                )
        except Fault as fault:
            return False, fault.faultString, None
        return True, repr(result), result

    def json_post(self, user, url, params):
        self.authenticate(user.login, self.password(user))
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        with mute_logger("odoo.http"):
            response = self.url_open(
                url,
                data=json.dumps(body),
                headers={"Content-Type": "application/json"},
            )
        self.assertEqual(response.status_code, 200)
        payload = response.json()
        return "error" not in payload, response.text, payload.get("result")

    def jsonrpc(self, user, model, method, *args, **kwargs):
        return self.json_post(
            user,
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def both(self, user, model, method, *args, **kwargs):
        """The same call over XML-RPC and over JSON-RPC."""
        for name, transport in (("xmlrpc", self.xmlrpc), ("jsonrpc", self.jsonrpc)):
            yield name, transport(user, model, method, *args, **kwargs)
