"""The filtered customer list as CSV or XLSX, written row by row.

CSV starts with a UTF-8 byte-order mark so that Excel reads Chinese correctly.
Both formats read the rows in batches (yield_per), so memory stays bounded
whatever the number of customers; XLSX goes through openpyxl's write-only mode.
"""
import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from app.core.spreadsheets import csv_row, xlsx_row
from app.customers.labels import CHANNEL_LABELS, LIFECYCLE_LABELS, TIER_LABELS

BATCH = 1000

COLUMNS = (
    (_l("Customer number"), 14), (_l("Name"), 20), (_l("Company"), 28), (_l("Industry"), 12), (_l("City"), 10),
    (_l("Contact person"), 12), (_l("Title"), 12), (_l("E-mail"), 24), (_l("Phone"), 16), (_l("WeChat"), 14),
    (_l("Preferred channel"), 10), (_l("Tier"), 12), (_l("Lifecycle stage"), 10),
    (_l("R (days since last activity)"), 8), (_l("F (purchases in 12 months)"), 8), (_l("M (amount in 12 months)"), 12),
    (_l("CLV top %"), 8), (_l("Last contact"), 12), (_l("Tags"), 24), (_l("Consent"), 8),
)


@dataclass(frozen=True)
class Labels:
    """The words of an export in the request's language, taken before streaming starts."""

    headers: list
    tiers: dict
    stages: dict
    channels: dict
    yes: str
    no: str


def labels():
    return Labels(
        headers=[str(label) for label, _width in COLUMNS],
        tiers={tier.value: str(label) for tier, label in TIER_LABELS.items()},
        stages={stage.value: str(label) for stage, label in LIFECYCLE_LABELS.items()},
        channels={channel.value: str(label) for channel, label in CHANNEL_LABELS.items()},
        yes=_("Yes"), no=_("No"),
    )


def rows(session, statement, words):
    """Each customer of a (Customer, TierAssignment) statement as a list of cell values."""
    for customer, a in session.execute(statement.execution_options(yield_per=BATCH)):
        yield [
            customer.external_id, customer.name, customer.company, customer.industry, customer.city,
            customer.contact_person, customer.contact_title, customer.email, customer.phone, customer.wechat_id,
            words.channels.get(customer.preferred_channel, customer.preferred_channel),
            words.tiers[a.tier] if a else None, words.stages[a.lifecycle] if a else None,
            a.recency_days if a else None, a.frequency if a else None, a.monetary if a else None,
            a.clv_top_percent if a else None, a.last_activity_on if a else None,
            "; ".join(customer.tags), words.yes if customer.consent else words.no,
        ]


def csv_chunks(session, statement, words):
    """The CSV text in chunks of BATCH rows, for a streamed response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(words.headers)
    for count, row in enumerate(rows(session, statement, words), start=1):
        writer.writerow(csv_row(row))
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(session, statement, words, fileobj, title):
    """Write the workbook to `fileobj` (a temporary file) in write-only mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, (_label, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(words.headers)
    for row in rows(session, statement, words):
        sheet.append(xlsx_row(sheet, row))
    workbook.save(fileobj)

