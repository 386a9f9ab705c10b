"""The revision history: what changed between revisions, their totals, who decided."""
from decimal import Decimal
from types import SimpleNamespace

from app.budget.history import compare
from app.budget.models import BudgetApproval
from app.extensions import db
from tests.budget.conftest import line_form


def line(category, description, amount, position, **fields):
    values = {"quantity": Decimal(1), "unit": "", "unit_price": Decimal(amount), "amount": Decimal(amount),
              "note": "", **fields}
    return SimpleNamespace(id=position, category=category, description=description, position=position, **values)


def test_lines_are_matched_by_what_they_are_not_by_place():
    before = [line("venue", "场地", "8000", 1), line("gifts", "礼品", "500", 2), line("catering", "茶歇", "900", 3),
              line("contingency", "应急", "940", 4)]
    after = [line("gifts", "礼品", "500", 1), line("venue", "场地", "9000", 2),
             line("contingency", "应急备用金", "990", 3), line("promotion", "短信", "100", 4)]
    added, removed, changed = compare(before, after)
    assert [item.description for item in added] == ["短信"]
    assert [item.description for item in removed] == ["茶歇"]
    assert [(change.after.description, change.fields) for change in changed] == [
        ("场地", ("unit_price", "amount")),
        ("应急备用金", ("description", "unit_price", "amount")),  # the one contingency line, renamed
    ]


def test_a_renamed_line_in_the_same_place_is_a_change_and_repeats_pair_in_order():
    before = [line("catering", "午餐", "100", 1), line("catering", "午餐", "200", 2)]
    after = [line("catering", "自助午餐", "100", 1), line("catering", "午餐", "250", 2)]
    added, removed, changed = compare(before, after)
    assert (added, removed) == ([], [])
    assert [(change.before.amount, change.after.amount, change.fields) for change in changed] == [
        (Decimal("100"), Decimal("100"), ("description",)),
        (Decimal("200"), Decimal("250"), ("unit_price", "amount")),
    ]


def test_the_history_page_shows_the_changes_totals_and_decisions(planner, plan, make_budget, make_user, lines_of):
    manager = make_user(roles=("manager",), name="李经理")
    first = make_budget(plan=plan, state="approved", submitted_by_id=planner.user.id)
    db.session.add(BudgetApproval(revision_id=first.id, level=1, approver_id=manager.id,
                                  submitted_by_id=planner.user.id, decision="approved", comment="注意控制礼品费用"))
    plan.state = "approved"
    db.session.commit()
    venue, materials = first.lines[0], first.lines[1]
    planner.post(f"/events/plans/{plan.id}/budget/lines/{venue.id}",
                 data=line_form("venue", venue.description, "1", "项", "9000"))
    copy = lines_of(plan)[1]  # the materials line in revision 2
    assert copy.description == materials.description and copy.revision_id != first.id
    planner.post(f"/events/plans/{plan.id}/budget/lines/{copy.id}/delete")
    planner.post(f"/events/plans/{plan.id}/budget/lines", data=line_form("promotion", "朋友圈广告", "1", "项", "1500"))

    response = planner.get(f"/events/plans/{plan.id}/budget/history")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    newest, oldest = page.split('data-testid="revision-entry"')[1:]
    assert "Revision 2" in newest and 'data-change="added"' in newest and "朋友圈广告" in newest
    assert 'data-change="removed"' in newest and materials.description in newest
    assert "<del>¥8,000.00</del> → <ins>¥9,000.00</ins>" in newest
    assert "total ¥43,700.00" in newest and "Total -¥2,500.00" in newest  # 46,200 + 1,000 - 5,000 + 1,500
    assert "No decision yet." in newest
    assert "Revision 1" in oldest and "The first revision, with 8 lines." in oldest
    assert "Approved by 李经理" in oldest and "注意控制礼品费用" in oldest


def test_the_history_runs_a_fixed_number_of_queries(planner, plan, make_budget, make_user, count_queries):
    manager = make_user(roles=("manager",))

    def queries():
        with count_queries() as statements:
            assert planner.get(f"/events/plans/{plan.id}/budget/history").status_code == 200
        return len(statements)

    revision = make_budget(plan=plan, state="approved")
    db.session.add(BudgetApproval(revision_id=revision.id, level=1, approver_id=manager.id, decision="approved"))
    db.session.commit()
    one = queries()
    for number in (2, 3, 4):
        revision = make_budget(plan=plan, number=number, state="approved")
        db.session.add(BudgetApproval(revision_id=revision.id, level=1, approver_id=manager.id, decision="approved"))
    db.session.commit()
    assert queries() == one
