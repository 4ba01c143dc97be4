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
const DESK_TEAM = "Assistenza Tour Banco";

registry.category("web_tour.tours").add("support_team_queue_desk_bulk_take", {
    steps: () => [
        {
            content: "The dispatch notice is in the notification counter",
            trigger: ".o_menu_systray .o-mail-MessagingMenu-counter",
        },
        {
            content: "Open the notifications",
            trigger: ".o_menu_systray .dropdown-toggle:has(.o-mail-MessagingMenu-counter)",
            run: "click",
        },
        {
            content: "The notice names the request and says it waits for dispatch",
            trigger: ".o-mail-NotificationItem:contains('Tour dispatch'):contains('neither group nor operator')",
        },
        {
            content: "Close the notifications",
            trigger: ".o_menu_systray .dropdown-toggle:has(.o-mail-MessagingMenu-counter)",
            run: "click",
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

// The team's card: the request waiting for dispatch, counted and opened.
registry.category("web_tour.tours").add("support_team_queue_desk_team_card", {
    steps: () => [
        {
            content: "The team's card counts the request waiting for dispatch",
            trigger: `.o_kanban_record:contains('${DESK_TEAM}') button[name=action_support_open_unrouted]:contains('Waiting for Dispatch'):contains(/^\\s*1\\s/)`,
        },
        {
            content: "Open them",
            trigger: `.o_kanban_record:contains('${DESK_TEAM}') button[name=action_support_open_unrouted]`,
            run: "click",
        },
        {
            content: "The request is listed, with no group and no operator",
            trigger: ".o_list_view .o_data_row:contains('Tour dispatch')",
        },
    ],
});

// The queue's side panel: "No group" beside the groups selects the requests
// waiting for dispatch.
registry.category("web_tour.tours").add("support_team_queue_desk_no_group", {
    steps: () => [
        {
            // at the browser's 1366 px, beside the side panel: 90 px when
            // every short value had a default width
            content: "Beside the side panel, the subject keeps room to be read",
            trigger: ".o_list_renderer th[data-name=name]",
            run() {
                const subject = this.anchor.getBoundingClientRect().width;
                if (subject < 120) {
                    throw new Error(`The subject's column is ${subject}px wide`);
                }
            },
        },
        {
            content: "The side panel lists the groups, and No group with its count",
            trigger: ".o_search_panel_category_value:contains('Gruppo B') ~ .o_search_panel_category_value:contains('No group'):has(.o_search_panel_counter)",
        },
        {
            content: "Select No group",
            trigger: ".o_search_panel_category_value:contains('No group') header",
            run: "click",
        },
        {
            content: "The request waiting for dispatch is listed, the routed ones are not",
            trigger: ".o_list_view:has(.o_data_row:contains('Tour dispatch')):not(:has(.o_data_row:contains('Tour bulk uno')))",
        },
    ],
});

// The history: requested and closed dates, newest closed first.
registry.category("web_tour.tours").add("support_team_queue_desk_history", {
    steps: () => [
        {
            content: "The history shows when each request came and was closed",
            trigger: ".o_list_view th[data-name=create_date]:contains('Requested On') ~ th[data-name=date_closed]:contains('Closed On')",
        },
        {
            content: "The newest closed comes first",
            trigger: ".o_list_view .o_data_row:first:contains('Tour storia recente') + .o_data_row:contains('Tour storia vecchia')",
        },
        {
            content: "The search box finds a word of a message",
            trigger: ".o_searchview_input",
            run: "edit parola-nascosta-XQ7",
        },
        {
            trigger: ".o_searchview_autocomplete .o_menu_item:contains('Description or Messages')",
            run: "click",
        },
        {
            content: "Only the ticket with that message is left",
            trigger: ".o_list_view:has(.o_data_row:contains('Tour storia vecchia')):not(:has(.o_data_row:contains('Tour storia recente')))",
        },
    ],
});

// Keep in sync with tests/test_tours.py.
const MERGE = "Tour merge";

registry.category("web_tour.tours").add("support_team_queue_desk_merge", {
    steps: () => [
        {
            content: "Search the duplicates",
            trigger: ".o_searchview_input",
            run: `edit ${MERGE}`,
        },
        {
            trigger: ".o_searchview_autocomplete .o_menu_item:first",
            run: "click",
        },
        {
            content: "Both are listed",
            trigger: ".o_list_renderer:has(.o_data_row:contains('Tour merge originale')):has(.o_data_row:contains('Tour merge doppione'))",
        },
        {
            content: "Select them",
            trigger: ".o_list_renderer thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Open the actions",
            trigger: ".o_cp_action_menus button",
            run: "click",
        },
        {
            content: "Merge",
            trigger: ".o-dropdown--menu span:contains('Merge')",
            run: "click",
        },
        {
            content: "The dialog keeps the oldest",
            trigger: ".modal .o_field_widget[name=target_id] input:value(/Tour merge originale/)",
        },
        {
            trigger: ".modal .o_field_widget[name=ticket_ids]:has(.o_tag:contains('Tour merge originale')):has(.o_tag:contains('Tour merge doppione'))",
        },
        {
            content: "Merge them",
            trigger: ".modal button[name=action_merge]",
            run: "click",
        },
        {
            content: "The ticket kept opens, with the note of the merge",
            trigger: ".o_form_view:not(:has(.modal)) .o-mail-Message:contains('Merged into this ticket')",
        },
    ],
});
