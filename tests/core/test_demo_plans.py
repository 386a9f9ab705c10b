"""The demo plans: one ready to submit, one waiting for the manager, one that took place."""
from sqlalchemy import select

from app.budget import services as budgets
from app.core import clock
from app.core import demo
from app.events import checklist
from app.events.plan_models import Plan
from app.extensions import db


def test_demo_plans_show_each_stage_and_load_once(app):

    demo.load()
    demo.load()
    plans = {plan.title: plan for plan in db.session.scalars(select(Plan))}
    assert len(plans) == 3
    banquet, training, family = (plans["2026 年度 VIP 客户答谢晚宴"], plans["成长型客户产品应用培训"],
                                 plans["老客户家庭开放日"])
    assert (banquet.state, training.state, family.state) == ("draft", "submitted", "completed")
    assert checklist.review(banquet, clock.today()).passes
    check = budgets.overview(banquet).check
    assert (str(check.base), str(check.contingency), str(check.total), check.passes) == (
        "42000.00", "4200.00", "46200.00", True)
    assert str(budgets.actual_cost(family)) == "18230.00"


def test_the_demo_banquet_has_a_guest_list_with_answers(app):
    from app.invitations import dashboard
    from app.invitations.models import Invitation

    demo.load()
    banquet = db.session.scalar(select(Plan).where(Plan.title == "2026 年度 VIP 客户答谢晚宴"))
    guests = db.session.scalars(select(Invitation).where(Invitation.plan_id == banquet.id)).all()
    assert guests and {guest.tier for guest in guests} == {"high_value"}
    answers = [guest.rsvp for guest in guests]
    assert answers.count("accepted") == 4 and answers.count("declined") == 4
    assert sum(guest.opened_at is not None for guest in guests) == 12
    total = dashboard.funnel(banquet.id).total
    assert (total.opened, total.accepted, total.declined) == (12, 4, 4)
