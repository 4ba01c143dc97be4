"""Tickets that were waiting for the customer before the response-time
targets kept a clock get the moment their wait began, so that their
deadlines stand still from then instead of running until the customer
replies."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["support.ticket"]._sla_start_untimed_waits()
