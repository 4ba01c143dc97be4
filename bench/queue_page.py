#!/usr/bin/env python3
"""Benchmark: an operator's queue page at scale (issue 6).

Builds a database with ``support_team_queue`` and OCA's ``helpdesk_mgmt``
(no demo data), generates a large data set for both, and measures the
ticket queue page as the web client loads it (``web_search_read`` of 80 rows
with the list view's fields; it runs ``search_count`` too, with
``count_limit=10001``) for each archetype of user, for the superuser (no
record rules: the floor) and for helpdesk_mgmt's ticket list.

Data generation (fast):
  * users, partners, roles, group memberships, team operators, tickets and
    helpdesk tickets are inserted with bulk SQL (``psycopg2.extras.
    execute_values``, 5,000 rows a statement);
  * the few records with side effects (the support team with its mail
    alias, helpdesk teams, sharing rules) go through the ORM;
  * the stored, recursive memberships (``support.role.subtree_user_ids``,
    ``support.group.effective_user_ids``) are computed by the ORM's own
    compute methods, bottom-up (nesting level 0, then 1, then 2), after an
    ``invalidate_all()``, and checked against a recursive SQL query on
    every group.

Sizes grow within one database: tickets are added 10k -> 50k -> N
(``--small``: 2k -> 5k -> 10k) and measured at each step; then the groups
are cut from 200 to 20 (``--small``: 20 -> 5; tickets reassigned to the
remaining groups) and finally the role tree is flattened from 8 levels to 2
(same roles, same holders) to see what depth and group count cost.

Usage::

    .venv/bin/python bench/queue_page.py [--small] [--db stq_bench] \
        [--out bench/results.json]

The last line printed is::

    queue_page ratio_vs_superuser=X ratio_vs_helpdesk_mgmt=Y \
        queries_depth2=A queries_depth8=B
"""

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tools.odoo_server import ADDONS_PATH, odoo_command  # noqa: E402

OPEN_STATES = ["new", "in_progress", "waiting"]
BATCH = 5000

# the fields of support_team_queue.view_support_ticket_list, as the web
# client asks for them (many2one: display_name; list_activity: its fields)
M2O = {"fields": {"display_name": {}}}
ACTIVITY = {
    "activity_ids": {"fields": {}},
    "activity_exception_decoration": {},
    "activity_exception_icon": {},
    "activity_state": {},
    "activity_summary": {},
    "activity_type_icon": {},
    "activity_type_id": M2O,
}
SUPPORT_SPEC = {
    "message_needaction": {},
    "number": {},
    "requester_display": {},
    "partner_email": {},
    "partner_id": M2O,
    "organization_id": M2O,
    "priority": {},
    "waiting_hours": {},
    "user_id": M2O,
    "team_id": M2O,
    "group_id": M2O,
    "name": {},
    "category_id": M2O,
    "channel": {},
    "date_last_activity": {},
    **ACTIVITY,
    "unanswered_count": {},
    "state": {},
    # response-time targets: the row's deadline and its colour
    "sla_state": {},
    "sla_deadline": {},
}
# helpdesk_mgmt.ticket_view_tree
HELPDESK_SPEC = {
    "priority": {},
    "sequence": {},
    "number": {},
    "name": {},
    "partner_id": M2O,
    "partner_name": {},
    "user_id": M2O,
    "category_id": M2O,
    "unattended": {},
    "closed": {},
    "tag_ids": {"fields": {"display_name": {}, "color": {}}},
    "create_date": {},
    "last_stage_update": {},
    **ACTIVITY,
    "stage_id": M2O,
}
# support_team_queue.view_support_group_kanban_dashboard: one card a group
DASHBOARD_SPEC = {
    "name": {},
    "color": {},
    "team_id": M2O,
    "open_ticket_count": {},
    "dashboard_new_count": {},
    "dashboard_in_progress_count": {},
    "dashboard_waiting_count": {},
    "dashboard_queued_count": {},
    "dashboard_oldest_ticket_id": M2O,
    "dashboard_oldest_waiting_hours": {},
    "dashboard_average_waiting_hours": {},
    "effective_user_ids": {"fields": {"display_name": {}}},
}
DASHBOARD_ARCHETYPES = ("team_admin", "technician")
SUPPORT_DOMAIN = [("state", "in", OPEN_STATES)]
HELPDESK_DOMAIN = [("closed", "=", False)]

ARCHETYPES = [
    "technician",
    "call_center",
    "group_manager",
    "mid_manager",
    "supervisor",
    "team_admin",
]


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


# ----------------------------------------------------------------------
# Data generation
# ----------------------------------------------------------------------


class Generator:
    def __init__(self, env, args, rnd):
        self.env = env
        self.cr = env.cr
        self.args = args
        self.rnd = rnd
        self.company_id = env.ref("base.main_company").id
        self.now = datetime.now().replace(microsecond=0)
        self.ticket_count = 0

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

    # --- roles and users ---

    def roles(self, depth):
        """A binary role tree ``depth`` levels deep (root = supervisor) and a
        call-center role under the root."""
        cr = self.cr
        self.levels = {}  # role id -> level
        self.parent = {}
        root = self._role("Supervisor", None, 0)
        frontier = [root]
        cap = 16 if self.args.small else 64
        for level in range(1, depth):
            # twice as many roles a level, at most ``cap``: a parent has one
            # to three children
            parents = (
                frontier * 2
                if len(frontier) * 2 <= cap
                else (frontier + self.rnd.choices(frontier, k=cap - len(frontier)))
            )
            nxt = [
                self._role(f"Role L{level}.{i}", parent, level)
                for i, parent in enumerate(sorted(parents))
            ]
            frontier = nxt
        self.root = root
        self.leaves = frontier
        self.callcenter_role = self._role("Call Center", root, 1)
        cr.execute(
            """
            WITH RECURSIVE p(id, path) AS (
                SELECT id, id || '/' FROM support_role WHERE parent_id IS NULL
                UNION ALL
                SELECT r.id, p.path || r.id || '/'
                  FROM support_role r JOIN p ON r.parent_id = p.id)
            UPDATE support_role r SET parent_path = p.path FROM p WHERE p.id = r.id
            """
        )
        log(f"roles: {len(self.levels)} in {depth} levels")

    def _role(self, name, parent, level):
        self.cr.execute(
            """INSERT INTO support_role (name, complete_name, parent_id,
                   create_uid, write_uid, create_date, write_date)
               VALUES (jsonb_build_object('en_US', %s), %s, %s, 1, 1, now(), now())
               RETURNING id""",
            [name, name, parent],
        )
        rid = self.cr.fetchone()[0]
        self.levels[rid] = level
        self.parent[rid] = parent
        return rid

    def users(self, n_users, depth):
        rnd = self.rnd
        roles = list(self.levels)
        # every role has a holder; the rest hold leaf roles, and 5% the
        # call-center role
        cc_role = self.callcenter_role
        holders = [cc_role] + [r for r in roles if r != cc_role]
        while len(holders) < n_users:
            holders.append(
                self.callcenter_role if rnd.random() < 0.05 else rnd.choice(self.leaves)
            )
        holders = holders[:n_users]
        partner_ids = self.partners(
            [(f"Bench User {i}", f"bench.user{i}@example.com") for i in range(n_users)],
            share=False,
            company_id=self.company_id,
        )
        user_rows = [
            (
                f"bench{i}",
                pid,
                self.company_id,
                "email",
                True,
                False,
                holders[i],
                True,
                self.now,
                self.now,
                1,
                1,
            )
            for i, pid in enumerate(partner_ids)
        ]
        cols = [
            "login",
            "partner_id",
            "company_id",
            "notification_type",
            "active",
            "share",
            "support_role_id",
            "support_notify",
            "create_date",
            "write_date",
            "create_uid",
            "write_uid",
        ]
        user_ids = self.insert("res_users", cols, user_rows, returning=True)
        self.user_ids = user_ids
        self.role_of = dict(zip(user_ids, holders, strict=True))
        self.insert(
            "res_company_users_rel",
            ["user_id", "cid"],
            [(uid, self.company_id) for uid in user_ids],
        )
        # profiles: supervisor at the root, agent in the call center,
        # technician (read only) at the leaves, manager in between
        profile = {}
        for rid, level in self.levels.items():
            if level == 0:
                profile[rid] = "support_team_queue.group_support_supervisor"
            elif rid == self.callcenter_role:
                profile[rid] = "support_team_queue.group_support_agent"
            elif level == depth - 1:
                profile[rid] = "support_team_queue.group_support_readonly"
            else:
                profile[rid] = "support_team_queue.group_support_manager"
        closure = {}
        for rid, xmlid in profile.items():
            helpdesk = (
                "helpdesk_mgmt.group_helpdesk_user"
                if self.levels[rid] == 0
                else "helpdesk_mgmt.group_helpdesk_user_team"
            )
            key = (xmlid, helpdesk)
            if key not in closure:
                closure[key] = self.group_closure(["base.group_user", xmlid, helpdesk])
            profile[rid] = key
        rows = [
            (gid, uid)
            for uid in user_ids
            for gid in closure[profile[self.role_of[uid]]]
        ]
        self.insert("res_groups_users_rel", ["gid", "uid"], rows)
        # the roles grant their profiles (as the ORM would keep them)
        rows = [(rid, self.env.ref(key[0]).id) for rid, key in profile.items()]
        self.insert("support_role_profile_rel", ["role_id", "group_id"], rows)
        self.profile = profile
        log(f"users: {len(user_ids)}")

    # --- team, groups, sharing rules ---

    def team(self):
        env = self.env
        by_level = {}
        for uid in self.user_ids:
            by_level.setdefault(self.levels[self.role_of[uid]], []).append(uid)
        leaf_users = [u for u in self.user_ids if self.role_of[u] in self.leaves]
        self.team_admin = leaf_users[-1]
        team = (
            env["support.team"]
            .with_context(tracking_disable=True, mail_create_nolog=True)
            .create({"name": "Bench Team", "admin_id": self.team_admin})
        )
        self.team_id = team.id
        # in helpdesk_mgmt, the team administrator sees every ticket too
        self.cr.execute(
            "SELECT gid FROM res_groups_users_rel WHERE uid = %s", [self.team_admin]
        )
        have = {row[0] for row in self.cr.fetchall()}
        self.insert(
            "res_groups_users_rel",
            ["gid", "uid"],
            [
                (gid, self.team_admin)
                for gid in self.group_closure(["helpdesk_mgmt.group_helpdesk_user"])
                if gid not in have
            ],
        )
        self.insert(
            "support_team_operator_rel",
            ["team_id", "user_id"],
            [(team.id, uid) for uid in self.user_ids],
        )
        self.by_level = by_level

    def groups(self, n_groups, depth):
        """``n_groups`` groups nested up to 3 deep: 60% level 0 (users,
        roles, role subtrees), 30% level 1 (containing 1-3 level-0 groups),
        10% level 2 (containing 1-3 level-1 groups). A call-center group
        (the call-center role) is nested in a third of the level-1 groups."""
        rnd = self.rnd
        n2 = max(1, n_groups // 10)
        n1 = max(1, n_groups * 3 // 10)
        n0 = n_groups - n1 - n2
        rows = []
        level_of = []
        for i in range(n_groups):
            level = 0 if i < n0 else (1 if i < n0 + n1 else 2)
            level_of.append(level)
            rows.append(
                (
                    json.dumps({"en_US": f"Group {i} (L{level})"}),
                    True,
                    10,
                    self.team_id,
                    self.company_id,
                    self.now,
                    self.now,
                    1,
                    1,
                )
            )
        cols = [
            "name",
            "active",
            "sequence",
            "team_id",
            "company_id",
            "create_date",
            "write_date",
            "create_uid",
            "write_uid",
        ]
        gids = self.insert("support_group", cols, rows, returning=True)
        self.group_ids = gids
        self.group_level = dict(zip(gids, level_of, strict=True))
        l0 = [g for g in gids if self.group_level[g] == 0]
        l1 = [g for g in gids if self.group_level[g] == 1]
        l2 = [g for g in gids if self.group_level[g] == 2]
        self.callcenter_group = l0[0]
        users_rel, roles_rel, subtree_rel, nest_rel = set(), set(), set(), set()
        non_root_roles = [r for r in self.levels if self.levels[r] > 0]
        deep_roles = [r for r in self.levels if self.levels[r] >= max(1, depth - 3)]
        managers = self.by_level.get(max(1, depth - 2), [])
        for g in gids:
            if g == self.callcenter_group:
                roles_rel.add((g, self.callcenter_role))
                continue
            for uid in rnd.sample(self.user_ids, rnd.randint(3, 10)):
                users_rel.add((g, uid))
            if managers:
                users_rel.add((g, rnd.choice(managers)))
            if rnd.random() < 0.5:
                roles_rel.add((g, rnd.choice(non_root_roles)))
            if rnd.random() < 0.3:
                subtree_rel.add((g, rnd.choice(deep_roles)))
        for g in l1:
            for child in rnd.sample(l0[1:] or l0, min(len(l0), rnd.randint(1, 3))):
                nest_rel.add((g, child))
        for g in l1[: max(1, len(l1) // 3)]:
            nest_rel.add((g, self.callcenter_group))
        for g in l2:
            for child in rnd.sample(l1, min(len(l1), rnd.randint(1, 3))):
                nest_rel.add((g, child))
        self.insert(
            "support_group_user_rel", ["group_id", "user_id"], sorted(users_rel)
        )
        self.insert(
            "support_group_role_rel", ["group_id", "role_id"], sorted(roles_rel)
        )
        self.insert(
            "support_group_role_subtree_rel",
            ["group_id", "role_id"],
            sorted(subtree_rel),
        )
        self.insert(
            "support_group_nesting_rel", ["parent_id", "child_id"], sorted(nest_rel)
        )
        log(f"groups: {len(gids)} (levels 0/1/2: {len(l0)}/{len(l1)}/{len(l2)})")

    def recompute_memberships(self):
        """The stored memberships, by the ORM's own compute methods."""
        env = self.env
        env.invalidate_all()
        Role = env["support.role"]
        roles = Role.search([])
        # deepest first: a role's subtree is its holders and its children's
        for level in sorted({self.levels[r.id] for r in roles}, reverse=True):
            roles.filtered(
                lambda r, level=level: self.levels[r.id] == level
            )._compute_subtree_user_ids()
        env.flush_all()
        Group = env["support.group"].with_context(active_test=False)
        groups = Group.search([])
        for level in (0, 1, 2):
            groups.filtered(
                lambda g, level=level: self.group_level.get(g.id) == level
            )._compute_effective_user_ids()
        env.flush_all()
        env.invalidate_all()
        self.verify_memberships()
        # The data was written with SQL, past the ORM overrides that mark
        # each change for the rules' cache (support.access.stamp.mixin):
        # mark it here, as the addon does on every change.
        env["support.access.stamp"]._support_touch_access_stamp()

    def verify_memberships(self):
        """Check the stored memberships against a recursive SQL query."""
        cr = self.cr
        cr.execute(
            """
            SELECT count(*) FROM (
              (SELECT r.id, u.id FROM support_role r
                 JOIN support_role s ON s.parent_path LIKE r.parent_path || '%%'
                 JOIN res_users u ON u.support_role_id = s.id AND u.active
               EXCEPT SELECT role_id, user_id FROM support_role_subtree_user_rel)
              UNION ALL
              (SELECT role_id, user_id FROM support_role_subtree_user_rel
               EXCEPT SELECT r.id, u.id FROM support_role r
                 JOIN support_role s ON s.parent_path LIKE r.parent_path || '%%'
                 JOIN res_users u ON u.support_role_id = s.id AND u.active)) d
            """
        )
        assert cr.fetchone()[0] == 0, "support_role_subtree_user_rel differs"
        cr.execute(
            """
            WITH RECURSIVE nest(top, g) AS (
                SELECT id, id FROM support_group
                UNION
                SELECT nest.top, n.child_id FROM nest
                  JOIN support_group_nesting_rel n ON n.parent_id = nest.g),
            direct(g, u) AS (
                SELECT group_id, user_id FROM support_group_user_rel
                UNION SELECT gr.group_id, u.id FROM support_group_role_rel gr
                  JOIN res_users u ON u.support_role_id = gr.role_id AND u.active
                UNION SELECT gs.group_id, st.user_id
                  FROM support_group_role_subtree_rel gs
                  JOIN support_role_subtree_user_rel st ON st.role_id = gs.role_id),
            expected AS (SELECT DISTINCT nest.top, direct.u FROM nest
                  JOIN direct ON direct.g = nest.g)
            SELECT
              (SELECT count(*) FROM (SELECT * FROM expected EXCEPT
                 SELECT group_id, user_id FROM support_group_effective_user_rel) a),
              (SELECT count(*) FROM (SELECT group_id, user_id FROM
                 support_group_effective_user_rel EXCEPT SELECT * FROM expected) b),
              (SELECT count(*) FROM support_group_effective_user_rel)
            """
        )
        missing, extra, total = cr.fetchone()
        assert not missing and not extra, (
            f"effective members: {missing} missing, {extra} extra"
        )
        log(f"memberships verified: {total} effective (group, user) pairs")

    def sharing_rules(self, depth):
        env = self.env
        Rule = env["support.sharing.rule"].with_context(tracking_disable=True)
        mid = [r for r in self.levels if self.levels[r] == max(1, depth // 2)]
        deep = [r for r in self.levels if self.levels[r] == max(1, depth - 2)]
        g = self.group_ids
        vals = [
            {"source_role_subtree_id": mid[0], "target_group_id": g[1]},
            {"source_group_id": g[2], "target_role_id": deep[0], "access": "write"},
            {"source_role_id": deep[-1], "target_role_subtree_id": mid[-1]},
            {"source_group_id": g[3], "target_user_id": self.archetypes["technician"]},
        ]
        Rule.create([dict(v, team_id=self.team_id) for v in vals])
        env.flush_all()
        log(f"sharing rules: {len(vals)}")

    def pick_archetypes(self, depth):
        cr = self.cr
        cr.execute(
            "SELECT user_id, count(*) FROM support_group_effective_user_rel "
            "GROUP BY user_id"
        )
        n_groups = dict(cr.fetchall())
        users = self.user_ids

        def most_groups(candidates):
            return max(candidates, key=lambda u: (n_groups.get(u, 0), -u))

        leaf_users = [u for u in users if self.role_of[u] in self.leaves]
        self.archetypes = {
            "technician": most_groups(leaf_users[:-1]),
            "call_center": most_groups(
                [u for u in users if self.role_of[u] == self.callcenter_role]
            ),
            "group_manager": most_groups(self.by_level.get(max(1, depth - 2), [])),
            "mid_manager": most_groups(self.by_level.get(max(1, depth // 2), [])),
            "supervisor": self.by_level[0][0],
            "team_admin": self.team_admin,
        }
        log(f"archetypes: {self.archetypes}")

    # --- tickets ---

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
        n = upto - start
        if n <= 0:
            return
        rows = []
        hd_rows = []
        states = ["new", "in_progress", "waiting", "closed", "expired"]
        weights = [15, 12, 8, 50, 15]
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
            state = rnd.choices(states, weights)[0]
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
                    priority,
                    state,
                    "backend",
                    created,
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
                    created,
                    created,
                    created,
                    1,
                    1,
                )
            )
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
            "priority",
            "state",
            "channel",
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
            "last_stage_update",
            "create_date",
            "write_date",
            "create_uid",
            "write_uid",
        ]
        self.insert("helpdesk_ticket", hd_cols, hd_rows)
        self.ticket_count = upto
        self.cr.execute("ANALYZE support_ticket")
        self.cr.execute("ANALYZE helpdesk_ticket")
        log(f"tickets: {upto} (+ as many helpdesk tickets)")

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

    # --- variations ---

    def cut_groups(self, n_keep):
        """Keep the first ``n_keep`` groups of each level in proportion;
        their tickets are spread over the groups kept."""
        cr = self.cr
        keep = []
        for level, share in ((0, 6), (1, 3), (2, 1)):
            ids = [g for g in self.group_ids if self.group_level[g] == level]
            keep += ids[: max(1, n_keep * share // 10)]
        keep = sorted(keep)
        drop = [g for g in self.group_ids if g not in keep]
        cr.execute(
            """UPDATE support_ticket SET group_id = (%s::int[])[1 + id %% %s]
               WHERE group_id = ANY(%s)""",
            [keep, len(keep), drop],
        )
        cr.execute(
            "DELETE FROM support_sharing_rule "
            "WHERE source_group_id = ANY(%s) OR target_group_id = ANY(%s)",
            [drop, drop],
        )
        cr.execute("DELETE FROM support_group WHERE id = ANY(%s)", [drop])
        self.group_ids = keep
        self.env.invalidate_all()
        self.recompute_memberships()
        cr.execute("ANALYZE")
        log(f"groups cut to {len(keep)}")

    def flatten_roles(self):
        """Depth 2: every role but the root reports to the root."""
        cr = self.cr
        cr.execute(
            "UPDATE support_role SET parent_id = %s, "
            "parent_path = %s || '/' || id || '/' "
            "WHERE id != %s",
            [self.root, str(self.root), self.root],
        )
        for rid in self.levels:
            self.levels[rid] = 0 if rid == self.root else 1
        self.recompute_memberships()
        cr.execute("ANALYZE")
        log("role tree flattened to depth 2")


# ----------------------------------------------------------------------
# Measurement
# ----------------------------------------------------------------------


def page_load(env, model, uid, domain, spec, su=False):
    """One load of the list page: (seconds, SQL queries, length)."""
    from odoo import sql_db

    env.invalidate_all()
    records = env[model].with_user(uid)
    if su:
        records = records.sudo()
    before = sql_db.sql_counter
    t0 = time.perf_counter()
    result = records.web_search_read(
        domain=domain, specification=spec, limit=80, count_limit=10001
    )
    elapsed = time.perf_counter() - t0
    return elapsed, sql_db.sql_counter - before, result["length"]


def measure_all(env, targets, runs):
    """Median page load of each target ``name: (uid, model, domain, spec,
    su)``, after two warm-up rounds (caches of rules, views, registry).
    The targets are measured in turn within each round, so that a load
    spike of the machine hits them alike rather than one of them."""
    for _ in range(2):
        for target in targets.values():
            page_load(env, *target)
    # A full collection of Python's garbage collector walks every object
    # alive (the registry, the generator's data): a pause that, the
    # allocations being the same each round, can land on the same target
    # each round. What is alive after the warm-up is left out of the
    # collections while measuring.
    gc.collect()
    gc.freeze()
    try:
        return _measure_rounds(env, targets, runs)
    finally:
        gc.unfreeze()


def _measure_rounds(env, targets, runs):
    samples = {name: [] for name in targets}
    queries = {name: set() for name in targets}
    lengths = {}
    for _ in range(runs):
        for name, target in targets.items():
            t, q, length = page_load(env, *target)
            samples[name].append(t)
            queries[name].add(q)
            lengths[name] = length
    return {
        name: {
            "median_ms": round(statistics.median(samples[name]) * 1000, 2),
            "min_ms": round(min(samples[name]) * 1000, 2),
            "queries": max(queries[name]),
            "length": lengths[name],
        }
        for name in targets
    }


def explain(env, uid, model, domain):
    """EXPLAIN ANALYZE of the queue page's two ticket queries as the user:
    the search of the 80 rows, and the count as ``search_count(domain,
    limit=10001)`` writes it (``web_search_read`` runs it when a page is
    full)."""
    from odoo.tools import SQL

    records = env[model].with_user(uid)
    env.invalidate_all()
    search = records._search(domain, limit=80, order=records._order).select()
    count = SQL(
        "SELECT COUNT(*) FROM (%s) t",
        records._search(domain, limit=10001).select(""),
    )
    result = {}
    for name, sql in (("search", search), ("count", count)):
        code = env.cr.mogrify(sql.code, sql.params).decode()
        env.cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + code)
        result[name] = {"sql": code, "plan": [row[0] for row in env.cr.fetchall()]}
    return result


def run_point(env, gen, label, runs, with_explain=False):
    env.cr.execute(
        "SELECT pg_total_relation_size('support_ticket'), "
        "pg_total_relation_size('helpdesk_ticket')"
    )
    sizes_mb = [round(size / 2**20) for size in env.cr.fetchone()]
    point = {
        "label": label,
        "table_mb": dict(
            zip(("support_ticket", "helpdesk_ticket"), sizes_mb, strict=True)
        ),
        "tickets": gen.ticket_count,
        "groups": len(gen.group_ids),
        "depth": max(gen.levels.values()) + 1,
        "archetypes": {},
    }
    sup = gen.archetypes["supervisor"]
    support = ("support.ticket", SUPPORT_DOMAIN, SUPPORT_SPEC)
    helpdesk = ("helpdesk.ticket", HELPDESK_DOMAIN, HELPDESK_SPEC)

    def target(page, uid, su=False):
        return (page[0], uid, page[1], page[2], su)

    targets = {
        "superuser": target(support, sup, True),
        "hd_superuser": target(helpdesk, sup, True),
    }
    for name in ARCHETYPES:
        uid = gen.archetypes[name]
        targets[name] = target(support, uid)
        targets["hd_" + name] = target(helpdesk, uid)
    dashboard = ("support.group", [], DASHBOARD_SPEC)
    for name in DASHBOARD_ARCHETYPES:
        targets["dashboard_" + name] = target(dashboard, gen.archetypes[name])
    res = measure_all(env, targets, runs)
    point["dashboard"] = {
        name: res["dashboard_" + name] for name in DASHBOARD_ARCHETYPES
    }
    su = point["superuser"] = res["superuser"]
    point["helpdesk_superuser"] = res["hd_superuser"]
    for name in ARCHETYPES:
        r = point["archetypes"][name] = res[name]
        r["helpdesk_mgmt"] = res["hd_" + name]
        r["ratio_vs_superuser"] = round(r["median_ms"] / su["median_ms"], 3)
    worst = max(ARCHETYPES, key=lambda a: point["archetypes"][a]["median_ms"])
    point["worst"] = worst
    if with_explain:
        point["explain"] = {
            name: explain(env, gen.archetypes[name], "support.ticket", SUPPORT_DOMAIN)
            for name in ARCHETYPES
        }
        point["explain"]["helpdesk_mgmt"] = explain(
            env, gen.archetypes[worst], "helpdesk.ticket", HELPDESK_DOMAIN
        )
    print_point(point)
    return point


def print_point(p):
    print(
        f"\n== {p['label']}: {p['tickets']} tickets, {p['groups']} groups, "
        f"role depth {p['depth']} (superuser {p['superuser']['median_ms']} ms, "
        f"{p['superuser']['queries']} q; helpdesk_mgmt superuser "
        f"{p['helpdesk_superuser']['median_ms']} ms)"
    )
    print(
        f"{'archetype':<15}{'rows':>7}{'ms':>9}{'x su':>7}{'queries':>9}"
        f"{'hd rows':>9}{'hd ms':>9}{'hd q':>6}"
    )
    for name, r in p["archetypes"].items():
        h = r["helpdesk_mgmt"]
        print(
            f"{name:<15}{r['length']:>7}{r['median_ms']:>9.1f}"
            f"{r['ratio_vs_superuser']:>7.2f}{r['queries']:>9}"
            f"{h['length']:>9}{h['median_ms']:>9.1f}{h['queries']:>6}"
        )
    for name, r in p["dashboard"].items():
        print(
            f"dashboard (group cards) as {name}: {r['length']} cards, "
            f"{r['median_ms']:.1f} ms, {r['queries']} queries"
        )
    sys.stdout.flush()


def machine():
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])

    def show(setting):
        return subprocess.run(
            ["psql", "-d", "postgres", "-Atc", f"SHOW {setting}"],
            capture_output=True,
            text=True,
        ).stdout.strip()

    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "postgresql": show("server_version"),
        "shared_buffers": show("shared_buffers"),
        "random_page_cost": show("random_page_cost"),
        "python": platform.python_version(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="stq_bench")
    parser.add_argument("--small", action="store_true")
    parser.add_argument(
        "--out", help="default bench/results.json, with --small results_small.json"
    )
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip the install: the database exists (fresh)",
    )
    args = parser.parse_args()
    small = args.small
    if not args.out:
        args.out = os.path.join(HERE, "results_small.json" if small else "results.json")
    sizes = [2000, 5000, 10000] if small else [10000, 50000, 200000]
    n_users = 200 if small else 2000
    n_groups, n_groups_cut = (20, 5) if small else (200, 20)
    depth = 8
    runs = args.runs or (5 if small else 11)
    started = time.time()

    if not args.reuse:
        create_database(args)
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config

    config.parse_config(
        [f"--addons-path={ADDONS_PATH}", "-d", args.db, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    results = {
        "machine": machine(),
        "small": small,
        "command": " ".join(sys.argv),
        "points": [],
    }
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            gen = Generator(env, args, random.Random(6))
            t0 = time.time()
            gen.roles(depth)
            gen.users(n_users, depth)
            gen.team()
            gen.groups(n_groups, depth)
            gen.recompute_memberships()
            gen.pick_archetypes(depth)
            gen.sharing_rules(depth)
            gen.helpdesk_teams()
            gen.customers(max(100, n_users))
            cr.commit()
            settle(args.db)
            log(f"set-up generated in {time.time() - t0:.1f}s")
            for size in sizes:
                t0 = time.time()
                gen.tickets(size)
                cr.commit()
                settle(args.db)
                generation = results.setdefault("generation_s", {})
                generation[size] = round(time.time() - t0, 1)
                results["points"].append(
                    run_point(
                        env,
                        gen,
                        f"tickets {size}",
                        runs,
                        with_explain=size == sizes[-1],
                    )
                )
            # What autovacuum does in time: the visibility map lets the
            # counts that need no heap column read the indexes alone.
            psql(args.db, "VACUUM ANALYZE support_ticket, helpdesk_ticket")
            settle(args.db)
            log("vacuumed")
            results["points"].append(
                run_point(
                    env, gen, f"tickets {sizes[-1]}, vacuumed", runs, with_explain=True
                )
            )
            gen.cut_groups(n_groups_cut)
            cr.commit()
            settle(args.db)
            results["points"].append(
                run_point(env, gen, f"groups {n_groups_cut}", runs)
            )
            gen.flatten_roles()
            cr.commit()
            settle(args.db)
            results["points"].append(
                run_point(env, gen, "depth 2", runs, with_explain=True)
            )
    finally:
        odoo.modules.registry.Registry.delete(args.db)
        odoo.sql_db.close_all()
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)

    # the largest table, as generated and vacuumed: the worse of the two
    largest = results["points"][len(sizes) - 1 : len(sizes) + 1]

    def ratios(point):
        page = point["archetypes"][point["worst"]]
        return (
            page["median_ms"] / point["superuser"]["median_ms"],
            page["median_ms"] / page["helpdesk_mgmt"]["median_ms"],
        )

    x = max(ratios(p)[0] for p in largest)
    y = max(ratios(p)[1] for p in largest)
    worst = results["points"][len(sizes) - 1]["worst"]
    q2 = max(a["queries"] for a in results["points"][-1]["archetypes"].values())
    q8 = max(a["queries"] for a in results["points"][-2]["archetypes"].values())
    qmax = max(
        a["queries"] for p in results["points"] for a in p["archetypes"].values()
    )
    results["summary"] = {
        "worst_archetype": worst,
        "ratio_vs_superuser": round(x, 3),
        "ratio_vs_helpdesk_mgmt": round(y, 3),
        "queries_depth2": q2,
        "queries_depth8": q8,
        "queries_max_any_point": qmax,
        "elapsed_s": round(time.time() - started, 1),
    }
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1, default=str)
    log(f"results written to {args.out} ({results['summary']['elapsed_s']}s in all)")
    print(
        f"queue_page ratio_vs_superuser={x:.2f} ratio_vs_helpdesk_mgmt={y:.2f} "
        f"queries_depth2={q2} queries_depth8={q8}"
    )


if __name__ == "__main__":
    main()
