"""The tables beside the tickets (files, followers, activities, scheduled
messages, notifications, messages) answer as the ticket does.

Odoo decides access to these records by their document in some paths and
not in others; the overrides in ``ir_attachment.py``, ``mail_activity.py``,
``mail_followers.py``, ``mail_message.py``, ``mail_notification.py`` and
``mail_scheduled_message.py`` close the others, all through these helpers,
with the user's own ticket rules."""

from odoo.osv import expression

TICKET = "support.ticket"


def on_refused_tickets(records, model_field, mode="read", res_id_field="res_id"):
    """The records of ``records`` whose ticket the current user may not
    ``mode``; records of other documents are not this module's business."""
    on_tickets = records.sudo().filtered(
        lambda record: record[model_field] == TICKET and record[res_id_field]
    )
    if not on_tickets:
        return records.browse()
    tickets = records.env[TICKET].browse(set(on_tickets.mapped(res_id_field)))
    allowed = set(tickets.exists()._filtered_access(mode).ids)
    return records.browse(
        on_tickets.filtered(lambda record: record[res_id_field] not in allowed).ids
    )


def with_refused_tickets(records, result, operation, model_field, mode="read"):
    """Odoo's ``_check_access`` answer for ``records``, with the records on
    tickets the user may not ``mode`` refused too."""
    forbidden = result[0] if result else records.browse()
    refused = on_refused_tickets(records - forbidden, model_field, mode)
    if not refused:
        return result
    forbidden |= refused
    return forbidden, lambda: records.env["ir.rule"]._make_access_error(
        operation, forbidden
    )


def readable_tickets_domain(env, model_field, res_id_field="res_id"):
    """A domain keeping the records of other documents and those of the
    tickets the current user may read. Record rules are applied as
    superuser: the tickets are searched with the user's rules
    (``sudo(False)``)."""
    tickets = env[TICKET].sudo(False).with_context(active_test=False)
    domain = [(model_field, "!=", TICKET)]
    if tickets.has_access("read"):
        domain = ["|", *domain, (res_id_field, "in", tickets._search([]))]
    return domain


def searched_on_readable_tickets(records, domain):
    """``domain`` for a ``_search`` of ``records``' table (``res_model``,
    ``res_id``), leaving out the rows of tickets the current user may not
    read; a superuser's search is unchanged, and so is one kept to tickets
    the user's page has just found readable."""
    if records.env.su or _within_tickets_read_in_this_page(records.env, domain):
        return domain
    return expression.AND([domain, readable_tickets_domain(records.env, "res_model")])


def _within_tickets_read_in_this_page(env, domain, res_id_field="res_id"):
    # Performance (bench/README.md): the queue page reads its tickets'
    # activities, and the chatter a ticket's, with ``res_id in (ids)``.
    # When every one of these ids is a ticket the same call has just found
    # readable (support.rule.engine's page memo), the condition on the
    # readable tickets holds for every row the domain can find, and its
    # sub-query of the reader's rules would be planned for nothing.
    if expression.OR_OPERATOR in domain or expression.NOT_OPERATOR in domain:
        return False
    listed = (_listed_ids(term, res_id_field) for term in domain)
    return any(ids and env[TICKET]._read_in_this_page(ids) for ids in listed)


def _listed_ids(term, field_name):
    """The ids a condition ``(field_name, "in" or "=", ids)`` keeps, if it is one."""
    if not expression.is_leaf(term) or term[0] != field_name:
        return None
    if term[1] == "in" and isinstance(term[2], list | tuple | set | frozenset):
        return set(term[2])
    if term[1] == "=" and isinstance(term[2], int) and not isinstance(term[2], bool):
        return {term[2]}
    return None
