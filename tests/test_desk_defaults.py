"""Defaults of a desk (seed 001, seed 004): requests by e-mail and from the
portal take the team's default priority; installed, the addon has a team
and a portal group ready (without demo data: tests/test_install.py)."""

from odoo.addons.support_team_queue.hooks import create_default_desk, post_init_hook

from .common import MODULE, ref
from .test_mail_intake import MailIntakeCase


class TestDefaultPriority(MailIntakeCase):
    def test_an_email_request_takes_the_teams_priority(self):
        self.team.default_priority = "2"
        self.receive()
        self.assertEqual(self.tickets().priority, "2")

    def test_a_portal_request_too_and_a_given_priority_stays(self):
        self.team.default_priority = "3"
        Ticket = self.env["support.ticket"]
        portal = Ticket.create(
            {"name": "Portale", "team_id": self.team.id, "channel": "portal"}
        )
        self.assertEqual(portal.priority, "3")
        given = Ticket.create(
            {
                "name": "Portale",
                "team_id": self.team.id,
                "channel": "portal",
                "priority": "0",
            }
        )
        self.assertEqual(given.priority, "0")

    def test_a_call_taken_in_the_backend_keeps_normal(self):
        self.team.default_priority = "3"
        ticket = self.new_ticket("Telefonata", as_user=self.callcenter)
        self.assertEqual(ticket.priority, "1")


class TestDeskOutOfTheBox(MailIntakeCase):
    """The install hook (support_team_queue/hooks.py); installed without
    demo data: tests/test_install.py."""

    def test_no_second_desk_beside_one_that_exists(self):
        teams = self.env["support.team"].search_count([])
        post_init_hook(self.env)
        self.assertEqual(self.env["support.team"].search_count([]), teams)
        self.assertFalse(self.env.ref(f"{MODULE}.team_support", False))

    def test_the_support_team_and_its_general_group(self):
        team = create_default_desk(self.env)
        self.assertEqual(team, ref(self.env, "team_support"))
        self.assertEqual(team.admin_id, self.env.ref("base.user_admin"))
        self.assertEqual(team.alias_name, "support")
        general = ref(self.env, "group_general")
        self.assertEqual(general.team_id, team)
        self.assertTrue(general.portal_visible)

    def test_an_alias_of_that_name_is_left_alone(self):
        other = self.env["support.team"].create(
            {"name": "Già qui", "alias_name": "support"}
        )
        team = create_default_desk(self.env)
        self.assertFalse(team.alias_name)
        self.assertEqual(other.alias_name, "support")
