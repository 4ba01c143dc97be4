"""Profiles (Fase 1): what each profile may do at all, and roles granting them."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tools import mute_logger

from .common import SupportCase, ref


class TestRoleProfiles(SupportCase):
    def test_holding_a_role_grants_its_profile(self):
        self.assertTrue(
            self.tech_a.has_group("support_team_queue.group_support_readonly")
        )
        self.assertFalse(
            self.tech_a.has_group("support_team_queue.group_support_agent")
        )
        self.assertTrue(
            self.callcenter.has_group("support_team_queue.group_support_agent")
        )
        self.assertFalse(
            self.callcenter.has_group("support_team_queue.group_support_manager")
        )
        self.assertTrue(
            self.resp_a.has_group("support_team_queue.group_support_manager")
        )
        self.assertFalse(
            self.resp_a.has_group("support_team_queue.group_support_supervisor")
        )
        self.assertTrue(
            self.supervisor.has_group("support_team_queue.group_support_supervisor")
        )

    def test_profiles_imply_one_another(self):
        chain = ["readonly", "agent", "manager", "supervisor", "admin"]
        for lower, higher in zip(chain, chain[1:], strict=False):
            higher_group = ref(self.env, f"group_support_{higher}")
            self.assertIn(
                ref(self.env, f"group_support_{lower}"), higher_group.implied_ids
            )
        readonly = ref(self.env, "group_support_readonly")
        self.assertIn(self.env.ref("base.group_user"), readonly.implied_ids)

    def test_profiles_share_one_category(self):
        categories = {
            ref(self.env, f"group_support_{name}").category_id
            for name in ("readonly", "agent", "manager", "supervisor", "admin")
        }
        self.assertEqual(categories, {ref(self.env, "module_category_support")})

    def test_changing_the_role_replaces_the_profile(self):
        self.tech_a.support_role_id = self.role_resp_a
        self.assertTrue(
            self.tech_a.has_group("support_team_queue.group_support_manager")
        )
        self.tech_a.support_role_id = self.role_tech_a
        self.assertFalse(
            self.tech_a.has_group("support_team_queue.group_support_manager")
        )
        self.assertFalse(
            self.tech_a.has_group("support_team_queue.group_support_agent")
        )
        self.assertTrue(
            self.tech_a.has_group("support_team_queue.group_support_readonly")
        )

    def test_losing_the_role_loses_its_profile(self):
        self.tech_a.support_role_id = False
        self.assertFalse(
            self.tech_a.has_group("support_team_queue.group_support_readonly")
        )
        self.assertTrue(self.tech_a.has_group("base.group_user"))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["support.ticket"].with_user(self.tech_a).search([])

    def test_changing_the_roles_profiles_updates_its_holders(self):
        self.role_tech_a.profile_group_ids = [
            Command.set([ref(self.env, "group_support_agent").id])
        ]
        self.assertTrue(self.tech_a.has_group("support_team_queue.group_support_agent"))
        self.assertFalse(
            self.tech_b.has_group("support_team_queue.group_support_agent")
        )

    def test_assigning_holders_from_the_role(self):
        self.role_resp_a.user_ids = [Command.link(self.loner.id)]
        self.assertEqual(self.loner.support_role_id, self.role_resp_a)
        self.assertTrue(
            self.loner.has_group("support_team_queue.group_support_manager")
        )

    def test_support_admin_assigns_holders_without_user_admin_rights(self):
        support_admin = self.env["res.users"].create(
            {
                "name": "Support Admin",
                "login": "support_admin",
                "groups_id": [Command.link(ref(self.env, "group_support_admin").id)],
            }
        )
        self.assertFalse(support_admin.has_group("base.group_erp_manager"))
        self.role_resp_b.with_user(support_admin).write(
            {"user_ids": [Command.link(self.loner.id)]}
        )
        self.assertEqual(self.loner.support_role_id, self.role_resp_b)
        self.assertTrue(
            self.loner.has_group("support_team_queue.group_support_manager")
        )

    def test_support_admin_cannot_grant_settings_through_a_role(self):
        support_admin = self.env["res.users"].create(
            {
                "name": "Support Admin",
                "login": "support_admin",
                "groups_id": [Command.link(ref(self.env, "group_support_admin").id)],
            }
        )
        from odoo.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            self.role_tech_a.with_user(support_admin).write(
                {
                    "profile_group_ids": [
                        Command.link(self.env.ref("base.group_system").id)
                    ]
                }
            )
        self.assertFalse(self.tech_a.has_group("base.group_system"))

    def test_technician_cannot_configure_roles(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.role_tech_a.with_user(self.tech_a).write({"name": "Capo"})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.role_tech_a.with_user(self.tech_a).write(
                {"user_ids": [Command.link(self.tech_a.id)]}
            )


class TestProfileActions(SupportCase):
    """Contatti and Assistenza Clienti as in the seed's profile tables."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Mario Bianchi"})

    def test_technician_reads_contacts_only(self):
        self.assertTrue(self.customer.with_user(self.tech_a).read(["name"]))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.customer.with_user(self.tech_a).write({"name": "Mario B."})
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["res.partner"].with_user(self.tech_a).create({"name": "Nuovo"})

    def test_call_center_creates_and_edits_contacts_but_no_delete(self):
        Partner = self.env["res.partner"].with_user(self.callcenter)
        created = Partner.create({"name": "Cliente al telefono"})
        created.write({"phone": "+39 02 1234567"})
        self.assertEqual(created.phone, "+39 02 1234567")
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            created.unlink()

    def test_manager_deletes_contacts(self):
        self.customer.with_user(self.resp_a).unlink()
        self.assertFalse(self.customer.exists())

    def test_technician_ticket_profile_is_read_only(self):
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        self.assertTrue(Ticket.has_access("read"))
        for operation in ("write", "create", "unlink"):
            self.assertFalse(Ticket.has_access(operation), operation)

    def test_agent_ticket_profile_has_no_delete(self):
        Ticket = self.env["support.ticket"].with_user(self.callcenter)
        for operation in ("read", "write", "create"):
            self.assertTrue(Ticket.has_access(operation), operation)
        self.assertFalse(Ticket.has_access("unlink"))

    def test_manager_deletes_only_what_they_can_see(self):
        mine = self.new_ticket("Di Marco", user=self.resp_a)
        not_mine = self.new_ticket("Di Bruno", user=self.resp_b)
        self.assertCanDelete(self.resp_a, mine)
        self.assertCannotDelete(self.resp_a, not_mine)

    def test_support_config_is_read_only_below_admin(self):
        # a team's administrator runs their own team (the profiles may write
        # teams and groups: the record rules keep it to their own team,
        # test_team_administration.py); the supervisor administers none
        for records in (self.team, self.group_a, self.role_tech_a):
            with self.subTest(model=records._name):
                records = records.with_user(self.supervisor)
                self.assertTrue(records.has_access("read"))
                self.assertFalse(records.has_access("write"))
                self.assertFalse(records.has_access("unlink"))
        self.assertFalse(
            self.env["support.team"].with_user(self.supervisor).has_access("create")
        )
        self.assertFalse(
            self.env["support.role"].with_user(self.supervisor).has_access("create")
        )
        self.assertTrue(self.team.with_user(self.teamadmin).has_access("write"))
