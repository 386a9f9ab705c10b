"""The demo plans: one waiting for the manager with its invitations out, one ready to submit,
one that took place; each with a past that holds together, dated before today."""
from datetime import datetime, time

from sqlalchemy import select

from app.auth.services import get_by_email
from app.budget import services as budgets
from app.core import clock
from app.core import demo
from app.events import checklist, roles
from app.events.plan_models import Plan, PlanActivity
from app.extensions import db
from app.invitations import dashboard, sending
from app.invitations.models import Invitation

BANQUET, TRAINING, FAMILY_DAY = "2026 年度 VIP 客户答谢晚宴", "成长型客户产品应用培训", "老客户家庭开放日"


def _plans():
    demo.load()
    return {plan.title: plan for plan in db.session.scalars(select(Plan))}


def test_demo_plans_show_each_stage_and_load_once(app):
    demo.load()
    plans = _plans()
    assert len(plans) == 3
    banquet, training, family = plans[BANQUET], plans[TRAINING], plans[FAMILY_DAY]
    assert (banquet.state, training.state, family.state) == ("submitted", "draft", "completed")
    assert checklist.review(training, clock.today()).passes
    check = budgets.overview(banquet).check
    assert (str(check.base), str(check.contingency), str(check.total), check.passes) == (
        "42000.00", "4200.00", "46200.00", True)
    assert str(budgets.actual_cost(family)) == "18230.00"


def test_the_demo_banquet_sent_every_invitation_before_guests_answered(app):
    banquet = _plans()[BANQUET]
    guests = db.session.scalars(select(Invitation).where(Invitation.plan_id == banquet.id)).all()
    assert guests and {guest.tier for guest in guests} == {"high_value"}
    answers = [guest.rsvp for guest in guests]
    assert answers.count("accepted") == 4 and answers.count("declined") == 4
    total = dashboard.funnel(banquet.id).total
    assert (total.opened, total.accepted, total.declined) == (12, 4, 4)
    # Nobody with an e-mail address is still waiting for the invitation ...
    assert sending.waiting_count(banquet.id) == 0
    submitted = budgets.current_revision(banquet).submitted_at
    for guest in guests:
        if guest.opened_at or guest.rsvp != "pending":
            # ... and whoever opened or answered had been sent it, after the budget went up.
            assert guest.invited_at is not None and submitted < guest.invited_at
            assert guest.opened_at.date() <= (guest.responded_at or guest.opened_at).date() < clock.today()


def test_the_demo_family_day_was_approved_before_it_took_place_and_its_tasks_were_done(app):
    family = _plans()[FAMILY_DAY]
    before_event = datetime.combine(family.event_day, time(0))
    revision = budgets.current_revision(family)
    assert revision.submitted_at < before_event
    assert [approval.decided_at < before_event for approval in revision.approvals] == [True]
    assert family.tasks and all(task.status == "done" for task in family.tasks)
    for task in family.tasks:
        assert task.done_at.date() <= task.due_on and task.done_at.date() < clock.today()
        if task.due_on <= family.event_day:  # the preparation was done by the time the guests came
            assert task.done_at < datetime.combine(family.event_day, family.start_time)
    log = {entry.action: entry.at for entry in db.session.scalars(
        select(PlanActivity).where(PlanActivity.plan_id == family.id).order_by(PlanActivity.id))}
    assert log["plan.approve"] < before_event < log["plan.complete"]
    assert all(at.date() < clock.today() for at in log.values())


def test_no_demo_user_has_overdue_tasks(app):
    _plans()
    for email, *_rest in demo.DEMO_ACCOUNTS:
        assert [entry for entry in roles.my_tasks(get_by_email(email), clock.today()) if entry.overdue] == []


def test_the_english_planner_is_on_the_banquets_team(app):
    banquet = _plans()[BANQUET]
    emma = get_by_email("emma@rapport.demo")
    team = roles.assignments_by_role(banquet)
    assert emma.locale == "en" and any(a.user_id == emma.id for assigned in team.values() for a in assigned)


def test_the_demo_plans_speak_to_english_guests_in_english(app):
    from email import policy
    from email.parser import BytesParser

    from app.invitations import messages
    from app.invitations.services import settings_for

    plans = _plans()
    for plan in plans.values():
        assert plan.title_en and plan.venue_en and plan.content_en
        assert plan.address and plan.address_en and plan.dress_code and plan.dress_code_en
    banquet = plans[BANQUET]
    english = db.session.scalars(select(Invitation).where(Invitation.plan_id == banquet.id,
                                                          Invitation.locale == "en")).all()
    assert english and any(guest.rsvp != "pending" for guest in english)  # one of them has answered
    raw = bytes(messages.invitation_message(english[0], settings_for(banquet), "invitation"))
    message = BytesParser(policy=policy.default).parsebytes(raw)
    text = message.get_body(("plain",)).get_content()
    assert message["Subject"] == "Invitation: 2026 VIP Customer Appreciation Gala"
    assert "2 Zhongshan East 1st Road" in text and "Business formal" in text and "答谢" not in text
