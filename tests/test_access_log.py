"""The access audit (support.access.log, SPEC "Beyond every anchor").

Every change of a field the ticket rules read is logged, from the same
place that replaces the access stamp (support.access.stamp.mixin): when,
who, which record, which field, before and after. Support Administrators
read every line, a team's administrator the lines about their team, nobody
else any; nobody creates, changes or deletes a line, with ``with_user`` and
over XML-RPC.
"""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .common import RpcTransportsMixin, SupportCase, SupportHttpCase
from .test_access_stamp import AccessFieldChangesMixin


class AccessLogMixin:
    @classmethod
    def setup_access_log_scenario(cls):
        cls.support_admin = new_test_user(
            cls.env,
            login="t_support_admin",
            name="Amministratore Supporto",
            groups="support_team_queue.group_support_admin",
        )
        # another team, with its own administrator and group
        cls.north_admin = new_test_user(
            cls.env,
            login="t_north_admin",
            name="Admin Nord",
            groups="support_team_queue.group_support_manager",
        )
        cls.north_operator = new_test_user(
            cls.env,
            login="t_north_operator",
            name="Operatore Nord",
            groups="support_team_queue.group_support_agent",
        )
        cls.north = cls.env["support.team"].create(
            {
                "name": "Team Nord",
                "admin_id": cls.north_admin.id,
                "operator_ids": [Command.link(cls.north_operator.id)],
            }
        )
        cls.group_north = cls.env["support.group"].create(
            {"name": "Gruppo Nord Riservato", "team_id": cls.north.id}
        )

    def new_lines(self, change):
        """The log lines ``change`` (a function) writes."""
        Log = self.env["support.access.log"]
        last = Log.search([], limit=1, order="id desc").id or 0
        change()
        return Log.search([("id", ">", last)], order="id")

    def line(self, lines, record, field_name=False):
        found = lines.filtered(
            lambda line: (
                line.model == record._name
                and line.res_id == record.id
                and line.field_name == field_name
            )
        )
        self.assertEqual(len(found), 1, f"one line for {record}, {field_name}")
        return found


class TestAccessLog(AccessLogMixin, AccessFieldChangesMixin, SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_access_log_scenario()

    def test_every_field_the_rules_read_is_logged(self):
        for model, changes in self.access_field_changes().items():
            for field, change in changes.items():
                with self.subTest(model=model, field=field):
                    lines = self.new_lines(change)
                    # a user's team is written through its teams
                    logged = "support_team_ids" if field == "support_team_id" else field
                    own = lines.filtered(
                        lambda line, model=model, logged=logged: (
                            line.model == model and line.field_name == logged
                        )
                    )
                    self.assertTrue(own, change.__doc__)
                    for line in own:
                        self.assertTrue(line.old_value or line.new_value)
                    self.assertEqual(set(own.mapped("change")), {"write"})

    def test_other_changes_are_not_logged(self):
        Log = self.env["support.access.log"]
        before = Log.search_count([])
        self.group_a.write({"name": "Gruppo A Nord", "description": "x", "color": 2})
        self.role_tech_a.name = "Tecnico A senior"
        self.team.expire_hours = 48
        self.tech_a.support_notify = False
        self.new_ticket("Nessun registro", group=self.group_a)
        self.assertEqual(Log.search_count([]), before)

    def test_a_member_added_by_a_support_administrator(self):
        lines = self.new_lines(
            lambda: self.group_b.with_user(self.support_admin).write(
                {"user_ids": [Command.link(self.tech_a.id)]}
            )
        )
        self.assertEqual(len(lines), 1)
        self.assertRecordValues(
            lines,
            [
                {
                    "model": "support.group",
                    "res_id": self.group_b.id,
                    "record_name": "Gruppo B",
                    "change": "write",
                    "field_name": "user_ids",
                    "field_description": "Users",
                    "old_value": False,
                    "new_value": self.tech_a.name,
                    "author_id": self.support_admin.id,
                    "team_ids": self.team.ids,
                }
            ],
        )
        self.assertTrue(lines.date)
        # and removed: the name is now on the side of what was before
        lines = self.new_lines(
            lambda: self.group_b.with_user(self.support_admin).write(
                {"user_ids": [Command.unlink(self.tech_a.id)]}
            )
        )
        self.assertEqual(lines.old_value, self.tech_a.name)
        self.assertFalse(lines.new_value)

    def test_holders_given_through_the_role_name_their_author(self):
        # the role writes its holders' users as superuser: the author is
        # still the administrator who changed the role
        old_role, new_role = self.role_tech_a, self.role_tech_b
        lines = self.new_lines(
            lambda: new_role.with_user(self.support_admin).write(
                {"user_ids": [Command.link(self.tech_a.id)]}
            )
        )
        self.assertEqual(set(lines.author_id), {self.support_admin})
        on_user = self.line(lines, self.tech_a, "support_role_id")
        self.assertEqual(on_user.old_value, old_role.display_name)
        self.assertEqual(on_user.new_value, new_role.display_name)
        self.assertEqual(on_user.team_ids, self.team)
        left = self.line(lines, old_role, "user_ids")
        self.assertEqual((left.old_value, left.new_value), (self.tech_a.name, False))
        joined = self.line(lines, new_role, "user_ids")
        self.assertEqual(
            (joined.old_value, joined.new_value), (False, self.tech_a.name)
        )
        self.assertEqual(joined.field_description, "Holders")

    def test_both_sides_of_the_team_operators(self):
        lines = self.new_lines(
            lambda: self.team.write({"operator_ids": [Command.unlink(self.loner.id)]})
        )
        on_team = self.line(lines, self.team, "operator_ids")
        self.assertEqual(on_team.old_value, self.loner.name)
        on_user = self.line(lines, self.loner, "support_team_ids")
        self.assertEqual(on_user.old_value, self.team.name)
        # the team they left still reads it, though they are in none now
        self.assertEqual(on_user.team_ids, self.team)
        # and from the user's side, moved to another team
        lines = self.new_lines(
            lambda: self.loner.write({"support_team_id": self.north.id})
        )
        on_user = self.line(lines, self.loner, "support_team_ids")
        self.assertEqual((on_user.old_value, on_user.new_value), (False, "Team Nord"))
        self.assertEqual(
            self.line(lines, self.north, "operator_ids").new_value, "Loner"
        )

    def test_nesting_is_logged_on_both_groups(self):
        lines = self.new_lines(
            lambda: self.group_a.write(
                {"member_group_ids": [Command.unlink(self.group_cc.id)]}
            )
        )
        self.assertEqual(
            self.line(lines, self.group_a, "member_group_ids").old_value, "Call Center"
        )
        self.assertEqual(
            self.line(lines, self.group_cc, "parent_group_ids").old_value, "Gruppo A"
        )

    def test_creation_and_deletion(self):
        Group = self.env["support.group"].with_user(self.teamadmin)
        lines = self.new_lines(
            lambda: Group.create(
                {
                    "name": "Gruppo Nuovo",
                    "team_id": self.team.id,
                    "user_ids": [Command.link(self.loner.id)],
                }
            )
        )
        group = Group.search([("name", "=", "Gruppo Nuovo")])
        created = self.line(lines, group, "user_ids")
        self.assertEqual(created.change, "create")
        self.assertEqual(created.new_value, "Loner")
        self.assertEqual(created.author_id, self.teamadmin)
        lines = self.new_lines(group.unlink)
        deleted = self.line(lines, group, "user_ids")
        self.assertEqual(deleted.change, "unlink")
        self.assertEqual((deleted.old_value, deleted.new_value), ("Loner", False))
        self.assertEqual(deleted.record_name, "Gruppo Nuovo")
        self.assertEqual(deleted.team_ids, self.team)
        # a bare role, created and deleted: one line each, no field
        Role = self.env["support.role"].with_user(self.support_admin)
        lines = self.new_lines(lambda: Role.create({"name": "Ruolo Vuoto"}))
        role = Role.search([("name", "=", "Ruolo Vuoto")])
        self.assertEqual(self.line(lines, role).change, "create")
        self.assertEqual(self.line(self.new_lines(role.unlink), role).change, "unlink")
        # a sharing rule
        Rule = self.env["support.sharing.rule"].with_user(self.support_admin)
        lines = self.new_lines(
            lambda: Rule.create(
                {
                    "team_id": self.team.id,
                    "source_group_id": self.group_a.id,
                    "target_user_id": self.tech_b.id,
                }
            )
        )
        rule = Rule.search([("target_user_id", "=", self.tech_b.id)])
        self.assertEqual(self.line(lines, rule, "target_user_id").new_value, "Tech B")
        self.assertEqual(
            self.line(lines, rule, "source_group_id").new_value, "Gruppo A"
        )
        lines = self.new_lines(rule.unlink)
        self.assertEqual(self.line(lines, rule, "target_user_id").old_value, "Tech B")
        self.assertEqual(set(lines.mapped("change")), {"unlink"})

    def test_who_reads_the_log(self):
        team_line = self.new_lines(
            lambda: self.group_b.write({"user_ids": [Command.link(self.tech_a.id)]})
        )
        north_line = self.new_lines(
            lambda: self.group_north.write(
                {"user_ids": [Command.link(self.north_operator.id)]}
            )
        )
        role_line = self.new_lines(
            lambda: self.role_tech_b.write({"parent_id": self.role_resp_a.id})
        )
        every = team_line | north_line | role_line
        Log = self.env["support.access.log"]

        def readable(user):
            return Log.with_user(user).search([("id", "in", every.ids)])

        self.assertEqual(readable(self.support_admin), every)
        # a team's administrator: their team's lines only
        self.assertEqual(readable(self.teamadmin), team_line)
        self.assertEqual(readable(self.north_admin), north_line)
        # nothing of the other team, not even its group's name
        self.assertFalse(
            Log.with_user(self.teamadmin).search(
                [("record_name", "ilike", "Riservato")]
            )
        )
        self.assertFalse(
            Log.with_user(self.teamadmin).search_count(
                [("new_value", "ilike", "Operatore Nord")]
            )
        )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            north_line.with_user(self.teamadmin).read(["record_name"])
        # operators who administer no team, whatever their profile
        for user in (self.tech_a, self.resp_a, self.supervisor, self.callcenter):
            with self.subTest(user=user.login):
                self.assertFalse(readable(user))
        portal = new_test_user(
            self.env, login="t_portal_log", groups="base.group_portal"
        )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Log.with_user(portal).search([])

    def test_another_companys_team_stays_out_of_sight(self):
        """A user of both companies moved from a team of one to a team of the
        other: the line names both teams, so a Support Administrator of only
        one company does not read it."""
        company_b, team_b = self.other_company_desk()
        team_b.name = "Team Segreto B"
        self.loner.company_ids = [Command.link(company_b.id)]
        lines = self.new_lines(lambda: self.loner.write({"support_team_id": team_b.id}))
        on_user = self.line(lines, self.loner, "support_team_ids")
        self.assertEqual(on_user.team_ids, self.team | team_b)
        Log = self.env["support.access.log"].with_user(self.support_admin)
        self.assertEqual(self.support_admin.company_ids, self.env.company)
        # the line on the team of their company stays; the others go
        self.assertEqual(
            Log.search([("id", "in", lines.ids)]),
            self.line(lines, self.team, "operator_ids"),
        )
        self.assertFalse(Log.search([("new_value", "ilike", "Segreto")]))
        self.assertFalse(Log.search([("record_name", "ilike", "Segreto")]))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            on_user.with_user(self.support_admin).read(["new_value"])
        # a Support Administrator of both companies reads it
        self.support_admin.company_ids = [Command.link(company_b.id)]
        both = Log.with_context(allowed_company_ids=[self.env.company.id, company_b.id])
        self.assertIn(on_user, both.search([("id", "in", lines.ids)]))

    def test_an_archived_team_of_another_company_stays_out_of_sight(self):
        """Archiving a team moves none of its lines into another company:
        a line on a team of Azienda B stays unread by a Support
        Administrator of the first company only."""
        company_b, team_b = self.other_company_desk()
        team_b.name = "Team Segreto B"
        lines = self.new_lines(lambda: team_b.write({"ticket_access": "public_read"}))
        self.assertTrue(lines)
        self.assertEqual(lines.team_ids, team_b)
        team_b.action_archive()
        Log = self.env["support.access.log"].with_user(self.support_admin)
        self.assertEqual(self.support_admin.company_ids, self.env.company)
        self.assertFalse(Log.search([("id", "in", lines.ids)]))
        self.assertFalse(Log.search([("record_name", "ilike", "Segreto")]))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            lines.with_user(self.support_admin).read(["new_value"])

    def test_nobody_changes_the_log(self):
        line = self.new_lines(
            lambda: self.group_b.write({"user_ids": [Command.link(self.tech_a.id)]})
        )
        Log = self.env["support.access.log"]
        for user in (
            self.support_admin,
            self.teamadmin,
            self.env.ref("base.user_admin"),
        ):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError), mute_logger("odoo.models"):
                    line.with_user(user).write({"new_value": "Nessuno"})
                with self.assertRaises(AccessError), mute_logger("odoo.models"):
                    line.with_user(user).unlink()
                with self.assertRaises(AccessError), mute_logger("odoo.models"):
                    Log.with_user(user).create(
                        {
                            "model": "support.group",
                            "res_id": self.group_b.id,
                            "change": "write",
                        }
                    )
        self.assertEqual(line.new_value, self.tech_a.name)

    def test_a_membership_change_stays_cheap(self):
        # the stamp, the values before and after, the names and the line,
        # in a fixed number of queries (19 measured for one member), none
        # for each member added
        def queries_to_add(users):
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.group_b.write({"user_ids": [Command.link(user.id) for user in users]})
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        self.assertLessEqual(queries_to_add(self.tech_a), 24)
        self.assertLessEqual(
            queries_to_add(self.loner | self.callcenter | self.teamadmin), 24
        )


class TestAccessLogRpc(AccessLogMixin, RpcTransportsMixin, SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_access_log_scenario()

    def test_read_but_never_changed_over_rpc(self):
        self.group_b.write({"user_ids": [Command.link(self.tech_a.id)]})
        line = self.env["support.access.log"].search(
            [
                ("model", "=", "support.group"),
                ("res_id", "=", self.group_b.id),
                ("change", "=", "write"),
            ]
        )
        self.assertEqual(len(line), 1)
        fields = ["record_name", "field_name", "new_value"]
        for user in (self.support_admin, self.teamadmin):
            with self.subTest(user=user.login):
                ok, _raw, result = self.xmlrpc(
                    user, "support.access.log", "read", line.ids, fields
                )
                self.assertTrue(ok, _raw)
                self.assertEqual(result[0]["new_value"], self.tech_a.name)
                for method, args in (
                    ("write", [line.ids, {"new_value": "Nessuno"}]),
                    ("unlink", [line.ids]),
                    (
                        "create",
                        [{"model": "support.group", "res_id": 1, "change": "write"}],
                    ),
                ):
                    ok, raw, _result = self.xmlrpc(
                        user, "support.access.log", method, *args
                    )
                    self.assertFalse(ok, f"{method} by {user.login}")
                    self.assertIn("No group currently allows this operation", raw)
        # an operator reads nothing
        ok, _raw, result = self.xmlrpc(
            self.tech_a, "support.access.log", "search_read", [], fields
        )
        self.assertTrue(ok)
        self.assertEqual(result, [])
        self.env.invalidate_all()
        self.assertEqual(line.new_value, self.tech_a.name)
        self.assertTrue(line.exists())


class TestAccessLogButtons(AccessLogMixin, SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_access_log_scenario()

    def form_arch(self, user, model, view=False):
        views = self.env[model].with_user(user).get_views([(view, "form")])
        return views["views"]["form"]["arch"]

    def test_the_user_form_has_it_for_support_administrators_only(self):
        # the full user form, where the Support tab is (Settings > Users)
        form = self.env.ref("base.view_users_form").id
        self.assertIn(
            'name="action_support_access_log"',
            self.form_arch(self.support_admin, "res.users", form),
        )
        # an Access Rights administrator outside Support still gets the form
        rights_admin = new_test_user(
            self.env, login="t_rights_admin", groups="base.group_erp_manager"
        )
        arch = self.form_arch(rights_admin, "res.users", form)
        self.assertNotIn('name="action_support_access_log"', arch)
        self.assertIn("<form", arch)

    def test_the_forms_open_their_records_log(self):
        self.group_b.write({"user_ids": [Command.link(self.tech_a.id)]})
        for user, record in (
            (self.support_admin, self.group_b),
            (self.support_admin, self.role_tech_a),
            (self.support_admin, self.tech_a),
            (self.teamadmin, self.team),
            (self.teamadmin, self.group_b),
        ):
            with self.subTest(user=user.login, record=record.display_name):
                action = record.with_user(user).action_support_access_log()
                self.assertEqual(action["res_model"], "support.access.log")
                lines = (
                    self.env["support.access.log"]
                    .with_user(user)
                    .search(action["domain"])
                )
                self.assertTrue(lines)
                self.assertEqual(set(lines.mapped("res_id")), {record.id})
                self.assertEqual(set(lines.mapped("model")), {record._name})
