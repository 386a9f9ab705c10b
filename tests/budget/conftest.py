"""Fixtures of the budget tests: a plan whose event type has no default lines (so a budget
holds exactly the lines a test posts), a planner's client, and posting lines through the
web form."""
from datetime import timedelta

import pytest

from app.budget.models import BudgetLine, BudgetRevision
from app.core import clock
from app.extensions import db


@pytest.fixture
def plan(make_plan, make_event_type):
    return make_plan(event_type=make_event_type(), expected_guests=50, title="客户答谢晚宴")


@pytest.fixture
def past_plan(make_plan, make_event_type):
    """A plan whose event day was yesterday."""
    return make_plan(event_type=make_event_type(), event_day=clock.today() - timedelta(days=1), expected_guests=40)


@pytest.fixture
def planner(client_as):
    """A planner's client (English pages); `.user` is the planner."""
    return client_as("planner", locale="en")


def line_form(category, description, quantity, unit, unit_price, note=""):
    return {"category": category, "description": description, "quantity": quantity, "unit": unit,
            "unit_price": unit_price, "note": note}


@pytest.fixture
def post_lines():
    """`post_lines(client, plan, rows)`: adds (category, description, quantity, unit, unit price)
    rows through the add-line form; returns the last response."""

    def post(client, plan, rows):
        response = None
        for row in rows:
            response = client.post(f"/events/plans/{plan.id}/budget/lines", data=line_form(*row))
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    return post


@pytest.fixture
def lines_of():
    """`lines_of(plan)`: the lines of the plan's newest revision, read afresh from the database."""

    def read(plan):
        db.session.expire_all()
        revision = db.session.scalar(db.select(BudgetRevision).where(BudgetRevision.plan_id == plan.id)
                                     .order_by(BudgetRevision.number.desc()).limit(1))
        return db.session.scalars(db.select(BudgetLine).where(BudgetLine.revision_id == revision.id)
                                  .order_by(BudgetLine.position, BudgetLine.id)).all()

    return read
