"""Reading import files and matching their headers to the fields of an import.

CSV (UTF-8 with or without BOM, else GBK/GB18030 as Chinese Excel writes it;
comma, tab or semicolon separated) and Excel workbooks (.xlsx, first sheet,
openpyxl in read-only mode). Rows stream: a file of any size is read in bounded
memory. Hostile files are refused before they cost time or memory: a line, a
header and the number of columns have limits, and an XLSX's decompressed size
and shared strings are checked in the zip before openpyxl opens it.
"""
import codecs
import csv
import itertools
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError
from app.customers.imports.fields import (
    FIELDS,
    MAX_COLUMNS,
    MAX_HEADER_CHARS,
    MAX_LINE_CHARS,
    MAX_SHARED_STRINGS,
    MAX_XLSX_MB,
    REQUIRED,
)
from app.customers.labels import ERROR_MESSAGES, FIELD_LABELS

CSV_EXTENSIONS = ("csv", "txt", "tsv")
EXCEL_EXTENSIONS = ("xlsx", "xlsm")
EXTENSIONS = CSV_EXTENSIONS + EXCEL_EXTENSIONS
ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312
CHUNK = 1 << 20
MAX_XLSX_PARTS = 10_000  # a workbook has tens; each costs zipfile an object


class ImportFileError(DomainError):
    """The file as a whole cannot be imported; `code` is a key of ERROR_MESSAGES."""

    def __init__(self, code, message=None):
        super().__init__(message or ERROR_MESSAGES[code], "file")
        self.code = code


@dataclass
class Table:
    headers: list  # unique, never empty
    rows: Iterator  # (line number in the file, [cell values])
    estimated_rows: int | None  # data rows, for progress (exact for most files)


def extension(filename):
    return Path(filename).suffix.lower().lstrip(".")


def check_extension(filename):
    ext = extension(filename)
    if ext == "xls":
        raise ImportFileError("legacy_excel")
    if ext not in EXTENSIONS:
        raise ImportFileError("unsupported_file")
    return ext


@contextmanager
def open_table(path):
    """The header and a stream of the data rows of a CSV or XLSX file. Blank rows
    are skipped; a missing or malformed file raises ImportFileError."""
    path = Path(path)
    ext = check_extension(path.name)
    if not path.is_file():
        raise ImportFileError("file_missing")
    opener = _open_excel if ext in EXCEL_EXTENSIONS else _open_csv
    with opener(path) as (lines, estimated):
        header_line, header = next(lines, (None, None))
        if header is None:
            raise ImportFileError("empty_file")
        headers = _unique_headers(_checked_header(header))
        width = len(headers)
        rows = ((line, cells if len(cells) == width else (cells + [None] * width)[:width]) for line, cells in lines)
        yield Table(headers, rows, max(estimated - header_line, 0) if estimated is not None else None)


def preview(path, limit=10):
    """(headers, the first `limit` data rows, estimated row count)."""
    with open_table(path) as table:
        rows = [cells for _, cells in itertools.islice(table.rows, limit)]
        return table.headers, rows, table.estimated_rows


def _nonblank(lines):
    for line, cells in lines:
        if any(cell is not None and str(cell).strip() for cell in cells):
            yield line, list(cells)


def _nonblank_text(lines):
    """_nonblank for rows of strings (CSV), faster."""
    for line, cells in lines:
        if "".join(cells).strip():
            yield line, cells


@contextmanager
def _open_csv(path):
    encoding, line_count = _detect_encoding(path)
    with path.open(encoding=encoding, newline="") as stream:
        first_line = stream.readline(MAX_LINE_CHARS + 1)
        stream.seek(0)
        # The most frequent separator; a tie goes to the one that comes first.
        found = [char for char in ",\t;" if char in first_line]
        delimiter = max(found, key=lambda char: (first_line.count(char), -first_line.index(char)), default=",")
        reader = csv.reader(_bounded_lines(stream), delimiter=delimiter)

        def lines():
            end = 0
            try:
                for cells in reader:
                    start, end = end + 1, reader.line_num
                    yield start, cells
            except csv.Error:
                raise ImportFileError("unreadable_file") from None

        yield _nonblank_text(lines()), line_count


def _bounded_lines(stream):
    """The physical lines of a text stream, refusing one longer than MAX_LINE_CHARS
    before it is split into cells."""
    while line := stream.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise ImportFileError("line_too_long")
        yield line


def _detect_encoding(path):
    """The first of ENCODINGS that decodes the whole file, and its line count."""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        newlines, last = 0, b"\n"
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(CHUNK):
                    decoder.decode(chunk)
                    newlines, last = newlines + chunk.count(b"\n"), chunk[-1:]
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding, newlines + (last != b"\n")
    raise ImportFileError("unknown_encoding")


@contextmanager
def _open_excel(path):
    import openpyxl

    check_workbook(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        estimated = sheet.max_row
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds for a damaged or foreign file)
        raise ImportFileError("unreadable_file") from None

    def lines():
        try:
            # Columns beyond the limit are not built (a sheet may claim 16384).
            yield from enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS + 1, values_only=True), start=1)
        except Exception:  # noqa: BLE001
            raise ImportFileError("unreadable_file") from None

    try:
        yield _nonblank(lines()), estimated
    finally:
        workbook.close()


def check_workbook(path):
    """Refuse an XLSX whose parts decompress to more than MAX_XLSX_MB or that holds
    more than MAX_SHARED_STRINGS shared strings, reading only the zip's directory
    and, streamed, the shared strings part. zipfile never inflates a member beyond
    the size its directory declares, so the declared sizes are a true bound."""
    try:
        with Path(path).open("rb") as stream:
            # The directory's entry count, read before zipfile builds an object per entry.
            end = zipfile._EndRecData(stream)  # noqa: SLF001
        if end is None or end[zipfile._ECD_ENTRIES_TOTAL] > MAX_XLSX_PARTS:  # noqa: SLF001
            raise ImportFileError("unreadable_file")
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > MAX_XLSX_MB * 1024 * 1024:
                raise ImportFileError("workbook_too_large")
            shared = next((member for member in members if member.filename.lower().endswith("sharedstrings.xml")), None)
            if shared is not None and _shared_string_count(archive, shared) > MAX_SHARED_STRINGS:
                raise ImportFileError("too_many_strings")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise ImportFileError("unreadable_file") from None


_SHARED_STRING = re.compile(rb"<(?:\w{1,16}:)?si[\s>/]")
# uniqueCount is the number of <si> elements (count is how often cells use them).
_COUNT_ATTRIBUTE = re.compile(rb"<(?:\w{1,16}:)?sst\b[^>]*?\suniqueCount=\"(\d+)\"")


def _shared_string_count(archive, member):
    """The number of shared strings, stopping once past the limit: the count the
    part declares when that is already too many, else the <si> elements counted
    in a stream (the declared count may be missing or false)."""
    with archive.open(member) as stream:
        buffer = stream.read(4096)
        if (declared := _COUNT_ATTRIBUTE.search(buffer)) and int(declared.group(1)) > MAX_SHARED_STRINGS:
            return int(declared.group(1))
        found = 0
        while buffer:
            chunk = stream.read(CHUNK)
            buffer += chunk
            # A tag cut at the end of the buffer waits for the next chunk; a match
            # holds no "<" but its first, so it never spans the cut.
            cut = buffer.rfind(b"<", max(len(buffer) - 32, 0)) if chunk else -1
            done, buffer = (buffer[:cut], buffer[cut:]) if cut >= 0 else (buffer, b"")
            found += _count_shared_strings(done)
            if found > MAX_SHARED_STRINGS:
                break
        return found


def _count_shared_strings(data):
    """<si> elements in `data`: bytes.count for the usual unprefixed tags (no
    object per match), the regular expression for a namespace prefix."""
    plain = data.count(b"<si>") + data.count(b"<si ") + data.count(b"<si/")
    return plain if plain or b":si" not in data else len(_SHARED_STRING.findall(data))


def _checked_header(cells):
    """The header row, refused if it has too many columns or too long a name. A
    row longer than the limit loses its trailing blank cells first (a sheet whose
    formatting reaches column XFD is not refused for it)."""
    cells = list(cells)
    if len(cells) > MAX_COLUMNS:
        while cells and (cells[-1] is None or not str(cells[-1]).strip()):
            cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise ImportFileError("too_many_columns")
    if any(cell is not None and len(str(cell)) > MAX_HEADER_CHARS for cell in cells):
        raise ImportFileError("header_too_long")
    return cells


def _unique_headers(cells):
    """Header texts; a blank header becomes '#n', a repeated one 'name (2)'.
    Linear: each name remembers the copy number it reached."""
    headers, taken, copies = [], set(), {}
    for index, cell in enumerate(cells):
        text = _header_text(cell) or f"#{index + 1}"
        candidate, copy = text, copies.get(text, 1)
        while candidate in taken:
            copy += 1
            candidate = f"{text} ({copy})"
        copies[text] = copy
        taken.add(candidate)
        headers.append(candidate)
    return headers


def _header_text(cell):
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return re.sub(r"\s+", " ", str(cell)).strip()


# ---------------------------------------------------------------- header matching

HEADER_SYNONYMS = {
    "customers": {
        "external_id": ("客户编号", "客户ID", "客户id", "客户号", "客户代码", "客户编码", "编号", "外部编号", "ID",
                        "customer id", "customer no", "customer number", "customer code", "external id", "code"),
        "name": ("客户名称", "客户名", "客户姓名", "名称", "姓名", "客户", "name", "customer name", "customer"),
        "company": ("公司", "公司名称", "企业名称", "企业", "单位", "单位名称", "company", "company name",
                    "organization", "organisation"),
        "industry": ("行业", "所属行业", "行业类别", "industry", "sector"),
        "contact_person": ("联系人", "联系人姓名", "对接人", "contact", "contact person", "contact name"),
        "contact_title": ("职位", "职务", "联系人职位", "联系人职务", "title", "job title", "position", "contact title"),
        "email": ("邮箱", "电子邮件", "电子邮箱", "邮件", "邮箱地址", "email", "e-mail", "mail", "email address"),
        "phone": ("电话", "手机", "手机号", "手机号码", "联系电话", "电话号码", "联系方式", "phone", "mobile", "tel",
                  "telephone", "phone number", "mobile number"),
        "wechat_id": ("微信", "微信号", "微信ID", "wechat", "wechat id", "weixin"),
        "city": ("城市", "所在城市", "所在地", "city"),
        "preferred_channel": ("偏好渠道", "渠道偏好", "首选渠道", "联系渠道", "渠道", "channel", "preferred channel"),
        "preferred_language": ("语言", "偏好语言", "首选语言", "language", "preferred language"),
        "registered_on": ("注册日期", "注册时间", "首次购买日期", "首购日期", "首次购买时间", "registration date",
                          "registered on", "registered", "first purchase date", "signup date", "sign-up date"),
        "tags": ("标签", "客户标签", "tags", "tag", "labels"),
        "consent": ("同意联系", "是否同意联系", "联系许可", "允许联系", "consent", "contact consent", "opt in", "opt-in"),
    },
    "orders": {
        "external_id": ("订单编号", "订单号", "订单ID", "订单id", "单号", "编号", "ID", "order id", "order no",
                        "order number", "order"),
        "customer_external_id": ("客户编号", "客户ID", "客户id", "客户号", "客户代码", "客户编码", "customer id",
                                 "customer no", "customer number", "customer code", "customer external id"),
        "ordered_on": ("下单日期", "订单日期", "日期", "下单时间", "购买日期", "成交日期", "date", "order date",
                       "ordered on", "purchase date"),
        "amount": ("金额", "订单金额", "实付金额", "成交金额", "总金额", "合计", "amount", "total", "order amount",
                   "order total"),
        "product": ("产品", "产品名称", "商品", "商品名称", "product", "product name", "item"),
        "channel": ("渠道", "销售渠道", "下单渠道", "channel", "sales channel"),
    },
}


def header_key(text):
    """Comparable form of a header: full-width to ASCII, case-folded, without
    spaces and punctuation ('Customer_ID ' and 'ＣＵＳＴＯＭＥＲ　ID' match)."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


_WITHOUT_NOTES = re.compile(r"[(\[（【].*?[)\]）】]")
_SYNONYM_KEYS = {
    kind: {header_key(word): name for name, words in synonyms.items() for word in words}
    for kind, synonyms in HEADER_SYNONYMS.items()
}


def match_header(kind, header):
    """The field a header names, or None; notes in brackets are ignored
    ('金额（元）' is the amount)."""
    keys = _SYNONYM_KEYS[kind]
    return keys.get(header_key(header)) or keys.get(header_key(_WITHOUT_NOTES.sub("", header)))


def guess_mapping(kind, headers):
    """{header: field or ''}: each field goes to the first header that names it."""
    mapping, taken = {}, set()
    for header in headers:
        name = match_header(kind, header)
        if name and name not in taken:
            mapping[header] = name
            taken.add(name)
        else:
            mapping[header] = ""
    return mapping


def check_mapping(kind, mapping):
    """Refuse a mapping that leaves a required field unmapped, uses a field twice
    or names an unknown field."""
    chosen = [name for name in mapping.values() if name]
    unknown = sorted(set(chosen) - set(FIELDS[kind]))
    if unknown:
        raise DomainError(_l("Unknown fields: %(fields)s.", fields=", ".join(unknown)), "mapping")
    twice = [name for name, count in Counter(chosen).items() if count > 1]
    if twice:
        labels = ", ".join(str(FIELD_LABELS[kind][name]) for name in twice)
        raise DomainError(_l("Each field can come from one column only: %(fields)s.", fields=labels), "mapping")
    missing = [name for name in REQUIRED[kind] if name not in chosen]
    if missing:
        labels = ", ".join(str(FIELD_LABELS[kind][name]) for name in missing)
        raise DomainError(_l("Choose a column for every required field: %(fields)s.", fields=labels), "mapping")


def records_from(table, mapping):
    """(line, {field: raw value}) for every data row, as import_records takes them."""
    positions = {header: index for index, header in enumerate(table.headers)}
    columns = [(positions[header], name) for header, name in mapping.items() if name and header in positions]
    for line, cells in table.rows:
        yield line, {name: cells[index] for index, name in columns}


def column_names(mapping):
    """{field: header}, so errors name the file's own columns."""
    return {name: header for header, name in mapping.items() if name}
