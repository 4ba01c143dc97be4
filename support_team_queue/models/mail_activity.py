from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _check_access(self, operation):
        """On a ticket, an activity that is not one's own needs write access.

        Readers may post on a ticket (its ``_mail_post_access`` is "read":
        customers and technicians answer), and Odoo applies the same right
        to the ticket's activities: a technician, who only reads, could
        schedule work for others, or change and cancel their activities.
        Here, creating an activity for someone else, and changing or
        cancelling one the user neither created nor is assigned, needs the
        right to change the ticket, as any change of it does. One's own
        reminders stay open to every reader."""
        result = super()._check_access(operation)
        if operation == "read" or self.env.su or not self:
            return result
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
