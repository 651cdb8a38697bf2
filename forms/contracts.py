"""Attendance support plans (attendance contracts): drafting, signing, declining, reviewing.

The checklists' choices come from the school's policy template (set by the view); the date rules from
portal.domain.support_plan.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forms import BaseForm
from portal.domain.ids import parse_id
from forms.absence import GovDateField
from portal.domain import support_plan as rules

TEXT = 5000
NAME = 200


class ChecklistField(SelectMultipleField):
    """A policy checklist as GOV.UK checkboxes; a value that is not on the list (a tampered request) is refused."""

    widget = GovCheckboxesInput()

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices or []}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError("Choose from the entries listed")


def checklist_choices(entries) -> list[SelectChoice]:
    return [SelectChoice(entry, entry) for entry in entries]


class PlanForm(BaseForm):
    meeting_date = GovDateField("Date of the meeting", description="For example, {example}", example_days=0,
                                validators=[InputRequired("Enter the date of the meeting")])
    attendees_parents = StringField("Parent/Carer(s)", widget=GovTextInput(),
                                    description="Who came to the meeting for the family.",
                                    validators=[Length(max=NAME * 3)])
    attendees_pupil = StringField("Pupil (where appropriate)", widget=GovTextInput(),
                                  validators=[Length(max=NAME)])
    attendees_school = StringField("School representative(s)", widget=GovTextInput(),
                                   validators=[DataRequired("Enter who represented the school"),
                                               Length(max=NAME * 3)])
    attendees_others = StringField("Other professionals", widget=GovTextInput(), validators=[Length(max=NAME * 3)])
    concerns = TextAreaField("The school’s concerns", widget=GovTextArea(),
                             validators=[DataRequired("Write down the school’s concerns"), Length(max=TEXT)])
    parent_views = TextAreaField("The parent or carer’s views", widget=GovTextArea(),
                                 validators=[Length(max=TEXT)])
    pupil_views = TextAreaField("The pupil’s views (where appropriate)", widget=GovTextArea(),
                                validators=[Length(max=TEXT)])
    barriers = TextAreaField("Identified barriers to attendance", widget=GovTextArea(),
                             validators=[Length(max=TEXT)])
    support_offered = ChecklistField("Support strategies offered by the school",
                                     description="Select all that apply.")
    support_other = TextAreaField("Other support (please specify)", widget=GovTextArea(),
                                  validators=[Length(max=TEXT)])
    parent_commitments = ChecklistField("Parent/carer commitments",
                                        description="What the parent or carer agrees to do.")
    additional_actions = TextAreaField("Additional actions agreed", widget=GovTextArea(),
                                       validators=[Length(max=TEXT)])
    school_commitments = ChecklistField("School commitments", description="What the school agrees to do.")
    review_date = GovDateField("Review date", description="Progress is reviewed on this date. For example, {example}",
                               example_days=42, validators=[InputRequired("Enter the review date")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_review_date(self, field):
        for _, message in rules.check_dates(self.meeting_date.data, field.data):
            raise ValidationError(message)

    def validate_support_other(self, field):
        if not self.support_offered.data and not (field.data or "").strip():
            raise ValidationError("Select the support the school offers, or describe it under other support")


class SendForm(BaseForm):
    submit = SubmitField("Send to the family for signing", widget=GovSubmitInput())


class _VersionForm(BaseForm):
    """Which version the person read, and its fingerprint: a signature is refused if either has changed."""

    version = HiddenField(validators=[InputRequired(_l("Reload the page and read the plan again"))])
    sha256 = HiddenField(validators=[InputRequired(_l("Reload the page and read the plan again")), Length(64, 64)])

    def version_number(self) -> int:
        return parse_id(self.version.data) or 0


class SignForm(_VersionForm):
    typed_name = StringField(_l("Type your full name to sign"), widget=GovTextInput(),
                             validators=[DataRequired(_l("Type your full name to sign")), Length(max=NAME)])
    confirm = BooleanField(_l("I have read this plan and I agree to it"), widget=GovCheckboxInput(),
                           validators=[DataRequired(_l("Confirm that you have read the plan and agree to it"))])
    submit = SubmitField(_l("Sign the plan"), widget=GovSubmitInput())


class SchoolSignForm(SignForm):
    confirm = BooleanField("I have read this plan and I sign it for the school", widget=GovCheckboxInput(),
                           validators=[DataRequired("Confirm that you have read the plan and sign it for the school")])
    submit = SubmitField("Sign for the school", widget=GovSubmitInput())


class PupilSignForm(_VersionForm):
    typed_name = StringField("The pupil types their name", widget=GovTextInput(),
                             validators=[DataRequired("The pupil types their name to sign"), Length(max=NAME)])
    confirm = BooleanField("The plan has been read with the pupil, and they typed their own name",
                           widget=GovCheckboxInput(),
                           validators=[DataRequired("Confirm that the pupil has had the plan read with them and "
                                                    "typed their own name")])
    submit = SubmitField("Save the pupil’s signature", widget=GovSubmitInput())


class DeclineForm(_VersionForm):
    reason = TextAreaField(_l("Why do you not agree to this plan?"), widget=GovTextArea(),
                           description=_l("The school will read this and contact you. You can still sign later."),
                           validators=[DataRequired(_l("Tell the school why you do not agree")), Length(max=TEXT)])
    submit = SubmitField(_l("Send to the school"), widget=GovSubmitInput())


OUTCOMES = [SelectChoice("continue", "Continue the plan to a new review date"),
            SelectChoice("closed", "Close the plan: attendance has improved"),
            SelectChoice("escalated", "Escalate to the next stage of support")]


class ReviewForm(BaseForm):
    progress = TextAreaField("Progress since the plan started", widget=GovTextArea(),
                             validators=[DataRequired("Write down the progress made"), Length(max=TEXT)])
    outcome = RadioField("What happens now?", choices=OUTCOMES, widget=GovRadioInput(),
                         validators=[InputRequired("Choose whether to continue, close or escalate the plan")])
    next_review_date = GovDateField("Next review date", description="Only if the plan continues. For example, "
                                    "{example}", example_days=42, validators=[Optional()])
    submit = SubmitField("Save the review", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() stops the field's own validators when the boxes are blank, so the rule lives here.
        if self.outcome.data == "continue" and not self.next_review_date.data and not self.next_review_date.errors:
            self.next_review_date.errors = [*self.next_review_date.errors, "Enter the date of the next review"]
            valid = False
        return valid


class PupilSearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET form: a search changes nothing

    q = StringField("Pupil’s UPN or name", widget=GovTextInput(), validators=[Optional(), Length(max=100)])
    submit = SubmitField("Find the pupil", widget=GovSubmitInput())
