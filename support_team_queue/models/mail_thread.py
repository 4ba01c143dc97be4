import codecs
import logging

from odoo import api, models

_logger = logging.getLogger(__name__)


class MailThread(models.AbstractModel):
    """Tell the mail gateway's targets whether an incoming e-mail was sent by
    a machine (RFC 3834 auto-replies, out-of-office, bulk mail).

    Odoo 18 already ignores bounces (``message_route`` hands them to
    ``_routing_handle_bounce``), duplicated Message-Ids and senders flooding
    an alias (``_detect_loop_sender``); it does not look at ``Auto-Submitted``
    and friends. Models that set ``_mail_refuse_auto_submitted`` get no new
    record from such a message: a reply to an existing thread is still
    posted, with ``mail_auto_submitted`` in the context of
    ``message_update``.
    """

    _inherit = "mail.thread"

    _mail_refuse_auto_submitted = False

    @api.model
    def _message_is_auto_submitted(self, message):
        """Whether the ``email.message`` was written by a machine."""
        auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
        if auto_submitted and auto_submitted != "no":
            return True
        precedence = (message.get("Precedence") or "").strip().lower()
        if precedence in ("bulk", "junk", "list", "auto_reply"):
            return True
        # X-Auto-Response-Suppress is not among them: it asks the recipient not
        # to answer automatically, and Exchange puts it on people's mail too;
        # treating it as automatic would lose real requests.
        return any(message.get(header) for header in ("X-Autoreply", "X-Autorespond"))

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        if routes and self._message_is_auto_submitted(message):
            kept = [
                route
                for route in routes
                if route[1]  # a reply to an existing thread
                or not getattr(self.env[route[0]], "_mail_refuse_auto_submitted", False)
            ]
            if len(kept) < len(routes):
                _logger.info(
                    "Routing mail from %s with Message-Id %s: automatic message, "
                    "no record created",
                    message_dict.get("email_from"),
                    message_dict.get("message_id"),
                )
            routes = kept
            self = self.with_context(mail_auto_submitted=True)
        return super()._message_route_process(message, message_dict, routes)

    def _message_parse_extract_payload(
        self, message, message_dict, save_original=False
    ):
        """A part declaring a charset Python does not know (``charset=x-foo``)
        makes ``get_content()`` raise ``LookupError`` in Odoo's parser, and
        the fetcher retries that e-mail forever without storing it. Such parts
        are read as latin-1 instead, which decodes any byte: the text may
        look odd, the request is not lost."""
        try:
            return super()._message_parse_extract_payload(
                message, message_dict, save_original=save_original
            )
        except LookupError:
            for part in message.walk():
                charset = part.get_content_charset()
                if not charset:
                    continue
                try:
                    codecs.lookup(charset)
                except LookupError:
                    _logger.info(
                        "Mail %s: unknown charset %r read as latin-1",
                        message_dict.get("message_id"),
                        charset,
                    )
                    part.set_param("charset", "latin-1")
            return super()._message_parse_extract_payload(
                message, message_dict, save_original=save_original
            )
