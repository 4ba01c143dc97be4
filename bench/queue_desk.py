"""The queue benchmark's desk: roles, users, the team, groups and their
members, sharing rules, and the archetypes measured; then the variations
(fewer groups, a flatter role tree).

Bulk SQL for the rows (``TicketGenerator.insert``), the ORM for the few
records with side effects (the team with its mail alias, helpdesk teams,
sharing rules) and for what the ORM computes: the roles' ``parent_path``
(``_parent_store_compute``) and ``complete_name``, and the stored
memberships (``support.role.subtree_user_ids``,
``support.group.effective_user_ids``) by the models' own compute methods,
bottom-up, checked against a recursive SQL query on every role and group.
"""

import json

from queue_data import TicketGenerator, log


class Generator(TicketGenerator):
    """The whole data set: the desk here, contacts and tickets in
    ``TicketGenerator``."""

    # --- roles and users ---

    def roles(self, depth):
        """A binary role tree ``depth`` levels deep (root = supervisor) and a
        call-center role under the root."""
        self.levels = {}  # role id -> level
        self.parent = {}
        root = self._role("Supervisor", None, 0)
        frontier = [root]
        cap = 16 if self.args.small else 64
        if getattr(self.args, "large", False):
            cap = 256
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
        self.compute_role_paths()
        log(f"roles: {len(self.levels)} in {depth} levels")

    def compute_role_paths(self):
        """What the ORM keeps of roles inserted or moved with SQL: their
        ``parent_path`` (support.role is a parent_store model) and their
        ``complete_name``, by Odoo's own methods."""
        Role = self.env["support.role"]
        Role.invalidate_model()
        Role._parent_store_compute()
        roles = Role.search([])
        self.env.add_to_compute(Role._fields["complete_name"], roles)
        roles.flush_recordset()

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
        self.expire_hours = team.expire_hours
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
        env["support.access.stamp"]._touch_access_stamp()

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
        # the manager with the most subordinates: the longest list of ids
        # the rules can resolve (measured apart: bench/README.md)
        cr.execute(
            "SELECT u.id FROM res_users u "
            "JOIN support_role_subtree_user_rel s ON s.role_id = u.support_role_id "
            "WHERE u.id = ANY(%s) GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1",
            [self.by_level.get(1, [])],
        )
        row = cr.fetchone()
        self.top_manager = row[0] if row else None
        log(f"top manager (most subordinates): {self.top_manager}")

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
            "UPDATE support_role SET parent_id = %s WHERE id != %s",
            [self.root, self.root],
        )
        self.compute_role_paths()
        for rid in self.levels:
            self.levels[rid] = 0 if rid == self.root else 1
        self.recompute_memberships()
        cr.execute("ANALYZE")
        log("role tree flattened to depth 2")
