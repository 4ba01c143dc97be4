"""This version keeps the holder's role on the ticket (``user_role_id``).
Left to the ORM, an update computes it ticket by ticket (a million tickets
are a long update); here the column is made and filled in one statement
before the model is loaded, so Odoo finds it there and computes nothing."""

from odoo.tools.sql import column_exists, create_column


def migrate(cr, version):
    if column_exists(cr, "support_ticket", "user_role_id"):
        return
    create_column(cr, "support_ticket", "user_role_id", "int4", "Operator's Role")
    cr.execute(
        """
        UPDATE support_ticket AS ticket
           SET user_role_id = holder.support_role_id
          FROM res_users AS holder
         WHERE holder.id = ticket.user_id
           AND holder.support_role_id IS NOT NULL
        """
    )
