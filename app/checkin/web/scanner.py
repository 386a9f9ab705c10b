"""The scanner page (phone-first, one event, optionally one entrance) and the JSON endpoints it
posts to (session + CSRF token), which call the same service as the API. A helper opens the
page through their link (`open_link`), which keeps the link in the session."""
import json

from flask import abort, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import public
from app.checkin import search, services
from app.checkin.answers import answer_json
from app.checkin.api import parse_moment, scan_body
from app.checkin.labels import LABELS, NOT_VERIFIED
from app.checkin.links import link_by_secret
from app.checkin.models import ENTRANCE_MAX
from app.checkin.web.blueprint import bp
from app.checkin.web.common import DOOR_LINK, door_of, door_or_refuse, plan_or_404, rate_key, rate_limit
from app.core import clock
from app.core.errors import DomainError
from app.core.text import single_line
from app.customers.models import Customer
from app.extensions import db, limiter

door_limit = limiter.shared_limit(rate_limit, scope="door", key_func=rate_key)


@bp.errorhandler(DomainError)
def _refused(error):
    db.session.rollback()
    response = jsonify(error=str(error.message), status=422,
                       errors=[{"field": error.field, "message": str(error.message)}])
    response.status_code = 422
    return response


def _json_body(max_bytes=4096):
    request.max_content_length = max_bytes
    try:
        body = json.loads(request.get_data(cache=False) or b"{}")
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise DomainError(_("The body must be a JSON object."), None)
    return body


@bp.route("/door/link/<token>")
@public  # the link is the credential
def open_link(token):
    link = link_by_secret(token)
    if link is None or not link.valid_at(clock.stamp()):
        return render_template("checkin/link_invalid.html"), 404
    session[DOOR_LINK] = token
    return redirect(url_for("checkin.scanner", plan_id=link.plan_id, entrance=link.entrance or None))


@bp.route("/door/plans/<int:plan_id>")
@public  # door staff on the team, planners, admins or a helper link: app.checkin.access, per plan
def scanner(plan_id):
    plan = plan_or_404(plan_id)
    actor = door_or_refuse(plan, page=True)
    entrance = (single_line(request.args.get("entrance", "")) or "")[:ENTRANCE_MAX]
    return render_template("checkin/scanner.html", plan=plan, actor=actor, entrance=entrance,
                           tally=services.tally(plan.id), words=_words(), signed_in=actor.user_id is not None)


def _words():
    """What the page's script writes, in the reader's language (%(name)s filled in by the script)."""
    labels = {group: {str(key): str(value) for key, value in table.items()} for group, table in LABELS.items()}
    labels["not_verified"] = str(NOT_VERIFIED)
    return {
        "labels": labels,
        "tier": _("Tier"), "companions": _("Companions"), "dietary": _("Dietary needs"), "notes": _("Notes"),
        "checked_in_at": _("Checked in at %(time)s"), "at_entrance": _("entrance %(entrance)s"),
        "by": _("by %(name)s"), "their_event": _("The guest's event: %(title)s, %(day)s"),
        "retrying": _("The server did not answer. Trying again…"),
        "do_not_admit": _("Do not admit yet: the scan is not confirmed."),
        "no_results": _("No guest found."), "checked_in": _("checked in"), "check_in": _("Check in"),
        "undo_reason": _("Why is this check-in undone?"), "undone": _("Check-in undone."),
        "not_accepted": _("not confirmed"), "declined": _("declined"),
    }


@bp.route("/door/plans/<int:plan_id>/scan", methods=["POST"])
@public  # decided per plan (door_or_refuse)
@door_limit
def scan(plan_id):
    plan = plan_or_404(plan_id)
    actor = door_or_refuse(plan)
    body, scanned_at = scan_body()
    answer = services.check_in(plan, body["code"], body["nonce"], scanned_at, body["source"],
                               body.get("entrance") or "", actor, companions=body.get("companions"))
    return answer_json(answer)


@bp.route("/door/plans/<int:plan_id>/guest", methods=["POST"])
@public  # decided per plan (door_or_refuse)
@door_limit
def check_in_guest(plan_id):
    """A guest found by the search, checked in by hand."""
    plan = plan_or_404(plan_id)
    actor = door_or_refuse(plan)
    body = _json_body()
    answer = services.check_in_guest(plan, body.get("invitation_id"), body.get("nonce"),
                                     parse_moment(str(body.get("scanned_at"))), str(body.get("entrance") or ""),
                                     actor, companions=body.get("companions"))
    return answer_json(answer)


@bp.route("/door/plans/<int:plan_id>/search")
@public  # decided per plan (door_or_refuse)
@door_limit
def search_guests(plan_id):
    plan = plan_or_404(plan_id)
    door_or_refuse(plan)
    return {"guests": search.search_guests(plan, request.args.get("q", ""))}


@bp.route("/door/plans/<int:plan_id>/customers")
@public  # signed-in door staff only: helpers do not browse the customer base
@door_limit
def search_customers(plan_id):
    plan = plan_or_404(plan_id)
    actor = door_or_refuse(plan)
    if actor.user_id is None:
        abort(403)
    return {"customers": search.find_customers(request.args.get("q", ""))}


@bp.route("/door/plans/<int:plan_id>/walk-in", methods=["POST"])
@public  # decided per plan (door_or_refuse)
@door_limit
def walk_in(plan_id):
    plan = plan_or_404(plan_id)
    actor = door_or_refuse(plan)
    body = _json_body()
    customer = None
    if body.get("customer_id") is not None:
        if actor.user_id is None or not isinstance(body["customer_id"], int):
            abort(403)
        customer = db.session.get(Customer, body["customer_id"])
        if customer is None:
            raise DomainError(_("No customer has this number."), "customer_id")
    fields = {name: str(body.get(name) or "")[:200] for name in ("name", "company", "phone", "email")}
    answer = services.walk_in(plan, actor, current_user if actor.user_id else None, body.get("nonce"),
                              parse_moment(str(body.get("scanned_at"))), str(body.get("entrance") or ""),
                              customer=customer, companions=body.get("companions") or 0, **fields)
    return answer_json(answer)


@bp.route("/door/plans/<int:plan_id>/undo", methods=["POST"])
@public  # signed-in door staff, planners and admins (a helper asks them)
@door_limit
def undo(plan_id):
    plan = plan_or_404(plan_id)
    actor = door_or_refuse(plan)
    if actor.user_id is None:
        abort(403)
    body = _json_body()
    services.undo(plan, body.get("checkin_id"), current_user, str(body.get("reason") or ""))
    db.session.commit()
    return {"undone": True, "tally": services.tally(plan.id)}


@bp.route("/door/plans/<int:plan_id>/tally")
@public  # decided per plan (door_or_refuse)
def tally(plan_id):
    plan = plan_or_404(plan_id)
    actor, _link = door_of(plan)
    if actor is None:
        abort(403)
    return services.tally(plan.id)

