/** @odoo-module */
/**
 * Odoo's search panel lists the values of a field, never its absence. The
 * server may list an entry with the id NO_VALUE (the queue's "No group"):
 * selecting it searches the records where the field is empty.
 * Keep NO_VALUE in sync with models/support_ticket_search_panel.py.
 */
import { patch } from "@web/core/utils/patch";
import { SearchModel } from "@web/search/search_model";

export const NO_VALUE = "__no_value__";

patch(SearchModel.prototype, {
    _getCategoryDomain(excludedCategoryId) {
        return super._getCategoryDomain(excludedCategoryId).map((leaf) =>
            Array.isArray(leaf) && leaf[2] === NO_VALUE ? [leaf[0], "=", false] : leaf
        );
    },
});
