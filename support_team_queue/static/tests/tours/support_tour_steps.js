/** @odoo-module **/
/**
 * Steps that several tours of this folder take, each as a list of steps to
 * spread into a tour's own (tests/test_tours.py runs the tours).
 */

/**
 * From the groups' list, open ``group`` and add ``member`` to its members:
 * the form is left unsaved.
 */
export function addGroupMember(group, member) {
    return [
        {
            content: `Open ${group}`,
            trigger: `.o_list_view .o_data_row td[name=name]:contains("${group}")`,
            run: "click",
        },
        {
            content: "Add a member",
            trigger: ".o_form_view .o_field_widget[name=user_ids] input",
            run: `edit ${member}`,
        },
        {
            content: `Pick ${member}`,
            trigger: `.o-autocomplete--dropdown-item a:contains("${member}")`,
            run: "click",
        },
    ];
}

/** From "My Team", open the user's team, ``team``. */
export function openMyTeam(team) {
    return [
        {
            content: "My Team lists the user's team: open it",
            trigger: `.o_list_view .o_data_row td[name=name]:contains("${team}")`,
            run: "click",
        },
    ];
}

/** Save the form in view and wait until it is saved. */
export function saveForm(content = "Save") {
    return [
        {
            content,
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ];
}

/** In the dialog, type ``value`` in many2one field ``field`` and choose it. */
export function pickInDialog(field, value) {
    return [
        {
            content: `Type ${value} in ${field}`,
            trigger: `.modal .o_field_widget[name=${field}] input`,
            run: `edit ${value}`,
        },
        {
            content: `Choose ${value}`,
            trigger: `.modal .o_field_widget[name=${field}] .dropdown-item:contains("${value}")`,
            run: "click",
        },
    ];
}
