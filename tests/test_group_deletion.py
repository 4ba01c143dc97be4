"""Seed 000: "Se elimini un gruppo, le assistenze aperte assegnate a tale
gruppo tornano nello stato non assegnate mentre le chiuse vengono eliminate
dallo storico": open tickets lose the group (and, with no operator, are back
in the team's queue); closed and expired ones are archived, never deleted."""

from .common import SupportCase


class TestGroupDeletion(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.open_unheld = cls.new_ticket("Aperto, non preso", group=cls.group_a)
        cls.open_held = cls.new_ticket(
            "Aperto, preso", group=cls.group_a, user=cls.tech_a
        )
        cls.closed = cls.new_ticket("Chiuso", group=cls.group_a, user=cls.resp_a)
        cls.expired = cls.new_ticket("Scaduto", group=cls.group_a)
        cls.other_group = cls.new_ticket("Del Gruppo B", group=cls.group_b)
        cls.closed.state = "closed"
        cls.expired.state = "expired"
        cls.group_name = cls.group_a.name
        cls.admin = cls.env.ref("base.user_admin")

    def delete_group_a(self):
        self.group_a.with_user(self.admin).unlink()
        self.env.invalidate_all()

    def test_the_group_is_gone(self):
        group = self.group_a
        self.delete_group_a()
        self.assertFalse(group.exists())

    def test_open_tickets_lose_the_group(self):
        self.delete_group_a()
        self.assertFalse((self.open_unheld | self.open_held).group_id)

    def test_open_tickets_stay_open_and_active(self):
        self.delete_group_a()
        self.assertEqual(self.open_unheld.state, "new")
        self.assertTrue(all((self.open_unheld | self.open_held).mapped("active")))

    def test_open_ticket_keeps_its_operator(self):
        self.delete_group_a()
        self.assertEqual(self.open_held.user_id, self.tech_a)
        self.assertSees(self.tech_a, self.open_held)

    def test_unheld_ticket_is_back_in_the_dispatch_queue(self):
        self.delete_group_a()
        self.assertFalse(self.open_unheld.user_id)
        self.assertSees(self.teamadmin, self.open_unheld)
        self.assertNotSees(self.loner, self.open_unheld)

    def test_unheld_ticket_is_back_in_the_open_queue(self):
        self.team.queue_mode = "open"
        self.delete_group_a()
        self.assertSees(self.loner, self.open_unheld)

    def test_former_members_lose_sight_of_unheld_ticket(self):
        self.delete_group_a()
        self.assertNotSees(self.tech_a, self.open_unheld)

    def test_closed_and_expired_tickets_are_archived(self):
        self.delete_group_a()
        self.assertEqual((self.closed | self.expired).mapped("active"), [False, False])

    def test_archived_tickets_are_never_deleted(self):
        self.delete_group_a()
        self.assertTrue((self.closed | self.expired).exists())
        self.assertEqual(
            (self.closed | self.expired).mapped("state"), ["closed", "expired"]
        )

    def test_archived_tickets_leave_the_history(self):
        self.delete_group_a()
        history = (
            self.env["support.ticket"]
            .with_user(self.teamadmin)
            .search([("state", "in", ("closed", "expired"))])
        )
        self.assertFalse(history & (self.closed | self.expired))

    def test_the_chatter_keeps_the_group_name(self):
        self.delete_group_a()
        for ticket in self.open_unheld | self.closed:
            self.assertTrue(
                any(self.group_name in message.body for message in ticket.message_ids),
                ticket.name,
            )

    def test_other_groups_tickets_are_untouched(self):
        self.delete_group_a()
        self.assertEqual(self.other_group.group_id, self.group_b)
        self.assertTrue(self.other_group.active)
