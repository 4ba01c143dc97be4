"""The holder's role on the ticket (``user_role_id``), which the superiors'
rule reads (``user_role_id.superior_user_ids``): it follows the holder and
their role whoever changes them, even at the same time, no one writes it,
and a customer does not read it on the ticket."""

import psycopg2.errors

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError, UserError
from odoo.modules.migration import load_script
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import MODULE, CommittedCase, SupportCase, new_customer_user


class TestHolderRole(SupportCase):
    def test_the_holders_role_follows_the_holder_and_their_role(self):
        ticket = self.new_ticket("Stampante", user=self.tech_a)
        self.assertEqual(ticket.user_role_id, self.role_tech_a)
        self.assertEqual(
            self.tech_a.support_superior_user_ids, self.resp_a | self.supervisor
        )
        self.assertSees(self.resp_a, ticket)
        self.assertNotSees(self.resp_b, ticket)
        # handed over to Tecnico B's holder, in the same transaction
        ticket.with_user(self.supervisor).write({"user_id": self.tech_b.id})
        self.assertEqual(ticket.user_role_id, self.role_tech_b)
        self.assertSees(self.resp_b, ticket)
        self.assertNotSees(self.resp_a, ticket)
        # their tickets, closed and archived ones too, follow the holder to
        # another role
        closed = self.new_ticket("Rete", user=self.tech_b)
        closed.with_user(self.supervisor).action_close()
        archived = self.new_ticket("Posta", user=self.tech_b)
        archived.active = False
        self.tech_b.support_role_id = self.role_tech_a
        for held in (ticket, closed, archived):
            self.assertEqual(held.user_role_id, self.role_tech_a)
        self.assertSees(self.resp_a, ticket)
        self.assertSees(self.resp_a, closed)
        self.assertNotSees(self.resp_b, ticket)
        self.assertNotSees(self.resp_b, closed)
        # nobody's ticket is nobody's superiors'
        ticket.with_user(self.supervisor).write({"user_id": False})
        self.assertFalse(ticket.user_role_id)
        self.assertNotSees(self.resp_a, ticket)

    def test_the_superiors_rule_decides_as_the_role_tree_says(self):
        # The rule's own domain, and the form it had before the ticket kept
        # its holder's role, against the role tree walked here in Python: a
        # ticket is a superior's when its holder's role lies strictly below
        # the reader's.
        rule = self.env.ref(f"{MODULE}.rule_support_ticket_role_superior")
        junior = self.env["support.role"].create(
            {"name": "Tecnico A junior", "parent_id": self.role_tech_a.id}
        )
        newcomer = self.tech_a.copy({"login": "t_junior", "support_role_id": junior.id})
        readers = self.seed_users | newcomer
        tickets = self.env["support.ticket"].create(
            [
                {
                    "name": f"Di {user.login}",
                    "team_id": self.team.id,
                    "user_id": user.id,
                }
                for user in readers
            ]
            + [{"name": "Di nessuno", "team_id": self.team.id}]
        )

        def strictly_below(role, reader_role):
            ancestor = role.parent_id
            while ancestor:
                if ancestor == reader_role:
                    return True
                ancestor = ancestor.parent_id
            return False

        def check():
            self.env.invalidate_all()
            decided = {}
            for reader in readers:
                expected = {
                    ticket.id
                    for ticket in tickets
                    if reader.support_role_id
                    and strictly_below(
                        ticket.user_id.support_role_id, reader.support_role_id
                    )
                }
                domains = {
                    "rule": safe_eval(rule.domain_force, {"user": reader}),
                    "before": [("user_id.support_superior_user_ids", "in", reader.id)],
                }
                # as the rule engine resolves it for the reader, through its
                # cache (every change above replaces the access stamp)
                domains["resolved"] = (
                    self.env["support.ticket"]
                    .with_user(reader)
                    ._resolved_rules(domains["rule"])
                )
                for name, domain in domains.items():
                    found = self.env["support.ticket"].search(
                        [("id", "in", tickets.ids), *domain]
                    )
                    self.assertEqual(set(found.ids), expected, (reader.login, name))
                decided[reader] = tickets.browse(sorted(expected)).user_id
            return decided

        held_by = check()
        self.assertEqual(held_by[self.tech_a], newcomer)
        self.assertEqual(held_by[self.resp_a], self.tech_a | newcomer)
        self.assertFalse(held_by[self.resp_b] & (self.tech_a | newcomer))
        # roleless: the team administrator and the loner reach nothing
        self.assertEqual(
            held_by[self.supervisor],
            readers - self.supervisor - self.teamadmin - self.loner,
        )
        # Tecnico A's role moves under Responsabile B, with its junior
        self.role_tech_a.parent_id = self.role_resp_b
        held_by = check()
        self.assertFalse(held_by[self.resp_a])
        self.assertEqual(held_by[self.resp_b], self.tech_b | self.tech_a | newcomer)
        # Tecnico B becomes a junior; the supervisor leaves every role
        self.tech_b.support_role_id = junior
        self.supervisor.support_role_id = False
        held_by = check()
        self.assertEqual(held_by[self.tech_a], newcomer | self.tech_b)
        self.assertFalse(held_by[self.supervisor])

    def test_the_superiors_follow_the_holders_above_in_the_same_transaction(self):
        # read once, then the roles above change holders: the superiors
        # follow at once, as the users' form and the access impact preview
        # read them before anything is flushed or invalidated
        self.assertEqual(
            self.tech_a.support_superior_user_ids, self.resp_a | self.supervisor
        )
        self.assertEqual(
            self.role_tech_a.superior_user_ids, self.resp_a | self.supervisor
        )
        deputy = self.resp_a.copy({"login": "resp_a_deputy", "support_role_id": False})
        # a role that grants no profile: the holder's groups stay as they are
        self.role_resp_a.profile_group_ids = False
        self.role_tech_a.superior_user_ids  # noqa: B018 (read before the change)
        deputy.support_role_id = self.role_resp_a
        self.assertEqual(
            self.tech_a.support_superior_user_ids,
            self.resp_a | deputy | self.supervisor,
        )
        # an archived holder is no superior on the form; one who leaves the
        # role above neither
        self.resp_a.active = False
        self.supervisor.support_role_id = False
        self.assertEqual(self.tech_a.support_superior_user_ids, deputy)
        self.assertEqual(self.role_tech_a.superior_user_ids, deputy)
        self.assertFalse(self.role_resp_a.superior_user_ids)

    def test_a_search_on_superiors_takes_in_and_equals_only(self):
        # the roles below a user's, and the users holding them, as a manager
        # asks them; any other operator is a clear error, never a guess
        Role = self.env["support.role"].with_user(self.resp_a)
        Users = self.env["res.users"].with_user(self.resp_a)
        for operator, value in (("in", [self.resp_a.id]), ("=", self.resp_a.id)):
            self.assertEqual(
                Role.search([("superior_user_ids", operator, value)]),
                self.role_tech_a,
            )
            self.assertEqual(
                Users.search([("support_superior_user_ids", operator, value)]),
                self.tech_a,
            )
        for operator in ("not in", "!=", "ilike"):
            with (
                self.subTest(operator=operator),
                self.assertRaisesRegex(UserError, "Unsupported search"),
            ):
                Role.search([("superior_user_ids", operator, [self.resp_a.id])])
            with self.assertRaisesRegex(UserError, "Unsupported search"):
                Users.search(
                    [("support_superior_user_ids", operator, [self.resp_a.id])]
                )

    def test_no_one_writes_the_holders_role(self):
        # written, it would take a ticket out of its holder's superiors'
        # sight, a delete in effect for them, by anyone who may edit it
        ticket = self.new_ticket("Stampante", user=self.tech_a)
        for user in (self.resp_a, self.teamadmin, self.supervisor):
            with self.assertRefusedTo(user, AccessError, "Operator's Role"):
                ticket.with_user(user).write({"user_role_id": self.role_resp_b.id})
            with self.assertRefusedTo(user, AccessError, "Operator's Role"):
                self.env["support.ticket"].with_user(user).create(
                    {
                        "name": "Nascosto",
                        "team_id": self.team.id,
                        "user_id": self.tech_a.id,
                        "user_role_id": self.role_resp_b.id,
                    }
                )
        self.assertEqual(ticket.user_role_id, self.role_tech_a)
        self.assertSees(self.resp_a, ticket)

    def test_a_customer_does_not_read_the_holders_role_on_the_ticket(self):
        customer = new_customer_user(self.env, "t_cliente_ruolo")
        ticket = self.new_ticket("Stampante", user=self.tech_a)
        ticket.partner_id = customer.partner_id
        mine = self.env["support.ticket"].with_user(customer)
        self.assertEqual(mine.search([]), ticket)
        self.assertNotIn("user_role_id", mine.fields_get())
        with mute_logger("odoo.models"):
            with self.assertRaises(AccessError):
                ticket.with_user(customer).read(["user_role_id"])
            with self.assertRaises(AccessError):
                mine.search([("user_role_id", "=", self.role_tech_a.id)])
            # nor through the operator's user record
            with self.assertRaises(AccessError):
                self.tech_a.with_user(customer).read(["support_role_id"])
        self.assertFalse(
            mine.search([("user_id.support_role_id", "=", self.role_tech_a.id)])
        )

    def test_an_update_rewrites_the_superiors_rule_unless_changed_by_hand(self):
        migration = load_script(
            "support_team_queue/migrations/18.0.1.3.0/post-migration.py",
            "support_team_queue_post_migration_1_3",
        )
        rule = self.env.ref("support_team_queue.rule_support_ticket_role_superior")
        rule.domain_force = migration.EARLIER_DOMAIN
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(rule.domain_force, migration.DOMAIN)
        ticket = self.new_ticket("Stampante", user=self.tech_a)
        self.assertSees(self.resp_a, ticket)
        # a domain changed by hand stays as it is
        by_hand = "[('user_id.support_superior_user_ids', 'in', [user.id])]"
        rule.domain_force = by_hand
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(rule.domain_force, by_hand)


class TestHolderRoleRaceCommitted(CommittedCase):
    """A ticket given to a user while their role changes: COMMITS to the
    database, then deletes what it created."""

    @classmethod
    def build_committed(cls, env, tag):
        roles = env["support.role"].create(
            [{"name": f"Primo {tag}"}, {"name": f"Secondo {tag}"}]
        )
        user = new_test_user(
            env,
            login=f"stq_role_race_{tag}",
            groups=f"{MODULE}.group_support_agent",
            support_role_id=roles[0].id,
            context={"no_reset_password": True},
        )
        team = env["support.team"].create(
            {"name": f"Race {tag}", "operator_ids": [Command.link(user.id)]}
        )
        return {"roles": roles, "user": user, "team": team}

    def give_ticket(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["support.ticket"].create(
            {
                "name": "Corsa",
                "team_id": self.created["team"][0],
                "user_id": self.created["user"][0],
            }
        )
        env.flush_all()

    def change_role(self, cr, index):
        env = api.Environment(cr, SUPERUSER_ID, {})
        user = env["res.users"].browse(self.created["user"])
        user.support_role_id = self.created["roles"][index]
        env.flush_all()

    def assertRolesAgree(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM support_ticket t JOIN res_users u "
                "ON u.id = t.user_id WHERE t.team_id = %s "
                "AND t.user_role_id IS DISTINCT FROM u.support_role_id",
                self.created["team"],
            )
            self.assertEqual(cr.fetchone()[0], 0)

    def test_a_role_changed_after_the_ticket_began_makes_it_retry(self):
        with self.registry.cursor() as giving:
            giving.execute("SELECT 1")  # its snapshot: the first role
            with self.registry.cursor() as changing:  # commits on exit
                self.change_role(changing, 1)
            with (
                self.assertRaises(psycopg2.errors.SerializationFailure),
                mute_logger("odoo.sql_db"),
            ):
                self.give_ticket(giving)
            giving.rollback()
        self.assertRolesAgree()

    def test_a_ticket_given_after_the_change_began_makes_it_retry(self):
        with self.registry.cursor() as changing:
            changing.execute("SELECT 1")  # its snapshot: no ticket yet
            with self.registry.cursor() as giving:  # commits on exit
                self.give_ticket(giving)
            with (
                self.assertRaises(psycopg2.errors.SerializationFailure),
                mute_logger("odoo.sql_db"),
            ):
                self.change_role(changing, 1)
            changing.rollback()
        self.assertRolesAgree()
        # retried, the change sees the ticket
        with self.registry.cursor() as changing:
            self.change_role(changing, 1)
        self.assertRolesAgree()
