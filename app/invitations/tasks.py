"""Celery tasks of the invitations: sending a job's messages, resuming stuck sends, the
reminders of the day, and the notice of a change to the guests. Late acknowledgement
(task_acks_late, task_reject_on_worker_lost): a task whose worker dies is delivered again, and
every task here is safe to run twice.

This is also the one place that starts a send after its commit (`dispatch` and the two steps
built on it): the domain modules queue the messages and return the send, the pages, the API and
the tasks start it from here, so no domain module imports the tasks."""
import smtplib
from datetime import date

from app.core import clock
from app.events.plan_models import Plan
from app.extensions import celery, db
from app.invitations import confirmations, reminders, sending, updates
from app.invitations.models import INVITATION, SendJob
from app.invitations.services import sending_refused
from app.mail import services as mail

MAX_RETRIES = 10  # with the backoff below: about nine hours of outage


def backoff(retries):
    """Seconds before the next attempt: 30 s, 1 min, 2 min, ... at most an hour."""
    return min(30 * 2 ** retries, 3600)


@celery.task(bind=True, max_retries=MAX_RETRIES)
def send_job(self, job_id):
    """Sends the job's queued messages over one connection, each claimed and recorded in its own
    commits (app/invitations/sending.py). Safe to run twice, and twice at once. When the mail
    server is down, what was sent stays sent, the rest stays queued, and the task tries again
    later; should that retry be lost with its worker, Celery beat resumes the job."""
    job = db.session.get(SendJob, job_id)
    if job is None:
        return None
    sending.expire_claims(job_id)  # a message left 'sending' by a dead run: unknown, never resent
    sending.heartbeat(job_id)
    cache = {}
    try:
        with mail.connection() as deliver:
            sending.send_queued(job_id, deliver, cache)
    except (sending.MailServerDown, smtplib.SMTPException, OSError) as error:
        db.session.rollback()
        countdown = backoff(self.request.retries)
        sending.heartbeat(job_id, after=countdown)  # not stuck: waiting for its retry
        raise self.retry(exc=error, countdown=countdown)
    sending.finish(job)
    db.session.commit()
    return sending.progress(job)


@celery.task
def resume_sends():
    """Celery beat, every minute: a send whose run died (no sign of it for SEND_STALE_AFTER) is
    started again; its message that was being sent becomes 'unknown'. Each job is taken by one
    UPDATE, so two beats (or two runs of this task) never resume it twice."""
    sending.expire_claims()
    resumed = [job_id for job_id in sending.stuck_jobs() if sending.take_for_resume(job_id)]
    for job_id in resumed:
        send_job.delay(job_id)
    return resumed


@celery.task
def send_due_reminders(today=None):
    """Celery beat, hourly: queues and sends the reminders and nudges due today (ISO date).
    Running twice queues nothing twice: a guest gets each kind of message once."""
    jobs = reminders.queue_due(date.fromisoformat(today) if today else clock.today())
    db.session.commit()
    for job in jobs:
        dispatch(job)
    return [job.id for job in jobs]


@celery.task
def send_plan_notice(plan_id):
    """After a change of the plan its guests must hear of (app/invitations/changes.py): queues
    and sends the notice of the plan's current state. Running twice sends it once."""
    plan = db.session.get(Plan, plan_id)
    job = updates.queue_notice(plan) if plan is not None else None
    db.session.commit()
    if job is not None:
        dispatch(job)
    return job.id if job is not None else None


def dispatch(job):
    """Starts sending the job's queued messages (after the commit that queued them)."""
    send_job.delay(job.id)


def invite_promoted(plan, promoted, user):
    """Guests moved up from the waitlist get their invitation: call after the commit; commits
    the send and starts it. Nothing is sent for an event that is cancelled or over."""
    if not promoted or sending_refused(plan) is not None:  # sent with the others once approved
        return None
    job = sending.queue(plan, [guest.id for guest in promoted], INVITATION, user)
    db.session.commit()
    if job is not None:
        dispatch(job)
    return job


def send_after_acceptance(invitation):
    """Call after the commit of the guest's answer: queues (and commits) the confirmation and
    starts its sending."""
    job = confirmations.queue(invitation)
    if job is None:
        return None
    db.session.commit()
    dispatch(job)
    return job
