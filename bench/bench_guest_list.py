"""Building a guest list of 10,000 customers and their invitations.

Target: `guest_list.build_from_target` for a plan whose target tier holds 10,000
customers, with its commit, under 10 s. A fresh `bench/data/guest-list.sqlite` is
migrated and given 10,000 customers from the demo generator (all consenting and
reachable, no orders, so one tier run puts every one in "general"), an event type
and a plan targeting "general" with no capacity. Each sample builds the whole list
(one SELECT of the candidates, 10,000 invitations with three 192-bit tokens each
in one bulk INSERT, the build record, the activity entry) and commits; the
invitations are then deleted (untimed) for the next sample. Measured twice: with
no control group, and with 10% held out (1,000) and a capacity of 5,000 (4,000 waitlisted).
"""
import random
import statistics
import time
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import delete, func, insert, select

from app.core import clock
from app.core import demo
from app.customers import rfm_inputs, tiering
from app.customers.models import Customer
from app.events.models import EventType
from app.events.plan_models import Plan
from app.events.plans import create_plan
from app.extensions import db
from app.invitations import guest_list, services
from app.invitations.models import ControlMember, GuestListBuild, Invitation
from bench import data, ms

TARGET = 10.0
CUSTOMERS = 10_000
PATH = data.DATA_DIR / "guest-list.sqlite"


def _prepare():
    """Schema, customers, a tier run and the plan; returns the plan's id."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    rng = random.Random(data.SEED)
    rows = []
    for number in range(1, CUSTOMERS + 1):
        fields, _tags = demo.fake_customer(rng, data.AS_OF - timedelta(days=rng.randint(100, 900)))
        rows.append({**fields, "external_id": f"C{number:06d}", "consent": True})
    db.session.execute(insert(Customer), rows)
    rfm_inputs.rebuild(clock.today())
    tiering.recompute()
    event_type = EventType(code="bench", name_zh="答谢宴", name_en="Banquet", active=True, position=1)
    db.session.add(event_type)
    db.session.flush()
    plan = create_plan(event_type, "Bench banquet", clock.today() + timedelta(days=30), None, ["general"],
                       None, None, "Hotel", False, "", None)
    db.session.commit()
    return plan.id


def _clear(plan_id):
    for model in (Invitation, ControlMember, GuestListBuild):
        db.session.execute(delete(model).where(model.plan_id == plan_id))
    db.session.commit()


def _measure(plan_id, repeats):
    """(median seconds, samples, {status: count} of the last build)."""
    samples = []
    for _ in range(repeats):
        _clear(plan_id)
        db.session.expire_all()
        started = time.perf_counter()
        guest_list.build_from_target(db.session.get(Plan, plan_id), None, seed=1)
        db.session.commit()
        samples.append(time.perf_counter() - started)
    counts = dict(db.session.execute(select(Invitation.status, func.count()).where(Invitation.plan_id == plan_id)
                                     .group_by(Invitation.status)).all())
    return statistics.median(samples), samples, counts


def run(repeats=5, rebuild=False):
    app = data.fresh_app(PATH)
    with app.app_context():
        plan_id = _prepare()
        print(f"guest list: build_from_target + commit, {CUSTOMERS:,} customers in the target tier "
              f"(median of {repeats}; target < {TARGET:.0f} s)")
        median, samples, counts = _measure(plan_id, repeats)
        print(f"  no control group, no capacity: {ms(median)}  (samples: {', '.join(ms(s) for s in samples)}); {counts}")
        plan = db.session.get(Plan, plan_id)
        plan.capacity = 5_000
        services.settings_for(plan).control_share = Decimal(10)
        db.session.commit()
        median2, samples2, counts2 = _measure(plan_id, repeats)
        print(f"  10% control group, capacity 5,000: {ms(median2)}  (samples: {', '.join(ms(s) for s in samples2)}); "
              f"{counts2}")
        met = max(median, median2) < TARGET
        print(f"  target {'met' if met else 'NOT met'}")
    return median, median2
