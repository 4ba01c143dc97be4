from odoo import api, models
from odoo.osv import expression

# Keep in sync with static/src/search/search_panel_no_value.js.
NO_VALUE = "__no_value__"


class SupportTicket(models.Model):  # pylint: disable=consider-merging-classes-inherited
    _inherit = "support.ticket"

    # Patch of Odoo: the side panel lists a field's values, never its absence;
    # the groups' panel gets a "No group" entry, so that its counts add up.
    @api.model
    def search_panel_select_range(self, field_name, **kwargs):
        """The queue's side panel lists the groups; a ticket waiting for
        dispatch is in none. A "No group" entry lists those, so the panel's
        counts add up to the queue's. Counted with the reader's rules, as
        Odoo counts the groups' entries."""
        result = super().search_panel_select_range(field_name, **kwargs)
        if field_name != "group_id" or "values" not in result:
            return result
        domain = expression.AND(
            [
                kwargs.get("search_domain", []),
                kwargs.get("category_domain", []),
                kwargs.get("filter_domain", []),
                [("group_id", "=", False)],
            ]
        )
        if kwargs.get("enable_counters"):
            count = self.search_count(domain)
        else:
            count = self.search_count(domain, limit=1)
        if not count and not kwargs.get("expand"):
            return result
        entry = {"id": NO_VALUE, "display_name": self.env._("No group")}
        if result.get("parent_field"):
            entry[result["parent_field"]] = False
        if kwargs.get("enable_counters"):
            entry["__count"] = count
        result["values"].append(entry)
        return result
