"""The staff page of the half-termly message: stop, resume or send one school's batch (the round staff saw)."""

from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from forms import BaseForm


class BatchForm(BaseForm):
    round = HiddenField(validators=[DataRequired("Choose the batch on the page"), Length(max=40)])
