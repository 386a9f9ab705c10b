"""The guest's own pages by personal link, no login: the RSVP page, the check-in QR code once
accepted, and the event's .ics. Every wrong link (unknown, malformed, revoked, withdrawn) gets
the same friendly 404 page, which reveals nothing."""
from functools import partial

from flask import (
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from wtforms.fields.choices import SelectChoice

from app.auth.access import public
from app.core import clock
from app.core import errors
from app.core.errors import DomainError
from app.core.http import external_url
from app.events.calendar import guest_calendar
from app.events.guest_text import for_guest
from app.extensions import db, limiter
from app.invitations import qr, rsvp, services, tasks
from app.invitations.labels import DECLINE_REASON_LABELS
from app.invitations.models import GuestStatus, Rsvp, TokenKind
from app.invitations.web.blueprint import bp
from app.invitations.web.rsvp_forms import ACCEPT, RsvpForm

# One budget per client address, shared by the token routes (a page view loads its QR code too).
rsvp_rate_limit = limiter.shared_limit(lambda: current_app.config["RSVP_RATE_LIMIT"], scope="rsvp")


GUEST_ENDPOINTS = {"invitations.rsvp", "invitations.rsvp_qr", "invitations.rsvp_ics"}


class InvalidLink(Exception):
    """Whatever was wrong with the link: answered by `invalid_link`, always the same page."""


@bp.errorhandler(InvalidLink)
def invalid_link(error):
    return render_template("invitations/rsvp_invalid.html"), 404


@bp.errorhandler(429)
def too_many_requests(error):
    """A guest's page refused by the rate limit: in the guests' layout, no staff menu or login link."""
    if request.endpoint not in GUEST_ENDPOINTS:
        return errors.too_many_requests(error)
    page = render_template("invitations/rsvp_busy.html", title=errors.ERROR_TITLES[429], text=errors.ERROR_TEXTS[429])
    return errors.with_retry_after(make_response(page, 429))


def _guest(token):
    """The invitation of an RSVP link, its page in the guest's language; else InvalidLink."""
    return _valid(services.by_token(TokenKind.RSVP, token))


def _valid(invitation):
    if invitation is None or invitation.status in (GuestStatus.REMOVED, GuestStatus.FLAGGED):
        raise InvalidLink()
    g.page_locale = invitation.locale
    refresh()  # forget a language chosen before the invitation was known
    return invitation


def _today():
    return clock.today()


def _rsvp_url(invitation, **values):
    """The page's address, keeping a language the guest switched to."""
    lang = request.args.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        values["lang"] = lang
    return url_for("invitations.rsvp", token=invitation.rsvp_token, **values)


# `path`: a token with a slash in it (even %2F) still reaches the friendly page.
@bp.route("/rsvp/<path:token>", methods=["GET", "POST"], endpoint="rsvp")
@public
@rsvp_rate_limit
def rsvp_page(token):
    invitation, settings = services.with_settings_by_token(TokenKind.RSVP, token)
    _valid(invitation)
    form = RsvpForm()
    if request.method == "GET":
        form.fill(invitation)
        response = make_response(_render(invitation, settings, form))
        if invitation.opened_at is None and not current_user.is_authenticated:  # the team's previews do not count
            response.call_on_close(partial(_record_opened, current_app._get_current_object(), invitation.id))
        return response
    if form.validate_on_submit():
        try:
            promoted = rsvp.respond(
                invitation, settings, form.answer.data == ACCEPT, form.companions.data, form.dietary.data,
                form.notes.data, form.decline_reason.data, form.decline_text.data, _today(),
                waitlist=form.waitlist.data == "1")
        except DomainError as error:
            db.session.rollback()
            (form[error.field].errors if error.field else form.form_errors).append(error.message)
        else:
            db.session.commit()
            tasks.invite_promoted(invitation.plan, promoted, None)
            # A guest put on the waitlist reads so on the page itself (rsvp.closed_reason).
            tasks.send_after_acceptance(invitation)
            flash(_("Thank you, your answer has been saved.") if invitation.rsvp == Rsvp.ACCEPTED
                  else _("Thank you for letting us know."), "success")
            return redirect(_rsvp_url(invitation))
    return _render(invitation, settings, form)


def _record_opened(app, invitation_id):
    """Once the page is sent, its first visit is recorded: the guest does not wait for the write
    (on SQLite, for the other writers' turns). A session of its own, which has read nothing, so
    SQLite need not turn a read into a write ("database is locked")."""
    with app.app_context():
        try:
            services.mark_opened(invitation_id)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            app.logger.exception("Could not record the first visit of invitation %s", invitation_id)


def _render(invitation, settings, form):
    # Only what can be seated: with a capacity, the seats left are counted (one aggregate on the
    # plan's status/rsvp index); without one, nothing is (bench/README.md, RSVP page). No seat
    # at all: the waiting list is offered, companions up to the cap for when a seat frees.
    closed = rsvp.closed_reason(invitation, settings, _today())
    allowed = settings.companions_cap if closed else rsvp.companions_allowed(invitation, settings)
    full = allowed is None
    form.companions.choices = [SelectChoice(n, str(n))
                               for n in range((settings.companions_cap if full else allowed) + 1)]
    other = "en" if str(get_locale()) == "zh" else "zh"
    page = render_template(
        "invitations/rsvp.html", invitation=invitation, plan=invitation.plan, form=form, full=full,
        almost_full=not full and allowed < settings.companions_cap, admitted=services.admits(invitation),
        text=for_guest(invitation.plan, str(get_locale())),  # the plan's words in the page's language
        closed=closed, deadline=rsvp.deadline(invitation.plan, settings),
        reason_labels=DECLINE_REASON_LABELS,
        action=_rsvp_url(invitation), switch_url=url_for("invitations.rsvp", token=invitation.rsvp_token, lang=other),
        switch_lang=other,
    )
    return page, {"Cache-Control": "no-store"}  # the guest's own data: no copy kept anywhere


@bp.route("/rsvp/<token>/qr.png")
@public
@rsvp_rate_limit
def rsvp_qr(token):
    """The check-in code, once the guest has accepted; private to the guest's browser."""
    invitation = _guest(token)
    if not services.admits(invitation):
        raise InvalidLink()
    response = Response(qr.checkin_png(invitation.checkin_token), mimetype="image/png",
                        headers={"Cache-Control": "no-store"})
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/rsvp/<token>/event.ics")
@public
@rsvp_rate_limit
def rsvp_ics(token):
    invitation = _guest(token)
    link = external_url(current_app, "invitations.rsvp", token=invitation.rsvp_token)
    body = guest_calendar(invitation.plan, invitation.locale, current_app.config["BASE_URL"], link)
    return Response(body, content_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="event.ics"', "Cache-Control": "no-store"})
