"""A plan's goals (template step 1): SMART goals that name a metric Rapport can measure
after the event, with a target and a deadline; free-text goals are kept but are not
measurable. Changes follow the plan's editing rule (`plans.begin_change`)."""
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError
from app.core.formatting import day
from app.core.versions import expect_version, flush
from app.events import activity
from app.events.plan_models import GoalMetric, PlanGoal
from app.events.plans import begin_change
from app.extensions import db

CENT = Decimal("0.01")
MAX_TEXT = 500
RATES = (GoalMetric.REPURCHASE_RATE, GoalMetric.CHURN_RATE, GoalMetric.ATTENDANCE_RATE)
# The range of a baseline or target: rates and CSAT in % / points of 100, NPS in points,
# revenue in CNY up to what the column holds.
BOUNDS = {
    **dict.fromkeys(RATES, (Decimal(0), Decimal(100))),
    GoalMetric.CSAT: (Decimal(0), Decimal(100)),
    GoalMetric.NPS: (Decimal(-100), Decimal(100)),
    GoalMetric.REVENUE: (Decimal(0), Decimal("999999999999.99")),
}
FIELDS = ("text", "metric", "baseline", "target", "deadline")


def _figure(metric, value, field):
    if value is None:
        return None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise DomainError(_l("Enter a number."), field)
    low, high = BOUNDS[metric]
    if not low <= value <= high:
        if metric == GoalMetric.REVENUE:
            raise DomainError(_l("Enter an amount of 0 or more."), field)
        raise DomainError(_l("Enter a value from %(low)s to %(high)s.", low=low, high=high), field)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _cleaned(plan, text, metric, baseline, target, deadline):
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise DomainError(_l("A goal has at most %(count)s characters.", count=MAX_TEXT), "text")
    metric = metric or None
    if metric is None:
        if not text:
            raise DomainError(_l("Describe the goal, or choose the metric it moves."), "text")
        if (baseline, target, deadline) != (None, None, None):
            raise DomainError(_l("Choose the metric that the baseline, target and deadline measure."), "metric")
        return {"text": text, "metric": None, "baseline": None, "target": None, "deadline": None}
    if metric not in BOUNDS:
        raise DomainError(_l("Unknown metric."), "metric")
    metric = GoalMetric(metric)
    if target is None:
        raise DomainError(_l("Enter the target."), "target")
    if deadline is None:
        raise DomainError(_l("Enter the deadline."), "deadline")
    if deadline < plan.event_day:
        raise DomainError(_l("The deadline is on or after the event day (%(day)s).",
                             day=day(plan.event_day)), "deadline")
    return {"text": text, "metric": metric.value, "baseline": _figure(metric, baseline, "baseline"),
            "target": _figure(metric, target, "target"), "deadline": deadline}


def _logged(goal):
    return {"text": goal.text, "metric": goal.metric, "target": goal.target,
            "deadline": goal.deadline.isoformat() if goal.deadline else None}


def add_goal(plan, user, text="", metric=None, baseline=None, target=None, deadline=None):
    values = _cleaned(plan, text, metric, baseline, target, deadline)
    begin_change(plan, user)
    goal = PlanGoal(position=max((goal.position for goal in plan.goals), default=0) + 1, **values)
    plan.goals.append(goal)
    db.session.flush()
    activity.record(plan, user, "goal.added", **_logged(goal))
    return goal


def update_goal(plan, goal, user, text="", metric=None, baseline=None, target=None, deadline=None,
                seen_version=None):
    """Returns whether anything changed. `seen_version`: the goal's version the form was made
    from (refused when someone changed the goal meanwhile)."""
    expect_version(goal, seen_version)
    values = _cleaned(plan, text, metric, baseline, target, deadline)
    if all(getattr(goal, field) == value for field, value in values.items()):
        return False
    begin_change(plan, user)
    for field, value in values.items():
        setattr(goal, field, value)
    flush()
    activity.record(plan, user, "goal.changed", **_logged(goal))
    return True


def remove_goal(plan, goal, user):
    begin_change(plan, user)
    activity.record(plan, user, "goal.removed", **_logged(goal))
    plan.goals.remove(goal)  # delete-orphan: the row goes
    db.session.flush()
