"""Who: the one vocabulary of the people access is given to.

A principal is a user, a role (its holders), a role and its subordinates
(the holders of the role and of every role below it) or a group (its
effective members). Group membership, both ends of a sharing rule, the
superiors of a ticket's owner, the access explanation and the notices speak
of people through this one resolver: to users, to the tickets they own (a
``support.ticket`` domain), to the principals that include given users, and
how a user is one of them (the explanation's path).

Everything is read as superuser, archived records included, as the record
rules join them: an archived user keeps their place, so that restoring them
restores their access. An archived group no longer lends its members to the
groups that nest it (``support.group._member_principals``).
"""

from collections import namedtuple

from odoo.osv import expression
from odoo.tools import SQL

KINDS = ("user", "role", "role_subtree", "group")


def _members_in_domain(groups):
    """The groups' effective members, as the value of a domain's ``in``:
    their ids or, past the resolved rules' bound
    (``support.rule.engine._RESOLVED_IDS_MAX``), a sub-query of the
    membership table that names the groups only, so that a cached rule
    sharing a large group's tickets stays small. Both read the table as
    the record rules do, archived users included."""
    members = groups.effective_user_ids.ids
    if len(members) <= type(groups.env["support.ticket"])._RESOLVED_IDS_MAX:
        return members
    groups.flush_model(["effective_user_ids"])
    field = groups._fields["effective_user_ids"]
    return SQL(
        "(SELECT %s FROM %s WHERE %s IN %s)",
        SQL.identifier(field.column2),
        SQL.identifier(field.relation),
        SQL.identifier(field.column1),
        tuple(groups.ids),
    )


class Principal(namedtuple("Principal", ("kind", "records"))):
    """``records`` are users, roles or groups, as ``kind`` says; several of
    them stand for their union."""

    __slots__ = ()

    @property
    def env(self):
        return self.records.env

    def _sudo(self):
        return self.records.sudo().with_context(active_test=False)

    def roles(self):
        """The roles the principal names: for a role and its subordinates,
        every role below it too."""
        if self.kind == "role":
            return self._sudo()
        Role = self.env["support.role"].sudo().with_context(active_test=False)
        if self.kind == "role_subtree":
            batch = self.env["support.rule.engine"]._batch()
            if batch is None:
                return Role.search([("id", "child_of", self.records.ids)])
            # resolving many users' rules: each subtree searched once
            subtrees = batch.setdefault("role_subtrees", {})
            key = tuple(self.records.ids)
            if key not in subtrees:
                subtrees[key] = Role.search([("id", "child_of", list(key))]).ids
            return Role.browse(subtrees[key])
        return Role

    def users(self):
        """The users the principal stands for."""
        records = self._sudo()
        if self.kind == "user":
            return records
        if self.kind == "role":
            return records.user_ids
        if self.kind == "role_subtree":
            return records.subtree_user_ids
        return records.effective_user_ids

    def ticket_domain(self):
        """The tickets the principal owns, as a domain of support.ticket whose
        ids are resolved now: those whose operator is one of its users (for
        roles, by the operator's role the ticket keeps: a few roles rather
        than their many holders), and for a group those assigned to it."""
        if self.kind == "user":
            return [("user_id", "in", self.records.ids)]
        if self.kind in ("role", "role_subtree"):
            return [("user_role_id", "in", self.roles().ids)]
        groups = self._sudo()
        return expression.OR(
            [
                [("group_id", "in", groups.ids)],
                [("user_id", "in", _members_in_domain(groups))],
            ]
        )

    def membership(self, user):
        """How ``user`` is one of the principal, as a phrase ("directly",
        "via role ...", "via nested group ... (...)"), or None."""
        user = user.sudo().with_context(active_test=False)
        role = user.support_role_id
        if self.kind == "user":
            return self.env._("directly") if user in self.records else None
        if self.kind == "role":
            return (
                self.env._("via role %s", role.complete_name)
                if role in self._sudo()
                else None
            )
        if self.kind == "role_subtree":
            above = role_ids_path(role)
            for top in self._sudo():
                if top.id in above:
                    return self.env._("via role %s and subordinates", top.complete_name)
            return None
        for group in self._sudo():
            for member in group._member_principals():
                if member.kind != "group":
                    path = member.membership(user)
                    if path:
                        return path
                    continue
                for nested in member.records:
                    path = Principal("group", nested).membership(user)
                    if path:
                        return self.env._(
                            "via nested group %(group)s (%(path)s)",
                            group=nested.name,
                            path=path,
                        )
        return None

    def label(self):
        """The principal in a sentence: "role ...", "group ...", "user ..."."""
        names = ", ".join(self.records.mapped("display_name"))
        if self.kind == "role":
            return self.env._("role %s", names)
        if self.kind == "role_subtree":
            return self.env._("role %s and subordinates", names)
        if self.kind == "group":
            return self.env._("group %s", names)
        return self.env._("user %s", names)


def role_ids_path(role):
    """Ids of the role's ancestors and of the role itself, from the root."""
    return [int(role_id) for role_id in (role.parent_path or "").split("/") if role_id]


def principals_including(users):
    """``{kind: records}``: every user, role, role subtree and group that
    includes one of ``users``."""
    users = users.sudo().with_context(active_test=False)
    roles = users.support_role_id
    ancestors = {role_id for role in roles for role_id in role_ids_path(role)}
    Group = users.env["support.group"].sudo().with_context(active_test=False)
    return {
        "user": users,
        "role": roles,
        # a role and its subordinates includes the holders of any role below
        "role_subtree": roles.browse(sorted(ancestors)),
        "group": Group.search([("effective_user_ids", "in", users.ids)]),
    }
