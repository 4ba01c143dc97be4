"""The queue benchmark's data: the database, the contacts and the tickets.

``Generator`` (``queue_desk.py``) builds on ``TicketGenerator``: the desk
(roles, users, the team, groups, sharing rules) there, the tickets of both
desks here (``support.ticket`` and OCA ``helpdesk_mgmt``'s
``helpdesk.ticket``, alike), in bulk SQL (``psycopg2.extras.
execute_values``, 5,000 rows a statement). What the product fills when a
ticket moves, the generator fills too: when it was taken and closed, and
the stored hours the dashboard averages, computed by the product's own
function.
"""

import random
import subprocess
import time
from datetime import datetime, timedelta

from tools.odoo_server import odoo_command

BATCH = 5000
TICKET_CHUNK = 100000  # tickets built in Python before they are inserted
STATES = ["new", "in_progress", "waiting", "closed", "expired"]
STATE_WEIGHTS = [15, 12, 8, 50, 15]


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def psql(db, sql):
    subprocess.run(["psql", "-q", "-d", db, "-c", sql], check=True)


def settle(db):
    """Write the new data out before measuring: otherwise the checkpoint
    that follows a bulk insert or a VACUUM runs during the measures."""
    psql(db, "CHECKPOINT")


def create_database(args):
    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    subprocess.run(["createdb", args.db], check=True)
    log(f"installing support_team_queue and helpdesk_mgmt into {args.db} (no demo)")
    subprocess.run(
        odoo_command(
            "-d",
            args.db,
            "-i",
            "support_team_queue,helpdesk_mgmt",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ),
        check=True,
    )


class TicketGenerator:
    """Contacts and tickets; ``queue_desk.Generator`` adds the desk."""

    def __init__(self, env, args, rnd):
        self.env = env
        self.cr = env.cr
        self.args = args
        self.rnd = rnd
        self.company_id = env.ref("base.main_company").id
        self.now = datetime.now().replace(microsecond=0)
        self.ticket_count = 0
        # the dates of handling, apart: the same tickets with or without them
        self.dates_rnd = random.Random(7)
        # what the product computes, from the product
        from odoo.addons.support_team_queue.models import support_ticket

        self.open_states = support_ticket.OPEN_STATES
        self.hours_between = support_ticket._hours_between

    def insert(self, table, columns, rows, returning=False):
        from psycopg2.extras import execute_values

        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES %s"
        if returning:
            sql += " RETURNING id"
        ids = []
        for i in range(0, len(rows), BATCH):
            res = execute_values(
                self.cr._obj, sql, rows[i : i + BATCH], page_size=BATCH, fetch=returning
            )
            if returning:
                ids.extend(r[0] for r in res)
        return ids

    def group_closure(self, xmlids):
        groups = self.env["res.groups"]
        for xmlid in xmlids:
            group = self.env.ref(xmlid)
            groups |= group | group.trans_implied_ids
        return groups.ids

    def partners(self, names_emails, share, company_id=None):
        """Contacts (their own commercial partner), in bulk; their ids."""
        rows = [
            (name, name, email, True, False, "contact", "en_US", share, company_id)
            for name, email in names_emails
        ]
        cols = [
            "name",
            "complete_name",
            "email",
            "active",
            "is_company",
            "type",
            "lang",
            "partner_share",
            "company_id",
        ]
        ids = self.insert("res_partner", cols, rows, returning=True)
        self.cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
            [ids],
        )
        return ids

    def customers(self, n):
        names_emails = [(f"Customer {i}", f"customer{i}@example.net") for i in range(n)]
        self.customer_ids = self.partners(names_emails, share=True)
        self.customer_name, self.customer_email = (
            dict(zip(self.customer_ids, column, strict=True))
            for column in zip(*names_emails, strict=True)
        )

    def tickets(self, upto):
        """Add tickets (and as many helpdesk tickets, alike) up to ``upto``."""
        rnd = self.rnd
        start = self.ticket_count
        if upto <= start:
            return
        rows = []
        hd_rows = []
        stage = {
            state: self.env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{xmlid}").id
            for state, xmlid in (
                ("new", "new"),
                ("in_progress", "in_progress"),
                ("waiting", "awaiting"),
                ("closed", "done"),
                ("expired", "cancelled"),
            )
        }
        for i in range(start, upto):
            if len(rows) == TICKET_CHUNK:
                # a million tickets: inserted by chunks, not held in memory
                self.insert_tickets(rows, hd_rows)
                rows, hd_rows = [], []
            state = rnd.choices(STATES, STATE_WEIGHTS)[0]
            r = rnd.random()
            if r < 0.6:
                group = rnd.choice(self.group_ids)
                user = None if rnd.random() < 0.4 else rnd.choice(self.user_ids)
            else:
                group = None
                user = None if r > 0.95 else rnd.choice(self.user_ids)
            partner = rnd.choice(self.customer_ids)
            created = self.now - timedelta(minutes=rnd.randint(1, 60 * 24 * 90))
            priority = rnd.choice("0112223")
            name = f"Bench ticket {i}"
            taken, closed = self.handling_dates(state, user, created)
            rows.append(
                (
                    f"B{i:08d}",
                    name,
                    True,
                    partner,
                    self.customer_email[partner],
                    self.customer_name[partner],
                    self.team_id,
                    self.company_id,
                    group,
                    user,
                    self.role_of[user] if user else None,
                    priority,
                    state,
                    state in self.open_states,
                    "backend",
                    taken,
                    closed,
                    self.hours_between(created, taken),
                    self.hours_between(created, closed),
                    closed or taken or created,
                    created,
                    created,
                    1,
                    1,
                )
            )
            hd_rows.append(
                (
                    f"HT{i:08d}",
                    name,
                    "<p>Bench</p>",
                    user,
                    stage[state],
                    partner,
                    partner,
                    f"Customer {partner}",
                    self.hd_team_of_group[group]
                    if group
                    else rnd.choice(self.hd_team_ids),
                    priority,
                    self.company_id,
                    True,
                    10,
                    stage[state] == stage["new"],
                    taken,
                    closed,
                    closed or taken or created,
                    created,
                    created,
                    1,
                    1,
                )
            )
        self.insert_tickets(rows, hd_rows)
        self.ticket_count = upto
        self.cr.execute("ANALYZE support_ticket")
        self.cr.execute("ANALYZE helpdesk_ticket")
        self.verify_ticket_figures()
        log(f"tickets: {upto} (+ as many helpdesk tickets)")

    def insert_tickets(self, rows, hd_rows):
        cols = [
            "number",
            "name",
            "active",
            "partner_id",
            "partner_email",
            "requester_display",
            "team_id",
            "company_id",
            "group_id",
            "user_id",
            "user_role_id",
            "priority",
            "state",
            "is_open",
            "channel",
            "date_taken",
            "date_closed",
            "hours_to_take",
            "hours_to_close",
            "date_last_activity",
            "create_date",
            "write_date",
            "create_uid",
            "write_uid",
        ]
        self.insert("support_ticket", cols, rows)
        hd_cols = [
            "number",
            "name",
            "description",
            "user_id",
            "stage_id",
            "partner_id",
            "commercial_partner_id",
            "partner_name",
            "team_id",
            "priority",
            "company_id",
            "active",
            "sequence",
            "unattended",
            "assigned_date",
            "closed_date",
            "last_stage_update",
            "create_date",
            "write_date",
            "create_uid",
            "write_uid",
        ]
        self.insert("helpdesk_ticket", hd_cols, hd_rows)

    def verify_ticket_figures(self, sample=500):
        """Check the figures written with SQL against the product's own
        computes, on tickets of each state."""
        Ticket = self.env["support.ticket"].with_context(active_test=False)
        names = ("is_open", "hours_to_take", "hours_to_close", "user_role_id")
        tickets = Ticket.browse()
        for state in STATES:
            tickets |= Ticket.search([("state", "=", state)], limit=sample // 5)
        written = {t.id: tuple(t[name] for name in names) for t in tickets}
        self.env.invalidate_all()
        for name in names:
            self.env.add_to_compute(Ticket._fields[name], tickets)
        computed = {t.id: tuple(t[name] for name in names) for t in tickets}
        assert written == computed, "ticket figures differ from the product's"
        # the same values: nothing to write back (everything else was
        # flushed above)
        self.env.transaction.clear()

    def handling_dates(self, state, user, created):
        """When the ticket was taken and closed, as the workflow dates them:
        taken when an operator holds it past the queue (Take, Wait: Close
        keeps no date of taking for a ticket nobody took), closed when
        closed (Close), expired after the team's ``expire_hours``. Drawn
        from a random generator of their own, so that the tickets are the
        same as without them."""
        rnd = self.dates_rnd
        taken = closed = None
        if user and state in ("in_progress", "waiting", "closed"):
            taken = min(created + timedelta(minutes=rnd.randint(1, 60 * 8)), self.now)
        if state == "closed":
            closed = min(
                (taken or created) + timedelta(minutes=rnd.randint(5, 60 * 24 * 5)),
                self.now,
            )
        elif state == "expired":
            closed = min(
                created
                + timedelta(hours=self.expire_hours, minutes=rnd.randint(0, 59)),
                self.now,
            )
        return taken, closed

    def helpdesk_teams(self):
        """One helpdesk team per support group, its members the group's
        effective members (who see the same tickets by group)."""
        env = self.env
        cr = self.cr
        Team = env["helpdesk.ticket.team"].with_context(tracking_disable=True)
        teams = Team.create([{"name": f"HD {g}"} for g in self.group_ids])
        self.hd_team_of_group = dict(zip(self.group_ids, teams.ids, strict=True))
        self.hd_team_ids = teams.ids
        cr.execute("SELECT group_id, user_id FROM support_group_effective_user_rel")
        rows = [(self.hd_team_of_group[g], u) for g, u in cr.fetchall()]
        self.insert(
            "helpdesk_ticket_team_res_users_rel",
            ["helpdesk_ticket_team_id", "res_users_id"],
            rows,
        )
        env.invalidate_all()
