"""Hostile e-mail through the mail gateway (issue 7): malformed MIME, missing
or forged headers, huge bodies, odd encodings, loops and auto-replies.

Every message goes through ``mail.thread.message_process`` as the fetchmail
cron sends it, raw bytes included. The promises: the gateway never crashes
(nothing is caught here: ``message_process`` returns; the one clean refusal
is the ``ValueError`` Odoo raises for mail no alias accepts), never opens a
duplicate ticket, and every message it accepts is stored on a ticket.
"""

import base64
import uuid

from .test_mail_intake import ALIAS_DOMAIN, TEAM_ADDRESS, MailIntakeCase

SENDER = "mario.bianchi@rossi-impianti.it"


def message_id():
    return f"<{uuid.uuid4().hex}@mail.rossi-impianti.it>"


def raw_mail(headers, body=b"Buongiorno, la caldaia non parte."):
    """Bytes of an e-mail: ``headers`` (str or bytes lines) then ``body``."""
    lines = [line if isinstance(line, bytes) else line.encode() for line in headers]
    if isinstance(body, str):
        body = body.encode()
    return b"\r\n".join(lines) + b"\r\n\r\n" + body + b"\r\n"


def plain_headers(msg_id, subject="La caldaia non parte", sender=SENDER, extra=()):
    return [
        f"From: Mario Bianchi <{sender}>",
        f"To: {TEAM_ADDRESS}",
        f"Subject: {subject}",
        f"Message-ID: {msg_id}",
        "Date: Mon, 2 Jun 2025 10:00:00 +0200",
        "MIME-Version: 1.0",
        *extra,
    ]


class HostileMailCase(MailIntakeCase):
    def feed(self, raw):
        """The gateway, exactly as fetchmail calls it."""
        return self.env["mail.thread"].sudo().message_process(False, raw)

    def stored(self, msg_id):
        """The ticket messages stored with this Message-Id."""
        return self.env["mail.message"].search(
            [("message_id", "=", msg_id), ("model", "=", "support.ticket")]
        )

    def assertAccepted(self, raw, msg_id):
        """One new ticket, holding the message: return the ticket."""
        before = self.tickets()
        result = self.feed(raw)
        new = self.tickets() - before
        self.assertEqual(len(new), 1, "exactly one ticket for one new e-mail")
        self.assertEqual(result, new.id)
        message = self.stored(msg_id)
        self.assertEqual(len(message), 1, "the e-mail is stored once")
        self.assertEqual(message.res_id, new.id)
        return new


class TestMalformedMime(HostileMailCase):
    def test_broken_multipart_boundary(self):
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(
                msg_id,
                extra=['Content-Type: multipart/mixed; boundary="DECLARED"'],
            ),
            b"--OTHER\r\nContent-Type: text/plain\r\n\r\n"
            b"Corpo con un confine sbagliato\r\n--OTHER",  # never closed
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertEqual(ticket.name, "La caldaia non parte")

    def test_unterminated_multipart_with_attachment(self):
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(
                msg_id, extra=['Content-Type: multipart/mixed; boundary="B1"']
            ),
            b"--B1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            b"Vedi allegato\r\n"
            b"--B1\r\nContent-Type: application/pdf; name=rotto.pdf\r\n"
            b"Content-Disposition: attachment; filename=rotto.pdf\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLj",  # cut off
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertIn("Vedi allegato", ticket.description)

    def test_missing_content_type(self):
        msg_id = message_id()
        raw = raw_mail(plain_headers(msg_id), "Nessun Content-Type")
        ticket = self.assertAccepted(raw, msg_id)
        self.assertIn("Nessun Content-Type", ticket.description)

    def test_invalid_base64_body(self):
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(
                msg_id,
                extra=[
                    "Content-Type: text/plain; charset=utf-8",
                    "Content-Transfer-Encoding: base64",
                ],
            ),
            b"!!!questo non e' base64 ***\r\n%%%",
        )
        self.assertAccepted(raw, msg_id)

    def test_invalid_base64_attachment(self):
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(
                msg_id, extra=['Content-Type: multipart/mixed; boundary="B2"']
            ),
            b"--B2\r\nContent-Type: text/plain\r\n\r\nAllegato rotto\r\n"
            b"--B2\r\nContent-Type: image/png; name=a.png\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n@@@###not-base64###\r\n"
            b"--B2--",
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertIn("Allegato rotto", ticket.description)

    def test_nested_message_rfc822_and_unknown_type(self):
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(
                msg_id, extra=['Content-Type: multipart/mixed; boundary="B3"']
            ),
            b"--B3\r\nContent-Type: application/x-unknown-thing\r\n\r\n\x00\x01\x02\r\n"
            b"--B3\r\nContent-Type: message/rfc822\r\n\r\n"
            b"Subject: inner\r\nContent-Type: text/plain\r\n\r\nMessaggio inoltrato\r\n"
            b"--B3--",
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertNotIn("\x00", ticket.description or "")

    def test_nul_bytes_in_the_body(self):
        # PostgreSQL refuses NUL in text: the gateway must not pass it on
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(msg_id, extra=["Content-Type: text/plain; charset=utf-8"]),
            b"prima\x00dopo",
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertIn("prima", ticket.description)
        self.assertIn("dopo", ticket.description)
        self.assertNotIn("\x00", ticket.description)


class TestMissingOrForgedHeaders(HostileMailCase):
    def test_no_message_id(self):
        raw = raw_mail(
            [
                f"From: {SENDER}",
                f"To: {TEAM_ADDRESS}",
                "Subject: Senza Message-Id",
                "Content-Type: text/plain; charset=utf-8",
            ]
        )
        self.feed(raw)
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.name, "Senza Message-Id")
        # Odoo gave the message an id of its own, and stored it
        self.assertEqual(
            len(ticket.message_ids.filtered(lambda m: m.message_type == "email")), 1
        )

    def test_no_from(self):
        msg_id = message_id()
        raw = raw_mail(
            [
                f"To: {TEAM_ADDRESS}",
                "Subject: Mittente ignoto",
                f"Message-ID: {msg_id}",
                "Content-Type: text/plain; charset=utf-8",
            ]
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertFalse(ticket.user_id)
        self.assertFalse(ticket.partner_id)

    def test_no_subject(self):
        msg_id = message_id()
        raw = raw_mail(
            [
                f"From: {SENDER}",
                f"To: {TEAM_ADDRESS}",
                f"Message-ID: {msg_id}",
            ]
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertTrue(ticket.name)

    def test_display_name_spoofing_an_operator(self):
        # the display name claims to be the supervisor; the address is not
        msg_id = message_id()
        raw = raw_mail(
            [
                f'From: "{self.supervisor.name} <{self.supervisor.email}>" '
                "<attacker@evil.example>",
                f"To: {TEAM_ADDRESS}",
                "Subject: Chiudete tutto",
                f"Message-ID: {msg_id}",
                "Content-Type: text/plain; charset=utf-8",
            ]
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertEqual(ticket.partner_email, "attacker@evil.example")
        self.assertNotEqual(ticket.partner_id, self.supervisor.partner_id)
        self.assertFalse(ticket.user_id)
        self.assertNotEqual(self.stored(msg_id).author_id, self.supervisor.partner_id)

    def test_duplicate_message_id_opens_one_ticket(self):
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(msg_id, extra=["Content-Type: text/plain; charset=utf-8"])
        )
        self.assertAccepted(raw, msg_id)
        # the same message fetched again, then resent with another subject
        self.assertFalse(self.feed(raw))
        self.assertFalse(self.feed(raw_mail(plain_headers(msg_id, subject="Di nuovo"))))
        self.assertEqual(len(self.tickets()), 1)
        self.assertEqual(len(self.stored(msg_id)), 1)

    def test_forged_in_reply_to_an_unknown_message_opens_a_ticket(self):
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(
                msg_id,
                subject="Re: qualcosa",
                extra=[
                    "In-Reply-To: <does-not-exist@nowhere.example>",
                    "References: <does-not-exist@nowhere.example>",
                ],
            )
        )
        self.assertAccepted(raw, msg_id)

    def test_header_injection_in_subject_stays_in_the_subject(self):
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(msg_id, subject="Ciao =?utf-8?q?=0D=0ABcc:_x@evil.example?=")
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertNotIn("\n", ticket.name)

    def test_mail_no_alias_accepts_is_refused_cleanly(self):
        raw = raw_mail(
            [
                f"From: {SENDER}",
                "To: nobody@elsewhere.example",
                "Subject: Sbagliato indirizzo",
                f"Message-ID: {message_id()}",
            ]
        )
        with self.assertRaisesRegex(ValueError, "No possible route"):
            self.feed(raw)
        self.assertFalse(self.tickets())


class TestHugeBodies(HostileMailCase):
    def test_five_megabyte_body_is_stored(self):
        msg_id = message_id()
        line = "Log della caldaia: errore E42 ripetuto, riavvio in corso.\r\n"
        body = line * (5 * 1024 * 1024 // len(line))
        raw = raw_mail(
            plain_headers(msg_id, extra=["Content-Type: text/plain; charset=utf-8"]),
            body,
        )
        self.assertGreater(len(raw), 5_000_000)
        ticket = self.assertAccepted(raw, msg_id)
        self.assertGreater(len(self.stored(msg_id).body), 5_000_000)
        self.assertIn("errore E42", ticket.description)

    def test_many_attachments(self):
        msg_id = message_id()
        parts = [b"--B4\r\nContent-Type: text/plain\r\n\r\nMolti allegati\r\n"]
        for index in range(40):
            parts.append(
                b"--B4\r\nContent-Type: text/plain; name=f%d.txt\r\n"
                b"Content-Disposition: attachment; filename=f%d.txt\r\n"
                b"Content-Transfer-Encoding: base64\r\n\r\n"
                % (index, index)
                + base64.b64encode(b"x" * 1000)
                + b"\r\n"
            )
        raw = raw_mail(
            plain_headers(
                msg_id, extra=['Content-Type: multipart/mixed; boundary="B4"']
            ),
            b"".join(parts) + b"--B4--",
        )
        self.assertAccepted(raw, msg_id)
        self.assertEqual(len(self.stored(msg_id).attachment_ids), 40)


class TestOddEncodings(HostileMailCase):
    def test_latin1_without_charset(self):
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(msg_id, extra=["Content-Type: text/plain"]),
            "La caldaia è guasta, perché?".encode("latin-1"),
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertIn("caldaia", ticket.description)

    def test_rfc2047_subject_in_koi8_r(self):
        subject = "Котёл не работает"
        encoded = base64.b64encode(subject.encode("koi8-r")).decode()
        msg_id = message_id()
        raw = raw_mail(plain_headers(msg_id, subject=f"=?koi8-r?B?{encoded}?="))
        ticket = self.assertAccepted(raw, msg_id)
        self.assertEqual(ticket.name, subject)

    def test_rfc2047_subject_in_shift_jis(self):
        subject = "ボイラーが動かない"
        encoded = base64.b64encode(subject.encode("shift_jis")).decode()
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(
                msg_id,
                subject=f"=?shift_jis?B?{encoded}?=",
                extra=["Content-Type: text/plain; charset=shift_jis"],
            ),
            "本文です".encode("shift_jis"),
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertEqual(ticket.name, subject)
        self.assertIn("本文です", ticket.description)

    def test_unknown_charset(self):
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(
                msg_id,
                subject="=?x-no-such-charset?Q?caldaia?=",
                extra=["Content-Type: text/plain; charset=x-no-such-charset"],
            ),
            b"Testo \xff\xfe in un charset inesistente",
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertIn("in un charset inesistente", ticket.description)

    def unknown_charset_mail(self, msg_id, to=TEAM_ADDRESS, extra=()):
        headers = plain_headers(
            msg_id, extra=["Content-Type: text/plain; charset=x-no-such-charset"]
        )
        headers = [f"To: {to}" if h.startswith("To:") else h for h in headers]
        return raw_mail([*headers, *extra], b"Risposta \xff in un charset inesistente")

    def test_unknown_charset_in_a_reply_to_a_ticket(self):
        first = message_id()
        ticket = self.assertAccepted(raw_mail(plain_headers(first)), first)
        reply = message_id()
        # answering the ticket's own message, to no alias at all
        self.feed(
            self.unknown_charset_mail(
                reply,
                to="mario.rossi@rossi-impianti.it",
                extra=[f"In-Reply-To: {first}", f"References: {first}"],
            )
        )
        self.assertEqual(self.stored(reply).res_id, ticket.id)
        self.assertIn("in un charset inesistente", self.stored(reply).body)

    def test_unknown_charset_for_another_models_alias_is_odoos_business(self):
        # the latin-1 reading is the desk's: mail to another model's alias
        # in an unknown charset fails as Odoo makes it fail
        self.env["mail.alias"].create(
            {
                "alias_name": "contatti",
                "alias_domain_id": self.alias_domain.id,
                "alias_model_id": self.env["ir.model"]._get_id("res.partner"),
            }
        )
        msg_id = message_id()
        raw = self.unknown_charset_mail(msg_id, to=f"contatti@{ALIAS_DOMAIN}")
        partners = self.env["res.partner"].search_count([])
        with self.assertRaises(LookupError):
            self.feed(raw)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertFalse(self.env["mail.message"].search([("message_id", "=", msg_id)]))
        # the same e-mail to the team's alias opens a ticket
        other = message_id()
        self.assertAccepted(self.unknown_charset_mail(other), other)

    def test_unknown_charset_through_a_mail_server_creating_tickets(self):
        # a mail server whose "Create a new record" is a ticket: no alias
        msg_id = message_id()
        raw = self.unknown_charset_mail(msg_id, to="nobody@elsewhere.example")
        gateway = self.env["mail.thread"].sudo()
        ticket_id = gateway.message_process("support.ticket", raw)
        stored = self.stored(msg_id)
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored.res_id, ticket_id)
        self.assertIn("in un charset inesistente", stored.body)

    def test_invalid_utf8_bytes(self):
        msg_id = message_id()
        raw = raw_mail(
            plain_headers(
                msg_id,
                subject="Caldaia \xff\xfe rotta",  # raw bytes in a header
                extra=["Content-Type: text/plain; charset=utf-8"],
            ),
            b"Testo con byte non validi: \xc3\x28 \xa0\xa1 \xf0\x28\x8c\x28",
        )
        ticket = self.assertAccepted(raw, msg_id)
        self.assertIn("Testo con byte non validi", ticket.description)

    def test_raw_8bit_header_bytes(self):
        msg_id = message_id()
        headers = plain_headers(msg_id)
        headers[2] = b"Subject: Caldaia \xe8 rotta \xff"
        ticket = self.assertAccepted(raw_mail(headers), msg_id)
        self.assertIn("Caldaia", ticket.name)


class TestLoopsAndAutoReplies(HostileMailCase):
    LOOP_THRESHOLD = 5

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(
            "mail.gateway.loop.threshold", self.LOOP_THRESHOLD
        )

    def test_a_flooding_sender_opens_at_most_the_threshold(self):
        accepted = []
        for index in range(self.LOOP_THRESHOLD + 4):
            msg_id = message_id()
            result = self.feed(
                raw_mail(plain_headers(msg_id, subject=f"Richiesta {index}"))
            )
            if result:
                accepted.append(msg_id)
        tickets = self.tickets()
        self.assertEqual(len(tickets), self.LOOP_THRESHOLD)
        self.assertEqual(len(accepted), self.LOOP_THRESHOLD)
        # every accepted message is stored, on its own ticket
        for msg_id in accepted:
            self.assertEqual(len(self.stored(msg_id)), 1)
        self.assertEqual(
            len(set(self.stored(m).res_id for m in accepted)), self.LOOP_THRESHOLD
        )

    def test_another_sender_is_not_blocked_by_the_flood(self):
        for index in range(self.LOOP_THRESHOLD + 1):
            self.feed(raw_mail(plain_headers(message_id(), subject=f"Spam {index}")))
        msg_id = message_id()
        self.assertAccepted(
            raw_mail(plain_headers(msg_id, sender="lucia@rossi-impianti.it")), msg_id
        )

    def test_replies_in_a_thread_are_not_a_flood(self):
        first = message_id()
        ticket = self.assertAccepted(raw_mail(plain_headers(first)), first)
        replies = []
        for _index in range(self.LOOP_THRESHOLD + 3):
            msg_id = message_id()
            replies.append(msg_id)
            self.feed(
                raw_mail(
                    plain_headers(
                        msg_id,
                        subject="Re: La caldaia non parte",
                        extra=[f"In-Reply-To: {first}", f"References: {first}"],
                    )
                )
            )
        self.assertEqual(self.tickets(), ticket)
        for msg_id in replies:
            self.assertEqual(self.stored(msg_id).res_id, ticket.id)

    def test_auto_reply_ping_pong_opens_nothing(self):
        for header in (
            "Auto-Submitted: auto-replied",
            "Precedence: bulk",
            "X-Autoreply: yes",
            "Auto-Submitted: auto-generated",
        ):
            self.assertFalse(
                self.feed(raw_mail(plain_headers(message_id(), extra=[header])))
            )
        self.assertFalse(self.tickets())

    def test_auto_reply_to_a_ticket_is_stored_on_it_only(self):
        first = message_id()
        ticket = self.assertAccepted(raw_mail(plain_headers(first)), first)
        msg_id = message_id()
        self.feed(
            raw_mail(
                plain_headers(
                    msg_id,
                    subject="Fuori sede",
                    extra=[
                        "Auto-Submitted: auto-replied",
                        f"In-Reply-To: {first}",
                        f"References: {first}",
                    ],
                )
            )
        )
        self.assertEqual(self.tickets(), ticket)
        self.assertEqual(self.stored(msg_id).res_id, ticket.id)

    def test_mail_from_our_own_alias_domain_opens_one_ticket_per_message(self):
        # a message sent from the team's own domain (e.g. forwarded back to
        # the alias) is routed like any other: one ticket per message, and a
        # copy of the same message (same Message-Id) is dropped; a real loop
        # of new messages is Odoo's loop detection's (the flooding test)
        def from_our_domain(msg_id):
            return raw_mail(
                plain_headers(
                    msg_id,
                    sender=f"help@{ALIAS_DOMAIN}",
                    extra=["Content-Type: text/plain; charset=utf-8"],
                )
            )

        first, second = message_id(), message_id()
        self.feed(from_our_domain(first))
        self.assertEqual(len(self.tickets()), 1)
        self.feed(from_our_domain(first))
        self.assertEqual(len(self.tickets()), 1)
        self.feed(from_our_domain(second))
        self.assertEqual(len(self.tickets()), 2)
