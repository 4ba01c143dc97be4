"""Bulk actions on the tickets selected in the queue (seed 002): Take,
Close, Assign; each ticket checked as the form checks it; a refusal names
the tickets refused and changes none of the selection. Take and Close on
each row (the seed's padlock)."""

from lxml import etree

from odoo.exceptions import AccessError, UserError

from .common import RpcTransportsMixin, SupportCase, SupportHttpCase


class BulkCase(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls.new_ticket("Primo", group=cls.group_a)
        cls.second = cls.new_ticket("Secondo", group=cls.group_b)
        # read, not change: shared with the call center for reading only
        cls.env["support.sharing.rule"].create(
            {
                "team_id": cls.team.id,
                "source_role_id": cls.role_tech_b.id,
                "target_user_id": cls.callcenter.id,
                "access": "read",
            }
        )
        cls.read_only = cls.new_ticket("Solo lettura", user=cls.tech_b)

    def run_bound(self, method, user, tickets):
        """What the list's header button does: the method on the selection."""
        return getattr(tickets.with_user(user), method)()


class TestBulkTakeAndClose(BulkCase):
    def test_take_the_selection(self):
        tickets = self.first | self.second
        self.run_bound("action_take", self.callcenter, tickets)
        self.assertEqual(tickets.mapped("user_id"), self.callcenter)
        self.assertEqual(set(tickets.mapped("state")), {"in_progress"})

    def test_a_refused_ticket_is_named_and_nothing_changes(self):
        self.assertSees(self.callcenter, self.read_only)
        tickets = self.first | self.second | self.read_only
        for method in (
            "action_take",
            "action_close",
        ):
            with (
                self.subTest(action=method),
                self.assertRefused(
                    AccessError, f"You may not change {self.read_only.number}"
                ) as caught,
            ):
                self.run_bound(method, self.callcenter, tickets)
            self.assertNotIn(self.first.number, str(caught.exception))
            self.assertIn("none of the 3 selected tickets", str(caught.exception))
            self.assertEqual(set(tickets.mapped("state")), {"new"})

    def test_close_the_selection(self):
        tickets = self.first | self.second
        self.run_bound("action_close", self.callcenter, tickets)
        self.assertEqual(set(tickets.mapped("state")), {"closed"})

    def test_the_list_carries_take_close_and_assign(self):
        for user, shown in ((self.callcenter, True), (self.tech_a, False)):
            arch = (
                self.env["support.ticket"]
                .with_user(user)
                .get_views([(False, "list")])["views"]["list"]["arch"]
            )
            tree = etree.fromstring(arch)
            rows = {node.get("name") for node in tree.xpath("/list/button")}
            header = {node.get("string") for node in tree.xpath("/list/header/button")}
            with self.subTest(user=user.login):
                self.assertEqual({"action_take", "action_close"} <= rows, shown, rows)
                self.assertEqual({"Take", "Close", "Assign"} <= header, shown, header)


class TestBulkAssign(BulkCase):
    def assign(self, user, tickets, **vals):
        wizard = (
            self.env["support.ticket.assign"]
            .with_user(user)
            .with_context(active_model="support.ticket", active_ids=tickets.ids)
            .create(vals)
        )
        return wizard.action_assign()

    def test_assign_a_group_and_an_operator(self):
        tickets = self.first | self.second
        self.assign(self.callcenter, tickets, group_id=self.group_b.id)
        self.assertEqual(tickets.mapped("group_id"), self.group_b)
        self.assign(self.teamadmin, tickets, user_id=self.loner.id)
        self.assertEqual(tickets.mapped("user_id"), self.loner)

    def test_a_ticket_of_another_team_is_named_and_nothing_changes(self):
        other_team = self.env["support.team"].create({"name": "Altro Team"})
        elsewhere = self.new_ticket("Altrove", user=self.supervisor, team=other_team)
        tickets = self.first | elsewhere
        with self.assertRefused(
            UserError, f"{elsewhere.number} cannot go to group Gruppo B"
        ):
            self.assign(self.supervisor, tickets, group_id=self.group_b.id)
        self.assertEqual(self.first.group_id, self.group_a)

    def test_a_ticket_one_may_not_change_is_named(self):
        tickets = self.first | self.read_only
        with self.assertRefused(
            AccessError, f"You may not change {self.read_only.number}"
        ):
            self.assign(self.callcenter, tickets, group_id=self.group_b.id)
        self.assertEqual(self.first.group_id, self.group_a)

    def test_nothing_to_assign(self):
        with self.assertRefused(UserError, "Choose a group, an operator, or both"):
            self.assign(self.callcenter, self.first)


class TestBulkOverRpc(RpcTransportsMixin, SupportHttpCase):
    def test_take_several_over_rpc_names_the_refused(self):
        outsider_ticket = self.new_ticket("Del tecnico B", user=self.tech_b)
        mine = self.new_ticket("Del gruppo A", group=self.group_a)
        self.env["support.sharing.rule"].create(
            {
                "team_id": self.team.id,
                "source_role_id": self.role_tech_b.id,
                "target_user_id": self.callcenter.id,
                "access": "read",
            }
        )
        self.env.flush_all()
        ok, text, _result = self.xmlrpc(
            self.callcenter,
            "support.ticket",
            "action_take",
            (mine | outsider_ticket).ids,
        )
        self.assertFalse(ok)
        self.assertIn(f"You may not change {outsider_ticket.number}", text)
        self.env.invalidate_all()
        self.assertFalse(mine.user_id)


class TestAssignDialogTellsNothing(BulkCase):
    def test_a_ticket_one_may_not_read_is_not_shown_in_the_dialog(self):
        secret = self.new_ticket("Segreto di Gruppo B QZX-3", user=self.resp_b)
        self.assertNotSees(self.callcenter, secret)
        wizard = (
            self.env["support.ticket.assign"]
            .with_user(self.callcenter)
            .with_context(
                active_model="support.ticket", active_ids=(self.first | secret).ids
            )
            .create({"group_id": self.group_b.id})
        )
        try:
            shown = repr(
                wizard.web_read({"ticket_ids": {"fields": {"display_name": {}}}})
            )
        except AccessError:
            shown = ""
        self.assertNotIn("QZX-3", shown)
        # refused, naming the ticket by its id only, and nothing changes
        with self.assertRefused(AccessError, f"You may not change Ticket #{secret.id}"):
            wizard.action_assign()
        self.assertEqual(self.first.group_id, self.group_a)
        self.assertFalse(secret.group_id)
