from odoo import http
from odoo.http import request

from odoo.addons.mail.controllers.thread import ThreadController


class SupportThreadController(ThreadController):
    # Performance (bench/README.md): the chatter's data of a ticket asks the
    # ticket's read rules once for the route and again for its activities,
    # files and followers. The route changes nothing (Odoo serves it
    # read-only): within it, the page memo of support.rule.engine keeps
    # the tickets already found readable, as a page of the queue does.
    @http.route()
    def mail_thread_data(self, thread_model, thread_id, request_list, **kwargs):
        memo = request.env.cr.cache
        key = request.env["support.ticket"]._PAGE_MEMO
        if thread_model != "support.ticket" or key in memo:
            return super().mail_thread_data(
                thread_model, thread_id, request_list, **kwargs
            )
        memo[key] = {}
        try:
            return super().mail_thread_data(
                thread_model, thread_id, request_list, **kwargs
            )
        finally:
            memo.pop(key, None)
