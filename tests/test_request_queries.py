"""The queries of an operator's everyday calls, pinned: Take, the form's
read, the chatter's data and a reply (bench/README.md, "The calls of one
operator: before and after"). A count that grows fails here; one that shrinks is
logged by Odoo's assertQueryCount and should be lowered here.

Each call is counted as a request would run it after the caches are warm
(another ticket, the same way, first): ``assertQueryCount`` flushes the
cursor on entering, as a new transaction starts with no stamp read, and on
leaving, where the change tracking and the notifications are written.
"""

from datetime import timedelta

from lxml import etree

from odoo import fields

from odoo.addons.mail.tools.discuss import Store

from .common import SupportCase, requested_at


class TestRequestQueries(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Cliente Rossi", "email": "rossi@example.com"}
        )
        cls.warm_ticket, cls.ticket = (
            cls.env["support.ticket"].create(
                {
                    "name": name,
                    "team_id": cls.team.id,
                    "group_id": cls.group_a.id,
                    "partner_id": cls.customer.id,
                }
            )
            for name in ("Caldaia ferma", "Stampante guasta")
        )
        two_hours_ago = fields.Datetime.now() - timedelta(hours=2)
        requested_at(cls.warm_ticket | cls.ticket, two_hours_ago)

    def as_operator(self, ticket):
        # an agent of Gruppo A (through the call center's group), with the
        # change tracking and notifications a real request has
        return ticket.with_user(self.callcenter).with_context(tracking_disable=False)

    def form_specification(self):
        Ticket = self.env["support.ticket"].with_user(self.callcenter)
        arch = etree.fromstring(Ticket.get_view(view_type="form")["arch"])
        spec = {"display_name": {}}
        for node in arch.iter("field"):
            parents = [a for a in node.iterancestors() if a.getparent() is not None]
            field = Ticket._fields.get(node.get("name"))
            if field is None or any(a.tag in ("list", "kanban") for a in parents):
                continue
            relational = field.type in ("many2one", "one2many", "many2many")
            spec[field.name] = {"fields": {"display_name": {}}} if relational else {}
        return spec

    def take(self, ticket):
        self.as_operator(ticket).action_take()

    def thread_data(self, ticket):
        # what /mail/thread/data runs, within its memo (controllers/mail_thread.py)
        ticket = self.as_operator(ticket)
        memo = self.env.cr.cache
        memo[ticket._PAGE_MEMO] = {}
        try:
            thread = ticket._get_thread_with_access(ticket.id)
            request_list = ["activities", "attachments", "followers"]
            request_list += ["scheduledMessages", "suggestedRecipients"]
            Store(thread, as_thread=True, request_list=request_list).get_result()
        finally:
            memo.pop(ticket._PAGE_MEMO, None)

    def reply(self, ticket):
        # what /mail/message/post runs: the post's access, whether the
        # poster may change the ticket, then the post (as Odoo's route does,
        # as superuser with the poster's user) to the customer
        ticket = self.as_operator(ticket)
        thread = ticket._get_thread_with_access(ticket.id, ticket._mail_post_access)
        ticket._get_thread_with_access(ticket.id, "write")
        thread.sudo().message_post(
            body="Risolto, grazie.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.customer.ids,
        )

    def test_an_operator_takes_reads_and_answers_a_ticket(self):
        spec = self.form_specification()
        calls = [
            ("read", lambda t: self.as_operator(t).web_read(spec)),
            ("chatter", self.thread_data),
            ("take", self.take),
            ("reply", self.reply),
        ]
        for _name, call in calls:
            call(self.warm_ticket)
            self.env.invalidate_all()
        # read (11): the access stamp; the ticket's fields, with its read
        # rules in the same query; the team, its operators and their users,
        # the group's members (the form's operator list); the company, the
        # requester, the group, the user's companies and partner.
        with self.assertQueryCount(11):
            calls[0][1](self.ticket)
        self.env.invalidate_all()
        # chatter (17): the ticket exists; the access stamp; its read rules,
        # once (the route's memo answers the activities', files' and
        # followers' checks), its write rules; the activities, files,
        # followers (counted, the user's own, the others, the recipients),
        # scheduled messages, the suggested recipients.
        with self.assertQueryCount(17):
            calls[1][1](self.ticket)
        self.env.invalidate_all()
        # take (24): the access stamp (once); the write rules (once: the
        # lock's answer serves the write); the lock; the ticket; the
        # company and user; the user's teams (is the taker an operator);
        # the followers (read, the taker added, their subtype); one UPDATE
        # of the ticket, its hours and the taker's role included; the
        # taker's row, written (a change of their role at the same time
        # retries, support_ticket.py); the followers who may no longer
        # read it (their users, companies, the read rules); the partners
        # told; the change tracking (its message and values).
        with self.assertQueryCount(24):
            calls[2][1](self.ticket)
        self.assertEqual(self.ticket.user_id, self.callcenter)
        self.assertEqual(self.ticket.state, "in_progress")
        self.assertAlmostEqual(self.ticket.hours_to_take, 2, delta=0.1)
        self.env.invalidate_all()
        # reply (51, most of them Odoo's mail): the ticket exists, the
        # access stamp (once), its read and write rules; the message and
        # its recipients, the followers who may read it, the customer's
        # e-mail (its mail, notification, sending), the first response and
        # the portal link's token, the bus.
        with self.assertQueryCount(51):
            calls[3][1](self.ticket)
        self.assertIn("Risolto", self.ticket.message_ids[:1].body)
