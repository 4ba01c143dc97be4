"""A randomized access check (issue 7): hypothesis builds random support
desks, an independent oracle says who may read, write and delete each
ticket, and Odoo must agree.

The oracle is written from ../shared/SPEC.md ("Who sees and may change a
ticket": the seven rules and the profile matrix) and shares no code with the
addon: it never calls the addon's explanation wizard nor reads its computed
fields (``effective_user_ids``, ``subtree_user_ids``, the sharing fields...);
memberships, the hierarchy and the sharing rules are computed here from the
raw structure hypothesis generated. One reading of the spec, documented on
the addon's sharing-rule form, is taken as given: a sharing rule's source
group owns its tickets and those of its effective members, and a rule shares
only tickets of its own team.

Each generated desk is checked, then changed once at random (a role moved,
a membership, a team setting, a ticket's owner, a rule archived) and checked
again in the same transaction: the spec promises that every change applies
on the next request, with nothing to recalculate.

Odoo's answers: read through ``search`` (the SQL path), ``search_count``
(over tickets in varied states and companies, some archived) and
``has_access`` (record rules on given records), write and unlink through
``has_access``, create by creating a ticket in each team in a savepoint,
and, for one pair per desk, an actual ``write`` in a savepoint.

In CI: ``STQ_ORACLE_EXAMPLES`` desks (30 by default, derandomized, so the
same ones on every run); ``STQ_ORACLE_EXAMPLES=500`` for a longer run.
The checks run and the reasons covered are logged at the end of the class
(``odoo.tests`` logger, level INFO) and printed with ``pytest -s``.
"""

import logging
import os
from collections import Counter

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import mute_logger

from .common import MODULE, SupportCase

_logger = logging.getLogger(__name__)

EXAMPLES = int(os.environ.get("STQ_ORACLE_EXAMPLES", "30"))


def replayable_settings(examples):
    """The Hypothesis settings of the access tests: ``examples`` examples,
    the same on every run (derandomized, no example database), no deadline,
    a failure printed with the blob that replays it."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# profiles, each implying the ones before it (SPEC: "each implying the one
# before"); 0 is an internal user with no support profile at all
PROFILES = ["none", "readonly", "agent", "manager", "supervisor", "admin"]
NONE, READONLY, AGENT, MANAGER, SUPERVISOR, ADMIN = range(len(PROFILES))
QUEUE_MODES = ["dispatch", "open"]
ACCESS_LEVELS = ["private", "public_read", "public_write", "public_full"]
OPERATIONS = ("read", "write", "unlink")
STATES = ["new", "in_progress", "waiting", "closed", "expired"]
OPEN = ["new", "in_progress", "waiting"]


# ---------------------------------------------------------------------------
# The random desk: plain Python data, indices into lists
# ---------------------------------------------------------------------------


@st.composite
def desks(draw):
    n_roles = draw(st.integers(1, 5))
    roles = []
    for index in range(n_roles):
        roles.append(
            {
                # a forest: a role reports to an earlier one, or to nobody
                # mostly a chain, so that hierarchies are deep enough
                "parent": draw(
                    st.sampled_from([index - 1, index - 1, None])
                    | st.integers(0, index - 1)
                )
                if index
                else None,
                "profile": draw(st.sampled_from([NONE, READONLY, AGENT, MANAGER])),
            }
        )
    if draw(st.booleans()):  # now and then a supervisor role at a root
        roles[0]["profile"] = SUPERVISOR
    n_teams = draw(st.integers(1, 2))
    n_users = draw(st.integers(2, 6))
    users = [
        {
            "role": draw(st.integers(0, n_roles - 1) | st.none()),
            "profile": draw(
                st.sampled_from(
                    [NONE, READONLY, READONLY, AGENT, AGENT, MANAGER, SUPERVISOR, ADMIN]
                )
            ),
            # a user belongs to at most one team
            "team": draw(st.one_of(st.none(), st.integers(0, n_teams - 1))),
        }
        for _index in range(n_users)
    ]
    teams = [
        {
            "queue_mode": draw(st.sampled_from(QUEUE_MODES)),
            "ticket_access": draw(st.sampled_from(ACCESS_LEVELS)),
            "admin": draw(st.one_of(st.none(), st.integers(0, n_users - 1))),
        }
        for _index in range(n_teams)
    ]
    user_ids = st.integers(0, n_users - 1)
    role_ids = st.integers(0, n_roles - 1)
    # a group's direct members are operators of its team; a ticket's
    # operator also may be the team's administrator or a supervisor
    partial = Oracle({"roles": roles, "users": users, "teams": teams})
    groups = []
    for index in range(draw(st.integers(0, 4))):
        team = draw(st.integers(0, n_teams - 1))
        earlier = [g for g in range(index) if groups[g]["team"] == team]
        groups.append(
            {
                "team": team,
                "users": draw(
                    st.sets(
                        st.sampled_from(sorted(partial.operators(team))), max_size=2
                    )
                )
                if partial.operators(team)
                else set(),
                "roles": draw(st.sets(role_ids, max_size=2)),
                "role_subtrees": draw(st.sets(role_ids, max_size=1)),
                # nesting only of earlier groups of the team: never a cycle
                "groups": draw(st.sets(st.sampled_from(earlier), max_size=2))
                if earlier
                else set(),
            }
        )
    rules = []
    for _index in range(draw(st.integers(0, 3))):
        team = draw(st.integers(0, n_teams - 1))
        team_groups = [g for g in range(len(groups)) if groups[g]["team"] == team]
        source_kinds = ["role", "role_subtree"] + (["group"] if team_groups else [])
        target_kinds = ["role", "role_subtree", "user"] + (
            ["group"] if team_groups else []
        )
        pick = {
            "role": role_ids,
            "role_subtree": role_ids,
            "group": st.sampled_from(team_groups) if team_groups else None,
            "user": user_ids,
        }
        source = draw(st.sampled_from(source_kinds))
        target = draw(st.sampled_from(target_kinds))
        rules.append(
            {
                "team": team,
                "source": (source, draw(pick[source])),
                "target": (target, draw(pick[target])),
                "access": draw(st.sampled_from(["read", "write"])),
                "active": True,
            }
        )
    tickets = []
    for _index in range(draw(st.integers(1, 6))):
        team = draw(st.integers(0, n_teams - 1))
        team_groups = [g for g in range(len(groups)) if groups[g]["team"] == team]
        tickets.append(
            {
                "team": team,
                "user": draw(st.sampled_from(partial.holders_of(team)) | st.none())
                if partial.holders_of(team)
                else None,
                "group": draw(st.one_of(st.none(), st.sampled_from(team_groups)))
                if team_groups
                else None,
            }
        )
    change = draw(
        change_of(n_roles, n_users, n_teams, len(groups), len(rules), tickets)
    )
    return {
        "roles": roles,
        "users": users,
        "teams": teams,
        "groups": groups,
        "rules": rules,
        "tickets": tickets,
        "change": change,
    }


def change_of(n_roles, n_users, n_teams, n_groups, n_rules, tickets):
    """One change applied after the first round of checks."""
    options = [
        st.tuples(
            st.just("user_role"),
            st.integers(0, n_users - 1),
            st.one_of(st.none(), st.integers(0, n_roles - 1)),
        ),
        st.tuples(
            st.just("role_parent"),
            st.integers(0, n_roles - 1),
            st.one_of(st.none(), st.integers(0, n_roles - 1)),
        ),
        st.tuples(
            st.just("team_settings"),
            st.integers(0, n_teams - 1),
            st.sampled_from(QUEUE_MODES),
            st.sampled_from(ACCESS_LEVELS),
        ),
        st.tuples(
            st.just("ticket_user"),
            st.integers(0, len(tickets) - 1),
            st.one_of(st.none(), st.integers(0, n_users - 1)),
        ),
    ]
    if n_groups:
        options.append(
            st.tuples(
                st.just("group_user"),
                st.integers(0, n_groups - 1),
                st.integers(0, n_users - 1),
            )
        )
    if n_rules:
        options.append(st.tuples(st.just("rule_archive"), st.integers(0, n_rules - 1)))
    return st.one_of(options)


# One desk written by hand, run besides the random ones, where every reason
# of the spec holds for someone: the run's coverage does not depend on luck.
COVERING_DESK = {
    "roles": [
        {"parent": None, "profile": MANAGER},
        {"parent": 0, "profile": READONLY},
        {"parent": 0, "profile": AGENT},
    ],
    "users": [
        {"role": 0, "profile": AGENT, "team": 0},  # superior of user 1
        {"role": 1, "profile": READONLY, "team": 0},
        {"role": None, "profile": SUPERVISOR, "team": None},
        {"role": None, "profile": MANAGER, "team": 1},  # administers team 0
        {"role": None, "profile": AGENT, "team": 1},
        # in the write share's target only (role 2 is under role 0)
        {"role": 2, "profile": AGENT, "team": 1},
        # a direct member of group 1
        {"role": None, "profile": READONLY, "team": 0},
    ],
    "teams": [
        {"queue_mode": "open", "ticket_access": "public_read", "admin": 3},
        {"queue_mode": "dispatch", "ticket_access": "public_full", "admin": None},
    ],
    "groups": [
        {
            "team": 0,
            "users": set(),
            "roles": set(),
            "role_subtrees": {1},
            "groups": set(),
        },
        {"team": 0, "users": {6}, "roles": {0}, "role_subtrees": set(), "groups": {0}},
    ],
    "rules": [
        {
            "team": 0,
            "source": ("role", 1),
            "target": ("user", 4),
            "access": "read",
            "active": True,
        },
        {
            "team": 0,
            "source": ("group", 0),
            "target": ("role_subtree", 0),
            "access": "write",
            "active": True,
        },
    ],
    "tickets": [
        {"team": 0, "user": 1, "group": None},
        {"team": 0, "user": None, "group": 1},
        {"team": 0, "user": None, "group": None},
        {"team": 1, "user": 4, "group": None},
        # user 0 reads it as user 5's superior only
        {"team": 1, "user": 5, "group": None},
        # user 1 reads it by the team's public level only (user 3 holds it
        # as the team's administrator)
        {"team": 0, "user": 3, "group": None},
        # user 5 edits it by the read-write share only
        {"team": 0, "user": None, "group": 0},
    ],
    "change": ("team_settings", 0, "open", "public_write"),
}


# ---------------------------------------------------------------------------
# The oracle: SPEC.md, on the plain data above
# ---------------------------------------------------------------------------


class Oracle:
    def __init__(self, desk):
        self.desk = desk
        roles = desk["roles"]
        self.children = {r: [] for r in range(len(roles))}
        for index, role in enumerate(roles):
            if role["parent"] is not None:
                self.children[role["parent"]].append(index)

    def subtree(self, role):
        """The role and every role below it."""
        found, todo = set(), [role]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(self.children[current])
        return found

    def strictly_below(self, role, other):
        """Whether ``role`` lies strictly below ``other``."""
        return role != other and role in self.subtree(other)

    def holders(self, roles):
        return {u for u, user in enumerate(self.desk["users"]) if user["role"] in roles}

    def members(self, group, _seen=()):
        """Effective members: users, holders of the roles, of the role
        subtrees, and the effective members of the member groups."""
        spec = self.desk["groups"][group]
        found = set(spec["users"]) | self.holders(spec["roles"])
        for role in spec["role_subtrees"]:
            found |= self.holders(self.subtree(role))
        for nested in spec["groups"]:
            if nested not in _seen:
                found |= self.members(nested, (*_seen, group))
        return found

    def profile(self, user):
        spec = self.desk["users"][user]
        role_profile = (
            self.desk["roles"][spec["role"]]["profile"]
            if spec["role"] is not None
            else NONE
        )
        return max(spec["profile"], role_profile)

    def operators(self, team):
        return {u for u, user in enumerate(self.desk["users"]) if user["team"] == team}

    def holders_of(self, team):
        """Who may be the operator of the team's tickets: its operators, its
        administrator, and supervisors."""
        admin = self.desk["teams"][team]["admin"]
        return sorted(
            self.operators(team)
            | ({admin} if admin is not None else set())
            | {
                u
                for u in range(len(self.desk["users"]))
                if self.profile(u) >= SUPERVISOR
            }
        )

    def source_owns(self, rule, ticket):
        kind, value = rule["source"]
        owner = ticket["user"]
        owner_role = self.desk["users"][owner]["role"] if owner is not None else None
        if kind == "role":
            return owner_role is not None and owner_role == value
        if kind == "role_subtree":
            return owner_role is not None and owner_role in self.subtree(value)
        # a group: the tickets assigned to it and those of its members
        return ticket["group"] == value or (
            owner is not None and owner in self.members(value)
        )

    def target_includes(self, rule, user):
        kind, value = rule["target"]
        role = self.desk["users"][user]["role"]
        if kind == "user":
            return user == value
        if kind == "role":
            return role is not None and role == value
        if kind == "role_subtree":
            return role is not None and role in self.subtree(value)
        return user in self.members(value)

    def reasons(self, user, ticket):
        """Which of SPEC's seven rules let ``user`` read ``ticket``."""
        desk = self.desk
        team = desk["teams"][ticket["team"]]
        operator = user in self.operators(ticket["team"])
        found = set()
        if self.profile(user) >= SUPERVISOR:
            found.add("1-profile")
        if team["admin"] == user:
            found.add("1-team-admin")
        owner = ticket["user"]
        if owner == user:
            found.add("2-owner")
        if owner is not None:
            owner_role = desk["users"][owner]["role"]
            user_role = desk["users"][user]["role"]
            if (
                owner_role is not None
                and user_role is not None
                and self.strictly_below(owner_role, user_role)
            ):
                found.add("3-superior")
        if ticket["group"] is not None and user in self.members(ticket["group"]):
            found.add("4-group")
        if (
            owner is None
            and ticket["group"] is None
            and team["queue_mode"] == "open"
            and operator
        ):
            found.add("5-open-queue")
        if team["ticket_access"] != "private" and operator:
            found.add(f"6-{team['ticket_access']}")
        for rule in desk["rules"]:
            if (
                rule["active"]
                and rule["team"] == ticket["team"]
                and self.source_owns(rule, ticket)
                and self.target_includes(rule, user)
            ):
                found.add(f"7-share-{rule['access']}")
        return found

    def allowed(self, user, ticket, operation):
        profile = self.profile(user)
        reasons = self.reasons(user, ticket)
        if operation == "read":
            return profile >= READONLY and bool(reasons)
        if operation == "write":
            return profile >= AGENT and bool(
                reasons - {"6-public_read", "7-share-read"}
            )
        strong = {r for r in reasons if r[0] in "12345"} | (reasons & {"6-public_full"})
        return profile >= MANAGER and bool(strong)


# ---------------------------------------------------------------------------
# The desk in Odoo
# ---------------------------------------------------------------------------


class TestAccessOracle(SupportCase):
    checks = Counter()
    reasons_seen = Counter()
    examples = 0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.profile_groups = [env.ref("base.group_user")] + [
            env.ref(f"{MODULE}.group_support_{name}") for name in PROFILES[1:]
        ]
        cls.other_company = env["res.company"].create({"name": "Oracle Company B"})

    @classmethod
    def tearDownClass(cls):
        summary = (
            f"access oracle: {cls.examples} random desks, "
            f"{sum(cls.checks.values())} checks ({dict(cls.checks)}); "
            f"reasons to read met: {dict(sorted(cls.reasons_seen.items()))}"
        )
        _logger.info(summary)
        print(f"\n{summary}")  # noqa: T201
        super().tearDownClass()

    def build(self, desk):
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        Role = env["support.role"]
        roles = []
        for spec in desk["roles"]:
            profile = spec["profile"]
            roles.append(
                Role.create(
                    {
                        "name": f"R{len(roles)}",
                        "parent_id": roles[spec["parent"]].id
                        if spec["parent"] is not None
                        else False,
                        "profile_group_ids": [
                            Command.set(
                                [self.profile_groups[profile].id] if profile else []
                            )
                        ],
                    }
                )
            )
        Users = env["res.users"].with_context(
            no_reset_password=True, mail_create_nolog=True
        )
        self.serial = getattr(self, "serial", 0) + 1
        users = Users.browse()
        for index, spec in enumerate(desk["users"]):
            login = f"oracle_{os.getpid()}_{self.serial}_{index}"
            users |= Users.create(
                {
                    "name": login,
                    "login": login,
                    "groups_id": [
                        Command.set([self.profile_groups[spec["profile"]].id])
                    ],
                    "support_role_id": roles[spec["role"]].id
                    if spec["role"] is not None
                    else False,
                }
            )
        teams = env["support.team"].browse()
        for index, spec in enumerate(desk["teams"]):
            operators = [
                u for u, user in enumerate(desk["users"]) if user["team"] == index
            ]
            teams |= env["support.team"].create(
                {
                    "name": f"T{index}",
                    "queue_mode": spec["queue_mode"],
                    "ticket_access": spec["ticket_access"],
                    # the creator (the test's superuser) is no generated user
                    "admin_id": users[spec["admin"]].id
                    if spec["admin"] is not None
                    else env.user.id,
                    "operator_ids": [Command.set([users[u].id for u in operators])],
                }
            )
        groups = env["support.group"].browse()
        for index, spec in enumerate(desk["groups"]):
            subtree_roles = env["support.role"].union(
                *(roles[r] for r in spec["role_subtrees"])
            )
            groups |= env["support.group"].create(
                {
                    "name": f"G{index}",
                    "team_id": teams[spec["team"]].id,
                    "user_ids": [Command.set([users[u].id for u in spec["users"]])],
                    "role_ids": [Command.set([roles[r].id for r in spec["roles"]])],
                    "role_subtree_ids": [Command.set(subtree_roles.ids)],
                    "member_group_ids": [
                        Command.set([groups[g].id for g in spec["groups"]])
                    ],
                }
            )
        rules = env["support.sharing.rule"].browse()
        for spec in desk["rules"]:
            records = {"role": roles, "role_subtree": roles, "group": groups}
            (source_kind, source), (target_kind, target) = (
                spec["source"],
                spec["target"],
            )
            targets = dict(records, user=users)
            rules |= env["support.sharing.rule"].create(
                {
                    "team_id": teams[spec["team"]].id,
                    f"source_{source_kind}_id": records[source_kind][source].id,
                    f"target_{target_kind}_id": targets[target_kind][target].id,
                    "access": spec["access"],
                }
            )
        tickets = env["support.ticket"].create(
            [
                {
                    "name": f"K{index}",
                    "team_id": teams[spec["team"]].id,
                    "user_id": users[spec["user"]].id
                    if spec["user"] is not None
                    else False,
                    "group_id": groups[spec["group"]].id
                    if spec["group"] is not None
                    else False,
                }
                for index, spec in enumerate(desk["tickets"])
            ]
        )
        # what was stored is what was generated (raw fields, not the addon's
        # access computations)
        for ticket, spec in zip(tickets, desk["tickets"], strict=True):
            self.assertEqual(
                ticket.user_id,
                users[spec["user"]] if spec["user"] is not None else users.browse(),
            )
            self.assertEqual(
                ticket.group_id,
                groups[spec["group"]] if spec["group"] is not None else groups.browse(),
            )
        return {
            "roles": roles,
            "users": users,
            "teams": teams,
            "groups": groups,
            "rules": rules,
            "tickets": tickets,
        }

    def apply_change(self, desk, odoo):
        """Apply ``desk['change']`` to the data and to Odoo; False when the
        change is not allowed (a role under its own subtree)."""
        kind, *args = desk["change"]
        if kind == "user_role":
            user, role = args
            spec = desk["users"][user]
            old = (
                desk["roles"][spec["role"]]["profile"]
                if spec["role"] is not None
                else NONE
            )
            new = desk["roles"][role]["profile"] if role is not None else NONE
            # Changing role replaces the Support profile the former role gave
            # (and those it implies) with the new role's: a profile granted
            # directly survives only above the former role's (the addon's
            # reading of "changing or losing the role updates the user's
            # groups", as vTiger, where profiles come from roles only).
            if old != new and old != NONE and spec["profile"] <= old:
                spec["profile"] = NONE
            spec["role"] = role
            odoo["users"][user].support_role_id = (
                odoo["roles"][role] if role is not None else False
            )
        elif kind == "role_parent":
            role, parent = args
            if parent is not None and parent in Oracle(desk).subtree(role):
                return False
            desk["roles"][role]["parent"] = parent
            odoo["roles"][role].parent_id = (
                odoo["roles"][parent] if parent is not None else False
            )
        elif kind == "team_settings":
            team, queue_mode, access = args
            desk["teams"][team].update(queue_mode=queue_mode, ticket_access=access)
            odoo["teams"][team].write(
                {"queue_mode": queue_mode, "ticket_access": access}
            )
        elif kind == "ticket_user":
            ticket, user = args
            team = desk["tickets"][ticket]["team"]
            if user is not None and user not in Oracle(desk).holders_of(team):
                return False  # refused: tests/test_assignment.py
            desk["tickets"][ticket]["user"] = user
            odoo["tickets"][ticket].user_id = (
                odoo["users"][user] if user is not None else False
            )
        elif kind == "group_user":
            group, user = args
            if user not in Oracle(desk).operators(desk["groups"][group]["team"]):
                return False  # refused: tests/test_assignment.py
            desk["groups"][group]["users"] = desk["groups"][group]["users"] | {user}
            odoo["groups"][group].user_ids = [Command.link(odoo["users"][user].id)]
        elif kind == "rule_archive":
            (rule,) = args
            desk["rules"][rule]["active"] = False
            odoo["rules"][rule].active = False
        return True

    def compare(self, desk, odoo, stage):
        oracle = Oracle(desk)
        tickets = odoo["tickets"]
        mismatches = []
        for u, user in enumerate(odoo["users"]):
            try:
                found = (
                    self.env["support.ticket"]
                    .with_user(user)
                    .search([("id", "in", tickets.ids)])
                )
            except AccessError:  # no support profile: not even the model
                found = tickets.browse()
            for t, ticket in enumerate(tickets):
                spec = desk["tickets"][t]
                expected = {op: oracle.allowed(u, spec, op) for op in OPERATIONS}
                # a reason counts when it alone decides an allowed operation
                reasons = oracle.reasons(u, spec)
                if len(reasons) == 1 and any(expected.values()):
                    self.reasons_seen.update(reasons)
                got = {
                    "search": ticket in found,
                    **{op: ticket.with_user(user).has_access(op) for op in OPERATIONS},
                }
                self.checks.update(["search", *OPERATIONS])
                wanted = {"search": expected["read"], **expected}
                for check, value in got.items():
                    if value != wanted[check]:
                        mismatches.append(
                            f"{stage}: user {u} ticket {t} {check}: odoo {value}, "
                            f"oracle {wanted[check]} (profile "
                            f"{PROFILES[oracle.profile(u)]}, reasons "
                            f"{sorted(oracle.reasons(u, spec))})"
                        )
        # create: Agent and above, in their own team (operator or team
        # administrator); Supervisors and Administrators in any team
        for u, user in enumerate(odoo["users"]):
            for t, team in enumerate(odoo["teams"]):
                allowed = oracle.profile(u) >= AGENT and (
                    oracle.profile(u) >= SUPERVISOR
                    or u in oracle.operators(t)
                    or desk["teams"][t]["admin"] == u
                )
                savepoint = self.env.cr.savepoint()
                try:
                    with mute_logger("odoo.models"):
                        self.env["support.ticket"].with_user(user).with_context(
                            tracking_disable=True, mail_create_nolog=True
                        ).create({"name": "new", "team_id": team.id})
                        self.env.flush_all()
                    created = True
                except (AccessError, ValidationError):
                    # outside their team, the creator (the default
                    # operator) may be refused as its operator first
                    created = False
                finally:
                    savepoint.close(rollback=True)
                self.checks["create"] += 1
                if created != allowed:
                    mismatches.append(
                        f"{stage}: user {u} team {t} create: odoo {created}, "
                        f"oracle {allowed} (profile {PROFILES[oracle.profile(u)]})"
                    )
        # an actual write, in a savepoint, for the first user and ticket
        user, ticket = odoo["users"][0], tickets[0]
        allowed = Oracle(desk).allowed(0, desk["tickets"][0], "write")
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.models"):
                ticket.with_user(user).write({"priority": "3"})
                ticket.flush_recordset()
            wrote = True
        except AccessError:
            wrote = False
        ticket.invalidate_recordset()
        self.checks["actual write"] += 1
        if wrote != allowed:
            mismatches.append(f"{stage}: user 0 ticket 0 actual write: {wrote}")
        return mismatches

    def compare_counts(self, desk, odoo, stage):
        """``search_count`` as each user, against ``len(search)`` and the
        oracle, the tickets spread over states, two companies (and none),
        some archived: with and without archived tickets, in one company and
        in both, for several filters and with a limit. Odoo counts an
        operator's tickets branch by branch of their rules (a UNION ALL of
        disjoint branches), so every count is checked, not only the search.
        """
        oracle = Oracle(desk)
        tickets = odoo["tickets"]
        main, other = self.env.company, self.other_company
        shift = 0 if stage == "built" else 1
        facts = [
            {
                "state": STATES[(t + shift) % len(STATES)],
                "active": (t + shift) % 3 != 2,
                "company": (main, other, main, None)[(t + shift) % 4],
            }
            for t in range(len(tickets))
        ]
        groups, users = odoo["groups"], odoo["users"]
        filters = [
            ("all", [], lambda spec, fact: True),
            ("open", [("state", "in", OPEN)], lambda spec, fact: fact["state"] in OPEN),
            ("closed", [("state", "=", "closed")], lambda s, f: f["state"] == "closed"),
            ("no operator", [("user_id", "=", False)], lambda s, f: s["user"] is None),
            ("no group", [("group_id", "=", False)], lambda s, f: s["group"] is None),
            (
                "a group",
                [("group_id", "!=", False)],
                lambda s, f: s["group"] is not None,
            ),
            (
                "queue or open",
                ["|", ("user_id", "=", False), ("state", "in", OPEN)],
                lambda s, f: s["user"] is None or f["state"] in OPEN,
            ),
        ]
        if groups:
            filters.append(
                (
                    "group 0",
                    [("group_id", "=", groups[0].id)],
                    lambda s, f: s["group"] == 0,
                )
            )
        mismatches = []
        savepoint = self.env.cr.savepoint()
        try:
            self.env.flush_all()
            users.write({"company_ids": [Command.link(other.id)]})
            for ticket, fact in zip(tickets, facts, strict=True):
                self.env.cr.execute(
                    "UPDATE support_ticket SET state = %s, active = %s, "
                    "company_id = %s WHERE id = %s",
                    [
                        fact["state"],
                        fact["active"],
                        fact["company"] and fact["company"].id,
                        ticket.id,
                    ],
                )
            self.env.invalidate_all()
            for u, user in enumerate(users):
                Ticket = self.env["support.ticket"].with_user(user)
                if oracle.profile(u) < READONLY:
                    with self.assertRaises(AccessError):
                        Ticket.search_count([])
                    continue
                for companies, active_test in (
                    (main, True),
                    (main, False),
                    (main | other, True),
                    (main | other, False),
                ):
                    Scoped = Ticket.with_context(
                        allowed_company_ids=companies.ids, active_test=active_test
                    )
                    for name, domain, matches in filters:
                        domain = [("id", "in", tickets.ids), *domain]
                        seen = [
                            spec
                            for spec, fact in zip(desk["tickets"], facts, strict=True)
                            if oracle.allowed(u, spec, "read")
                            and (not fact["company"] or fact["company"] in companies)
                            and (fact["active"] or not active_test)
                            and matches(spec, fact)
                        ]
                        expected = len(seen)
                        got = {
                            "count": Scoped.search_count(domain),
                            "len(search)": len(Scoped.search(domain)),
                            "count, limit 2": Scoped.search_count(domain, limit=2),
                        }
                        wanted = {
                            "count": expected,
                            "len(search)": expected,
                            "count, limit 2": min(expected, 2),
                        }
                        # and by group, as the side panel and a grouped list count
                        by_group = Counter(spec["group"] for spec in seen)
                        got["count by group"] = {
                            group.id: count
                            for group, count in Scoped._read_group(
                                domain, ["group_id"], ["__count"]
                            )
                        }
                        wanted["count by group"] = {
                            (groups[g].id if g is not None else False): count
                            for g, count in by_group.items()
                        }
                        self.checks["count"] += len(got)
                        if name == "all":
                            branches = Scoped._disjoint_rule_branches(
                                Scoped._search(domain)
                            )
                            self.checks["count by branches"] += branches is not None
                        for check, value in got.items():
                            if value != wanted[check]:
                                mismatches.append(
                                    f"{stage}: user {u} {check} of {name!r} "
                                    f"(companies {companies.ids}, active_test "
                                    f"{active_test}): odoo {value}, oracle "
                                    f"{wanted[check]}"
                                )
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        return mismatches

    def test_odoo_agrees_with_the_oracle(self):
        @replayable_settings(EXAMPLES)
        @given(desks())
        @example(COVERING_DESK)
        def check(desk):
            self.check_desk(desk)

        check()
        # every reason of the spec was, somewhere, the only one granting an
        # operation: else the check proves little
        reasons = {
            "1-profile",
            "1-team-admin",
            "2-owner",
            "3-superior",
            "4-group",
            "5-open-queue",
            "6-public_read",
            "6-public_write",
            "6-public_full",
            "7-share-read",
            "7-share-write",
        }
        self.assertEqual(reasons - set(self.reasons_seen), set())
        # the counts went through the rules' branches, not only Odoo's count
        self.assertGreater(self.checks["count by branches"], EXAMPLES)

    def check_desk(self, desk):
        type(self).examples += 1
        savepoint = self.env.cr.savepoint()
        try:
            odoo = self.build(desk)
            self.env.flush_all()
            mismatches = self.compare(desk, odoo, "built")
            mismatches += self.compare_counts(desk, odoo, "built")
            desk = {**desk, "users": [dict(u) for u in desk["users"]]}
            desk.update(
                roles=[dict(r) for r in desk["roles"]],
                teams=[dict(t) for t in desk["teams"]],
                groups=[dict(g) for g in desk["groups"]],
                rules=[dict(r) for r in desk["rules"]],
                tickets=[dict(t) for t in desk["tickets"]],
            )
            if self.apply_change(desk, odoo):
                stage = f"after {desk['change']}"
                mismatches += self.compare(desk, odoo, stage)
                mismatches += self.compare_counts(desk, odoo, stage)
            self.assertFalse(mismatches, "\n".join(mismatches[:20]))
        finally:
            # undo the desk: the next example starts from the seed again
            savepoint.close(rollback=True)
            self.env.invalidate_all()
