"""The legal pathway: a notice to improve, its sending and posting, and penalty-notice decisions.

The choices of who a decision is for and which step may come next are set by the view from the services; the
rules (what the law allows) stay in portal.domain.legal_notices, where the services apply them.
"""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from forms import BaseForm
from forms.absence import GovDateField
from portal.domain.deletion import DECISIONS
from portal.domain.legal_notices import REASONS
from portal.domain.part_time import MAX_EXPECTED_DAYS, MAX_REVIEW_DAYS

TEXT = 2000


class ListedChoice(RadioField):
    """Radios whose value must be one of those listed (a stale page or a tampered request gets a plain reason)."""

    def __init__(self, *args, refusal: str = "Choose one of the options listed", **kwargs):
        super().__init__(*args, **kwargs)
        self.refusal = refusal

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices or []}:
            raise ValidationError(self.refusal)


class NoticeForm(BaseForm):
    expectation = TextAreaField("The improvement expected", widget=GovTextArea(),
                                description="In plain words, what has to change during the improvement period.",
                                validators=[DataRequired("Write down the improvement expected"), Length(max=TEXT)])
    meeting = TextAreaField("The meeting offered", widget=GovTextArea(),
                            description="When, where and with whom. For example, Tuesday 20 October at 9.15am "
                                        "with Miss Hall, at school.",
                            validators=[DataRequired("Write down the meeting offered"), Length(max=TEXT)])
    help_available = TextAreaField("Help the school can offer now (optional)", widget=GovTextArea(),
                                   validators=[Length(max=TEXT)])
    submit = SubmitField("Draft a notice for each parent", widget=GovSubmitInput())


class SendNoticeForm(BaseForm):
    submit = SubmitField("Send this notice", widget=GovSubmitInput())


class CancelNoticeForm(BaseForm):
    submit = SubmitField("Cancel this draft", widget=GovSubmitInput())


class PostedForm(BaseForm):
    posted_on = GovDateField("Date the letter was posted", description="For example, 15 10 2026",
                             validators=[InputRequired("Enter the date the letter was posted")])
    submit = SubmitField("Record the posted copy", widget=GovSubmitInput())


class ConsiderForm(BaseForm):
    parent = ListedChoice("Which parent?", widget=GovRadioInput(), choices=[],
                          refusal="Choose one of the parents listed",
                          description="A penalty notice is for one parent and one child.",
                          validators=[InputRequired("Choose the parent")])
    reason = RadioField("Why?", widget=GovRadioInput(), choices=[SelectChoice(k, v) for k, v in REASONS.items()],
                        validators=[InputRequired("Choose why a penalty notice is being considered")])
    on = GovDateField("Date considered", description="For example, 3 12 2026",
                      validators=[InputRequired("Enter the date it was considered")])
    note = TextAreaField("Notes (optional)", widget=GovTextArea(), validators=[Length(max=TEXT)])
    submit = SubmitField("Record that a penalty notice is being considered", widget=GovSubmitInput())


class StepForm(BaseForm):
    step = ListedChoice("What happened?", widget=GovRadioInput(), choices=[],
                        refusal="Choose one of the steps listed: the rules allow only these after the last step",
                        validators=[InputRequired("Choose what happened")])
    on = GovDateField("Date it happened", description="For example, 7 12 2026",
                      validators=[InputRequired("Enter the date it happened")])
    received_on = GovDateField("Date the parent received the notice (if issued)",
                               description="The payment periods run from this date. Leave blank to use the date "
                                           "issued.", validators=[Optional()])
    note = TextAreaField("Notes", widget=GovTextArea(),
                         description="Required when a notice is not issued or is withdrawn: say why.",
                         validators=[Length(max=TEXT)])
    submit = SubmitField("Record this step", widget=GovSubmitInput())


class CaseFileForm(BaseForm):
    submit = SubmitField("Download the case file (PDF)", widget=GovSubmitInput())


class ReturnForm(BaseForm):
    """Which return, for which school and period (GET for the preview; POST with `format` to download)."""

    school = ListedChoice("School", widget=GovRadioInput(), choices=[], refusal="Choose one of your schools")
    kind = ListedChoice("Return", widget=GovRadioInput(), choices=[], refusal="Choose one of the returns listed")
    start = GovDateField("First day", validators=[InputRequired("Enter the first day of the period")])
    end = GovDateField("Last day", validators=[InputRequired("Enter the last day of the period")])
    format = ListedChoice("Format", widget=GovRadioInput(), refusal="Choose CSV or PDF",
                          choices=[SelectChoice("csv", "CSV (spreadsheet)"), SelectChoice("pdf", "PDF")])
    submit = SubmitField("Download", widget=GovSubmitInput())


class TimetableForm(BaseForm):
    starts = GovDateField("First day", validators=[InputRequired("Enter the first day of the timetable")])
    ends = GovDateField("Last day", description="A part-time timetable is temporary: it needs an end date.",
                        validators=[InputRequired("Enter the last day of the timetable")])
    arrangement = TextAreaField("The arrangement", widget=GovTextArea(),
                                description="Which sessions the pupil attends, and why.",
                                validators=[DataRequired("Describe the arrangement"), Length(max=TEXT)])
    consent_by = StringField("Parent who agreed", widget=GovTextInput(),
                             validators=[DataRequired("Enter the parent who agreed"), Length(max=200)])
    consent_on = GovDateField("Date the parent agreed", validators=[InputRequired("Enter the date the parent agreed")])
    review_every_days = IntegerField("Review every (days)", widget=GovTextInput(), default=MAX_REVIEW_DAYS,
                                     description=f"At least every {MAX_REVIEW_DAYS} days.",
                                     validators=[InputRequired("Enter how often it is reviewed, in days"),
                                                 NumberRange(1, MAX_REVIEW_DAYS,
                                                             f"Enter 1 to {MAX_REVIEW_DAYS} days")])
    submit = SubmitField("Record the part-time timetable", widget=GovSubmitInput())


class TimetableReviewForm(BaseForm):
    reviewed_on = GovDateField("Date of the review", validators=[InputRequired("Enter the date of the review")])
    note = TextAreaField("What the review found, and what happens next", widget=GovTextArea(),
                         validators=[DataRequired("Write down what the review found"), Length(max=TEXT)])
    submit = SubmitField("Record the review", widget=GovSubmitInput())


class SicknessForm(BaseForm):
    further_days = IntegerField("Further school days of illness expected", widget=GovTextInput(),
                                description="Your reasonable expectation, for example from a doctor’s letter. The "
                                            "sickness return lists pupils expected to reach 15 days.",
                                validators=[InputRequired("Enter the further days expected"),
                                            NumberRange(0, MAX_EXPECTED_DAYS, f"Enter 0 to {MAX_EXPECTED_DAYS}")])
    note = TextAreaField("Why (optional)", widget=GovTextArea(), validators=[Length(max=TEXT)])
    submit = SubmitField("Confirm the expectation", widget=GovSubmitInput())


class DeletionForm(BaseForm):
    decision = ListedChoice("Decision", widget=GovRadioInput(), refusal="Choose whether to delete or keep",
                            choices=[SelectChoice(k, v) for k, v in DECISIONS.items()])
    no_grounds_illness = BooleanField("There are no reasonable grounds to believe the pupil is ill or unable to "
                                      "attend for an unavoidable cause", widget=GovCheckboxInput())
    school_enquiries = TextAreaField("The school’s enquiries to find the pupil", widget=GovTextArea(),
                                     validators=[Length(max=TEXT)])
    la_enquiries = TextAreaField("The local authority’s enquiries to find the pupil", widget=GovTextArea(),
                                 validators=[Length(max=TEXT)])
    reason = TextAreaField("Why (required to keep the pupil on the register)", widget=GovTextArea(),
                           validators=[Length(max=TEXT)])
    decided_on = GovDateField("Date of the decision", validators=[InputRequired("Enter the date of the decision")])
    submit = SubmitField("Record the decision", widget=GovSubmitInput())
