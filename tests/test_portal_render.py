"""The customer portal as a browser receives it: the pages are rendered over
HTTP for a real portal user and read as HTML, and a request is sent from
the fields of the rendered form (its CSRF token included), as a browser
would send it. A field the page does not render cannot be filled in.
"""

from lxml import html

from .test_portal import NEW_REQUEST, PortalCase

FORM = "//form[contains(@class, 'o_support_new_ticket_form')]"


class PortalRenderCase(PortalCase):
    def page(self, url, **kwargs):
        response = self.url_open(url, **kwargs)
        self.assertEqual(response.status_code, 200, url)
        return response, html.fromstring(response.text)

    def new_request_form(self, tree):
        forms = tree.xpath(FORM)
        self.assertEqual(len(forms), 1, "the page shows the request form")
        return forms[0]

    def field(self, form, tag, name):
        found = form.xpath(f".//{tag}[@name='{name}']")
        self.assertEqual(len(found), 1, f"the form has a {tag} named {name}")
        return found[0]

    def send(self, form, files=None, **values):
        """Submit ``form`` as a browser does: every field it renders, with
        what the user typed over them, and the files chosen in its file
        inputs (``{input name: [(filename, content)]}``)."""
        # lxml leaves out an input with no value attribute: a browser sends ""
        data = {
            field.name: ""
            for field in form.inputs
            if field.name and field.get("type") not in ("submit", "button", "file")
        }
        data.update(form.form_values())
        for name in values:
            self.assertIn(name, data, f"the rendered form has no field {name}")
        data.update(values)
        if not files:
            return self.page(form.get("action"), data=data)
        self.assertEqual(form.get("enctype"), "multipart/form-data")
        for name in files:
            self.field(form, "input", name)
        return self.page(
            form.get("action"),
            data=data,
            files=[
                (name, (filename, content))
                for name, chosen in files.items()
                for filename, content in chosen
            ],
        )


class TestPortalNewRequestForm(PortalRenderCase):
    def test_form_renders_every_field(self):
        self.login_portal()
        _response, tree = self.page(NEW_REQUEST)
        form = self.new_request_form(tree)
        self.assertEqual(form.get("method"), "post")
        self.assertEqual(form.get("action"), NEW_REQUEST)

        description = self.field(form, "textarea", "description")
        self.assertEqual(description.text_content(), "")
        subject = self.field(form, "input", "subject")
        self.assertEqual(subject.get("type"), "text")
        email = self.field(form, "input", "email")
        self.assertEqual(email.get("type"), "email")
        self.assertEqual(email.get("value"), "mario.rossi@acme.example.com")
        self.assertTrue(self.field(form, "input", "csrf_token").get("value"))
        attachments = self.field(form, "input", "attachments")
        self.assertEqual(attachments.get("type"), "file")
        self.assertTrue(attachments.get("multiple"))
        self.assertEqual(form.get("enctype"), "multipart/form-data")

        group = self.field(form, "select", "group_id")
        offered = {o.get("value") for o in group.xpath(".//option") if o.get("value")}
        # the portal-visible groups (the demo desk's too), never Gruppo B
        visible = (
            self.env["support.group"]
            .with_user(self.portal_user)
            .search([("portal_visible", "=", True)])
        )
        self.assertIn(self.group_a, visible)
        self.assertEqual(offered, {str(g.id) for g in visible})
        self.assertNotIn(str(self.group_b.id), offered)

        # every label points at a field the form renders
        for label in form.xpath(".//label[@for]"):
            with self.subTest(label=label.text_content()):
                self.assertTrue(form.xpath(f".//*[@id='{label.get('for')}']"))

    def test_rendered_form_sends_a_request(self):
        self.login_portal()
        _response, tree = self.page(NEW_REQUEST)
        form = self.new_request_form(tree)
        response, _tree = self.send(
            form,
            group_id=str(self.group_a.id),
            subject="Il plotter è fermo",
            description="Il plotter del secondo piano\nsegnala un errore.",
        )
        ticket = self.tickets_named("Il plotter è fermo")
        self.assertEqual(len(ticket), 1, "the form sent one request")
        self.assertEqual(ticket.group_id, self.group_a)
        self.assertEqual(ticket.channel, "portal")
        self.assertEqual(ticket.partner_id, self.portal_user.partner_id)
        self.assertEqual(ticket.partner_email, "mario.rossi@acme.example.com")
        self.assertIn("segnala un errore", ticket.description)
        self.assertTrue(response.url.endswith(ticket.access_url))

    def test_refused_request_renders_the_form_again_with_what_was_typed(self):
        self.login_portal()
        _response, tree = self.page(NEW_REQUEST)
        form = self.new_request_form(tree)

        # no description: the form comes back with an empty box to fill in
        _response, tree = self.send(
            form, group_id=str(self.group_a.id), subject="Il plotter è fermo"
        )
        form = self.new_request_form(tree)
        self.assertIn("Describe the problem.", form.text_content())
        description = self.field(form, "textarea", "description")
        self.assertEqual(description.text_content(), "")
        self.assertIn("is-invalid", description.get("class"))
        self.assertEqual(
            self.field(form, "input", "subject").get("value"), "Il plotter è fermo"
        )

        # a wrong address: the typed description stays in its box
        typed = "Il plotter del secondo piano\nsegnala un errore <E42> & si ferma."
        _response, tree = self.send(form, email="mario.rossi@", description=typed)
        form = self.new_request_form(tree)
        self.assertIn("Enter a valid e-mail address", form.text_content())
        self.assertEqual(
            self.field(form, "textarea", "description").text_content(), typed
        )
        self.assertFalse(self.tickets_named("Il plotter è fermo"))

        # corrected in the re-rendered form, the request goes through
        self.send(form, email="mario.rossi@acme.example.com")
        ticket = self.tickets_named("Il plotter è fermo")
        self.assertEqual(len(ticket), 1)
        self.assertIn("&lt;E42&gt; &amp; si ferma", ticket.description)


class TestPortalTicketListRender(PortalRenderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # neither group nor operator: the customer's request in the queue
        cls.unrouted_ticket = cls.env["support.ticket"].create(
            {
                "name": "Nessuno ha ancora preso la richiesta",
                "partner_id": cls.portal_user.partner_id.id,
                "team_id": cls.team.id,
                "group_id": False,
                "user_id": False,
            }
        )

    def test_every_row_has_a_cell_per_column(self):
        self.assertFalse(self.unrouted_ticket.group_id)
        self.assertFalse(self.unrouted_ticket.user_id)
        self.login_portal()
        _response, tree = self.page("/my/tickets")
        [table] = tree.xpath("//table[contains(@class, 'o_portal_my_doc_table')]")
        headers = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
        self.assertEqual(
            headers,
            [
                "Number",
                "Subject",
                "Requester",
                "Group",
                "Operator",
                "Last Activity",
                "Status",
            ],
        )
        rows = {}
        for tr in table.xpath("./tbody/tr"):
            cells = tr.xpath("./td")
            self.assertEqual(
                len(cells), len(headers), html.tostring(tr, encoding="unicode")
            )
            rows[cells[headers.index("Subject")].text_content().strip()] = {
                header: cell.text_content().strip()
                for header, cell in zip(headers, cells, strict=True)
            }
        self.assertEqual(
            set(rows),
            {
                self.own_ticket.name,
                self.colleague_ticket.name,
                self.unrouted_ticket.name,
            },
        )
        unrouted = rows[self.unrouted_ticket.name]
        self.assertEqual(unrouted["Number"], self.unrouted_ticket.number)
        self.assertEqual(unrouted["Requester"], "Mario Rossi")
        self.assertEqual(unrouted["Group"], "")
        self.assertEqual(unrouted["Operator"], "")
        self.assertTrue(unrouted["Status"])
        self.assertEqual(rows[self.own_ticket.name]["Group"], "Gruppo A")

    def test_ticket_page_shows_the_subject(self):
        self.login_portal()
        for ticket in (self.unrouted_ticket, self.own_ticket):
            with self.subTest(ticket=ticket.name):
                _response, tree = self.page(f"/my/tickets/{ticket.id}")
                [heading] = tree.xpath("//div[@id='card_header']//h3")
                self.assertIn(ticket.name, heading.text_content())
                self.assertIn(ticket.number, heading.text_content())
