"""Term-time leave: the parent's request and declaration; the decision and what happened afterwards, for staff.

The policy's own rules (notice, attendance bar, evidence with the request, one school per request) are checked by
`portal.services.leave.preview`, whose problems the view puts on these fields, so the form and the service never
disagree.
"""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import (
    BooleanField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from flask_babel import lazy_gettext as _l

from forms import BaseForm
from portal.domain.ids import coerce_id
from forms.absence import ChildrenField, GovDateField
from forms.validators import EvidenceFiles

YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
OUTCOMES = [
    SelectChoice("returned_on_time", "Returned on time, as agreed"),
    SelectChoice("returned_late", "Away outside the agreed dates (left early or came back late)"),
    SelectChoice("taken_after_refusal", "Away on days that were not approved"),
    SelectChoice("not_taken", "The leave was not taken"),
]


class LeaveRequestForm(BaseForm):
    children = ChildrenField(_l("Who is the request for?"), coerce=coerce_id, widget=GovCheckboxesInput(),
                             description=_l("Select all that apply. Children at another school need a request to "
                                            "that school."),
                             validators=[DataRequired(_l("Select the children the request is for"))])
    first_day = GovDateField(_l("First day of absence"), description=_l("For example, {example}"), example_days=42,
                             validators=[InputRequired(_l("Enter the first day of absence"))])
    return_day = GovDateField(_l("Day of return to school"),
                              description=_l("The first day they will be back at school"),
                              validators=[InputRequired(_l("Enter the day of return to school"))])
    abroad = RadioField(_l("Are you travelling abroad?"), choices=YES_NO, widget=GovRadioInput(),
                        validators=[InputRequired(_l("Say whether you are travelling abroad"))])
    destinations = TextAreaField(_l("Destinations"), widget=GovTextArea(), validators=[Length(max=1000)],
                                 description=_l("If you are travelling abroad: the countries and places."))
    circumstances = TextAreaField(_l("The exceptional circumstances"), widget=GovTextArea(),
                                  validators=[InputRequired(_l("Tell the school about the exceptional circumstances")),
                                              Length(max=5000, message=_l("Use 5,000 characters or fewer"))],
                                  description=_l("Why your child needs to be away in term time. A holiday is not an "
                                                 "exceptional circumstance."))
    evidence = MultipleFileField(_l("Evidence"), widget=GovFileInput(multiple=True),
                                 validators=[EvidenceFiles(max_files=5, min_files=0)],
                                 description=_l("Up to 5 files: PDF, JPEG, PNG or an iPhone photo (HEIC), 10 MB each."))
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def validate_return_day(self, field):
        if field.data and self.first_day.data and field.data <= self.first_day.data:
            raise ValidationError(_l("The day of return must be after the first day of absence"))

    def validate_destinations(self, field):
        if self.abroad.data == "yes" and not (field.data or "").strip():
            raise ValidationError(_l("Enter where you are travelling to"))


class ConfirmLeaveForm(BaseForm):
    declaration = BooleanField(_l("I agree to the declaration above"), widget=GovCheckboxInput(),
                               validators=[DataRequired(_l("Confirm the declaration to send the request"))])
    submit = SubmitField(_l("Accept and send the request"), widget=GovSubmitInput())


class DeclareForm(BaseForm):
    declaration = BooleanField(_l("I agree to this declaration"), widget=GovCheckboxInput(),
                               validators=[DataRequired(_l("Confirm the declaration to add it"))])
    submit = SubmitField(_l("Add my declaration"), widget=GovSubmitInput())


class DaysField(SelectMultipleField):
    """School days as checkboxes, valued YYYY-MM-DD; anything else (a tampered request) is refused plainly."""

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError("Choose from the days asked for")

    @property
    def dates(self) -> list[date]:
        return [date.fromisoformat(value) for value in self.data or []]


DECISIONS = [
    SelectChoice("all", "Approve all the days asked for"),
    SelectChoice("some", "Approve some of the days"),
    SelectChoice("none", "Do not approve the leave"),
]


class LeaveDecisionForm(BaseForm):
    decision = RadioField("Your decision", choices=DECISIONS, widget=GovRadioInput(),
                          validators=[InputRequired("Choose your decision")])
    approved_days = DaysField("Days approved", widget=GovCheckboxesInput(),
                              description="Only if you approve some of the days: tick one period of consecutive "
                                          "school days. Days left unticked are not approved.")
    reasons = TextAreaField("Reasons for the decision", widget=GovTextArea(),
                            validators=[InputRequired("Give the reasons for the decision"),
                                        Length(max=5000, message="Use 5,000 characters or fewer")],
                            description="The letter to the parents states them with the policy's criteria.")
    submit = SubmitField("Record the decision and send the letter", widget=GovSubmitInput())

    def validate_approved_days(self, field):
        if self.decision.data == "some" and not field.data:
            raise ValidationError("Tick the days you approve")

    def days_approved(self, requested: list[date]) -> list[date]:
        return {"all": list(requested), "some": self.approved_days.dates, "none": []}[self.decision.data]


class LeaveOutcomeForm(BaseForm):
    outcome = RadioField("What happened?", choices=OUTCOMES, widget=GovRadioInput(),
                         validators=[InputRequired("Choose what happened")])
    actual_first = GovDateField("First day away", validators=[Optional()],
                                description="Leave blank if it was the first day asked for (or approved).")
    actual_return = GovDateField("Day back at school", validators=[Optional()],
                                 description="Leave blank if it was the day of return asked for (or agreed).")
    choice = RadioField("How should the sessions be recorded?", widget=GovRadioInput(), validate_choice=False,
                        validators=[Optional()])
    note = TextAreaField("Note (optional)", widget=GovTextArea(), validators=[Length(max=2000)])
    check = SubmitField("Check the effect", widget=GovSubmitInput())
    record = SubmitField("Record what happened", widget=GovSubmitInput())

    def validate_actual_return(self, field):
        if field.data and self.actual_first.data and field.data <= self.actual_first.data:
            raise ValidationError("The day back must be after the first day away")


class LeaveQueueFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET form: filters change nothing

    school = SelectField("School", widget=GovSelect(), validators=[Optional()])
    view = SelectField("Show", widget=GovSelect(), validators=[Optional()], default="waiting",
                       choices=[SelectChoice("waiting", "Waiting for a decision"),
                                SelectChoice("to_record", "Leave over: record what happened"),
                                SelectChoice("decided", "Decided"), SelectChoice("all", "All requests")])
