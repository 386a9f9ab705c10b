"""The checklist a plan must pass before it is submitted (issue item 9): every step of
the template filled in, a project lead, measurable goals, a budget within the
contingency rule, and the timeline's warnings. Each item says where it is fixed."""
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.budget import services as budgets
from app.events import plans as planning
from app.events import roles


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
    goals = plan.goals
    check = budgets.check(budgets.current_revision(plan))
    warnings = planning.timeline_warnings(plan, today)
    return Checklist([
        Item("goals", _l("At least one measurable goal (metric, target, deadline)"),
             any(goal.measurable for goal in goals), True, "events.plan", "goals"),
        Item("goals_measurable", _l("Every goal is measurable"),
             all(goal.measurable for goal in goals), False, "events.plan", "goals"),
        Item("principles", _l("Principles written"), bool(plan.principles.strip()), False, "events.plan", "goals"),
        Item("target", _l("Target tiers chosen"), bool(plan.tier_rows), True, "events.plan"),
        Item("content", _l("Content and run of show written"), bool(plan.content.strip()), True, "events.plan"),
        Item("project_lead", _l("A project lead assigned"), roles.has_project_lead(plan), True, "events.plan", "roles"),
        Item("timeline", _l("The timeline has no warnings"), not warnings, False, "events.plan", "timeline"),
        Item("budget", _l("The budget passes the contingency rule"), check.passes, True, "events.plan", "budget"),
        Item("promotion", _l("Promotion channels chosen"), bool(plan.channels), True, "events.plan", "promotion"),
        Item("evaluation", _l("Evaluation plan written"), bool(plan.evaluation.strip()), False, "events.plan", "evaluation"),
    ])
