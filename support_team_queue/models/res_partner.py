import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import email_normalize

from .support_search_access_mixin import refuse_customer_search_by_messages

# one or more dot-separated labels, then a top-level domain
EMAIL_DOMAIN_RE = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$"
)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "support.ticket.relation.search.mixin"]

    support_ticket_ids = fields.One2many(
        "support.ticket", "partner_id", string="Support Tickets"
    )
    support_ticket_count = fields.Integer(
        compute="_compute_support_ticket_count",
        string="Ticket Count",
        groups="support_team_queue.group_support_readonly",
    )

    # Patch of Odoo: a contact's messages are joined without their access
    # rules (message_ids is auto_join): a customer searching contacts by them
    # would probe the internal notes logged on their own contact.
    @api.model
    def _search(self, domain, *args, **kwargs):
        if not self.env.su:
            refuse_customer_search_by_messages(
                self,
                domain,
                lambda: self.env._(
                    "Customers cannot search contacts by their messages."
                ),
            )
        return super()._search(domain, *args, **kwargs)

    @api.depends_context("uid")
    def _compute_support_ticket_count(self):
        # Counted as the current user (record rules decide what is seen),
        # over the same tickets the smart button opens: the partner's and
        # their contacts' (``child_of``), as sale's order count does.
        self.support_ticket_count = 0
        counts = self.env["support.ticket"]._read_group(
            [("partner_id", "child_of", self.ids)], ["partner_id"], ["__count"]
        )
        for ticket_partner, count in counts:
            partner = ticket_partner
            while partner:
                if partner in self:
                    partner.support_ticket_count += count
                partner = partner.parent_id

    def action_view_support_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_team_queue.action_support_ticket_queue"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {
            "default_partner_id": self.id,
            "default_channel": "phone",
        }
        return action

    # --- Organizations ---
    # A company registers the e-mail domains of its people, and tickets from
    # those addresses show the company's name.

    # Registering a domain files every ticket from it (and the ones already
    # received without an organization) under the company, where its portal
    # users read them: a support administrator's decision.
    support_email_domains = fields.Char(
        string="Support E-mail Domains",
        groups="support_team_queue.group_support_admin",
        help="E-mail domains of this organization, separated by commas or "
        "spaces, e.g. rossi-impianti.it, rossi.com. Tickets from these "
        "addresses (or their subdomains) belong to this organization when "
        "the requester has no user account: customers with an account "
        "belong to their account's company. A domain belongs to one "
        "company only.",
    )

    @api.model
    def _support_split_email_domains(self, text):
        """The domains written in ``text``: lower case, no duplicates."""
        domains = []
        for domain in re.split(r"[\s,;]+", (text or "").strip().lower()):
            if domain and domain not in domains:
                domains.append(domain)
        return domains

    @api.model
    def _support_normalize_email_domains_vals(self, vals):
        if vals.get("support_email_domains"):
            domains = self._support_split_email_domains(vals["support_email_domains"])
            vals = dict(vals, support_email_domains=", ".join(domains) or False)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._support_normalize_email_domains_vals(v) for v in vals_list]
        partners = super().create(vals_list)
        partners.filtered("support_email_domains")._support_claim_domain_tickets()
        return partners

    def write(self, vals):
        vals = self._support_normalize_email_domains_vals(vals)
        customers_moved = {"parent_id", "is_company"} & vals.keys() and bool(
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search_count(
                [("partner_id", "child_of", self.ids), ("share", "=", True)], limit=1
            )
        )
        res = super().write(vals)
        if vals.get("support_email_domains"):
            self._support_claim_domain_tickets()
        if customers_moved:
            # Odoo caches each user's record rule domains, and the portal
            # rule names the customer's organization (its evaluated
            # ``user.commercial_partner_id``): a customer moved to another
            # organization reads its tickets on the next request, in every
            # worker, as for any change of membership (support.access.stamp
            # lists every such path).
            self.env["support.access.stamp"]._forget_evaluated_rules()
        return res

    @api.constrains("support_email_domains", "is_company")
    def _check_support_email_domains(self):
        Partner = self.sudo().with_context(active_test=False)
        for partner in self.filtered("support_email_domains"):
            if not partner.is_company:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not a company: only companies have "
                        "support e-mail domains.",
                        partner=partner.display_name,
                    )
                )
            domains = self._support_split_email_domains(partner.support_email_domains)
            for domain in domains:
                if "@" in domain:
                    raise ValidationError(
                        self.env._(
                            "Support e-mail domains are written without '@': "
                            "%(domain)s is not a domain (e.g. rossi.com).",
                            domain=domain,
                        )
                    )
                if not EMAIL_DOMAIN_RE.match(domain):
                    raise ValidationError(
                        self.env._(
                            "%(domain)s is not a valid e-mail domain "
                            "(e.g. rossi-impianti.it, rossi.com).",
                            domain=domain,
                        )
                    )
            others = Partner.search(
                expression.AND(
                    [
                        [("id", "!=", partner.id)],
                        expression.OR(
                            [
                                [("support_email_domains", "ilike", domain)]
                                for domain in domains
                            ]
                        ),
                    ]
                )
            )
            for other in others:
                taken = set(domains) & set(
                    self._support_split_email_domains(other.support_email_domains)
                )
                if taken:
                    raise ValidationError(
                        self.env._(
                            "The e-mail domain %(domain)s already belongs to "
                            "%(company)s: a domain belongs to one company only.",
                            domain=", ".join(sorted(taken)),
                            company=other.display_name,
                        )
                    )

    @api.model
    def _support_organization(self, email, company=None):
        """The organization of a requester (``self``, a contact or
        nothing) writing from ``email``: their company, else, for a
        requester without a user account, the company that registered the
        domain of the address.

        A customer's organization comes from their account's company, never
        from an address they typed or changed themselves: a portal or
        internal user edits their own e-mail (/my/account, preferences), so
        the domain rule is only for the contacts the mail gateway creates
        for unknown senders, and for tickets with no requester."""
        commercial = self.commercial_partner_id
        if commercial.is_company:
            return commercial
        if self._support_has_account():
            return self.browse()
        return self._support_find_organization(email, company=company)

    def _support_has_account(self):
        """Whether the contact is a user's (archived users included: the
        address may still be one they set themselves)."""
        return bool(self.sudo().with_context(active_test=False).user_ids)

    def _support_find_organization(self, email, company=None):
        """The company that registered the domain of ``email`` (or of a
        parent domain: mail.rossi.com belongs to rossi.com); most specific
        domain first. Multi-company: companies shared or of ``company``."""
        normalized = email_normalize(email or "")
        if not normalized:
            return self.browse()
        labels = normalized.rpartition("@")[2].split(".")
        candidates = [".".join(labels[i:]) for i in range(len(labels) - 1)]
        domain = [
            ("is_company", "=", True),
            *expression.OR(
                [[("support_email_domains", "ilike", c)] for c in candidates]
            ),
        ]
        if company:
            domain.append(("company_id", "in", [company.id, False]))
        organizations = self.sudo().search(domain)
        for candidate in candidates:
            for organization in organizations:
                if candidate in self._support_split_email_domains(
                    organization.support_email_domains
                ):
                    return self.browse(organization.id)
        return self.browse()

    def _support_claim_domain_tickets(self):
        """Tickets already received from a newly registered domain, which
        have no organization yet, join the company."""
        Ticket = self.env["support.ticket"].sudo().with_context(active_test=False)
        for company in self:
            domains = self._support_split_email_domains(company.support_email_domains)
            if not domains:
                continue
            tickets = Ticket.search(
                [
                    ("organization_id", "=", False),
                    *expression.OR(
                        [[("partner_email", "=ilike", f"%@{d}")] for d in domains]
                        + [[("partner_email", "=ilike", f"%.{d}")] for d in domains]
                    ),
                ]
            )
            for ticket in tickets:
                if ticket._expected_organization() == company:
                    ticket.organization_id = company
