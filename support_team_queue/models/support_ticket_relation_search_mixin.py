from odoo import api, models
from odoo.osv import expression

# operators whose value Odoo turns into ticket ids without the ticket rules
_ID_OPERATORS = {
    "=": "in",
    "in": "in",
    "child_of": "in",
    "parent_of": "in",
    "!=": "not in",
    "not in": "not in",
}


# Patch of Odoo: a search through a relation to tickets, given ids, skips the ticket
# rules; the models inheriting this mixin search the readable tickets only.
class SupportTicketRelationSearchMixin(models.AbstractModel):
    """Searches through a relation to tickets reach only readable tickets.

    Given ticket ids, Odoo searches a one2many or many2many by a sub-query on
    those ids as they are, without the tickets' record rules
    (``osv/expression.py``): searching partners by ``support_ticket_ids``
    would give anyone the requester of any ticket id, and searching with
    ``= False`` whether someone has tickets at all. Such conditions are
    rewritten over the tickets the user may read, as Odoo already does for
    names and ``any``.
    """

    _name = "support.ticket.relation.search.mixin"
    _description = "Support: searches through tickets reach readable tickets only"

    @api.model
    def _search(self, domain, *args, **kwargs):
        if not self.env.su and domain:
            domain = self._support_readable_ticket_domain(domain)
        return super()._search(domain, *args, **kwargs)

    @api.model
    def _support_readable_ticket_domain(self, domain):
        result = []
        for leaf in domain:
            if expression.is_leaf(leaf) and isinstance(leaf[0], str):
                field = self._fields.get(leaf[0])
                if (
                    field is not None
                    and field.type in ("one2many", "many2many")
                    and field.comodel_name == "support.ticket"
                ):
                    result.extend(self._support_readable_ticket_leaf(leaf))
                    continue
            result.append(leaf)
        return result

    @api.model
    def _support_readable_ticket_leaf(self, leaf):
        fname, operator, value = leaf
        tickets = self.env["support.ticket"].sudo(False).with_context(active_test=False)
        may_read = tickets.has_access("read")
        if operator in ("=", "!=") and value is False:
            # "has no ticket" / "has a ticket": among the readable ones
            if not may_read:
                return [
                    expression.TRUE_LEAF if operator == "=" else expression.FALSE_LEAF
                ]
            any_ticket = (fname, "any", [])
            return ["!", any_ticket] if operator == "=" else [any_ticket]
        if operator not in _ID_OPERATORS or isinstance(value, str | bool):
            return [leaf]  # names, any, ...: Odoo applies the rules itself
        if isinstance(value, int):
            value = [value]
        if not may_read:
            readable = []
        elif (
            isinstance(value, list | tuple)
            and value
            and all(isinstance(item, str) for item in value)
        ):
            # names, as Odoo reads them for x2many conditions
            readable = tickets._search(
                expression.OR([[("display_name", "ilike", name)] for name in value])
            )
        else:  # ids, or a query
            readable = tickets._search([("id", "in", value)])
        return [(fname, _ID_OPERATORS[operator], readable)]
