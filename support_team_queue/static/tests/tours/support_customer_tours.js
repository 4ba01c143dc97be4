/** @odoo-module **/
/**
 * The customer's side in a real browser (tests/test_tours.py): a portal
 * user files a request with a file, closes it with "Solved", and reopens
 * it by replying in its chatter.
 */

import { registry } from "@web/core/registry";

// Keep in sync with tests/test_tours.py.
const SUBJECT = "Tour: il plotter segnala E42";
const FILENAME = "errore-e42.txt";
const REPLY = "Tour: il plotter si è fermato di nuovo";

registry.category("web_tour.tours").add("support_team_queue_customer_request", {
    steps: () => [
        {
            content: "Choose the group",
            trigger: "select[name=group_id]",
            run: "selectByLabel Gruppo A",
        },
        {
            content: "Subject",
            trigger: "input[name=subject]",
            run: `edit ${SUBJECT}`,
        },
        {
            content: "Description",
            trigger: "textarea[name=description]",
            run: "edit Il pannello del plotter mostra l'errore E42.",
        },
        {
            content: "Attach a file",
            trigger: "input[type=file][name=attachments]",
            run() {
                const files = new DataTransfer();
                files.items.add(
                    new File(["E42 alle 10:02"], FILENAME, { type: "text/plain" })
                );
                this.anchor.files = files.files;
            },
        },
        {
            content: "Send the request",
            trigger: ".o_support_new_ticket_form button[type=submit]",
            run: "click",
        },
        {
            content: "The request's page, with its file in the chatter",
            trigger: `#card_header h3:contains('${SUBJECT}')`,
        },
        {
            trigger: `#chatterRoot:shadow .o-mail-AttachmentList:contains('${FILENAME}')`,
        },
        {
            content: "Solved",
            trigger: ".o_support_solve_form button.o_support_solve",
            run: "click",
        },
        {
            content: "The ticket is closed; a reply reopens it",
            trigger: ".o_support_closed_notice",
        },
        {
            trigger: "body:not(:has(.o_support_solve_form))",
        },
        {
            content: "Reply in the chatter",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: `edit ${REPLY}`,
        },
        {
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The reply is posted",
            trigger: `#chatterRoot:shadow .o-mail-Message:contains('${REPLY}')`,
        },
    ],
});
