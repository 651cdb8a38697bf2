"""The portal's front door: who it serves and how to reach each school."""

from flask import Blueprint, render_template

from portal.services import policies

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home.html", trusts=policies.trusts())
