/** @odoo-module **/
/**
 * The access audit in a real browser (tests/test_tours.py): a Support
 * Administrator adds a member to a group, saves, opens the group's access
 * log and finds the change, with its author.
 */

import { registry } from "@web/core/registry";
import { addGroupMember, saveForm } from "@support_team_queue/../tests/tours/support_tour_steps";

// Keep in sync with tests/test_tours.py.
const GROUP = "Gruppo B";
const MEMBER = "Tech A";
const AUTHOR = "Amministratore Supporto";

registry.category("web_tour.tours").add("support_team_queue_access_log", {
    url: "/odoo/action-support_team_queue.action_support_group",
    steps: () => [
        ...addGroupMember(GROUP, MEMBER),
        {
            content: `${MEMBER} is among the members`,
            trigger: `.o_field_widget[name=user_ids] .o_tag:contains("${MEMBER}")`,
        },
        ...saveForm(),
        {
            content: "Open the group's access log",
            trigger: ".o_form_view button[name=action_support_access_log]",
            run: "click",
        },
        {
            content: "The change is there: the group, the field, the member added, the author",
            trigger:
                `.o_list_view .o_data_row:has(td[name=record_name]:contains("${GROUP}"))` +
                `:has(td[name=field_description]:contains("Users"))` +
                `:has(td[name=new_value]:contains("${MEMBER}"))` +
                `:has(td[name=author_id]:contains("${AUTHOR}"))`,
        },
        {
            content: "Nothing to create, nothing to delete",
            trigger: ".o_list_view:not(:has(.o_list_button_add))",
        },
    ],
});
