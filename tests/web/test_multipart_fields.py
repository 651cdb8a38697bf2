"""A text field posted as a file part is missing, not a crash: forms.BaseForm gives files to file fields only.

Any client can send a multipart POST with a text field as a file part (Debian's wapiti does it for every field);
Flask-WTF alone handed the FileStorage to the text field and the view failed with a 500, even on the sign-in pages.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil

import pytest
from flask_wtf import FlaskForm
from wtforms import FileField, StringField

import forms
from forms import BaseForm


def test_every_form_is_a_base_form():
    classes = []
    for module in pkgutil.iter_modules(forms.__path__):
        loaded = importlib.import_module(f"forms.{module.name}")
        classes += [cls for _, cls in inspect.getmembers(loaded, inspect.isclass)
                    if issubclass(cls, FlaskForm) and cls.__module__ == loaded.__name__]
    assert classes
    assert [cls.__name__ for cls in classes if not issubclass(cls, BaseForm)] == []


def token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


@pytest.mark.parametrize("path, fields", [
    ("/sign-in", {"email": "jo@example.com"}),
    ("/staff/sign-in", {"email": "head@example.com", "password": "a password"}),
])
def test_sign_in_fields_sent_as_files_are_refused_as_missing(make_app, path, fields):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    data = {"csrf_token": token(client, path)}
    data.update({name: (io.BytesIO(value.encode()), name) for name, value in fields.items()})
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)


class UploadForm(BaseForm):
    class Meta:
        csrf = False

    note = StringField()
    upload = FileField()


def test_file_fields_still_get_their_files(app):
    data = {"note": (io.BytesIO(b"<script>"), "note.txt"), "upload": (io.BytesIO(b"%PDF-1.7"), "scan.pdf")}
    with app.test_request_context("/", method="POST", data=data, content_type="multipart/form-data"):
        form = UploadForm()
        assert form.note.data is None
        assert form.upload.data.filename == "scan.pdf"
