"""Who may use the event routes (see tests/auth/test_route_access.py)."""
from tests.access import SIGNED_IN, WHO, only

VIEWERS = only("admin", "planner", "manager")
# The API answers only to API tokens: the test clients send none, so 401 for all.
API = dict.fromkeys(WHO, 401)

ACCESS = {
    ("events.types", "GET"): ("/events/types", VIEWERS),
    ("events.new_type", "GET"): ("/events/types/new", only("admin")),
    ("events.new_type", "POST"): ("/events/types/new", only("admin")),
    ("events.edit_type", "GET"): ("/events/types/{event_type_id}/edit", only("admin")),
    ("events.edit_type", "POST"): ("/events/types/{event_type_id}/edit", only("admin", allowed=302)),
    ("events.recommend", "GET"): ("/events/recommend?tier=high_value&tier=churn_risk&type=banquet", VIEWERS),
    ("events.plans", "GET"): ("/events/plans", VIEWERS),
    ("events.new_plan", "GET"): ("/events/plans/new", only("admin", "planner")),
    ("events.new_plan", "POST"): ("/events/plans/new", only("admin", "planner")),
    ("events.plan", "GET"): ("/events/plans/{plan_id}", VIEWERS),
    ("events.plan_ics", "GET"): ("/events/plans/{plan_id}/plan.ics", VIEWERS),
    ("events.plan_pdf", "GET"): ("/events/plans/{plan_id}/plan.pdf", VIEWERS),
    ("events.copy_plan", "GET"): ("/events/plans/{plan_id}/copy", only("admin", "planner")),
    ("events.copy_plan", "POST"): ("/events/plans/{plan_id}/copy", only("admin", "planner")),
    ("events.move_plan", "POST"): ("/events/plans/{plan_id}/move", only("admin", "planner", allowed=302)),
    # Others may update only the tasks of a role they hold on the plan (tests/events/test_my_tasks.py).
    ("events.plan_task", "POST"): ("/events/plans/{plan_id}/tasks/{plan_task_id}", only("admin", "planner", allowed=302)),
    ("events.add_role", "POST"): ("/events/plans/{plan_id}/roles", only("admin", "planner", allowed=302)),
    ("events.remove_role", "POST"): ("/events/plans/{plan_id}/roles/{role_assignment_id}/remove",
                                     only("admin", "planner", allowed=302)),
    ("events.my_tasks", "GET"): ("/events/my-tasks", {"anonymous": 302, **SIGNED_IN}),
    ("events.edit_plan", "GET"): ("/events/plans/{plan_id}/edit", only("admin", "planner")),
    ("events.edit_plan", "POST"): ("/events/plans/{plan_id}/edit", only("admin", "planner")),
    ("events.new_goal", "GET"): ("/events/plans/{plan_id}/goals", only("admin", "planner")),
    ("events.new_goal", "POST"): ("/events/plans/{plan_id}/goals", only("admin", "planner")),
    ("events.edit_goal", "GET"): ("/events/plans/{plan_id}/goals/{plan_goal_id}", only("admin", "planner")),
    # An empty POST saves the goal unchanged (the form falls back to its saved values).
    ("events.edit_goal", "POST"): ("/events/plans/{plan_id}/goals/{plan_goal_id}", only("admin", "planner", allowed=302)),
    ("events.remove_goal", "POST"): ("/events/plans/{plan_id}/goals/{plan_goal_id}/remove",
                                     only("admin", "planner", allowed=302)),
    # The personal calendar feed answers only to a valid token; an unknown one is a 404 for all.
    ("events.calendar_feed", "GET"): ("/events/calendar/1.unknown-token.ics", dict.fromkeys(WHO, 404)),
    ("events.reset_calendar_link", "POST"): ("/events/calendar/link", dict.fromkeys(WHO, 302)),
    # The step's own rules (role, state, reason) refuse with a message on the plan page.
    ("events.plan_step", "POST"): ("/events/plans/{plan_id}/steps/cancel", only("admin", "planner", "manager", allowed=302)),
    ("api_events.list_plans", "GET"): ("/api/v1/plans", API),
    ("api_events.get_plan_json", "GET"): ("/api/v1/plans/{plan_id}", API),
    ("api_events.create_plan_json", "POST"): ("/api/v1/plans", API),
}
