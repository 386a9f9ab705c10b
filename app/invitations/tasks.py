"""Celery tasks of the invitations: sending a job's messages, the reminders of the day, and the
notice of a change to the guests."""
import smtplib
from datetime import date

from app.core import clock
from app.events.plan_models import Plan
from app.extensions import celery, db
from app.invitations import reminders, sending, updates
from app.invitations.models import SendJob
from app.mail import services as mail

MAX_RETRIES = 10  # with the backoff below: about nine hours of outage


def backoff(retries):
    """Seconds before the next attempt: 30 s, 1 min, 2 min, ... at most an hour."""
    return min(30 * 2 ** retries, 3600)


@celery.task(bind=True, max_retries=MAX_RETRIES)
def send_job(self, job_id):
    """Sends the job's queued messages in batches over one connection. Safe to run twice (and
    twice at once): each message is claimed before it is sent. When the mail server is down,
    what was sent stays sent, the rest stays queued, and the task tries again later."""
    job = db.session.get(SendJob, job_id)
    if job is None:
        return None
    cache = {}
    try:
        with mail.connection() as deliver:
            while batch := sending.claim(job):
                sending.send_batch(batch, deliver, cache)
                db.session.commit()  # each batch visible on the progress page
    except (sending.MailServerDown, smtplib.SMTPException, OSError) as error:
        db.session.commit()
        raise self.retry(exc=error, countdown=backoff(self.request.retries))
    sending.finish(job)
    db.session.commit()
    return sending.progress(job)


@celery.task
def send_due_reminders(today=None):
    """Celery beat, hourly: queues and sends the reminders and nudges due today (ISO date).
    Running twice queues nothing twice: a guest gets each kind of message once."""
    jobs = reminders.queue_due(date.fromisoformat(today) if today else clock.today())
    db.session.commit()
    for job in jobs:
        sending.dispatch(job)
    return [job.id for job in jobs]


@celery.task
def send_plan_notice(plan_id):
    """After a change of the plan its guests must hear of (app/invitations/changes.py): queues
    and sends the notice of the plan's current state. Running twice sends it once."""
    plan = db.session.get(Plan, plan_id)
    job = updates.queue_notice(plan) if plan is not None else None
    db.session.commit()
    if job is not None:
        sending.dispatch(job)
    return job.id if job is not None else None
