"""Every change of membership, role or hierarchy applies on the next call,
with no recalculation step."""

from odoo import Command

from .common import SupportCase


class TestDynamicChanges(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_tech_b = cls.new_ticket("Di Luca", user=cls.tech_b)
        cls.ticket_a = cls.new_ticket("Gruppo A", group=cls.group_a)

    def test_moving_a_role_under_another_branch(self):
        self.assertNotSees(self.resp_a, self.ticket_tech_b)
        self.role_tech_b.parent_id = self.role_resp_a
        self.assertSees(self.resp_a, self.ticket_tech_b)
        self.assertNotSees(self.resp_b, self.ticket_tech_b)

    def test_moving_a_whole_branch(self):
        # Responsabile B (with Tecnico B below) now reports to Responsabile A
        self.role_resp_b.parent_id = self.role_resp_a
        self.assertSees(self.resp_a, self.ticket_tech_b)
        self.assertSees(self.resp_b, self.ticket_tech_b)
        self.assertSees(self.supervisor, self.ticket_tech_b)

    def test_changing_a_users_role(self):
        self.assertNotSees(self.resp_a, self.ticket_tech_b)
        self.tech_b.support_role_id = self.role_tech_a
        self.assertSees(self.resp_a, self.ticket_tech_b)
        self.assertNotSees(self.resp_b, self.ticket_tech_b)

    def test_promoting_the_viewer(self):
        # the viewer's own role changes: the cached rule must not go stale
        self.assertNotSees(self.loner, self.ticket_tech_b)
        self.loner.support_role_id = self.role_resp_b
        self.assertSees(self.loner, self.ticket_tech_b)
        self.loner.support_role_id = self.role_callcenter
        self.assertNotSees(self.loner, self.ticket_tech_b)

    def test_changing_role_changes_group_membership(self):
        self.assertSees(self.tech_a, self.ticket_a)
        self.tech_a.support_role_id = self.role_tech_b
        self.assertNotSees(self.tech_a, self.ticket_a)

    def test_adding_and_removing_a_group_member(self):
        self.assertNotSees(self.loner, self.ticket_a)
        self.group_a.user_ids = [Command.link(self.loner.id)]
        self.assertSees(self.loner, self.ticket_a)
        self.group_a.user_ids = [Command.unlink(self.loner.id)]
        self.assertNotSees(self.loner, self.ticket_a)

    def test_member_of_a_nested_group_follows_the_nested_group(self):
        self.assertSees(self.callcenter, self.ticket_a)
        self.group_cc.user_ids = [Command.unlink(self.callcenter.id)]
        self.assertNotSees(self.callcenter, self.ticket_a)
        self.group_cc.user_ids = [Command.link(self.loner.id)]
        self.assertSees(self.loner, self.ticket_a)

    def test_archiving_a_nested_group_ends_the_access_through_it(self):
        # an archived group is retired: Call Center's members no longer reach
        # Gruppo A's tickets through it, and do again once it is restored
        self.assertSees(self.callcenter, self.ticket_a)
        self.group_cc.active = False
        self.assertNotIn(self.callcenter, self.group_a.effective_user_ids)
        self.assertNotSees(self.callcenter, self.ticket_a)
        self.group_cc.active = True
        self.assertSees(self.callcenter, self.ticket_a)

    def test_a_user_archived_and_restored_keeps_their_groups(self):
        # Tecnico A is in Gruppo A by role; while Tecnico A is archived, the
        # group's members change: restored, Tecnico A is a member again
        self.tech_a.active = False
        self.env.invalidate_all()  # each change a request of its own
        self.group_a.user_ids = [Command.link(self.loner.id)]
        self.env.invalidate_all()
        self.tech_a.active = True
        self.env.invalidate_all()
        self.assertIn(self.tech_a, self.group_a.effective_user_ids)
        self.assertIn(self.tech_a, self.role_resp_a.subtree_user_ids)
        self.assertSees(self.tech_a, self.ticket_a)
        # and a holder of a subordinate role, archived while the tree
        # changed, is seen by the superior once restored
        ticket_tech_a = self.new_ticket("Di Tecnico A", user=self.tech_a)
        self.tech_a.active = False
        self.env.invalidate_all()
        self.role_tech_b.parent_id = self.role_resp_a
        self.env.invalidate_all()
        self.tech_a.active = True
        self.env.invalidate_all()
        self.assertSees(self.resp_a, ticket_tech_a)

    def test_nesting_a_group(self):
        ticket_b = self.new_ticket("Gruppo B", group=self.group_b)
        self.assertNotSees(self.resp_a, ticket_b)
        self.group_b.member_group_ids = [Command.link(self.group_a.id)]
        self.assertSees(self.resp_a, ticket_b)
        self.assertSees(self.tech_a, ticket_b)
        self.group_b.member_group_ids = [Command.unlink(self.group_a.id)]
        self.assertNotSees(self.resp_a, ticket_b)

    def test_nesting_two_levels_deep(self):
        Group = self.env["support.group"]
        inner = Group.create(
            {
                "name": "Interno",
                "team_id": self.team.id,
                "user_ids": [Command.link(self.loner.id)],
            }
        )
        middle = Group.create(
            {
                "name": "Medio",
                "team_id": self.team.id,
                "member_group_ids": [Command.link(inner.id)],
            }
        )
        outer = Group.create(
            {
                "name": "Esterno",
                "team_id": self.team.id,
                "member_group_ids": [Command.link(middle.id)],
            }
        )
        ticket = self.new_ticket("Esterno", group=outer)
        self.assertSees(self.loner, ticket)
        inner.user_ids = [Command.clear()]
        self.assertNotSees(self.loner, ticket)

    def test_role_with_subordinates_member(self):
        ticket = self.new_ticket("Responsabili e sotto", group=self.group_cc)
        self.assertNotSees(self.tech_b, ticket)
        self.group_cc.role_subtree_ids = [Command.link(self.role_resp_b.id)]
        self.assertSees(self.resp_b, ticket)
        self.assertSees(self.tech_b, ticket)
        # a new subordinate role below Responsabile B is covered at once
        role_junior = self.env["support.role"].create(
            {"name": "Junior B", "parent_id": self.role_tech_b.id}
        )
        self.loner.support_role_id = role_junior
        self.assertSees(self.loner, ticket)

    def test_role_member_only_the_holders_of_that_role(self):
        self.assertEqual(
            self.group_a.effective_user_ids,
            self.resp_a | self.tech_a | self.callcenter,
        )
        role_junior = self.env["support.role"].create(
            {"name": "Junior A", "parent_id": self.role_tech_a.id}
        )
        self.loner.support_role_id = role_junior
        self.assertNotIn(self.loner, self.group_a.effective_user_ids)
        self.assertNotSees(self.loner, self.ticket_a)

    def test_joining_an_open_team(self):
        self.team.queue_mode = "open"
        unassigned = self.new_ticket("In sospeso")
        newcomer = self.env["res.users"].create(
            {
                "name": "Nuovo",
                "login": "nuovo",
                "groups_id": [
                    Command.link(
                        self.env.ref("support_team_queue.group_support_agent").id
                    )
                ],
            }
        )
        self.assertNotSees(newcomer, unassigned)
        self.team.operator_ids = [Command.link(newcomer.id)]
        self.assertSees(newcomer, unassigned)
        self.team.operator_ids = [Command.unlink(newcomer.id)]
        self.assertNotSees(newcomer, unassigned)

    def test_changing_team_admin(self):
        unassigned = self.new_ticket("In sospeso")
        self.assertNotSees(self.resp_a, unassigned)
        self.team.admin_id = self.resp_a
        self.assertSees(self.resp_a, unassigned)
        self.assertNotSees(self.teamadmin, unassigned)
