"""Submitting and deciding on a budget (app/budget/approvals.py): the checklist gate, one
or two approval levels, nobody deciding on their own submission, the lock of an approved
revision, the queue and the notices."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.budget import approvals
from app.budget import services as budgets
from app.budget.models import BudgetApproval, RevisionState
from app.core import clock
from app.core.errors import DomainError
from app.events import checklist
from app.events.plan_models import PlanActivity, PlanGoal, PlanState, RoleAssignment
from app.extensions import db
from app.notifications.models import Notification
from tests.conftest import SOURCE_BUDGET

TODAY = clock.today()
# The source's budget with a contingency of 9.5% of the other lines: fails the rule.
FAILING_BUDGET = SOURCE_BUDGET[:-1] + (("contingency", "应急备用金", "1", "项", "3990.00"),)


@pytest.fixture
def ready_plan(make_plan, make_budget, make_user):
    """`ready_plan(lines=SOURCE_BUDGET, lead=None)`: a plan whose checklist has no blocking item
    (a measurable goal, tiers, content, a project lead, channels) and a draft budget of `lines`."""

    def make(lines=SOURCE_BUDGET, lead=None, **fields):
        plan = make_plan(content="Results and cases", **fields)
        plan.channels = ["wechat"]
        plan.goals.append(PlanGoal(position=1, metric="nps", target=Decimal("65"),
                                   deadline=plan.event_day + timedelta(days=30)))
        lead = lead or make_user(roles=("planner",), name="Lead")
        db.session.add(RoleAssignment(plan_id=plan.id, role="project_lead", user_id=lead.id))
        db.session.commit()
        make_budget(plan=plan, lines=lines)
        return plan

    return make


@pytest.fixture
def people(make_user):
    class People:
        planner = make_user(roles=("planner",), name="Planner")
        manager = make_user(roles=("manager",), name="Manager")
        other_manager = make_user(roles=("manager",), name="Other manager")
        admin = make_user(roles=("admin",), name="Admin")
        other_admin = make_user(roles=("admin",), name="Other admin")
        both = make_user(roles=("planner", "manager"), name="Planner and manager")

    return People


def log(plan):
    return [(entry.action, entry.detail) for entry in db.session.scalars(
        select(PlanActivity).where(PlanActivity.plan_id == plan.id).order_by(PlanActivity.id))]


def submitted(plan, user):
    revision = approvals.submit(plan, user, TODAY)
    db.session.commit()
    return revision


def test_the_ready_plan_passes_its_checklist(ready_plan):
    assert checklist.review(ready_plan(), TODAY).passes


# ---------------------------------------------------------------- submitting


def test_submitting_marks_revision_and_plan_and_logs_it(ready_plan, people):
    plan = ready_plan()
    revision = submitted(plan, people.planner)
    assert (revision.state, plan.state, revision.submitted_by_id, revision.approvals_needed) == (
        "submitted", "submitted", people.planner.id, 1)
    assert revision.submitted_at is not None
    action, detail = log(plan)[-1]
    assert action == "plan.submit"
    assert detail | {"previous": "draft", "state": "submitted", "revision": 1, "total": "46200.00",
                     "approvals_needed": 1} == detail


@pytest.mark.parametrize("change, code", [
    ("budget", "budget"), ("lead", "project_lead"), ("content", "content"), ("channels", "promotion"),
])
def test_submission_is_refused_while_the_checklist_blocks(ready_plan, people, make_plan, change, code):
    plan = ready_plan(lines=FAILING_BUDGET) if change == "budget" else ready_plan()
    if change == "lead":
        db.session.query(RoleAssignment).filter_by(plan_id=plan.id).delete()
    elif change == "content":
        plan.content = ""
    elif change == "channels":
        plan.channels = []
    db.session.commit()
    with pytest.raises(approvals.SubmissionBlocked) as refused:
        approvals.submit(plan, people.planner, TODAY)
    assert code in [item.code for item in refused.value.items]
    assert str(refused.value.message).startswith("Before submitting, complete the checklist: ")
    db.session.rollback()
    assert plan.state == "draft" and budgets.current_revision(plan).state == "draft"


def test_only_planners_and_admins_submit_and_only_a_budget_that_exists(ready_plan, people, make_plan):
    with pytest.raises(DomainError, match="role"):
        approvals.submit(ready_plan(), people.manager, TODAY)
    with pytest.raises(DomainError, match="no budget"):
        approvals.submit(make_plan(), people.planner, TODAY)
    assert submitted(ready_plan(), people.admin).state == "submitted"


def test_a_submitted_budget_cannot_be_submitted_again(ready_plan, people):
    plan = ready_plan()
    submitted(plan, people.planner)
    with pytest.raises(DomainError, match="while the plan is submitted"):
        approvals.submit(plan, people.planner, TODAY)


# ---------------------------------------------------------------- deciding


def test_a_manager_approves_the_budget_and_with_it_the_plan(ready_plan, people):
    plan = ready_plan()
    revision = submitted(plan, people.planner)
    approvals.approve(revision, people.manager, "Fine")
    db.session.commit()
    assert (revision.state, plan.state) == ("approved", "approved")
    [approval] = revision.approvals
    assert (approval.level, approval.decision, approval.approver_id, approval.submitted_by_id, approval.comment) == (
        1, "approved", people.manager.id, people.planner.id, "Fine")
    action, detail = log(plan)[-1]
    assert action == "plan.approve" and detail["revision"] == 1 and detail["comment"] == "Fine"


def test_planners_and_staff_cannot_decide(ready_plan, people, make_user):
    revision = submitted(ready_plan(), people.planner)
    for user in (make_user(roles=("planner",)), make_user(roles=("staff",))):
        with pytest.raises(DomainError, match="Only managers and administrators"):
            approvals.approve(revision, user)
        with pytest.raises(DomainError, match="Only managers and administrators"):
            approvals.reject(revision, user, "No")
    assert revision.state == "submitted" and revision.approvals == []


def test_nobody_decides_on_their_own_submission(ready_plan, people):
    """A user with both roles may submit, but someone else decides."""
    plan = ready_plan()
    revision = submitted(plan, people.both)
    for decide in (lambda: approvals.approve(revision, people.both),
                   lambda: approvals.reject(revision, people.both, "Too dear")):
        with pytest.raises(DomainError, match="You submitted this budget"):
            decide()
    assert approvals.may_decide(revision, people.both)[0] is None
    assert approvals.may_decide(revision, people.manager) == (1, None)
    approvals.approve(revision, people.manager)
    assert plan.state == "approved"


def test_the_database_refuses_an_approval_of_ones_own_submission(ready_plan, people):
    revision = submitted(ready_plan(), people.both)
    db.session.add(BudgetApproval(revision_id=revision.id, level=1, approver_id=people.both.id,
                                  submitted_by_id=people.both.id, decision="approved"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_budget_that_is_not_waiting_cannot_be_decided(ready_plan, people):
    plan = ready_plan()
    revision = budgets.current_revision(plan)
    with pytest.raises(DomainError, match="not waiting"):
        approvals.approve(revision, people.manager)
    submitted(plan, people.planner)
    approvals.approve(revision, people.manager)
    with pytest.raises(DomainError, match="not waiting"):
        approvals.reject(revision, people.other_manager, "Changed my mind")


def test_rejecting_needs_a_comment_and_sends_the_plan_back(ready_plan, people):
    plan = ready_plan()
    revision = submitted(plan, people.planner)
    for blank in ("", "   "):
        with pytest.raises(DomainError) as refused:
            approvals.reject(revision, people.manager, blank)
        assert refused.value.field == "comment"
    with pytest.raises(DomainError, match="at most 2000"):
        approvals.reject(revision, people.manager, "x" * 2001)
    approvals.reject(revision, people.manager, "  Gifts are too dear.  ")
    db.session.commit()
    assert (revision.state, plan.state) == ("rejected", "rejected")
    assert revision.approvals[0].decision == "rejected" and revision.approvals[0].comment == "Gifts are too dear."
    assert log(plan)[-1][0] == "plan.reject" and log(plan)[-1][1]["comment"] == "Gifts are too dear."


def test_a_rejected_revision_is_edited_in_place_and_submitted_again(ready_plan, people):
    plan = ready_plan()
    revision = submitted(plan, people.planner)
    approvals.reject(revision, people.manager, "Less for gifts")
    db.session.commit()
    assert budgets.editable_revision(plan, people.planner) is revision  # same revision, no new number
    again = submitted(plan, people.planner)
    assert again is revision and revision.number == 1
    assert revision.approvals == [] and revision.state == "submitted"  # the decision is in the log
    assert [action for action, _ in log(plan)] == ["plan.submit", "plan.reject", "plan.submit"]
    approvals.approve(revision, people.manager)
    assert [(a.level, a.decision) for a in revision.approvals] == [(1, "approved")]


def test_an_approved_budget_is_locked_and_a_change_is_approved_again(ready_plan, people):
    plan = ready_plan()
    first = submitted(plan, people.planner)
    approvals.approve(first, people.manager)
    db.session.commit()
    second = budgets.editable_revision(plan, people.planner)
    db.session.commit()
    assert (second.number, second.state, plan.state, first.state) == (2, "draft", "draft", "approved")
    assert first.approvals[0].approver_id == people.manager.id  # who approved revision 1 is kept
    submitted(plan, people.planner)
    approvals.approve(second, people.other_manager)
    assert [revision.approvals[0].approver_id for revision in (first, second)] == [
        people.manager.id, people.other_manager.id]


def test_withdrawing_returns_the_budget_to_draft(ready_plan, people):
    plan = ready_plan()
    revision = submitted(plan, people.planner)
    approvals.withdraw(plan, people.planner)
    db.session.commit()
    assert (revision.state, plan.state, revision.submitted_by_id) == ("draft", "draft", None)
    action, detail = log(plan)[-1]
    assert action == "plan.reopen" and detail["withdrawn"] is True and detail["revision"] == 1
    with pytest.raises(DomainError, match="not waiting"):
        approvals.withdraw(plan, people.planner)


# ---------------------------------------------------------------- two levels


@pytest.fixture
def limit_40000(app):
    app.config["BUDGET_SECOND_APPROVAL_ABOVE"] = Decimal("40000.00")


def test_the_limit_is_configured_with_a_default(app):
    assert app.config["BUDGET_SECOND_APPROVAL_ABOVE"] == Decimal("100000.00")


def test_a_total_at_the_limit_needs_one_approval(app, ready_plan, people):
    app.config["BUDGET_SECOND_APPROVAL_ABOVE"] = Decimal("46200.00")
    assert submitted(ready_plan(), people.planner).approvals_needed == 1


def test_above_the_limit_an_administrator_gives_the_second_approval(limit_40000, ready_plan, people):
    plan = ready_plan()
    revision = submitted(plan, people.planner)
    assert revision.approvals_needed == 2
    approvals.approve(revision, people.manager, "OK from me")
    db.session.commit()
    assert (revision.state, plan.state) == ("submitted", "submitted")
    assert log(plan)[-1][0] == "budget.approved" and log(plan)[-1][1]["level"] == 1
    with pytest.raises(DomainError, match="administrator"):
        approvals.approve(revision, people.other_manager)
    approvals.approve(revision, people.admin)
    assert (revision.state, plan.state) == ("approved", "approved")
    assert [(a.level, a.approver_id) for a in revision.approvals] == [(1, people.manager.id), (2, people.admin.id)]


def test_the_second_approval_comes_from_someone_else(limit_40000, ready_plan, people):
    revision = submitted(ready_plan(), people.planner)
    approvals.approve(revision, people.admin)
    with pytest.raises(DomainError, match="first approval"):
        approvals.approve(revision, people.admin)
    approvals.reject(revision, people.other_admin, "Not this year")
    assert revision.state == "rejected" and revision.approvals[-1].level == 2


def test_withdrawing_drops_a_first_approval(limit_40000, ready_plan, people):
    plan = ready_plan()
    revision = submitted(plan, people.planner)
    approvals.approve(revision, people.manager)
    approvals.withdraw(plan, people.planner)
    db.session.commit()
    assert revision.approvals == [] and revision.state == "draft"


# ---------------------------------------------------------------- the queue


def test_the_queue_holds_what_each_approver_may_decide_now(limit_40000, ready_plan, people, app):
    small = ready_plan(lines=SOURCE_BUDGET[:1] + (("contingency", "应急", "1", "项", "800.00"),), title="Small")
    big = ready_plan(title="Big")
    own = ready_plan(title="Own")
    submitted(small, people.planner)
    big_revision = submitted(big, people.planner)
    submitted(own, people.both)

    def titles(user):
        return [item.plan.title for item in approvals.queue(user)]

    assert titles(people.manager) == ["Small", "Big", "Own"]
    assert titles(people.both) == ["Small", "Big"]
    assert titles(people.planner) == [] and approvals.waiting_count(people.planner) == 0
    approvals.approve(big_revision, people.manager)
    db.session.commit()
    assert titles(people.manager) == ["Small", "Own"] and titles(people.other_manager) == ["Small", "Own"]
    assert titles(people.admin) == ["Small", "Big", "Own"]
    [big_item] = [item for item in approvals.queue(people.admin) if item.plan.title == "Big"]
    assert big_item.level == 2 and big_item.check.total == Decimal("46200.00") and big_item.check.passes
    assert approvals.waiting_count(people.admin) == 3 and approvals.waiting_count(people.manager) == 2


def test_a_cancelled_plan_leaves_the_queue(ready_plan, people):
    from app.events import workflow

    plan = ready_plan()
    revision = submitted(plan, people.planner)
    workflow.take_on_plan_page(plan, "cancel", people.planner, TODAY, "Venue closed")
    db.session.commit()
    assert approvals.queue(people.manager) == []
    with pytest.raises(DomainError, match="not waiting"):
        approvals.approve(revision, people.manager)


def test_the_queue_runs_a_fixed_number_of_queries(ready_plan, people, count_queries):
    def fresh():
        db.session.expire_all()
        return people.manager.roles  # the approver is loaded, their queue is not

    submitted(ready_plan(), people.planner)
    fresh()
    with count_queries() as one:
        assert len(approvals.queue(people.manager)) == 1
    for _ in range(3):
        submitted(ready_plan(), people.planner)
    fresh()
    with count_queries() as four:
        assert len(approvals.queue(people.manager)) == 4
    assert len(four) == len(one) <= 3


def test_recent_decisions_are_newest_first(ready_plan, people):
    first = submitted(ready_plan(title="First"), people.planner)
    approvals.approve(first, people.manager)
    second = submitted(ready_plan(title="Second"), people.planner)
    approvals.reject(second, people.manager, "No")
    db.session.commit()
    rows = approvals.recent_decisions()
    assert [(plan.title, approval.decision) for approval, revision, plan in rows] == [
        ("Second", "rejected"), ("First", "approved")]


# ---------------------------------------------------------------- notices


def notices_of(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


def test_a_submission_tells_the_approvers_and_a_decision_the_submitter_and_the_leads(app, ready_plan, people,
                                                                                    make_user):
    lead = make_user(roles=("staff",), name="Lead")
    plan = ready_plan(lead=lead, title="Gala")
    with app.test_request_context():
        revision = approvals.submit(plan, people.both, TODAY)
        waiting = approvals.announce(revision, people.both)
    assert {n.user_id for n in waiting} == {people.manager.id, people.other_manager.id, people.admin.id,
                                            people.other_admin.id}  # not the submitter, not planners
    assert waiting[0].kind == "budget_waiting" and waiting[0].link == "/approvals"
    assert waiting[0].params == {"plan": "Gala", "revision": 1, "total": "¥46,200.00",
                                 "submitter": "Planner and manager"}
    with app.test_request_context():
        approvals.reject(revision, people.manager, "Too dear")
        decided = approvals.announce(revision, people.manager)
    assert {n.user_id for n in decided} == {people.both.id, lead.id}
    assert decided[0].kind == "budget_rejected" and decided[0].params["comment"] == "Too dear"
    assert decided[0].link == f"/events/plans/{plan.id}/budget#approval"


def test_a_first_approval_tells_the_other_administrators(app, limit_40000, ready_plan, people):
    revision = submitted(ready_plan(), people.planner)
    approvals.approve(revision, people.admin)
    with app.test_request_context():
        notices = approvals.announce(revision, people.admin)
    assert [(n.user_id, n.kind) for n in notices] == [(people.other_admin.id, "budget_second_approval")]


def test_the_email_of_a_notice_goes_to_active_readers_only(app, make_user, outbox):
    from app.budget.tasks import email_budget_notice
    from app.notifications import services as notices

    reader, gone = make_user(name="Reader"), make_user(name="Gone")
    params = {"plan": "Gala", "revision": 1, "approver": "Li", "comment": "Fine"}
    kept, dropped = (notices.notify([user], "budget_approved", params, "/events/plans/1/budget")[0]
                     for user in (reader, gone))
    gone.active = False
    db.session.commit()
    assert email_budget_notice.delay(dropped.id).get() is None
    assert email_budget_notice.delay(kept.id).get()
    [mail] = outbox()
    assert mail["Subject"] == "Your budget was approved" and "Reader" in mail["To"]
    body = mail.get_body(("plain",)).get_content()
    assert "Li approved the budget of “Gala” (revision 1)." in body and "Comment: Fine" in body
    assert "http://rapport.test/events/plans/1/budget" in body


def test_a_plan_reopened_by_an_edit_submits_its_budget_as_the_next_revision(ready_plan, people):
    """The approved revision keeps its approval on record; the same lines go up again."""
    from app.events.plans import update_plan

    plan = ready_plan()
    first = submitted(plan, people.planner)
    approvals.approve(first, people.manager, "Fine")
    db.session.commit()
    assert update_plan(plan, people.planner, venue="另一个宴会厅") == ["venue"]
    assert plan.state == PlanState.DRAFT
    second = submitted(plan, people.planner)
    assert (second.number, second.state, plan.state) == (2, RevisionState.SUBMITTED, PlanState.SUBMITTED)
    assert (first.state, [a.approver_id for a in first.approvals]) == (RevisionState.APPROVED, [people.manager.id])
    assert [(line.category, line.amount) for line in second.lines] == [(line.category, line.amount) for line in first.lines]
