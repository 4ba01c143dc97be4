/** @odoo-module **/
/**
 * Team administration in a real browser (tests/test_tours.py): the team's
 * administrator opens "My Team", renames a group, adds an operator, saves, and
 * invites a new operator; an operator of the team finds the same form
 * read-only.
 */

import { registry } from "@web/core/registry";
import { openMyTeam, pickInDialog, saveForm } from "@support_team_queue/../tests/tours/support_tour_steps";

// Keep in sync with tests/test_tours.py.
const TEAM = "Assistenza Clienti";
const GROUP = "Gruppo B";
const GROUP_RENAMED = "Gruppo B Sud";
const NEWCOMER = "Nuovo Operatore Tour";
const INVITED = "Marco Bianchi Tour";
const INVITED_EMAIL = "marco.bianchi.tour@example.com";
const MY_TEAM_URL = "/odoo/action-support_team_queue.action_support_my_team";

registry.category("web_tour.tours").add("support_team_queue_team_admin", {
    url: MY_TEAM_URL,
    steps: () => [
        ...openMyTeam(TEAM),
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
        ...saveForm(),
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
        ...openMyTeam(TEAM),
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

// The Support Administrator's sharing screen (tests/test_tours.py), read in
// Italian: one menu, a team row that opens the team's sharing form, a rule
// written in English that reads in Italian, and a new rule added in its own
// form.
const SHARING_URL = "/odoo/action-support_team_queue.action_support_team_sharing";
const SHARING_TEAM = "Assistenza Condivisione Tour";
const SHARED_GROUP = "Call Center";
const SHARED_WITH = "Solitario Tour";

registry.category("web_tour.tours").add("support_team_queue_sharing", {
    url: SHARING_URL,
    steps: () => [
        {
            content: "The team's row counts its custom rules",
            trigger: `.o_list_view .o_data_row:contains("${SHARING_TEAM}") td[name=sharing_rule_count]:contains("1")`,
        },
        {
            content: "The team's row opens its sharing form",
            trigger: `.o_list_view .o_data_row td[name=name]:contains("${SHARING_TEAM}")`,
            run: "click",
        },
        {
            content: "The rule written in English reads in the reader's language",
            trigger: `.o_form_view .o_field_widget[name=sharing_rule_ids] .o_data_row td[name=display_name]:contains("Ticket di gruppo ${SHARED_GROUP}")`,
        },
        {
            content: "Add a rule",
            trigger: ".o_field_widget[name=sharing_rule_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "The rule opens in its own form: shared from a group",
            trigger: ".modal .o_field_widget[name=source_type] input[data-value=group]",
            run: "click",
        },
        ...pickInDialog("source_group_id", SHARED_GROUP),
        {
            content: "Shared with a user",
            trigger: ".modal .o_field_widget[name=target_type] input[data-value=user]",
            run: "click",
        },
        ...pickInDialog("target_user_id", SHARED_WITH),
        {
            content: "Read and write",
            trigger: ".modal .o_field_widget[name=access] input[data-value=write]",
            run: "click",
        },
        {
            content: "Save the rule",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The new rule is listed under its name, in Italian",
            trigger: `body:not(:has(.modal)) .o_field_widget[name=sharing_rule_ids] .o_data_row td[name=display_name]:contains("${SHARED_WITH}")`,
        },
        ...saveForm("Save the team"),
    ],
});

// The organisation chart of roles: each card names its holders.
registry.category("web_tour.tours").add("support_team_queue_role_chart", {
    url: "/odoo/action-support_team_queue.action_support_role?view_type=hierarchy",
    steps: () => [
        {
            content: "The top role's card names its holder",
            trigger: `.o_hierarchy_node:contains("Supervisore") .o_field_many2many_tags_avatar:contains("Supervisor")`,
        },
        {
            content: "A role nobody holds says so",
            trigger: `.o_hierarchy_node:contains("Ruolo Vacante Tour"):contains("No holder")`,
        },
    ],
});

// A user's form (tests/test_tours.py opens Tecnico A's), Support tab:
// Superiors names the holders of the roles above the user's, and follows a
// change of role before it is saved.
registry.category("web_tour.tours").add("support_team_queue_user_superiors", {
    steps: () => [
        {
            content: "Open the Support tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Support')",
            run: "click",
        },
        {
            content: "Superiors: Tecnico A's manager and the supervisor, not Gruppo B's",
            trigger: `.o_field_widget[name=support_superior_user_ids]:contains("Resp A"):contains("Supervisor"):not(:contains("Resp B"))`,
        },
        {
            content: "Give the user a role under Responsabile B",
            trigger: ".o_field_widget[name=support_role_id] input",
            run: "edit Tecnico B Tour",
        },
        {
            content: "Pick it",
            trigger: `.o-autocomplete--dropdown-item a:contains("Tecnico B Tour")`,
            run: "click",
        },
        {
            content: "Superiors follow the role before it is saved",
            trigger: `.o_field_widget[name=support_superior_user_ids]:contains("Resp B"):contains("Supervisor"):not(:contains("Resp A"))`,
        },
        ...saveForm("Save the user"),
    ],
});
