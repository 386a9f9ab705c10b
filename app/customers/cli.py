"""`flask customers ...`: import customers and orders, recompute tiers."""
import json
import os

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core.errors import DomainError
from app.customers import tiering
from app.customers.imports.fields import KINDS
from app.customers.imports.importer import import_file
from app.customers.imports.reading import guess_mapping, preview
from app.customers.labels import FIELD_LABELS, TIER_LABELS
from app.customers.tasks import refresh_tiers_soon
from app.extensions import db

cli = AppGroup("customers", help="Import customers and orders; recompute tiers.")

LANGUAGE = click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None,
    help="Language of the messages; by default taken from LANG.",
)


def _language(lang):
    if lang:
        return lang
    env = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh" if env.lower().startswith("zh") else "en"


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", type=click.Choice(KINDS), required=True, help="What the file holds.")
@click.option(
    "--mapping", metavar="JSON",
    help='Corrects the automatic column match: a JSON object of file column to field, '
         'e.g. \'{"Kunden-Nr": "external_id", "备注": ""}\' ("" ignores a column).',
)
@LANGUAGE
def import_command(path, kind, mapping, lang):
    """Import a CSV or XLSX file of customers or orders, all or nothing.

    Rows are matched by their ID: importing again updates, never duplicates.
    Exits with status 1, writing nothing, when any row has an error."""
    with force_locale(_language(lang)):
        try:
            headers, _rows, _estimated = preview(path, limit=0)
            columns = _mapping(kind, headers, mapping)
            _show_mapping(kind, columns)
            bars = _Bars()
            try:
                result = import_file(kind, path, columns, progress=bars, max_errors=None)
            finally:
                bars.close()
        except DomainError as error:
            raise click.ClickException(str(error.message)) from error
        if not result.ok:
            for error in result.errors:
                where = _("Line %(line)s, column %(column)s", line=error.line, column=error.column)
                value = _(" (value: %(value)s)", value=error.value) if error.value else ""
                click.echo(f"{where}: {error.message}{value}", err=True)
            click.echo(_("%(count)d errors: nothing was imported.", count=result.error_count), err=True)
            raise SystemExit(1)
        db.session.commit()
        click.echo(_("Imported %(rows)d rows: %(created)d new, %(updated)d updated.",
                     rows=result.rows, created=result.created, updated=result.updated))
        refresh_tiers_soon()
        click.echo(_("Tier recomputation queued."))


def _mapping(kind, headers, text):
    """The automatic match, corrected by the --mapping JSON."""
    columns = guess_mapping(kind, headers)
    if not text:
        return columns
    try:
        asked = json.loads(text)
    except json.JSONDecodeError as error:
        raise click.BadParameter(str(error), param_hint="--mapping") from error
    if not isinstance(asked, dict) or not all(isinstance(v, str) for v in asked.values()):
        raise click.BadParameter(_('Give a JSON object such as {"编号": "external_id"}.'), param_hint="--mapping")
    unknown = [header for header in asked if header not in columns]
    if unknown:
        raise click.BadParameter(
            _("No such column in the file: %(unknown)s. The file's columns: %(headers)s.",
              unknown=", ".join(unknown), headers=", ".join(headers)),
            param_hint="--mapping",
        )
    columns.update(asked)
    return columns


def _show_mapping(kind, columns):
    labels = FIELD_LABELS[kind]
    for header, name in columns.items():
        target = f"{labels[name]} ({name})" if name in labels else _("ignored")
        click.echo(f"  {header} -> {target}")


class _Bars:
    """A click progress bar per phase: checking the rows, then writing them."""

    def __init__(self):
        self.phase = self.bar = None

    def __call__(self, phase, done, estimated):
        if phase != self.phase:
            self.close()
            self.phase = phase
            label = _("Checking rows") if phase == "validating" else _("Writing rows")
            self.bar = click.progressbar(length=max(estimated or done, 1), label=label, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command("tiers")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date of the snapshot (today by default).")
@LANGUAGE
def tiers(as_of, lang):
    """Recompute every customer's RFM tier and store the snapshot."""
    with force_locale(_language(lang)):
        run = tiering.recompute(as_of.date() if as_of else None)
        db.session.commit()
        click.echo(_("Tiered %(count)d customers as of %(day)s.", count=run.customer_count, day=run.as_of.isoformat()))
        for tier, count in tiering.tier_counts(run).items():
            click.echo(f"  {TIER_LABELS[tier]}: {count}")
