"""Who may use the budget routes (see tests/auth/test_route_access.py)."""
from tests.access import WHO, only

VIEWERS = only("admin", "planner", "manager")
EDITORS = only("admin", "planner")
# Steps that redirect back to the budget page (an empty form is refused with a message there).
EDITOR_STEPS = only("admin", "planner", allowed=302)
PAGE = "/events/plans/{plan_id}/budget"
LINE = PAGE + "/lines/{budget_line_id}"
# The API answers only to API tokens: the test clients send none, so 401 for all.
API = dict.fromkeys(WHO, 401)

ACCESS = {
    ("budget.plan_budget", "GET"): (PAGE, VIEWERS),
    ("budget.start", "POST"): (PAGE + "/start", EDITOR_STEPS),
    # An empty form shows the page again with the errors next to the fields.
    ("budget.add_line", "POST"): (PAGE + "/lines", EDITORS),
    ("budget.edit_line", "GET"): (LINE, EDITORS),
    ("budget.edit_line", "POST"): (LINE, EDITORS),
    ("budget.delete_line", "POST"): (LINE + "/delete", EDITOR_STEPS),
    ("budget.move_line", "POST"): (LINE + "/move", EDITOR_STEPS),
    ("budget.set_contingency", "POST"): (PAGE + "/contingency", EDITOR_STEPS),
    # Before the event day the page explains why; a POST goes back to the budget page.
    ("budget.actuals", "GET"): (PAGE + "/actuals", EDITORS),
    ("budget.actuals", "POST"): (PAGE + "/actuals", EDITOR_STEPS),
    ("budget.history", "GET"): (PAGE + "/history", VIEWERS),
    ("budget.export_xlsx", "GET"): (PAGE + "/budget.xlsx", VIEWERS),
    # Approval (tests/budget/test_approval_views.py): refusals go back to the panel with a message.
    ("budget.approvals", "GET"): ("/approvals", only("admin", "manager")),
    ("budget.submit_budget", "POST"): (PAGE + "/submit", EDITOR_STEPS),
    ("budget.withdraw_budget", "POST"): (PAGE + "/withdraw", EDITOR_STEPS),
    ("budget.approve_budget", "POST"): (PAGE + "/revisions/{budget_revision_id}/approve",
                                       only("admin", "manager", allowed=302)),
    ("budget.reject_budget", "POST"): (PAGE + "/revisions/{budget_revision_id}/reject",
                                      only("admin", "manager", allowed=302)),
    ("api_budget.get_budget", "GET"): ("/api/v1/plans/{plan_id}/budget", API),
    ("api_budget.submit_budget", "POST"): ("/api/v1/plans/{plan_id}/budget/submit", API),
    ("api_budget.approve_budget", "POST"): ("/api/v1/plans/{plan_id}/budget/approve", API),
    ("api_budget.reject_budget", "POST"): ("/api/v1/plans/{plan_id}/budget/reject", API),
}
