"""Bad input over RPC: a clear error, and nothing changed."""

from .common import SupportHttpCase


class TestBadRpcInput(SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.new_ticket("Via tal Dei tali", group=cls.group_a)

    def call(self, user, model, method, *args, **kwargs):
        password = user.login + "x" * (8 - len(user.login))
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, model, method, list(args), kwargs
        )

    def assertRefusedUnchanged(self, user, model, method, *args, expect, **kwargs):
        snapshot = self.ticket.read(
            ["name", "priority", "user_id", "group_id", "state"]
        )
        with self.assertRpcRefused() as caught:
            self.call(user, model, method, *args, **kwargs)
        self.assertIn(expect, caught.exception.faultString)
        self.ticket.invalidate_recordset()
        self.assertEqual(
            self.ticket.read(["name", "priority", "user_id", "group_id", "state"]),
            snapshot,
        )

    def test_unknown_selection_value(self):
        self.assertRefusedUnchanged(
            self.resp_a,
            "support.ticket",
            "write",
            [self.ticket.id],
            {"priority": "9"},
            expect="Wrong value for support.ticket.priority",
        )

    def test_wrong_type_for_a_relation(self):
        self.assertRefusedUnchanged(
            self.resp_a,
            "support.ticket",
            "write",
            [self.ticket.id],
            {"group_id": "Gruppo B"},
            expect="expects a record id",
        )

    def test_unknown_operator_id(self):
        self.assertRefusedUnchanged(
            self.resp_a,
            "support.ticket",
            "write",
            [self.ticket.id],
            {"user_id": 987654321},
            expect="does not exist",
        )

    def test_unknown_field(self):
        self.assertRefusedUnchanged(
            self.resp_a,
            "support.ticket",
            "write",
            [self.ticket.id],
            {"no_such_field": 1},
            expect="Invalid field",
        )

    def test_group_of_another_team(self):
        other_team = self.env["support.team"].create({"name": "Altro Team"})
        foreign = self.env["support.group"].create(
            {"name": "Estero", "team_id": other_team.id}
        )
        self.assertRefusedUnchanged(
            self.supervisor,
            "support.ticket",
            "write",
            [self.ticket.id],
            {"group_id": foreign.id},
            expect="belongs to another team",
        )

    def test_role_cycle_over_rpc(self):
        admin = self.env.ref("base.user_admin")
        admin.password = "adminxxx"
        with self.assertRpcRefused() as caught:
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                admin.id,
                "adminxxx",
                "support.role",
                "write",
                [[self.role_supervisor.id], {"parent_id": self.role_tech_a.id}],
            )
        self.assertIn("cannot report to itself", caught.exception.faultString)
        self.role_supervisor.invalidate_recordset()
        self.assertFalse(self.role_supervisor.parent_id)

    def test_acting_on_a_missing_ticket(self):
        with self.assertRpcRefused() as caught:
            self.call(self.resp_a, "support.ticket", "action_take", [987654321])
        self.assertIn("does not exist", caught.exception.faultString)
