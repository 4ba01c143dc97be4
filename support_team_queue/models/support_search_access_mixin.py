from odoo import api, models
from odoo.exceptions import AccessError
from odoo.models import parse_read_group_spec

# Odoo joins a record's messages without their access rules (mail.thread's
# message_ids is auto_join): searching tickets by them, or by those of a
# record a ticket names (its requester, its team), at any step of a path or
# of an ``any``, a customer could probe internal notes.
CUSTOMER_UNSEARCHABLE = frozenset(("message_ids", "website_message_ids"))


def refuse_customer_search_by_messages(model, domain, message):
    """Raise an AccessError (``message()``) when ``domain``, a customer's
    search of ``model``, names messages at any step of a path or of an
    ``any``; who the user is is asked only of such a step."""
    for leaf in domain or ():
        if not isinstance(leaf, list | tuple) or len(leaf) != 3:
            continue  # '&', '|', '!'
        path, operator, value = leaf
        if not isinstance(path, str):
            continue
        current = model
        for name in path.split("."):
            if name in CUSTOMER_UNSEARCHABLE and not model.env.user._is_internal():
                raise AccessError(message())
            field = current._fields.get(name)
            if field is None or not field.relational:
                break
            current = model.env[field.comodel_name]
        else:
            if operator in ("any", "not any") and isinstance(value, list | tuple):
                refuse_customer_search_by_messages(current, value, message)


# Patch of Odoo: a field's groups are checked when it is read, not when a domain names
# it or a many2many is grouped by; the models inheriting this mixin refuse both.
class SupportSearchAccessMixin(models.AbstractModel):
    """Refuses to search or group by a field the user may not read.

    Odoo 18 checks a field's ``groups`` when it is read, written or sorted
    on, but not when a search domain names it (its ``_flush_search``, which
    did, is no longer called), nor when a many2many is grouped by: a
    customer could learn who is in a group by searching the groups with
    ``effective_user_ids`` in a user, or read the names of the roles by
    grouping the groups by ``role_ids``. The search check walks each
    condition's path, so ``user_ids.login`` is refused as ``user_ids`` is,
    and the sub-domains of ``any``."""

    _name = "support.search.access.mixin"
    _description = "Support: no search or grouping on fields the user may not read"

    @api.model
    def _search(self, domain, *args, **kwargs):
        if not self.env.su:
            self._check_domain_access(domain)
        return super()._search(domain, *args, **kwargs)

    @api.model
    def _read_group(self, domain, groupby=(), *args, **kwargs):
        # Odoo checks the aggregates' fields and every groupby but a
        # many2many's (_read_group_groupby); the domain goes through _search
        if not self.env.su:
            names = (parse_read_group_spec(spec)[0] for spec in groupby)
            self.check_field_access_rights(
                "read",
                [
                    name
                    for name in names
                    if name in self._fields and self._fields[name].type == "many2many"
                ],
            )
        return super()._read_group(domain, groupby, *args, **kwargs)

    @api.model
    def _check_domain_access(self, domain):
        refuse_customer_search_by_messages(
            self,
            domain,
            lambda: self.env._("Customers cannot search tickets by their messages."),
        )
        for leaf in domain or ():
            if not isinstance(leaf, list | tuple) or len(leaf) != 3:
                continue  # '&', '|', '!'
            path, operator, value = leaf
            if not isinstance(path, str):
                continue  # Odoo refuses it with its own message
            model = self
            for name in path.split("."):
                field = model._fields.get(name)
                if field is None:
                    break  # Odoo refuses it with its own message
                model.check_field_access_rights("read", [name])
                if not field.relational:
                    break
                model = self.env[field.comodel_name]
            else:
                if operator in ("any", "not any") and isinstance(value, list | tuple):
                    SupportSearchAccessMixin._check_domain_access(model, value)
