"""The hook by which the events services tell the guests' side that a plan changed in a way its
guests must hear of (day, start time, venue, address, title, cancellation). The service notes the plan in
the session; after the commit, `dispatch_noted` queues one Celery task per plan (a rollback
forgets the notes). This module imports nothing of the events package, so that the events
services may call it."""
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import celery, db

# By name: the task's module imports the events package, which calls this hook.
NOTICE_TASK = "app.invitations.tasks.send_plan_notice"
GUEST_FIELDS = frozenset({"title", "event_day", "start_time", "venue", "address", "online"})
NOTED = "guest_notices"


def plan_changed(plan, fields=None):
    """Notes that guests must hear of the change of `fields` of the plan (None: the plan is
    cancelled). Fields they do not see (budget, texts, targets) note nothing."""
    if fields is not None and not GUEST_FIELDS & set(fields):
        return
    db.session.info.setdefault(NOTED, set()).add(plan.id)


def dispatch_noted():
    """After the commit: one task per noted plan, which sends its guests the notice once."""
    for plan_id in sorted(db.session.info.pop(NOTED, ())):
        celery.tasks[NOTICE_TASK].delay(plan_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, previous_transaction):
    session.info.pop(NOTED, None)
