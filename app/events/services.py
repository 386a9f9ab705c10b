"""The event-type catalogue: seeding, admin edits, and tier <-> type recommendations."""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core.errors import DomainError
from app.customers.models import TIERS, Tier
from app.events.catalogue import CATALOGUE
from app.events.models import (
    EventType,
    EventTypeBudgetLine,
    EventTypeTask,
    EventTypeTier,
)
from app.extensions import db

# Each tier's core need (seed 003, step 2), the reason a type is proposed for it.
TIER_NEEDS = {
    Tier.HIGH_VALUE: _l("Prestige (尊贵感): exclusive treatment that shows how much they are valued"),
    Tier.GROWTH: _l("Value for money (性价比): practical benefits that help them buy more"),
    Tier.CHURN_RISK: _l("Problem solving (问题解决): their issues heard and fixed"),
    Tier.NEW: _l("Building trust (建立信任): a first, easy experience of the company"),
    # The source names no core need for general customers; light touch is our reading.
    Tier.GENERAL: _l("Light-touch engagement: low-effort contact that keeps the brand in mind"),
}
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
EDITABLE = ("name_zh", "name_en", "description_zh", "description_en", "active")


def seed_catalogue():
    """Add the catalogue's types that are missing (by code); existing types, edited
    or not, are left alone. Returns the number added."""
    existing = set(db.session.scalars(select(EventType.code)))
    added = 0
    for position, entry in enumerate(CATALOGUE, start=1):
        if entry["code"] in existing:
            continue
        event_type = EventType(
            code=entry["code"], position=position, active=True,
            **{field: entry[field] for field in ("name_zh", "name_en", "description_zh", "description_en")},
        )
        event_type.tier_rows = [EventTypeTier(tier=tier) for tier in entry["tiers"]]
        event_type.budget_lines = [
            EventTypeBudgetLine(
                position=number, category=category, description_zh=zh, description_en=en,
                quantity=quantity, unit_zh=unit_zh, unit_en=unit_en, unit_price=unit_price,
            )
            for number, (category, zh, en, quantity, unit_zh, unit_en, unit_price) in enumerate(entry["budget_lines"], 1)
        ]
        event_type.tasks = [
            EventTypeTask(phase=phase, offset_days=offset, owner_role=role, title_zh=zh, title_en=en, position=number)
            for number, (phase, offset, role, zh, en) in enumerate(entry["tasks"], 1)
        ]
        db.session.add(event_type)
        added += 1
    db.session.flush()
    return added


def list_types(include_inactive=True):
    query = select(EventType).order_by(EventType.position, EventType.id)
    if not include_inactive:
        query = query.where(EventType.active.is_(True))
    return list(db.session.scalars(query))


def get_type_by_code(code):
    return db.session.scalar(select(EventType).where(EventType.code == code))


def _validate(values, event_type=None):
    for field in ("name_zh", "name_en"):
        if not (values.get(field) or "").strip():
            raise DomainError(_l("Enter a name."), field)
    tiers = values.get("tiers") or ()
    if not tiers:
        raise DomainError(_l("Choose at least one tier the event type fits."), "tiers")
    if any(tier not in TIERS for tier in tiers):
        raise DomainError(_l("Unknown tier."), "tiers")
    if event_type is None:
        code = values.get("code") or ""
        if not CODE_PATTERN.match(code):
            raise DomainError(
                _l("Use 2 to 40 lower-case letters, digits or underscores, starting with a letter."), "code"
            )
        if get_type_by_code(code) is not None:
            raise DomainError(_l("An event type with this code exists already."), "code")


def _apply(event_type, values):
    for field in EDITABLE:
        if field in values:
            value = values[field]
            setattr(event_type, field, value.strip() if isinstance(value, str) else value)
    chosen = set(values["tiers"])
    kept = [row for row in event_type.tier_rows if row.tier in chosen]
    event_type.tier_rows = kept + [EventTypeTier(tier=tier) for tier in chosen - {row.tier for row in kept}]


def create_type(values):
    """`values`: code, name_zh, name_en, description_zh, description_en, tiers, active.
    The new type comes last in the catalogue, with no default lines or tasks yet."""
    _validate(values)
    last = db.session.scalar(select(func.max(EventType.position))) or 0
    event_type = EventType(code=values["code"], position=last + 1, description_zh="", description_en="", active=True)
    _apply(event_type, values)
    db.session.add(event_type)
    db.session.flush()
    return event_type


def update_type(event_type, values):
    """Names, descriptions, fitting tiers and the active flag; the code stays."""
    _validate(values, event_type)
    _apply(event_type, values)
    db.session.flush()
    return event_type


def recommend_types(tiers):
    """Active types fitting any of `tiers`: [(EventType, matched tiers, reasons)],
    most matched tiers first, then in catalogue order."""
    chosen = [tier for tier in Tier if tier in set(tiers)]
    if not chosen:
        return []
    matches = func.count(EventTypeTier.tier)
    rows = db.session.execute(
        select(EventType, matches)
        .join(EventTypeTier, EventTypeTier.event_type_id == EventType.id)
        .where(EventType.active.is_(True), EventTypeTier.tier.in_(chosen))
        .group_by(EventType.id)
        .order_by(matches.desc(), EventType.position, EventType.id)
    ).all()
    result = []
    for event_type, _count in rows:
        matched = [tier for tier in event_type.tiers if tier in chosen]
        result.append((event_type, matched, [TIER_NEEDS[tier] for tier in matched]))
    return result


def recommend_tiers(event_type):
    """The tiers `event_type` fits, each with its core need: [(tier, reason)]."""
    return [(tier, TIER_NEEDS[tier]) for tier in event_type.tiers]
