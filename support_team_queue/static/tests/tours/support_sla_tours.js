/** @odoo-module **/
/**
 * Response-time targets in a real browser (tests/test_tours.py,
 * TestSlaTours): the team's administrator opens their team's targets from
 * "My Team" and adds one; in the queue, a ticket's deadline is on its row,
 * coloured when failed or at risk, and the filters "At Risk" and "Failed"
 * keep those tickets only.
 */

import { registry } from "@web/core/registry";
import { openMyTeam, saveForm } from "@support_team_queue/../tests/tours/support_tour_steps";

// Keep in sync with tests/test_tours.py.
const TEAM = "Assistenza Clienti";
const POLICY = "Tour: urgenti in due ore";
const FAILED = "Tour SLA scaduto";
const AT_RISK = "Tour SLA a rischio";
const ON_TRACK = "Tour SLA in tempo";
const MY_TEAM_URL = "/odoo/action-support_team_queue.action_support_my_team";
const QUEUE_URL = "/odoo/action-support_team_queue.action_support_ticket_queue";
const DASHBOARD_URL = "/odoo/action-support_team_queue.action_support_ticket_sla_analysis";

function toggleFilter(label) {
    return [
        {
            content: "Open the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: `Filter "${label}"`,
            trigger: `.o_filter_menu .o_menu_item:contains("${label}")`,
            run: "click",
        },
        {
            content: "Close the search options",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("support_team_queue_sla_team_admin", {
    url: MY_TEAM_URL,
    steps: () => [
        ...openMyTeam(TEAM),
        {
            content: "The team's working hours can be set",
            trigger: ".o_form_view .o_field_widget[name=resource_calendar_id] input",
        },
        {
            content: "Open the team's response-time targets",
            trigger: ".o_form_view button[name=action_open_slas]",
            run: "click",
        },
        {
            content: "Add one",
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            content: "It is for this team",
            trigger: `.o_form_view .o_field_widget[name=team_id] input:value("${TEAM}")`,
        },
        {
            content: "Name it",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: `edit ${POLICY}`,
        },
        {
            content: "Urgent tickets",
            trigger: ".o_form_view .o_field_widget[name=priority] .o_priority_star:nth-child(3)",
            run: "click",
        },
        {
            content: "A first response within two working hours",
            trigger: ".o_form_view .o_field_widget[name=response_hours] input",
            run: "edit 02:00",
        },
        ...saveForm(),
    ],
});

registry.category("web_tour.tours").add("support_team_queue_sla_queue", {
    url: QUEUE_URL,
    steps: () => [
        {
            content: "A failed ticket's deadline is red on its row",
            trigger: `.o_data_row:has(td[name=name]:contains("${FAILED}")) td[name=sla_deadline].text-danger:not(:empty)`,
        },
        {
            content: "A ticket at risk: its deadline in the warning colour",
            trigger: `.o_data_row:has(td[name=name]:contains("${AT_RISK}")) td[name=sla_deadline].text-warning:not(:empty)`,
        },
        {
            content: "A ticket on track: its deadline uncoloured",
            trigger: `.o_data_row:has(td[name=name]:contains("${ON_TRACK}")) td[name=sla_deadline]:not(.text-danger):not(.text-warning):not(:empty)`,
        },
        ...toggleFilter("Failed"),
        {
            content: "Failed: the failed ticket only",
            trigger: `.o_list_view:not(:has(td[name=name]:contains("${AT_RISK}"))):not(:has(td[name=name]:contains("${ON_TRACK}"))) td[name=name]:contains("${FAILED}")`,
        },
        ...toggleFilter("Failed"),
        ...toggleFilter("At Risk"),
        {
            content: "At Risk: the ticket at risk only; open it",
            trigger: `.o_list_view:not(:has(td[name=name]:contains("${FAILED}"))):not(:has(td[name=name]:contains("${ON_TRACK}"))) td[name=name]:contains("${AT_RISK}")`,
            run: "click",
        },
        {
            content: "The form says where the ticket stands",
            trigger: `.o_form_view .o_field_widget[name=sla_state]:contains("At Risk")`,
        },
        {
            content: "and its first response's deadline",
            trigger: `.o_form_view .o_field_widget[name=sla_response_deadline]:contains("/")`,
        },
    ],
});

registry.category("web_tour.tours").add("support_team_queue_sla_dashboard", {
    url: DASHBOARD_URL,
    steps: () => [
        {
            content: "Targets met and failed, per team: the failed column",
            trigger: `.o_pivot th:contains("Failed")`,
        },
        {
            content: "and the team's row",
            trigger: `.o_pivot th:contains("${TEAM}")`,
        },
        {
            content: "The graph per operator",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
