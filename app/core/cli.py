"""`flask demo load`: demo accounts (and, as packages grow, demo data)."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.core import demo

cli = AppGroup("demo", help="Demo data for trying Rapport out.")


@cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users yet.")
def load(if_empty):
    """Create the demo accounts and data."""
    if current_app.config["RAPPORT_ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    if if_empty and not demo.database_is_empty():
        click.echo("The database already has data; demo data not loaded.")
    else:
        demo.load()
        click.echo("Demo data loaded.")
    click.echo(demo.accounts_text())
