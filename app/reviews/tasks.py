"""Celery tasks of the reviews: the daily survey e-mails and reminders (beat), and the sending of
one plan's queued survey messages. Both take ids and are safe to run twice: a guest gets each
message once (the outbox's unique (invitation, kind)), and each survey is taken by one run at a time."""
from datetime import date

from flask import current_app

from app.core import clock
from app.extensions import celery, db
from app.reviews import mailing

MAX_RETRIES = 10


@celery.task(bind=True, max_retries=MAX_RETRIES)
def send_survey_messages(self, plan_id):
    """Sends the plan's queued survey e-mails and reminders; retries later while the server is down."""
    try:
        return mailing.send_queued(plan_id)
    except mailing.MailServerDown as error:
        db.session.rollback()
        raise self.retry(exc=error, countdown=min(30 * 2 ** self.request.retries, 3600))


@celery.task
def send_due_surveys(today=None):
    """Celery beat, daily: opens the surveys whose day has come (the day after the event by
    default), queues the e-mail to the guests who came and the one reminder to those who have not
    answered, and sends them. Returns {plan id: kinds queued}."""
    today = date.fromisoformat(today) if today else clock.today()
    queued = {}
    for plan_id in mailing.candidate_plans(today):
        try:
            kinds = mailing.queue_due(plan_id, today)
        except Exception:  # one plan's trouble does not hold up the others' surveys
            db.session.rollback()
            current_app.logger.exception("The survey of plan %s could not be queued", plan_id)
            continue
        if kinds:
            queued[plan_id] = kinds
            send_survey_messages.delay(plan_id)
    return queued


@celery.task
def send_plan_survey(plan_id, today=None):
    """What the daily run does, for one plan (after the planner opens its survey)."""
    kinds = mailing.queue_due(plan_id, date.fromisoformat(today) if today else clock.today())
    if kinds:
        send_survey_messages.delay(plan_id)
    return kinds
