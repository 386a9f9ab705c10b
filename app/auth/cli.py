"""`flask users ...`: manage accounts from the shell."""
import click
from flask.cli import AppGroup

from app.auth import services
from app.auth.models import ROLE_VALUES
from app.core.errors import DomainError
from app.extensions import db

cli = AppGroup("users", help="Manage user accounts.")


@cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLE_VALUES))
@click.option("--locale", type=click.Choice(["zh", "en"]), default=None)
@click.password_option(help="Asked for when not given.")
def create(email, name, roles, locale, password):
    """Create a user holding one or more roles."""
    try:
        user = services.create_user(email, name, password, roles, locale)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(r.value for r in user.roles))}).")


@cli.command("set-password")
@click.option("--email", required=True)
@click.password_option()
def set_password(email, password):
    """Set a user's password (signs them out everywhere)."""
    user = services.get_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with e-mail {email}.")
    try:
        services.set_password(user, password)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Password of {user.email} changed.")


@cli.command("list")
def list_users():
    """List users with their roles."""
    for user in services.list_users():
        state = "active" if user.active else "inactive"
        click.echo(f"{user.email:<32} {user.name:<24} {','.join(sorted(r.value for r in user.roles)):<24} {state}")
