"""`flask events ...`: the event-type catalogue."""
import click
from flask.cli import AppGroup

from app.events import services
from app.extensions import db

cli = AppGroup("events", help="Event types and plans.")


@cli.command("seed")
def seed():
    """Add the missing types of the default catalogue; edited types are kept."""
    added = services.seed_catalogue()
    db.session.commit()
    click.echo(f"{added} event type(s) added.")
