"""Impact before saving: "Preview Access Change" (support.access.impact).

The preview is checked against the record rules themselves: in the random
desks of the access oracle (tests/test_access_oracle.py), a random change
of a group, role, team, sharing rule or user is previewed, then applied;
what each user finds by a search after, minus before, must be exactly what
the preview predicted. And the preview changes nothing (the record, its
access log, the access stamp), asks the same rights as the change, and
names only tickets its viewer may read.
"""

import contextlib
import json
import os
import socket
import threading

from hypothesis import given
from hypothesis import strategies as st

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from . import test_access_oracle as oracle
from .common import (
    RpcTransportsMixin,
    SupportCase,
    SupportHttpCase,
    keep_every_rule_path_a_subquery,
)


def count_in_memory(case):
    """For the rest of test ``case``, the preview counts every user's gains
    and losses in memory, however few they are."""
    case.patch(type(case.env["support.access.impact"]), "_IN_MEMORY_FROM_USERS", 1)


EXAMPLES = int(os.environ.get("STQ_IMPACT_EXAMPLES", "25"))
REFUSED = (AccessError, UserError, ValidationError)


class ImpactMixin:
    def stamp(self):
        return self.env["support.access.stamp"]._access_stamp()

    def log_count(self):
        return self.env["support.access.log"].sudo().search_count([])

    def preview(self, record, values, user=None):
        if user:
            record = record.with_user(user)
        action = record.action_support_access_impact(values)
        return record.env["support.access.impact"].browse(action["res_id"])

    @staticmethod
    def predicted(impact):
        return {
            line.user_id.id: (line.gained_count, line.lost_count)
            for line in impact.line_ids
        }

    @staticmethod
    def changes(before, after):
        """``{user id: (gained, lost)}`` between two :meth:`readable`."""
        return {
            uid: (
                len(after[uid] - before.get(uid, set())),
                len(before.get(uid, set()) - after[uid]),
            )
            for uid in after
            if after[uid] != before.get(uid, set())
        }

    def readable(self):
        """``{user id: ticket ids}`` every active internal user finds."""
        result = {}
        users = self.env["res.users"].search([("share", "=", False)])
        for user in users:
            try:
                result[user.id] = set(
                    self.env["support.ticket"].with_user(user).search([]).ids
                )
            except AccessError:  # no support profile: not even the model
                result[user.id] = set()
        return result


@st.composite
def proposed_changes(draw, desk):
    """A change of one record, as its form would send it: (kind, index,
    values with desk indices), or a group's creation (index None)."""
    n_users, n_roles = len(desk["users"]), len(desk["roles"])
    n_teams, n_groups, n_rules = (
        len(desk["teams"]),
        len(desk["groups"]),
        len(desk["rules"]),
    )
    users = st.sets(st.integers(0, n_users - 1), max_size=3)
    roles = st.sets(st.integers(0, n_roles - 1), max_size=2)
    options = [
        st.tuples(
            st.just("res.users"),
            st.integers(0, n_users - 1),
            st.fixed_dictionaries(
                {"support_role_id": st.one_of(st.none(), st.integers(0, n_roles - 1))}
            ),
        ),
        st.tuples(
            st.just("support.role"),
            st.integers(0, n_roles - 1),
            st.one_of(
                st.fixed_dictionaries(
                    {"parent_id": st.one_of(st.none(), st.integers(0, n_roles - 1))}
                ),
                st.fixed_dictionaries({"user_ids": users}),
            ),
        ),
        st.tuples(
            st.just("support.team"),
            st.integers(0, n_teams - 1),
            st.one_of(
                st.fixed_dictionaries(
                    {
                        "queue_mode": st.sampled_from(oracle.QUEUE_MODES),
                        "ticket_access": st.sampled_from(oracle.ACCESS_LEVELS),
                    }
                ),
                st.fixed_dictionaries({"operator_ids": users}),
            ),
        ),
        st.tuples(
            st.just("support.group"),
            st.none(),
            st.fixed_dictionaries(
                {
                    "team_id": st.integers(0, n_teams - 1),
                    "role_ids": roles,
                    "role_subtree_ids": roles,
                }
            ),
        ),
    ]
    if n_groups:
        options.append(
            st.tuples(
                st.just("support.group"),
                st.integers(0, n_groups - 1),
                st.one_of(
                    st.fixed_dictionaries({"user_ids": users}),
                    st.fixed_dictionaries(
                        {"role_ids": roles, "role_subtree_ids": roles}
                    ),
                    st.fixed_dictionaries({"active": st.booleans()}),
                ),
            )
        )
    if n_rules:
        options.append(
            st.tuples(
                st.just("support.sharing.rule"),
                st.integers(0, n_rules - 1),
                st.one_of(
                    st.fixed_dictionaries({"active": st.booleans()}),
                    st.fixed_dictionaries(
                        {"access": st.sampled_from(["read", "write"])}
                    ),
                    st.fixed_dictionaries(
                        {"target_user_id": st.integers(0, n_users - 1)}
                    ),
                ),
            )
        )
    return draw(st.one_of(options))


class RandomChangesMixin:
    """The oracle's random desks built in Odoo, and random changes of them
    as the forms send them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.profile_groups = [cls.env.ref("base.group_user")] + [
            cls.env.ref(f"{oracle.MODULE}.group_support_{name}")
            for name in oracle.PROFILES[1:]
        ]

    build = oracle.TestAccessOracle.build

    def built_change(self, desk, change):
        """The desk built in Odoo, and the change's model, record (empty
        for a new one) and values as the form sends them."""
        odoo = self.build(desk)
        self.env.flush_all()
        model, index, values = change
        plural = {
            "res.users": "users",
            "support.role": "roles",
            "support.team": "teams",
            "support.group": "groups",
            "support.sharing.rule": "rules",
        }[model]
        record = odoo[plural][index] if index is not None else self.env[model].browse()
        return odoo, model, record, self.values_in_odoo(odoo, values)

    def values_in_odoo(self, odoo, values):
        """The form's values: desk indices turned into ids."""
        where = {
            "support_role_id": "roles",
            "parent_id": "roles",
            "role_ids": "roles",
            "role_subtree_ids": "roles",
            "user_ids": "users",
            "operator_ids": "users",
            "target_user_id": "users",
            "team_id": "teams",
        }
        result = {}
        for name, value in values.items():
            records = odoo.get(where.get(name))
            if isinstance(value, (set, frozenset)):
                result[name] = [Command.set([records[i].id for i in sorted(value)])]
            elif name in where:
                result[name] = records[value].id if value is not None else False
            else:
                result[name] = value
        if "role_ids" in result and "team_id" in result:
            result["name"] = "New group"
        # through JSON, as the web client sends it
        return json.loads(json.dumps(result))


class TestImpactAgainstTheRules(RandomChangesMixin, ImpactMixin, SupportCase):
    """For random changes in random desks, the preview's gains and losses
    are what each user finds after the change is applied, minus before
    (counted in memory, as for a large desk: the queries counting a few
    users give the same, ``TestDifferencesCountedInMemory``)."""

    def setUp(self):
        super().setUp()
        count_in_memory(self)

    def test_predicted_gains_and_losses_are_the_rules(self):
        @oracle.replayable_settings(EXAMPLES)
        @given(st.data())
        def check(data):
            desk = data.draw(oracle.desks())
            change = data.draw(proposed_changes(desk))
            self.check_change(desk, change)

        check()
        self.assertTrue(self.changes_seen, "no preview predicted any change")

    changes_seen = 0

    def check_change(self, desk, change):
        savepoint = self.env.cr.savepoint()
        try:
            odoo, model, record, values = self.built_change(desk, change)
            before = self.readable()
            stamp, logs = self.stamp(), self.log_count()
            try:
                with mute_logger("odoo.models"):
                    impact = self.preview(record, values)
            except REFUSED as refusal:
                # the change itself is refused the same way
                with self.assertRaises(type(refusal)), mute_logger("odoo.models"):
                    with self.env.cr.savepoint():
                        if record:
                            record.write(values)
                        else:
                            record.create(values)
                        self.env.flush_all()
                return
            self.assertEqual((self.stamp(), self.log_count()), (stamp, logs))
            self.assertEqual(self.readable(), before, "the preview changed access")
            predicted = self.predicted(impact)
            impact.action_apply()
            self.env.flush_all()
            after = self.readable()
            actual = self.changes(before, after)
            self.assertEqual(predicted, actual, f"change {change}")
            type(self).changes_seen += bool(actual)
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()


class _RolledBack(Exception):
    pass


class TestDifferencesCountedInMemory(RandomChangesMixin, ImpactMixin, SupportCase):
    """Many users' gains and losses are counted in memory, on the tickets
    the viewer reads held as bit sets (``_differences_in_memory``); for
    random changes in random desks, each user's counts and samples are
    those of the queries over ``after and not before``
    (``_differences_by_query``), as the superuser and as a desk's user.
    The rules of all users are resolved in one batch, each user's as
    resolved alone."""

    compared = 0

    def test_counted_in_memory_as_by_queries(self):
        @oracle.replayable_settings(EXAMPLES)
        @given(st.data())
        def check(data):
            desk = data.draw(oracle.desks())
            change = data.draw(proposed_changes(desk))
            viewer = data.draw(st.integers(-1, len(desk["users"]) - 1))
            self.check_counts(desk, change, viewer)

        check()
        self.assertTrue(self.compared, "no user's counts were compared")

    def readable_domains(self, user_ids):
        """The preview's resolved rules of the users (resolved in one
        batch), which must be those the queue resolves for each user alone."""
        Impact = self.env["support.access.impact"]
        self.env.registry.clear_cache()
        domains = Impact._readable_domains(user_ids)
        self.env.registry.clear_cache()
        for user_id, domain in domains.items():
            env = self.env(user=user_id, su=False, context={})
            if domain is None:
                # no ticket at all: an archived user, a customer, or no
                # access to the tickets (Odoo's access rights)
                user = env.user.with_context(active_test=False)
                self.assertFalse(
                    user.active
                    and not user.share
                    and env["support.ticket"].has_access("read"),
                    user.login,
                )
                continue
            alone = env["ir.rule"]._compute_domain("support.ticket", "read")
            if alone:
                alone = env["support.ticket"]._resolved_rules(alone)
            self.assertEqual(
                repr(domain), repr(expression.normalize_domain(alone or []))
            )
        return domains

    def check_counts(self, desk, change, viewer):
        savepoint = self.env.cr.savepoint()
        try:
            odoo, model, record, values = self.built_change(desk, change)
            Impact = self.env["support.access.impact"]
            user_ids = self.env["res.users"].search([("share", "=", False)]).ids
            before = self.readable_domains(user_ids)
            tickets_version = Impact._tickets_version()
            try:
                with mute_logger("odoo.models"), self.env.cr.savepoint():
                    if record:
                        record.write(values)
                    else:
                        record.create(values)
                    self.env.flush_all()
                    after = self.readable_domains(user_ids)
                    moved = Impact._tickets_version() != tickets_version
                    raise _RolledBack
            except REFUSED:
                return  # the change is refused: nothing to count
            except _RolledBack:
                pass
            Impact._forget_rolled_back()
            if moved:
                return  # the tickets themselves change: compared by their ids
            if viewer >= 0:
                Impact = Impact.with_user(odoo["users"][viewer])
            bits = Impact._ticket_bits([*before.values(), *after.values()])
            for uid in user_ids:
                domains = before[uid], after[uid]
                if not all(
                    domain is None or Impact._names_columns_only(domain)
                    for domain in domains
                ):
                    continue
                in_memory = Impact._differences_in_memory(bits, *domains)
                # the ticket rules name nothing it does not evaluate
                self.assertIsNotNone(in_memory, f"user {uid}: {domains}")
                by_query = Impact._differences_by_query(
                    *Impact._domain_differences(*domains)
                )
                self.assertEqual(
                    tuple(in_memory), tuple(by_query), f"user {uid}, change {change}"
                )
                type(self).compared += bool(in_memory[0] or in_memory[1])
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()


ONE_OF_THE_IDS = st.sampled_from(range(6))


@st.composite
def ticket_domains(draw, depth=2):
    """A domain on the columns the ticket rules resolve to: a many2one (or
    the id) against one of a few ids (by index, -1 for one no row holds),
    nothing, or a list of them, combined by ``&``, ``|`` and ``!``."""
    if depth and draw(st.booleans()):
        operator = draw(st.sampled_from(["&", "|", "!"]))
        operands = [draw(ticket_domains(depth - 1))]
        if operator != "!":
            operands.append(draw(ticket_domains(depth - 1)))
        return [operator, *(term for operand in operands for term in operand)]
    column = draw(st.sampled_from(["group_id", "user_id", "team_id", "id"]))
    value = st.one_of(st.just(False), st.just(0), st.integers(-1, 5))
    operator = draw(st.sampled_from(["=", "!=", "in", "not in"]))
    if operator in ("in", "not in"):
        return [(column, operator, draw(st.lists(value, max_size=3)))]
    return [(column, operator, draw(value))]


class TestTicketBitsAsSearches(SupportCase):
    """The bit sets find, for any domain on the columns the rules resolve
    to, what a search finds: NULLs, nothing, unknown ids, negations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Ticket = cls.env["support.ticket"]
        owners = [False, cls.tech_a, cls.resp_a]
        groups = [False, cls.group_a, cls.group_b]
        tickets = Ticket.browse()
        for index in range(9):
            tickets |= cls.new_ticket(
                f"Bit {index}",
                user=owners[index % 3] or None,
                group=groups[index // 3] or None,
            )
        tickets[-1].active = False
        cls.ids_by_column = {
            "group_id": [False, cls.group_a.id, cls.group_b.id],
            "user_id": [False, cls.tech_a.id, cls.resp_a.id],
            "team_id": [cls.team.id],
            "id": tickets.ids,
        }

    def odoo_domain(self, domain):
        """``domain`` with each index turned into an id of its column."""

        def value(column, index):
            if index is False or index == 0:
                return index
            ids = self.ids_by_column[column]
            return ids[index % len(ids)] if index > 0 else max(ids) + 1000

        result = []
        for term in domain:
            if isinstance(term, tuple):
                column, operator, indexes = term
                if isinstance(indexes, list):
                    result.append(
                        (column, operator, [value(column, i) for i in indexes])
                    )
                else:
                    result.append((column, operator, value(column, indexes)))
            else:
                result.append(term)
        return result

    @staticmethod
    def lists_zero(domain):
        return any(
            type(item) is int and not item
            for term in domain
            if isinstance(term, tuple) and isinstance(term[2], list)
            for item in term[2]
        )

    def test_bits_find_what_a_search_finds(self):
        Impact = self.env["support.access.impact"]
        Tickets = Impact._viewer_tickets()
        bits = Impact._ticket_bits(
            [[(column, "=", 1)] for column in self.ids_by_column]
        )
        self.assertEqual(len(bits.ids), Tickets.search_count([]))

        @oracle.replayable_settings(EXAMPLES * 4)
        @given(ticket_domains())
        def check(domain):
            domain = expression.normalize_domain(self.odoo_domain(domain))
            rows = bits.rows(domain)
            if rows is None:
                # a 0 in a list (a NULL in SQL's) is left to a query
                self.assertTrue(self.lists_zero(domain), domain)
                return
            found = Tickets.search(domain, order="id desc")
            self.assertEqual(rows.bit_count(), len(found), domain)
            self.assertEqual(bits.newest(rows, 5), found.ids[:5], domain)

        check()

    def test_what_it_does_not_evaluate_is_left_to_a_query(self):
        Impact = self.env["support.access.impact"]
        bits = Impact._ticket_bits([[("group_id", "=", 1)]])
        for domain in (
            [("name", "=", "Bit 1")],
            [("group_id", "ilike", "A")],
            [("group_id", "in", True)],
            [("group_id", "=", "1")],
            [("group_id", "not in", [0])],
            [("user_id", "=", 1)],  # a column not read
        ):
            self.assertIsNone(bits.rows(domain), domain)


class TestPreviewChangesNothing(ImpactMixin, SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_a = cls.new_ticket("Stampante di Gruppo A", group=cls.group_a)
        cls.ticket_b = cls.new_ticket("Fax di Gruppo B", group=cls.group_b)

    def test_a_member_added_is_previewed_and_nothing_changes(self):
        stamp, logs = self.stamp(), self.log_count()
        impact = self.preview(self.group_a, {"user_ids": [[4, self.loner.id]]})
        self.assertEqual(self.predicted(impact), {self.loner.id: (1, 0)})
        self.assertEqual(impact.line_ids.sample_ticket_ids, self.ticket_a)
        self.env.invalidate_all()
        self.assertNotIn(self.loner, self.group_a.user_ids)
        self.assertEqual(self.stamp(), stamp)
        self.assertEqual(self.log_count(), logs)
        self.assertNotIn(self.ticket_a, self.visible(self.loner))
        # Apply makes it, as the form's save would
        impact.action_apply()
        self.assertIn(self.loner, self.group_a.user_ids)
        self.assertNotEqual(self.stamp(), stamp)
        self.assertEqual(self.log_count(), logs + 1)
        self.assertIn(self.ticket_a, self.visible(self.loner))

    def test_a_role_change_is_previewed_and_nothing_changes(self):
        """Tecnico A would become Tecnico B: its profile groups, its
        groups' tickets and its superiors' reach, all undone."""
        stamp, logs = self.stamp(), self.log_count()
        groups = self.tech_a.groups_id
        impact = self.preview(
            self.tech_a, {"support_role_id": self.role_tech_b.id}, user=None
        )
        self.assertEqual(self.predicted(impact)[self.tech_a.id], (1, 1))
        self.env.invalidate_all()
        self.assertEqual(self.tech_a.support_role_id, self.role_tech_a)
        self.assertEqual(self.tech_a.groups_id, groups)
        self.assertEqual((self.stamp(), self.log_count()), (stamp, logs))
        self.assertIn(self.ticket_a, self.visible(self.tech_a))
        self.assertNotIn(self.ticket_b, self.visible(self.tech_a))

    def test_a_profile_given_by_a_role_is_evaluated_anew(self):
        """Odoo's evaluation of a user's rules, kept from before the change,
        is evaluated again when the change clears Odoo's caches: here a
        role whose profile is Supervisor, who reads every ticket."""
        count_in_memory(self)
        supervisor = self.env.ref("support_team_queue.group_support_supervisor")
        boss = self.env["support.role"].create(
            {
                "name": "Supervisore bis",
                "profile_group_ids": [Command.set(supervisor.ids)],
            }
        )
        readable = self.visible(self.tech_a)
        everything = self.env["support.ticket"].search([])
        impact = self.preview(self.tech_a, {"support_role_id": boss.id})
        self.assertEqual(
            self.predicted(impact)[self.tech_a.id], (len(everything - readable), 0)
        )

    def test_what_clears_odoo_caches_is_seen(self):
        Impact = self.env["support.access.impact"]
        invalidated = self.env.registry.cache_invalidated
        invalidated.add("default")  # cleared earlier in the request
        with Impact._odoo_caches_watched() as cleared:
            self.group_a.name = "Gruppo A bis"
            self.env.flush_all()
        self.assertEqual(cleared, set())
        self.assertIn("default", invalidated)
        supervisor = self.env.ref("support_team_queue.group_support_supervisor")
        with Impact._odoo_caches_watched() as cleared:
            self.loner.groups_id = [Command.link(supervisor.id)]
        self.assertIn("default", cleared)

    def test_a_creation_is_previewed_and_nothing_is_created(self):
        groups = self.env["support.group"].search_count([])
        impact = self.preview(
            self.env["support.group"],
            {
                "name": "Gruppo C",
                "team_id": self.team.id,
                "user_ids": [[6, 0, self.loner.ids]],
            },
        )
        self.assertEqual(impact.line_ids, impact.line_ids.browse())  # no ticket yet
        self.assertEqual(self.env["support.group"].search_count([]), groups)
        impact.action_apply()
        self.assertEqual(self.env["support.group"].search_count([]), groups + 1)

    def test_a_team_moved_to_another_company(self):
        """The tickets themselves change (their company follows the team's):
        each user is compared by the tickets they find."""
        company_b, _team_b = self.other_company_desk()
        # the operators may work for Azienda B too; a supervisor of the
        # first company only reads no ticket of Azienda B
        self.seed_users.write({"company_ids": [Command.link(company_b.id)]})
        watcher = new_test_user(
            self.env,
            login="t_watcher",
            groups="support_team_queue.group_support_supervisor",
        )
        self.new_ticket("Stampante di Gruppo A bis", group=self.group_a)
        before = self.readable()
        impact = self.preview(self.team, {"company_id": company_b.id})
        predicted = self.predicted(impact)
        self.assertEqual(self.readable(), before)
        impact.action_apply()
        self.env.flush_all()
        actual = self.changes(before, self.readable())
        self.assertEqual(actual[watcher.id], (0, 3))
        self.assertEqual(predicted, actual)

    def test_a_change_nobody_notices_has_no_line(self):
        impact = self.preview(self.group_a, {"name": "Gruppo A bis"})
        self.assertFalse(impact.line_ids)
        self.assertEqual(self.group_a.name, "Gruppo A")

    def test_bad_values_are_refused_clearly(self):
        with self.assertRefused(UserError, "do not exist: no_such_field"):
            self.preview(self.group_a, {"no_such_field": 1})
        with self.assertRefused(UserError, "must be a dictionary"):
            self.env["support.access.impact"].create(
                {"model": "support.group", "res_id": self.group_a.id, "values": "[1]"}
            )


class TestPreviewSendsNothing(ImpactMixin, SupportCase):
    """What the change would tell (a live notice on the bus, an invitation
    by e-mail) leaves with the change, on Apply, never with the preview."""

    def bus_ids(self):
        # the bus queues its notices until the commit: run the queue first
        self.env.cr.precommit.run()
        return set(self.env["bus.bus"].sudo().search([]).ids)

    def test_a_previewed_change_puts_nothing_on_the_bus(self):
        self.loner.notification_type = "email"
        before = self.bus_ids()
        impact = self.preview(self.loner, {"notification_type": "inbox"})
        self.assertEqual(self.bus_ids(), before)
        self.assertEqual(self.loner.notification_type, "email")
        impact.action_apply()
        self.assertNotEqual(self.bus_ids(), before)

    @contextlib.contextmanager
    def emails_sent(self):
        """The connections made to the desk's mail server (one listening
        here, which turns each away once counted)."""
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.1)
        self.env["ir.mail_server"].create(
            {
                "name": "Server di prova",
                "smtp_host": "127.0.0.1",
                "smtp_port": listener.getsockname()[1],
            }
        )
        sent, done = [], threading.Event()

        def serve():
            while not done.is_set():
                try:
                    connection, _address = listener.accept()
                except TimeoutError:
                    continue
                with connection:
                    connection.sendall(b"421 Server di prova: closing\r\n")
                    sent.append(connection)

        server = threading.Thread(target=serve)
        server.start()
        try:
            yield sent
        finally:
            done.set()
            server.join()
            listener.close()

    def test_a_previewed_user_is_sent_no_invitation(self):
        values = {
            "name": "Nuovo Tecnico",
            "login": "nuovo_tecnico",
            "email": "nuovo.tecnico@example.com",
        }
        with self.emails_sent() as sent, mute_logger("odoo.addons.mail.models"):
            impact = self.preview(self.env["res.users"], values)
            self.assertFalse(sent)
            self.assertFalse(
                self.env["res.users"].search([("login", "=", "nuovo_tecnico")])
            )
            # Apply invites the user, as the form's save would
            impact.action_apply()
            self.assertEqual(len(sent), 1)


class TestPreviewRights(ImpactMixin, SupportCase):
    """The preview asks the rights of the change: refused, it is refused
    with the same error, and changes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_other_team()
        cls.ticket_a = cls.new_ticket("Stampante di Gruppo A", group=cls.group_a)
        cls.group_north = cls.env["support.group"].create(
            {"name": "Nord", "team_id": cls.other_team.id}
        )

    def refusal_of_write(self, user, record, values):
        with self.assertRaises(AccessError) as caught, mute_logger("odoo.models"):
            with self.env.cr.savepoint():
                record.with_user(user).write(values)
        return str(caught.exception)

    def test_technician_and_agent_cannot_preview_a_group_change(self):
        values = {"user_ids": [[4, self.loner.id]]}
        for user in (self.tech_a, self.callcenter):
            expected = self.refusal_of_write(user, self.group_a, values)
            with self.assertRefused(AccessError, expected), mute_logger("odoo.models"):
                self.preview(self.group_a, values, user=user)
            self.assertNotIn(self.loner, self.group_a.user_ids)

    def test_team_administrator_previews_their_team_only(self):
        impact = self.preview(
            self.group_a, {"user_ids": [[4, self.loner.id]]}, user=self.teamadmin
        )
        self.assertEqual(self.predicted(impact), {self.loner.id: (1, 0)})
        impact = self.preview(
            self.team, {"ticket_access": "public_read"}, user=self.teamadmin
        )
        self.assertIn(self.tech_b.id, self.predicted(impact))
        values = {"user_ids": [[4, self.other_admin.id]]}
        expected = self.refusal_of_write(self.teamadmin, self.group_north, values)
        with self.assertRefused(AccessError, expected), mute_logger("odoo.models"):
            self.preview(self.group_north, values, user=self.teamadmin)
        # a role stays the Support Administrator's
        with self.assertRefused(AccessError, ""), mute_logger("odoo.models"):
            self.preview(self.role_tech_a, {"parent_id": False}, user=self.teamadmin)

    def test_a_preview_is_its_authors_only(self):
        impact = self.preview(
            self.group_a, {"user_ids": [[4, self.loner.id]]}, user=self.teamadmin
        )
        impact.with_user(self.teamadmin).line_ids.read(["gained_count"])
        for user in (self.resp_a, self.other_admin):
            with self.assertRefused(AccessError, ""), mute_logger("odoo.models"):
                impact.with_user(user).read(["line_ids"])


class TestSamplesTheViewerMayRead(ImpactMixin, SupportCase):
    """Gains in a company the viewer has not selected are neither counted
    nor named."""

    def test_samples_are_tickets_the_viewer_reads(self):
        main = self.env.company
        company_b, team_b = self.other_company_desk()
        both = [Command.set([main.id, company_b.id])]
        boss = new_test_user(
            self.env,
            login="t_boss_both",
            groups="support_team_queue.group_support_readonly",
            company_ids=both,
        )
        worker = new_test_user(
            self.env,
            login="t_worker_b",
            groups="support_team_queue.group_support_agent",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        role_top = self.env["support.role"].create({"name": "Capo"})
        role_worker = self.env["support.role"].create({"name": "Operaio"})
        boss.support_role_id = role_top
        worker.support_role_id = role_worker
        team_b.operator_ids = [Command.link(worker.id)]
        ticket = self.new_ticket("Ticket di Azienda B", user=worker, team=team_b)
        viewer = new_test_user(
            self.env,
            login="t_support_admin_both",
            groups="support_team_queue.group_support_admin",
            company_ids=both,
        )
        values = {"parent_id": role_top.id}
        only_main = role_worker.with_context(allowed_company_ids=main.ids)
        impact = self.preview(only_main, values, user=viewer)
        self.assertEqual(self.predicted(impact), {})
        self.assertFalse(impact.line_ids)
        # positive control: with Azienda B selected, the viewer reads it
        both_companies = role_worker.with_context(
            allowed_company_ids=[main.id, company_b.id]
        )
        impact = self.preview(both_companies, values, user=viewer)
        self.assertEqual(self.predicted(impact), {boss.id: (1, 0)})
        self.assertEqual(impact.line_ids.sample_ticket_ids, ticket)

    def test_samples_never_exceed_what_the_viewer_reads(self):
        tickets = self.env["support.ticket"].browse()
        for index in range(8):
            tickets |= self.new_ticket(f"Gruppo A {index}", group=self.group_a)
        impact = self.preview(
            self.group_a, {"user_ids": [[4, self.loner.id]]}, user=self.teamadmin
        )
        [line] = impact.line_ids
        self.assertEqual(line.gained_count, 8)
        self.assertEqual(len(line.sample_ticket_ids), 5)
        self.assertLessEqual(line.sample_ticket_ids, self.visible(self.teamadmin))


class TestPreviewOverRpc(ImpactMixin, RpcTransportsMixin, SupportHttpCase):
    """Over XML-RPC and JSON-RPC, as the web client calls it."""

    def test_the_preview_over_rpc_asks_the_rights_of_the_change(self):
        ticket = self.new_ticket("Stampante di Gruppo A", group=self.group_a)
        values = {"user_ids": [[4, self.loner.id]]}
        for transport, (ok, raw, _result) in self.both(
            self.tech_a,
            "support.group",
            "action_support_access_impact",
            self.group_a.ids,
            values,
        ):
            with self.subTest(transport=transport):
                self.assertFalse(ok)
                self.assertIn("doesn't have 'write' access", raw)
        # creating the preview directly is the same call
        ok, raw, _result = self.xmlrpc(
            self.tech_a,
            "support.access.impact",
            "create",
            {
                "model": "support.group",
                "res_id": self.group_a.id,
                "values": json.dumps(values),
            },
        )
        self.assertFalse(ok)
        self.assertIn("doesn't have 'write' access", raw)
        self.env.invalidate_all()
        self.assertNotIn(self.loner, self.group_a.user_ids)
        # positive control: the team's administrator
        ok, raw, action = self.jsonrpc(
            self.teamadmin,
            "support.group",
            "action_support_access_impact",
            self.group_a.ids,
            values,
        )
        self.assertTrue(ok, raw)
        ok, raw, lines = self.xmlrpc(
            self.teamadmin,
            "support.access.impact.line",
            "search_read",
            [("impact_id", "=", action["res_id"])],
            ["user_id", "gained_count", "lost_count", "sample_ticket_ids"],
        )
        self.assertTrue(ok, raw)
        self.assertEqual(
            [(line["user_id"][0], line["gained_count"]) for line in lines],
            [(self.loner.id, 1)],
        )
        self.assertEqual(lines[0]["sample_ticket_ids"], ticket.ids)
        self.env.invalidate_all()
        self.assertNotIn(self.loner, self.group_a.user_ids)


class TestImpactPastTheBound(TestImpactAgainstTheRules):
    """The same, every path of every rule past the bound of resolved ids
    (``_RESOLVED_IDS_MAX``, a manager over thousands of
    subordinates): the resolved rules keep sub-queries, which read the
    memberships when they run, after the rollback."""

    def setUp(self):
        super().setUp()
        keep_every_rule_path_a_subquery(self)

    def test_the_rolled_back_state_leaves_nothing_in_the_cache(self):
        # every path kept a sub-query: each user is compared by the tickets
        # they find, searched in the state the preview rolls back, whose
        # resolved rules no request would ever find in the cache
        registry = self.env.registry
        registry.clear_cache()
        registry.cache_invalidated.clear()  # else the preview empties it all
        stamp = self.stamp()
        self.preview(self.group_a, {"user_ids": [[4, self.loner.id]]})
        self.assertEqual(self.stamp(), stamp)
        resolved = [
            key
            for key in registry._Registry__caches["default"]
            if key[0] == "support.ticket"
            and getattr(key[1], "__name__", None) == "_resolved_rules_at"
        ]
        self.assertTrue(resolved)  # the state before the change, cached
        self.assertEqual([key for key in resolved if key[-1] != stamp], [])


class TestSamplesInMemory(TestSamplesTheViewerMayRead):
    """The same, counted and sampled in memory."""

    def setUp(self):
        super().setUp()
        count_in_memory(self)
