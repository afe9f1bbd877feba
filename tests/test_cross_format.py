"""One reading of the plan in every format (issue #12).

The example plans are built and exported through the real CLI — the HTML site, the
Markdown reports, the xlsx workbook, `export` as JSON and CSV, and `check` as JSON — then
every output is read back the way a reader or a tool reads it (HTML parsed, Markdown
rendered by GitHub's cmark-gfm and parsed, the workbook opened with openpyxl, JSON and
CSV decoded) and the same table is compared across the formats, cell by cell. No figure
here is typed by hand: each format is checked against the others.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import openpyxl
import pytest
from cmarkgfm.cmark import Options

from plancode.render.labels import Labels
from plancode.spreadsheet import REVIEW_COLUMNS, WORKSTREAM_COLUMNS, header_label

REPO = Path(__file__).resolve().parent.parent
LOCALE = "zh-CN"
L = Labels(LOCALE)


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plancode", "--locale", LOCALE, *args], cwd=cwd,
                          capture_output=True, env={**os.environ, "NO_COLOR": "1"})


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> dict:
    """Every output of the example plans, built once, in a copy of the repository."""
    repo = tmp_path_factory.mktemp("cross") / "repo"
    repo.mkdir()
    shutil.copy(REPO / "plancode.yaml", repo / "plancode.yaml")
    shutil.copytree(REPO / "plans", repo / "plans")
    built = _run(repo, "build", "--out", "site", "--markdown", "reports")
    assert built.returncode == 0, built.stderr.decode()
    exported = _run(repo, "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr.decode()
    csvs = {}
    for table in ("tasks", "goals", "reviews"):
        result = _run(repo, "export", "--what", table, "--format", "csv")
        assert result.returncode == 0, result.stderr.decode()
        csvs[table] = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    book = _run(repo, "export", "--format", "xlsx", "--output", "plans.xlsx")
    assert book.returncode == 0, book.stderr.decode()
    check = _run(repo, "check", "--no-cache", "--format", "json")
    return {
        "site": repo / "site", "md": repo / "reports", "json": json.loads(exported.stdout),
        "csv": csvs, "xlsx": openpyxl.load_workbook(repo / "plans.xlsx"),
        "check": json.loads(check.stdout)["findings"],
    }


# --- reading the formats back -------------------------------------------------------------------

class Html(HTMLParser):
    """Tables (cells as lists of lines) and list items of an HTML page, as a reader sees them:
    `<br>` and `<p>` break lines; ids (`<code>`), tags, notes, screen-reader text and hidden
    bars are left out of the cells; each table and item keeps the id and class it had."""

    SKIP_CLASSES = {"tag", "note", "sr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []  # {"id", "rows": [[[line, ...], ...], ...]}
        self.items: list[dict] = []  # <li>: {"class", "parts": {class: text}}
        self._cell: list[str] | None = None
        self._skip = 0
        self._stack: list[tuple[str, bool]] = []
        self._item: dict | None = None
        self._span: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if tag in ("br", "img", "meta", "link", "input"):
            if tag == "br" and self._cell is not None:
                self._cell.append("\n")
            return
        skip = tag == "code" or bool(classes & self.SKIP_CLASSES) or attrs.get("aria-hidden") == "true"
        self._stack.append((tag, skip))
        self._skip += skip
        if tag == "table":
            self.tables.append({"id": attrs.get("id"), "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "p" and self._cell is not None and self._cell:
            self._cell.append("\n")
        elif tag == "li":
            self._item = {"class": attrs.get("class") or "", "parts": {}}
        if self._item is not None and tag in ("span", "a"):
            self._span = "subject" if tag == "a" else next(iter(sorted(classes)), "")

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, skip = self._stack.pop()
            self._skip -= skip
            if open_tag == tag:
                break
        if tag in ("td", "th") and self._cell is not None:
            lines = [line.strip() for line in "".join(self._cell).split("\n")]
            self.tables[-1]["rows"][-1].append([line for line in lines if line])
            self._cell = None
        elif tag == "li" and self._item is not None:
            self.items.append(self._item)
            self._item = None
        elif tag in ("span", "a"):
            self._span = None

    def handle_data(self, data):
        if self._cell is not None and not self._skip:
            self._cell.append(data)
        if self._item is not None and self._span:
            parts = self._item["parts"]
            parts[self._span] = (parts.get(self._span, "") + data).strip()

    def table(self, ident: str | None = None, header: str | None = None, skip: int = 0) -> list[list[list[str]]]:
        """The rows of the table with id ``ident``, or of the ``skip``-th whose header row
        has a column ``header``."""
        if ident is not None:
            return next(t["rows"] for t in self.tables if t["id"] == ident)
        found = [t["rows"] for t in self.tables if t["rows"] and [header] in t["rows"][0]]
        return found[skip]


def site(out: dict, page: str) -> Html:
    return Html((out["site"] / page).read_text("utf-8"))


def markdown(out: dict, page: str) -> Html:
    text = (out["md"] / page).read_text("utf-8")
    return Html(cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE))


def first(cell: list[str]) -> str:
    return cell[0] if cell else ""


def percent(text: str) -> float | None:
    """'55 %' -> 55.0; '—' -> None."""
    found = re.search(r"(-?\d+(?:\.\d+)?)\s*%", text)
    return float(found[1]) if found else None


def amount(text: str) -> float:
    """'400,000 CNY' -> 400000.0."""
    return float(re.search(r"-?[\d,]+(?:\.\d+)?", text)[0].replace(",", ""))


def by_header(rows: list[list[list[str]]]) -> list[dict[str, list[str]]]:
    header = [first(c) for c in rows[0]]
    return [dict(zip(header, row)) for row in rows[1:]]


def sheet_rows(sheet, columns) -> list[dict]:
    """A sheet written by export (title row, header row, data; then an empty row and the
    document's footnotes, 負責人: …) as dicts by column key."""
    keys = {header_label(c.label, LOCALE): c.key for c in columns}
    values = list(sheet.iter_rows(values_only=True))
    header = [keys.get(h) for h in values[1]]
    rows = []
    for row in values[2:]:
        if all(value is None for value in row):
            break
        rows.append(dict(zip(header, row)))
    return rows


# --- template 2: each workstream's Gantt table --------------------------------------------------

def test_gantt_tables_agree_in_every_format(out):
    exported = {t["id"]: t for t in out["json"]["tasks"]}
    csv_rows = {t["id"]: t for t in out["csv"]["tasks"]}
    compared = 0
    for stream in sorted({t["workstream"] for t in exported.values()}):
        html = by_header(site(out, f"workstream-{stream}.html").table("task-table"))
        md_table = markdown(out, f"workstreams/{stream}.md").table(header=L("predecessors"))
        md = by_header(md_table)
        # one order for both: planned progress, then current (the site's 計劃 / 實際)
        header = [first(c) for c in md_table[0]]
        assert header.index(L("planned")) + 1 == header.index(L("progress"))
        book = sheet_rows(out["xlsx"][stream], WORKSTREAM_COLUMNS)
        ids = [t["id"] for t in out["json"]["tasks"] if t["workstream"] == stream]
        assert len(html) == len(md) == len(book) == len(ids) > 0
        for h, m, x, full_id in zip(html, md, book, ids):
            e, c = exported[full_id], csv_rows[full_id]
            name = first(m[L("task")]).removeprefix("◆ ")
            assert first(h[L("task")]) == name == x["name"] == e["name"] == c["name"]
            assert first(m[L("task")]).startswith("◆ ") == e["milestone"] == (x["milestone"] is not None)
            assert first(h[L("owner")]) == first(m[L("owner")]) == x["owner"]
            for key in ("start", "end"):
                assert first(h[L(key)]) == first(m[L(key)]) == x[key].date().isoformat() == e[key] == c[key]
            assert first(h[L("days")]) == first(m[L("days")]) == str(x["days"]) == str(e["days"]) == c["days"]
            # planned and current progress: one order in both (planned first)
            planned_html, actual_html = (percent(p) for p in first(h[L("planned_vs_actual")]).split("/"))
            planned_md, actual_md = percent(first(m[L("planned")])), percent(first(m[L("progress")]))
            assert (planned_html, actual_html) == (planned_md, actual_md)
            assert abs(actual_md - e["progress"]) <= 0.5 and abs(actual_md - x["progress"] * 100) <= 0.5
            assert abs(planned_md - e["planned_progress"]) <= 0.5
            assert float(c["progress"]) == e["progress"]
            status = L("status." + e["status"])
            assert first(h[L("status")]) == first(m[L("status")]) == x["status"] == status
            assert c["status"] == e["status"]
            predecessors_md = [p.split(" (")[0] for p in m[L("predecessors")] if p != "—"]
            assert [p for p in h[L("predecessors")] if p != "–"] == predecessors_md
            assert len(predecessors_md) == len(e["predecessors"])
            compared += 1
    assert compared == len(exported)


# --- the dashboard's alerts and good news --------------------------------------------------------

def dashboard_alerts(out: dict) -> tuple[list[tuple], list[tuple]]:
    """(kind, subject, detail, owner) of each alert and each good news of the site."""
    items = [i for i in site(out, "index.html").items if "alert" in i["class"].split()]
    rows = [(i["parts"]["alert-kind"], i["parts"]["subject"], i["parts"]["alert-detail"],
             i["parts"].get("alert-owner", "")) for i in items]
    warnings = [r for r, i in zip(rows, items) if "alert-warning" in i["class"]]
    notes = [r for r, i in zip(rows, items) if "alert-note" in i["class"]]
    return warnings, notes


def test_alerts_agree_between_dashboard_and_readme(out):
    warnings, notes = dashboard_alerts(out)
    readme = markdown(out, "README.md")
    md_alerts = readme.table(header=L("md.alert_type"))
    md_good = readme.table(header=L("md.alert_type"), skip=1)
    assert [(k, s, d) for k, s, d, _ in warnings] == [
        (first(k), first(s), first(d)) for k, s, d in md_alerts[1:]]
    assert [(k, s, d) for k, s, d, _ in notes] == [(first(k), first(s), first(d)) for k, s, d in md_good[1:]]
    assert warnings and notes


def test_alerts_agree_with_check_and_export(out):
    """Every finding of `check` that is an alert is on the dashboard, once; nothing else is."""
    warnings, notes = dashboard_alerts(out)
    kinds = {}
    for kind, subject, _, _ in warnings + notes:
        kinds.setdefault(kind, []).append(subject)
    titles = {g["id"]: g["title"] for g in out["json"]["goals"]}
    goal_of_row = {(r["period"], r["metric"]): r["goal"] for r in out["json"]["reviews"]}
    findings = out["check"]
    expected_kpi = []
    for f in (f for f in findings if f["code"] == "PC603"):
        review = re.match(r"(?:評估|评估|review) (\S+?)[::](.+?) (?:實際|实际|is) ", f["message"])
        if review:
            goal = goal_of_row[(review[1], review[2])]
            shown = titles[goal] if goal and titles[goal] in kinds[L("alert_kind.kpi")] else \
                f"{review[1]} · {review[2]}"
        else:
            shown = titles[re.match(r"(?:目標|目标|goal) ([^::]+)", f["message"])[1]]
        expected_kpi.append((shown, f["severity"]))
    shown_kpi = [(s, "warning") for k, s, _, _ in warnings if k == L("alert_kind.kpi")] + \
        [(s, "info") for k, s, _, _ in notes if k == L("alert_kind.kpi")]
    assert sorted(shown_kpi) == sorted(expected_kpi) and expected_kpi
    # overdue: PC405 findings, the export's status and the dashboard name the same tasks
    overdue = [t["name"] for t in out["json"]["tasks"] if t["status"] == "overdue"]
    pc405 = [f for f in findings if f["code"] == "PC405"]
    assert kinds.get(L("alert_kind.overdue"), []) == overdue and len(pc405) == len(overdue) > 0
    assert all(name in f["message"] for name, f in zip(overdue, pc405))
    # missing entries: PC602's findings
    pc602 = [f for f in findings if f["code"] == "PC602"]
    missing = [d for k, _, d, _ in warnings if k == L("alert_kind.missing_entry")]
    assert len(missing) == len(pc602) > 0
    assert all(detail.split(": ", 1)[1] in f["message"] for detail, f in zip(missing, pc602))
    # behind plan: the export's lag above schedule_lag (10 in plancode.yaml)
    lagging = [t["name"] for t in out["json"]["tasks"]
               if t["status"] in ("in_progress", "not_started") and t["lag"] is not None and t["lag"] > 10]
    assert kinds.get(L("alert_kind.lagging"), []) == lagging


# --- template 4: the evaluation, judged or not --------------------------------------------------

def test_reviews_agree_and_a_period_not_begun_is_judged_nowhere(out):
    html = site(out, "reviews.html")
    exported = out["json"]["reviews"]
    csv_rows = out["csv"]["reviews"]
    periods = list(dict.fromkeys(r["period"] for r in exported))
    assert len(periods) >= 2
    judged = {f["message"].split(":")[0].split(" ")[-1] for f in out["check"] if f["code"] == "PC603"}
    not_judged = 0
    # the site lists the current period first (begun periods latest first, then the rest)
    site_order = re.findall(r'<section class="review" id="review-([^"]+)">', (out["site"] / "reviews.html").read_text("utf-8"))
    assert sorted(site_order) == sorted(periods)
    for period in periods:
        rows = [r for r in exported if r["period"] == period]
        site_rows = by_header(html.table(header=L("dimension"), skip=site_order.index(period)))
        md_rows = by_header(markdown(out, f"reviews/{period}.md").table(header=L("dimension")))
        book = sheet_rows(out["xlsx"][period], REVIEW_COLUMNS)
        assert len(site_rows) == len(md_rows) == len(book) == len(rows) > 0
        for s, m, x, e in zip(site_rows, md_rows, book, rows):
            assert first(s[L("kpi")]) == first(m[L("kpi")]) == x["metric"] == e["metric"]
            assert amount(first(s[L("target")])) == amount(first(m[L("target")])) == x["target"] == e["target"]
            assert amount(first(s[L("actual_value")])) == amount(first(m[L("actual_value")])) == x["actual"]
            assert percent(first(s[L("achievement")])) == percent(first(m[L("achievement")])) \
                == e["achievement"] == round(x["achievement"] * 100)
            alert = L("alert." + e["alert"]) if e["alert"] else ""
            shown = " ".join(s[L("achievement")])
            badge = [word for word in (L("alert.below"), L("alert.exceeded")) if word in shown]
            assert badge == ([alert] if alert else []) and first(m[L("alerts")]) == alert
        csv_alerts = [r["alert"] for r in csv_rows if r["period"] == period]
        assert csv_alerts == [r["alert"] or "" for r in rows]
        begun = L("review_not_begun") not in (out["site"] / "reviews.html").read_text("utf-8").split(
            f'id="review-{period}"')[1].split("</section>")[0]
        if not begun:
            not_judged += 1
            assert all(r["alert"] is None for r in rows)
            assert period not in judged
            assert L("md.not_begun") in (out["md"] / f"reviews/{period}.md").read_text("utf-8")
    assert not_judged == 1  # 2024-Q3 has not begun at the pinned as_of


# --- template 7: budget and modules --------------------------------------------------------------

def test_budget_modules_agree(out):
    html = site(out, "index.html").table(header=L("allocation"))
    readme = markdown(out, "README.md").table(header=L("md.item"))
    prefix = f"{L('md.allocation')} · "
    md = {first(k)[len(prefix):]: first(v) for k, v in readme[1:] if first(k).startswith(prefix)}
    site_rows = {first(k): (percent(first(share)), amount(first(money))) for k, share, money in html[1:]}
    assert site_rows and list(site_rows) == list(md)
    for label, (share, money) in site_rows.items():
        assert percent(md[label]) == share and amount(md[label].split("·")[1]) == money
        assert not re.fullmatch(r"[a-z_]+", label)  # a label, not the key written in the plan


# --- what the plans write and every format shows --------------------------------------------------

def test_notes_description_themes_and_class_in_site_and_markdown(out):
    strategy = next((REPO / "plans").rglob("strategy.yaml")).read_text("utf-8")
    import yaml

    data = yaml.safe_load(strategy)
    site_goals = (out["site"] / "goals.html").read_text("utf-8")
    readme = (out["md"] / "README.md").read_text("utf-8")
    description = " ".join(data["description"].split())
    assert description in " ".join(site_goals.split()) and description in " ".join(readme.split())
    for period, theme in data["themes"].items():
        assert f"{period}: {theme}" in site_goals and f"{period}: {theme}" in readme

    def goals(items):
        for goal in items:
            yield goal
            yield from goals(goal.get("goals") or ())

    classes = 0
    site_tree = site(out, "goals.html").table("decomposition-table")
    md_tree = markdown(out, "README.md").table(header=L("l1"))
    for goal in goals(data["goals"]):
        site_row = next(r for r in site_tree if first(r[0]).endswith(goal["title"]))
        md_row = next(r for r in md_tree if goal["title"] in (first(r[0]), first(r[1]).removeprefix("↳ ")))
        if goal.get("class"):
            classes += 1
            assert L("class." + goal["class"]) in site_goals.split(f'id="goal-{goal["id"]}"')[1].split("</th>")[0]
            assert L("class." + goal["class"]) in md_row[3]
        if goal.get("notes"):
            assert goal["notes"] in site_goals.split(f'id="goal-{goal["id"]}"')[1].split("</th>")[0]
            assert goal["notes"] in (md_row[0] + md_row[1])
        assert site_row  # every goal is on both
    assert classes
    for path in sorted((REPO / "plans").rglob("*.yaml")):
        review = yaml.safe_load(path.read_text("utf-8"))
        if review.get("kind") == "review" and review.get("notes"):
            period = str(review["period"])
            assert review["notes"] in (out["md"] / f"reviews/{period}.md").read_text("utf-8")
            section = (out["site"] / "reviews.html").read_text("utf-8").split(f'id="review-{period}"')[1]
            assert review["notes"] in section.split("</section>")[0]
