import uuid

from odoo import api, models


class SupportTicket(models.Model):
    """The customer's side: the portal link and its token, customers' messages."""

    # one model, one file per concern (README, Layout)
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    # --- Portal token ---

    def _token_refusal(self):
        return self.env._(
            "A ticket's portal link is made by Odoo only: its access token "
            "cannot be set."
        )

    def _token_holder(self):
        """(requester, organization, token): whom the token was made for."""
        self.ensure_one()
        return (self.partner_id.id, self.organization_id.id, self.access_token)

    def _renew_portal_token(self):
        """A new token, as portal.mixin makes them, for the tickets that have
        one: the link mailed to the former requester or organization no
        longer opens the ticket, its chatter or its files. Tickets without a
        token get one when a link is first needed."""
        for ticket in self.sudo().filtered("access_token"):
            ticket.with_context(tracking_disable=True).write(
                {"access_token": str(uuid.uuid4())}
            )

    def _portal_ensure_token(self):
        # The requester's own link, built as them (/mail/view, from the link
        # a notification carries): the field is the Support Administrators'
        # only, so that a colleague of the same organization, who reads the
        # ticket, cannot read the link that speaks for the requester.
        user = self.env.user
        if not self.env.su and user.share and self._is_own_request(user.partner_id):
            return super(SupportTicket, self.sudo())._portal_ensure_token()
        # checked here: a value already in the cache is read unchecked
        self.check_field_access_rights("read", ["access_token"])
        return super()._portal_ensure_token()

    def _get_share_url(
        self, redirect=False, signup_partner=False, pid=None, share_token=True
    ):
        # a colleague opening a ticket of their organization gets its page,
        # without the requester's token
        user = self.env.user
        if not self.env.su and user.share and not self._is_own_request(user.partner_id):
            share_token = False
        return super()._get_share_url(
            redirect=redirect,
            signup_partner=signup_partner,
            pid=pid,
            share_token=share_token,
        )

    # --- Followers from incoming e-mail ---

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        # Odoo makes the author of an incoming e-mail a follower, so that they
        # get the answers. A ticket's answers are its requester's and their
        # organization's (and the staff's): a former requester answering an
        # old e-mail, or anyone else the thread reached, is heard (the
        # message is posted) but does not follow the ticket.
        # And, whatever made them one (an activity assigned, a reply by
        # e-mail), a user who may not read the ticket does not follow it.
        if partner_ids:
            by_mail = bool(self.env.context.get("from_alias"))
            partners = self.env["res.partner"].sudo().browse(partner_ids)
            partner_ids = [
                partner.id
                for partner in partners
                if all(ticket._may_follow(partner, by_mail) for ticket in self)
            ]
        return super()._message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids, customer_ids=customer_ids
        )

    def _may_follow(self, partner, by_mail):
        """Whether ``partner`` may follow the ticket: one with users if one
        of them may read it; from an incoming e-mail (``by_mail``), a contact
        without a user if it is the requester or of their organization."""
        self.ensure_one()
        ticket = self.sudo()
        if partner.user_ids:
            return bool(ticket._readers_among(partner.user_ids))
        if not by_mail:
            return True
        organization = ticket.organization_id
        return ticket._is_own_request(partner) or bool(
            organization and partner.commercial_partner_id == organization
        )

    # --- Portal ---
    # Customers follow, answer and open tickets from /my/tickets
    # (controllers/portal.py). Which tickets they reach is decided by the
    # portal record rule in security/support_rules.xml, nowhere else.

    # Readers may post on a ticket: a customer answers from the portal chatter.
    # Odoo applies this to internal readers too, on purpose: a technician
    # (read-only profile) is the one who answers the customer's calls, and
    # logs notes; a message is not a change of the ticket, whose fields stay
    # out of their reach.
    _mail_post_access = "read"

    # a compute method assigns the field and returns nothing, as its super does
    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/tickets/{ticket.id}"

    def _is_customer_message(self, message):
        """A public message whose author is not an internal user."""
        message = message.sudo()  # the author's users are not for portal eyes
        if message.is_internal or message.subtype_id.internal:
            return False
        return self._is_customer(message.author_id)

    @api.model
    def _is_customer(self, partner):
        """Anyone but an internal user: a contact, a portal user, an unknown
        sender (Odoo's stored ``partner_share``)."""
        return not partner or partner.sudo().partner_share

    def _resume_on_customer_reply(self):
        """A customer's reply reopens a closed or expired ticket, and ends
        a wait for the customer (the targets' clock runs again).

        Used for replies posted from the portal (``_message_post_after_hook``
        in ``support_ticket_posting.py``) and for e-mail replies
        (``message_update``). The customer has no write access: this is the
        desk's answer to their reply, not an edit made with their rights,
        hence ``sudo()``.
        """
        done = self.filtered(lambda t: not t.is_open)
        done.sudo().action_reopen()
        (self - done).sudo()._end_wait_for_customer()
        return done
