"""Two operators take the same ticket at the same moment (seed 004's
"Iniciada"): exactly one wins, the other is told who has it, and no update is
lost.

!!! THIS MODULE COMMITS TO THE DATABASE !!! (``CommittedCase``): its own
team, two operators and their tickets, deleted at the end.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from .common import MODULE, CommittedCase


class TestTakeConcurrencyCommitted(CommittedCase):
    """COMMITS: see the module docstring."""

    @classmethod
    def build_committed(cls, env, tag):
        users = env["res.users"]
        for name in ("Operatore Uno", "Operatore Due"):
            users |= new_test_user(
                env,
                login=f"stq_concurrency_{name.split()[1].lower()}_{tag}",
                groups=f"{MODULE}.group_support_agent",
                name=name,
                context={"no_reset_password": True},
            )
        team = env["support.team"].create(
            {
                "name": f"Concurrency test {tag}",
                "operator_ids": [Command.set(users.ids)],
                # both operators may change every ticket of the team
                "ticket_access": "public_write",
            }
        )
        return {"operators": users, "team": team}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.uno, cls.due = cls.created["operators"]
        [cls.team_id] = cls.created["team"]

    def new_committed_ticket(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            ticket = env["support.ticket"].create(
                {
                    "name": "Presa contemporanea",
                    "team_id": self.team_id,
                    "user_id": False,
                }
            )
            return ticket.id

    def committed(self, ticket_id):
        """The ticket as the database holds it once everyone is done."""
        with closing(self.registry.cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            ticket = env["support.ticket"].browse(ticket_id)
            return {
                "user_id": ticket.user_id.id,
                "state": ticket.state,
                "take_overs": len(
                    ticket.message_ids.filtered(lambda m: "took over" in (m.body or ""))
                ),
            }

    def ticket_as(self, cr, user_id, ticket_id, **context):
        return api.Environment(cr, user_id, context)["support.ticket"].browse(ticket_id)

    def test_second_take_while_the_first_is_in_flight_is_refused(self):
        ticket_id = self.new_committed_ticket()
        with (
            closing(self.registry.cursor()) as cr_uno,
            closing(self.registry.cursor()) as cr_due,
        ):
            self.ticket_as(cr_uno, self.uno, ticket_id).action_take()  # holds the row
            with self.assertRaises(UserError) as caught:
                self.ticket_as(cr_due, self.due, ticket_id).action_take()
            self.assertIn("being changed by another operator", str(caught.exception))
            cr_due.rollback()
            cr_uno.commit()
        self.assertEqual(self.committed(ticket_id)["user_id"], self.uno)

    def test_take_after_a_concurrent_commit_says_who_has_it(self):
        """The loser's transaction began before the winner committed: the
        lock raises a serialization failure, Odoo replays the request
        (``retrying``, as for any RPC call) and the replay is refused."""
        ticket_id = self.new_committed_ticket()
        with (
            closing(self.registry.cursor()) as cr_uno,
            closing(self.registry.cursor()) as cr_due,
        ):
            ticket_due = self.ticket_as(cr_due, self.due, ticket_id)
            self.assertFalse(ticket_due.user_id)  # Due's snapshot: a free ticket
            ticket_uno = self.ticket_as(cr_uno, self.uno, ticket_id)
            retrying(ticket_uno.action_take, ticket_uno.env)  # takes and commits
            with (
                self.assertRaises(UserError) as caught,
                mute_logger("odoo.service.model"),
            ):
                retrying(ticket_due.action_take, ticket_due.env)
            self.assertIn("already taken by Operatore Uno", str(caught.exception))
        self.assertEqual(
            self.committed(ticket_id),
            {"user_id": self.uno, "state": "in_progress", "take_overs": 0},
        )

    def test_take_over_after_the_race(self):
        ticket_id = self.new_committed_ticket()
        with closing(self.registry.cursor()) as cr:
            self.ticket_as(cr, self.uno, ticket_id).action_take()
            cr.commit()
        with closing(self.registry.cursor()) as cr:
            ticket = self.ticket_as(cr, self.due, ticket_id, support_take_over=True)
            retrying(ticket.action_take, ticket.env)
        self.assertEqual(
            self.committed(ticket_id),
            {"user_id": self.due, "state": "in_progress", "take_overs": 1},
        )

    def test_two_operators_at_the_same_moment(self):
        """Two threads, two requests: both read the free ticket, then both
        take it at once. Exactly one wins; the other gets a UserError."""
        ticket_id = self.new_committed_ticket()
        barrier = threading.Barrier(2)

        def attempt(user_id):
            with closing(self.registry.cursor()) as cr:
                ticket = self.ticket_as(cr, user_id, ticket_id)
                ticket.user_id  # noqa: B018 - both transactions see it free
                barrier.wait(timeout=10)
                try:
                    retrying(ticket.action_take, ticket.env)
                except UserError as error:
                    return str(error)
                return None

        with mute_logger("odoo.service.model"), ThreadPoolExecutor(2) as executor:
            outcomes = dict(
                zip(
                    (self.uno, self.due),
                    executor.map(attempt, (self.uno, self.due)),
                    strict=True,
                )
            )
        winners = [user_id for user_id, error in outcomes.items() if error is None]
        self.assertEqual(len(winners), 1, outcomes)
        self.assertEqual(
            self.committed(ticket_id),
            {"user_id": winners[0], "state": "in_progress", "take_overs": 0},
        )

    # -- any two operations at once end as one of the two serial orders --

    OPERATIONS = {
        "take": lambda ticket, other: ticket.action_take(),
        "take_over": lambda ticket, other: ticket.with_context(
            support_take_over=True
        ).action_take(),
        "close": lambda ticket, other: ticket.action_close(),
        "release": lambda ticket, other: ticket.action_release(),
        "forward": lambda ticket, other: ticket.write({"user_id": other}),
    }

    def held_committed_ticket(self, held_by):
        ticket_id = self.new_committed_ticket()
        if held_by:
            with closing(self.registry.cursor()) as cr:
                self.ticket_as(cr, held_by, ticket_id).action_take()
                cr.commit()
        return ticket_id

    def run_operation(self, name, user_id, ticket_id, barrier=None):
        """One request: ``name`` done by ``user_id``; the error it got, if any."""
        other = self.due if user_id == self.uno else self.uno
        with closing(self.registry.cursor()) as cr:
            ticket = self.ticket_as(cr, user_id, ticket_id)
            ticket.user_id  # noqa: B018 - the snapshot both requests start from
            if barrier:
                barrier.wait(timeout=10)
            try:
                retrying(lambda: self.OPERATIONS[name](ticket, other), ticket.env)
            except UserError as error:
                return str(error)
            return None

    def outcome(self, ticket_id):
        state = self.committed(ticket_id)
        return state["user_id"], state["state"]

    def test_pairs_of_operations_end_in_a_serial_outcome(self):
        cases = [
            ("take", "close", None),
            ("forward", "take", None),
            ("release", "close", "uno"),
            ("close", "take_over", "uno"),
            ("release", "take_over", "uno"),
            ("forward", "close", "uno"),
        ]
        for first, second, held in cases:
            with self.subTest(first=first, second=second, held=held):
                held_by = self.uno if held else None
                # uno does the first operation, due the second, in every run
                users = {first: self.uno, second: self.due}
                serial = set()
                for order in ((first, second), (second, first)):
                    ticket_id = self.held_committed_ticket(held_by)
                    for name in order:
                        with mute_logger("odoo.service.model"):
                            self.run_operation(name, users[name], ticket_id)
                    serial.add(self.outcome(ticket_id))

                alone = {}
                for name, user_id in users.items():
                    ticket_id = self.held_committed_ticket(held_by)
                    self.run_operation(name, user_id, ticket_id)
                    alone[name] = self.outcome(ticket_id)

                ticket_id = self.held_committed_ticket(held_by)
                barrier = threading.Barrier(2)
                with (
                    mute_logger("odoo.service.model"),
                    ThreadPoolExecutor(2) as executor,
                ):
                    futures = [
                        executor.submit(
                            self.run_operation, name, user_id, ticket_id, barrier
                        )
                        for name, user_id in users.items()
                    ]
                    errors = dict(
                        zip((first, second), (f.result() for f in futures), strict=True)
                    )
                # Both applied, in either order; or one refused (told to
                # reload while the other held the ticket) and only the other
                # applied: never a mix, never a lost update.
                expected = set(serial)
                if errors[first]:
                    expected.add(alone[second])
                if errors[second]:
                    expected.add(alone[first])
                self.assertIn(self.outcome(ticket_id), expected, errors)
                errors = list(errors.values())
                for error in errors:
                    # a refused request is told why, in words
                    self.assertTrue(error is None or len(error) > 20, error)
