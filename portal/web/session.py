"""Who is signed in: Flask-Login stores "parent:<id>" or "staff:<id>" in the session."""

from flask import Flask

from portal.extensions import db, login_manager
from portal.models import ParentAccount, StaffUser

KINDS = {"parent": ParentAccount, "staff": StaffUser}


def load_user(user_id: str):
    kind, _, pk = user_id.partition(":")
    model = KINDS.get(kind)
    if model is None or not pk.isdigit():
        return None
    return db.session.get(model, int(pk))


def register(app: Flask) -> None:
    login_manager.user_loader(load_user)
