"""Subject access request: the pupil whose family's data to export."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from forms import BaseForm


class SubjectAccessForm(BaseForm):
    upn = StringField("Pupil's UPN", widget=GovTextInput(),
                      description="13 characters, for example A929200125001. The export includes their brothers "
                                  "and sisters who share a parent with them.",
                      validators=[DataRequired("Enter the pupil's UPN"),
                                  Length(min=13, max=13, message="A UPN is 13 characters, like A929200125001")])
    submit = SubmitField("Download the family's data", widget=GovSubmitInput())
