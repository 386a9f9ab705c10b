"""A plan's invitation funnel: invited -> opened -> accepted / declined / no answer ->
waitlisted, in total and per tier, counted with one GROUP BY; the geometry of its bar
chart (inline SVG, templates/invitations/_funnel_chart.html); the decline reasons and the
guests' dietary needs, counted."""
from dataclasses import dataclass, field, fields

from sqlalchemy import func, select

from app.customers.models import TIERS
from app.extensions import db
from app.invitations.models import DECLINE_REASONS, GuestStatus, Invitation, Rsvp

STAGES = ("invited", "opened", "accepted", "declined", "no_answer", "waitlisted")

WIDTH = 720
PLOT_LEFT = 120
PLOT_RIGHT = WIDTH - 60
TOP = 8
ROW_HEIGHT = 34
BAR = 22


@dataclass
class Counts:
    """One tier's (or the total's) figures. A guest counts as invited once the invitation
    went out or the guest used the link; as opened once the RSVP page was seen."""

    listed: int = 0  # on the list, holding a seat or declined
    not_sent: int = 0
    invited: int = 0
    opened: int = 0
    accepted: int = 0
    declined: int = 0
    no_answer: int = 0
    waitlisted: int = 0
    flagged: int = 0
    removed: int = 0
    seats_taken: int = 0  # guests not declined, with their companions
    companions: int = 0  # of accepted guests

    def add(self, other):
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Funnel:
    total: Counts = field(default_factory=Counts)
    by_tier: dict = field(default_factory=dict)  # tier (None: not a customer) -> Counts, in tier order


def _counts(status, rsvp, sent, opened, number, companions):
    counts = Counts()
    if status == GuestStatus.WAITLIST:
        counts.waitlisted = number
    elif status == GuestStatus.FLAGGED:
        counts.flagged = number
    elif status == GuestStatus.REMOVED:
        counts.removed = number
    else:
        answered = rsvp != Rsvp.PENDING
        counts.listed = number
        counts.invited = number if sent or opened or answered else 0
        counts.not_sent = number - counts.invited
        counts.opened = number if opened or answered else 0
        counts.accepted = number if rsvp == Rsvp.ACCEPTED else 0
        counts.declined = number if rsvp == Rsvp.DECLINED else 0
        counts.no_answer = counts.invited - counts.accepted - counts.declined
        counts.seats_taken = 0 if rsvp == Rsvp.DECLINED else number + companions
        counts.companions = companions if rsvp == Rsvp.ACCEPTED else 0
    return counts


def funnel(plan_id):
    """The plan's Funnel, from one GROUP BY query."""
    sent = Invitation.invited_at.is_not(None)
    opened = Invitation.opened_at.is_not(None)
    rows = db.session.execute(
        select(Invitation.tier, Invitation.status, Invitation.rsvp, sent, opened, func.count(),
               func.coalesce(func.sum(Invitation.companions), 0))
        .where(Invitation.plan_id == plan_id)
        .group_by(Invitation.tier, Invitation.status, Invitation.rsvp, sent, opened)
    ).all()
    result = Funnel()
    by_tier = {}
    for tier, status, rsvp, was_sent, was_opened, number, companions in rows:
        counts = _counts(status, rsvp, was_sent, was_opened, number, int(companions))
        by_tier.setdefault(tier, Counts()).add(counts)
        result.total.add(counts)
    result.by_tier = {tier: by_tier[tier] for tier in (*TIERS, None) if tier in by_tier}
    return result


def decline_reasons(plan_id):
    """[(reason, count)] of the guests who declined, every reason listed, in the list's order."""
    rows = dict(db.session.execute(
        select(Invitation.decline_reason, func.count())
        .where(Invitation.plan_id == plan_id, Invitation.rsvp == Rsvp.DECLINED)
        .group_by(Invitation.decline_reason)
    ).all())
    reasons = [(reason, rows.get(reason, 0)) for reason in DECLINE_REASONS]
    if rows.get(None):
        reasons.append((None, rows[None]))  # declined without giving a reason
    return reasons


def dietary_summary(plan_id):
    """[(need, guests)] of the dietary needs of the guests who accepted, counted by one GROUP BY:
    the same words in another case or with other spaces count together (shown as first written);
    the most frequent first. Companions are not counted apart: the guest's words cover them."""
    need = func.lower(func.trim(Invitation.dietary))
    return [tuple(row) for row in db.session.execute(
        select(func.min(func.trim(Invitation.dietary)), func.count())
        .where(Invitation.plan_id == plan_id, Invitation.status == GuestStatus.GUEST,
               Invitation.rsvp == Rsvp.ACCEPTED, need != "")
        .group_by(need).order_by(func.count().desc(), need)
    ).all()]


# ---------------------------------------------------------------- chart


@dataclass(frozen=True)
class Segment:
    tier: str | None
    x: float
    width: float
    count: int


@dataclass(frozen=True)
class Bar:
    stage: str
    y: int
    total: int
    end: float  # x after the last segment
    segments: list


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    bar: int
    bars: list


def funnel_chart(result):
    """One bar per stage, split into its tiers, on one scale."""
    top = max(getattr(result.total, stage) for stage in STAGES)
    scale = (PLOT_RIGHT - PLOT_LEFT) / top if top else 0
    bars = []
    for n, stage in enumerate(STAGES):
        x, segments = float(PLOT_LEFT), []
        for tier, counts in result.by_tier.items():
            count = getattr(counts, stage)
            if count:
                segments.append(Segment(tier, round(x, 1), round(count * scale, 1), count))
                x += count * scale
        bars.append(Bar(stage, TOP + n * ROW_HEIGHT, getattr(result.total, stage), round(x, 1), segments))
    return Chart(WIDTH, TOP * 2 + len(STAGES) * ROW_HEIGHT, PLOT_LEFT, BAR, bars)
