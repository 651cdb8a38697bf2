"""Staff accounts: an admin's changes to a colleague's account, a password change, and a password reset."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp

from forms import BaseForm
from portal.domain.passwords import MAX_LENGTH, MIN_LENGTH
from portal.domain.policy_rules import ROLES

NEW_PASSWORD_HINT = (f"At least {MIN_LENGTH} characters. Three or more random words make a good password that is easy "
                     "to remember. Not one you use anywhere else.")


def _new_password(label: str = "New password") -> PasswordField:
    return PasswordField(label, description=NEW_PASSWORD_HINT, widget=GovPasswordInput(),
                         validators=[DataRequired("Enter a new password"), Length(max=MAX_LENGTH)])


class AccountActionForm(BaseForm):
    """One button on a colleague's page: switch off or on, send a password reset, or take a role away."""

    action = HiddenField(validators=[AnyOf(["switch_off", "switch_on", "send_reset", "remove_role"],
                                           message="Choose what to do with the account")])
    role_id = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$", message="Choose one of the roles listed")])


class AddRoleForm(BaseForm):
    role = SelectField("Role", choices=[SelectChoice(r, r.replace("_", " ").capitalize()) for r in ROLES], widget=GovSelect(),
                       validators=[DataRequired("Choose a role")])
    # "school:<id>" or "trust:<id>": filled in by the view with where the admin may give roles
    where = SelectField("Where", choices=[], widget=GovSelect(), validators=[DataRequired("Choose where")])
    submit = SubmitField("Give this role", widget=GovSubmitInput())


class ChangePasswordForm(BaseForm):
    current = PasswordField("Current password", widget=GovPasswordInput(),
                            validators=[DataRequired("Enter your current password"), Length(max=MAX_LENGTH)])
    new = _new_password()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ForgotPasswordForm(BaseForm):
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[DataRequired("Enter your email address"), Length(max=254)])
    submit = SubmitField("Email me a link", widget=GovSubmitInput())


class ResetPasswordForm(BaseForm):
    # As the parents' sign-in link: the token comes from the link's #fragment, never from a URL a log keeps.
    token = StringField("Your password reset link",
                        description="If this box is empty, copy the whole link from the email and paste it here.",
                        widget=GovTextInput(),
                        validators=[DataRequired("Paste the link from your email, or open it from the email again"),
                                    Length(max=2000)])
    new = _new_password()
    submit = SubmitField("Set my new password", widget=GovSubmitInput())

    def token_value(self) -> str:
        return self.token.data.strip().rpartition("#")[2].strip()
