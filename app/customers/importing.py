"""Importing customers and orders: value parsing, row validation and upsert.

Every door goes through `import_records(kind, records)`: the web upload (through
a Celery task), the CLI and the JSON API. Records are (line, {field: raw value})
pairs. The whole input is validated first, streaming: only the ids seen so far
and one batch of rows stay in memory, and cleaned rows wait in a temporary spool
file. Only when no row has an error are the rows written, in batches of
`BATCH_SIZE`, with one INSERT ... ON CONFLICT DO UPDATE per batch (no ORM object
per row), and then the RFM inputs of the customers written to are recomputed
(rfm_inputs.refresh). Nothing is committed here: the caller commits, in one
transaction.
"""
import pickle
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.core.text import single_line
from app.customers import rfm_inputs
from app.customers.models import Channel, Customer, CustomerTag, Order
from app.customers.sql import in_values, upsert
from app.extensions import db

BATCH_SIZE = 5000
MAX_ERRORS = 1000  # errors kept for the report; the count goes on beyond
KNOWN_CUSTOMERS_MAX = 200_000  # customer ids an import remembers between batches
MAX_AMOUNT = Decimal("9999999999.99")  # Numeric(12, 2)
CENT = Decimal("0.01")
# Limits of an import file, checked before it is parsed (see import_parsing).
MAX_COLUMNS = 300
MAX_HEADER_CHARS = 200
MAX_LINE_CHARS = 1_000_000  # bounds the cells one CSV row can hold
MAX_XLSX_MB = 256  # an XLSX decompressed, all its parts together
MAX_SHARED_STRINGS = 2_000_000  # openpyxl keeps every shared string in memory

CUSTOMER_FIELDS = (
    "external_id", "name", "company", "industry", "contact_person", "contact_title", "email", "phone",
    "wechat_id", "city", "preferred_channel", "preferred_language", "registered_on", "tags", "consent",
)
ORDER_FIELDS = ("external_id", "customer_external_id", "ordered_on", "amount", "product", "channel")
FIELDS = {"customers": CUSTOMER_FIELDS, "orders": ORDER_FIELDS}
REQUIRED = {
    "customers": ("external_id", "name"),
    "orders": ("external_id", "customer_external_id", "ordered_on", "amount"),
}
KINDS = tuple(FIELDS)
KIND_LABELS = {"customers": _l("Customers"), "orders": _l("Orders")}

FIELD_LABELS = {
    "customers": {
        "external_id": _l("Customer ID"),
        "name": _l("Name"),
        "company": _l("Company"),
        "industry": _l("Industry"),
        "contact_person": _l("Contact person"),
        "contact_title": _l("Contact's title"),
        "email": _l("E-mail"),
        "phone": _l("Phone"),
        "wechat_id": _l("WeChat ID"),
        "city": _l("City"),
        "preferred_channel": _l("Preferred channel"),
        "preferred_language": _l("Preferred language"),
        "registered_on": _l("Registration or first purchase date"),
        "tags": _l("Tags"),
        "consent": _l("Consent to be contacted"),
    },
    "orders": {
        "external_id": _l("Order ID"),
        "customer_external_id": _l("Customer ID"),
        "ordered_on": _l("Order date"),
        "amount": _l("Amount"),
        "product": _l("Product"),
        "channel": _l("Sales channel"),
    },
}

# Stable codes, stored in reports; the reader's language is chosen when shown.
ERROR_MESSAGES = {
    "required": _l("A value is required."),
    "unknown_field": _l("This column is not a field of the import."),
    "too_long": _l("The text is too long for this column."),
    "invalid_date": _l("Not a date. Write it as 2024-07-15, 2024/7/15 or 2024年7月15日."),
    "invalid_amount": _l("Not an amount. Write a number such as 1234.50, 1,234.50 or ¥1,234.50."),
    "negative_amount": _l("The amount cannot be negative."),
    "too_many_decimals": _l("The amount has more than two decimals."),
    "amount_too_large": _l("The amount is too large."),
    "invalid_email": _l("Not a valid e-mail address."),
    "invalid_phone": _l("Not a valid phone number (a mobile, a landline such as 010-12345678, or +country code)."),
    "invalid_channel": _l("Unknown channel. Use WeChat, community, SMS, e-mail, phone or visit."),
    "invalid_language": _l("Unknown language. Use zh (中文) or en (English)."),
    "invalid_consent": _l("Not a yes/no value. Use yes, no, 是 or 否."),
    "duplicate_id": _l("This ID already appears on an earlier line of the file."),
    "unknown_customer": _l("No customer has this customer ID. Import the customer first."),
    # Whole-file problems (no line), see import_parsing.
    "unsupported_file": _l("This file type cannot be imported. Upload a CSV file or an Excel workbook (.xlsx)."),
    "legacy_excel": _l("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV and upload it again."),
    "unreadable_file": _l("The file cannot be read. Check that it is a CSV file or an Excel workbook (.xlsx) and not damaged."),
    "unknown_encoding": _l("The text of the file is neither UTF-8 nor GBK/GB18030. Save it as CSV UTF-8 and upload it again."),
    "empty_file": _l("The file has no header row and no data."),
    "no_rows": _l("The file has a header row but no data rows."),
    "too_many_columns": _l("The file has more than %(n)d columns. Keep only the columns to import.", n=MAX_COLUMNS),
    "header_too_long": _l("A column name is longer than %(n)d characters. Is the first row the header?",
                          n=MAX_HEADER_CHARS),
    "line_too_long": _l("A line of the file is longer than %(n)s characters.", n=f"{MAX_LINE_CHARS:,}"),
    "workbook_too_large": _l("The workbook expands to more than %(mb)d MB. Save it as CSV and upload that instead.",
                             mb=MAX_XLSX_MB),
    "too_many_strings": _l("The workbook holds more than %(n)s different texts. Save it as CSV and upload that instead.",
                           n=f"{MAX_SHARED_STRINGS:,}"),
    "file_missing": _l("The uploaded file is no longer available. Upload it again."),
    "internal_error": _l("The import stopped because of an unexpected error. Nothing was written. Please try again."),
    "abandoned": _l("The import was never finished (not confirmed, or its worker stopped). Nothing was written. Please upload the file again."),
}


class InvalidValue(ValueError):
    """A value that a parser refuses; `code` is a key of ERROR_MESSAGES."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class RowError:
    line: int | None
    column: str | None
    code: str
    value: str = ""

    @property
    def message(self):
        return str(ERROR_MESSAGES.get(self.code, self.code))

    def as_dict(self):
        return {"line": self.line, "column": self.column, "code": self.code, "value": self.value}

    @classmethod
    def from_dict(cls, data):
        return cls(data.get("line"), data.get("column"), data["code"], data.get("value") or "")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)  # the first MAX_ERRORS RowErrors, by line
    error_count: int = 0
    rows: int = 0

    @property
    def ok(self):
        return self.error_count == 0


# ---------------------------------------------------------------- value parsers


def _as_text(value):
    """Cell text; whole numbers from spreadsheets lose their '.0'."""
    if value.__class__ is str:
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return str(value).strip()


def _nfkc(text):
    """Full-width letters, digits and signs as ASCII (ＡＢ１２ -> AB12)."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _key(text):
    """Comparable form: full-width to ASCII, case-folded, without spaces and punctuation."""
    return re.sub(r"[\W_]+", "", _nfkc(text).casefold())


_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(value):
    """2024-07-15, 2024/7/15, 2024.7.15, 2024年7月15日, 20240715 or a spreadsheet date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise InvalidValue("invalid_date")
    text = _as_text(value)
    try:
        if len(text) == 10 and text[4] == "-" == text[7]:  # ISO, the common case
            return date.fromisoformat(text)
        text = _nfkc(text)
        match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
        if not match:
            raise InvalidValue("invalid_date")
        year, month, day = match.groups()
        return date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidValue("invalid_date") from None


_AMOUNT = re.compile(
    r"(-)?\s*(?:[¥￥]|rmb|cny)?\s*(-)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(?:元|rmb|cny)?", re.IGNORECASE
)


def parse_amount(value):
    """¥1,234.50, ￥12,000, 1234, 12000元 or a spreadsheet number: a Decimal with
    at most two decimals, never through float arithmetic."""
    if isinstance(value, bool):
        raise InvalidValue("invalid_amount")
    if isinstance(value, Decimal | int | float):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise InvalidValue("invalid_amount") from None
        if not amount.is_finite():
            raise InvalidValue("invalid_amount")
    else:
        text = str(value).strip()
        match = _AMOUNT.fullmatch(text) or _AMOUNT.fullmatch(_nfkc(text))
        if not match:
            raise InvalidValue("invalid_amount")
        minus_before, minus_after, whole, fraction = match.groups()
        if minus_before and minus_after:
            raise InvalidValue("invalid_amount")
        amount = Decimal(whole.replace(",", "") + (fraction or ""))
        if minus_before or minus_after:
            amount = -amount
    if amount < 0:
        raise InvalidValue("negative_amount")
    if amount > MAX_AMOUNT:  # first: quantizing 10^30 exceeds Decimal's precision
        raise InvalidValue("amount_too_large")
    cents = amount.quantize(CENT)
    if cents != amount:
        raise InvalidValue("too_many_decimals")
    return cents


def parse_email(value):
    try:
        return validate_email(_as_text(value), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidValue("invalid_email") from None


_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")
# Area codes: 10 and 2x have two digits after the 0, the others three.
_LANDLINE = re.compile(r"(?:(?:\+86|0086)0?|0)(10|2\d|[3-9]\d{2})(\d{7,8})")
_INTERNATIONAL = re.compile(r"(?:\+|00)(?!86)([1-9]\d{6,14})")


def parse_phone(value):
    """A mainland mobile (+86 optional), a landline such as 010-12345678, or an
    international number starting with +. Stored as 13812345678, 010-12345678
    or +442071234567."""
    text = _nfkc(_as_text(value))
    compact = re.sub(r"[\s\-().]", "", text)
    if match := _MOBILE.fullmatch(compact):
        return match.group(1)
    if match := _LANDLINE.fullmatch(compact):
        return f"0{match.group(1)}-{match.group(2)}"
    if match := _INTERNATIONAL.fullmatch(compact):
        return f"+{match.group(1)}"
    raise InvalidValue("invalid_phone")


def _lookup(words):
    return {_key(word): value for value, synonyms in words.items() for word in synonyms}


_CHANNELS = _lookup({
    Channel.WECHAT.value: ("wechat", "weixin", "wx", "微信", "公众号", "微信公众号", "服务号"),
    Channel.COMMUNITY.value: ("community", "group", "社群", "微信群", "社区", "群"),
    Channel.SMS.value: ("sms", "text", "text message", "短信", "短消息"),
    Channel.EMAIL.value: ("email", "e-mail", "mail", "邮件", "邮箱", "电子邮件"),
    Channel.PHONE.value: ("phone", "telephone", "call", "电话", "手机"),
    Channel.VISIT.value: ("visit", "on-site visit", "拜访", "上门", "上门拜访", "面访", "走访"),
})
_LANGUAGES = _lookup({
    "zh": ("zh", "zh-CN", "zh-Hans", "cn", "chinese", "中文", "汉语", "简体中文", "普通话"),
    "en": ("en", "en-US", "en-GB", "english", "英文", "英语"),
})
_CONSENT = {
    **dict.fromkeys(("yes", "y", "true", "t", "1", "是", "同意", "已同意", "允许", "√", "✓", "✔"), True),
    **dict.fromkeys(("no", "n", "false", "f", "0", "否", "不同意", "未同意", "拒绝", "不", "×", "✗", "✘"), False),
}


def parse_channel(value):
    try:
        return _CHANNELS[_key(_as_text(value))]
    except KeyError:
        raise InvalidValue("invalid_channel") from None


def parse_language(value):
    try:
        return _LANGUAGES[_key(_as_text(value))]
    except KeyError:
        raise InvalidValue("invalid_language") from None


def parse_consent(value):
    if isinstance(value, bool):
        return value
    try:
        return _CONSENT[_nfkc(_as_text(value)).casefold()]
    except KeyError:
        raise InvalidValue("invalid_consent") from None


_TAG_SEPARATORS = re.compile(r"[,，;；、|｜]")
TAG_MAX = CustomerTag.__table__.c.tag.type.length


def parse_tags(value):
    """制造业，成长期;*经理 -> ['制造业', '成长期', '*经理'] (duplicates dropped)."""
    tags = []
    for part in _TAG_SEPARATORS.split(single_line(_as_text(value))):
        tag = part.strip()
        if len(tag) > TAG_MAX:
            raise InvalidValue("too_long")
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _text(column, normalise=False):
    """One line of text (no line breaks or control characters: names and the like
    reach mail headers) up to the column's length; identifiers are also
    NFKC-normalised."""
    limit = column.type.length

    def parse(value):
        text = single_line(_as_text(value))
        text = _nfkc(text) if normalise else text
        if not text:
            raise InvalidValue("required")
        if len(text) > limit:
            raise InvalidValue("too_long")
        return text

    return parse


_customer = Customer.__table__.c
_order = Order.__table__.c
PARSERS = {
    "customers": {
        "external_id": _text(_customer.external_id, normalise=True),
        "name": _text(_customer.name),
        "company": _text(_customer.company),
        "industry": _text(_customer.industry),
        "contact_person": _text(_customer.contact_person),
        "contact_title": _text(_customer.contact_title),
        "email": parse_email,
        "phone": parse_phone,
        "wechat_id": _text(_customer.wechat_id),
        "city": _text(_customer.city),
        "preferred_channel": parse_channel,
        "preferred_language": parse_language,
        "registered_on": parse_date,
        "tags": parse_tags,
        "consent": parse_consent,
    },
    "orders": {
        "external_id": _text(_order.external_id, normalise=True),
        "customer_external_id": _text(_customer.external_id, normalise=True),
        "ordered_on": parse_date,
        "amount": parse_amount,
        "product": _text(_order.product),
        "channel": _text(_order.channel),
    },
}
# What an empty cell means for a field that is not required.
EMPTY = {"tags": [], "consent": False}


def _shown(value):
    """The raw value as the report shows it (short)."""
    return "" if value is None else _as_text(value)[:100]


# ---------------------------------------------------------------- validation


class CheckedRecords:
    """The outcome of validation: errors, or the cleaned rows spooled to a
    temporary file for `write_records`. Use it as a context manager."""

    def __init__(self, kind):
        self.kind = kind
        self.errors = []
        self.error_count = 0
        self.rows = 0
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._spool.close()

    def add_errors(self, errors, max_errors):
        errors = sorted(errors, key=lambda error: error.line or 0)
        self.error_count += len(errors)
        if max_errors is not None:
            errors = errors[: max(max_errors - len(self.errors), 0)]
        self.errors.extend(errors)

    def spool(self, rows):
        """Keep a batch of cleaned rows, grouped by the fields they carry (rows
        from the API may differ): [(fields, [row])]."""
        groups = {}
        for row in rows:
            groups.setdefault(tuple(row), []).append(row)
        pickle.dump(list(groups.items()), self._spool, protocol=pickle.HIGHEST_PROTOCOL)

    def batches(self):
        self._spool.seek(0)
        while True:
            try:
                yield pickle.load(self._spool)
            except EOFError:
                return


def _clean(kind, line, record, column_names):
    """(cleaned row, [RowError]) for one record."""
    parsers, required = PARSERS[kind], REQUIRED[kind]
    row, problems = {}, []  # problems: (field, code, value)
    for name in required:
        if name not in record:
            problems.append((name, "required", None))
    for name, value in record.items():
        parse = parsers.get(name)
        if value.__class__ is str:
            value = value.strip() or None
        if parse is None:
            problems.append((name, "unknown_field", value))
        elif value is None:
            if name in required:
                problems.append((name, "required", None))
            else:
                row[name] = EMPTY.get(name)
        else:
            try:
                row[name] = parse(value)
            except InvalidValue as invalid:
                problems.append((name, invalid.code, value))
    errors = [RowError(line, column_names.get(name, name), code, _shown(value)) for name, code, value in problems]
    return row, errors


def _customer_ids(external_ids):
    """{external_id: id} of the customers among `external_ids`, in one query."""
    if not external_ids:
        return {}
    rows = db.session.execute(select(Customer.external_id, Customer.id).where(in_values(Customer.external_id, external_ids)))
    return dict(rows.all())


def validate_records(kind, records, *, progress=None, column_names=None, max_errors=MAX_ERRORS):
    """Check every record; return CheckedRecords (a context manager) holding
    the errors or the cleaned rows. Reads the database, never writes.

    `column_names` maps a field to the name the report shows (the file's header);
    `progress(phase, rows_done)` is called after each batch."""
    if kind not in FIELDS:
        raise ValueError(f"unknown import kind {kind!r}")
    column_names = column_names or {}
    checked = CheckedRecords(kind)
    seen_ids = set()
    known = {}  # customer external id -> id, kept across batches (bounded)
    batch, batch_errors, lines = [], [], []

    def flush():
        if not lines and not batch_errors:
            return
        if kind == "orders":
            wanted = {row["customer_external_id"] for row in batch if "customer_external_id" in row}
            missing = wanted - known.keys()
            if len(known) + len(missing) > KNOWN_CUSTOMERS_MAX:
                known.clear()
                missing = wanted
            known.update(_customer_ids(missing))
            for line, row in zip(lines, batch):
                customer = row.pop("customer_external_id", None)
                if customer is not None and customer not in known:
                    batch_errors.append(RowError(line, column_names.get("customer_external_id", "customer_external_id"),
                                                 "unknown_customer", customer))
                row["customer_id"] = known.get(customer)
        if batch_errors:
            checked.add_errors(batch_errors, max_errors)
        elif not checked.error_count:
            checked.spool(batch)
        batch.clear(), batch_errors.clear(), lines.clear()
        if progress:
            progress("validating", checked.rows)

    try:
        for line, record in records:
            checked.rows += 1
            row, errors = _clean(kind, line, record, column_names)
            external_id = row.get("external_id")
            if external_id is not None:
                if external_id in seen_ids:
                    errors.append(RowError(line, column_names.get("external_id", "external_id"), "duplicate_id", external_id))
                seen_ids.add(external_id)
            batch_errors.extend(errors)
            if not errors or kind == "orders":  # orders with errors still get their customer checked
                batch.append(row)
                lines.append(line)
            if checked.rows % BATCH_SIZE == 0:
                flush()
        flush()
    except BaseException:
        checked.close()
        raise
    return checked


# ---------------------------------------------------------------- writing


def _upsert(table, rows, columns, extra_updates=None, previous=()):
    """Insert or update `rows` by external id; returns the rows that existed
    before as {external_id: (their values of the `previous` columns)}.

    Rows that are new go through a plain INSERT, which SQLite runs about twice
    as fast as an upsert; rows that exist go through INSERT ... ON CONFLICT DO
    UPDATE. A row another transaction inserts meanwhile makes the INSERT fail,
    and with it the whole import, rather than be overwritten silently."""
    existing = {external_id: values for external_id, *values in db.session.execute(
        select(table.c.external_id, *previous).where(in_values(table.c.external_id, [row["external_id"] for row in rows]))
    )}
    new = [row for row in rows if row["external_id"] not in existing]
    if new:
        db.session.execute(table.insert(), new)
    if existing:
        statement = upsert(table)
        updates = {name: statement.excluded[name] for name in columns if name != "external_id"}
        updates.update(extra_updates or {})
        db.session.execute(
            statement.on_conflict_do_update(index_elements=["external_id"], set_=updates),
            [row for row in rows if row["external_id"] in existing],
        )
    return existing


def _write_customers(rows, columns):
    """Upsert customers; returns (how many existed, the ids of all of them)."""
    tags = [row.pop("tags") for row in rows] if "tags" in columns else None
    existing = _upsert(Customer.__table__, rows, [name for name in columns if name != "tags"], {"updated_at": func.now()})
    ids = _customer_ids([row["external_id"] for row in rows])
    customer_ids = [ids[row["external_id"]] for row in rows]
    if tags is not None:  # the file's tags replace the customer's tags
        if existing:
            db.session.execute(delete(CustomerTag.__table__).where(in_values(CustomerTag.__table__.c.customer_id, customer_ids)))
        tag_rows = [{"customer_id": cid, "tag": tag} for cid, row_tags in zip(customer_ids, tags) for tag in row_tags]
        if tag_rows:
            db.session.execute(CustomerTag.__table__.insert(), tag_rows)
    return len(existing), customer_ids


def _write_orders(rows, columns):
    """Upsert orders; returns (how many existed, the ids of the customers whose
    orders changed: the orders' customers now, and before for moved orders)."""
    existing = _upsert(Order.__table__, rows, columns, previous=(Order.__table__.c.customer_id,))
    return len(existing), {row["customer_id"] for row in rows} | {customer_id for customer_id, in existing.values()}


def write_records(checked, *, progress=None):
    """Upsert the spooled rows of error-free CheckedRecords, batch by batch, then
    bring the RFM inputs of the customers written to up to date."""
    if checked.error_count:
        raise ValueError("records with errors are never written")
    write = _write_customers if checked.kind == "customers" else _write_orders
    result = ImportResult(rows=checked.rows)
    done = 0
    touched = set()  # customer ids whose inputs are to be recomputed
    db.session.flush()
    for batch in checked.batches():
        for columns, rows in batch:
            existing, customer_ids = write(rows, columns)
            touched.update(customer_ids)
            result.updated += existing
            result.created += len(rows) - existing
            done += len(rows)
        if len(touched) >= KNOWN_CUSTOMERS_MAX:  # bounded memory
            rfm_inputs.refresh(touched)
            touched.clear()
        if progress:
            progress("writing", done)
    rfm_inputs.refresh(touched)
    # ORM objects loaded before now show the imported values.
    db.session.expire_all()
    return result


def import_records(kind, records, *, progress=None, column_names=None, max_errors=MAX_ERRORS):
    """Validate every record, then write them all only if none has an error.

    `records`: iterable of (line_number, {canonical_field: raw_value}). Returns an
    ImportResult; the caller commits (or rolls back, though nothing is written
    when there are errors)."""
    with validate_records(kind, records, progress=progress, column_names=column_names, max_errors=max_errors) as checked:
        if checked.error_count:
            return ImportResult(errors=checked.errors, error_count=checked.error_count, rows=checked.rows)
        return write_records(checked, progress=progress)
