"""Reporting an absence: the children, the days, the reason. Date rules come from portal.domain.absence."""

from __future__ import annotations

from datetime import datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, DateField, MultipleFileField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forms import BaseForm
from portal.domain.ids import coerce_id
from forms.validators import EvidenceFiles
from portal.domain import absence as rules

TIME_FORMATS = ("%H:%M", "%H.%M", "%I:%M%p", "%I.%M%p", "%I%p")


def choices(words: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in words.items()]


class GovDateField(DateField):
    """The GOV.UK date input: day, month and year boxes, read as one date."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist):
        # The widget redraws exactly three boxes, whatever a hand-made request sent.
        self.raw_data = (list(valuelist) + ["", "", ""])[:3]
        if valuelist and any(v.strip() for v in valuelist):
            try:
                self.data = datetime.strptime(" ".join(v.strip() for v in valuelist), "%d %m %Y").date()
            except ValueError:
                self.data = None
                raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026") from None


class ChildrenField(SelectMultipleField):
    """The parent's children as checkboxes; anything else (a tampered request) is refused plainly."""

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError("Choose from the children listed")


class AbsenceReportForm(BaseForm):
    children = ChildrenField("Who is absent?", coerce=coerce_id, widget=GovCheckboxesInput(),
                                   description="Select all that apply.",
                                   validators=[DataRequired("Select the children who are absent")])
    first_day = GovDateField("First day of absence", description="For example, 27 3 2026",
                             validators=[InputRequired("Enter the first day of absence")])
    last_day = GovDateField("Last day of absence", description="Leave blank if you are not sure yet",
                            validators=[Optional()])
    not_sure = BooleanField("I'm not sure yet: I'll tell you if they're still off", widget=GovCheckboxInput())
    part = RadioField("Is it the whole day?", choices=choices(rules.PART_WORDS), default=rules.WHOLE_DAY,
                      widget=GovRadioInput(), validators=[InputRequired("Choose whole day, morning or afternoon")])
    reason = RadioField("Why are they absent?", choices=choices(rules.REASONS), widget=GovRadioInput(),
                        validators=[InputRequired("Choose the reason for the absence")])
    symptoms = TextAreaField("Symptoms (optional)", widget=GovTextArea(), validators=[Length(max=1000)],
                             description="For example, sickness and diarrhoea: the school may need to know.")
    appointment_time = StringField("Time of the appointment (optional)", widget=GovTextInput(),
                                   description="For example, 10:30", validators=[Length(max=10)])
    evidence = MultipleFileField("Appointment card or letter (optional)", widget=GovFileInput(multiple=True),
                                 validators=[EvidenceFiles(max_files=2, min_files=0)],
                                 description="For a medical or dental appointment: a photo or PDF of the card or "
                                             "letter helps the school record it. PDF, JPEG, PNG or iPhone photo, "
                                             "10 MB at most.")
    details = TextAreaField("Details", widget=GovTextArea(), validators=[Length(max=2000)],
                            description="Needed if the reason is something else.")
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_last_day(self, field):
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError("The last day must be the same as or after the first day")

    def validate_appointment_time(self, field):
        if (field.data or "").strip() and self.parsed_time() is None:
            raise ValidationError("Enter the time like 10:30 or 2pm")

    def validate_details(self, field):
        if self.reason.data == rules.OTHER and not (field.data or "").strip():
            raise ValidationError("Tell us the reason for the absence")

    def parsed_time(self):
        text = (self.appointment_time.data or "").strip().replace(" ", "").upper()
        for fmt in TIME_FORMATS:
            try:
                return datetime.strptime(text, fmt).time()
            except ValueError:
                continue
        return None


class ConfirmForm(BaseForm):
    submit = SubmitField("Send report", widget=GovSubmitInput())


class StillOffForm(BaseForm):
    submit = SubmitField("Still off: report the next days", widget=GovSubmitInput())


class AnswerForm(BaseForm):
    answer = TextAreaField("Your answer", widget=GovTextArea(),
                           validators=[InputRequired("Write your answer to the school's question"),
                                       Length(max=2000, message="Your answer must be 2,000 characters or fewer")])
    submit = SubmitField("Send your answer", widget=GovSubmitInput())
