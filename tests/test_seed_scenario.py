"""Seed 003 (vTiger "Assistenza Clienti"), sentence by sentence."""

from odoo.exceptions import AccessError
from odoo.tools import mute_logger

from .common import SupportCase


class TestHierarchy(SupportCase):
    """Fase 2: a document is seen up the branch of its owner, not across."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_tech_b = cls.new_ticket("Creato dal Tecnico B", user=cls.tech_b)
        cls.ticket_tech_a = cls.new_ticket("Creato dal Tecnico A", user=cls.tech_a)
        cls.ticket_cc = cls.new_ticket("Creato dal Call Center", user=cls.callcenter)
        cls.ticket_resp_a = cls.new_ticket("Creato dal Responsabile A", user=cls.resp_a)

    def test_tech_b_ticket_seen_by_resp_b(self):
        self.assertSees(self.resp_b, self.ticket_tech_b)

    def test_tech_b_ticket_seen_by_supervisor(self):
        self.assertSees(self.supervisor, self.ticket_tech_b)

    def test_tech_b_ticket_seen_by_its_owner(self):
        self.assertSees(self.tech_b, self.ticket_tech_b)

    def test_tech_b_ticket_not_seen_by_resp_a(self):
        self.assertNotSees(self.resp_a, self.ticket_tech_b)

    def test_tech_b_ticket_not_seen_by_call_center(self):
        self.assertNotSees(self.callcenter, self.ticket_tech_b)

    def test_tech_b_ticket_not_seen_by_tech_a(self):
        self.assertNotSees(self.tech_a, self.ticket_tech_b)

    def test_tech_a_ticket_dually(self):
        self.assertSees(self.resp_a, self.ticket_tech_a)
        self.assertSees(self.supervisor, self.ticket_tech_a)
        self.assertNotSees(self.resp_b, self.ticket_tech_a)
        self.assertNotSees(self.callcenter, self.ticket_tech_a)

    def test_call_center_ticket_seen_only_by_supervisor(self):
        self.assertSees(self.supervisor, self.ticket_cc)
        for user in (self.resp_a, self.tech_a, self.resp_b, self.tech_b, self.loner):
            self.assertNotSees(user, self.ticket_cc)

    def test_resp_a_ticket_seen_only_by_supervisor(self):
        self.assertSees(self.supervisor, self.ticket_resp_a)
        for user in (self.callcenter, self.tech_a, self.resp_b, self.tech_b):
            self.assertNotSees(user, self.ticket_resp_a)

    def test_subordinate_does_not_see_superior_ticket(self):
        self.assertNotSees(self.tech_a, self.ticket_resp_a)

    def test_supervisor_sees_everything(self):
        everything = (
            self.ticket_tech_b
            | self.ticket_tech_a
            | self.ticket_cc
            | self.ticket_resp_a
        )
        self.assertEqual(self.visible(self.supervisor, everything), everything)

    def test_superior_may_act_on_subordinate_ticket(self):
        self.assertCanWrite(self.resp_b, self.ticket_tech_b)
        self.assertCanDelete(self.resp_b, self.ticket_tech_b)


class TestGroups(SupportCase):
    """Fase 4/5: the call center routes tickets to Gruppo A or B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_a = cls.new_ticket(
            "Via tal Dei tali", group=cls.group_a, as_user=cls.callcenter
        )
        cls.ticket_b = cls.new_ticket(
            "Stampante non risponde", group=cls.group_b, as_user=cls.callcenter
        )

    def test_call_center_creates_ticket_for_group_without_owner(self):
        self.assertEqual(self.ticket_a.group_id, self.group_a)
        self.assertFalse(self.ticket_a.user_id)
        self.assertEqual(self.ticket_a.create_uid, self.callcenter)

    def test_gruppo_a_ticket_seen_by_resp_a(self):
        self.assertSees(self.resp_a, self.ticket_a)

    def test_gruppo_a_ticket_seen_by_tech_a(self):
        self.assertSees(self.tech_a, self.ticket_a)

    def test_resp_a_acts_fully_on_gruppo_a_ticket(self):
        self.assertCanWrite(self.resp_a, self.ticket_a)
        self.ticket_a.with_user(self.resp_a).action_take()
        self.assertEqual(self.ticket_a.user_id, self.resp_a)
        self.assertEqual(self.ticket_a.state, "in_progress")
        self.ticket_a.with_user(self.resp_a).unlink()
        self.assertFalse(self.ticket_a.exists())

    def test_tech_a_cannot_change_gruppo_a_ticket(self):
        self.assertCannotWrite(self.tech_a, self.ticket_a)

    def test_tech_a_cannot_take_gruppo_a_ticket(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.ticket_a.with_user(self.tech_a).action_take()
        self.assertFalse(self.ticket_a.user_id)

    def test_tech_a_cannot_delete_gruppo_a_ticket(self):
        self.assertCannotDelete(self.tech_a, self.ticket_a)

    def test_call_center_keeps_access_after_assigning(self):
        self.assertSees(self.callcenter, self.ticket_a)
        self.assertCanWrite(self.callcenter, self.ticket_a)

    def test_call_center_cannot_delete(self):
        self.assertCannotDelete(self.callcenter, self.ticket_a)

    def test_gruppo_b_never_sees_gruppo_a(self):
        self.assertNotSees(self.resp_b, self.ticket_a)
        self.assertNotSees(self.tech_b, self.ticket_a)

    def test_gruppo_a_never_sees_gruppo_b(self):
        self.assertNotSees(self.resp_a, self.ticket_b)
        self.assertNotSees(self.tech_a, self.ticket_b)

    def test_gruppo_b_never_sees_gruppo_a_even_when_taken(self):
        self.ticket_a.with_user(self.resp_a).action_take()
        self.assertNotSees(self.resp_b, self.ticket_a)

    def test_supervisor_sees_and_changes_all(self):
        both = self.ticket_a | self.ticket_b
        self.assertEqual(self.visible(self.supervisor, both), both)
        self.assertCanWrite(self.supervisor, self.ticket_b)
        self.assertCanDelete(self.supervisor, self.ticket_b)

    def test_team_admin_sees_all_of_their_team(self):
        cc_owned = self.new_ticket("Solo call center", user=self.callcenter)
        unassigned = self.new_ticket("In sospeso")
        for ticket in (self.ticket_a, self.ticket_b, cc_owned, unassigned):
            self.assertSees(self.teamadmin, ticket)

    def test_team_admin_does_not_see_other_teams(self):
        other_team = self.env["support.team"].create({"name": "Altro Team"})
        other = self.new_ticket("Altro", team=other_team)
        self.assertNotSees(self.teamadmin, other)

    def test_forwarding_to_another_group_loses_sight(self):
        ticket = self.new_ticket(
            "Da girare", group=self.group_a, as_user=self.callcenter
        )
        ticket.with_user(self.resp_a).write({"group_id": self.group_b.id})
        self.assertNotSees(self.resp_a, ticket)
        self.assertSees(self.resp_b, ticket)


class TestCreate(SupportCase):
    def test_technician_cannot_create(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.new_ticket("Nuovo", as_user=self.tech_a)

    def test_agent_creates_in_own_team_and_owns_it(self):
        ticket = (
            self.env["support.ticket"]
            .with_user(self.callcenter)
            .create({"name": "Chiamata", "team_id": self.team.id})
        )
        self.assertEqual(ticket.user_id, self.callcenter)
        self.assertSees(self.callcenter, ticket)

    def test_agent_default_team_is_their_own(self):
        ticket = (
            self.env["support.ticket"]
            .with_user(self.callcenter)
            .create({"name": "Chiamata"})
        )
        self.assertEqual(ticket.team_id, self.team)

    def test_agent_cannot_create_in_another_team(self):
        other_team = self.env["support.team"].create({"name": "Altro Team"})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.new_ticket("Altrove", team=other_team, as_user=self.callcenter)

    def test_supervisor_creates_in_any_team(self):
        other_team = self.env["support.team"].create({"name": "Altro Team"})
        ticket = self.new_ticket("Altrove", team=other_team, as_user=self.supervisor)
        self.assertEqual(ticket.team_id, other_team)

    def test_ticket_with_group_has_no_owner_unless_given(self):
        with_group = (
            self.env["support.ticket"]
            .with_user(self.callcenter)
            .create({"name": "Al gruppo", "group_id": self.group_a.id})
        )
        self.assertFalse(with_group.user_id)
        given = (
            self.env["support.ticket"]
            .with_user(self.callcenter)
            .create(
                {
                    "name": "Al gruppo e a Marco",
                    "group_id": self.group_a.id,
                    "user_id": self.resp_a.id,
                }
            )
        )
        self.assertEqual(given.user_id, self.resp_a)

    def test_ticket_number_is_a_sequence(self):
        first, second = (self.new_ticket(name) for name in ("Uno", "Due"))
        self.assertTrue(first.number.startswith("TCK-"))
        self.assertNotEqual(first.number, second.number)
