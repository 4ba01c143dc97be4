"""Handling a ticket (seeds 001, 004): take, take over, wait for the customer,
release, forward, close and reopen; internal notes, canned replies and the
history of closed and expired tickets."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import SupportCase


class HandlingCase(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the chatter is part of what is tested here
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.ticket = cls.new_ticket("Stampante offline", group=cls.group_a)

    def as_user(self, user):
        return self.ticket.with_user(user)


class TestTake(HandlingCase):
    def test_take_makes_the_caller_the_operator(self):
        self.as_user(self.resp_a).action_take()
        self.assertEqual(self.ticket.user_id, self.resp_a)

    def test_take_starts_handling(self):
        self.as_user(self.resp_a).action_take()
        self.assertEqual(self.ticket.state, "in_progress")
        self.assertTrue(self.ticket.date_taken)

    def test_technician_cannot_take(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.as_user(self.tech_a).action_take()
        self.assertFalse(self.ticket.user_id)

    def test_take_refused_when_another_operator_holds_it(self):
        self.as_user(self.resp_a).action_take()
        with self.assertRefused(UserError, "already taken by Resp A"):
            self.as_user(self.callcenter).action_take()
        self.assertEqual(self.ticket.user_id, self.resp_a)

    def test_take_over_moves_the_ticket(self):
        self.as_user(self.resp_a).action_take()
        self.as_user(self.callcenter).with_context(support_take_over=True).action_take()
        self.assertEqual(self.ticket.user_id, self.callcenter)

    def test_take_over_is_logged_in_the_chatter(self):
        self.as_user(self.resp_a).action_take()
        self.as_user(self.callcenter).with_context(support_take_over=True).action_take()
        notes = self.ticket.message_ids.filtered(
            lambda m: "took over this ticket from Resp A" in m.body
        )
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))

    def test_take_keeps_the_first_date_taken(self):
        self.as_user(self.resp_a).action_take()
        first = self.ticket.date_taken
        self.as_user(self.callcenter).with_context(support_take_over=True).action_take()
        self.assertEqual(self.ticket.date_taken, first)

    def test_closed_ticket_cannot_be_taken(self):
        self.as_user(self.resp_a).action_close()
        with self.assertRefused(UserError, "reopen it first"):
            self.as_user(self.resp_a).action_take()

    def test_own_waiting_ticket_is_taken_back(self):
        self.as_user(self.resp_a).action_wait()
        self.as_user(self.resp_a).action_take()
        self.assertEqual(self.ticket.state, "in_progress")


class TestWaitReleaseClose(HandlingCase):
    def test_wait_for_customer(self):
        self.as_user(self.resp_a).action_take()
        self.as_user(self.resp_a).action_wait()
        self.assertEqual(self.ticket.state, "waiting")
        self.assertEqual(self.ticket.user_id, self.resp_a)

    def test_wait_on_unheld_ticket_makes_the_caller_its_operator(self):
        self.as_user(self.resp_a).action_wait()
        self.assertEqual(self.ticket.user_id, self.resp_a)

    def test_release_gives_it_back_to_the_group(self):
        self.as_user(self.resp_a).action_take()
        self.as_user(self.resp_a).action_release()
        self.assertFalse(self.ticket.user_id)
        self.assertEqual(self.ticket.state, "new")
        self.assertEqual(self.ticket.group_id, self.group_a)
        self.assertSees(self.tech_a, self.ticket)

    def test_close(self):
        self.as_user(self.resp_a).action_take()
        self.as_user(self.resp_a).action_close()
        self.assertEqual(self.ticket.state, "closed")
        self.assertTrue(self.ticket.date_closed)

    def test_closing_an_unheld_ticket_makes_it_the_closer_s(self):
        self.as_user(self.callcenter).action_close()
        self.assertEqual(self.ticket.user_id, self.callcenter)

    def test_reopen(self):
        self.as_user(self.resp_a).action_take()
        self.as_user(self.resp_a).action_close()
        self.as_user(self.resp_a).action_reopen()
        self.assertEqual(self.ticket.state, "in_progress")
        self.assertFalse(self.ticket.date_closed)

    def test_closed_ticket_cannot_be_closed_again(self):
        self.as_user(self.resp_a).action_close()
        with self.assertRefused(UserError, "reopen it first"):
            self.as_user(self.resp_a).action_close()


class TestForward(HandlingCase):
    """Seed 001: "Si asigna una solicitud a un grupo del que no es miembro,
    dejará de mostrarla en su perfil"."""

    def setUp(self):
        super().setUp()
        self.as_user(self.resp_a).action_take()

    def test_forward_to_another_group_and_operator(self):
        self.as_user(self.resp_a).write(
            {"group_id": self.group_b.id, "user_id": self.resp_b.id}
        )
        self.assertEqual(self.ticket.group_id, self.group_b)
        self.assertSees(self.resp_b, self.ticket)
        self.assertSees(self.tech_b, self.ticket)

    def test_forwarder_loses_sight_when_no_longer_entitled(self):
        self.as_user(self.resp_a).write(
            {"group_id": self.group_b.id, "user_id": self.resp_b.id}
        )
        self.assertNotSees(self.resp_a, self.ticket)

    def test_forward_to_another_group_only(self):
        self.as_user(self.resp_a).write({"group_id": self.group_b.id, "user_id": False})
        self.assertNotSees(self.resp_a, self.ticket)
        self.assertSees(self.tech_b, self.ticket)

    def test_forward_to_a_subordinate_keeps_sight(self):
        self.as_user(self.resp_a).write({"user_id": self.tech_a.id})
        self.assertSees(self.resp_a, self.ticket)
        self.assertSees(self.tech_a, self.ticket)

    def test_call_center_keeps_sight_of_both_groups(self):
        self.as_user(self.resp_a).write({"group_id": self.group_b.id, "user_id": False})
        self.assertSees(self.callcenter, self.ticket)


class TestNotesAndCannedReplies(HandlingCase):
    def test_log_note_is_internal(self):
        message = self.as_user(self.callcenter).message_post(
            body="Il cliente richiama alle 15",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        self.assertTrue(message.subtype_id.internal)

    def test_starter_canned_replies_are_shared_with_support_users(self):
        starters = {"ticket_received", "remote_session", "more_info", "ticket_solved"}
        found = (
            self.env["mail.canned.response"]
            .with_user(self.tech_a)
            .search([("source", "in", list(starters))])
        )
        self.assertEqual(set(found.mapped("source")), starters)

    def test_canned_replies_editable_by_support_administrators(self):
        admin = new_test_user(
            self.env,
            login="t_canned_admin",
            groups="base.group_user,support_team_queue.group_support_admin",
        )
        self.assertFalse(admin.has_group("base.group_system"))
        canned = self.env.ref("support_team_queue.canned_response_remote_session")
        canned.with_user(admin).substitution = "Connect with our tool, please."
        self.assertEqual(canned.substitution, "Connect with our tool, please.")


class TestHistory(SupportCase):
    """Seed 001: "El operador sólo puede consultar el historial de los tickets
    que ha gestionado o que han sido gestionados por su grupo"; the
    administrator sees the history of the whole team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.closed_a = cls.new_ticket(
            "Chiuso nel Gruppo A", user=cls.resp_a, group=cls.group_a
        )
        cls.expired_tech_a = cls.new_ticket("Scaduto del Tecnico A", user=cls.tech_a)
        cls.closed_b = cls.new_ticket(
            "Chiuso nel Gruppo B", user=cls.resp_b, group=cls.group_b
        )
        cls.closed_loner = cls.new_ticket("Chiuso da Loner", user=cls.loner)
        cls.open_a = cls.new_ticket("Aperto nel Gruppo A", group=cls.group_a)
        (cls.closed_a | cls.closed_b | cls.closed_loner).state = "closed"
        cls.expired_tech_a.state = "expired"
        cls.ours = (
            cls.closed_a
            | cls.expired_tech_a
            | cls.closed_b
            | cls.closed_loner
            | cls.open_a
        )

    def history(self, user):
        action = self.env.ref("support_team_queue.action_support_ticket_history")
        domain = safe_eval(action.domain) + [("id", "in", self.ours.ids)]
        return self.env["support.ticket"].with_user(user).search(domain)

    def test_technician_sees_own_and_group_history(self):
        self.assertEqual(self.history(self.tech_a), self.closed_a | self.expired_tech_a)

    def test_responsible_sees_group_and_subordinates_history(self):
        self.assertEqual(self.history(self.resp_a), self.closed_a | self.expired_tech_a)

    def test_operator_without_group_sees_own_history(self):
        self.assertEqual(self.history(self.loner), self.closed_loner)

    def test_team_administrator_sees_all_history(self):
        self.assertEqual(
            self.history(self.teamadmin),
            self.closed_a | self.expired_tech_a | self.closed_b | self.closed_loner,
        )

    def test_history_holds_no_open_ticket(self):
        self.assertNotIn(self.open_a, self.history(self.supervisor))
