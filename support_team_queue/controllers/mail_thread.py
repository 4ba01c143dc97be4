from odoo import http
from odoo.http import request

from odoo.addons.mail.controllers.thread import ThreadController

# What the portal chatter asks of /mail/thread/data (Odoo's web_portal
# Chatter: nothing when it opens, "messages" after a post, which it fetches
# from /mail/chatter_fetch): the rest (activities, files, followers,
# scheduled messages, suggested recipients) is the desk's side of a ticket.
CUSTOMER_THREAD_REQUESTS = frozenset({"messages"})


class SupportThreadController(ThreadController):
    # Patch of Odoo: a record's portal link (its token, or the hash and pid of
    # a notification) opens the chatter's data as superuser; of a ticket,
    # one who reaches it by the link gets the customer's side only.
    # Performance (bench/README.md): the chatter's data of a ticket asks the
    # ticket's read rules once for the route and again for its activities,
    # files and followers. The route changes nothing (Odoo serves it
    # read-only): within it, the page memo of support.rule.engine keeps
    # the tickets already found readable, as a page of the queue does.
    @http.route()
    def mail_thread_data(self, thread_model, thread_id, request_list, **kwargs):
        if thread_model != "support.ticket":
            return super().mail_thread_data(
                thread_model, thread_id, request_list, **kwargs
            )
        # Odoo opens the thread with the link as superuser, and answers its
        # activities, files, followers and scheduled messages, and that it
        # may be changed: to a visitor holding the customer's link, or a
        # portal user, the desk's notes and staff. The customer's side only
        # (as their own portal page shows it), and what the caller may do.
        by_link = self._support_by_link(thread_id, kwargs)
        if by_link:
            request_list = [
                name for name in request_list if name in CUSTOMER_THREAD_REQUESTS
            ]
        memo = request.env.cr.cache
        key = request.env["support.ticket"]._PAGE_MEMO
        own_memo = key not in memo
        if own_memo:
            memo[key] = {}
        try:
            result = super().mail_thread_data(
                thread_model, thread_id, request_list, **kwargs
            )
        finally:
            if own_memo:
                memo.pop(key, None)
        if by_link:
            self._support_own_write_access(result)
        return result

    @staticmethod
    def _support_own_write_access(result):
        """The tickets' write access in ``result``, as the caller's own."""
        for values in result.get("mail.thread", ()):
            if values.get("model") == "support.ticket" and "hasWriteAccess" in values:
                values["hasWriteAccess"] = (
                    request.env["support.ticket"]
                    .browse(values["id"])
                    .exists()
                    .has_access("write")
                )

    def _support_by_link(self, thread_id, kwargs):
        """Whether the caller reaches ticket ``thread_id`` as its customer
        does: not an internal user, or an internal user who may not read it
        and holds its link (token, or hash and pid)."""
        if not request.env.user._is_internal():
            return True
        if not (kwargs.get("token") or kwargs.get("hash") or kwargs.get("pid")):
            return False
        # without the link: the caller's own access only
        return not request.env["support.ticket"]._get_thread_with_access(thread_id)

    # Patch of Odoo: a post from the chatter keeps the type and subtype its
    # client sends; on a ticket, a customer's post is a public comment.
    def _prepare_post_data(self, post_data, thread, **kwargs):
        # Odoo posts as superuser with the client's message_type and
        # subtype_xmlid: a customer (or a visitor with the link) could log
        # an internal note in the staff's log, or a notice that reads as the
        # desk's. A customer's post is what their portal composer sends: a
        # public comment.
        post_data = super()._prepare_post_data(post_data, thread, **kwargs)
        if thread._name == "support.ticket" and self._support_by_link(
            thread.id, kwargs
        ):
            post_data["message_type"] = "comment"
            post_data["subtype_xmlid"] = "mail.mt_comment"
            post_data.pop("subtype_id", None)
        return post_data
