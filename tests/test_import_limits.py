"""`plancode import` of hostile spreadsheets (issue #16, group 6): each is refused with one
clear line, exit 2, within seconds and a bounded address space, where the full-mode reader
took 48 s and 3.5 GB (a merged range `A50:XFD1048576`), 3.8 GB (one cell at `XFD1048576`)
or minutes (a zip bomb, a million-row CSV).

The workbooks are made here from a small real one, with their XML edited as a hostile
sender would: no generator library could write them (openpyxl itself runs out of memory
writing such a merged range).
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import PlanRepo

#: the address space each import may use: far below what the full-mode reader took
MEMORY = 1024 * 1024 * 1024
SECONDS = 30


def small_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Gantt"
    sheet.append(["任務", "負責人", "開始時間", "結束時間"])
    sheet.append(["直播", "李偉", "2024-06-01", "2024-06-10"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def hostile(path: Path, edit=lambda xml: xml, padding_mb: int = 0) -> Path:
    """The small workbook with its sheet's XML edited, or padded with ``padding_mb``
    megabytes of spaces that deflate to almost nothing (a zip bomb)."""
    source = zipfile.ZipFile(io.BytesIO(small_workbook()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info.filename, data)
                continue
            data = edit(data)
            with out.open(info.filename, "w", force_zip64=True) as sheet:
                at = data.index(b"<sheetData>")
                sheet.write(data[:at])
                for _ in range(padding_mb):
                    sheet.write(b" " * (1 << 20))
                sheet.write(data[at:])
    return path


def corner_cell(xml: bytes, dimension: bool = True) -> bytes:
    xml = xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                                       b"</row></sheetData>")
    return xml.replace(b'<dimension ref="A1:D2" />', b'<dimension ref="A1:XFD1048576" />' if dimension else b"")


def import_bounded(repo: PlanRepo, file: Path) -> subprocess.CompletedProcess:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    env = dict(os.environ, XDG_CACHE_HOME=str(repo.root / ".cache"))
    return subprocess.run([sys.executable, "-m", "plancode", "--locale", "en", "import", str(file), "--as",
                           "workstream", "--id", "imported", "--output", "plans/imported.yaml"],
                          cwd=repo.root, env=env, capture_output=True, text=True, timeout=SECONDS, preexec_fn=limit)


def assert_refused(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr[-3000:])
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines


@pytest.fixture
def team_repo(base_repo: PlanRepo) -> PlanRepo:
    return base_repo


def test_a_merged_range_to_the_last_cell_of_the_sheet_is_refused_quickly_in_bounded_memory(team_repo, tmp_path):
    book = hostile(tmp_path / "merged.xlsx", lambda xml: xml.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A50:XFD1048576"/></mergeCells>'))
    assert book.stat().st_size < 20_000
    assert_refused(import_bounded(team_repo, book), "the sheet spans A50:XFD1048576; plancode imports at most "
                                                    "20,000 rows and 256 columns")
    assert not (team_repo.root / "plans/imported.yaml").exists()


@pytest.mark.parametrize("dimension", [True, False], ids=["declared", "undeclared"])
def test_one_cell_at_xfd1048576_is_refused_quickly_in_bounded_memory(team_repo, tmp_path, dimension):
    book = hostile(tmp_path / "corner.xlsx", lambda xml: corner_cell(xml, dimension))
    spans = "A1:XFD1048576" if dimension else "XFD1048576"
    assert_refused(import_bounded(team_repo, book), f"the sheet spans {spans}; plancode imports at most")


def test_a_zip_bomb_is_refused_before_it_is_inflated(team_repo, tmp_path):
    book = hostile(tmp_path / "bomb.xlsx", padding_mb=300)
    assert book.stat().st_size < 2_000_000  # 1.5 MB in the red-team's case
    assert_refused(import_bounded(team_repo, book), "would unpack to 314,")


def test_a_million_row_csv_is_refused_quickly_in_bounded_memory(team_repo, tmp_path):
    short = tmp_path / "rows.csv"  # 2 MB: under the size limit, over the row limit
    short.write_text("任務,負責人,開始時間,結束時間\n" + "t\n" * 1_000_000, encoding="utf-8")
    assert_refused(import_bounded(team_repo, short), "the sheet spans 20,001+ × 1; plancode imports at most 20,000")
    full = tmp_path / "full.csv"  # 31 MB: refused from its size, without reading it
    full.write_text("任務,負責人,開始時間,結束時間\n" + "t,李偉,2024-06-01,2024-06-10\n" * 1_000_000, encoding="utf-8")
    assert_refused(import_bounded(team_repo, full), "plancode imports files of at most 20,971,520 bytes")


def test_a_workbook_within_the_limits_still_imports_with_its_merged_cells(team_repo, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["任務", "負責人", "開始時間", "結束時間"])
    sheet.append(["直播賬號搭建", "李偉", "2024-06-01", "2024-06-10"])
    sheet.append(["直播腳本策劃", None, "2024-06-11", "2024-06-20"])
    sheet.merge_cells("B2:B3")  # one owner written once beside two rows
    book.save(tmp_path / "ok.xlsx")
    result = import_bounded(team_repo, tmp_path / "ok.xlsx")
    assert result.returncode == 0, result.stderr
    written = (team_repo.root / "plans/imported.yaml").read_text("utf-8")
    assert written.count("owner: li.wei") == 2, written
