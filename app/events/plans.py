"""Event plans: creation from an event type, editing, the phased timeline and its warnings."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from app.auth.models import User
from app.core import clock
from app.core.errors import DomainError
from app.core.text import single_line
from app.core.versions import expect_version, flush
from app.customers.models import TIERS, Tier
from app.events import activity, workflow
from app.events.models import PHASE_WINDOWS, EventType, Phase
from app.events.plan_models import (
    CHANNELS,
    Channel,
    Plan,
    PlanGoal,
    PlanState,
    PlanTask,
    PlanTier,
    RoleAssignment,
    TaskStatus,
)
from app.extensions import db
from app.invitations import changes as guest_changes

# DOMAIN.md section 4: preparation starts 1-2 months before; fewer days than this is too short.
MIN_PREPARATION_DAYS = 30
# The steps of the activity-plan template (DOMAIN.md section 1) in their order: the plan page
# and the printed plan follow it. The Chinese catalogue holds the template's own titles.
TEMPLATE_STEPS = {
    "goals": _l("Goals and principles"),
    "customers": _l("Target customers"),
    "content": _l("Content and form"),
    "execution": _l("Execution plan and division of labour"),
    "budget": _l("Budget"),
    "promotion": _l("Promotion and invitations"),
    "onsite": _l("On-site execution"),
    "evaluation": _l("Evaluation and review"),
}
UPCOMING = (PlanState.DRAFT, PlanState.SUBMITTED, PlanState.APPROVED, PlanState.REJECTED)
# A plan's facts and goals change while it is a draft or rejected; an approved plan may change
# too, but goes back to draft to be approved again. A submitted plan waits for its decision.
EDITABLE_STATES = (PlanState.DRAFT, PlanState.REJECTED, PlanState.APPROVED)
TEXT_FIELDS = ("content", "principles", "promotion", "onsite", "evaluation")
# Optional English versions of what guests read (app/events/guest_text.py); empty: the main text.
ENGLISH_FIELDS = ("title_en", "venue_en", "content_en")
# What guests read besides title, venue and content: the address and the dress code, each in
# Chinese and optionally in English. Single lines of at most SHORT_TEXT characters.
GUEST_FIELDS = ("address", "address_en", "dress_code", "dress_code_en")
SHORT_TEXT = 200
EDITABLE_FIELDS = ("title", "tiers", "target_industries", "target_tags", "expected_guests", "capacity", "event_day",
                   "start_time", "venue", "online", *TEXT_FIELDS, "channels", *ENGLISH_FIELDS, *GUEST_FIELDS)
MAX_FILTER_LENGTH = 100  # an industry or a tag
# Seed 002's channel advice (DOMAIN.md section 1, step 6), per tier: the plan form shows it.
CHANNEL_HINTS = {
    Tier.HIGH_VALUE: ((Channel.VISIT, Channel.EMAIL),
                      _l("executives visit; formal e-mail for complex decision chains")),
    Tier.CHURN_RISK: ((Channel.PHONE, Channel.VISIT), _l("phone first: the fastest answer wins them back")),
    Tier.NEW: ((Channel.WECHAT, Channel.COMMUNITY), _l("instant messaging: short and quick, builds trust")),
    Tier.GROWTH: ((Channel.EMAIL, Channel.COMMUNITY), _l("e-mail for proposals, community groups for training")),
    Tier.GENERAL: ((Channel.WECHAT, Channel.COMMUNITY, Channel.SMS),
                   _l("bulk reach: official account, community groups, SMS")),
}


def phase_windows(event_day):
    """{phase: (first day, last day)}, bounds inclusive. The windows overlap on
    purpose, as in the CHECK of EventTypeTask: T-7 closes preparation and opens
    execution (so a task due at T-7 fits either), and T+1..T+3 belong to both
    execution (follow-up) and review."""
    return {
        phase: (event_day + timedelta(days=low), event_day + timedelta(days=high))
        for phase, (low, high) in PHASE_WINDOWS.items()
    }


def _validate(event_type, title, tiers, expected_guests, capacity):
    _validate_facts(title, tiers, expected_guests, capacity)
    if event_type is None or not event_type.active:
        raise DomainError(_l("Choose an active event type."), "event_type")


def _validate_facts(title, tiers, expected_guests, capacity):
    if not (title or "").strip():
        raise DomainError(_l("Enter a title."), "title")
    if not tiers:
        raise DomainError(_l("Choose at least one target tier."), "tiers")
    if any(tier not in TIERS for tier in tiers):
        raise DomainError(_l("Unknown tier."), "tiers")
    for field, value in (("expected_guests", expected_guests), ("capacity", capacity)):
        if value is not None and value < 0:
            raise DomainError(_l("Enter a number of 0 or more."), field)
    if expected_guests is not None and capacity is not None and capacity < expected_guests:
        raise DomainError(_l("The capacity must hold the expected guests."), "capacity")


def _guest_texts(values):
    """The English versions, address and dress code in `values`, trimmed and checked; the address
    and dress code on one line (they stand in a table row of the e-mail, the card and the .ics)."""
    texts = {field: (values.get(field) or "").strip() for field in ENGLISH_FIELDS}
    texts |= {field: single_line(values.get(field) or "").strip() for field in GUEST_FIELDS}
    for field in ("title_en", "venue_en"):
        if len(texts[field]) > SHORT_TEXT:
            raise DomainError(_l("The English version has at most %(count)s characters.", count=SHORT_TEXT), field)
    for field in GUEST_FIELDS:
        if len(texts[field]) > SHORT_TEXT:
            raise DomainError(_l("At most %(count)s characters.", count=SHORT_TEXT), field)
    return texts


def create_plan(event_type, title, event_day, start_time, tiers, expected_guests, capacity,
                venue, online, content, user, **texts):
    """A draft plan whose timeline is the type's default tasks, each due at T + offset.
    `texts`: any of ENGLISH_FIELDS and GUEST_FIELDS (the English versions, address, dress code)."""
    unknown = set(texts) - {*ENGLISH_FIELDS, *GUEST_FIELDS}
    if unknown:
        raise TypeError(f"not a guest text: {sorted(unknown)}")
    _validate(event_type, title, tiers, expected_guests, capacity)
    texts = _guest_texts(texts)
    plan = Plan(
        title=title.strip(), event_type=event_type, event_day=event_day, start_time=start_time,
        venue=(venue or "").strip() or None, online=bool(online), expected_guests=expected_guests,
        capacity=capacity, content=(content or "").strip(), state=PlanState.DRAFT,
        created_by_id=user.id if user else None, **texts,
    )
    plan.tier_rows = [PlanTier(tier=tier) for tier in dict.fromkeys(tiers)]
    plan.tasks = [
        PlanTask(
            phase=task.phase, position=task.position, title_zh=task.title_zh, title_en=task.title_en,
            owner_role=task.owner_role, due_on=event_day + timedelta(days=task.offset_days),
            status=TaskStatus.OPEN,
        )
        for task in event_type.tasks
    ]
    db.session.add(plan)
    db.session.flush()
    return plan


def _shift_open_tasks(plan, new_day):
    """Moves the event day; open tasks move with it, done tasks keep their dates.
    (Date arithmetic differs between SQLite and PostgreSQL, so the open tasks are shifted
    here and flushed in one batch.)"""
    shift = new_day - plan.event_day
    open_tasks = db.session.scalars(
        select(PlanTask).where(PlanTask.plan_id == plan.id, PlanTask.status == TaskStatus.OPEN)
    )
    for task in open_tasks:
        task.due_on += shift
    plan.event_day = new_day
    db.session.flush()


def move_event(plan, new_day, user=None, seen_version=None):
    """The "move the event" door: the same change as the edit form's event day
    (`update_plan`), so a submitted plan is refused and an approved one goes back to draft
    to be approved again. Returns the shift in days."""
    shift = (new_day - plan.event_day).days
    update_plan(plan, user, seen_version=seen_version, event_day=new_day)
    return shift


def is_editable(plan):
    return plan.state in EDITABLE_STATES


def begin_change(plan, user):
    """Call before changing a plan's facts or goals: refuses a plan that is not editable,
    and sends an approved plan back to draft (so the change is approved again)."""
    if not is_editable(plan):
        raise DomainError(_l("A plan that is %(state)s cannot be edited.",
                             state=workflow.STATE_NAMES[PlanState(plan.state)]), "plan")
    if plan.state == PlanState.APPROVED:
        workflow.take(plan, workflow.Step.REOPEN, user)


def _filters(values, field):
    """Industries or tags: trimmed, without blanks or repeats, sorted."""
    cleaned = sorted({(value or "").strip() for value in values or ()} - {""})
    if any(len(value) > MAX_FILTER_LENGTH for value in cleaned):
        raise DomainError(_l("An industry or tag has at most %(count)s characters.", count=MAX_FILTER_LENGTH), field)
    return cleaned


def _edited_values(plan, values):
    """The plan's editable fields with `values` applied, validated and normalised."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    merged = {field: getattr(plan, field) for field in EDITABLE_FIELDS} | values
    _validate_facts(merged["title"], merged["tiers"], merged["expected_guests"], merged["capacity"])
    if merged["event_day"] is None:
        raise DomainError(_l("Enter the event day."), "event_day")
    if any(channel not in CHANNELS for channel in merged["channels"] or ()):
        raise DomainError(_l("Unknown channel."), "channels")
    english = _guest_texts(merged)
    chosen_tiers, chosen_channels = set(merged["tiers"]), set(merged["channels"] or ())
    return {
        **merged,
        "title": merged["title"].strip(),
        "tiers": [tier for tier in Tier if tier in chosen_tiers],
        "target_industries": _filters(merged["target_industries"], "target_industries"),
        "target_tags": _filters(merged["target_tags"], "target_tags"),
        "venue": (merged["venue"] or "").strip() or None,
        "online": bool(merged["online"]),
        "channels": [channel.value for channel in Channel if channel in chosen_channels],
        **{field: (merged[field] or "").strip() for field in TEXT_FIELDS},
        **english,
    }


def update_plan(plan, user, seen_version=None, **values):
    """Changes the plan's facts and texts (template steps 1-3 and 6-8); `values` holds any of
    EDITABLE_FIELDS. A new event day moves the open tasks with it. Logs the changed fields
    and returns them; an approved plan that changes goes back to draft. Every door that
    changes these fields (edit form, "move the event", API, commands) comes through here.
    `seen_version`: the plan's version the form was made from (refused when it changed)."""
    expect_version(plan, seen_version)
    new = _edited_values(plan, values)
    changed = [field for field in EDITABLE_FIELDS if new[field] != getattr(plan, field)]
    if not changed:
        return []
    begin_change(plan, user)
    for field in changed:
        if field == "tiers":  # the rows of kept tiers stay: the same key may not be deleted and inserted
            kept = [row for row in plan.tier_rows if row.tier in new["tiers"]]
            added = set(new["tiers"]) - {row.tier for row in kept}
            plan.tier_rows = kept + [PlanTier(tier=tier) for tier in new["tiers"] if tier in added]
        elif field == "event_day":
            _shift_open_tasks(plan, new["event_day"])
        else:
            setattr(plan, field, new[field])
    plan.updated_at = func.now()  # an UPDATE of the row (and its version) even when only the tiers changed
    activity.record(plan, user, "plan.edited", fields=changed)
    flush()
    guest_changes.plan_changed(plan, changed)  # the guests hear of it after the commit
    return changed


def channel_hints(tiers):
    """[(tier, channels, why)]: seed 002's channel advice for the plan's tiers."""
    return [(tier, *CHANNEL_HINTS[Tier(tier)]) for tier in tiers]


def set_task_status(task, status, user):
    if status not in (TaskStatus.OPEN, TaskStatus.DONE):
        raise DomainError(_l("Unknown task status."), "status")
    task.status = status
    done = status == TaskStatus.DONE
    task.done_at = clock.stamp() if done else None
    task.done_by_id = user.id if done and user else None
    db.session.flush()
    return task


def timeline_warnings(plan, today):
    """[(code, params)] for the plan page: a preparation shorter than the template
    allows (only while the plan is a draft), open tasks due outside their phase
    (done tasks keep their dates when the event moves, so they are not flagged),
    and an event day in the past while the plan is still ahead of the event."""
    warnings = []
    days_left = (plan.event_day - today).days
    if days_left < 0 and plan.state in UPCOMING:
        warnings.append(("event_in_past", {"day": plan.event_day}))
    elif plan.state == PlanState.DRAFT and days_left < MIN_PREPARATION_DAYS:
        warnings.append(("short_preparation", {"days": days_left, "minimum": MIN_PREPARATION_DAYS}))
    windows = phase_windows(plan.event_day)
    for task in plan.tasks:
        if task.status != TaskStatus.OPEN:
            continue
        first, last = windows[Phase(task.phase)]
        if not first <= task.due_on <= last:
            warnings.append(("task_outside_phase", {"task": task, "first": first, "last": last}))
    return warnings


def get_plan(plan_id):
    """The plan with its type, tiers, tasks and goals, in a fixed number of queries."""
    return db.session.scalar(
        select(Plan).where(Plan.id == plan_id).options(
            selectinload(Plan.event_type), selectinload(Plan.tier_rows), selectinload(Plan.tasks),
            selectinload(Plan.goals),
        )
    )


def list_plans():
    """[(plan with its type, tasks done, tasks in all)], latest event first, in one query."""
    done = func.count(case((PlanTask.status == TaskStatus.DONE, 1)))
    rows = db.session.execute(
        select(Plan, done, func.count(PlanTask.id))
        .join(Plan.event_type)
        .outerjoin(PlanTask, PlanTask.plan_id == Plan.id)
        .options(contains_eager(Plan.event_type))
        .group_by(Plan.id, EventType.id)
        .order_by(Plan.event_day.desc(), Plan.id.desc())
    ).all()
    return [(plan, done_count, total) for plan, done_count, total in rows]


def copy_plan(source, new_event_day, title, user, keep_team=True):
    """A new draft plan like `source` on `new_event_day`: its texts and target filters, its goals
    and its own tasks (the planner may have edited them), the dates shifted by the same number of
    days and the tasks all open again, and, with `keep_team`, the role assignments of the users
    who are still active."""
    tiers = source.tiers
    _validate(source.event_type, title, tiers, source.expected_guests, source.capacity)
    shift = new_event_day - source.event_day
    plan = Plan(
        title=title.strip(), event_type=source.event_type, event_day=new_event_day,
        start_time=source.start_time, venue=source.venue, online=source.online,
        expected_guests=source.expected_guests, capacity=source.capacity,
        target_industries=list(source.target_industries), target_tags=list(source.target_tags),
        channels=list(source.channels), **{field: getattr(source, field) for field in (*TEXT_FIELDS, *ENGLISH_FIELDS, *GUEST_FIELDS)},
        state=PlanState.DRAFT, created_by_id=user.id if user else None,
    )
    plan.tier_rows = [PlanTier(tier=tier) for tier in tiers]
    plan.tasks = [
        PlanTask(
            phase=task.phase, position=task.position, title_zh=task.title_zh, title_en=task.title_en,
            owner_role=task.owner_role, due_on=task.due_on + shift, status=TaskStatus.OPEN,
        )
        for task in source.tasks
    ]
    plan.goals = [
        PlanGoal(position=goal.position, text=goal.text, metric=goal.metric, baseline=goal.baseline,
                 target=goal.target, deadline=goal.deadline and goal.deadline + shift)
        for goal in source.goals
    ]
    db.session.add(plan)
    db.session.flush()
    if keep_team:
        team = db.session.execute(
            select(RoleAssignment.role, RoleAssignment.user_id).join(User, User.id == RoleAssignment.user_id)
            .where(RoleAssignment.plan_id == source.id, User.active).order_by(RoleAssignment.id)
        ).all()
        db.session.add_all(RoleAssignment(plan_id=plan.id, role=role, user_id=user_id) for role, user_id in team)
        db.session.flush()
    return plan
