"""Dispatch notices (seeds 001, 002, 004; SPEC "Assignment and dispatch"):
a new ticket with neither group nor operator reaches the team's
administrator and its dispatchers; a ticket routed to a group, at creation
or later, reaches the group's responsible users, and its members get the
assignment notice. Through Odoo's own notifications: an Inbox user finds it
in the web client's counter, an e-mail user gets an e-mail; the addon's
switch still silences a user; only readers of the ticket are told."""

from odoo.tests import new_test_user

from odoo.addons.mail.tests.common import MailCase

from .common import SupportCase


class TestDispatchNotices(SupportCase, MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        # a dispatcher who may read the unassigned queue, one who may not
        cls.team.notify_user_ids = cls.supervisor | cls.tech_b
        cls.teamadmin.notification_type = "inbox"
        cls.supervisor.notification_type = "email"

    def _told(self, user, ticket):
        """The notifications of ``user`` about ``ticket``."""
        return self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", user.partner_id.id),
                ("mail_message_id.model", "=", "support.ticket"),
                ("mail_message_id.res_id", "=", ticket.id),
            ]
        )

    def _counter(self, user):
        """The web client's counter: the user's messages needing action."""
        return (
            self.env["mail.message"]
            .with_user(user)
            .search_count([("needaction", "=", True)])
        )

    def test_a_ticket_of_no_group_and_no_operator_reaches_the_dispatchers(self):
        before = self._counter(self.teamadmin)
        with self.mock_mail_gateway():
            ticket = self.env["support.ticket"].create(
                {"name": "Da smistare", "team_id": self.team.id, "channel": "email"}
            )
        # the administrator (Inbox): in the counter, no e-mail
        self.assertTrue(self._told(self.teamadmin, ticket))
        self.assertEqual(self._counter(self.teamadmin), before + 1)
        self.assertNotIn(self.teamadmin.partner_id, self._new_mails.recipient_ids)
        # the supervisor dispatcher (e-mail): an e-mail
        self.assertIn(self.supervisor.partner_id, self._new_mails.recipient_ids)
        # a dispatcher who may not read the ticket is not told
        self.assertFalse(self._told(self.tech_b, ticket))
        # nor anyone else
        self.assertFalse(self._told(self.resp_a, ticket))

    def test_the_switch_silences_a_dispatcher(self):
        self.teamadmin.support_notify = False
        ticket = self.env["support.ticket"].create(
            {"name": "Silenzio", "team_id": self.team.id, "channel": "portal"}
        )
        self.assertFalse(self._told(self.teamadmin, ticket))
        self.assertTrue(self._told(self.supervisor, ticket))

    def test_a_ticket_held_by_an_operator_tells_no_dispatcher(self):
        ticket = self.new_ticket("Preso", user=self.resp_a)
        self.assertFalse(self._told(self.teamadmin, ticket))

    def test_routed_to_a_group_later_tells_its_responsible_and_members(self):
        responsible = new_test_user(
            self.env,
            login="t_responsabile",
            groups="support_team_queue.group_support_supervisor",
        )
        responsible.notification_type = "inbox"
        self.group_a.notify_user_ids = responsible
        ticket = self.env["support.ticket"].create(
            {"name": "Poi al gruppo", "team_id": self.team.id, "channel": "email"}
        )
        self.assertFalse(self._told(responsible, ticket))
        ticket.with_user(self.teamadmin).group_id = self.group_a
        self.assertTrue(self._told(responsible, ticket))
        self.assertTrue(self._told(self.tech_a, ticket))  # a member
        self.assertFalse(self._told(self.tech_b, ticket))  # Gruppo B
