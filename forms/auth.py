"""Sign-in forms: parents by emailed link, staff by password."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from flask_babel import lazy_gettext as _l

from forms import BaseForm


class SignInForm(BaseForm):
    email = EmailField(
        _l("Email address"),
        description=_l("The address you gave the school. We'll email you a link to sign in."),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Enter your email address")), Length(max=254),
                    Email(_l("Enter an email address in the correct format, like name@example.com"))],
    )
    submit = SubmitField(_l("Email me a sign-in link"), widget=GovSubmitInput())


class UseLinkForm(BaseForm):
    # Signing in is a POST from this page, so an email scanner that opens the link cannot use it up; the token comes
    # in the form's body, never in a URL a log would keep (portal/web/auth.py).
    token = StringField(
        _l("Your sign-in link"),
        description=_l("If this box is empty, copy the whole link from the email and paste it here."),
        widget=GovTextInput(),
        validators=[DataRequired(_l("Paste the sign-in link from your email, or open the link from the email "
                                    "again")),
                    Length(max=2000)],
    )
    keep_signed_in = BooleanField(_l("Keep me signed in on this device for 30 days"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


    def token_value(self) -> str:
        """The token, from the link itself or what follows `#` in a pasted link."""
        return self.token.data.strip().rpartition("#")[2].strip()


class SignOutForm(BaseForm):
    submit = SubmitField(_l("Sign out"), widget=GovSubmitInput())


class SignOutEverywhereForm(BaseForm):
    submit = SubmitField(_l("Sign out on every device"), widget=GovSubmitInput())


class StaffSignInForm(BaseForm):
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[DataRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[DataRequired("Enter your password"), Length(max=200)])
    submit = SubmitField("Sign in", widget=GovSubmitInput())
