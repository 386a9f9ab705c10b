"""What the pages, the printed plan, the calendars and the budget call the events' phases, team
roles, budget categories, plan and task states, channels, goal metrics and plan fields; LABELS and
PLAN_LABELS are the dicts the templates get."""
from flask_babel import lazy_gettext as _l

from app.customers.labels import TIER_LABELS
from app.events.models import BudgetCategory, OwnerRole, Phase
from app.events.plan_models import Channel, GoalMetric, PlanState, TaskStatus
from app.events.plans import EDITABLE_STATES, TEMPLATE_STEPS

PHASE_LABELS = {
    Phase.PREPARATION: _l("Preparation"),
    Phase.EXECUTION: _l("Execution"),
    Phase.REVIEW: _l("Review"),
}
ROLE_LABELS = {
    OwnerRole.PROJECT_LEAD: _l("Project lead"),
    OwnerRole.CUSTOMER_TEAM: _l("Customer team"),
    OwnerRole.PLANNING_TEAM: _l("Planning team"),
    OwnerRole.EXECUTION_TEAM: _l("Execution team"),
    OwnerRole.PUBLICITY_TEAM: _l("Publicity team"),
    OwnerRole.DOOR_STAFF: _l("Door staff"),
}
CATEGORY_LABELS = {
    BudgetCategory.VENUE: _l("Venue rental"),
    BudgetCategory.MATERIALS: _l("Materials"),
    BudgetCategory.GIFTS: _l("Gifts"),
    BudgetCategory.PERSONNEL: _l("Personnel"),
    BudgetCategory.CATERING: _l("Catering"),
    BudgetCategory.PROMOTION: _l("Promotion"),
}
STATE_LABELS = {
    PlanState.DRAFT: _l("Draft"),
    PlanState.SUBMITTED: _l("Submitted"),
    PlanState.APPROVED: _l("Approved"),
    PlanState.REJECTED: _l("Rejected"),
    PlanState.COMPLETED: _l("Completed"),
    PlanState.REVIEWED: _l("Reviewed"),
    PlanState.CANCELLED: _l("Cancelled"),
}
STATUS_LABELS = {TaskStatus.OPEN: _l("Open"), TaskStatus.DONE: _l("Done")}
CHANNEL_LABELS = {
    Channel.WECHAT: _l("WeChat official account"),
    Channel.COMMUNITY: _l("Community groups"),
    Channel.SMS: _l("SMS"),
    Channel.EMAIL: _l("E-mail"),
    Channel.PHONE: _l("Phone"),
    Channel.VISIT: _l("Visits"),
}
METRIC_LABELS = {
    GoalMetric.REPURCHASE_RATE: _l("Repurchase rate"),
    GoalMetric.CHURN_RATE: _l("Churn rate"),
    GoalMetric.ATTENDANCE_RATE: _l("Attendance rate"),
    GoalMetric.NPS: _l("NPS"),
    GoalMetric.CSAT: _l("CSAT"),
    GoalMetric.REVENUE: _l("Revenue"),
}
# The fields the activity log names: the plan's (plan.edited) and a budget line's (budget.line_changed).
FIELD_LABELS = {
    # plan fields (plan.edited)
    "title": _l("Plan title"), "tiers": _l("Target tiers"), "target_industries": _l("Industries"),
    "target_tags": _l("Tags"), "expected_guests": _l("Expected guests"), "capacity": _l("Capacity"),
    "event_day": _l("Event day"), "start_time": _l("Start time"), "venue": _l("Venue"), "online": _l("Online event"),
    "content": _l("Content and run of show"), "principles": _l("Principles"), "promotion": _l("Promotion and invitations"),
    "onsite": _l("On-site execution"), "evaluation": _l("Evaluation plan"), "channels": _l("Promotion channels"),
    "title_en": _l("Title in English"), "venue_en": _l("Venue in English"),
    "content_en": _l("Content and run of show in English"),
    "address": _l("Address"), "address_en": _l("Address in English"),
    "dress_code": _l("Dress code"), "dress_code_en": _l("Dress code in English"),
    # budget line fields (budget.line_changed)
    "category": _l("Category"), "description": _l("Description"), "quantity": _l("Quantity"), "unit": _l("Unit"),
    "unit_price": _l("Unit price"), "amount": _l("Amount"), "note": _l("Note"),
}

LABELS = {"tier_labels": TIER_LABELS, "phase_labels": PHASE_LABELS, "role_labels": ROLE_LABELS,
          "category_labels": CATEGORY_LABELS}
# The plan pages' and the printed plan's: the template's step titles, and the states a plan is edited in.
PLAN_LABELS = {**LABELS, "state_labels": STATE_LABELS, "status_labels": STATUS_LABELS,
               "channel_labels": CHANNEL_LABELS, "metric_labels": METRIC_LABELS, "step_titles": TEMPLATE_STEPS,
               "editable_states": EDITABLE_STATES}
