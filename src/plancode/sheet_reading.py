"""Reading spreadsheets for `plancode import`, bounded in time and memory.

A workbook is a zip of XML written by whoever sent it: 17 kB can declare a merged range
of 17 billion cells (``A50:XFD1048576``), one cell at ``XFD1048576`` makes a full-mode
reader walk every cell before it, and a zip bomb inflates to gigabytes. So the file's
size is checked before it is read, the workbook's declared unzipped size before anything
is inflated, and sheets are streamed (openpyxl's read-only mode) within row and column
limits; a sheet beyond them is a clear message, never a MemoryError.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from . import i18n
from .spreadsheet import Cell, Sheet, SheetError

i18n.register({
    "sheet-too-large": (
        "{path} is {size} bytes; plancode imports files of at most {limit} bytes",
        "{path} 有 {size} 字節;plancode 只導入不超過 {limit} 字節的文件",
    ),
    "sheet-zip-bomb": (
        "{path} would unpack to {size} bytes (more than {limit}): it is not read",
        "{path} 解壓後將有 {size} 字節(超過 {limit}):不予讀取",
    ),
    "sheet-too-big": (
        "{path} {sheet}: the sheet spans {size}; plancode imports at most {rows} rows and {columns} "
        "columns: copy the table into a new sheet and import that",
        "{path} {sheet}:工作表範圍為 {size};plancode 最多導入 {rows} 行、{columns} 列:請把表格複製到新工作表後再導入",
    ),
})

#: what `plancode import` reads at most (the teams' templates are a few hundred rows): a
#: workbook is a zip of XML, and a 17 kB file can declare a sheet of 17 billion cells
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # every part of the workbook, as its zip declares it
MAX_ROWS = 20_000
MAX_COLUMNS = 256
MAX_MERGED_CELLS = 2_000_000  # merged cells inside those bounds, counted per row


def read_sheets(path: Path, shown: str) -> list[Sheet]:
    """Every sheet of an .xlsx/.xlsm workbook, or the one table of a .csv file.

    Bounded in time and memory whatever the file holds: its size is checked before it
    is read, a workbook's declared unzipped size before it is inflated (a zip bomb), and
    sheets are streamed (openpyxl's read-only mode) up to :data:`MAX_ROWS` rows and
    :data:`MAX_COLUMNS` columns; a sheet beyond them is refused (SheetError), never
    expanded cell by cell."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise SheetError("sheet-old-excel", path=shown)
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise SheetError("sheet-not-a-sheet", path=shown)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SheetError("sheet-unreadable", path=shown, reason=exc.strerror or exc) from None
    if size > MAX_FILE_BYTES:
        raise SheetError("sheet-too-large", path=shown, size=f"{size:,}", limit=f"{MAX_FILE_BYTES:,}")
    if suffix == ".csv":
        return [_read_csv(path, shown)]
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_UNZIPPED_BYTES:  # zipfile never inflates a part beyond its declared size
            raise SheetError("sheet-zip-bomb", path=shown, size=f"{unzipped:,}", limit=f"{MAX_UNZIPPED_BYTES:,}")
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [_read_worksheet(ws, shown) for ws in book.worksheets]
        finally:
            book.close()
    except SheetError:
        raise
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, TypeError, EOFError,
            InvalidFileException, SyntaxError) as exc:  # SyntaxError: the XML parser's ParseError
        raise SheetError("sheet-unreadable", path=shown, reason=getattr(exc, "strerror", None) or exc) from None


def _read_worksheet(ws: Any, shown: str) -> Sheet:
    """One sheet, streamed row by row within the bounds; merged cells (a department written
    once beside its rows) count in every row they cover. Rows are kept sparse (the cells
    holding a value, and those a merged range covers): a row of 16,384 empty columns costs
    nothing, and the rows a sheet skips are read as nothing at all."""
    name = getattr(ws, "title", "")

    def too_big(size: str) -> SheetError:
        return SheetError("sheet-too-big", path=shown, sheet=name, size=size, rows=f"{MAX_ROWS:,}",
                          columns=MAX_COLUMNS)

    if (ws.max_row or 0) > MAX_ROWS or (ws.max_column or 0) > MAX_COLUMNS:  # the sheet's own <dimension>
        raise too_big(_dimension(ws))
    merged = _merged_cells(ws, too_big)
    tops = {top for spans in merged.values() for _, _, top in spans}
    values: dict[tuple[int, int], tuple[Any, str]] = {}  # the top-left cells of merged ranges
    rows: list[list[Cell]] = []
    started = False
    # no max_col without a <dimension>: openpyxl would pad every row, skipped ones too, to it
    width = min(ws.max_column, MAX_COLUMNS) if ws.max_column else None
    for number, row in enumerate(ws.iter_rows(min_row=1, min_col=1, max_col=width), 1):
        cells: dict[int, Cell] = {}
        for column, cell in enumerate(row, 1):
            value = getattr(cell, "value", None)
            if value is None:
                continue
            if number > MAX_ROWS or column > MAX_COLUMNS:
                raise too_big(f"{_letters(column)}{number}")
            number_format = getattr(cell, "number_format", None) or "General"
            cells[column] = Cell(value, number, column, number_format)
            if (number, column) in tops:
                values[(number, column)] = (value, number_format)
        for low, high, top in merged.get(number, ()):
            value, number_format = values.get(top, (None, "General"))
            for column in range(low, high + 1):
                cells[column] = Cell(value, number, column, number_format)
        if number > MAX_ROWS:
            continue  # only rows without values beyond the bounds, read as nothing
        started = started or bool(cells)
        if started:  # leading empty rows are not part of the table, as openpyxl's full mode has it
            rows.append([cells[c] for c in sorted(cells)])
    return Sheet(shown, name, rows)


def _letters(column: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    try:
        return get_column_letter(column)
    except ValueError:
        return f"C{column}"


def _dimension(ws: Any) -> str:
    try:
        return ws.calculate_dimension()
    except ValueError:
        return "?"


def _merged_cells(ws: Any, too_big: Any) -> dict[int, list[tuple[int, int, tuple[int, int]]]]:
    """{row: [(first column, last column, top-left cell)]} of the sheet's merged ranges; a
    range reaching beyond the rows and columns read is refused (``too_big``). The ranges follow the cells in the sheet's XML,
    so it is streamed once more (its size is bounded by the zip check)."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    source = getattr(ws, "_get_source", None)
    if source is None:  # pragma: no cover - a worksheet that is not streamed
        return {}
    spans: dict[int, list[tuple[int, int, tuple[int, int]]]] = {}
    counted = 0
    with source() as xml:
        for _, element in iterparse(xml):
            if element.tag.endswith("}mergeCell"):
                try:
                    low_col, low_row, high_col, high_row = range_boundaries(element.get("ref", ""))
                except (ValueError, TypeError):
                    continue
                top = (low_row, low_col)
                if high_row > MAX_ROWS or high_col > MAX_COLUMNS:  # A50:XFD1048576 is 17 billion cells
                    raise too_big(element.get("ref", ""))
                for row in range(low_row, high_row + 1):
                    spans.setdefault(row, []).append((low_col, high_col, top))
                counted += max(high_row - low_row + 1, 0) * max(high_col - low_col + 1, 0)
                if counted > MAX_MERGED_CELLS:
                    raise too_big(element.get("ref", ""))
            if not element.tag.endswith("}mergeCells"):
                element.clear()  # rows already read: keep memory flat
    return spans


def _read_csv(path: Path, shown: str) -> Sheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetError("sheet-unreadable", path=shown, reason=exc.strerror or exc) from None
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves GB18030
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError("sheet-csv-encoding", path=shown)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        # newline="": a lone CR (old Mac line ends, or pasted into a cell) is read as the
        # csv module expects, not refused with "new-line character seen in unquoted field"
        for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), dialect), 1):
            if number > MAX_ROWS or len(record) > MAX_COLUMNS:
                raise SheetError("sheet-too-big", path=shown, sheet="", size=f"{number:,}+ × {len(record):,}",
                                 rows=f"{MAX_ROWS:,}", columns=MAX_COLUMNS)
            rows.append([Cell(value, number, col) for col, value in enumerate(record, 1)])
    except csv.Error as exc:  # e.g. a field beyond the csv module's size limit
        raise SheetError("sheet-unreadable", path=shown, reason=exc) from None
    return Sheet(shown, "", rows)
