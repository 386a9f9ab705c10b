"""`flask checkin ...`: the door from the shell (a laptop with a scanner, a script), through the
same access rule and service as the scanner page and the API."""
import secrets

import click
from flask.cli import AppGroup

from app.auth.services import get_by_email
from app.checkin import services
from app.checkin.access import door_actor
from app.checkin.models import SCAN_SOURCES
from app.core import clock
from app.core.errors import DomainError
from app.events.plan_models import Plan
from app.extensions import db

cli = AppGroup("checkin", help="Check guests in at the door.")


def _door(plan_id, email):
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise click.ClickException(f"No plan {plan_id}.")
    user = get_by_email(email or "")
    actor = door_actor(plan, user) if user is not None else None
    if actor is None:
        raise click.ClickException(f"{email} does not check guests in at plan {plan_id}.")
    return plan, user, actor


@cli.command("scan")
@click.option("--plan", "plan_id", type=int, required=True, help="The plan's number.")
@click.option("--as", "email", required=True, help="E-mail address of the person at the door.")
@click.option("--entrance", default="", help="The entrance.")
@click.option("--source", type=click.Choice(SCAN_SOURCES), default="scanner")
@click.argument("code")
def scan(plan_id, email, entrance, source, code):
    """Check in the guest whose CODE (RAPPORT:<code> or the bare code) was scanned."""
    plan, _user, actor = _door(plan_id, email)
    try:
        answer = services.check_in(plan, code, secrets.token_urlsafe(16), clock.stamp(), source, entrance, actor)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    guest = answer.guest
    click.echo(f"{answer.status} ({answer.colour})" + (f": {guest.name}" if guest else "")
               + (f" [{', '.join(answer.look)}]" if answer.look else "")
               + (f" checked in #{answer.arrival.checkin_id}" if answer.arrival else ""))


@cli.command("undo")
@click.option("--plan", "plan_id", type=int, required=True, help="The plan's number.")
@click.option("--as", "email", required=True, help="E-mail address of the person undoing it.")
@click.option("--reason", required=True, help="Why the check-in is undone (kept in the activity log).")
@click.argument("checkin_id", type=int)
def undo(plan_id, email, reason, checkin_id):
    """Undo check-in CHECKIN_ID made by mistake."""
    plan, user, _actor = _door(plan_id, email)
    try:
        services.undo(plan, checkin_id, user, reason)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Check-in #{checkin_id} undone.")
