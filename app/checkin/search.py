"""Finding a guest at the door without a code: by name, company or phone, on one event's list;
and the customers a walk-in may be. Only what the door needs is shown (no e-mail, no tokens,
only the phone's last digits)."""
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from app.checkin.models import CheckIn
from app.core.errors import DomainError
from app.customers.models import Customer
from app.extensions import db
from app.invitations.models import GuestStatus, Invitation

RESULTS_MAX = 20
QUERY_MAX = 60
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]", re.UNICODE)


def long_enough(query):
    """At least 2 Chinese characters, or 3 letters or digits."""
    return len(_CJK.findall(query)) >= 2 or len(_WORD.findall(query)) >= 3


def _pattern(query):
    query = (query or "").strip()[:QUERY_MAX]
    if not long_enough(query):
        raise DomainError(_l("Type at least 2 Chinese characters or 3 letters or digits."), "q")
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def phone_tail(phone):
    return f"…{phone[-4:]}" if phone else ""


def search_guests(plan, query):
    """Up to RESULTS_MAX of the plan's guests (not removed) matching `query`, with whether they are
    checked in: [{id, name, company, tier, rsvp, status, phone, checked_in}]."""
    like = _pattern(query)
    rows = db.session.execute(
        select(Invitation.id, Invitation.name, Invitation.company, Invitation.tier, Invitation.rsvp, Invitation.status,
               Invitation.phone, CheckIn.id)
        .outerjoin(CheckIn, and_(CheckIn.invitation_id == Invitation.id, CheckIn.undone_at.is_(None)))
        .where(Invitation.plan_id == plan.id, Invitation.status != GuestStatus.REMOVED,
               or_(Invitation.name.ilike(like, escape="\\"), Invitation.company.ilike(like, escape="\\"),
                   Invitation.phone.ilike(like, escape="\\")))
        .order_by(Invitation.name, Invitation.id).limit(RESULTS_MAX)
    ).all()
    return [{"id": row[0], "name": row[1], "company": row[2], "tier": row[3], "rsvp": row[4], "status": row[5],
             "phone": phone_tail(row[6]), "checked_in": row[7] is not None} for row in rows]


def find_customers(query):
    """Up to RESULTS_MAX customers matching `query` by name, company or phone, for a walk-in."""
    like = _pattern(query)
    rows = db.session.execute(
        select(Customer.id, Customer.name, Customer.company, Customer.phone)
        .where(or_(Customer.name.ilike(like, escape="\\"), Customer.company.ilike(like, escape="\\"),
                   Customer.phone.ilike(like, escape="\\")))
        .order_by(Customer.name, Customer.id).limit(RESULTS_MAX)
    ).all()
    return [{"id": row[0], "name": row[1], "company": row[2], "phone": phone_tail(row[3])} for row in rows]
