"""First-day contact: the day and school to list, the chase email for the selected pupils, logging a step."""

from __future__ import annotations

from datetime import datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forms import BaseForm
from portal.domain.ids import coerce_id
from forms.absence import TIME_FORMATS, GovDateField


class FirstDayFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET form: choosing the day changes nothing

    on = GovDateField("Day", description="For example, {example}", example_days=0, validators=[Optional()])
    school = SelectField("School", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Show", widget=GovSubmitInput())


class ChaseForm(BaseForm):
    pupils = SelectMultipleField("Pupils", coerce=coerce_id, validate_choice=False,
                                 validators=[DataRequired("Select the pupils whose parents to email")])
    day = HiddenField(validators=[DataRequired(), Length(max=10)])
    # One key per page drawn: the same click submitted twice sends the email once.
    click = HiddenField(validators=[DataRequired("The form has expired: open the list again"), Length(max=64)])
    submit = SubmitField("Email the parents of the selected pupils", widget=GovSubmitInput())

    def parsed_day(self):
        try:
            return datetime.strptime(self.day.data or "", "%Y-%m-%d").date()
        except ValueError:
            return None

    def validate_day(self, field):
        if self.parsed_day() is None:
            raise ValidationError("The form has expired: open the list again")


class StepForm(BaseForm):
    # Choices: the contact actions in words (portal.domain.policy_rules.CONTACT_ACTIONS), set by the view.
    action = RadioField("Which step?", widget=GovRadioInput(), validators=[InputRequired("Choose the step you took")])
    time = StringField("Time", widget=GovTextInput(), description="When you took it, for example 9:30 or 11:05",
                       validators=[InputRequired("Enter the time you took the step"), Length(max=10)])
    outcome = TextAreaField("What happened?", widget=GovTextArea(),
                            description="For example: no answer, left a voicemail; or: mum says he has a "
                                        "temperature, back tomorrow.",
                            validators=[InputRequired("Write what happened"), Length(max=2000)])
    resolved = BooleanField("Contact made: we know why the pupil is absent, or the child has been found",
                            widget=GovCheckboxInput())
    submit = SubmitField("Save step", widget=GovSubmitInput())

    def validate_time(self, field):
        if self.parsed_time() is None:
            raise ValidationError("Enter the time like 9:30 or 11:05")

    def parsed_time(self):
        text = (self.time.data or "").strip().replace(" ", "").upper()
        for fmt in TIME_FORMATS:
            try:
                return datetime.strptime(text, fmt).time()
            except ValueError:
                continue
        return None
