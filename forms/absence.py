"""Reporting an absence: the children, the days, the reason. Date rules come from portal.domain.absence."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms.fields.choices import SelectChoice
from wtforms import DateField, MultipleFileField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from flask_babel import get_locale, gettext, lazy_gettext as _l

from forms import BaseForm
from portal.domain.ids import coerce_id
from forms.validators import EvidenceFiles
from portal.clock import school_today
from portal.domain import absence as rules
from portal.domain.dates_words import date_words

TIME_FORMATS = ("%H:%M", "%H.%M", "%I:%M%p", "%I.%M%p", "%I%p")


def choices(words: dict[str, str]) -> list[SelectChoice]:
    # The domain's English words, translated when the page is drawn (babel.cfg reads the tables: portal.word_tables).
    return [SelectChoice(value, _l(label)) for value, label in words.items()]


class GovDateField(DateField):
    """The GOV.UK date input: day, month and year boxes, read as one date.

    A hint saying "{example}" shows a date `example_days` from today as the boxes take it ("4 12 2026"), worked out
    when the page is drawn, so an example is never in the past."""

    def __init__(self, label=None, validators=None, example_days: int = 7, **kwargs):
        self.example_days = example_days
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    @property
    def description(self) -> str:
        return self._description.replace("{example}", self.example())

    @description.setter
    def description(self, value: str) -> None:
        self._description = value

    def example(self) -> str:
        day = school_today() + timedelta(days=self.example_days)
        return f"{day.day} {day.month} {day.year}"

    def process_formdata(self, valuelist):
        # The widget redraws exactly three boxes, whatever a hand-made request sent.
        self.raw_data = (list(valuelist) + ["", "", ""])[:3]
        if valuelist and any(v.strip() for v in valuelist):
            try:
                self.data = datetime.strptime(" ".join(v.strip() for v in valuelist), "%d %m %Y").date()
            except ValueError:
                self.data = None
                raise ValueError(gettext("%(field)s must be a real date, like %(example)s", field=self.label.text,
                                         example=self.example())) from None


class ChildrenField(SelectMultipleField):
    """The parent's children as checkboxes; anything else (a tampered request) is refused plainly."""

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(_l("Choose from the children listed"))


# When the absence starts: most reports are for today or tomorrow, which need no date typed (screen-reader users
# find the three date boxes hard); "another day" asks for the date.
TODAY, TOMORROW, ANOTHER_DAY = "today", "tomorrow", "other"
# How long: one day, until a day the parent types, or "not sure yet" (the report covers the first day only).
ONE_DAY, UNTIL, NOT_SURE = "one", "until", "not_sure"
ENDS = {ONE_DAY: _l("Just that day"), UNTIL: _l("More than one day"),
        NOT_SURE: _l("Not sure yet: I’ll tell you if they’re still off")}
# The questions each reason asks, and only that reason (the page reveals them under it).
REASON_FIELDS = {rules.ILLNESS: ("symptoms",), rules.MEDICAL: ("appointment_time", "evidence"),
                 rules.OTHER: ("details",)}


class AbsenceReportForm(BaseForm):
    children = ChildrenField(_l("Who is absent?"), coerce=coerce_id, widget=GovCheckboxesInput(),
                             description=_l("Select all that apply."),
                             validators=[DataRequired(_l("Select the children who are absent"))])
    starts = RadioField(_l("When does the absence start?"), widget=GovRadioInput(),
                        validators=[InputRequired(_l("Choose when the absence starts"))])
    first_day = GovDateField(_l("First day of absence"), description=_l("For example, {example}"), example_days=7,
                             validators=[Optional()])
    ends = RadioField(_l("How long will they be off?"), choices=choices(ENDS), widget=GovRadioInput(),
                      validators=[InputRequired(_l("Choose how long they will be off"))])
    last_day = GovDateField(_l("Last day of absence"), description=_l("For example, {example}"), example_days=9,
                            validators=[Optional()])
    part = RadioField(_l("Is it the whole day?"), choices=choices(rules.PART_WORDS), default=rules.WHOLE_DAY,
                      widget=GovRadioInput(), validators=[InputRequired(_l("Choose whole day, morning or afternoon"))])
    reason = RadioField(_l("Why are they absent?"), choices=choices(rules.REASONS), widget=GovRadioInput(),
                        validators=[InputRequired(_l("Choose the reason for the absence"))])
    symptoms = TextAreaField(_l("Symptoms (optional)"), widget=GovTextArea(), validators=[Length(max=1000)],
                             description=_l("For example, sickness and diarrhoea: the school may need to know."))
    appointment_time = StringField(_l("Time of the appointment (optional)"), widget=GovTextInput(),
                                   description=_l("For example, 10:30"), validators=[Length(max=10)])
    evidence = MultipleFileField(_l("Appointment card or letter (optional)"), widget=GovFileInput(multiple=True),
                                 validators=[EvidenceFiles(max_files=2, min_files=0)],
                                 description=_l("A photo or PDF of the card or letter helps the school record it. "
                                                "PDF, JPEG, PNG or iPhone photo, 10 MB at most."))
    details = TextAreaField(_l("Tell us the reason"), widget=GovTextArea(), validators=[Length(max=2000)])
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or school_today()
        tomorrow = self.today + timedelta(days=1)
        def day(value: date) -> str:  # "Friday 4 December", in the page's language (portal.domain.dates_words)
            return date_words(value, "weekday day month", str(get_locale() or "en"))

        self.starts.choices = [SelectChoice(TODAY, gettext("Today (%(day)s)", day=day(self.today))),
                               SelectChoice(TOMORROW, gettext("Tomorrow (%(day)s)", day=day(tomorrow))),
                               SelectChoice(ANOTHER_DAY, gettext("Another day"))]

    def first(self) -> date | None:
        """The first day of absence, whichever way it was given."""
        return {TODAY: self.today, TOMORROW: self.today + timedelta(days=1)}.get(self.starts.data,
                                                                                 self.first_day.data)

    def last(self) -> date | None:
        """The last day of absence; None when the parent is not sure yet."""
        if self.ends.data == NOT_SURE:
            return None
        return self.last_day.data if self.ends.data == UNTIL else self.first()

    def fill(self, first: date, last: date | None) -> None:
        """Show a draft's days the way it would have been asked (coming back to change an answer)."""
        self.starts.data = {self.today: TODAY, self.today + timedelta(days=1): TOMORROW}.get(first, ANOTHER_DAY)
        self.first_day.data = first if self.starts.data == ANOTHER_DAY else None
        self.ends.data = NOT_SURE if last is None else (ONE_DAY if last == first else UNTIL)
        self.last_day.data = last if self.ends.data == UNTIL else None

    def field_for(self, name: str):
        """The field a rule's problem belongs on: a date the parent did not type is answered by its radios."""
        if name == "first_day" and self.starts.data != ANOTHER_DAY:
            return self.starts
        if name == "last_day" and self.ends.data != UNTIL:
            return self.ends
        return getattr(self, name)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        # Boxes under a choice not taken were not asked for: their content (and any mistake in it) is dropped.
        for field, choice, wanted in ((self.first_day, self.starts, ANOTHER_DAY), (self.last_day, self.ends, UNTIL)):
            if choice.data != wanted:
                field.data, field.errors = None, []
            elif field.data is None and not field.errors:
                field.errors = [gettext("Enter the %(field)s", field=str(field.label.text).lower())]
        for reason, names in REASON_FIELDS.items():
            if self.reason.data != reason:
                for name in names:
                    getattr(self, name).data = [] if name == "evidence" else ""
                    getattr(self, name).errors = []
        first, last = self.first(), self.last()
        if first and last and last < first and not self.last_day.errors:
            self.last_day.errors = [_l("The last day must be the same as or after the first day")]
        return not any(f.errors for f in self)

    def validate_appointment_time(self, field):
        if (field.data or "").strip() and self.parsed_time() is None:
            raise ValidationError(_l("Enter the time like 10:30 or 2pm"))

    def validate_details(self, field):
        if self.reason.data == rules.OTHER and not (field.data or "").strip():
            raise ValidationError(_l("Tell us the reason for the absence"))

    def parsed_time(self):
        text = (self.appointment_time.data or "").strip().replace(" ", "").upper()
        for fmt in TIME_FORMATS:
            try:
                return datetime.strptime(text, fmt).time()
            except ValueError:
                continue
        return None


class ConfirmForm(BaseForm):
    submit = SubmitField(_l("Send report"), widget=GovSubmitInput())


class StillOffForm(BaseForm):
    submit = SubmitField(_l("Still off: report the next days"), widget=GovSubmitInput())


class AnswerForm(BaseForm):
    answer = TextAreaField(_l("Your answer"), widget=GovTextArea(),
                           validators=[InputRequired(_l("Write your answer to the school's question")),
                                       Length(max=2000, message=_l("Your answer must be 2,000 characters or fewer"))])
    submit = SubmitField(_l("Send your answer"), widget=GovSubmitInput())
