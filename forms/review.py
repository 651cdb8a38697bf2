"""The staff review queue: filters, decisions on an absence report, bulk accept."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from forms import BaseForm
from portal.domain.ids import coerce_id

DECISIONS = [SelectChoice("accept", "Accept and record it with a code"),
             SelectChoice("question", "Ask the parent a question"),
             SelectChoice("unauthorised", "Record it as unauthorised")]


class DecisionForm(BaseForm):
    action = RadioField("What do you want to do?", choices=DECISIONS, widget=GovRadioInput(),
                        validators=[InputRequired("Choose what to do with this report")])
    code = StringField("Code", widget=GovTextInput(), validators=[Optional(), Length(max=2)],
                       description="The product suggests one from the parent's reason; you decide.")
    note = TextAreaField("Message to the parent", widget=GovTextArea(), validators=[Length(max=2000)],
                         description="Needed for a question, or to say why the absence is not authorised.")
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_code(self, field):
        if self.action.data == "accept" and not (field.data or "").strip():
            raise ValidationError("Enter the code to record, for example I for illness")

    def validate_note(self, field):
        if self.action.data in ("question", "unauthorised") and not (field.data or "").strip():
            raise ValidationError("Write the question, or why the absence is not authorised")


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET form: filters change nothing

    school = SelectField("School", widget=GovSelect(), validators=[Optional()])
    site = SelectField("Site", widget=GovSelect(), validators=[Optional()])
    year_group = StringField("Year group", widget=GovTextInput(), validators=[Optional(), Length(max=10)])
    registration_group = StringField("Class", widget=GovTextInput(), validators=[Optional(), Length(max=30)])
    status = SelectField("Status", widget=GovSelect(), validators=[Optional()],
                         choices=[SelectChoice("", "Waiting for the school"), SelectChoice("received", "Received"),
                                  SelectChoice("question", "Question asked"), SelectChoice("answered", "Parent answered"),
                                  SelectChoice("accepted", "Accepted"),
                                  SelectChoice("unauthorised", "Unauthorised")])
    overdue = BooleanField("Only overdue")
    mine = BooleanField("Only assigned to me")
    submit = SubmitField("Filter", widget=GovSubmitInput())


class BulkAcceptForm(BaseForm):
    items = SelectMultipleField("Reports", coerce=coerce_id, validate_choice=False)
    submit = SubmitField("Accept selected with the suggested codes", widget=GovSubmitInput())


class AssignForm(BaseForm):
    submit = SubmitField("Assign to me", widget=GovSubmitInput())
