from odoo import models

from .support_principal import Principal


class SupportTicket(models.Model):
    """Who is told of a ticket, through Odoo's notifications."""

    # one model, one file per concern (README, Layout)
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    # --- Notifications ---
    # Assignment notices: the operator a ticket is assigned to, or every
    # effective member of the group it is assigned to, gets an e-mail, unless
    # they switched "Support e-mail notifications" (res.users
    # ``support_notify``) off in their preferences; a new ticket of a group
    # also tells the group's responsible and supervisors (``notify_user_ids``).
    # Built on mail.thread's auto-subscription: the operator follows the ticket
    # as in any Odoo app, and receives ``mail_template_ticket_assigned``
    # instead of the generic "You have been assigned" message. Nobody is told
    # of what they did themselves. Like the rest of mail.thread, nothing is
    # sent under ``tracking_disable`` or ``mail_auto_subscribe_no_notify``, nor
    # while the module installs.

    _TEMPLATE_ASSIGNED = "support_team_queue.mail_template_ticket_assigned"
    _TEMPLATE_NEW = "support_team_queue.mail_template_ticket_new"

    def _users_to_notify(self, users):
        """The users among ``users`` who want support e-mails."""
        return users.sudo().filtered(
            lambda user: (
                user.active
                and not user.share
                and user.support_notify
                and user != self.env.user
            )
        )

    def _notify(self, users, template_xmlid):
        """Send ``template_xmlid`` about each ticket of ``self`` to ``users``
        (those who want it), through ``message_notify``: one e-mail each,
        nothing in the chatter."""
        if self.env.context.get("tracking_disable"):
            return
        users = self._users_to_notify(users)
        # the e-mail carries the ticket: only to who may read it
        # (in the recipient's companies: the creator's may not all be theirs)
        users = users.filtered(lambda user: self._filtered_readable_by(user) == self)
        langs = {}
        for user in users:
            langs.setdefault(user.partner_id.lang, []).append(user.partner_id.id)
        for lang, partner_ids in langs.items():
            self.with_context(lang=lang)._message_auto_subscribe_notify(
                partner_ids, template_xmlid
            )

    def _notify_group_assignment(self):
        """Tell each ticket's (new) group: its members get the assignment
        notice, its responsible users the new-ticket notice. The operator
        hears of it through the auto-subscription, or is already on it."""
        for ticket in self.filtered("group_id"):
            group = ticket.group_id.sudo()
            members = Principal("group", group).users()
            ticket._notify(members - ticket.user_id, self._TEMPLATE_ASSIGNED)
            ticket._notify(
                group.notify_user_ids - members - ticket.user_id,
                self._TEMPLATE_NEW,
            )

    def _notify_new_tickets(self):
        """A new ticket routed to a group tells the group; one with neither
        group nor operator tells whoever dispatches the team's queue: its
        administrator and its dispatchers (nothing waits unseen)."""
        self._notify_group_assignment()
        for ticket in self.filtered(lambda t: not t.group_id and not t.user_id):
            team = ticket.team_id.sudo()
            ticket._notify(team.admin_id | team.notify_user_ids, self._TEMPLATE_NEW)

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        res = super()._message_auto_subscribe_followers(
            updated_values, default_subtype_ids
        )
        operator = self.env["res.users"].browse(updated_values.get("user_id"))
        # the notice carries the ticket: only to an operator who may read it
        wants_mail = bool(self._users_to_notify(operator)) and all(
            ticket._filtered_readable_by(operator) for ticket in self
        )
        return [
            (
                partner_id,
                subtype_ids,
                (self._TEMPLATE_ASSIGNED if wants_mail else False)
                if template == "mail.message_user_assigned"
                else template,
            )
            for partner_id, subtype_ids, template in res
        ]

    def _notice_templates(self):
        """The templates the desk's notices are made of (``_notify``)."""
        return (self._TEMPLATE_ASSIGNED, self._TEMPLATE_NEW)

    def _message_auto_subscribe_notify(self, partner_ids, template):
        if template not in self._notice_templates():
            return super()._message_auto_subscribe_notify(partner_ids, template)
        self._send_notice(dict.fromkeys(self.ids, partner_ids), template)

    def _send_notice(self, partners_of, template):
        """Send ``template`` about each ticket of ``self`` to the partners
        ``partners_of[ticket.id]`` through ``message_notify``, the template
        rendered once for all the tickets."""
        if not self or self.env.context.get("mail_auto_subscribe_no_notify"):
            return
        if not self.env.registry.ready:  # no e-mail while the module installs
            return
        mail_template = self.env.ref(template, raise_if_not_found=False)
        tickets = self.filtered(lambda t: partners_of.get(t.id))
        if not mail_template or not tickets:
            return
        # the recipients are told whatever the assigner may read
        mail_template = mail_template.sudo()
        model_description = self.env["ir.model"]._get(self._name).display_name
        subjects = mail_template._render_field("subject", tickets.ids)
        bodies = mail_template._render_field("body_html", tickets.ids)
        # what message_notify would look up for each ticket (alias domain,
        # company, reply-to: a query or two each), looked up once for all,
        # the same way
        thread = tickets.sudo()
        company = self.env.company
        email_from = thread._message_compute_author()[1]
        alias_domains = thread._mail_get_alias_domains(default_company=company)
        companies = thread._mail_get_companies(default=company)
        reply_to = thread._notify_get_reply_to(default=email_from)
        for ticket in tickets:
            ticket.sudo().message_notify(
                subject=subjects[ticket.id],
                body=bodies[ticket.id],
                partner_ids=partners_of[ticket.id],
                record_name=ticket.display_name,
                email_layout_xmlid="mail.mail_notification_layout",
                model_description=model_description,
                record_alias_domain_id=alias_domains[ticket.id].id,
                record_company_id=companies[ticket.id].id,
                reply_to=reply_to[ticket.id],
                # a new notice has no tracking values: spares the e-mail's
                # search for them
                tracking_value_ids=[],
            )
