"""Where the addon acts as superuser or widens what a user reaches, it stays
within what Odoo's groups, ACLs and record rules grant: roles never hand out
other groups for a support administrator, chatters keep working for users
outside Support, access panels are their viewer's alone, the ticket number
is the sequence's, the portal form files nothing under another company,
organization domains are an administrator's call, and a new-ticket e-mail
only goes to who may read the ticket."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MailCase

from .common import SupportCase, ref


class TestPrivilegeBoundaries(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.support_admin = new_test_user(
            cls.env,
            login="t_support_admin",
            groups="base.group_user,support_team_queue.group_support_admin",
            context={"no_reset_password": True},
        )
        # a role carrying Settings, made by an Access Rights manager
        cls.role_settings = cls.env["support.role"].create(
            {
                "name": "Amministratore di sistema",
                "profile_group_ids": [
                    Command.link(ref(cls.env, "group_support_readonly").id),
                    Command.link(cls.env.ref("base.group_system").id),
                ],
            }
        )

    # -- roles never hand out other groups for a support administrator -------

    def test_support_admin_cannot_take_a_role_that_carries_settings(self):
        self.assertFalse(self.support_admin.has_group("base.group_erp_manager"))
        with (
            self.assertRefused(AccessError, "Only an Access Rights administrator"),
            mute_logger("odoo.models"),
        ):
            self.role_settings.with_user(self.support_admin).write(
                {"user_ids": [Command.link(self.support_admin.id)]}
            )
        self.env.invalidate_all()
        self.assertFalse(self.support_admin.support_role_id)
        self.assertFalse(self.support_admin.has_group("base.group_system"))

    def test_support_admin_cannot_take_settings_away_through_a_role(self):
        holder = new_test_user(self.env, login="t_sysadmin", groups="base.group_user")
        self.role_settings.user_ids = [Command.link(holder.id)]  # as superuser
        self.assertTrue(holder.has_group("base.group_system"))
        with (
            self.assertRefused(AccessError, "Only an Access Rights administrator"),
            mute_logger("odoo.models"),
        ):
            self.role_settings.with_user(self.support_admin).write(
                {"user_ids": [Command.unlink(holder.id)]}
            )
        self.env.invalidate_all()
        self.assertEqual(holder.support_role_id, self.role_settings)
        self.assertTrue(holder.has_group("base.group_system"))

    def test_an_access_rights_manager_may(self):
        manager = new_test_user(
            self.env,
            login="t_rights_manager",
            groups="base.group_erp_manager,support_team_queue.group_support_admin",
        )
        target = new_test_user(self.env, login="t_promoted", groups="base.group_user")
        self.role_settings.with_user(manager).write(
            {"user_ids": [Command.link(target.id)]}
        )
        self.assertTrue(target.has_group("base.group_system"))

    def test_a_portal_user_cannot_hold_a_role(self):
        customer = new_test_user(
            self.env, login="t_customer", groups="base.group_portal"
        )
        # Odoo's assertRaises rolls the refused change back (a savepoint)
        with self.assertRaises(ValidationError) as refused:
            self.role_tech_a.with_user(self.support_admin).write(
                {"user_ids": [Command.link(customer.id)]}
            )
        self.assertIn("Only internal users", str(refused.exception))
        self.assertFalse(customer.support_role_id)
        # nor by the user's own field, as an Access Rights manager could
        with self.assertRaises(ValidationError) as refused:
            customer.support_role_id = self.role_tech_a
        self.assertIn("Only internal users", str(refused.exception))
        self.assertFalse(customer.support_role_id)
        # nor does a holder keep the role when made a portal user
        with self.assertRaises(ValidationError) as refused:
            self.tech_a.groups_id = [Command.set(self.env.ref("base.group_portal").ids)]
        self.assertIn("Only internal users", str(refused.exception))
        self.assertEqual(self.tech_a.support_role_id, self.role_tech_a)

    # -- chatters of users outside Support -------------------------------------

    def test_followers_without_any_ticket_right(self):
        outsider = new_test_user(self.env, login="t_outsider", groups="base.group_user")
        ticket = self.new_ticket("Con follower", group=self.group_a)
        ticket.message_subscribe(self.tech_a.partner_id.ids)
        partner = self.env["res.partner"].create({"name": "Cliente qualunque"})
        partner.message_subscribe(self.tech_a.partner_id.ids)
        Followers = self.env["mail.followers"].with_user(outsider)
        found = Followers.search([("partner_id", "=", self.tech_a.partner_id.id)])
        # a chatter elsewhere still lists its followers; a ticket's never
        self.assertIn(
            ("res.partner", partner.id), {(f.res_model, f.res_id) for f in found}
        )
        self.assertNotIn("support.ticket", found.mapped("res_model"))

    # -- access panels are their viewer's alone -----------------------------------

    def test_an_access_panel_is_its_viewers_alone(self):
        ticket = self.new_ticket("Chi lo vede", group=self.group_a)
        action = ticket.with_user(self.teamadmin).action_support_access_explanation()
        panel = self.env["support.access.explanation"].browse(action["res_id"])
        self.assertTrue(panel.with_user(self.teamadmin).line_ids)
        Panels = self.env["support.access.explanation"].with_user(self.tech_b)
        self.assertFalse(Panels.search([("id", "=", panel.id)]))
        Lines = self.env["support.access.explanation.line"].with_user(self.tech_b)
        self.assertFalse(Lines.search([("explanation_id", "=", panel.id)]))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            panel.with_user(self.tech_b).read(["ticket_id"])

    # -- the ticket number is the sequence's ----------------------------------------

    def test_the_number_is_the_sequences(self):
        ticket = (
            self.env["support.ticket"]
            .with_user(self.callcenter)
            .create(
                {"name": "Numero imposto", "team_id": self.team.id, "number": "X-1"}
            )
        )
        self.assertNotEqual(ticket.number, "X-1")
        self.assertTrue(ticket.number.startswith("TCK-"))
        # UserError, not an access refusal (AccessError is a UserError too)
        with self.assertRaises(UserError) as refused:
            ticket.with_user(self.callcenter).write({"number": "X-2"})
        self.assertIn("given once, by its sequence", str(refused.exception))
        self.assertTrue(ticket.number.startswith("TCK-"))
        # a migration run as superuser keeps the numbers it brings
        migrated = self.env["support.ticket"].create(
            {"name": "Dal vecchio sistema", "team_id": self.team.id, "number": "OLD-7"}
        )
        self.assertEqual(migrated.number, "OLD-7")
        migrated.write({"number": "OLD-8"})
        self.assertEqual(migrated.number, "OLD-8")

    # -- organization domains are a support administrator's call -------------------

    def test_only_a_support_administrator_registers_email_domains(self):
        company = self.env["res.partner"].create({"name": "Acme", "is_company": True})
        with (
            self.assertRefused(AccessError, '"support_email_domains"'),
            mute_logger("odoo.models"),
        ):
            company.with_user(self.callcenter).write(
                {"support_email_domains": "acme.example.com"}
            )
        company.with_user(self.support_admin).write(
            {"support_email_domains": "acme.example.com"}
        )
        self.assertEqual(company.support_email_domains, "acme.example.com")

    # -- deleting a group ------------------------------------------------------------

    def test_a_refused_group_deletion_touches_no_ticket(self):
        ticket = self.new_ticket("Resta nel gruppo", group=self.group_a)
        # no savepoint around the refused call (assertRaises would roll back
        # what it wrote): the tickets must be untouched by the call itself
        try:
            with mute_logger("odoo.models"):
                self.group_a.with_user(self.resp_a).unlink()
        except AccessError:
            pass
        else:
            self.fail("a manager deleted a group")
        self.env.invalidate_all()
        self.assertEqual(ticket.group_id, self.group_a)
        self.assertFalse(
            ticket.message_ids.filtered(lambda m: "was deleted" in (m.body or ""))
        )


class TestNewTicketMailOnlyToReaders(SupportCase, MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))

    def test_a_responsible_who_may_not_read_the_ticket_is_not_mailed(self):
        # Anna (Tecnico A) named responsible of Gruppo B, which she may not read
        self.group_b.notify_user_ids = self.tech_a | self.supervisor
        with self.mock_mail_gateway():
            self.new_ticket("Nuovo per B", group=self.group_b)
        mailed = self._new_mails.recipient_ids.user_ids
        self.assertIn(self.supervisor, mailed)
        self.assertNotIn(self.tech_a, mailed)


class TestSupportAdministrator(SupportCase):
    """Seed 000: "Chi attiva un Team, ne diventa automaticamente
    l'amministratore"; only the Support Administrator profile configures."""

    def test_the_support_administrator_profile_configures_a_desk(self):
        admin = new_test_user(
            self.env,
            login="t_desk_admin",
            groups="base.group_user,support_team_queue.group_support_admin",
        )
        self.assertFalse(admin.has_group("base.group_system"))
        team = self.env["support.team"].with_user(admin).create({"name": "Nuovo team"})
        self.assertEqual(team.admin_id, admin)
        group = (
            self.env["support.group"]
            .with_user(admin)
            .create({"name": "Gruppo C", "team_id": team.id})
        )
        rule = (
            self.env["support.sharing.rule"]
            .with_user(admin)
            .create(
                {
                    "team_id": team.id,
                    "source_group_id": group.id,
                    "target_user_id": self.tech_a.id,
                }
            )
        )
        self.assertTrue(rule.active)

    def test_other_profiles_do_not(self):
        # a team's administrator creates groups in their own team only
        # (test_team_administration.py)
        other_team = self.env["support.team"].create({"name": "Altro team"})
        for user in (self.teamadmin, self.resp_a, self.callcenter, self.tech_a):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError), mute_logger("odoo.models"):
                    self.env["support.team"].with_user(user).create({"name": "No"})
                with self.assertRaises(AccessError), mute_logger("odoo.models"):
                    self.env["support.group"].with_user(user).create(
                        {"name": "No", "team_id": other_team.id}
                    )


class TestMembershipSearch(SupportCase):
    def test_searching_users_by_group_tells_no_more_than_reading(self):
        # res.users.support_group_ids: the members of the groups the
        # searcher may read, never another company's, never to a customer
        company_b, team_b = self.other_company_desk()
        member_b = self.company_user(
            company_b, "t_member_b", "support_team_queue.group_support_agent"
        )
        team_b.operator_ids = member_b
        group_b = self.env["support.group"].create(
            {"name": "Riservato B", "team_id": team_b.id, "user_ids": member_b.ids}
        )
        supervisor_b = self.company_user(
            company_b, "t_supervisor_b", "support_team_queue.group_support_supervisor"
        )
        domain = [("support_group_ids", "in", group_b.ids)]
        Users = self.env["res.users"]
        self.assertEqual(Users.with_user(supervisor_b).search(domain), member_b)
        self.assertFalse(Users.with_user(self.supervisor).search(domain))
        self.assertIn(
            self.tech_a,
            Users.with_user(self.resp_b).search(
                [("support_group_ids", "in", self.group_a.ids)]
            ),
        )
        portal = new_test_user(self.env, login="t_portal_b", groups="base.group_portal")
        self.assertEqual(
            Users.with_user(portal).search([("id", "=", portal.id)]), portal
        )
        with (
            self.assertRefused(AccessError, '"effective_user_ids"'),
            mute_logger("odoo.models"),
        ):
            Users.with_user(portal).search(domain)
