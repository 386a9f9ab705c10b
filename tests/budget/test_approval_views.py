"""The approval panel of the budget page, the managers' queue, the menu's badge, and the
notices (bell, list, e-mail) that the steps send."""
import re

from app.budget import services as budgets
from app.extensions import db
from app.notifications.models import Notification
from tests.budget.test_approvals import FAILING_BUDGET, limit_40000, people, ready_plan  # noqa: F401  (fixtures)
from tests.conftest import sign_in


def client_for(app, user):
    return sign_in(app.test_client(), user)


def budget_page(client, plan):
    return client.get(f"/events/plans/{plan.id}/budget").get_data(as_text=True)


def submit(client, plan):
    return client.post(f"/events/plans/{plan.id}/budget/submit")


def decide(client, plan, decision, comment=""):
    revision = budgets.current_revision(plan)
    return client.post(f"/events/plans/{plan.id}/budget/revisions/{revision.id}/{decision}", data={"comment": comment})


def test_the_panel_lists_what_blocks_submission_with_links(app, ready_plan, people):
    plan = ready_plan(lines=FAILING_BUDGET)
    page = budget_page(client_for(app, people.planner), plan)
    panel = page[page.index('data-testid="approval-panel"'):]
    assert 'data-testid="submit-blocked"' in panel
    assert "The budget passes the contingency rule" in panel
    assert re.search(r'<button type="button" class="btn btn-primary" disabled data-testid="submit-budget"', panel)
    assert f'action="/events/plans/{plan.id}/budget/submit"' not in panel
    planner = client_for(app, people.planner)
    response = submit(planner, plan)
    assert response.status_code == 302 and response.location.endswith(f"/events/plans/{plan.id}/budget#approval")
    assert "Before submitting, complete the checklist: The budget passes the contingency rule." in budget_page(
        planner, plan)
    db.session.expire_all()
    assert plan.state == "draft"


def test_submitting_tells_the_managers_in_the_app_and_by_email(app, ready_plan, people, make_user, outbox):
    manager = make_user(roles=("manager",), name="李经理", email="li@example.com", locale="zh")
    plan = ready_plan(title="VIP dinner")
    planner = client_for(app, people.planner)
    page = budget_page(planner, plan)
    assert f'action="/events/plans/{plan.id}/budget/submit"' in page and 'data-testid="submit-blocked"' not in page
    response = submit(planner, plan)
    assert response.status_code == 302
    db.session.expire_all()
    assert plan.state == "submitted"
    assert "Budget revision 1 was submitted for approval." in budget_page(planner, plan)
    notice = db.session.query(Notification).filter_by(user_id=manager.id).one()
    assert notice.kind == "budget_waiting"
    mails = {message["To"]: message for message in outbox()}
    assert len(mails) == 6  # every manager and administrator: the five of `people` and `manager`
    mail = next(message for to, message in mails.items() if "li@example.com" in to)
    body = mail.get_body(("plain",)).get_content()
    assert "李经理，您好" in body  # the reader's language
    assert "VIP dinner" in body and "¥46,200.00" in body and "http://rapport.test/approvals" in body


def test_the_queue_shows_what_waits_and_the_menu_counts_it(app, ready_plan, people):
    plan = ready_plan(title="VIP dinner")
    submit(client_for(app, people.planner), plan)
    manager = client_for(app, people.manager)
    page = manager.get("/approvals").get_data(as_text=True)
    assert page.count('data-testid="queue-item"') == 1
    row = page[page.index('data-testid="queue-item"'):page.index("</tr>", page.index('data-testid="queue-item"'))]
    assert "VIP dinner" in row and "¥46,200.00" in row and 'data-testid="rule-passes"' in row and "Planner" in row
    assert "10.00%" in row
    assert re.search(r'Approvals <span class="badge[^"]*" data-testid="badge-budget.approvals">1</span>', page)
    planner_page = client_for(app, people.planner).get("/").get_data(as_text=True)
    assert "/approvals" not in planner_page


def test_a_manager_approves_from_the_panel_and_the_planner_is_told(app, ready_plan, people, make_user, outbox):
    lead = make_user(roles=("staff",), name="Lead", email="lead@example.com")
    plan = ready_plan(lead=lead)
    submit(client_for(app, people.planner), plan)
    manager = client_for(app, people.manager)
    page = budget_page(manager, plan)
    assert 'data-testid="decision-form"' in page and 'data-testid="submit-budget"' not in page
    response = decide(manager, plan, "approve", "Go ahead")
    assert response.status_code == 302
    db.session.expire_all()
    assert plan.state == "approved" and budgets.current_revision(plan).state == "approved"
    page = budget_page(manager, plan)
    assert "You approved the budget, and with it the plan." in page and "Go ahead" in page
    new = [message for message in outbox() if message["Subject"] == "Your budget was approved"]
    assert sorted(message["To"].addresses[0].addr_spec for message in new) == sorted(
        [people.planner.email, "lead@example.com"])
    assert "Go ahead" in new[0].get_body(("plain",)).get_content()
    planner = client_for(app, people.planner)
    assert re.search(r'data-testid="unread-count">1<', planner.get("/").get_data(as_text=True))


def test_a_user_with_both_roles_cannot_approve_their_own_submission_on_the_page(app, ready_plan, people):
    plan = ready_plan()
    both = client_for(app, people.both)
    submit(both, plan)
    db.session.expire_all()
    assert plan.state == "submitted"
    page = budget_page(both, plan)
    assert 'data-testid="decision-form"' not in page
    assert "You submitted this budget: someone else must decide on it." in page
    assert "/approvals" in page and "budget/revisions" not in page
    assert both.get("/approvals").get_data(as_text=True).count('data-testid="queue-item"') == 0
    response = decide(both, plan, "approve")
    assert response.status_code == 302
    db.session.expire_all()
    assert plan.state == "submitted" and budgets.current_revision(plan).approvals == []
    assert "You submitted this budget" in budget_page(both, plan)


def test_planners_cannot_approve(app, ready_plan, people):
    plan = ready_plan()
    submit(client_for(app, people.planner), plan)
    assert decide(client_for(app, people.planner), plan, "approve").status_code == 403
    assert 'data-testid="decision-form"' not in budget_page(client_for(app, people.planner), plan)
    db.session.expire_all()
    assert plan.state == "submitted"


def test_rejecting_needs_a_comment_and_the_planner_reads_it(app, ready_plan, people):
    plan = ready_plan()
    planner = client_for(app, people.planner)
    submit(planner, plan)
    manager = client_for(app, people.manager)
    decide(manager, plan, "reject", "  ")
    assert "Say why the budget is rejected" in budget_page(manager, plan)
    decide(manager, plan, "reject", "x" * 2001)
    assert "Field cannot be longer than 2000 characters." in budget_page(manager, plan)
    db.session.expire_all()
    assert plan.state == "submitted"
    decide(manager, plan, "reject", "Fewer gifts, please.")
    db.session.expire_all()
    assert plan.state == "rejected"
    page = budget_page(planner, plan)
    assert "Rejected by Manager" in page and "Fewer gifts, please." in page
    assert f'action="/events/plans/{plan.id}/budget/submit"' in page  # submitted again once changed
    notices = planner.get("/notifications").get_data(as_text=True)
    assert "Manager rejected the budget of “Plan” (revision 1)." in notices and "Fewer gifts, please." in notices
    assert 'data-testid="unread-count"' not in planner.get("/").get_data(as_text=True)  # read now


def test_a_planner_withdraws_a_submitted_budget(app, ready_plan, people):
    plan = ready_plan()
    planner = client_for(app, people.planner)
    submit(planner, plan)
    assert 'data-testid="withdraw-budget"' in budget_page(planner, plan)
    response = planner.post(f"/events/plans/{plan.id}/budget/withdraw")
    assert response.status_code == 302
    db.session.expire_all()
    assert plan.state == "draft" and budgets.current_revision(plan).state == "draft"
    assert "withdrawn from approval" in budget_page(planner, plan)


def test_the_second_approval_is_marked_for_administrators(app, limit_40000, ready_plan, people):
    plan = ready_plan()
    submit(client_for(app, people.planner), plan)
    decide(client_for(app, people.manager), plan, "approve")
    admin = client_for(app, people.admin)
    queue = admin.get("/approvals").get_data(as_text=True)
    assert queue.count('data-testid="queue-item"') == 1 and "second approval" in queue
    page = budget_page(admin, plan)
    assert 'data-testid="decision-form"' in page and "Approved by Manager" in page
    assert client_for(app, people.other_manager).get("/approvals").get_data(as_text=True).count(
        'data-testid="queue-item"') == 0


def test_the_queue_page_runs_a_fixed_number_of_queries(app, ready_plan, people, count_queries):
    planner = client_for(app, people.planner)
    manager = client_for(app, people.manager)
    submit(planner, ready_plan())
    manager.get("/approvals")
    with count_queries() as one:
        manager.get("/approvals")
    for _ in range(3):
        plan = ready_plan()
        submit(planner, plan)
        decide(manager, plan, "approve")
    for _ in range(3):
        submit(planner, ready_plan())
    with count_queries() as more:
        page = manager.get("/approvals").get_data(as_text=True)
    assert page.count('data-testid="queue-item"') == 4 and page.count('data-testid="decision"') == 3
    assert len(more) == len(one)


def test_notices_are_listed_newest_first_in_the_readers_language(app, ready_plan, people):
    plan = ready_plan(title="Gala")
    submit(client_for(app, people.planner), plan)
    manager = client_for(app, people.manager)
    page = manager.get("/notifications").get_data(as_text=True)
    assert page.count('data-testid="notice"') == 1 and "notice-unread" in page
    assert "Planner submitted the budget of “Gala” (revision 1, ¥46,200.00): it waits for your approval." in page
    again = manager.get("/notifications").get_data(as_text=True)
    assert "notice-unread" not in again and again.count('data-testid="notice"') == 1
    assert "No notices yet" in client_for(app, people.planner).get("/notifications").get_data(as_text=True)


def test_two_approvers_deciding_at_once_get_a_message_not_an_error(app, limit_40000, ready_plan, people, monkeypatch):
    """The second of two simultaneous first approvals meets the unique (revision, level)."""
    from app.budget import approvals

    plan = ready_plan()
    submit(client_for(app, people.planner), plan)
    decide(client_for(app, people.manager), plan, "approve")
    monkeypatch.setattr(approvals, "decision_level", lambda revision, user: 1)  # as if it had not seen the first
    other = client_for(app, people.admin)
    response = decide(other, plan, "reject", "No")
    assert response.status_code == 302
    assert "Someone else decided on this budget at the same moment" in budget_page(other, plan)
    db.session.expire_all()
    assert plan.state == "submitted" and [a.decision for a in budgets.current_revision(plan).approvals] == ["approved"]
