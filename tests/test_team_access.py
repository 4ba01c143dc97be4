"""Rules 5 and 6: the team's queue mode and organisation-wide access level."""

from .common import SupportCase


class TestQueueMode(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unassigned = cls.new_ticket("In sospeso")

    def test_dispatch_queue_shows_unassigned_to_admin_only(self):
        self.assertSees(self.teamadmin, self.unassigned)
        self.assertSees(self.supervisor, self.unassigned)
        for user in (self.callcenter, self.resp_a, self.tech_a, self.loner):
            self.assertNotSees(user, self.unassigned)

    def test_open_queue_shows_unassigned_to_every_operator(self):
        self.team.queue_mode = "open"
        for user in (self.callcenter, self.resp_a, self.tech_a, self.loner):
            self.assertSees(user, self.unassigned)

    def test_open_queue_lets_an_agent_take_an_unassigned_ticket(self):
        self.team.queue_mode = "open"
        self.unassigned.with_user(self.loner).action_take()
        self.assertEqual(self.unassigned.user_id, self.loner)

    def test_open_queue_lets_technicians_read_only(self):
        self.team.queue_mode = "open"
        self.assertCannotWrite(self.tech_a, self.unassigned)

    def test_open_queue_does_not_open_assigned_tickets(self):
        self.team.queue_mode = "open"
        owned = self.new_ticket("Di Luca", user=self.tech_b)
        in_group = self.new_ticket("Del Gruppo A", group=self.group_a)
        self.assertNotSees(self.loner, owned)
        self.assertNotSees(self.loner, in_group)

    def test_open_queue_is_for_operators_of_that_team_only(self):
        self.team.queue_mode = "open"
        other_team = self.env["support.team"].create(
            {"name": "Altro Team", "queue_mode": "open"}
        )
        elsewhere = self.new_ticket("Altrove", team=other_team)
        self.assertNotSees(self.loner, elsewhere)


class TestTicketAccessLevels(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.new_ticket("Di Luca", user=cls.tech_b)
        cls.outsider = cls.env["res.users"].create(
            {
                "name": "Outsider",
                "login": "outsider",
                "groups_id": [
                    (4, cls.env.ref("support_team_queue.group_support_manager").id)
                ],
            }
        )

    def test_private_hides_from_other_operators(self):
        self.assertNotSees(self.loner, self.ticket)
        self.assertNotSees(self.resp_a, self.ticket)

    def test_public_read_lets_operators_read_not_write(self):
        self.team.ticket_access = "public_read"
        self.assertSees(self.loner, self.ticket)
        self.assertCannotWrite(self.loner, self.ticket)
        self.assertSees(self.resp_a, self.ticket)
        self.assertCannotWrite(self.resp_a, self.ticket)
        self.assertCannotDelete(self.resp_a, self.ticket)

    def test_public_write_lets_agents_write_not_delete(self):
        self.team.ticket_access = "public_write"
        self.assertCanWrite(self.loner, self.ticket)
        self.assertCanWrite(self.resp_a, self.ticket)
        self.assertCannotDelete(self.resp_a, self.ticket)

    def test_public_write_keeps_technicians_read_only(self):
        self.team.ticket_access = "public_write"
        self.assertSees(self.tech_a, self.ticket)
        self.assertCannotWrite(self.tech_a, self.ticket)

    def test_public_full_lets_managers_delete(self):
        self.team.ticket_access = "public_full"
        self.assertCanDelete(self.resp_a, self.ticket)
        self.ticket.with_user(self.resp_a).unlink()
        self.assertFalse(self.ticket.exists())

    def test_public_full_never_adds_delete_to_an_agent(self):
        self.team.ticket_access = "public_full"
        self.assertCannotDelete(self.loner, self.ticket)

    def test_public_levels_are_for_the_team_operators_only(self):
        self.team.ticket_access = "public_full"
        self.assertNotSees(self.outsider, self.ticket)
