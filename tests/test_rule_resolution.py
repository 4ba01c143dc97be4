"""The speed path decides the record rules as Odoo would.

``support.ticket`` decides its record rules itself: searches through the
resolved domains (``_apply_ir_rules``), checks on given records in one SQL
query (``_check_access``). Most access tests compare what a user finds with
what ``has_access`` says, which both go through that path; this one
compares it with Odoo's own decision, ``BaseModel._check_access``: the same
rule domains, unresolved, evaluated in Python on each ticket
(``filtered_domain``, with the sharing fields' compute methods instead of
their search methods). Every rule has a ticket it decides: owners, the
hierarchy, groups with nested members, the open queue, every public access
level, sharing rules of each kind, archived tickets, a second team.
"""

from contextlib import nullcontext

from odoo import Command, models
from odoo.tests import new_test_user

from .common import SupportCase

OPERATIONS = ("read", "write", "unlink")


class TestRuleResolution(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.admin_profile = new_test_user(
            env,
            login="t_support_admin",
            groups="base.group_user,support_team_queue.group_support_admin",
        )

        def operator(login, profile="group_support_agent"):
            return new_test_user(
                env,
                login=login,
                groups=f"base.group_user,support_team_queue.{profile}",
            )

        # one team per operator: each other team has its own
        cls.queue_operator = operator("t_queue_operator")
        cls.other_operator = operator("t_other_operator")
        Team = env["support.team"]
        cls.open_team = Team.create(
            {
                "name": "Coda aperta",
                "queue_mode": "open",
                "operator_ids": [
                    Command.set([cls.queue_operator.id, cls.other_operator.id])
                ],
            }
        )
        cls.public_operators = env["res.users"]
        cls.public_teams = env["support.team"]
        for access in ("public_read", "public_write", "public_full"):
            # managers: the access level, not the profile, limits them
            user = operator(f"t_{access}", "group_support_manager")
            cls.public_operators |= user
            cls.public_teams |= Team.create(
                {
                    "name": f"Pubblico {access}",
                    "ticket_access": access,
                    "operator_ids": [Command.set(user.ids)],
                }
            )
        Rule = env["support.sharing.rule"]
        Rule.create(
            [
                {
                    "team_id": cls.team.id,
                    "source_role_id": cls.role_tech_b.id,
                    "target_user_id": cls.loner.id,
                },
                {
                    "team_id": cls.team.id,
                    "source_group_id": cls.group_b.id,
                    "target_role_subtree_id": cls.role_resp_a.id,
                    "access": "write",
                },
                {
                    "team_id": cls.team.id,
                    "source_role_subtree_id": cls.role_resp_a.id,
                    "target_group_id": cls.group_b.id,
                },
            ]
        )
        ticket = cls.new_ticket
        cls.tickets = (
            ticket("Di Tecnico A", user=cls.tech_a)
            | ticket("Di Tecnico B", user=cls.tech_b)
            | ticket("Di Responsabile B", user=cls.resp_b)
            | ticket("Del Call Center", user=cls.callcenter)
            | ticket("Del team admin", user=cls.teamadmin)
            | ticket("Al Gruppo A", group=cls.group_a)
            | ticket("Al Gruppo B", group=cls.group_b)
            | ticket("Al Call Center", group=cls.group_cc)
            | ticket("Gruppo A, Tecnico B", user=cls.tech_b, group=cls.group_a)
            | ticket("In coda", team=cls.open_team)
            | ticket("In coda, preso", user=cls.other_operator, team=cls.open_team)
            # held by a supervisor: of no open-queue operator's reach
            | ticket("Preso dal supervisore", user=cls.supervisor, team=cls.open_team)
            | ticket("Di nessuno")
        )
        for team in cls.public_teams:
            cls.tickets |= ticket(f"Del team {team.name}", team=team)
        archived = ticket("Archiviato", group=cls.group_a)
        archived.active = False
        cls.tickets |= archived
        cls.users = (
            cls.seed_users
            | cls.admin_profile
            | cls.queue_operator
            | cls.other_operator
            | cls.public_operators
        )

    def odoo_decision(self, user, operation):
        """The tickets Odoo's own check lets ``user`` act on."""
        tickets = self.tickets.with_user(user).with_context(active_test=False)
        refused = models.BaseModel._check_access(tickets, operation)
        allowed = tickets - refused[0] if refused else tickets
        return set(allowed.ids)

    def test_checks_and_searches_agree_with_odoo(self):
        for user in self.users:
            for operation in OPERATIONS:
                with self.subTest(user=user.login, operation=operation):
                    expected = self.odoo_decision(user, operation)
                    self.env.invalidate_all()
                    tickets = self.tickets.with_user(user)
                    allowed = tickets._filtered_access(operation)
                    self.assertEqual(set(allowed.ids), expected)
                    if operation == "read":
                        every = tickets.with_context(active_test=False)
                        domain = [("id", "in", self.tickets.ids)]
                        found = every.search(domain)
                        self.assertEqual(set(found.ids), expected)
                        # the count, taken branch by branch where the
                        # rules are an OR of them
                        self.assertEqual(every.search_count(domain), len(expected))
                        self.assertEqual(
                            every.search_count(domain, limit=2), min(2, len(expected))
                        )

    def test_every_rule_decides_something_here(self):
        # the comparison above is only worth the variety of its answers
        answers = {
            (user.login, operation): frozenset(self.odoo_decision(user, operation))
            for user in self.users
            for operation in OPERATIONS
        }
        everything = frozenset(self.tickets.ids)
        self.assertEqual(answers[("t_support_admin", "unlink")], everything)
        self.assertEqual(answers[("t_supervisor", "write")], everything)
        # read-only technicians, and operators with partial reach
        self.assertEqual(answers[("t_tech_a", "write")], frozenset())
        self.assertTrue(frozenset() < answers[("t_tech_a", "read")] < everything)
        # the public access levels: read, then write, then delete
        read, write, full = (
            answers[(f"t_{access}", "read")]
            for access in ("public_read", "public_write", "public_full")
        )
        self.assertEqual(answers[("t_public_read", "write")], frozenset())
        self.assertEqual(answers[("t_public_write", "write")], write)
        self.assertEqual(answers[("t_public_write", "unlink")], frozenset())
        self.assertEqual(answers[("t_public_full", "unlink")], full)
        self.assertTrue(read and write and full and not read & write)
        # the open queue: its unassigned ticket, and the operator's own
        self.assertEqual(len(answers[("t_queue_operator", "read")]), 1)
        self.assertEqual(len(answers[("t_other_operator", "read")]), 2)
        self.assertGreater(len(set(answers.values())), 12)

    def resolved_rules(self, users, batch, cached=True, clear=True):
        """``{user id: repr of the resolved read rules}`` of ``users``, one
        user at a time or in one batch (``_resolution_batch``), kept in the
        cache of resolved rules or not (``_rules_not_cached``), the cache
        emptied first (unless not ``clear``); and the queries it took."""
        if clear:
            self.env.registry.clear_cache()
        self.env.invalidate_all()
        rules = {
            user.id: self.env(user=user)["ir.rule"]._compute_domain(
                "support.ticket", "read"
            )
            for user in users
        }
        Engine = self.env["support.rule.engine"]
        queries = self.env.cr.sql_log_count
        with (
            Engine._resolution_batch(rules) if batch else nullcontext(),
            nullcontext() if cached else Engine._rules_not_cached(),
        ):
            resolved = {
                user_id: repr(
                    self.env(user=user_id)["support.ticket"]._resolved_rules(domain)
                )
                for user_id, domain in rules.items()
            }
        return resolved, self.env.cr.sql_log_count - queries

    def test_rules_resolved_in_a_batch_as_one_by_one(self):
        """The preview of a change (support.access.impact) resolves many
        users' rules at once: each user's domain is the one resolved alone,
        for every user here (every rule, every kind of sharing rule)."""
        one_by_one, queries_alone = self.resolved_rules(self.users, batch=False)
        in_batch, queries_in_batch = self.resolved_rules(self.users, batch=True)
        self.assertEqual(in_batch, one_by_one)
        self.assertGreater(len(set(one_by_one.values())), 8)
        # the batch read what the resolutions share once
        self.assertLess(queries_in_batch, queries_alone / 2)

    def test_a_batch_not_cached_leaves_the_cache_as_it_was(self):
        """The preview resolves the rules of the state it rolls back without
        keeping them in the cache of resolved rules, where no request would
        find them: the next resolutions are misses, which read the paths
        again; those of a cached batch are hits."""
        users = self.users[:6]
        not_cached, _queries = self.resolved_rules(users, batch=True, cached=False)
        _resolved, misses = self.resolved_rules(users, batch=False, clear=False)
        # resolved as they are when cached
        self.assertEqual(not_cached, _resolved)
        self.resolved_rules(users, batch=True)
        _resolved, hits = self.resolved_rules(users, batch=False, clear=False)
        self.assertLess(hits, misses)
        # a hit reads at most the access stamp (again for each user in a
        # transaction that replaced it, as this test's set-up did)
        self.assertLessEqual(hits, len(users))
