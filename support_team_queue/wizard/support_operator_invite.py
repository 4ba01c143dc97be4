from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import email_normalize

from odoo.addons.base.models.ir_mail_server import MailDeliveryException

# The profiles an invitation may give (SPEC "Team administration"): what a
# team's administrator hands out is never more than their operators need.
INVITE_PROFILES = (
    "support_team_queue.group_support_readonly",
    "support_team_queue.group_support_agent",
)


class SupportOperatorInvite(models.TransientModel):
    """Invite an operator into a team.

    The user is found by their e-mail address, or created: an internal user
    of the team's company with the chosen profile and nothing more, who
    receives Odoo's own sign-up invitation to set their password ("the user
    receives an e-mail to confirm the account"). Either way they become an
    operator of the team. An existing user keeps their groups; one without
    any support profile receives the chosen one. Run by the team's
    administrator and by Support Administrators: whoever may change the team.
    """

    _name = "support.operator.invite"
    _description = "Invite an Operator"

    team_id = fields.Many2one(
        "support.team",
        required=True,
        ondelete="cascade",
        domain=[("can_administer", "=", True)],
    )
    name = fields.Char(required=True)
    email = fields.Char(string="E-mail", required=True)
    profile_group_id = fields.Many2one(
        "res.groups",
        string="Profile",
        required=True,
        ondelete="cascade",
        default=lambda self: self.env.ref(INVITE_PROFILES[0]),
        domain=lambda self: [("id", "in", self._invite_profiles().ids)],
        help="Technician: reads the tickets they reach. Agent: also creates "
        "and edits them.",
    )

    @api.model
    def _invite_profiles(self):
        return self.env["res.groups"].concat(
            *(self.env.ref(xmlid) for xmlid in INVITE_PROFILES)
        )

    @api.constrains("profile_group_id")
    def _check_profile(self):
        allowed = self._invite_profiles()
        for invite in self:
            if invite.profile_group_id not in allowed:
                raise ValidationError(
                    self.env._(
                        "An invitation gives the Technician or the Agent profile "
                        "only, not %s.",
                        invite.profile_group_id.sudo().full_name,
                    )
                )

    def _check_team(self):
        # the team's rules decide: its administrator, Support Administrators
        if not self.team_id.has_access("write"):
            raise AccessError(
                self.env._(
                    "Only the administrator of team %s or a Support "
                    "Administrator invites its operators.",
                    self.team_id.display_name,
                )
            )

    def action_invite(self):
        self.ensure_one()
        self._check_profile()
        self._check_team()
        email = email_normalize(self.email or "")
        if not email:
            raise UserError(
                self.env._("%s is not a valid e-mail address.", self.email or "")
            )
        user = self._find_user(email)
        if user:
            self._check_existing_user(user)
            self._give_profile(user)
            created = False
        else:
            user = self._create_user(email)
            created = True
        # as the inviter: adding an operator is a change of their team
        self.team_id.write({"operator_ids": [Command.link(user.id)]})
        values = {"user": user.name, "team": self.team_id.display_name}
        kind = "success"
        if not created:
            message = self.env._("%(user)s is an operator of %(team)s.", **values)
        elif self._send_invitation(user):
            message = self.env._(
                "%(user)s is an operator of %(team)s: an e-mail invites them to "
                "confirm their account.",
                **values,
            )
        else:
            kind = "warning"
            message = self.env._(
                "%(user)s is an operator of %(team)s, but the invitation could "
                "not be sent: check the outgoing mail server, then a user "
                "administrator sends it again from the user's form.",
                **values,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _send_invitation(self, user):
        """Odoo's own sign-up invitation (auth_signup), as its "Send an
        Invitation Email" and its user creation send it: a link to set the
        password. As superuser: the inviter may not write users. When the
        mail server cannot be reached, the user stays created and in the
        team, as Odoo's own user creation keeps them; the inviter is told,
        and a user administrator sends the invitation again from the user's
        form."""
        try:
            user.sudo().with_context(create_user=True)._action_reset_password(
                signup_type="signup"
            )
        except MailDeliveryException:
            return False
        return True

    # Team administrators have no right on res.users (Odoo keeps them to
    # user administrators): the user is found, created and given the profile
    # as superuser, and only after the checks above (the inviter may change
    # the team, the profile is one of INVITE_PROFILES). Nothing else of an
    # existing user changes.

    def _find_user(self, email):
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        logins = list({email, self.email.strip()})
        users = Users.search([("login", "in", logins)]) or Users.search(
            [("partner_id.email_normalized", "=", email)]
        )
        if len(users) > 1:
            raise UserError(
                self.env._(
                    "Several users have the e-mail address %s: ask a user "
                    "administrator which one to add.",
                    email,
                )
            )
        return users

    def _check_existing_user(self, user):
        if not user.active:
            raise UserError(
                self.env._(
                    "The user %s is archived: a user administrator restores "
                    "them first.",
                    user.name,
                )
            )
        if user.share:
            raise UserError(
                self.env._(
                    "%s is a portal user: only internal users are operators.",
                    user.name,
                )
            )
        if self.team_id.company_id not in user.company_ids:
            raise UserError(
                self.env._(
                    "%(user)s does not work for %(company)s, the company of "
                    "team %(team)s.",
                    user=user.name,
                    company=self.team_id.company_id.name,
                    team=self.team_id.display_name,
                )
            )
        # every team counts, those the inviter may not read too
        other_teams = user.sudo().with_context(active_test=False).support_team_ids
        other_teams -= self.team_id.sudo()
        if other_teams:
            raise UserError(
                self.env._(
                    "%(user)s is an operator of %(team)s already: a user "
                    "belongs to one support team at most.",
                    user=user.name,
                    team=", ".join(other_teams.mapped("name")),
                )
            )

    def _give_profile(self, user):
        """The chosen profile, to an existing user who holds none of the
        Support category: one who holds a profile keeps it, higher or lower
        (their role or a user administrator gave it)."""
        category = self.env.ref("support_team_queue.module_category_support")
        if not user.groups_id.filtered(lambda group: group.category_id == category):
            user.write({"groups_id": [Command.link(self.profile_group_id.id)]})

    def _create_user(self, email):
        company = self.team_id.company_id
        return (
            self.env["res.users"]
            .sudo()
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": self.name,
                    "login": email,
                    "email": email,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [
                        Command.set(
                            [
                                self.env.ref("base.group_user").id,
                                self.profile_group_id.id,
                            ]
                        )
                    ],
                }
            )
        )
