from odoo import api, models
from odoo.exceptions import ValidationError

from .ticket_side_tables import searched_on_readable_tickets, with_refused_tickets


# Patch of Odoo: a ticket's readers may schedule and change anyone's activities on it,
# and an assignee reads one whatever the ticket; here readers only, and others'
# activities need the right to change the ticket.
class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _check_access(self, operation):
        """On a ticket, an activity is read by the ticket's readers, and one
        that is not one's own needs write access.

        Readers may post on a ticket (its ``_mail_post_access`` is "read":
        customers and technicians answer), and Odoo applies the same right
        to the ticket's activities: a technician, who only reads, could
        schedule work for others, or change and cancel their activities.
        Here, creating an activity for someone else, and changing or
        cancelling one the user neither created nor is assigned, needs the
        right to change the ticket, as any change of it does. One's own
        reminders stay open to every reader."""
        result = super()._check_access(operation)
        if self.env.su or not self:
            return result
        if operation == "read":
            # Odoo also lets its assignee read it: someone forwarded away
            # from the ticket would keep reading its summary, note and name
            return with_refused_tickets(self, result, operation, "res_model")
        forbidden = result[0] if result else self.browse()
        user = self.env.user
        others = (
            (self - forbidden)
            .sudo()
            .filtered(
                lambda activity: (
                    activity.res_model == "support.ticket"
                    and activity.user_id != user
                    and (operation == "create" or activity.create_uid != user)
                )
            )
        )
        if not others:
            return result
        tickets = self.env["support.ticket"].browse(set(others.mapped("res_id")))
        refused = tickets._check_access("write")
        if not refused:
            return result
        refused_ids = set(refused[0].ids)
        forbidden |= others.filtered(lambda a: a.res_id in refused_ids).with_env(
            self.env
        )
        return forbidden, lambda: forbidden._make_access_error(operation)

    # Odoo 18 no longer checks that an activity's assignee may read its
    # document: assigned one on a ticket they may not read, a user was told
    # its number and subject, and made a follower of it.
    @api.constrains("user_id", "res_model", "res_id")
    def _check_assignee_reads_the_ticket(self):
        for activity in self.sudo():
            if activity.res_model != "support.ticket" or not activity.user_id:
                continue
            ticket = self.env["support.ticket"].sudo().browse(activity.res_id).exists()
            if ticket and not ticket._filtered_readable_by(activity.user_id):
                raise ValidationError(
                    self.env._(
                        "%(user)s may not read ticket %(ticket)s: assign its "
                        "activities to someone who does.",
                        user=activity.user_id.name,
                        ticket=ticket.number,
                    )
                )

    @api.model
    def _search(self, domain, *args, **kwargs):
        # Odoo reads an activity through a search, in which its assignee
        # finds it whatever the ticket: a ticket's activities are found by
        # the ticket's readers only
        domain = searched_on_readable_tickets(self, domain)
        return super()._search(domain, *args, **kwargs)

    # Patch of Odoo: the feedback is posted as superuser with the files given; on a
    # ticket they pass a post's check.
    def _action_done(self, feedback=False, attachment_ids=None):
        # Odoo posts the feedback as superuser, with the files given: on a
        # ticket they pass the same check as a message of the user's own
        # (support.ticket._check_attachments_for_post)
        if attachment_ids and not self.env.su:
            for activity in self.sudo().filtered(
                lambda a: a.res_model == "support.ticket" and a.res_id
            ):
                ticket = self.env["support.ticket"].browse(activity.res_id)
                ticket._check_attachments_for_post(
                    attachment_ids, {"res_id": ticket.id}
                )
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
