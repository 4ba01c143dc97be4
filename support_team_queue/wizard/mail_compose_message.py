from odoo import api, models
from odoo.exceptions import AccessError


# Patch of Odoo: the composer computes itself from any parent message as superuser; the
# parent is checked as the user.
class MailComposeMessage(models.TransientModel):
    """A composer answers a message its user may read.

    Odoo takes any ``parent_id`` given to the composer and computes the
    composer from it as superuser (stored computed fields are computed
    with ``compute_sudo``): the document's model and id, its name, the
    subject and the parent's recipients. ``mail.message``'s read check
    (the document's read access, or being the message's author or
    recipient) is never applied, so a user who may not read a ticket
    would read its number and subject on a composer answering one of its
    messages, and the parent's name when reading the composer. The parent
    is checked as the user wherever it is given: on creation (also from
    ``default_parent_id``), on writing, and in the form before saving; a
    ticket's message also needs the ticket (posting on it would, too).
    """

    _inherit = "mail.compose.message"

    @api.model_create_multi
    def create(self, vals_list):
        default = self.env.context.get("default_parent_id")
        self._support_check_parent_access(
            [vals.get("parent_id", default) for vals in vals_list]
        )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("parent_id"):
            self._support_check_parent_access([vals["parent_id"]])
        return super().write(vals)

    def onchange(self, values, field_names, fields_spec):
        if "parent_id" in values:
            self._support_check_parent_access([values["parent_id"]])
        elif not self:
            # a new form starts from the defaults
            self._support_check_parent_access(
                [self.env.context.get("default_parent_id")]
            )
        return super().onchange(values, field_names, fields_spec)

    @api.model
    def _support_check_parent_access(self, parents):
        if self.env.su:
            return
        ids = set()
        for parent in parents:
            if isinstance(parent, dict):  # a form's {"id": ...}
                parent = parent.get("id")
            elif isinstance(parent, list | tuple):  # (id, name)
                parent = parent[0] if parent else False
            if isinstance(parent, int) and not isinstance(parent, bool) and parent:
                ids.add(parent)
        # ids that are no message are Odoo's to refuse
        messages = self.env["mail.message"].browse(ids).exists()
        readable = messages._filtered_access("read")
        # the author or a recipient of a ticket's message reads it even when
        # the ticket is no longer theirs; answering it needs the ticket
        on_tickets = readable.sudo().filtered(lambda m: m.model == "support.ticket")
        tickets = (
            self.env["support.ticket"].browse(on_tickets.mapped("res_id")).exists()
        )
        if messages - readable or tickets - tickets._filtered_access("read"):
            raise AccessError(
                self.env._("You cannot answer this message: you may not read it.")
            )
