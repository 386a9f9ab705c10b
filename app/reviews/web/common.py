"""What the reviews' pages share: the plan, who may edit the survey and who may read its results."""
from flask import abort

from app.events.plan_models import Plan
from app.extensions import db

EDITORS = ("planner", "admin")
READERS = ("planner", "manager", "admin")


def plan_or_404(plan_id):
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    return plan
