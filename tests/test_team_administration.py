"""Seed 000, SPEC "Team administration": without the Support Administrator
profile, a team's administrator runs their own team ("Solo l'amministratore
ha la completa gestione del Team"): its settings, its operators, its groups
and their members, and invites new operators ("Aggiungi Utente"). They touch
no other team, no group of another team, no role, no sharing rule and no
user's profile; an ordinary technician, agent, manager or supervisor who
administers no team changes none of it; the Support Administrator profile
still configures everything.

Each refusal is pinned to its message and has a positive control beside it.
"""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MailCase

from .common import RpcTransportsMixin, SupportCase, SupportHttpCase, ref

# Odoo's refusal by the record rules (the ACLs let the profiles write: the
# rules keep it to the user's own team), and the addon's own refusals.
RULES_REFUSE_WRITE = "doesn't have 'write' access to"
RULES_REFUSE_CREATE = "doesn't have 'create' access to"
RULES_REFUSE_UNLINK = "doesn't have 'unlink' access to"
ADMIN_ONLY = "Only a Support Administrator may change the field"
NO_MOVE = "Only a Support Administrator may move a group to another team"
INVITE_PROFILES_ONLY = "An invitation gives the Technician or the Agent profile only"
INVITE_TEAM_ADMIN_ONLY = "or a Support Administrator invites its operators"


class TeamAdministrationCase(SupportCase):
    """The seed team (administered by ``teamadmin``, a Manager), another team
    administered by a Technician, a user of no team, a Support
    Administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.setup_other_team()
        cls.other_group = env["support.group"].create(
            {"name": "Gruppo Nord", "team_id": cls.other_team.id}
        )
        # an operator of the team, in no group yet (a group's direct members
        # are its team's operators)
        cls.newcomer = new_test_user(
            env,
            login="t_newcomer",
            groups="support_team_queue.group_support_agent",
        )
        cls.team.operator_ids = [Command.link(cls.newcomer.id)]
        cls.support_admin = new_test_user(
            env,
            login="t_support_admin",
            groups="support_team_queue.group_support_admin",
        )
        # every profile, none of them the seed team's administrator
        cls.not_admins = cls.tech_a | cls.callcenter | cls.resp_a | cls.supervisor

    def allowed_team_values(self):
        """One value per field a team's administrator writes."""
        return {
            "name": "Assistenza Clienti Sud",
            "operator_ids": [Command.link(self.newcomer.id)],
            "queue_mode": "open",
            "ticket_access": "public_read",
            "expire_hours": 48,
            "alias_name": "assistenza-sud",
            "notify_user_ids": [Command.set(self.callcenter.ids)],
            "acknowledge": False,
        }

    def assertOnlyTheAdministratorWrites(self, record, values):
        """Each of ``values`` is refused to every other user of the team,
        then written by the team's administrator."""
        for fname, value in values.items():
            with self.subTest(field=fname):
                for user in self.not_admins:
                    with (
                        self.assertRefused(AccessError, RULES_REFUSE_WRITE),
                        mute_logger("odoo.models"),
                    ):
                        record.with_user(user).write({fname: value})
                record.with_user(self.teamadmin).write({fname: value})


class TestTheTeam(TeamAdministrationCase):
    def test_the_administrator_writes_each_field_of_their_team(self):
        self.assertOnlyTheAdministratorWrites(self.team, self.allowed_team_values())
        self.assertEqual(self.team.name, "Assistenza Clienti Sud")
        self.assertIn(self.newcomer, self.team.operator_ids)
        self.assertEqual(self.newcomer.support_team_id, self.team)
        self.assertEqual(self.team.queue_mode, "open")
        self.assertEqual(self.team.ticket_access, "public_read")
        self.assertEqual(self.team.expire_hours, 48)
        self.assertEqual(self.team.alias_name, "assistenza-sud")
        self.assertEqual(self.team.notify_user_ids, self.callcenter)
        self.assertFalse(self.team.acknowledge)

    def test_the_alias_is_no_side_door(self):
        # Odoo's alias mixin writes the alias as superuser once the ACL
        # allows writing the model: the rules are asked first
        for user in self.not_admins:
            with self.assertRefusedTo(user, AccessError, RULES_REFUSE_WRITE):
                self.team.with_user(user).write({"alias_name": "dirottata"})
            self.assertNotEqual(self.team.alias_name, "dirottata")
        self.team.with_user(self.teamadmin).write({"alias_name": "assistenza-sud"})
        self.assertEqual(self.team.alias_name, "assistenza-sud")

    def test_never_its_administrator_nor_its_company(self):
        company = self.env["res.company"].create({"name": "Altra Azienda"})
        self.teamadmin.company_ids = [Command.link(company.id)]
        refused = {
            "admin_id": self.resp_a.id,
            "company_id": company.id,
            "active": False,
            "alias_defaults": f"{{'team_id': {self.other_team.id}}}",
        }
        for fname, value in refused.items():
            with (
                self.subTest(field=fname),
                self.assertRefused(AccessError, f"{ADMIN_ONLY} ") as caught,
            ):
                self.team.with_user(self.teamadmin).write({fname: value})
            self.assertIn(f"({fname})", str(caught.exception))
        self.assertEqual(self.team.admin_id, self.teamadmin)
        self.assertEqual(self.team.company_id, self.env.company)
        self.assertTrue(self.team.active)
        # the same call with an allowed field goes through
        self.team.with_user(self.teamadmin).write({"name": "Assistenza Clienti Sud"})
        # a Support Administrator may
        self.team.with_user(self.support_admin).write({"admin_id": self.resp_a.id})
        self.assertEqual(self.team.admin_id, self.resp_a)

    def test_no_other_team(self):
        with (
            self.assertRefused(AccessError, RULES_REFUSE_WRITE),
            mute_logger("odoo.models"),
        ):
            self.other_team.with_user(self.teamadmin).write({"name": "Presa"})
        self.assertEqual(self.other_team.name, "Assistenza Nord")
        # its own administrator, a Technician, may
        self.other_team.with_user(self.other_admin).write(
            {"name": "Assistenza Nord-Est", "queue_mode": "open"}
        )
        self.assertEqual(self.other_team.name, "Assistenza Nord-Est")
        # and, of the seed team, nothing
        with (
            self.assertRefused(AccessError, RULES_REFUSE_WRITE),
            mute_logger("odoo.models"),
        ):
            self.team.with_user(self.other_admin).write({"queue_mode": "open"})
        self.assertEqual(self.team.queue_mode, "dispatch")

    def test_teams_are_created_and_deleted_by_support_administrators(self):
        # whoever creates a team becomes its administrator: a team's
        # administrator cannot make themselves one of another
        with (
            self.assertRefused(AccessError, "not allowed to create 'Support Team'"),
            mute_logger("odoo.models"),
        ):
            self.env["support.team"].with_user(self.teamadmin).create(
                {"name": "Mio", "admin_id": self.teamadmin.id}
            )
        with (
            self.assertRefused(AccessError, "not allowed to delete 'Support Team'"),
            mute_logger("odoo.models"),
        ):
            self.team.with_user(self.teamadmin).unlink()
        self.assertTrue(self.team.exists())
        team = (
            self.env["support.team"]
            .with_user(self.support_admin)
            .create({"name": "Nuovo"})
        )
        self.assertEqual(team.admin_id, self.support_admin)
        # and its administrator then runs it
        team.with_user(self.support_admin).write({"admin_id": self.teamadmin.id})
        team.with_user(self.teamadmin).write({"name": "Nuovo Sud"})
        self.assertEqual(team.name, "Nuovo Sud")

    def test_the_form_says_who_may_change_what(self):
        Team = self.env["support.team"]
        self.assertEqual(
            Team.with_user(self.teamadmin).search([("can_administer", "=", True)]),
            self.team,
        )
        self.assertFalse(
            Team.with_user(self.resp_a).search([("can_administer", "=", True)])
        )
        self.assertTrue(self.team.with_user(self.teamadmin).can_administer)
        self.assertFalse(self.team.with_user(self.teamadmin).can_configure)
        self.assertFalse(self.team.with_user(self.resp_a).can_administer)
        self.assertTrue(self.team.with_user(self.support_admin).can_configure)


class TestTheGroups(TeamAdministrationCase):
    def test_creates_renames_archives_and_deletes_a_group_of_their_team(self):
        values = {"name": "Gruppo C", "team_id": self.team.id}
        for user in self.not_admins:
            with self.assertRefusedTo(user, AccessError, RULES_REFUSE_CREATE):
                self.env["support.group"].with_user(user).create(values)
        Group = self.env["support.group"].with_user(self.teamadmin)
        group = Group.create(values)
        self.assertEqual(group.team_id, self.team)
        for user in self.not_admins:
            with self.assertRefusedTo(user, AccessError, RULES_REFUSE_WRITE):
                group.with_user(user).write({"name": "Preso"})
            with self.assertRefusedTo(user, AccessError, RULES_REFUSE_UNLINK):
                group.with_user(user).unlink()
        group.name = "Gruppo C Sud"
        self.assertEqual(group.name, "Gruppo C Sud")
        group.action_archive()
        self.assertFalse(group.active)
        group.action_unarchive()
        self.assertTrue(group.active)
        ticket = self.new_ticket("Per il gruppo C", group=group)
        group.unlink()
        self.assertFalse(group.exists())
        self.assertFalse(ticket.group_id)

    def test_also_from_the_team(self):
        self.team.with_user(self.teamadmin).write(
            {
                "group_ids": [
                    Command.create({"name": "Gruppo D"}),
                    Command.update(self.group_b.id, {"name": "Gruppo B Sud"}),
                ]
            }
        )
        self.assertIn("Gruppo D", self.team.group_ids.mapped("name"))
        self.assertEqual(self.group_b.name, "Gruppo B Sud")
        with (
            self.assertRefused(AccessError, RULES_REFUSE_WRITE),
            mute_logger("odoo.models"),
        ):
            self.team.with_user(self.resp_a).write(
                {"group_ids": [Command.update(self.group_b.id, {"name": "Preso"})]}
            )
        self.assertEqual(self.group_b.name, "Gruppo B Sud")

    def test_sets_the_members_and_settings_of_their_groups(self):
        values = {
            "user_ids": [Command.set(self.newcomer.ids)],
            "role_ids": [Command.set(self.role_tech_b.ids)],
            "role_subtree_ids": [Command.set(self.role_resp_a.ids)],
            "member_group_ids": [Command.set(self.group_cc.ids)],
            "portal_visible": True,
            "notify_user_ids": [Command.set(self.supervisor.ids)],
            "sequence": 3,
        }
        self.assertOnlyTheAdministratorWrites(self.group_b, values)
        self.assertEqual(
            self.group_b.effective_user_ids,
            self.newcomer | self.tech_b | self.resp_a | self.tech_a | self.callcenter,
        )
        self.assertTrue(self.group_b.portal_visible)
        self.assertEqual(self.group_b.notify_user_ids, self.supervisor)
        self.assertEqual(self.group_b.sequence, 3)
        # the new members see the group's tickets on the next request
        ticket = self.new_ticket("Per il gruppo B", group=self.group_b)
        self.assertSees(self.newcomer, ticket)

    def test_nests_groups_of_their_own_team_only(self):
        with self.assertRefused(
            ValidationError, "can only contain groups of its own team"
        ):
            self.group_b.with_user(self.teamadmin).write(
                {"member_group_ids": [Command.link(self.other_group.id)]}
            )
        # nor the other way round: their group inside another team's
        with self.assertRefused(
            ValidationError, "can only be a member of groups of its own team"
        ):
            self.group_b.with_user(self.teamadmin).write(
                {"parent_group_ids": [Command.link(self.other_group.id)]}
            )
        self.assertFalse(self.other_group.effective_user_ids)
        self.group_b.with_user(self.teamadmin).write(
            {"member_group_ids": [Command.set(self.group_cc.ids)]}
        )
        self.assertEqual(self.group_b.member_group_ids, self.group_cc)

    def test_no_group_of_another_team(self):
        with (
            self.assertRefused(AccessError, RULES_REFUSE_WRITE),
            mute_logger("odoo.models"),
        ):
            self.other_group.with_user(self.teamadmin).write(
                {"user_ids": [Command.link(self.teamadmin.id)]}
            )
        with (
            self.assertRefused(AccessError, RULES_REFUSE_UNLINK),
            mute_logger("odoo.models"),
        ):
            self.other_group.with_user(self.teamadmin).unlink()
        with (
            self.assertRefused(AccessError, RULES_REFUSE_CREATE),
            mute_logger("odoo.models"),
        ):
            self.env["support.group"].with_user(self.teamadmin).create(
                {"name": "Infiltrato", "team_id": self.other_team.id}
            )
        self.assertFalse(self.other_group.user_ids)
        self.assertTrue(self.other_group.exists())
        # its own team's administrator may
        self.other_group.with_user(self.other_admin).write(
            {"user_ids": [Command.link(self.other_admin.id)]}
        )
        self.assertEqual(self.other_group.user_ids, self.other_admin)

    def test_never_moves_a_group_to_another_team(self):
        with self.assertRefused(AccessError, NO_MOVE):
            self.group_b.with_user(self.teamadmin).write(
                {"team_id": self.other_team.id}
            )
        # nor by taking another team's group into their own
        with self.assertRefused(AccessError, NO_MOVE):
            self.team.with_user(self.teamadmin).write(
                {"group_ids": [Command.link(self.other_group.id)]}
            )
        self.assertEqual(self.group_b.team_id, self.team)
        self.assertEqual(self.other_group.team_id, self.other_team)
        # the same write, naming their group's own team, goes through
        self.group_b.with_user(self.teamadmin).write(
            {"team_id": self.team.id, "name": "Gruppo B Sud"}
        )
        self.assertEqual(self.group_b.name, "Gruppo B Sud")
        # a Support Administrator moves groups
        self.other_group.with_user(self.support_admin).write({"team_id": self.team.id})
        self.assertEqual(self.other_group.team_id, self.team)

    def test_a_group_moves_without_what_its_team_names_it_in(self):
        # A ticket, a sharing rule and a response-time target of the team
        # each name the group: moved with them behind, the other team's
        # administrator, who decides its members, would decide who reads
        # and changes them. Each is refused, even to a Support Administrator.
        escalation = self.env["support.group"].create(
            {"name": "Escalation", "team_id": self.team.id}
        )
        archived = self.new_ticket("Chiuso e archiviato", group=escalation)
        archived.active = False
        rule = self.env["support.sharing.rule"].create(
            {
                "team_id": self.team.id,
                "source_group_id": self.group_a.id,
                "target_group_id": escalation.id,
                "access": "write",
            }
        )
        sla = self.env["support.sla"].create(
            {
                "name": "Escalation in 4 ore",
                "response_hours": 4,
                "team_id": self.team.id,
                "group_ids": [Command.set(escalation.ids)],
            }
        )
        move = {"team_id": self.other_team.id}
        for named in (archived, rule, sla):
            with self.subTest(named=named._name):
                with self.assertRefused(ValidationError, "cannot move to another team"):
                    escalation.with_user(self.support_admin).write(move)
                self.assertEqual(escalation.team_id, self.team)
                named.unlink()
        # nothing of the team names it any more
        escalation.with_user(self.support_admin).write(move)
        self.assertEqual(escalation.team_id, self.other_team)


class TestNothingElse(TeamAdministrationCase):
    """Beside each refusal, what the team's administrator does do with the
    same records: put a role's holders, a user, in their groups."""

    def test_roles_go_into_their_groups_but_are_not_changed(self):
        self.group_b.with_user(self.teamadmin).write(
            {"role_ids": [Command.link(self.role_callcenter.id)]}
        )
        self.assertIn(self.callcenter, self.group_b.effective_user_ids)
        with (
            self.assertRefused(AccessError, "not allowed to modify 'Support Role'"),
            mute_logger("odoo.models"),
        ):
            self.role_callcenter.with_user(self.teamadmin).write(
                {"user_ids": [Command.link(self.newcomer.id)]}
            )
        with (
            self.assertRefused(AccessError, "not allowed to create 'Support Role'"),
            mute_logger("odoo.models"),
        ):
            self.env["support.role"].with_user(self.teamadmin).create(
                {"name": "Mio ruolo"}
            )
        self.assertFalse(self.newcomer.support_role_id)

    def test_no_sharing_rule(self):
        self.group_b.with_user(self.teamadmin).write(
            {"user_ids": [Command.link(self.resp_a.id)]}
        )
        with (
            self.assertRefused(
                AccessError, "not allowed to create 'Support Sharing Rule'"
            ),
            mute_logger("odoo.models"),
        ):
            self.env["support.sharing.rule"].with_user(self.teamadmin).create(
                {
                    "team_id": self.team.id,
                    "source_group_id": self.group_b.id,
                    "target_user_id": self.resp_a.id,
                }
            )
        self.assertFalse(self.team.sharing_rule_ids)

    def test_no_users_profile(self):
        manager = ref(self.env, "group_support_manager")
        admin = ref(self.env, "group_support_admin")
        self.team.with_user(self.teamadmin).write(
            {"operator_ids": [Command.link(self.newcomer.id)]}
        )
        for user, vals in (
            (self.newcomer, {"groups_id": [Command.link(manager.id)]}),
            (self.teamadmin, {"groups_id": [Command.link(admin.id)]}),
            (self.newcomer, {"support_role_id": self.role_resp_b.id}),
            (self.tech_a, {"support_team_id": False}),
        ):
            with (
                self.subTest(user=user.login, field=next(iter(vals))),
                self.assertRefused(AccessError, "not allowed to modify 'User'"),
                mute_logger("odoo.models"),
            ):
                user.with_user(self.teamadmin).write(vals)
        self.assertNotIn(manager, self.newcomer.groups_id)
        self.assertNotIn(admin, self.teamadmin.groups_id)
        self.assertEqual(self.tech_a.support_team_id, self.team)


class TestOperatorInvite(TeamAdministrationCase, MailCase):
    """Seed 000, "Aggiungi Utente": "Solo in caso di nuova registrazione,
    l'utente riceve una mail dove confermare la creazione dell'account"."""

    def invite(self, user, email, profile="group_support_agent", team=None, **kw):
        wizard = (
            self.env["support.operator.invite"]
            .with_user(user)
            .create(
                {
                    "team_id": (team or self.team).id,
                    "name": kw.get("name", "Marco Bianchi"),
                    "email": email,
                    "profile_group_id": ref(self.env, profile).id,
                }
            )
        )
        return wizard.action_invite()

    def find_user(self, login):
        return (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("login", "=", login)])
        )

    def signup_mails_to(self, email):
        return [
            mail
            for mail in self._mails
            if any(email in recipient for recipient in mail["email_to"])
            and "/web/signup" in mail["body"]
        ]

    def test_a_new_operator_gets_exactly_the_chosen_profile(self):
        base_user = self.env.ref("base.group_user")
        for profile, email in (
            ("group_support_readonly", "Marco.Bianchi@example.com"),
            ("group_support_agent", "anna.verdi@example.com"),
        ):
            with self.subTest(profile=profile), self.mock_mail_gateway():
                self.invite(self.teamadmin, email, profile=profile)
                user = self.find_user(email.lower())
                self.assertEqual(len(user), 1)
                self.assertFalse(user.share)
                chosen = base_user | ref(self.env, profile)
                self.assertEqual(user.groups_id, chosen | chosen.trans_implied_ids)
                self.assertEqual(user.company_id, self.team.company_id)
                self.assertEqual(user.company_ids, self.team.company_id)
                self.assertFalse(user.support_role_id)
                self.assertEqual(user.support_team_id, self.team)
                # Odoo's sign-up invitation, to the address given
                self.assertEqual(user.partner_id.sudo().signup_type, "signup")
                self.assertEqual(len(self.signup_mails_to(email.lower())), 1)

    def test_an_existing_user_joins_as_they_are(self):
        # a Manager of no team: they keep their profile, no sign-up e-mail
        manager = new_test_user(
            self.env,
            login="t_existing",
            email="gianni.neri@example.com",
            groups="support_team_queue.group_support_manager",
        )
        groups = manager.groups_id
        with self.mock_mail_gateway():
            self.invite(self.teamadmin, "gianni.neri@example.com")
        self.assertEqual(manager.support_team_id, self.team)
        self.assertEqual(manager.groups_id, groups)
        self.assertFalse(self.signup_mails_to("gianni.neri@example.com"))
        # one without a support profile receives the chosen one, found by login
        plain = new_test_user(
            self.env, login="paola.gialli@example.com", groups="base.group_user"
        )
        self.invite(
            self.other_admin,
            "paola.gialli@example.com",
            profile="group_support_readonly",
            team=self.other_team,
        )
        self.assertEqual(plain.support_team_id, self.other_team)
        self.assertTrue(plain.has_group("support_team_queue.group_support_readonly"))
        self.assertFalse(plain.has_group("support_team_queue.group_support_agent"))

    def test_one_team_at_most_and_internal_users_only(self):
        self.tech_a.email = "anna.tecnico@example.com"
        with self.assertRefused(UserError, "one support team at most"):
            self.invite(
                self.other_admin, "anna.tecnico@example.com", team=self.other_team
            )
        self.assertEqual(self.tech_a.support_team_id, self.team)
        customer = new_test_user(
            self.env,
            login="t_customer",
            email="cliente@example.com",
            groups="base.group_portal",
        )
        with self.assertRefused(UserError, "is a portal user"):
            self.invite(self.teamadmin, "cliente@example.com")
        self.assertFalse(customer.support_team_id)
        with self.assertRefused(UserError, "is not a valid e-mail address"):
            self.invite(self.teamadmin, "non un indirizzo")
        # the same inviter, a good address
        self.invite(self.teamadmin, "luisa.rosa@example.com")
        self.assertEqual(
            self.find_user("luisa.rosa@example.com").support_team_id, self.team
        )

    def test_no_other_profile(self):
        for profile in (
            "group_support_manager",
            "group_support_supervisor",
            "group_support_admin",
            "base.group_system",
        ):
            with (
                self.subTest(profile=profile),
                self.assertRefused(ValidationError, INVITE_PROFILES_ONLY),
            ):
                self.invite(self.teamadmin, "promosso@example.com", profile=profile)
            self.assertFalse(self.find_user("promosso@example.com"))
        self.invite(
            self.teamadmin, "promosso@example.com", profile="group_support_agent"
        )
        self.assertTrue(self.find_user("promosso@example.com"))

    def test_no_other_team(self):
        with (
            self.assertRefused(AccessError, INVITE_TEAM_ADMIN_ONLY),
            mute_logger("odoo.models"),
        ):
            self.invite(self.teamadmin, "intruso@example.com", team=self.other_team)
        self.assertFalse(self.find_user("intruso@example.com"))
        self.assertEqual(self.other_team.operator_ids, self.other_admin)
        self.invite(self.other_admin, "intruso@example.com", team=self.other_team)
        self.assertEqual(
            (self.other_team.operator_ids - self.other_admin).login,
            "intruso@example.com",
        )

    def test_not_for_those_who_administer_no_team(self):
        for user in self.not_admins:
            with self.assertRefusedTo(user, AccessError, INVITE_TEAM_ADMIN_ONLY):
                self.invite(user, "amico@example.com")
            self.assertFalse(self.find_user("amico@example.com"))
        # the team's administrator and a Support Administrator may
        self.invite(self.teamadmin, "amico@example.com")
        self.invite(self.support_admin, "nuovo.nord@example.com", team=self.other_team)
        self.assertEqual(
            self.find_user("nuovo.nord@example.com").support_team_id, self.other_team
        )


class TestTeamAdministrationOverRpc(RpcTransportsMixin, SupportHttpCase):
    """The same, as other programs do it: XML-RPC and JSON-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_team = cls.env["support.team"].create({"name": "Assistenza Nord"})
        cls.other_group = cls.env["support.group"].create(
            {"name": "Gruppo Nord", "team_id": cls.other_team.id}
        )

    def test_the_team(self):
        for name, (ok, text, _result) in self.both(
            self.teamadmin,
            "support.team",
            "write",
            self.team.ids,
            {"queue_mode": "open", "expire_hours": 8, "alias_name": "assistenza-rpc"},
        ):
            with self.subTest(transport=name):
                self.assertTrue(ok, text)
        self.env.invalidate_all()
        self.assertEqual(self.team.queue_mode, "open")
        self.assertEqual(self.team.expire_hours, 8)
        self.assertEqual(self.team.alias_name, "assistenza-rpc")
        refused = (
            (self.teamadmin, self.team, {"admin_id": self.resp_a.id}, ADMIN_ONLY),
            (self.teamadmin, self.other_team, {"name": "Presa"}, RULES_REFUSE_WRITE),
            (self.resp_a, self.team, {"name": "Presa"}, RULES_REFUSE_WRITE),
            (self.resp_a, self.team, {"alias_name": "presa"}, RULES_REFUSE_WRITE),
        )
        for user, team, vals, message in refused:
            for name, (ok, text, _result) in self.both(
                user, "support.team", "write", team.ids, vals
            ):
                with self.subTest(user=user.login, vals=vals, transport=name):
                    self.assertFalse(ok)
                    self.assertIn(message, text)
        self.env.invalidate_all()
        self.assertEqual(self.team.admin_id, self.teamadmin)
        self.assertEqual(self.other_team.name, "Assistenza Nord")
        self.assertNotEqual(self.team.alias_name, "presa")

    def test_the_groups(self):
        ok, text, group_id = self.xmlrpc(
            self.teamadmin,
            "support.group",
            "create",
            {"name": "Gruppo C", "team_id": self.team.id},
        )
        self.assertTrue(ok, text)
        ok, text, _result = self.jsonrpc(
            self.teamadmin,
            "support.group",
            "write",
            [group_id],
            {"name": "Gruppo C Sud", "user_ids": [(4, self.loner.id)]},  # link
        )
        self.assertTrue(ok, text)
        group = self.env["support.group"].browse(group_id)
        self.assertEqual(group.name, "Gruppo C Sud")
        self.assertEqual(group.effective_user_ids, self.loner)
        for user, group_, message in (
            (self.resp_a, group, RULES_REFUSE_UNLINK),
            (self.teamadmin, self.other_group, RULES_REFUSE_UNLINK),
        ):
            for name, (ok, text, _result) in self.both(
                user, "support.group", "unlink", group_.ids
            ):
                with self.subTest(user=user.login, transport=name):
                    self.assertFalse(ok)
                    self.assertIn(message, text)
        ok, text, _result = self.xmlrpc(
            self.teamadmin,
            "support.group",
            "write",
            [group_id],
            {"team_id": self.other_team.id},
        )
        self.assertFalse(ok)
        self.assertIn(NO_MOVE, text)
        ok, text, _result = self.xmlrpc(
            self.teamadmin, "support.group", "unlink", [group_id]
        )
        self.assertTrue(ok, text)
        self.assertFalse(group.exists())
        self.assertTrue(self.other_group.exists())

    def test_an_invitation_gives_no_more_than_its_profile(self):
        manager = ref(self.env, "group_support_manager")
        for profile in (
            manager,
            ref(self.env, "group_support_admin"),
            self.env.ref("base.group_system"),
        ):
            for name, (ok, text, _result) in self.both(
                self.teamadmin,
                "support.operator.invite",
                "create",
                {
                    "team_id": self.team.id,
                    "name": "Promosso",
                    "email": "promosso@example.com",
                    "profile_group_id": profile.id,
                },
            ):
                with self.subTest(profile=profile.name, transport=name):
                    self.assertFalse(ok)
                    self.assertIn(INVITE_PROFILES_ONLY, text)
        # an invitation written first, its profile changed afterwards
        ok, text, wizard_id = self.xmlrpc(
            self.teamadmin,
            "support.operator.invite",
            "create",
            {
                "team_id": self.team.id,
                "name": "Promosso",
                "email": "promosso@example.com",
                "profile_group_id": ref(self.env, "group_support_agent").id,
            },
        )
        self.assertTrue(ok, text)
        ok, text, _result = self.xmlrpc(
            self.teamadmin,
            "support.operator.invite",
            "write",
            [wizard_id],
            {"profile_group_id": manager.id},
        )
        self.assertFalse(ok)
        self.assertIn(INVITE_PROFILES_ONLY, text)
        # another user's invitation is theirs alone
        ok, text, _result = self.xmlrpc(
            self.resp_a, "support.operator.invite", "action_invite", [wizard_id]
        )
        self.assertFalse(ok)
        ok, text, _result = self.xmlrpc(
            self.teamadmin, "support.operator.invite", "action_invite", [wizard_id]
        )
        self.assertTrue(ok, text)
        user = self.env["res.users"].search([("login", "=", "promosso@example.com")])
        self.assertEqual(user.support_team_id, self.team)
        self.assertTrue(user.has_group("support_team_queue.group_support_agent"))
        self.assertFalse(user.has_group("support_team_queue.group_support_manager"))
        # and a user's groups stay a user administrator's
        ok, text, _result = self.xmlrpc(
            self.teamadmin,
            "res.users",
            "write",
            user.ids,
            {"groups_id": [(4, manager.id)]},  # link
        )
        self.assertFalse(ok)
        self.assertIn("not allowed to modify 'User'", text)
        self.env.invalidate_all()
        self.assertFalse(user.has_group("support_team_queue.group_support_manager"))
