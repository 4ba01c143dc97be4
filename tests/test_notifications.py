"""Seed 000: "Cliccando sulla box Notifiche Email attivi la ricezione di
email di notifica in caso di assegnazione di ticket all'operatore od al suo
gruppo di appartenenza"; seed 004: a department's responsible and
supervisors are told of each new request in it."""

from odoo.addons.mail.tests.common import MailCase

from .common import SupportCase


class TestNotifications(SupportCase, MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.ticket = cls.new_ticket("Licenza scaduta", group=cls.group_a)

    def mailed(self):
        """Users who got an e-mail during the mocked gateway."""
        return self._new_mails.recipient_ids.user_ids

    def subjects(self, user):
        return self._new_mails.filtered(
            lambda mail: user.partner_id in mail.recipient_ids
        ).mapped("subject")

    # -- assignment to an operator ------------------------------------------

    def test_operator_is_mailed_on_assignment(self):
        with self.mock_mail_gateway():
            self.ticket.with_user(self.callcenter).user_id = self.tech_a
        self.assertEqual(self.mailed(), self.tech_a)

    def test_assignment_mail_uses_the_support_template(self):
        with self.mock_mail_gateway():
            self.ticket.with_user(self.callcenter).user_id = self.tech_a
        self.assertEqual(
            self.subjects(self.tech_a),
            [f"[{self.ticket.number}] Assigned: Licenza scaduta"],
        )

    def test_assignment_mail_is_not_in_the_chatter(self):
        with self.mock_mail_gateway():
            self.ticket.with_user(self.callcenter).user_id = self.tech_a
        self.assertEqual(
            self._new_mails.mail_message_id.message_type, "user_notification"
        )

    def test_assigned_operator_follows_the_ticket(self):
        self.ticket.with_user(self.callcenter).user_id = self.tech_a
        self.assertIn(self.tech_a.partner_id, self.ticket.message_partner_ids)

    def test_operator_with_notifications_off_is_not_mailed(self):
        self.tech_a.support_notify = False
        with self.mock_mail_gateway():
            self.ticket.with_user(self.callcenter).user_id = self.tech_a
        self.assertFalse(self.mailed())

    def test_assigning_from_several_companies_mails_the_operator(self):
        # a supervisor working in two companies assigns Tecnico A, who is in
        # one: the read check is Tecnico A's, in Tecnico A's companies
        company_b, __ = self.other_company_desk()
        self.supervisor.company_ids = [(4, company_b.id)]
        ticket = self.ticket.with_user(self.supervisor).with_context(
            allowed_company_ids=[self.supervisor.company_id.id, company_b.id]
        )
        with self.mock_mail_gateway():
            ticket.user_id = self.tech_a
        self.assertEqual(self.mailed(), self.tech_a)
        # a new ticket of Gruppo A from there tells its members
        with self.mock_mail_gateway():
            ticket.create(
                {
                    "name": "Da due aziende",
                    "group_id": self.group_a.id,
                    "team_id": self.team.id,
                }
            )
        self.assertIn(self.tech_a, self.mailed())

    def test_taking_a_ticket_mails_nobody(self):
        with self.mock_mail_gateway():
            self.ticket.with_user(self.resp_a).action_take()
        self.assertFalse(self.mailed())

    # -- assignment to a group ----------------------------------------------

    def test_every_group_member_is_mailed(self):
        with self.mock_mail_gateway():
            self.ticket.with_user(self.supervisor).group_id = self.group_b
        self.assertEqual(self.mailed(), self.group_b.effective_user_ids)

    def test_group_member_with_notifications_off_is_not_mailed(self):
        self.tech_b.support_notify = False
        with self.mock_mail_gateway():
            self.ticket.with_user(self.supervisor).group_id = self.group_b
        self.assertEqual(self.mailed(), self.resp_b | self.callcenter)

    def test_whoever_assigns_is_not_mailed(self):
        with self.mock_mail_gateway():
            self.ticket.with_user(self.callcenter).group_id = self.group_b
        self.assertEqual(self.mailed(), self.resp_b | self.tech_b)

    def test_group_and_operator_together_one_mail_each(self):
        with self.mock_mail_gateway():
            self.ticket.with_user(self.supervisor).write(
                {"group_id": self.group_b.id, "user_id": self.tech_b.id}
            )
        for user in self.group_b.effective_user_ids:
            self.assertEqual(len(self.subjects(user)), 1, user.name)

    def test_unchanged_group_mails_nobody(self):
        with self.mock_mail_gateway():
            self.ticket.with_user(self.supervisor).write(
                {"group_id": self.group_a.id, "priority": "3"}
            )
        self.assertFalse(self.mailed())

    # -- a new ticket in a group --------------------------------------------

    def test_new_ticket_in_group_mails_members_and_responsibles(self):
        self.group_a.notify_user_ids = self.supervisor
        with self.mock_mail_gateway():
            self.new_ticket(
                "Nuova richiesta", group=self.group_a, as_user=self.callcenter
            )
        self.assertEqual(self.mailed(), self.supervisor | self.resp_a | self.tech_a)

    def test_new_ticket_mail_for_responsibles(self):
        self.group_a.notify_user_ids = self.supervisor
        with self.mock_mail_gateway():
            ticket = self.new_ticket(
                "Nuova richiesta", group=self.group_a, as_user=self.callcenter
            )
        self.assertEqual(
            self.subjects(self.supervisor),
            [f"[{ticket.number}] New ticket in Gruppo A: Nuova richiesta"],
        )

    def test_responsible_with_notifications_off_is_not_mailed(self):
        self.group_a.notify_user_ids = self.supervisor
        self.supervisor.support_notify = False
        with self.mock_mail_gateway():
            self.new_ticket(
                "Nuova richiesta", group=self.group_a, as_user=self.callcenter
            )
        self.assertNotIn(self.supervisor, self.mailed())

    # -- the preference -----------------------------------------------------

    def test_users_switch_notifications_in_their_preferences(self):
        self.tech_a.with_user(self.tech_a).write({"support_notify": False})
        self.assertFalse(self.tech_a.support_notify)
        # ... and the next assignment reaches them no more
        with self.mock_mail_gateway():
            self.ticket.with_user(self.callcenter).user_id = self.tech_a
        self.assertNotIn(self.tech_a, self.mailed())

    def test_preferences_form_shows_the_switch(self):
        form = self.env.ref("base.view_users_form_simple_modif")
        views = (
            self.env["res.users"].with_user(self.tech_a).get_views([(form.id, "form")])
        )
        self.assertIn('name="support_notify"', views["views"]["form"]["arch"])
