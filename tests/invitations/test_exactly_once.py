"""Sending exactly once against real processes: a real Celery worker killed (SIGKILL) in the
middle of a send to a real SMTP server (aiosmtpd) and started again, and guests answering while
a slow SMTP server receives the invitations."""
import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from sqlalchemy import select

from app import create_app
from app.config import load_config
from app.core import clock
from app.events.models import EventType, EventTypeTier
from app.events.plans import create_plan
from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations import sending
from app.invitations.models import Invitation, MessageState, OutboxMessage, Rsvp, SendJob
from app.invitations.services import add_guest
from app.invitations.tasks import send_job
from tests.processes import stop
from tests.conftest import app_config, migrate_database
from tests.core.test_worker import ROOT
from tests.invitations.test_sending import server
from tests.mail.test_mail import Collector

pytestmark = [pytest.mark.db, pytest.mark.tasks]

WORKER = [sys.executable, "-m", "celery", "-A", "wsgi.celery_app", "worker", "--pool=solo", "--loglevel=INFO",
          "--without-gossip", "--without-mingle", "--without-heartbeat"]


class Slow(Collector):
    """An SMTP server that takes `delay` seconds to accept each message."""

    def __init__(self, delay):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def guest_list(count):
    """A plan with `count` guests (committed); returns its id."""
    event_type = EventType(code=f"t{uuid.uuid4().hex[:8]}", name_zh="答谢会", name_en="Thank-you dinner",
                           description_zh="", description_en="", position=999)
    event_type.tier_rows = [EventTypeTier(tier="general")]
    db.session.add(event_type)
    db.session.flush()
    from datetime import timedelta

    plan = create_plan(event_type, event_day=clock.today() + timedelta(days=30), tiers=("general",), title="Dinner",
                       start_time=None, expected_guests=None, capacity=None, venue="Hall", online=False, content="",
                       user=None)
    plan.state = PlanState.APPROVED  # only an approved plan invites
    for number in range(count):
        add_guest(plan, None, name=f"Guest {number}", email=f"g{number}@example.com", locale="en")
    db.session.commit()
    return plan.id


def received(handler):
    return Counter(message["X-RcptTo"] for message in handler.messages)


@pytest.fixture(scope="module")
def database_url(backend):
    """One migrated database for the tests of this module (each makes its own plan)."""
    url = backend.database_url(f"rapport_once_{uuid.uuid4().hex[:6]}")
    migrate_database(create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "worker-test",
                                 "RAPPORT_ENV": "testing"}))
    return url


@pytest.fixture
def worker_env(backend, database_url, tmp_path):
    """Environment for real worker processes, as in production, and a producer of tasks."""
    handler = Slow(0.04)
    controller = server(handler)
    env = {**os.environ, "RAPPORT_ENV": "development", "SECRET_KEY": "worker-test",
           "RAPPORT_INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url,
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port), "SEND_STALE_AFTER": "1"}
    broker = backend.broker_url("worker")
    if broker:
        env["CELERY_BROKER_URL"], env["CELERY_RESULT_BACKEND"] = broker, backend.result_backend("worker")
    else:
        env.pop("CELERY_BROKER_URL", None)
        env.pop("CELERY_RESULT_BACKEND", None)
    celery_settings = {"broker_url": broker, "result_backend": env["CELERY_RESULT_BACKEND"]} if broker else {}
    app = create_app({"INSTANCE_PATH": env["RAPPORT_INSTANCE_PATH"], "SQLALCHEMY_DATABASE_URI": database_url,
                      "SECRET_KEY": "worker-test", "RAPPORT_ENV": "testing", "SEND_STALE_AFTER": 1})
    # The tasks go through the workers' broker, from a Celery app of their own (the shared one
    # stays as the tests configure it).
    producer = Celery("producer", set_as_current=False)
    producer.conf.update({**load_config(env["RAPPORT_INSTANCE_PATH"], {"RAPPORT_ENV": "development"})["CELERY"],
                          **celery_settings})
    for folder in producer.conf.broker_transport_options.values():
        if isinstance(folder, str):  # the filesystem transport's folders
            Path(folder).mkdir(parents=True, exist_ok=True)
    workers = []

    def start_worker():
        worker = subprocess.Popen(WORKER, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True)
        workers.append(worker)
        return worker

    def produce(task, *args):
        return producer.send_task(f"app.invitations.tasks.{task}", args=args)

    try:
        yield app, handler, start_worker, produce
    finally:
        controller.stop()
        producer.close()
        for worker in workers:
            stop(worker)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_worker_killed_mid_send_resumes_and_sends_each_message_once(worker_env):
    app, handler, start_worker, produce = worker_env
    guests = 40
    with app.app_context():
        plan_id = guest_list(guests)
        job = sending.queue(_plan(plan_id), None, sending.INVITATION, None)
        db.session.commit()
        job_id = job.id
    first = start_worker()
    produce("send_job", job_id)
    wait_for(lambda: len(handler.messages) >= 8, 60, "the first messages")
    first.send_signal(signal.SIGKILL)  # no goodbye: whatever it was doing stays as it was
    first.wait(timeout=10)
    killed_at = len(handler.messages)
    assert killed_at < guests, "the send finished before the kill: make the SMTP server slower"
    with app.app_context():  # what was delivered is recorded, but for at most the one in flight
        assert sending.progress(db.session.get(SendJob, job_id))["sent"] >= killed_at - 1
        db.session.remove()
    start_worker()
    time.sleep(1.2)  # SEND_STALE_AFTER: the run is now known to be dead
    assert produce("resume_sends").get(timeout=60) == [job_id]  # what Celery beat does every minute

    def finished():
        with app.app_context():
            done = db.session.get(SendJob, job_id).finished_at is not None
            db.session.remove()
            return done

    wait_for(finished, 60, "the resumed send to finish")
    with app.app_context():
        states = dict(db.session.execute(select(Invitation.email, OutboxMessage.state)
                                         .join(OutboxMessage, OutboxMessage.invitation_id == Invitation.id)
                                         .where(OutboxMessage.job_id == job_id)).all())
        db.session.remove()
    counts = received(handler)
    unknown = [email for email, state in states.items() if state == MessageState.UNKNOWN]
    assert len(unknown) <= 1
    assert all(state in (MessageState.SENT, MessageState.UNKNOWN) for state in states.values())
    for email in states:
        if email in unknown:
            assert counts[email] <= 1  # delivered or not: reported, never sent twice
        else:
            assert counts[email] == 1, (email, counts[email])
    assert sum(counts.values()) in (guests, guests - 1) and len(states) == guests


def _plan(plan_id):
    from app.events.plan_models import Plan

    return db.session.get(Plan, plan_id)


def test_guests_answer_while_a_slow_smtp_server_receives_the_invitations(backend, database_url, tmp_path):
    handler = Slow(0.1)
    controller = server(handler)
    app = create_app(app_config(backend, tmp_path, "unused", SQLALCHEMY_DATABASE_URI=database_url,
                                MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port))
    try:
        with app.app_context():
            plan_id = guest_list(60)
            job = sending.queue(_plan(plan_id), None, sending.INVITATION, None)
            db.session.commit()
            job_id = job.id
            tokens = db.session.scalars(select(Invitation.rsvp_token).where(Invitation.plan_id == plan_id)
                                        .order_by(Invitation.id.desc())).all()
            db.session.remove()

        def send():
            with app.app_context():
                send_job.delay(job_id)
                db.session.remove()

        sender = threading.Thread(target=send)
        sender.start()
        wait_for(lambda: len(handler.messages) >= 2, 30, "the send to start")
        client, answers = app.test_client(), []
        for token in tokens[:10]:  # one answer every 0.2 s while the send lasts about 6 s
            started = time.monotonic()
            response = client.post(f"/rsvp/{token}", data={"answer": "accept", "companions": "0"})
            answers.append((response.status_code, time.monotonic() - started))
            time.sleep(0.2)
        still_sending = sender.is_alive()
        sender.join(timeout=60)
        assert still_sending, "the send ended before the answers: make the SMTP server slower"
        assert all(status == 302 for status, _seconds in answers), answers
        assert max(seconds for _status, seconds in answers) < 1.5, answers  # never waits for the SMTP server
        with app.app_context():
            accepted = db.session.scalars(select(Invitation.rsvp).where(Invitation.rsvp_token.in_(tokens[:10]))).all()
            assert accepted == [Rsvp.ACCEPTED] * 10
            assert sending.progress(db.session.get(SendJob, job_id))["sent"] == 60
            emails = dict(db.session.execute(select(Invitation.rsvp_token, Invitation.email)
                                             .where(Invitation.plan_id == plan_id)).all())
            db.session.remove()
        # Each guest one invitation; the ten who accepted one confirmation (with the check-in code) too.
        answered = {emails[token] for token in tokens[:10]}
        assert received(handler) == {email: 2 if email in answered else 1 for email in emails.values()}
    finally:
        controller.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
