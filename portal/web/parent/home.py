"""The parent's home: each child with this year's attendance in a sentence, and recent reports."""

from flask import render_template
from flask_login import current_user

from portal.clock import school_today
from portal.domain.attendance import BAND_WORDS
from portal.services import absences, support_plans
from portal.services.child_attendance import BAND_TAGS, at_a_glance
from portal.web.parent import bp, my_children, navigation


@bp.get("/")
def home():
    mine = my_children()
    children = list(zip(mine, at_a_glance(mine, school_today())))
    return render_template("parent/home.html", children=children, reports=absences.reports_for(current_user)[:5],
                           plans_to_sign=support_plans.plans_to_sign(current_user),
                           band_words=BAND_WORDS, band_classes=BAND_TAGS, navigation=navigation("parent.home"))

