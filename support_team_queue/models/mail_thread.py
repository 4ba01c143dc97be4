import codecs
import logging

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import email_split

_logger = logging.getLogger(__name__)


class MailThread(models.AbstractModel):
    """Patches of Odoo's mail gateway, each for the models that ask for it
    (``support.ticket`` does):

    - ``_message_route_process``: Odoo opens a record for an automatic
      e-mail (RFC 3834 auto-replies, out-of-office, bulk mail); models that
      set ``_mail_refuse_auto_submitted`` get none, so that an answering
      machine opens no ticket. Odoo 18 already ignores bounces
      (``message_route`` hands them to ``_routing_handle_bounce``),
      duplicated Message-Ids and senders flooding an alias
      (``_detect_loop_sender``); it does not look at ``Auto-Submitted`` and
      friends. A reply to an existing thread is still posted, with
      ``mail_auto_submitted`` in the context of ``message_update``.
    - ``_message_parse_extract_payload``: Odoo fails on a part in an
      unknown charset, and the e-mail is never stored; for models that set
      ``_mail_unknown_charset_as_latin1`` it is read as latin-1.
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

    @api.model
    def _check_mail_gateway(self):
        """Refuse whoever is not the mail gateway: superuser (the mail
        fetcher) or a Settings account (Odoo's mail gateway script)."""
        if not self.env.is_system():
            raise AccessError(
                self.env._("Only the mail gateway may deliver incoming e-mail.")
            )

    # Models that set this read a part of an incoming e-mail in an unknown
    # charset as latin-1 instead of failing (see below).
    _mail_unknown_charset_as_latin1 = False

    @api.model
    def message_process(self, model, message, *args, **kwargs):
        # Patch of Odoo: the gateway routes and posts an e-mail as superuser,
        # and the method is public: over RPC any user could feed it a forged
        # e-mail, with the record's values of their choice (custom_values)
        # or the id of a thread to post in, and create, reopen or fill
        # tickets their rights refuse. The gateway is the mail fetcher (run
        # as superuser) or a mail gateway account with Settings rights.
        self._check_mail_gateway()
        # Tells the parser below which model the gateway falls back on (a
        # mail server's "Create a new record").
        return super(
            MailThread, self.with_context(mail_gateway_fallback_model=model)
        ).message_process(model, message, *args, **kwargs)

    def _message_parse_extract_payload(
        self, message, message_dict, save_original=False
    ):
        """Patch of Odoo: a part in a charset Python does not know
        (``charset=x-foo``) makes Odoo's parser raise ``LookupError``, and
        the fetcher retries that e-mail forever without storing it; for the
        models that set ``_mail_unknown_charset_as_latin1`` such parts are
        read as latin-1, which decodes any byte: the text may look odd, the
        request is not lost. Mail for any other model keeps Odoo's
        behaviour."""
        try:
            return super()._message_parse_extract_payload(
                message, message_dict, save_original=save_original
            )
        except LookupError:
            if not any(
                getattr(self.env[model], "_mail_unknown_charset_as_latin1", False)
                for model in self._message_target_models(message_dict)
            ):
                raise
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

    @api.model
    def _message_target_models(self, message_dict):
        """The models an e-mail being parsed may go to, as ``message_route``
        will find them from the headers parsed so far: the model of the
        message it answers, of the aliases among its recipients, and the
        gateway's fallback model."""
        models_ = set()
        parent = self.env["mail.message"].sudo().browse(message_dict.get("parent_id"))
        if parent.model:
            models_.add(parent.model)
        addresses = ",".join(
            filter(None, (message_dict.get("recipients"), message_dict.get("to")))
        )
        emails = {email.lower() for email in email_split(addresses)}
        if emails:
            aliases = (
                self.env["mail.alias"]
                .sudo()
                .search(
                    [
                        "|",
                        ("alias_full_name", "in", list(emails)),
                        "&",
                        (
                            "alias_name",
                            "in",
                            [email.partition("@")[0] for email in emails],
                        ),
                        ("alias_incoming_local", "=", True),
                    ]
                )
            )
            models_.update(aliases.alias_model_id.mapped("model"))
        fallback = self.env.context.get("mail_gateway_fallback_model")
        if fallback:
            models_.add(fallback)
        return models_ & set(self.env.registry)
