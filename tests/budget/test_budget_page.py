"""The budget page through the web form: the source's example, the rule's boundaries, the
one-click fix, the lines' editing and its audit, locking, and a fixed query count."""
from decimal import Decimal

import pytest

from app.budget import lines
from app.budget.models import BudgetLine, BudgetRevision
from app.core.errors import DomainError
from app.events.plan_models import PlanActivity
from app.extensions import db
from tests.budget.conftest import line_form
from tests.conftest import SOURCE_BUDGET

RANGE = "between ¥4,200.00 and ¥6,300.00"
SIX_LINES = [row for row in SOURCE_BUDGET if row[0] != "contingency"]


def page_of(client, plan):
    response = client.get(f"/events/plans/{plan.id}/budget")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def figure(page, key):
    start = page.index(f'data-testid="figure-{key}">') + len(f'data-testid="figure-{key}">')
    return page[start:page.index("<", start)]


def actions(plan):
    return db.session.scalars(db.select(PlanActivity).where(PlanActivity.plan_id == plan.id)
                              .order_by(PlanActivity.id)).all()


def test_the_source_example_passes_through_the_form(planner, plan, post_lines):
    post_lines(planner, plan, SOURCE_BUDGET)
    page = page_of(planner, plan)
    assert 'data-passes="yes"' in page
    assert figure(page, "base") == "¥42,000.00"
    assert figure(page, "contingency") == "¥4,200.00"
    assert figure(page, "ratio") == "10.00%"
    assert figure(page, "total") == "¥46,200.00"
    assert figure(page, "per-guest") == "¥924.00"  # 46,200 / 50 expected guests
    assert page.count('data-testid="line"') == 8
    assert "¥10,000.00" in page  # catering: 50 people x ¥200.00


@pytest.mark.parametrize("contingency, passes, ratio", [
    ("4199.99", False, "9.99%"),
    ("4200.00", True, "10.00%"),
    ("6300.00", True, "15.00%"),
    ("6300.01", False, "15.01%"),  # rounded away from the bound it missed
])
def test_the_boundaries_through_the_form(planner, plan, post_lines, contingency, passes, ratio):
    post_lines(planner, plan, [*SIX_LINES, ("contingency", "应急备用金", "1", "项", contingency)])
    page = page_of(planner, plan)
    assert f'data-passes="{"yes" if passes else "no"}"' in page
    assert figure(page, "ratio") == ratio
    assert (RANGE in page) is not passes
    assert ('data-testid="fix-contingency"' in page) is not passes


def test_editing_the_contingency_line_moves_the_budget_across_the_bounds(planner, plan, post_lines, lines_of):
    post_lines(planner, plan, SOURCE_BUDGET)
    reserve = lines_of(plan)[-1]
    url = f"/events/plans/{plan.id}/budget/lines/{reserve.id}"
    for amount, passes in (("6300.01", "no"), ("6300.00", "yes"), ("4199.99", "no")):
        response = planner.post(url, data=line_form("contingency", "应急备用金", "1", "项", amount))
        assert response.status_code == 302
        assert f'data-passes="{passes}"' in page_of(planner, plan)


def test_a_budget_without_a_contingency_line_fails_and_one_click_adds_it(planner, plan, post_lines, lines_of):
    post_lines(planner, plan, SIX_LINES)
    page = page_of(planner, plan)
    assert 'data-passes="no"' in page
    assert "no contingency reserve" in page and RANGE in page
    assert "Set contingency to 10% (¥4,200.00)" in page

    response = planner.post(f"/events/plans/{plan.id}/budget/contingency", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The contingency reserve is now ¥4,200.00" in page
    assert 'data-passes="yes"' in page
    reserve = lines_of(plan)[-1]
    assert (reserve.category, reserve.quantity, reserve.unit_price, reserve.amount) == (
        "contingency", Decimal("1.00"), Decimal("4200.00"), Decimal("4200.00"))


def test_one_click_sets_an_existing_contingency_line_to_ten_percent_rounded_up(planner, plan, post_lines, lines_of):
    post_lines(planner, plan, [("venue", "场地", "3", "天", "333.33"), ("contingency", "应急", "2", "项", "1.00")])
    planner.post(f"/events/plans/{plan.id}/budget/contingency")
    rows = lines_of(plan)
    assert len(rows) == 2
    assert rows[1].amount == Decimal("100.00")  # 10% of 999.99 is 99.999: to the cent, upwards, so it passes


def test_a_second_contingency_line_is_refused_next_to_the_category(planner, plan, post_lines, lines_of):
    post_lines(planner, plan, SOURCE_BUDGET)
    response = planner.post(f"/events/plans/{plan.id}/budget/lines",
                            data=line_form("contingency", "Second reserve", "1", "", "100"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The budget already has a contingency line" in page
    assert 'value="Second reserve"' in page  # what was typed is kept
    assert len(lines_of(plan)) == 8


@pytest.mark.parametrize("field, value, message", [
    ("quantity", "1.005", "Use at most two decimal places."),
    ("unit_price", "-1", "Enter a number from 0 to 100,000,000."),
    ("unit_price", "NaN", "Enter a number, such as 1200.50."),
    ("unit_price", "sNaN", "Enter a number, such as 1200.50."),
    ("quantity", "1e400", "Enter a number from 0 to 1,000,000."),
    ("quantity", "", "Enter the quantity."),
    ("description", "  ", "Describe the line."),
    ("category", "travel", "Not a valid choice"),
])
def test_bad_input_is_shown_next_to_the_field_and_kept(planner, plan, field, value, message):
    data = {**line_form("venue", "场地", "1", "项", "8000"), field: value}
    response = planner.post(f"/events/plans/{plan.id}/budget/lines", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert db.session.scalar(db.select(db.func.count(BudgetLine.id))) == 0


def test_thousands_separators_and_the_yuan_sign_are_accepted(planner, plan, lines_of):
    planner.post(f"/events/plans/{plan.id}/budget/lines", data=line_form("gifts", "礼品", "1", "份", "¥12,000.50"))
    assert lines_of(plan)[0].unit_price == Decimal("12000.50")


def test_an_amount_too_large_for_the_database_is_refused(planner, plan):
    response = planner.post(f"/events/plans/{plan.id}/budget/lines",
                            data=line_form("venue", "场地", "1000000", "天", "100000000"))
    assert "The amount, quantity × unit price, is too large." in response.get_data(as_text=True)


def test_every_change_is_in_the_activity_log(planner, plan, post_lines, lines_of):
    post_lines(planner, plan, [("venue", "场地", "1", "天", "8000"), ("gifts", "礼品", "50", "份", "200")])
    venue, gifts = lines_of(plan)
    planner.post(f"/events/plans/{plan.id}/budget/lines/{venue.id}",
                 data=line_form("venue", "场地", "2", "天", "8000", note="两天"))
    planner.post(f"/events/plans/{plan.id}/budget/lines/{gifts.id}/move", data={"direction": "up"})
    planner.post(f"/events/plans/{plan.id}/budget/contingency")
    planner.post(f"/events/plans/{plan.id}/budget/lines/{gifts.id}/delete")

    log = actions(plan)
    assert [entry.action for entry in log] == [
        "budget.started", "budget.line_added", "budget.line_added", "budget.line_changed", "budget.line_moved",
        "budget.contingency_set", "budget.line_removed",
    ]
    assert all(entry.user_id == planner.user.id for entry in log)
    added = log[2].detail
    assert (added["line"], added["category"], added["quantity"], added["unit_price"], added["amount"]) == (
        "礼品", "gifts", "50.00", "200.00", "10000.00")
    assert log[3].detail["changes"] == {"quantity": ["1.00", "2.00"], "amount": ["8000.00", "16000.00"],
                                        "note": ["", "两天"]}
    assert log[4].detail == {"revision": 1, "line": "礼品", "position": 1, "previous": 2}
    assert log[5].detail == {"revision": 1, "amount": "2600.00", "previous": None, "base": "26000.00"}
    assert log[6].detail == {"revision": 1, "line": "礼品", "category": "gifts", "amount": "10000.00"}


def test_saving_a_line_unchanged_logs_nothing(planner, plan, post_lines, lines_of):
    post_lines(planner, plan, [("venue", "场地", "1", "天", "8000")])
    line = lines_of(plan)[0]
    planner.post(f"/events/plans/{plan.id}/budget/lines/{line.id}", data=line_form("venue", "场地", "1.00", "天", "8000.00"))
    assert [entry.action for entry in actions(plan)][-1] == "budget.line_added"


def test_lines_move_up_and_down_and_the_ends_stay(planner, plan, post_lines, lines_of):
    post_lines(planner, plan, [("venue", "A", "1", "", "1"), ("gifts", "B", "1", "", "1"), ("catering", "C", "1", "", "1")])
    a, b, c = lines_of(plan)
    planner.post(f"/events/plans/{plan.id}/budget/lines/{c.id}/move", data={"direction": "up"})
    assert [line.description for line in lines_of(plan)] == ["A", "C", "B"]
    planner.post(f"/events/plans/{plan.id}/budget/lines/{a.id}/move", data={"direction": "up"})
    planner.post(f"/events/plans/{plan.id}/budget/lines/{b.id}/move", data={"direction": "down"})
    assert [line.description for line in lines_of(plan)] == ["A", "C", "B"]
    planner.post(f"/events/plans/{plan.id}/budget/lines/{a.id}/move", data={"direction": "down"})
    assert [line.description for line in lines_of(plan)] == ["C", "A", "B"]
    response = planner.post(f"/events/plans/{plan.id}/budget/lines/{a.id}/move", data={"direction": "sideways"},
                            follow_redirects=True)
    assert "Move a line up or down." in response.get_data(as_text=True)


def test_starting_from_the_event_types_defaults_adds_ten_percent(client_as, make_plan, make_event_type, lines_of):
    client = client_as("planner", locale="en")
    event_type = make_event_type(budget_lines=[("venue", "1", "8000"), ("catering", "50", "200.10")])
    plan = make_plan(event_type=event_type)
    assert 'data-testid="start-budget"' in page_of(client, plan)
    assert "No budget yet" in client.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    client.post(f"/events/plans/{plan.id}/budget/start")
    rows = lines_of(plan)
    assert [(row.category, row.amount) for row in rows] == [
        ("venue", Decimal("8000.00")), ("catering", Decimal("10005.00")), ("contingency", Decimal("1800.50"))]
    assert 'data-passes="yes"' in page_of(client, plan)
    response = client.post(f"/events/plans/{plan.id}/budget/start", follow_redirects=True)
    assert "This plan already has a budget." in response.get_data(as_text=True)


def test_a_submitted_revision_is_read_only(planner, plan, make_budget):
    revision = make_budget(plan=plan, state="submitted")
    plan.state = "submitted"
    db.session.commit()
    page = page_of(planner, plan)
    assert 'data-testid="read-only"' in page and "withdraw it before changing it" in page
    assert 'data-testid="add-line"' not in page and "/move" not in page and "/delete" not in page
    response = planner.post(f"/events/plans/{plan.id}/budget/lines", data=line_form("venue", "场地", "1", "天", "1"),
                            follow_redirects=True)
    assert "withdraw it before changing it" in response.get_data(as_text=True)
    assert planner.get(f"/events/plans/{plan.id}/budget/lines/{revision.lines[0].id}").status_code == 302
    db.session.expire_all()
    assert len(db.session.get(BudgetRevision, revision.id).lines) == 8


def test_changing_an_approved_budget_starts_the_next_revision(planner, plan, make_budget, lines_of):
    approved = make_budget(plan=plan, state="approved")
    plan.state = "approved"
    db.session.commit()
    venue = approved.lines[0]
    edit = planner.get(f"/events/plans/{plan.id}/budget/lines/{venue.id}").get_data(as_text=True)
    assert "saving starts revision 2, which needs approval again" in edit

    response = planner.post(f"/events/plans/{plan.id}/budget/lines/{venue.id}",
                            data=line_form("venue", "宴会场地", "1", "项", "9000"))
    assert response.status_code == 302
    rows = lines_of(plan)
    assert response.headers["Location"].endswith(f"#line-{rows[0].id}")
    assert rows[0].revision_id != approved.id and rows[0].unit_price == Decimal("9000.00")
    db.session.refresh(plan)
    assert plan.state == "draft"
    assert db.session.get(BudgetRevision, approved.id).lines[0].unit_price == Decimal("8000.00")
    # The approved revision's lines are history now: not editable through the page.
    assert planner.get(f"/events/plans/{plan.id}/budget/lines/{venue.id}").status_code == 404


def test_lines_of_another_plan_are_not_found(planner, plan, make_budget):
    other = make_budget()
    line = other.lines[0]
    for method, suffix in (("GET", ""), ("POST", "/delete"), ("POST", "/move")):
        assert planner.open(f"/events/plans/{plan.id}/budget/lines/{line.id}{suffix}", method=method).status_code == 404
    assert planner.get("/events/plans/999999/budget").status_code == 404


def test_managers_see_the_budget_but_not_the_controls(client_as, plan, make_budget):
    make_budget(plan=plan)
    page = page_of(client_as("manager", locale="en"), plan)
    assert page.count('data-testid="line"') == 8
    assert 'data-testid="add-line"' not in page and "/delete" not in page and 'data-testid="fix-contingency"' not in page


def test_the_plan_page_card_summarises_the_budget(planner, plan, make_budget):
    make_budget(plan=plan, lines=[*SIX_LINES, ("contingency", "应急备用金", "1", "项", "6300.01")])
    page = planner.get(f"/events/plans/{plan.id}").get_data(as_text=True)
    card = page[page.index('id="budget"'):]
    card = card[:card.index("</section>")]
    assert "Revision 1 · Draft" in card
    assert figure(card, "total") == "¥48,300.01" and figure(card, "ratio") == "15.01%"
    assert RANGE in card
    assert f'href="/events/plans/{plan.id}/budget"' in card


def test_the_budget_page_runs_the_same_queries_for_5_and_200_lines(planner, make_plan, make_event_type, make_budget,
                                                                    count_queries):
    def queries(count):
        plan = make_plan(event_type=make_event_type(), expected_guests=50)
        rows = [("catering", f"餐饮 {n}", "2", "人", "100.50") for n in range(count - 1)]
        revision = make_budget(plan=plan, lines=[*rows, ("contingency", "应急", "1", "", "2010.00")])
        for n, line in enumerate(revision.lines):
            line.actual_amount = line.amount + n % 3 - 1  # some over budget
        revision.state = "approved"
        db.session.commit()
        planner.get(f"/events/plans/{plan.id}/budget")
        with count_queries() as statements:
            page = page_of(planner, plan)
        assert page.count('data-testid="line"') == count
        return len(statements)

    assert queries(5) == queries(200)


def test_the_database_backs_the_one_contingency_rule(plan, make_user, monkeypatch):
    """Two requests adding a contingency line at once: the unique index refuses the second."""
    user = make_user()
    reserve = line_form("contingency", "应急备用金", "1", "", "100")
    lines.add_line(plan, user, reserve)
    monkeypatch.setattr(lines, "_ensure_one_contingency", lambda *args: None)  # as if not yet seen
    with pytest.raises(DomainError) as refused:
        lines.add_line(plan, user, reserve)
    assert refused.value.field == "category"
    db.session.rollback()
