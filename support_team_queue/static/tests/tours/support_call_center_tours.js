/** @odoo-module **/
/**
 * The demo scenario in a real browser (tests/test_tours.py drives them in
 * order): the call center opens a ticket from a contact and routes it to
 * Gruppo A; Tecnico A finds it and cannot change it; a Gruppo B user does not
 * find it; the team administrator sees it on the dashboard.
 */

import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

// Keep in sync with tests/test_tours.py.
const CONTACT = "Giulia Ferri Tour";
const SUBJECT = "Tour: la stampante del magazzino non risponde";
const SUBJECT_B = "Tour: fax di Gruppo B fuori uso";
const QUEUE_URL = "/odoo/action-support_team_queue.action_support_ticket_queue";
const DASHBOARD_URL = "/odoo/action-support_team_queue.action_support_ticket_dashboard";

/** Steps typing `text` in the search bar and searching tickets for it. */
function searchTickets(text) {
    return [
        {
            content: "Search the tickets for the subject",
            trigger: ".o_searchview_input",
            run: `edit ${text}`,
        },
        {
            content: "Search tickets (first proposal: subject or number)",
            trigger: ".o_searchview_autocomplete .o_menu_item:first",
            run: "click",
        },
        {
            content: "The search is applied",
            trigger: `.o_searchview_facet:contains("${text}")`,
        },
    ];
}

registry.category("web_tour.tours").add("support_team_queue_callcenter_ticket", {
    url: "/odoo/contacts",
    steps: () => [
        {
            content: "Search the contact who is calling",
            trigger: ".o_searchview_input",
            run: `edit ${CONTACT} && press Enter`,
        },
        {
            content: "Open the contact who is calling",
            trigger: `.o_kanban_record:contains("${CONTACT}")`,
            run: "click",
        },
        {
            content: "Open a ticket from the contact's button box",
            trigger: `button.oe_stat_button:contains("New Ticket")`,
            run: "click",
        },
        {
            content: "The new ticket is the contact's",
            trigger: `.o_form_view .o_field_widget[name=partner_id] input:value("${CONTACT}")`,
        },
        {
            content: "An unsaved ticket offers no Take, Wait, Release nor Close",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_take])):not(:has(button[name=action_close]))",
        },
        {
            content: "Subject",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: `edit ${SUBJECT}`,
        },
        {
            content: "Route the ticket to Gruppo A",
            trigger: ".o_form_view .o_field_widget[name=group_id] input",
            run: "edit Gruppo A",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Gruppo A')",
            run: "click",
        },
        {
            content: "Gruppo A is chosen",
            trigger: `.o_form_view .o_field_widget[name=group_id] input:value("Gruppo A")`,
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The ticket is saved with its number",
            trigger: ".o_form_view .o_form_saved .o_field_widget[name=number]:not(:contains('New'))",
        },
        {
            content: "Saved, it offers Take and Close",
            trigger: ".o_form_view .o_form_statusbar button[name=action_take]",
        },
        {
            trigger: ".o_form_view .o_form_statusbar button[name=action_close]",
        },
    ],
});

registry.category("web_tour.tours").add("support_team_queue_technician_readonly", {
    url: QUEUE_URL,
    steps: () => [
        ...searchTickets(SUBJECT),
        {
            content: "Tecnico A finds the ticket in the queue and opens it",
            trigger: `.o_list_view .o_data_row td[name=name]:contains("${SUBJECT}")`,
            run: "click",
        },
        {
            content: "The form is read-only",
            trigger: ".o_form_view .o_form_renderer.o_form_readonly",
        },
        {
            content: "The subject shows as text, not as an input",
            trigger: `.o_form_view .o_field_widget[name=name]:contains("${SUBJECT}"):not(:has(input))`,
        },
        {
            content: "No field of the ticket is editable",
            trigger: ".o_form_view .o_form_sheet:not(:has(.o_field_widget input:not([readonly])))",
        },
        {
            content: "No save button, no New button, no Take button",
            trigger:
                ".o_form_view:not(:has(.o_form_button_save)):not(:has(.o_form_button_create))" +
                ":not(:has(button[name=action_take]))",
        },
        {
            content: "A save forced through RPC is refused",
            trigger: ".o_form_view .o_form_readonly",
            async run() {
                const id = parseInt(window.location.pathname.split("/").pop());
                if (!id) {
                    throw new Error(`No ticket id in the URL ${window.location.pathname}`);
                }
                let refused = false;
                try {
                    await rpc("/web/dataset/call_kw/support.ticket/web_save", {
                        model: "support.ticket",
                        method: "web_save",
                        args: [[id], { name: "Changed by Tecnico A" }],
                        kwargs: { specification: { name: {} } },
                    });
                } catch (error) {
                    refused = error?.data?.name === "odoo.exceptions.AccessError";
                    if (!refused) {
                        throw new Error(`Unexpected error: ${error?.data?.name} ${error}`);
                    }
                }
                if (!refused) {
                    throw new Error("Tecnico A could save the ticket");
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("support_team_queue_group_b_not_found", {
    url: QUEUE_URL,
    steps: () => [
        {
            content: "The Gruppo B user sees its own group's ticket",
            trigger: `.o_list_view .o_data_row td[name=name]:contains("${SUBJECT_B}")`,
        },
        ...searchTickets(SUBJECT),
        {
            content: "No ticket found",
            trigger: ".o_action_manager .o_view_nocontent",
        },
        {
            content: "Not even a row",
            trigger: `.o_action_manager .o_content:not(:has(.o_data_row)):not(:contains("${SUBJECT}"))`,
        },
    ],
});

registry.category("web_tour.tours").add("support_team_queue_dashboard", {
    url: DASHBOARD_URL,
    steps: () => [
        {
            content: "The dashboard opens on the graph",
            trigger: ".o_graph_view .o_graph_renderer",
        },
        {
            content: "Switch to the pivot",
            trigger: "button.o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "Gruppo A has one open ticket",
            trigger:
                ".o_pivot tbody tr:has(th:contains('Gruppo A')) " +
                ".o_pivot_cell_value:last .o_value:contains(/^1$/)",
        },
        {
            content: "Switch to the list",
            trigger: "button.o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The call center's ticket is there, in Gruppo A",
            trigger: `.o_list_view .o_data_row:has(td[name=name]:contains("${SUBJECT}")) td[name=group_id]:contains("Gruppo A")`,
        },
        {
            content: "Open the Dashboard menu",
            trigger: '.dropdown-toggle[data-menu-xmlid="support_team_queue.menu_support_dashboard"]',
            run: "click",
        },
        {
            content: "Go to the queues by group",
            trigger: '.dropdown-item[data-menu-xmlid="support_team_queue.menu_support_dashboard_groups"]',
            run: "click",
        },
        {
            content: "Gruppo A's card shows the ticket as its oldest waiting, nobody holds it",
            trigger: `.o_kanban_record:contains("Gruppo A"):contains("${SUBJECT}") button[name=action_support_open_waiting]:contains(/^\\s*1\\s/)`,
        },
        {
            content: "Open Gruppo A's tickets waiting for an operator",
            trigger: `.o_kanban_record:contains("Gruppo A"):contains("${SUBJECT}") button[name=action_support_open_waiting]`,
            run: "click",
        },
        {
            content: "The ticket waits there",
            trigger: `.o_list_view .o_data_row td[name=name]:contains("${SUBJECT}")`,
        },
    ],
});
