/** @odoo-module **/
/**
 * The daily desk in a real browser (tests/test_tours.py): the team
 * administrator finds a new request waiting for dispatch in the web
 * client's notification counter, selects two tickets in the queue and takes
 * them both with the list's Take button.
 */

import { registry } from "@web/core/registry";

// Keep in sync with tests/test_tours.py.
const BULK = "Tour bulk";

registry.category("web_tour.tours").add("support_team_queue_desk_bulk_take", {
    steps: () => [
        {
            content: "The dispatch notice is in the notification counter",
            trigger: ".o_menu_systray .o-mail-MessagingMenu-counter",
        },
        {
            content: "Search the two tickets",
            trigger: ".o_searchview_input",
            run: `edit ${BULK}`,
        },
        {
            trigger: ".o_searchview_autocomplete .o_menu_item:first",
            run: "click",
        },
        {
            content: "Both are listed",
            trigger: ".o_list_renderer:has(.o_data_row:contains('Tour bulk uno')):has(.o_data_row:contains('Tour bulk due'))",
        },
        {
            content: "Select every listed ticket",
            trigger: ".o_list_renderer thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Take them with the list's button",
            trigger: ".o_control_panel_actions button[name=action_take], .o_list_buttons button[name=action_take], button[name=action_take]:not(.o_data_row *)",
            run: "click",
        },
        {
            content: "Both are now in progress",
            trigger: ".o_list_renderer:not(:has(.o_data_row .badge:contains('New')))",
        },
        {
            content: "Select them again",
            trigger: ".o_list_renderer thead .o_list_record_selector input:not(:checked)",
            run: "click",
        },
        {
            content: "Assign them",
            trigger: "button[name=action_open_assign]",
            run: "click",
        },
        {
            content: "The dialog lists both tickets",
            trigger: ".modal .o_field_widget[name=ticket_ids] .o_tag:contains('Tour bulk uno') ~ .o_tag:contains('Tour bulk due'), .modal .o_field_widget[name=ticket_ids]:has(.o_tag:contains('Tour bulk uno')):has(.o_tag:contains('Tour bulk due'))",
        },
        {
            content: "Choose Gruppo B",
            trigger: ".modal .o_field_widget[name=group_id] input",
            run: "edit Gruppo B",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Gruppo B')",
            run: "click",
        },
        {
            content: "Assign",
            trigger: ".modal button[name=action_assign]",
            run: "click",
        },
        {
            content: "Both are in Gruppo B",
            trigger: ".o_list_renderer:not(:has(.modal)):has(.o_data_row:contains('Tour bulk uno'):contains('Gruppo B')):has(.o_data_row:contains('Tour bulk due'):contains('Gruppo B'))",
        },
    ],
});
