/** @odoo-module **/
/**
 * Seed 000 in a real browser (tests/test_tours.py): the team's administrator
 * opens "My Team", renames a group, adds an operator, saves, and invites a
 * new operator; an operator of the team finds the same form read-only.
 */

import { registry } from "@web/core/registry";

// Keep in sync with tests/test_tours.py.
const TEAM = "Assistenza Clienti";
const GROUP = "Gruppo B";
const GROUP_RENAMED = "Gruppo B Sud";
const NEWCOMER = "Nuovo Operatore Tour";
const INVITED = "Marco Bianchi Tour";
const INVITED_EMAIL = "marco.bianchi.tour@example.com";
const MY_TEAM_URL = "/odoo/action-support_team_queue.action_support_my_team";

function openMyTeam() {
    return [
        {
            content: "My Team lists the user's team: open it",
            trigger: `.o_list_view .o_data_row td[name=name]:contains("${TEAM}")`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("support_team_queue_team_admin", {
    url: MY_TEAM_URL,
    steps: () => [
        ...openMyTeam(),
        {
            content: "The team's name can be changed",
            trigger: `.o_form_view .o_field_widget[name=name] input:value("${TEAM}")`,
        },
        {
            content: "Open the Groups tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Groups')",
            run: "click",
        },
        {
            content: `Edit ${GROUP}'s name in the list`,
            trigger: `.o_field_widget[name=group_ids] .o_data_row td[name=name]:contains("${GROUP}")`,
            run: "click",
        },
        {
            content: "Rename it",
            trigger: ".o_field_widget[name=group_ids] .o_selected_row td[name=name] input",
            run: `edit ${GROUP_RENAMED}`,
        },
        {
            content: "Open the Operators tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Operators')",
            run: "click",
        },
        {
            content: "Add an operator",
            trigger: ".o_field_widget[name=operator_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Search the newcomer",
            trigger: ".modal .o_searchview_input",
            run: `edit ${NEWCOMER} && press Enter`,
        },
        {
            content: "Pick the newcomer",
            trigger: `.modal .o_data_row td:contains("${NEWCOMER}")`,
            run: "click",
        },
        {
            content: "The newcomer is among the operators",
            trigger: `body:not(:has(.modal)) .o_field_widget[name=operator_ids] .o_data_row td:contains("${NEWCOMER}")`,
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Invite an operator",
            trigger: ".o_form_view button[name=action_invite_operator]",
            run: "click",
        },
        {
            content: "The invitation is for this team",
            trigger: `.modal .o_field_widget[name=team_id]:contains("${TEAM}")`,
        },
        {
            content: "Name",
            trigger: ".modal .o_field_widget[name=name] input",
            run: `edit ${INVITED}`,
        },
        {
            content: "E-mail",
            trigger: ".modal .o_field_widget[name=email] input",
            run: `edit ${INVITED_EMAIL}`,
        },
        {
            content: "The Agent profile",
            trigger: ".modal .o_field_widget[name=profile_group_id] .o_radio_item:contains('Agent') input",
            run: "click",
        },
        {
            content: "Invite",
            trigger: ".modal button[name=action_invite]",
            run: "click",
        },
        {
            content: "The invitation is sent, the dialog closed",
            trigger: `body:not(:has(.modal)) .o_notification:contains("${INVITED}")`,
        },
    ],
});

registry.category("web_tour.tours").add("support_team_queue_team_operator_readonly", {
    url: MY_TEAM_URL,
    steps: () => [
        ...openMyTeam(),
        {
            content: "The team's name shows as text, not as an input",
            trigger: `.o_form_view .o_field_widget[name=name]:contains("${TEAM}"):not(:has(input))`,
        },
        {
            content: "No field of the team is editable, no invitation",
            trigger:
                ".o_form_view:not(:has(button[name=action_invite_operator]))" +
                " .o_form_sheet:not(:has(.o_field_widget input:not([readonly]):not([disabled])))",
        },
        {
            content: "Its operators cannot be added to",
            trigger:
                ".o_form_view .o_form_sheet:not(:has(.o_field_x2many_list_row_add))",
        },
    ],
});
