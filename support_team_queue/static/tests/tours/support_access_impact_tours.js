/** @odoo-module **/
/**
 * The access change preview in a real browser (tests/test_tours.py): a
 * Support Administrator adds a member to a group, does not save, previews
 * the change, sees the member gain the group's ticket, and applies it.
 */

import { registry } from "@web/core/registry";
import { addGroupMember } from "@support_team_queue/../tests/tours/support_tour_steps";

// Keep in sync with tests/test_tours.py.
const GROUP = "Gruppo B";
const MEMBER = "Tech A";
const TICKET = "Tour: fax di Gruppo B fuori uso";

registry.category("web_tour.tours").add("support_team_queue_access_impact", {
    url: "/odoo/action-support_team_queue.action_support_group",
    steps: () => [
        ...addGroupMember(GROUP, MEMBER),
        {
            content: `${MEMBER} is among the members, not saved yet`,
            trigger: `.o_form_view .o_form_dirty .o_field_widget[name=user_ids] .o_tag:contains("${MEMBER}")`,
        },
        {
            content: "Preview the change",
            trigger: ".o_form_view button.o_support_access_impact",
            run: "click",
        },
        {
            content: `${MEMBER} would gain the group's ticket`,
            trigger:
                `.modal .o_data_row:has(td[name=user_id]:contains("${MEMBER}"))` +
                `:has(td[name=gained_count]:contains("1"))` +
                `:has(td[name=lost_count]:contains("0"))` +
                `:has(td[name=sample_ticket_ids]:contains("${TICKET}"))`,
        },
        {
            content: "Apply",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: `The form shows ${MEMBER} among the saved members`,
            trigger:
                `body:not(:has(.modal)) .o_form_view .o_form_saved` +
                `:has(.o_field_widget[name=user_ids] .o_tag:contains("${MEMBER}"))`,
        },
    ],
});
