from odoo import api, models
from odoo.exceptions import AccessError

from odoo.addons.mail.tools.parser import parse_res_ids

TICKET = "support.ticket"

# where a composer may take the tickets it is about from (Odoo's
# ``_compute_model``, ``_compute_res_ids`` and ``_evaluate_res_ids``), besides
# its own ``model`` and ``res_ids``
CONTEXT_MODEL_KEYS = ("default_model", "active_model")
CONTEXT_IDS_KEYS = (
    "default_res_ids",
    "active_ids",
    "active_id",
    "composer_force_res_ids",
)


# Patch of Odoo: the composer computes itself from any parent message and any document
# as superuser; the parent and the tickets are checked as the user.
class MailComposeMessage(models.TransientModel):
    """A composer answers a message, and is about tickets, its user may read.

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

    The same goes for the tickets a composer is about (its ``model`` and
    ``res_ids``, or the context's defaults and active ids): Odoo reads
    their number and subject into ``record_name`` and ``subject`` as
    superuser, so a composer on tickets its user may not read is refused,
    as is one on ticket ids that do not exist (the same answer: no
    "does not exist" to tell which ids do).
    """

    _inherit = "mail.compose.message"

    @api.model_create_multi
    def create(self, vals_list):
        default = self.env.context.get("default_parent_id")
        self._support_check_parent_access(
            [vals.get("parent_id", default) for vals in vals_list]
        )
        for vals in vals_list:
            self._support_check_ticket_access(vals)
        composers = super().create(vals_list)
        # what the composers took from elsewhere (a parent, Odoo's defaults)
        composers._support_check_own_tickets()
        return composers

    def write(self, vals):
        if vals.get("parent_id"):
            self._support_check_parent_access([vals["parent_id"]])
        if vals.get("model") or vals.get("res_ids"):
            for composer in self:
                self._support_check_ticket_access(
                    {"model": composer.model, "res_ids": composer.res_ids, **vals}
                )
        result = super().write(vals)
        # what the composers take from the context (active ids) once written
        self._support_check_own_tickets()
        return result

    def onchange(self, values, field_names, fields_spec):
        if "parent_id" in values:
            self._support_check_parent_access([values["parent_id"]])
        elif not self:
            # a new form starts from the defaults
            self._support_check_parent_access(
                [self.env.context.get("default_parent_id")]
            )
        self._support_check_ticket_access(values)
        return super().onchange(values, field_names, fields_spec)

    @api.model
    def _support_check_ticket_access(self, values):
        """Refuse a composer that ``values`` and the context would put on
        tickets the user may not read. Every source of ids is checked when
        any source of the model names tickets: a superset of what Odoo
        picks, which a composer opened on readable tickets passes."""
        if self.env.su:
            return
        models_named = [values.get("model")]
        models_named += [self.env.context.get(key) for key in CONTEXT_MODEL_KEYS]
        if TICKET not in models_named:
            return
        sources = [values.get("res_ids")]
        sources += [self.env.context.get(key) for key in CONTEXT_IDS_KEYS]
        ids = set()
        for source in sources:
            if isinstance(source, int) and not isinstance(source, bool):
                source = [source]
            ids.update(parse_res_ids(source, self.env) or [])
        self._support_refuse_unreadable_tickets(ids)

    def _support_check_own_tickets(self):
        if self.env.su:
            return
        ids = set()
        for composer in self.filtered(lambda composer: composer.model == TICKET):
            ids.update(composer._evaluate_res_ids())
        self._support_refuse_unreadable_tickets(ids)

    @api.model
    def _support_refuse_unreadable_tickets(self, ids):
        tickets = self.env[TICKET].browse(ids)
        existing = tickets.exists()
        if len(existing) < len(tickets) or existing - existing._filtered_access("read"):
            raise AccessError(
                self.env._(
                    "You cannot write about these tickets: you may not read them."
                )
            )

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
