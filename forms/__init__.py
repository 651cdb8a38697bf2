"""Flask-WTF form classes, one module per feature. Validators may call portal.domain, never models or db.

Every form derives from BaseForm (tests/web/test_multipart_fields.py checks it)."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import FileField


class BaseForm(FlaskForm):
    """A FlaskForm whose file fields alone receive a request's files.

    Flask-WTF hands every field the files of a multipart request as well as its form fields. A browser sends text
    fields as plain fields, but any client can post one as a file part: a text field then held a FileStorage and
    the view failed on it (500), on the sign-in pages as much as on the upload forms. Here a file part reaches only
    a file field of its name; anything else sent as a file counts as missing, and is refused as such. Every text
    value loses any NUL character (see `without_nul`)."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            if isinstance(formdata, CombinedMultiDict):  # Flask-WTF's (request.files, request.form)
                uploads = {field.name for field in form if isinstance(field, FileField)}
                files = MultiDict([(name, value) for name, value in request.files.items(multi=True)
                                   if name in uploads])
                return CombinedMultiDict((files, without_nul(request.form)))
            return without_nul(formdata) if formdata is not None else None

    def refuse(self, message: str, field: str | None = None) -> None:
        """Show a refusal that came after validation (a service's rule): on its field when it names one of this
        form's fields, so the error summary links to it and the field is marked; else above the form."""
        target = self._fields.get(field) if field else None
        if target is None:
            self.form_errors.append(message)
        else:
            target.errors = [*target.errors, message]


def without_nul(data) -> MultiDict:
    """Text fields without NUL characters (\\0): no person types one, and PostgreSQL refuses to store or compare
    text that holds one, which made a pasted or forged NUL a server error. Removed, so nothing else is lost."""
    return MultiDict([(key, value.replace("\x00", "") if isinstance(value, str) else value)
                      for key, value in data.items(multi=True)])
