"""Bad input gets a clear error and changes nothing."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .common import SupportCase


class TestRefusedInput(SupportCase):
    def test_role_cycle_is_refused(self):
        with self.assertRefused(ValidationError, "subordinates"):
            self.role_supervisor.parent_id = self.role_tech_a
        self.assertFalse(self.role_supervisor.parent_id)
        self.assertEqual(self.role_tech_a.parent_id, self.role_resp_a)

    def test_role_reporting_to_itself_is_refused(self):
        with self.assertRefused(ValidationError, "subordinates"):
            self.role_resp_a.parent_id = self.role_resp_a
        self.assertEqual(self.role_resp_a.parent_id, self.role_supervisor)

    def test_group_cycle_is_refused(self):
        with self.assertRefused(ValidationError, "cannot contain itself"):
            self.group_cc.member_group_ids = [Command.link(self.group_a.id)]
        self.assertFalse(self.group_cc.member_group_ids)
        self.assertEqual(self.group_cc.effective_user_ids, self.callcenter)

    def test_group_containing_itself_is_refused(self):
        with self.assertRefused(ValidationError, "cannot contain itself"):
            self.group_a.member_group_ids = [Command.link(self.group_a.id)]
        self.assertEqual(self.group_a.member_group_ids, self.group_cc)

    def test_second_team_for_a_user_is_refused(self):
        with self.assertRefused(ValidationError, "one support team at most"):
            self.env["support.team"].create(
                {"name": "Secondo Team", "operator_ids": [Command.link(self.tech_a.id)]}
            )
        self.assertEqual(self.tech_a.support_team_id, self.team)
        self.assertFalse(
            self.env["support.team"].search([("name", "=", "Secondo Team")])
        )

    def test_second_team_from_the_user_side_is_refused(self):
        other = self.env["support.team"].create({"name": "Secondo Team"})
        with self.assertRefused(ValidationError, "one support team at most"):
            self.tech_a.support_team_ids = [Command.link(other.id)]
        self.assertEqual(self.tech_a.support_team_ids, self.team)

    def test_moving_a_user_to_another_team(self):
        other = self.env["support.team"].create({"name": "Secondo Team"})
        self.tech_a.support_team_id = other
        self.assertEqual(self.tech_a.support_team_id, other)
        self.assertNotIn(self.tech_a, self.team.operator_ids)

    def test_read_only_user_write_is_refused(self):
        ticket = self.new_ticket("Gruppo A", group=self.group_a)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            ticket.with_user(self.tech_a).write({"name": "Cambiato", "priority": "3"})
        ticket.invalidate_recordset()
        self.assertEqual(ticket.name, "Gruppo A")
        self.assertEqual(ticket.priority, "1")

    def test_read_only_user_leaves_the_activities_of_others_alone(self):
        # Tecnico A reads Gruppo A's tickets and may post on them, but
        # schedules no work for others, nor changes or cancels theirs
        ticket = self.new_ticket("Gruppo A", group=self.group_a)
        todo = "mail.mail_activity_data_todo"
        theirs = ticket.activity_schedule(todo, user_id=self.resp_a.id, summary="Ric")
        as_tech = ticket.with_user(self.tech_a)
        refused = [
            lambda: as_tech.activity_schedule(todo, user_id=self.resp_a.id),
            lambda: theirs.with_user(self.tech_a).write({"summary": "Cambiato"}),
            lambda: theirs.with_user(self.tech_a).unlink(),
            lambda: theirs.with_user(self.tech_a).action_feedback("Fatto"),
        ]
        for attempt in refused:
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                attempt()
        self.assertEqual(theirs.summary, "Ric")
        self.assertEqual(ticket.activity_ids, theirs)
        # their own reminder is theirs: scheduled, changed, done
        mine = as_tech.activity_schedule(todo, user_id=self.tech_a.id, summary="Io")
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            mine.write({"user_id": self.resp_a.id})  # handed to someone else
        mine.write({"summary": "Io, domani", "user_id": self.tech_a.id})
        mine.action_feedback("Fatto")
        self.assertEqual(ticket.activity_ids, theirs)
        # the call center, who may change Gruppo A's tickets, may
        as_agent = ticket.with_user(self.callcenter)
        as_agent.activity_schedule(todo, user_id=self.resp_a.id, summary="Altro")
        theirs.with_user(self.callcenter).write({"summary": "Ric, domani"})
        self.assertEqual(theirs.summary, "Ric, domani")
        self.assertEqual(len(ticket.activity_ids), 2)

    def test_chatter_forges_no_history(self):
        # a post's tracking values are Odoo's: a user's would forge or
        # delete the ticket's change history
        ticket = self.new_ticket("Gruppo A", group=self.group_a)
        state = self.env["ir.model.fields"]._get("support.ticket", "state")
        logged = ticket._message_log(
            body="Stato",
            tracking_value_ids=[
                Command.create(
                    {
                        "field_id": state.id,
                        "old_value_char": "New",
                        "new_value_char": "In Progress",
                    }
                )
            ],
        )
        recorded = logged.sudo().tracking_value_ids
        forged = Command.create(
            {"field_id": state.id, "old_value_char": "New", "new_value_char": "Closed"}
        )
        for user in (self.tech_a, self.callcenter):
            for commands in ([forged], [Command.delete(recorded.id)]):
                with (
                    self.subTest(user=user.login, commands=commands),
                    self.assertRefused(AccessError, "written by Odoo only"),
                ):
                    ticket.with_user(user).message_post(
                        body="n", message_type="comment", tracking_value_ids=commands
                    )
        self.assertTrue(recorded.exists())
        self.assertEqual(ticket.message_ids.sudo().tracking_value_ids, recorded)

    def test_chatter_takes_no_files_of_others(self):
        # a reader posts their own uploads only; a message edit that drops a
        # file deletes it, so a colleague's or another record's file must
        # never ride on a reader's message
        ticket = self.new_ticket("Gruppo A", group=self.group_a)
        Attachment = self.env["ir.attachment"]
        colleagues = Attachment.with_user(self.resp_a).create(
            {
                "name": "rapporto.txt",
                "raw": b"r",
                "res_model": ticket._name,
                "res_id": ticket.id,
            }
        )
        elsewhere = Attachment.create(
            {
                "name": "contratto.txt",
                "raw": b"c",
                "res_model": "res.partner",
                "res_id": self.callcenter.partner_id.id,
            }
        )

        def upload(user):
            return Attachment.with_user(user).create(
                {
                    "name": "foto.png",
                    "raw": b"f",
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )

        as_tech = ticket.with_user(self.tech_a)
        for files in (colleagues, elsewhere, upload(self.tech_a) | colleagues):
            with (
                self.subTest(files=files.mapped("name")),
                self.assertRefused(AccessError, "only the files you uploaded"),
            ):
                as_tech.message_post(body="n", attachment_ids=files.ids)
        # their own upload rides, and they may drop it again
        own = upload(self.tech_a)
        message = as_tech.message_post(
            body="foto", message_type="comment", attachment_ids=own.ids
        )
        self.assertEqual(message.attachment_ids, own)
        self.assertEqual((own.res_model, own.res_id), (ticket._name, ticket.id))
        # as /mail/message/update_content calls it: the author's message in sudo
        message = message.sudo()
        as_tech._message_update_content(message, "foto", attachment_ids=own.ids)
        with self.assertRefused(AccessError, "only the files you uploaded"):
            as_tech._message_update_content(
                message, "foto", attachment_ids=(own | colleagues).ids
            )
        as_tech._message_update_content(message, "niente", attachment_ids=[])
        self.assertFalse(own.exists())
        # the call center, who may change the ticket, may carry its files,
        # never another record's
        as_agent = ticket.with_user(self.callcenter)
        sent = as_agent.message_post(body="inoltro", attachment_ids=colleagues.ids)
        self.assertEqual(sent.attachment_ids, colleagues)
        with self.assertRefused(AccessError, "only the files you uploaded"):
            as_agent.message_post(body="n", attachment_ids=elsewhere.ids)
        self.assertTrue((colleagues | elsewhere).exists())

    def test_read_only_user_cannot_close(self):
        ticket = self.new_ticket("Gruppo A", group=self.group_a)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            ticket.with_user(self.tech_a).action_close()
        self.assertEqual(ticket.state, "new")

    def test_moving_a_ticket_into_a_team_not_ones_own_is_refused(self):
        # create is allowed in one's own team only: a write must not put a
        # ticket where its writer could not have created it
        other = self.env["support.team"].create({"name": "Secondo Team"})
        ticket = self.new_ticket("Del call center", user=self.callcenter)
        with (
            self.assertRefused(AccessError, "only into a team you work in"),
            mute_logger("odoo.models"),
        ):
            # (without its operator, who is no operator of the other team)
            ticket.with_user(self.callcenter).write(
                {"team_id": other.id, "user_id": False}
            )
        self.assertEqual(ticket.team_id, self.team)
        # within their own team, or as a supervisor anywhere, it moves
        ticket.with_user(self.callcenter).write({"team_id": self.team.id})
        # a form saved with the same team moves nothing: allowed to whoever
        # may write the ticket, an operator of no team through a share too
        outsider = new_test_user(
            self.env,
            login="t_outsider",
            groups="base.group_user,support_team_queue.group_support_agent",
        )
        self.assertFalse(outsider.support_team_id)
        self.env["support.sharing.rule"].create(
            {
                "team_id": self.team.id,
                "source_role_id": self.role_callcenter.id,
                "target_user_id": outsider.id,
                "access": "write",
            }
        )
        ticket.with_user(outsider).write({"team_id": self.team.id, "priority": "2"})
        self.assertEqual(ticket.priority, "2")
        ticket.with_user(self.supervisor).write({"team_id": other.id, "user_id": False})
        self.assertEqual(ticket.team_id, other)

    def test_group_of_another_team_is_refused(self):
        other = self.env["support.team"].create({"name": "Secondo Team"})
        foreign_group = self.env["support.group"].create(
            {"name": "Estero", "team_id": other.id}
        )
        with self.assertRefused(ValidationError, "belongs to another team"):
            self.new_ticket("Sbagliato", group=foreign_group)

    def test_nesting_a_group_of_another_team_is_refused(self):
        other = self.env["support.team"].create({"name": "Secondo Team"})
        foreign_group = self.env["support.group"].create(
            {"name": "Estero", "team_id": other.id}
        )
        with self.assertRaises(ValidationError):
            self.group_a.member_group_ids = [Command.link(foreign_group.id)]

    def test_taking_a_closed_ticket_is_refused(self):
        ticket = self.new_ticket("Chiuso", user=self.resp_a)
        ticket.action_close()
        with self.assertRefused(UserError, "reopen it first"):
            ticket.with_user(self.resp_a).action_take()
        self.assertEqual(ticket.state, "closed")

    def test_negative_expiry_is_refused(self):
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.team.expire_hours = -1
        self.assertEqual(self.team.expire_hours, 24)
