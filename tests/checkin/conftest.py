"""Fixtures of the door's tests: an approved plan, guests in every state, an actor and `scan`."""
import itertools
import uuid
from datetime import UTC, datetime

import pytest

from app.checkin import access, services
from app.checkin.models import ScanSource
from app.events.plan_models import PlanState
from app.extensions import db
from app.invitations.models import GuestStatus, Rsvp

_nonces = itertools.count(1)


def nonce():
    return f"n{next(_nonces):06d}-{uuid.uuid4().hex[:8]}"


NOW = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)


@pytest.fixture
def door_plan(make_plan):
    plan = make_plan(title="答谢晚宴", venue="宴会厅")
    plan.state = PlanState.APPROVED
    db.session.commit()
    return plan


@pytest.fixture
def make_guest(make_invitation, door_plan):
    """`make_guest(rsvp="accepted", status="guest", plan=door_plan, **fields)`: a committed invitation."""

    def make(rsvp=Rsvp.ACCEPTED, status=GuestStatus.GUEST, plan=None, **fields):
        extra = {key: fields.pop(key) for key in ("companions", "dietary", "notes") if key in fields}
        invitation = make_invitation(plan=plan or door_plan, **fields)
        invitation.rsvp, invitation.status = rsvp, status
        for key, value in extra.items():
            setattr(invitation, key, value)
        db.session.commit()
        return invitation

    return make


@pytest.fixture
def planner_actor(make_user, door_plan):
    user = make_user(roles=("planner",), name="王策划")
    return access.door_actor(door_plan, user)


@pytest.fixture
def scan(door_plan, planner_actor):
    """`scan(code, plan=door_plan, actor=planner_actor, nonce=None, **more)`: the service's Answer."""

    def run(code, plan=None, actor=None, nonce_=None, source=ScanSource.SCANNER, entrance="正门", **more):
        return services.check_in(plan or door_plan, code, nonce_ or nonce(), NOW, source, entrance,
                                 actor or planner_actor, **more)

    return run
