"""Guests answering at the same moment, on a database of its own (not the tests' shared
transaction): every answer is saved, none gets an error. On SQLite a transaction that has
read cannot start writing once another connection has written since ("database is locked",
without waiting): requests that may write begin their transactions as writers."""
import threading
from datetime import time, timedelta

from app import create_app
from app.core import clock
from app.events.models import EventType
from app.events.plans import create_plan
from app.extensions import db
from app.invitations import services
from app.invitations.models import Invitation, Rsvp
from tests.conftest import app_config, migrate_database

GUESTS = 24
THREADS = 8


def test_guests_answering_at_once_are_all_saved(backend, tmp_path):
    app = create_app(app_config(backend, tmp_path, "rapport_concurrent", RATELIMIT_ENABLED=False))
    migrate_database(app)
    with app.app_context():
        event_type = EventType(code="banquet", name_zh="答谢宴", name_en="Banquet", active=True, position=1)
        db.session.add(event_type)
        plan = create_plan(event_type, "并发答复", clock.today() + timedelta(days=30), time(18, 30), ["high_value"],
                           100, 200, "宴会厅", False, "", None)
        services.settings_for(plan).companions_cap = 2
        guests = [Invitation(plan=plan, name=f"嘉宾{n}", email=f"g{n}@example.com", locale="zh", **services.new_tokens())
                  for n in range(GUESTS)]
        db.session.add_all(guests)
        db.session.commit()
        tokens, plan_id = [guest.rsvp_token for guest in guests], plan.id
        db.session.remove()

    statuses, barrier = [], threading.Barrier(THREADS)

    def answer(mine):
        client = app.test_client()
        barrier.wait()
        for token in mine:
            client.get(f"/rsvp/{token}").close()
            response = client.post(f"/rsvp/{token}", data={"answer": "accept", "companions": "1"})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=answer, args=(tokens[n::THREADS],)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * GUESTS
    with app.app_context():
        answers = db.session.scalars(db.select(Invitation.rsvp).where(Invitation.plan_id == plan_id)).all()
        assert answers == [Rsvp.ACCEPTED] * GUESTS
        db.session.remove()
        db.engine.dispose()


PLANS = 6


def test_two_guests_taking_the_last_seat_at_once(backend, tmp_path):
    """One seat left, two guests who hold none accept at the same moment, offered the waitlist: one
    is seated, the other waits with the answer kept; the event is never over its capacity."""
    app = create_app(app_config(backend, tmp_path, "rapport_last_seat", RATELIMIT_ENABLED=False))
    migrate_database(app)
    with app.app_context():
        event_type = EventType(code="banquet", name_zh="答谢宴", name_en="Banquet", active=True, position=1)
        db.session.add(event_type)
        pairs, plan_ids = [], []
        for number in range(PLANS):
            plan = create_plan(event_type, f"最后一席 {number}", clock.today() + timedelta(days=30), time(18, 30),
                               ["high_value"], 2, 2, "宴会厅", False, "", None)
            seated = Invitation(plan=plan, name="已接受", email=f"s{number}@example.com", rsvp=Rsvp.ACCEPTED,
                                **services.new_tokens())
            late = [Invitation(plan=plan, name=f"嘉宾{n}", email=f"g{number}-{n}@example.com", rsvp=Rsvp.DECLINED,
                               decline_reason="schedule", **services.new_tokens()) for n in range(2)]
            db.session.add_all([seated, *late])
            db.session.flush()
            pairs.append([guest.rsvp_token for guest in late])
            plan_ids.append(plan.id)
        db.session.commit()
        db.session.remove()

    statuses, barrier = [], threading.Barrier(2)

    def answer(side):
        client = app.test_client()
        for tokens in pairs:
            barrier.wait()
            response = client.post(f"/rsvp/{tokens[side]}", data={"answer": "accept", "companions": "0",
                                                                   "waitlist": "1"})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=answer, args=(side,)) for side in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * (2 * PLANS)
    with app.app_context():
        for plan_id in plan_ids:
            rows = db.session.execute(db.select(Invitation.status, Invitation.rsvp).where(
                Invitation.plan_id == plan_id, Invitation.name != "已接受").order_by(Invitation.status)).all()
            assert [tuple(row) for row in rows] == [("guest", "accepted"), ("waitlist", "accepted")]
            assert services.seats_taken(plan_id) == 2
        db.session.remove()
        db.engine.dispose()
