"""The access explanation ("Who can see this ticket, and why") against the
independent oracle of test_access_oracle.py, on the same random desks and the
same change: for every user and ticket, the reasons the explanation gives are
the spec's reasons the oracle finds (one kind per rule of SPEC, the sharing
rules by name), and the read, write and delete it says the user has are the
oracle's. The explanation reads the record rules; the oracle shares no code
with the addon: each checks the other."""

from collections import Counter

from . import test_access_oracle as spec

# the oracle's reasons (SPEC's seven rules) as the explanation's kinds
KINDS = {
    "1-profile": "profile",
    "1-team-admin": "team_admin",
    "2-owner": "owner",
    "3-superior": "hierarchy",
    "4-group": "group",
    "5-open-queue": "open_queue",
    "6-public_read": "team_level",
    "6-public_write": "team_level",
    "6-public_full": "team_level",
    "7-share-read": "sharing_rule",
    "7-share-write": "sharing_rule",
}


class TestExplanationOracle(spec.TestAccessOracle):
    checks = Counter()
    reasons_seen = Counter()
    examples = 0

    # Odoo's own answers are compared in test_access_oracle.py; here the
    # same desks check the explanation (``compare`` below)
    test_odoo_agrees_with_the_oracle = None

    def test_explanation_agrees_with_the_oracle(self):
        super().test_odoo_agrees_with_the_oracle()

    def compare(self, desk, odoo, stage):
        oracle = spec.Oracle(desk)
        Explanation = self.env["support.access.explanation"]
        reader = Explanation._walker()
        users, tickets = odoo["users"], odoo["tickets"]
        explained = Explanation._explain(tickets, users)
        mismatches = []
        for u, user in enumerate(users):
            for t, ticket in enumerate(tickets):
                ticket_spec = desk["tickets"][t]
                expected = {
                    op: oracle.allowed(u, ticket_spec, op) for op in spec.OPERATIONS
                }
                spec_reasons = oracle.reasons(u, ticket_spec)
                if len(spec_reasons) == 1 and any(expected.values()):
                    self.reasons_seen.update(spec_reasons)
                reasons = explained[ticket].get(user, [])
                told = dict(
                    zip(spec.OPERATIONS, reader.access(user, reasons), strict=True)
                )
                # the readers' reasons: every one the spec gives, no other
                kinds = sorted({reason["kind"] for reason in reasons})
                wanted_kinds = (
                    sorted({KINDS[reason] for reason in spec_reasons})
                    if expected["read"]
                    else []
                )
                shares = sorted(
                    reason["rule"].id for reason in reasons if reason["rule"]
                )
                wanted_shares = (
                    sorted(
                        odoo["rules"][r].id
                        for r, rule in enumerate(desk["rules"])
                        if rule["active"]
                        and rule["team"] == ticket_spec["team"]
                        and oracle.source_owns(rule, ticket_spec)
                        and oracle.target_includes(rule, u)
                    )
                    if expected["read"]
                    else []
                )
                self.checks.update(["reasons", "sharing rules", *spec.OPERATIONS])
                for check, got, wanted in (
                    ("reasons", kinds, wanted_kinds),
                    ("sharing rules", shares, wanted_shares),
                    *((op, told[op], expected[op]) for op in spec.OPERATIONS),
                ):
                    if got != wanted:
                        mismatches.append(
                            f"{stage}: user {u} ticket {t} {check}: explanation "
                            f"{got}, oracle {wanted} (profile "
                            f"{spec.PROFILES[oracle.profile(u)]}, reasons "
                            f"{sorted(spec_reasons)})"
                        )
        return mismatches
