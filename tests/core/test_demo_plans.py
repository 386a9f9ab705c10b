"""The demo plans: one ready to submit, one waiting for the manager, one that took place."""
from sqlalchemy import select

from app.budget import services as budgets
from app.core import demo
from app.events import checklist
from app.events.plan_models import Plan
from app.extensions import db


def test_demo_plans_show_each_stage_and_load_once(app):
    from datetime import date

    demo.load()
    demo.load()
    plans = {plan.title: plan for plan in db.session.scalars(select(Plan))}
    assert len(plans) == 3
    banquet, training, family = (plans["2026 年度 VIP 客户答谢晚宴"], plans["成长型客户产品应用培训"],
                                 plans["老客户家庭开放日"])
    assert (banquet.state, training.state, family.state) == ("draft", "submitted", "completed")
    assert checklist.review(banquet, date.today()).passes
    check = budgets.overview(banquet).check
    assert (str(check.base), str(check.contingency), str(check.total), check.passes) == (
        "42000.00", "4200.00", "46200.00", True)
    assert str(budgets.actual_cost(family)) == "18230.00"
