"""Every route under /my, /mail, /portal, /web/content, /web/image and
/report, enumerated from the server's routing map (issue 13): called with a
ticket's ids (the ticket, its messages, its attachment) by a user who may
not read it, by a customer of another organization and by an anonymous
visitor, no answer holds anything of the ticket, and nothing of it is lost.
A route added by any installed module is called too.

Each route is called with the arguments its endpoint accepts, taken from
one table of values naming the ticket's records; the ticket's reader gets
the secrets back from the chatter routes, so the check could fail.
"""

import inspect
import json
import re
from urllib.parse import urlencode

from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .common import (
    THREAD_DATA_REQUESTS,
    RpcTransportsMixin,
    SupportHttpCase,
    new_ticket_file,
)

SUBJECT = "Oggetto riservato RTE-6104"
MESSAGE = "Messaggio riservato RTE-6105"
FILENAME = "allegato-RTE-6106.txt"
CONTENT = b"Contenuto riservato RTE-6107"
REQUESTER = "Richiedente RTE-6108"
SECRETS = ("RTE-6104", "RTE-6105", "RTE-6106", "RTE-6107", "RTE-6108")
QUERY_ARGUMENTS = ("model", "res_id", "id", "field", "access_token", "token", "pid")
PREFIXES = ("/my", "/mail/", "/portal/", "/web/content", "/web/image", "/report/")


def route_values(ticket_id, message_id, attachment_id, partner_id, search_term="RTE"):
    """The value of each route argument, naming a ticket's records
    (``search_term``: a word of the secrets, for the routes that search)."""
    return {
        "thread_model": "support.ticket",
        "model": "support.ticket",
        "res_model": "support.ticket",
        "thread_id": ticket_id,
        "res_id": ticket_id,
        "ticket_id": ticket_id,
        "id": ticket_id,
        "ids": [ticket_id],
        "docids": str(ticket_id),
        "message_id": message_id,
        "message_ids": [message_id],
        "attachment_id": attachment_id,
        "attachment_ids": [attachment_id],
        "field": "description",
        "filename": "f",
        "unique": "u",
        "width": 16,
        "height": 16,
        "limit": 30,
        "search_term": search_term,
        "access_token": "not-the-token",
        "token": "not-the-token",
        "hash": "not-the-hash",
        "pid": partner_id,
        "partner_id": partner_id,
        "request_list": list(THREAD_DATA_REQUESTS),
        "post_data": {"body": "Intruso", "message_type": "comment"},
        "body": "Intruso",
        "content": "x",
        "converter": "html",
        "reportname": "support_team_queue.none",
        "xmlid": "support_team_queue.none",
        "page": 1,
    }


def ticket_routes(env):
    """{path pattern: (type, endpoint parameters)} under PREFIXES, from the
    server's routing map."""
    routes = {}
    for rule in env["ir.http"].routing_map().iter_rules():
        if not rule.rule.startswith(PREFIXES):
            continue
        endpoint = rule.endpoint
        method = getattr(endpoint, "original_endpoint", endpoint)
        params = inspect.signature(method).parameters
        routes[rule.rule] = (endpoint.routing.get("type"), params)
    return routes


def route_url(pattern, values, params=None):
    """The path with its converters replaced by ``values``; with ``params``,
    the arguments the endpoint takes from the query string too."""

    def replace(match):
        return str(values.get(match.group(2), "x"))

    url = re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", replace, pattern)
    if params is not None:
        url += "?" + urlencode(
            {
                name: values[name]
                for name in QUERY_ARGUMENTS
                if name in params and f"<{name}>" not in pattern
            }
        )
    return url


def json_arguments(params, values):
    """The arguments of a JSON route's call, from ``values``."""
    return {
        name: values[name]
        for name, param in params.items()
        if name in values and param.kind != param.VAR_KEYWORD
    }


class TestEveryRouteWithATicketsIds(RpcTransportsMixin, SupportHttpCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        requester = env["res.partner"].create(
            {"name": REQUESTER, "email": "rte@example.com"}
        )
        cls.ticket = cls.new_ticket(SUBJECT, group=cls.group_a)
        cls.ticket.write(
            {"partner_id": requester.id, "description": f"<p>{SUBJECT}</p>"}
        )
        cls.ticket.message_subscribe(requester.ids)
        cls.message = cls.ticket.message_post(
            body=MESSAGE, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        cls.attachment = new_ticket_file(cls.ticket, FILENAME, CONTENT)
        cls.message.attachment_ids = cls.attachment
        organization = env["res.partner"].create(
            {"name": "Altra Ditta", "is_company": True}
        )
        cls.customer = new_test_user(
            env, login="t_portal_routes", groups="base.group_portal"
        )
        cls.customer.partner_id.parent_id = organization
        env.flush_all()

    # -- the routes and their arguments --------------------------------------

    def _values(self):
        return route_values(
            self.ticket.id,
            self.message.id,
            self.attachment.id,
            self.ticket.partner_id.id,
        )

    def _routes(self):
        return ticket_routes(self.env)

    def _call(self, user, pattern, kind, params, values, query=True):
        if user:
            self.authenticate(user.login, self.password(user))
        else:
            self.authenticate(None, None)
        if kind == "json":
            args = json_arguments(params, values)
            url = route_url(pattern, values)
            _ok, text, _result = (
                self.json_post(user, url, args)
                if user
                else self._anonymous_json(url, args)
            )
            return text
        url = route_url(pattern, values, params if query else None)
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_attachment"):
            response = self.url_open(url)
        return response.content.decode("utf-8", "replace")

    def _anonymous_json(self, url, params):
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        with mute_logger("odoo.http"):
            response = self.url_open(
                url, data=json.dumps(body), headers={"Content-Type": "application/json"}
            )
        return True, response.content.decode("utf-8", "replace"), None

    def _intact(self):
        self.env.invalidate_all()
        return (
            self.ticket.exists()
            # "Solved" (a POST with a CSRF token) closes nothing here
            and self.ticket.state == "new"
            and self.message.exists()
            and self.attachment.exists()
            and self.ticket.partner_id in self.ticket.message_partner_ids
        )

    # -- the checks ------------------------------------------------------------

    def test_the_routing_map_holds_the_ticket_routes(self):
        routes = self._routes()
        for expected in (
            "/my/tickets/<int:ticket_id>",
            "/my/tickets/<int:ticket_id>/solve",
            "/mail/thread/data",
        ):
            self.assertIn(expected, routes)
        self.assertGreater(len(routes), 40)

    def _variants(self):
        """The values, with ``id`` naming the ticket, its attachment and
        its message in turn (``/web/content/<int:id>`` is an attachment)."""
        values = self._values()
        for record in (self.ticket, self.attachment, self.message):
            yield dict(values, id=record.id)

    def test_refused_users_get_nothing_of_the_ticket(self):
        leaks = []
        for pattern, (kind, params) in sorted(self._routes().items()):
            for values in self._variants():
                for user in (self.resp_b, self.customer, None):
                    for query in (True, False) if kind == "http" else (True,):
                        text = self._call(user, pattern, kind, params, values, query)
                        who = user.login if user else "anonymous"
                        found = [secret for secret in SECRETS if secret in text]
                        if found:
                            leaks.append((pattern, values["id"], who, found))
                        if not self._intact():
                            leaks.append((pattern, values["id"], who, "lost"))
        self.assertEqual(leaks, [])

    def test_the_reader_gets_them(self):
        # positive control: the same calls, as the ticket's reader
        values = self._values()
        routes = self._routes()
        for pattern, record, secret in (
            ("/mail/thread/messages", self.ticket, "RTE-6105"),
            ("/mail/thread/data", self.ticket, "RTE-6106"),
            ("/web/content/<int:id>", self.attachment, "RTE-6107"),
            ("/my/tickets/<int:ticket_id>", self.ticket, "RTE-6104"),
        ):
            kind, params = routes[pattern]
            with self.subTest(route=pattern):
                text = self._call(
                    self.resp_a,
                    pattern,
                    kind,
                    params,
                    dict(values, id=record.id),
                    query=False,
                )
                self.assertIn(secret, text)
