"""Oversight filters (school, site, year group, class, as of) and the audit log filters (pupil, member of staff)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional

from forms import BaseForm
from portal.domain.ids import MAX_ID
from forms.absence import GovDateField


class OversightFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET form: filters change nothing

    as_of = GovDateField("As of", description="The lists and figures up to this day, for example {example}",
                         example_days=0, validators=[Optional()])
    school = SelectField("School", widget=GovSelect(), validators=[Optional()])
    site = SelectField("Site", widget=GovSelect(), validators=[Optional()])
    year_group = StringField("Year group", widget=GovTextInput(), validators=[Optional(), Length(max=10)])
    registration_group = StringField("Class", widget=GovTextInput(), validators=[Optional(), Length(max=30)])
    submit = SubmitField("Filter", widget=GovSubmitInput())


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET form: the audit log is read only

    upn = StringField("Pupil's UPN", widget=GovTextInput(), validators=[Optional(), Length(max=13)],
                      description="13 characters, for example A929200125001")
    # Any value reaches the service, which says plainly when it is not a colleague at the viewer's schools.
    staff = SelectField("Member of staff", widget=GovSelect(), validators=[Optional()], validate_choice=False)
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    submit = SubmitField("Filter", widget=GovSubmitInput())
