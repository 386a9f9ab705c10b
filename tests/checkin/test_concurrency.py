"""32 doors scanning the same 500 codes at once, on a database of its own (not the tests' shared
transaction), with --backend=services on PostgreSQL too: exactly 500 guests are checked in, every
other answer is already_checked_in, none is an error, every scan is on record."""
import random
import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from app.auth import services as auth_services
from app.auth.models import User
from app.checkin import access, services
from app.checkin.models import CheckIn, ScanAttempt
from app.core import clock
from app.events.models import EventType
from app.events.plan_models import Plan, PlanState
from app.events.plans import create_plan
from app.extensions import db
from app.invitations import services as invitation_services
from app.invitations.models import Invitation, Rsvp
from tests.conftest import app_config, migrate_database

pytestmark = pytest.mark.db

CODES = 500
THREADS = 32
SCANS_EACH = 125  # each door scans a quarter of the codes: every code is scanned 8 times


def test_32_doors_scanning_the_same_500_codes_check_each_guest_in_once(backend, tmp_path):
    app = create_app(app_config(backend, tmp_path, "rapport_door_race", RATELIMIT_ENABLED=False))
    migrate_database(app)
    with app.app_context():
        event_type = EventType(code="banquet", name_zh="答谢宴", name_en="Banquet", active=True, position=1)
        db.session.add(event_type)
        plan = create_plan(event_type, "并发签到", clock.today(), time(18, 30), ["high_value"], None, None, "宴会厅",
                           False, "", None)
        plan.state = PlanState.APPROVED
        guests = [Invitation(plan=plan, name=f"嘉宾{n}", email=f"g{n}@example.com", rsvp=Rsvp.ACCEPTED,
                             **invitation_services.new_tokens()) for n in range(CODES)]
        db.session.add_all(guests)
        users = [auth_services.create_user(f"door{n}@example.com", f"门口{n}", "correct-horse-1", ("planner",), None)
                 for n in range(THREADS)]
        db.session.commit()
        codes, plan_id, user_ids = [f"RAPPORT:{g.checkin_token}" for g in guests], plan.id, [u.id for u in users]
        db.session.remove()

    answers, errors, barrier = [], [], threading.Barrier(THREADS)
    moment = datetime.now(UTC)

    def door(number):
        rng = random.Random(number)
        start = (number % 4) * SCANS_EACH
        mine = codes[start:start + SCANS_EACH]
        rng.shuffle(mine)
        # A request context as the door's POST has it: its writes take SQLite's lock as they begin.
        with app.test_request_context(method="POST"):
            plan = db.session.get(Plan, plan_id)
            actor = access.door_actor(plan, db.session.get(User, user_ids[number]))
            db.session.commit()  # the setup's transaction holds no lock while the others start
            barrier.wait(timeout=60)
            for index, code in enumerate(mine):
                try:
                    answers.append(services.check_in(plan, code, f"door{number}-scan{index:04d}", moment,
                                                     "scanner", f"门{number % 4}", actor).status)
                except Exception as error:  # noqa: BLE001  (any error fails the test below)
                    errors.append(repr(error))
                    db.session.rollback()
            db.session.remove()

    threads = [threading.Thread(target=door, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(answers) == THREADS * SCANS_EACH
    assert answers.count("ok") == CODES
    assert answers.count("already_checked_in") == THREADS * SCANS_EACH - CODES
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == CODES
        assert db.session.scalar(select(func.count(func.distinct(CheckIn.invitation_id)))) == CODES
        assert db.session.scalar(select(func.count()).select_from(ScanAttempt)) == THREADS * SCANS_EACH
        db.session.remove()
        db.engine.dispose()
