"""What the invitation pages share: the roles that edit and look, and loading the plan, guest
or send of the URL (404 otherwise)."""
from flask import abort

from app.auth.models import Role
from app.events.plan_models import Plan
from app.events.plans import get_plan
from app.extensions import db
from app.invitations.models import Invitation, SendJob

EDITORS = (Role.PLANNER, Role.ADMIN)
VIEWERS = (Role.PLANNER, Role.MANAGER, Role.ADMIN)


def plan_or_404(plan_id):
    return get_plan(plan_id) or abort(404)


def invitation_or_404(plan, invitation_id):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.plan_id != plan.id:
        abort(404)
    return invitation


def job_or_404(plan_id, job_id):
    job = db.session.get(SendJob, job_id)
    if job is None or job.plan_id != plan_id:
        abort(404)
    return job


def bare_plan_or_404(plan_id):
    """The plan alone, without what `plan_or_404` loads with it: the sending pages need only its columns."""
    return db.session.get(Plan, plan_id) or abort(404)
