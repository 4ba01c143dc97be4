import uuid

from odoo import api, models
from odoo.tools import SQL

STAMP_TABLE = "support_access_stamp"
# where the stamp was kept before it had a table of its own
FORMER_STAMP_PARAM = "support_team_queue.access_stamp"
# the stamp this transaction read, in the cursor's precommit.data (None: the
# transaction replaced it, read the table)
STAMP_MEMO = "support_team_queue.access_stamp"


class SupportAccessStamp(models.AbstractModel):
    """The access stamp, and every path that makes access follow a change.

    The ticket record rules (``security/support_rules.xml``) read
    memberships, roles, teams and sharing rules. ``support.ticket`` resolves
    them into lists of ids when a query is built
    (``_resolved_rules``) and caches that per user under the
    *access stamp*: one value in a table of its own (``support_access_stamp``,
    one row, created here; no model, no access right: only the addon reads
    or writes it, with SQL). A change of anything the resolution reads
    replaces the value with a new random one *in the same transaction*.
    A request reads the stamp of its own snapshot, in the same transaction
    as its tickets, so it only finds what was resolved from the same state
    of the data: a change applies on the next request in every worker, and
    a request that started before a change, resolving after it, stores its
    older answer under the old stamp, where no later request looks
    (``tests/test_access_stamp.py`` replays that race with committed
    cursors).

    Every path that makes access follow a change:

    1. The fields the rules read, one list per model
       (``_support_access_fields`` of ``support.access.stamp.mixin``):
       ``res.users`` (role, team, active), ``support.team`` (administrator,
       operators, queue mode, access level, company, active),
       ``support.group`` (members of each kind, both sides of the nesting,
       active), ``support.role`` (parent, holders) and
       ``support.sharing.rule`` (team, sources, targets, access, active).
       The mixin's ``create``, ``write`` and ``unlink`` replace the stamp
       when one of them is written, and, from the same place, write the
       access log (``support.access.log``). Nothing else (a name, a
       description, a colour, a sequence) replaces it.
       Creating or deleting a group, a role or a sharing rule always does.
    2. Code that changes those fields with SQL, past the ORM, calls
       :meth:`_touch_access_stamp` itself (the benchmark does).
    3. A customer moved to another organization (``res.partner``'s
       ``parent_id``, ``is_company``): the portal rule names the customer's
       organization in its evaluated domain, which Odoo caches per user
       (``ir.rule._compute_domain``), not the resolution under the stamp:
       :meth:`_forget_evaluated_rules` clears that cache in every
       worker.
    4. A user's Odoo groups and companies (which rules apply to them):
       Odoo's own caches, which follow ``res.users.groups_id`` and the
       companies.

    A transaction reads the stamp once (:meth:`_access_stamp`): the
    value is kept in the cursor's ``precommit.data``, which Odoo empties on
    every commit and rollback and at every flushing savepoint (entered,
    released or rolled back), so it never outlives the snapshot it was read
    in. A transaction that replaces the stamp reads it from the table again
    until it ends (a savepoint rolled back without Odoo's flushing, or an
    SQL ``ROLLBACK TO SAVEPOINT``, may undo the new value), and so does the
    test cursor whose transaction a test's requests share.
    """

    _name = "support.access.stamp"
    _description = "Support Access Stamp"

    def init(self):
        table = SQL.identifier(STAMP_TABLE)
        self.env.cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS %s (
                    id integer PRIMARY KEY CHECK (id = 1),
                    value varchar NOT NULL
                );
                INSERT INTO %s (id, value) VALUES (1, %s)
                ON CONFLICT (id) DO NOTHING;
                DELETE FROM ir_config_parameter WHERE key = %s;
                """,
                table,
                table,
                uuid.uuid4().hex,
                FORMER_STAMP_PARAM,
            )
        )

    def _stamp_memos(self):
        """Where this transaction keeps the stamp it read: the cursor's, and
        in tests, that of the test cursor whose transaction requests share
        (``registry.test_cr``)."""
        cursors = [self.env.cr, self.env.registry.test_cr]
        return [cr.precommit.data for cr in cursors if cr is not None]

    @api.model
    def _touch_access_stamp(self):
        for memo in self._stamp_memos():
            memo[STAMP_MEMO] = None  # read it again until the transaction ends
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET value = %s WHERE id = 1",
                SQL.identifier(STAMP_TABLE),
                uuid.uuid4().hex,
            )
        )

    @api.model
    def _access_stamp(self):
        memo = self.env.cr.precommit.data
        if memo.get(STAMP_MEMO):
            return memo[STAMP_MEMO]
        self.env.cr.execute(
            SQL("SELECT value FROM %s WHERE id = 1", SQL.identifier(STAMP_TABLE))
        )
        row = self.env.cr.fetchone()
        value = row[0] if row else ""
        if STAMP_MEMO not in memo:
            memo[STAMP_MEMO] = value
        return value

    @api.model
    def _forget_evaluated_rules(self):
        # Odoo's cache of evaluated rule domains lives in the registry's
        # default cache; clearing it is signalled to every worker.
        self.env.registry.clear_cache()
