"""Decisions are made on what the decider saw: an approval carries the budget it was made on
(page and API) and is refused when the budget changed since; two planners saving the same
budget line do not silently undo each other (optimistic locking)."""
import re
from decimal import Decimal

from app.budget import approvals, lines
from app.budget import services as budgets
from app.budget.models import BudgetLine
from app.core import clock
from app.extensions import db
from tests.budget.test_approvals import people, ready_plan  # noqa: F401  (fixtures)
from tests.conftest import new_api, sign_in


def hidden(page, name):
    return re.search(rf'name="{name}" (?:type="hidden" )?value="([^"]*)"', page).group(1)


def raise_and_resubmit(plan, planner, total_factor="10"):
    """The planner withdraws the waiting budget, raises its first line and submits it again:
    the same revision number, another budget."""
    approvals.withdraw(plan, planner)
    line = budgets.current_revision(plan).lines[0]
    values = {field: getattr(line, field) for field in lines.FIELDS}
    lines.update_line(plan, planner, line, {**values, "unit_price": line.unit_price * Decimal(total_factor)})
    lines.set_contingency(plan, planner)
    approvals.submit(plan, planner, approvals_today())
    db.session.commit()


def approvals_today():
    return clock.today()


def test_an_approval_from_a_page_showing_the_old_budget_is_refused(app, ready_plan, people):
    plan = ready_plan()
    approvals.submit(plan, people.planner, approvals_today())
    db.session.commit()
    revision = budgets.current_revision(plan)
    seen_total = budgets.check(revision).total
    manager = sign_in(app.test_client(), people.manager)
    old_page = manager.get(f"/events/plans/{plan.id}/budget?lang=en").get_data(as_text=True)
    seen = hidden(old_page, "seen")
    assert seen.startswith(f"{seen_total}:")

    raise_and_resubmit(plan, people.planner)
    revision = budgets.current_revision(plan)
    assert revision.number == 1 and revision.state == "submitted"
    new_total = budgets.check(revision).total
    assert new_total > seen_total

    response = manager.post(f"/events/plans/{plan.id}/budget/revisions/{revision.id}/approve",
                            data={"comment": "OK", "seen": seen}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The budget changed after you opened it" in page
    assert f"{seen_total:,}" in page and f"{new_total:,}" in page
    db.session.expire_all()
    assert plan.state == "submitted" and revision.state == "submitted" and revision.approvals == []

    # The page now shows the new budget; approving from it works.
    fresh = hidden(manager.get(f"/events/plans/{plan.id}/budget").get_data(as_text=True), "seen")
    assert fresh != seen and fresh.startswith(f"{new_total}:")
    manager.post(f"/events/plans/{plan.id}/budget/revisions/{revision.id}/approve", data={"seen": fresh})
    db.session.expire_all()
    assert [approval.decision for approval in revision.approvals] == ["approved"]


def test_a_rejection_from_an_old_page_is_refused_too(app, ready_plan, people):
    plan = ready_plan()
    approvals.submit(plan, people.planner, approvals_today())
    db.session.commit()
    seen = approvals.fingerprint(budgets.current_revision(plan))
    raise_and_resubmit(plan, people.planner, "2")
    revision = budgets.current_revision(plan)
    manager = sign_in(app.test_client(), people.manager)
    manager.post(f"/events/plans/{plan.id}/budget/revisions/{revision.id}/reject",
                 data={"comment": "Too much", "seen": seen})
    db.session.expire_all()
    assert revision.state == "submitted" and revision.approvals == []


def test_an_api_approval_carrying_an_old_budget_is_refused_with_the_new_figures(app, ready_plan, people):
    plan = ready_plan()
    approvals.submit(plan, people.planner, approvals_today())
    db.session.commit()
    api = new_api(app, name="OA", acts_for=people.manager)
    read = api.get(f"/api/v1/plans/{plan.id}/budget").get_json()
    raise_and_resubmit(plan, people.planner)

    response = api.post(f"/api/v1/plans/{plan.id}/budget/approve", json={"comment": "OK", "seen": read["seen"]})
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"][0]["field"] == "seen"
    new_total = budgets.check(budgets.current_revision(plan)).total
    assert f"{Decimal(read['total']):,}" in body["error"] and f"{new_total:,}" in body["error"]
    db.session.expire_all()
    assert plan.state == "submitted"

    now = api.get(f"/api/v1/plans/{plan.id}/budget").get_json()
    assert now["total"] == str(new_total)
    approved = api.post(f"/api/v1/plans/{plan.id}/budget/approve", json={"seen": now["seen"]})
    assert approved.status_code == 200 and [a["decision"] for a in approved.get_json()["approvals"]] == ["approved"]


def test_the_fingerprint_follows_the_lines_and_the_submission(ready_plan, people):
    plan = ready_plan()
    revision = budgets.current_revision(plan)
    draft = approvals.fingerprint(revision)
    approvals.submit(plan, people.planner, approvals_today())
    submitted = approvals.fingerprint(revision)
    assert submitted != draft  # submitted at a time
    approvals.withdraw(plan, people.planner)
    approvals.submit(plan, people.planner, approvals_today())
    db.session.flush()
    assert approvals.fingerprint(revision) not in (draft, submitted)


def line_page(client, plan, line):
    return client.get(f"/events/plans/{plan.id}/budget/lines/{line.id}").get_data(as_text=True)


def line_values(line, **changes):
    values = {"category": line.category, "description": line.description, "quantity": str(line.quantity),
              "unit": line.unit, "unit_price": str(line.unit_price), "note": line.note}
    return {**values, **changes}


def test_the_second_save_of_a_budget_line_does_not_restore_the_old_price(app, make_budget, people):
    revision = make_budget()
    plan, line = revision.plan, revision.lines[0]
    old_price = line.unit_price
    first, second = (sign_in(app.test_client(), people.planner), sign_in(app.test_client(), people.admin))
    version_first = hidden(line_page(first, plan, line), "version")
    version_second = hidden(line_page(second, plan, line), "version")

    assert first.post(f"/events/plans/{plan.id}/budget/lines/{line.id}",
                      data=line_values(line, unit_price="999.00", version=version_first)).status_code == 302
    # The second planner changed the note and saves the price they loaded.
    response = second.post(f"/events/plans/{plan.id}/budget/lines/{line.id}?lang=en",
                           data=line_values(line, unit_price=str(old_price), note="Checked with the venue",
                                            version=version_second))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else changed this while you were editing it." in page
    assert "Checked with the venue" in page  # what they typed is kept
    assert 'data-testid="line-now"' in page and "999.00" in page
    db.session.expire_all()
    line = db.session.get(BudgetLine, line.id)
    assert line.unit_price == Decimal("999.00") and line.note == ""

    # Saving again from the refused form (it carries the current version) applies their entries.
    retry = hidden(page, "version")
    assert second.post(f"/events/plans/{plan.id}/budget/lines/{line.id}",
                       data=line_values(line, note="Checked with the venue", version=retry)).status_code == 302
    db.session.expire_all()
    assert (line.unit_price, line.note) == (Decimal("999.00"), "Checked with the venue")


def test_a_line_form_older_than_the_next_revision_is_refused_not_lost(app, ready_plan, people):
    """On an approved budget the first save starts the next revision; the second editor's form
    still names the approved revision's line."""
    plan = ready_plan()
    approvals.submit(plan, people.planner, approvals_today())
    approvals.approve(budgets.current_revision(plan), people.manager)
    db.session.commit()
    line = budgets.current_revision(plan).lines[0]
    first, second = (sign_in(app.test_client(), people.planner), sign_in(app.test_client(), people.admin))
    version = hidden(line_page(second, plan, line), "version")
    first.post(f"/events/plans/{plan.id}/budget/lines/{line.id}", data=line_values(line, unit_price="999.00",
                                                                                   version=version))
    response = second.post(f"/events/plans/{plan.id}/budget/lines/{line.id}?lang=en",
                           data=line_values(line, note="mine", version=version))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Someone else changed this" in page and "mine" in page
    db.session.expire_all()
    assert budgets.current_revision(plan).lines[0].unit_price == Decimal("999.00")


def test_the_line_service_refuses_an_old_version(make_budget, people):
    import pytest

    from app.core.versions import ChangedMeanwhile

    revision = make_budget()
    plan, line = revision.plan, revision.lines[0]
    lines.update_line(plan, people.planner, line, line_values(line, unit_price="10.00"), seen_version=1)
    db.session.commit()
    with pytest.raises(ChangedMeanwhile):
        lines.update_line(plan, people.planner, line, line_values(line, unit_price="20.00"), seen_version=1)
