"""A plan edited after approval: back to draft, resubmitted in one step with its approved
budget, and its approver sees what changed since the approved version (plan fields, goals,
team, timeline and budget), from the snapshot kept at approval."""
from datetime import timedelta
from decimal import Decimal

from app.budget import approvals, lines, snapshot
from app.budget import services as budgets
from app.core import clock
from app.events import goals, roles
from app.events.plans import update_plan
from app.extensions import db
from tests.budget.test_approvals import people, ready_plan  # noqa: F401  (fixtures)
from tests.conftest import sign_in

TODAY = clock.today()


def approved_plan(ready_plan, people):
    plan = ready_plan(venue="国际会议中心")
    approvals.submit(plan, people.planner, TODAY)
    approvals.approve(budgets.current_revision(plan), people.manager)
    db.session.commit()
    return plan


def test_approval_keeps_a_snapshot_of_the_plan_and_its_budget(ready_plan, people):
    plan = approved_plan(ready_plan, people)
    kept = budgets.current_revision(plan).approved_snapshot
    assert kept["plan"]["venue"] == "国际会议中心"
    assert kept["budget"]["total"] == str(budgets.check(budgets.current_revision(plan)).total)
    assert kept["team"] == [["project_lead", "Lead"]]
    assert kept["goals"][0][1] == "nps" and len(kept["timeline"]) == len(plan.tasks)


def test_a_plan_edited_after_approval_is_resubmitted_in_one_step(app, ready_plan, people):
    plan = approved_plan(ready_plan, people)
    planner = sign_in(app.test_client(), people.planner)
    update_plan(plan, people.planner, venue="静安酒店")
    db.session.commit()
    assert plan.state == "draft" and budgets.current_revision(plan).state == "approved"

    page = planner.get(f"/events/plans/{plan.id}?lang=en").get_data(as_text=True)
    assert 'data-testid="submit-plan"' in page and f'action="/events/plans/{plan.id}/budget/submit"' in page
    budget_page = planner.get(f"/events/plans/{plan.id}/budget?lang=en").get_data(as_text=True)
    assert 'data-testid="submit-budget"' in budget_page and "The plan changed after this budget was approved" in (
        budget_page)
    assert "静安酒店" in budget_page[budget_page.index('data-testid="changes-since-approval"'):]

    response = planner.post(f"/events/plans/{plan.id}/budget/submit")
    assert response.status_code == 302
    db.session.expire_all()
    revision = budgets.current_revision(plan)
    assert plan.state == "submitted" and (revision.number, revision.state) == (2, "submitted")


def test_the_approver_sees_what_changed_since_the_approved_version(app, ready_plan, people, make_user):
    plan = approved_plan(ready_plan, people)
    update_plan(plan, people.planner, venue="静安酒店", expected_guests=80,
                event_day=plan.event_day + timedelta(days=7))
    goals.add_goal(plan, people.planner, text="新客户转化", metric="revenue", target=Decimal("50000"),
                   deadline=plan.event_day + timedelta(days=60))
    roles.assign(plan, "publicity_team", make_user(roles=("planner",), name="王宣传"), people.planner)
    line = lines.update_line(plan, people.planner, budgets.current_revision(plan).lines[0],
                             {**{field: getattr(budgets.current_revision(plan).lines[0], field)
                                 for field in lines.FIELDS}, "quantity": Decimal("2")})
    lines.set_contingency(plan, people.planner)
    approvals.submit(plan, people.planner, TODAY)
    db.session.commit()

    manager = sign_in(app.test_client(), people.manager)
    page = manager.get(f"/events/plans/{plan.id}/budget?lang=en").get_data(as_text=True)
    changes = page[page.index('data-testid="changes-since-approval"'):page.index('data-testid="decision-form"')]
    assert "Changes since the approval of revision 1" in changes
    assert "国际会议中心" in changes and "静安酒店" in changes  # venue, before and after
    assert "Expected guests" in changes and "Event day" in changes
    assert "新客户转化" in changes  # the new goal
    assert "Publicity team: 王宣传" in changes  # the team
    assert "Timeline" in changes  # the tasks moved with the event day
    assert line.description in changes and 'data-testid="changed-total"' in changes

    zh = manager.get(f"/events/plans/{plan.id}/budget?lang=zh").get_data(as_text=True)
    assert "自第 1 版批准以来的变化" in zh


def test_an_unchanged_resubmission_says_so(ready_plan, people):
    plan = approved_plan(ready_plan, people)
    revision = budgets.current_revision(plan)
    changes = snapshot.since_approval(plan, revision, revision)
    assert changes is not None and not changes


def test_budgets_approved_before_snapshots_show_no_comparison(ready_plan, people):
    plan = approved_plan(ready_plan, people)
    revision = budgets.current_revision(plan)
    revision.approved_snapshot = None
    assert snapshot.since_approval(plan, revision, revision) is None
