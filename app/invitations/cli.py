"""`flask guests ...`: the guest list from the shell."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.core.errors import DomainError
from app.extensions import db
from app.invitations import services
from app.invitations.messages import rsvp_link
from app.invitations.models import Invitation

cli = AppGroup("guests", help="Guest lists and invitations.")


@cli.command("reissue-link")
@click.option("--plan", "plan_id", type=int, required=True, help="The plan's number.")
@click.option("--guest", required=True, help="The guest's e-mail address, or the invitation's number.")
def reissue_link(plan_id, guest):
    """Give a guest a new RSVP link and check-in code; the old ones stop working."""
    invitation = _find(plan_id, guest.strip())
    try:
        services.reissue_link(invitation, None)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"New link for {invitation.name}: {rsvp_link(invitation)}")


def _find(plan_id, guest):
    where = Invitation.id == int(guest) if guest.isdigit() else Invitation.email == guest.lower()
    found = db.session.scalars(select(Invitation).where(Invitation.plan_id == plan_id, where)).all()
    if len(found) != 1:
        raise click.ClickException(f"No single guest {guest!r} on plan {plan_id}.")
    return found[0]
