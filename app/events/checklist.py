"""The checklist a plan must pass before it is submitted (issue item 9): every step of
the template filled in, a project lead, measurable goals, a budget within the
contingency rule, and the timeline's warnings. Each item says where it is fixed: the
edit page for the plan's texts and choices, a card of the plan page, or the budget page."""
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.budget import services as budgets
from app.events import plans as planning
from app.events import roles

EDIT = "events.edit_plan"
PLAN = "events.plan"
BUDGET = "budget.plan_budget"


@dataclass(frozen=True)
class Item:
    code: str
    label: str  # lazily translated
    ok: bool
    blocking: bool  # a failed blocking item refuses submission; others are warnings
    endpoint: str
    anchor: str = ""

    def url(self, plan):
        return url_for(self.endpoint, plan_id=plan.id) + (f"#{self.anchor}" if self.anchor else "")


@dataclass(frozen=True)
class Checklist:
    items: list

    @property
    def blocking(self):
        return [item for item in self.items if item.blocking and not item.ok]

    @property
    def warnings(self):
        return [item for item in self.items if not item.blocking and not item.ok]

    @property
    def passes(self):
        return not self.blocking


def review(plan, today):
    """The items in the order of the template's steps (DOMAIN.md section 1)."""
    goals = plan.goals
    check = budgets.check(budgets.current_revision(plan))
    warnings = planning.timeline_warnings(plan, today)
    return Checklist([
        # 1 Goals and principles
        Item("goals", _l("At least one measurable goal (metric, target, deadline)"),
             any(goal.measurable for goal in goals), True, PLAN, "goals"),
        Item("goals_measurable", _l("Every goal is measurable"),
             all(goal.measurable for goal in goals), False, PLAN, "goals"),
        Item("principles", _l("Principles written"), bool(plan.principles.strip()), False, EDIT, "principles"),
        # 2 Target customers
        Item("target", _l("Target tiers chosen"), bool(plan.tier_rows), True, EDIT, "tiers"),
        Item("guests", _l("Expected guests given"), plan.expected_guests is not None, False, EDIT, "expected_guests"),
        # 3 Content and form
        Item("content", _l("Content and run of show written"), bool(plan.content.strip()), True, EDIT, "content"),
        Item("venue", _l("A venue, or the event is online"), bool(plan.venue or plan.online), False, EDIT, "venue"),
        # 4 Execution plan and division of labour
        Item("project_lead", _l("A project lead assigned"), roles.has_project_lead(plan), True, PLAN, "roles"),
        Item("tasks", _l("The timeline has tasks"), bool(plan.tasks), False, PLAN, "timeline"),
        Item("timeline", _l("The timeline has no warnings"), not warnings, False, PLAN, "timeline"),
        # 5 Budget
        Item("budget", _l("The budget passes the contingency rule"), check.passes, True, BUDGET),
        # 6 Promotion and invitations
        Item("promotion", _l("Promotion channels chosen"), bool(plan.channels), True, EDIT, "channels"),
        Item("promotion_text", _l("Promotion and invitations described"), bool(plan.promotion.strip()), False,
             EDIT, "promotion"),
        # 7 On-site execution, 8 Evaluation and review
        Item("onsite", _l("On-site execution described"), bool(plan.onsite.strip()), False, EDIT, "onsite"),
        Item("evaluation", _l("Evaluation plan written"), bool(plan.evaluation.strip()), False, EDIT, "evaluation"),
    ])
