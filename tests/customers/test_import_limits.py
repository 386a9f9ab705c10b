"""Hostile import files: refused quickly, in little memory, with a clear message."""
import time
import tracemalloc
import zipfile
from contextlib import contextmanager

import pytest

from app.customers.imports.reading import ImportFileError, _unique_headers, check_workbook, preview

SECONDS = 10  # of CPU time, generous (tracemalloc slows Python down); the files once took minutes
MEGABYTES = 64  # the 1 GB workbook once took 3.2 GB


@contextmanager
def bounded():
    """Fails unless the block uses at most SECONDS of CPU time (the process's, so a
    busy machine does not make it flaky) and allocates at most MEGABYTES at its peak."""
    tracemalloc.start()
    started = time.process_time()
    try:
        yield
    finally:
        elapsed = time.process_time() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert peak < MEGABYTES * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def refusal(path):
    """The code and message preview() refuses `path` with, within the bounds."""
    with bounded(), pytest.raises(ImportFileError) as caught:
        preview(path)
    return caught.value.code, str(caught.value.message)


def repeated_columns_csv(tmp_path):
    """12 KB: 3,000 identical column names (once 110 s to upload, 110 s to map)."""
    path = tmp_path / "repeated.csv"
    path.write_text(",".join(["id"] * 3000) + "\nx\n", encoding="utf-8")
    return path


def empty_header_cells_csv(tmp_path, cells=1_000_000):
    """2 MB: a header of a million empty cells between two names (once hours)."""
    path = tmp_path / "empty-cells.csv"
    path.write_text("客户编号" + ", " * cells + "客户名称\nC1" + "," * cells + "甲\n", encoding="utf-8")
    return path


def workbook(tmp_path, name, parts):
    """An XLSX built part by part: {part name: bytes or an iterable of byte chunks}."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for part, content in {**WORKBOOK_PARTS, **parts}.items():
            with archive.open(part, "w", force_zip64=True) as stream:
                for chunk in [content] if isinstance(content, bytes) else content:
                    stream.write(chunk)
    return path


WORKBOOK_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/sharedStrings.xml": b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>\xe5\xae\xa2\xe6\x88\xb7\xe7\xbc\x96\xe5\x8f\xb7</t></si><si><t>C1</t></si></sst>',
    "xl/worksheets/sheet1.xml": b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData></worksheet>',
}
SHEET_START = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_END = b"</sheetData></worksheet>"


def huge_cell_xlsx(tmp_path, megabytes=300):
    """About 1 MB on disk, one cell of `megabytes` once inflated (a 1 GB cell took
    96 s and 3.2 GB, then a 500)."""
    def sheet():
        yield SHEET_START + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        block = b"a" * (1 << 20)
        for _ in range(megabytes):
            yield block
        yield b"</t></is></c></row>" + SHEET_END
    return workbook(tmp_path, "huge-cell.xlsx", {"xl/worksheets/sheet1.xml": sheet()})


def shared_strings_xlsx(tmp_path, count=10_000_000, declared=False):
    """Small on disk, ten million shared strings (took 190 s and 1 GB); the count
    attribute is left out unless `declared`, so the parts are counted."""
    def strings():
        attributes = f' count="{count}" uniqueCount="{count}"'.encode() if declared else b""
        yield b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"' + attributes + b">"
        block = b"<si><t/></si>" * 100_000
        for _ in range(count // 100_000):
            yield block
        yield b"</sst>"
    return workbook(tmp_path, "strings.xlsx", {"xl/sharedStrings.xml": strings()})


def test_header_deduplication_is_linear():
    with bounded():
        headers = _unique_headers(["客户"] * 20_000 + [None] * 20_000)  # once minutes
    assert headers[:3] == ["客户", "客户 (2)", "客户 (3)"] and headers[19_999] == "客户 (20000)"
    assert headers[20_000] == "#20001" and len(set(headers)) == 40_000
    assert _unique_headers(["a", "a (2)", "a", "a"]) == ["a", "a (2)", "a (3)", "a (4)"]


def test_too_many_columns_are_refused(tmp_path):
    path = repeated_columns_csv(tmp_path)
    assert path.stat().st_size < 13_000
    assert refusal(path) == ("too_many_columns", "The file has more than 300 columns. Keep only the columns to import.")


@pytest.mark.parametrize("cells, code", [(1_000_000, "line_too_long"), (400_000, "too_many_columns")])
def test_a_header_of_empty_cells_is_refused(tmp_path, cells, code):
    assert refusal(empty_header_cells_csv(tmp_path, cells))[0] == code


def test_trailing_empty_columns_beyond_the_limit_are_dropped(tmp_path):
    path = tmp_path / "trailing.csv"
    path.write_text("客户编号,客户名称" + "," * 5000 + "\nC1,甲" + "," * 5000 + "\n", encoding="utf-8")
    with bounded():
        headers, rows, _ = preview(path)
    assert headers == ["客户编号", "客户名称"] and rows == [["C1", "甲"]]


def test_a_long_column_name_is_refused(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("客户编号," + "名" * 201 + "\nC1,甲\n", encoding="utf-8")
    assert refusal(path)[0] == "header_too_long"
    path.write_text("客户编号," + "名" * 200 + "\nC1,甲\n", encoding="utf-8")
    assert preview(path)[0][1] == "名" * 200


def test_a_workbook_that_inflates_to_a_huge_cell_is_refused_before_loading(tmp_path):
    path = huge_cell_xlsx(tmp_path)
    assert path.stat().st_size < 2 * 1024 * 1024
    code, message = refusal(path)
    assert code == "workbook_too_large"
    assert message == "The workbook expands to more than 256 MB. Save it as CSV and upload that instead."


@pytest.mark.parametrize("declared", [True, False])
def test_a_workbook_with_millions_of_shared_strings_is_refused(tmp_path, declared):
    path = shared_strings_xlsx(tmp_path, declared=declared)
    assert path.stat().st_size < 2 * 1024 * 1024
    code, message = refusal(path)
    assert code == "too_many_strings"
    assert message == "The workbook holds more than 2,000,000 different texts. Save it as CSV and upload that instead."


def test_a_workbook_of_countless_parts_is_refused(tmp_path):
    path = workbook(tmp_path, "parts.xlsx", {f"xl/media/{n}.bin": b"" for n in range(20_000)})
    assert refusal(path)[0] == "unreadable_file"


def test_a_hand_built_workbook_within_the_limits_is_read(tmp_path):
    """The workbooks above differ from this one only in what they hold."""
    path = workbook(tmp_path, "fine.xlsx", {})
    assert preview(path)[:2] == (["客户编号"], [["C1"]])
    check_workbook(shared_strings_xlsx(tmp_path, count=100_000))
