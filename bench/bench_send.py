"""Sending 10,000 invitations through one real Celery worker to a local SMTP server.

Target: at least 100 messages/s, with the progress readable throughout. A fresh migrated
SQLite database in a temporary folder holds a plan and 10,000 guests (half zh, half en); a
local aiosmtpd server (in this process, counting what it receives) stands in for the mail
server; one worker process (`celery -A wsgi.celery_app worker --pool=solo`, the filesystem
broker of `make run`) runs the send. This process queues the job (`sending.queue`), dispatches
it, and reads `sending.progress` every half second, as the page's poller does.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from datetime import time as time_of_day
from pathlib import Path

from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import insert

from app import create_app
from app.core import clock
from app.events.models import EventType
from app.events.plan_models import PlanState
from app.events.plans import create_plan
from app.extensions import db
from app.invitations import sending
from app.invitations.models import Invitation
from app.invitations.services import new_tokens, settings_for
from app.invitations.tasks import send_job
from tests.backends import free_port

GUESTS = 10_000
TARGET = 100  # messages per second
ROOT = Path(__file__).resolve().parent.parent


class Counter:
    """Accepts every message and counts it (no parsing: the server must not be the bottleneck)."""

    def __init__(self):
        self.count, self.bytes, self.lock = 0, 0, threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            self.bytes += len(envelope.content)
        return "250 OK"


def _guests(plan_id):
    for number in range(GUESTS):
        yield {"plan_id": plan_id, "name": f"嘉宾{number}" if number % 2 else f"Guest {number}",
               "company": f"客户{number}科技有限公司", "email": f"guest{number}@example.com",
               "locale": "zh" if number % 2 else "en", "status": "guest", "rsvp": "pending", "companions": 0,
               "dietary": "", "notes": "", "decline_text": "", **new_tokens()}


def _setup(app):
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        event_type = EventType(code="bench_send", name_zh="客户答谢会", name_en="Customer day", description_zh="",
                               description_en="", active=True)
        db.session.add(event_type)
        plan = create_plan(event_type, "2027 客户答谢晚宴", clock.today() + timedelta(days=40), time_of_day(18, 30), ["general"],
                           None, None, "上海浦东香格里拉大酒店", False, "年度答谢与交流", None)
        plan.state = PlanState.APPROVED  # invitations go out once the plan is approved
        settings_for(plan)
        db.session.execute(insert(Invitation), list(_guests(plan.id)))
        db.session.commit()
        return plan.id


def run(rebuild=False):
    folder = Path(tempfile.mkdtemp(prefix="bench-send-"))
    smtp = Counter()
    controller = Controller(smtp, hostname="127.0.0.1", port=free_port())
    controller.start()
    env = {**os.environ, "RAPPORT_ENV": "development", "SECRET_KEY": "bench", "RAPPORT_INSTANCE_PATH": str(folder),
           "DATABASE_URL": f"sqlite:///{folder / 'send.sqlite'}", "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(controller.port), "BASE_URL": "https://rapport.example.com"}
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)
    app = create_app({"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
                      "RAPPORT_ENV": "development", "SECRET_KEY": "bench", "MAIL_SERVER": "127.0.0.1",
                      "MAIL_PORT": controller.port})
    started = time.perf_counter()
    plan_id = _setup(app)
    print(f"send: {GUESTS:,} guests in {time.perf_counter() - started:.1f} s; starting one worker")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "wsgi.celery_app", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        with app.app_context():
            from app.events.plan_models import Plan

            job = sending.queue(db.session.get(Plan, plan_id), None, sending.INVITATION, None)
            db.session.commit()
            send_job.delay(job.id)
            dispatched = time.perf_counter()
            samples, first = [], None
            while True:
                db.session.rollback()  # a fresh read, as each poll of the page is
                read = time.perf_counter()
                progress = sending.progress(job)
                read_ms = (time.perf_counter() - read) * 1000
                now = time.perf_counter() - dispatched
                samples.append((now, progress["sent"], read_ms))
                if first is None and progress["sent"]:
                    first = samples[-1]
                stalled = len(samples) > 120 and samples[-120][1] == progress["sent"]  # a minute without progress
                if progress["finished"] or worker.poll() is not None or stalled:
                    break
                time.sleep(0.5)
            total = now
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        controller.stop()
        shutil.rmtree(folder, ignore_errors=True)
    if not progress["finished"]:
        print(output[-3000:])
        raise SystemExit(f"send: did not finish: {progress}")
    steady = (progress["sent"] - first[1]) / (total - first[0])
    overall = progress["sent"] / total
    reads = sorted(sample[2] for sample in samples)
    print(f"send: {progress['sent']:,} sent, {progress['failed']} failed; SMTP server received {smtp.count:,} "
          f"messages ({smtp.bytes / smtp.count / 1024:.1f} KiB each)")
    print(f"send: {total:.1f} s from dispatch to the last message ({overall:,.0f} messages/s overall, worker start "
          f"included; first message after {first[0]:.1f} s); {steady:,.0f} messages/s while sending "
          f"(target >= {TARGET}): {'met' if steady >= TARGET else 'NOT met'}")
    print(f"send: progress read {len(samples)} times during the run, {reads[len(reads) // 2]:.1f} ms median, "
          f"{reads[-1]:.1f} ms at most; sent counts seen: "
          + ", ".join(f"{sent:,}" for _t, sent, _ms in samples[:: max(len(samples) // 8, 1)]))
