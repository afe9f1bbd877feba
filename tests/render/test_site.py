"""The HTML site (issue #4): what each page shows, read back from the HTML.

Pages are rendered in memory with ``site_files`` from inline plans (no charts: the
tables carry the figures), and once from the example plans with their real charts.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from plancode.problems import Severity
from plancode.render.charts import render_chart
from plancode.render.labels import Labels
from plancode.render.site import NAV, chart_layout, site_files
from plancode.workspace import load_config, load_workspace

REPO = Path(__file__).resolve().parents[2]

STATUSES_ZH = ("未開始", "進行中", "已完成", "逾期", "受阻", "已取消")

# One task per status at as_of 2024-06-15 (SPEC §2), owned across two departments.
WORKSTREAM = """\
kind: workstream
id: douyin-live
title: 抖音直播帶貨計劃
goal: online-up-35
owner: li.wei
tasks:
  - id: account
    name: 直播賬號搭建
    owner: chen.jie
    start: 2024-06-01
    end: 2024-06-10
    progress: 100
    deliverable: 賬號完成企業認證
    budget: 8000
  - id: selection
    name: 選品與庫存對接
    owner: li.wei
    after: [account]
    start: 2024-06-05
    end: 2024-06-12
    progress: 40
    deliverable: 選品清單確認
    budget: 2000
    support: [sales]
    risks: [{risk: 部分庫存不足, mitigation: 與產品部確認備貨, owner: li.wei}]
  - id: script
    name: 直播腳本策劃
    owner: wang.fang
    after: [selection]
    start: 2024-06-10
    end: 2024-06-20
    progress: 70
    deliverable: 腳本審核通過
  - id: first-live
    name: 首場直播執行
    owner: chen.jie
    milestone: true
    after: [script]
    start: 2024-06-25
    end: 2024-06-25
    deliverable: 首場直播完成
  - id: stores
    name: 拓展5家新門店
    owner: wang.fang
    start: 2024-06-03
    end: 2024-06-14
    progress: 60
    deliverable: 簽約5家門店
  - id: blocked
    name: 直播設備採購
    owner: zhang.min
    start: 2024-06-01
    end: 2024-06-30
    status: blocked
    deliverable: 設備到位
  - id: dropped
    name: 線下快閃活動
    owner: zhang.min
    start: 2024-07-01
    end: 2024-07-05
    status: cancelled
    deliverable: 活動方案
"""

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_ATTR = '" onmouseover="alert(2)'


def site_of(repo, *files: tuple[str, str], locale: str = "zh-TW", as_of: str = "2024-06-15",
            charts: bool = False, **config_fields) -> dict[str, str]:
    """The site of the base repository plus ``files``, as {path: text} of its pages."""
    for name, text in files:
        repo.write(name, text)
    ws = repo.workspace(as_of=as_of, locale=locale, **config_fields)
    errors = [p for p in ws.problems if p.severity == Severity.ERROR]
    assert not errors, errors
    labels = Labels(locale)
    svgs = {}
    if charts:
        svgs = {c.name: render_chart(c, repo.root / ".cache")
                for c in chart_layout(ws.plan, ws.config, labels).all()}
    built = site_files(ws.plan, ws.config, labels, svgs)
    return {path: data.decode("utf-8") for path, data in built.items()}


class Page(HTMLParser):
    """A page read back: its elements (tag, attributes), its text, and its tables' rows."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.tables: dict[str, list[tuple[dict[str, str], list[str]]]] = {}
        self.text_parts: list[str] = []
        self._table: str | None = None
        self._tables_seen = 0
        self._cell: list[str] | None = None
        self._row: tuple[dict[str, str], list[str]] | None = None
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "table":
            self._tables_seen += 1
            self._table = attributes.get("id") or f"table-{self._tables_seen}"
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = (attributes, [])
            self.tables[self._table].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row[1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "table":
            self._table = None
            self._row = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text_parts.append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text_parts))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def rows(self, table: str) -> list[list[str]]:
        """Body rows of a table (header rows are those whose cells are all <th> in thead:
        here, rows whose first cell is a column title are kept; callers look rows up)."""
        return [cells for _, cells in self.tables[table]]

    def row(self, table: str, contains: str, column: int = 0) -> tuple[dict[str, str], list[str]]:
        """The one row of ``table`` whose cell ``column`` contains ``contains``."""
        found = [(a, cells) for a, cells in self.tables[table] if len(cells) > column and contains in cells[column]]
        assert len(found) == 1, (contains, [cells for _, cells in self.tables[table]])
        return found[0]


# --- every page -----------------------------------------------------------------------------

def test_every_page_has_the_navigation_title_as_of_and_language(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM))
    pages = [p for p in site if p.endswith(".html")]
    assert {"index.html", "goals.html", "workstreams.html", "workstream-douyin-live.html", "weeks.html",
            "reviews.html", "people.html"} <= set(pages)
    for path in pages:
        page = Page(site[path])
        assert page.find("html")[0]["lang"] == "zh-TW", path
        nav = [a["href"] for t, a in page.elements if t == "a" and a.get("href") in dict(NAV).values()]
        assert [href for _, href in NAV] == sorted(set(nav), key=[h for _, h in NAV].index), path
        assert "2024 年度營銷策略" in page.text, path  # the plan's title (from the strategy)
        assert "截至 2024-06-15" in page.text, path
        assert "總覽" in page.text and "人員與職責" in page.text, path
        assert page.find("link", rel="stylesheet", href="static/site.css"), path
        assert page.find("script", src="static/site.js"), path


def test_english_labels_and_lang(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM), locale="en")
    page = Page(site["workstream-douyin-live.html"])
    assert page.find("html")[0]["lang"] == "en"
    assert "As of 2024-06-15" in page.text
    for label in ("Not started", "In progress", "Done", "Overdue", "Blocked", "Cancelled", "Predecessors"):
        assert label in page.text
    assert not re.search(r"[未進已逾受]", "".join(re.findall(r'class="status[^"]*">([^<]*)<', site["workstream-douyin-live.html"])))


def test_the_configured_title_wins_over_the_strategy_title(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM), title="ACME 2024 營銷計劃")
    assert "<title>總覽 · ACME 2024 營銷計劃</title>" in site["index.html"]


# --- hostile text ---------------------------------------------------------------------------

def test_hostile_names_render_as_text_on_every_page(base_repo):
    hostile = WORKSTREAM.replace("title: 抖音直播帶貨計劃", f"title: '{HOSTILE_SCRIPT}'") \
        .replace("name: 直播賬號搭建", f"name: '{HOSTILE_SCRIPT}'") \
        .replace("name: 選品與庫存對接", f"name: '{HOSTILE_ATTR}'") \
        .replace("risk: 部分庫存不足", f"risk: '{HOSTILE_ATTR}'")
    base_repo.write("plans/team.yaml", base_repo.root.joinpath("plans/team.yaml").read_text("utf-8")
                    .replace("name: 陳杰", f"name: '{HOSTILE_ATTR}'"))
    report = """\
        kind: report
        week: 2024-W23
        department: marketing
        entries:
          - task: douyin-live/selection
            planned: "<img src=x onerror=alert(3)>"
            done: partial
            progress: 40
            reason: "</td></tr></table><script>alert(4)</script>"
            results: {"<b>點贊</b>": 8000}
    """
    site = site_of(base_repo, ("plans/ws.yaml", hostile), ("plans/r.yaml", report))
    for path, html in site.items():
        if not path.endswith(".html"):
            continue
        page = Page(html)
        scripts = [a for t, a in page.elements if t == "script"]
        assert scripts == [{"src": "search-index.js"}, {"src": "static/site.js"}], path
        assert not [a for _, a in page.elements if any(k.startswith("on") for k in a)], path
        assert not page.find("img", src="x"), path
        assert not page.find("b"), path
    assert "<" not in site["search-index.js"] and "\\u003cscript" in site["search-index.js"]  # data, never markup
    workstream = site["workstream-douyin-live.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in workstream
    assert Page(workstream).row("task-table", HOSTILE_SCRIPT)  # the name is the cell's text
    assert HOSTILE_ATTR in Page(workstream).text
    week = Page(site["week-2024-W23.html"])
    assert "</td></tr></table><script>alert(4)</script>" in week.text
    assert "<b>點贊</b> 8,000" in week.text


# --- self-contained -------------------------------------------------------------------------

def test_links_are_relative_and_resolve_inside_the_site(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM), charts=True)
    anchors = {path: {a["id"] for _, a in Page(html).elements if "id" in a}
               for path, html in site.items() if path.endswith(".html")}
    for path, html in site.items():
        if not path.endswith(".html"):
            continue
        for tag, attrs in Page(html).elements:
            for key in ("href", "src"):
                if key not in attrs:
                    continue
                url = urlsplit(attrs[key])
                assert not url.scheme and not url.netloc and not url.path.startswith("/"), (path, attrs)
                target = unquote(url.path) or path
                assert target in site, (path, attrs[key])
                if url.fragment and target.endswith(".html"):
                    assert unquote(url.fragment) in anchors[target], (path, attrs[key])
    css = site["static/site.css"]
    assert not re.search(r"url\(|@import|@font-face|https?:", css)
    assert not re.search(r"https?:|fetch\(|XMLHttpRequest|import\(", site["static/site.js"])


def test_the_same_plans_give_the_same_bytes(base_repo):
    first = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM), charts=True)
    second = site_of(base_repo, charts=True)
    assert first == second
    assert not re.search(r"\d{2}:\d{2}:\d{2}", "".join(first.values()))  # no clock time anywhere


# --- dashboard ------------------------------------------------------------------------------

REPORT_W23 = """\
kind: report
week: 2024-W23
department: sales
author: zhang.min
entries:
  - task: douyin-live/script
    planned: 完成直播腳本初稿
    done: partial
    progress: 10
    reason: 主播檔期沖突
    adjustment: 提前鎖定備用主播
    spent: 1500
  - task: douyin-live/stores
    planned: 拓展5家新門店
    done: partial
    progress: 60
    reason: 區域競爭激烈
    spent: 3500
metrics:
  - {goal: online-up-35, value: 400}
"""


def test_dashboard_headline_kpis_counts_alerts_and_budget(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM), ("plans/r.yaml", REPORT_W23))
    page = Page(site["index.html"])
    # headline KPIs: the top goal, and the goal with a reported value (400 of 540: 74%)
    assert page.row("kpi-table", "年度銷售額提升30%")[1][1] == "銷售額 1,000 → 1,300 萬元"
    online = page.row("kpi-table", "線上渠道銷售額提升35%")
    assert online[1][3] == "400 萬元 2024-W23"
    assert online[1][4] == "74% 低於目標"
    assert "alert-below" in online[0]["class"]
    # task counts by status, in SPEC order
    tiles = re.findall(r'<span class="tile-value">(\d+)</span> <span class="tile-label">([^<]+)</span>',
                       site["index.html"])
    assert tiles == [("1", "未開始"), ("1", "進行中"), ("1", "已完成"), ("2", "逾期"), ("1", "受阻"), ("1", "已取消")]
    # alerts: KPI below target, two overdue tasks, the lagging one, the department that
    # had active tasks and sent no report for 2024-W23 (marketing: 選品與庫存對接)
    alerts = [re.sub(r"\s+", " ", a) for a in re.findall(r'<li class="alert[^"]*">(.*?)</li>', site["index.html"], re.S)]
    text = [re.sub(r"<[^>]+>", "", a) for a in alerts]
    assert any("指標偏差" in a and "線上渠道銷售額提升35%" in a and "74%" in a for a in text), text
    assert any(a.startswith("逾期") and "選品與庫存對接" in a for a in text), text
    assert any(a.startswith("逾期") and "拓展5家新門店" in a for a in text), text
    # 直播腳本策劃: planned 6/11 = 54.5%, reported 10%: 44.5 points behind (> 10)
    assert any(a.startswith("進度落後") and "直播腳本策劃" in a and "44.5" in a for a in text), text
    assert not any("直播賬號搭建" in a for a in text)
    assert any(a.startswith("缺少周報") and "2024-W23 · 市場部" in a and "選品與庫存對接" in a for a in text), text
    # budget: total, 12% contingency, allocated 70%, spent from counted reports
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>(.*?)</dd>", site["index.html"]))
    clean = {k: re.sub(r"<[^>]+>", "", v) for k, v in figures.items()}
    assert clean["總預算"] == "1,000,000 CNY"
    assert clean["預備金"] == "120,000 CNY (12%)"
    assert clean["已分配"] == "700,000 CNY (70%)"
    assert clean["已支出"] == "5,000 CNY"
    assert clean["實際成本 AC"] == "5,000"


def test_earned_value_is_the_models(base_repo):
    base_repo.write("plans/ws.yaml", WORKSTREAM)
    base_repo.write("plans/r.yaml", REPORT_W23)
    ws = base_repo.workspace(locale="zh-TW")
    ev = ws.plan.earned_value
    page = site_files(ws.plan, ws.config, Labels("zh-TW"), {})["index.html"].decode()
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>(.*?)</dd>", page))
    assert figures["計劃價值 PV"] == f"{round(ev.pv):,}"
    assert figures["掙值 EV"] == f"{round(ev.ev):,}"
    assert figures["進度績效指數 SPI"] == f"{ev.spi:.2f}"
    assert figures["成本績效指數 CPI"] == f"{ev.cpi:.2f}"


# --- goals ----------------------------------------------------------------------------------

def test_goal_decomposition_is_a_tree_of_goals_and_their_tasks(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM))
    page = Page(site["goals.html"])
    firsts = [cells[0] for _, cells in page.tables["decomposition-table"][1:]]
    assert firsts[0].startswith("L1 年度銷售額提升30%")
    assert firsts[1].startswith("L2 線上渠道銷售額提升35%")
    assert firsts[2:] == ["任務 直播賬號搭建", "任務 選品與庫存對接", "任務 直播腳本策劃", "任務 首場直播執行 ◆ 里程碑",
                          "任務 拓展5家新門店", "任務 直播設備採購", "任務 線下快閃活動"]
    attrs, cells = page.row("decomposition-table", "任務 選品與庫存對接")
    assert cells[1:7] == ["選品清單確認", "李偉", "銷售部", "2024-06-12", "預算 2,000", "40%"]
    assert (attrs["data-owner"], attrs["data-department"], attrs["data-status"]) == ("li.wei", "marketing", "overdue")
    top = page.row("decomposition-table", "L1 年度銷售額提升30%")[1]
    assert top[2] == "張敏" and top[5] == "預算 300,000"
    # template 5: each top goal beside the goal that supports it
    alignment = page.row("table-2", "年度銷售額提升30%")[1]
    assert alignment[:2] == ["年度銷售額提升30%", "線上渠道銷售額提升35%"]


# --- workstream -----------------------------------------------------------------------------

def test_workstream_page_lists_tasks_like_the_gantt_template(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM))
    page = Page(site["workstream-douyin-live.html"])
    assert page.row("task-table", "直播賬號搭建")[1][1:7] == [
        "陳杰", "2024-06-01", "2024-06-10", "10", "–", "100% / 100%"]
    selection = page.row("task-table", "選品與庫存對接")[1]
    assert selection[4:10] == ["8", "直播賬號搭建", "100% / 40%", "60", "逾期",
                               "部分庫存不足 → 與產品部確認備貨 (李偉)"]
    script = page.row("task-table", "直播腳本策劃")[1]
    assert script[6:9] == ["55% / 70%", "−15.5", "進行中"]  # 6/11 planned: 54.5, ahead by 15.5
    assert page.row("task-table", "首場直播執行")[1][4] == "1"
    statuses = re.findall(r'<span class="status status-[a-z_]+">([^<]+)</span>', site["workstream-douyin-live.html"])
    assert set(statuses) == set(STATUSES_ZH)


def test_workstream_page_draws_its_gantt_inline_a_title_and_a_link_per_bar(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM))
    html = site["workstream-douyin-live.html"]
    assert not Page(html).find("img")  # text a reader can search, hover and click
    gantt = re.search(r'<figure class="gantt".*?</figure>', html, re.S)[0]
    names = ["直播賬號搭建", "選品與庫存對接", "直播腳本策劃", "首場直播執行", "拓展5家新門店", "直播設備採購", "線下快閃活動"]
    ids = ["account", "selection", "script", "first-live", "stores", "blocked", "dropped"]
    labels = re.findall(r'<li class="g-task[^"]*"><a href="([^"]+)" title="[^"]*">([^<]+)</a>', gantt)
    assert labels == [(f"workstream-douyin-live.html#task-{i}", n) for i, n in zip(ids, names)]  # written order
    bars = re.findall(r'<a href="([^"]+)"><g class="g-bar" data-task="([^"]+)"><title>([^<]*)</title>', gantt)
    assert [(href, task) for href, task, _ in bars] == [
        (f"workstream-douyin-live.html#task-{i}", f"douyin-live/{i}") for i in ids]
    assert bars[1][2].splitlines()[:5] == ["選品與庫存對接", "負責人: 李偉", "日期: 2024-06-05 – 2024-06-12",
                                           "當前進度: 40% (計劃進度 100%)", "狀態: 逾期"]
    assert gantt.count('class="g-link') == 3  # account → selection → script → first-live
    assert "截至 2024-06-15</text>" in gantt
    assert gantt.count('class="g-milestone"') == 1


def test_portfolio_draws_every_workstream_by_goal_with_a_status_and_its_trend(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM))
    html = site["portfolio.html"]
    gantt = re.search(r'<figure class="gantt".*?</figure>', html, re.S)[0]
    rows = re.findall(r'<li class="g-(goal|workstream|task) g-depth-(\d)">(?:<span class="rag rag-(\w+)"[^>]*>.*?</span></span>)?<a href="([^"]+)"', gantt)
    workstreams = [r for r in rows if r[0] == "workstream"]
    assert workstreams == [("workstream", "1", "red", "workstream-douyin-live.html")]  # selection is overdue
    assert rows[0][0] == "goal" and rows[0][3] == "goals.html#goal-online-up-35"
    tasks = [r[3] for r in rows if r[0] == "task"]
    assert len(tasks) == len(re.findall(r'<tr id="task-', site["workstream-douyin-live.html"]))  # every task
    status = Page(html).row("status-table", "抖音直播帶貨計劃")[1]
    overdue = [cells[8] for cells in Page(site["workstream-douyin-live.html"]).rows("task-table")].count("逾期")
    assert status[1] == "紅" and f"逾期 {overdue}" in status[3] and "受阻 1" in status[3]
    assert len(re.findall(r'<td class="trend">(.*?)</td>', html)[0].split('<span class="rag ')) - 1 == 6


# --- weekly tracking ------------------------------------------------------------------------

def test_week_page_groups_by_department_and_highlights_missing_reports(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM), ("plans/r.yaml", REPORT_W23))
    page = Page(site["week-2024-W23.html"])
    headings = re.findall(r'<section class="department" id="department-([a-z-]+)">', site["week-2024-W23.html"])
    assert headings == ["marketing", "sales"]  # the team's order
    # marketing sent no report although 選品與庫存對接 ran that week
    missing = re.search(r'<section id="missing" class="attention-box">(.*?)</section>', site["week-2024-W23.html"], re.S)
    assert missing and "市場部" in missing[1] and "選品與庫存對接" in missing[1]
    # sales forgot 直播設備採購 (zhang.min, sales, runs all June)
    assert "直播設備採購" in missing[1]
    script = page.row("table-1", "直播腳本策劃")[1]
    assert script[1:4] == ["完成直播腳本初稿", "部分完成", "主播檔期沖突"]
    # planned at the week's end (06-09): 0 of 11 days; the entry reports 10
    assert script[7] == "0% / 10%"
    stores = page.row("table-1", "拓展5家新門店")[1]
    assert stores[7] == "58% / 60%"  # 7 of 12 days by Sunday 06-09
    assert page.find("li")  # the missing list


def test_lagging_view_shows_planned_actual_and_adjustment(base_repo):
    report = REPORT_W23.replace("progress: 60", "progress: 20")
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM), ("plans/r.yaml", report))
    week = Page(site["week-2024-W23.html"])
    behind = week.row("behind-table", "拓展5家新門店")
    assert behind[1][2:5] == ["58%", "20%", "38.3"]
    assert behind[1][7] == "未提交調整措施"
    assert "late" in behind[0]["class"]
    # as of the as_of date, from the model's figures (市場任務進度跟蹤表)
    weeks = Page(site["weeks.html"])
    row = weeks.row("lagging-table", "拓展5家新門店")[1]
    assert row[2:6] == ["100%", "20% 2024-W23", "80", "逾期"]
    assert weeks.row("lagging-table", "選品與庫存對接")[1][4] == "60"


def test_a_week_not_over_at_as_of_says_so(base_repo):
    report = REPORT_W23.replace("2024-W23", "2024-W24")
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM), ("plans/r.yaml", report))
    page = Page(site["week-2024-W24.html"])
    assert "本周在截至日期之後才結束" in page.text
    assert "缺報情況" not in page.text or "市場部" not in page.text.split("缺報情況")[1].split("銷售部")[0]
    assert "尚未計入" in Page(site["weeks.html"]).text


# --- reviews --------------------------------------------------------------------------------

Q2 = """\
kind: review
period: 2024-Q2
owner: zhang.min
title: 第二季度評估
rows:
  - {dimension: 銷售結果, metric: 季度銷售額, unit: 萬元, target: 90, actual: 108, analysis: 直播帶貨超預期, actions: 增加直播場次, owner: li.wei}
  - {dimension: 獲客效率, metric: 新客獲客成本(CAC), unit: 元/人, target: 50, actual: 45, direction: down, analysis: 種草轉化率提升, actions: 擴大KOL合作, owner: wang.fang}
"""
Q1 = """\
kind: review
period: 2024-Q1
owner: zhang.min
rows:
  - {metric: 季度銷售額, unit: 萬元, target: 80, actual: 64, analysis: 新品延期, actions: 加快上市, owner: li.wei}
"""


def test_reviews_show_achievement_and_compare_periods(base_repo):
    site = site_of(base_repo, ("plans/q2.yaml", Q2), ("plans/q1.yaml", Q1), charts=True)
    page = Page(site["reviews.html"])
    cac = page.row("table-1", "獲客效率")[1]
    assert cac[1:5] == ["新客獲客成本(CAC) 越低越好", "50 元/人", "45 元/人", "111% 超額完成"]
    assert cac[5:8] == ["種草轉化率提升", "擴大KOL合作", "王芳"]
    q1 = page.row("table-2", "–")[1]
    assert q1[4] == "80% 低於目標"
    comparison = page.row("table-3", "季度銷售額")[1]
    assert comparison == ["季度銷售額", "64 / 80 萬元 80% 低於目標", "108 / 90 萬元 120% 超額完成", "+40"]
    html = site["reviews.html"]
    assert not page.find("img")  # drawn in the page, text at a legible size
    assert re.findall(r'<figure class="chart" id="chart-([^"]+)">\n<svg class="chart-svg c-fit"', html) == [
        "achievement-2024-Q2", "achievement-2024-Q1"]
    assert "<title>銷售結果 · 季度銷售額: 120%</title>" in html  # a hover title per bar


def test_a_period_not_begun_shows_no_alert_badge_until_it_begins(base_repo):
    q3 = Q1.replace("2024-Q1", "2024-Q3")
    early = Page(site_of(base_repo, ("plans/q3.yaml", q3))["reviews.html"])
    assert early.row("table-1", "–")[1][4] == "80%"  # not judged yet, as PC603
    later = Page(site_of(base_repo, ("plans/q3.yaml", q3), as_of="2024-07-01")["reviews.html"])
    assert later.row("table-1", "–")[1][4] == "80% 低於目標"


def test_no_comparison_without_a_common_metric(base_repo):
    site = site_of(base_repo, ("plans/q2.yaml", Q2), ("plans/q1.yaml", Q1.replace("季度銷售額", "新客戶量")))
    assert "沒有在多於一期中出現的指標" in Page(site["reviews.html"]).text


# --- people ---------------------------------------------------------------------------------

def test_people_page_has_the_team_and_load_and_points_to_each_matrix(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM), charts=True)
    page = Page(site["people.html"])
    wang = page.row("people-table", "王芳")[1]
    assert wang[1:5] == ["主管", "銷售部", "2", "1"]  # script runs at as_of; stores is overdue
    assert "workstream-douyin-live.html#matrix" in [a["href"] for a in page.find("a")]
    assert not page.find("img")
    assert '<figure class="chart chart-wide" id="chart-load">' in site["people.html"]


def test_workstream_page_has_the_responsibility_matrix_of_the_people_it_involves(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM))
    page = Page(site["workstream-douyin-live.html"])
    header = [cells for _, cells in page.tables["matrix-table"]][1]
    assert header == ["李偉", "陳杰", "張敏", "王芳"]  # by department, in the team's order
    row = page.row("matrix-table", "直播腳本策劃")[1]
    assert row[2:] == ["", "", "", "●負責人"]  # the word is for screen readers
    # 選品與庫存對接 is supported by sales, whose lead is 張敏
    assert page.row("matrix-table", "選品與庫存對接")[1][2:] == ["●負責人", "", "○配合部門", ""]


def test_a_matrix_has_no_column_for_people_the_workstream_does_not_involve(base_repo):
    alone = (WORKSTREAM.replace("owner: chen.jie", "owner: li.wei").replace("owner: zhang.min", "owner: wang.fang")
             .replace("    support: [sales]\n", ""))
    page = Page(site_of(base_repo, ("plans/ws.yaml", alone))["workstream-douyin-live.html"])
    header = [cells for _, cells in page.tables["matrix-table"]][1]
    assert header == ["李偉", "王芳"]  # 陳杰 and 張敏 are in the team, not in this workstream


# --- filters --------------------------------------------------------------------------------

def test_the_goal_filter_lists_every_owner_and_can_hide_goals(base_repo):
    html = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM))["goals.html"]
    form = re.search(r'<form class="filters" data-filters="decomposition-table".*?</form>', html, re.S)[0]
    owners = set(re.findall(r'<option value="([^"]+)">', re.search(r'data-filter="owner".*?</select>', form, re.S)[0]))
    goal_rows = re.findall(r'<tr id="goal-[^"]+" class="goal[^"]*" data-owner="([^"]*)"', html)
    task_rows = re.findall(r'<tr class="task" data-owner="([^"]*)"', html)
    assert goal_rows and owners == {o for o in goal_rows + task_rows if o}  # goals' owners too


def test_filters_offer_the_rows_owners_departments_and_statuses(base_repo):
    site = site_of(base_repo, ("plans/ws.yaml", WORKSTREAM))
    html = site["workstream-douyin-live.html"]
    form = re.search(r'<form class="filters" data-filters="task-table" hidden>(.*?)</form>', html, re.S)
    assert form, "the filter form is hidden until the script shows it"
    selects = dict(re.findall(r'<select data-filter="(\w+)">(.*?)</select>', form[1], re.S))
    options = {key: re.findall(r'<option value="([^"]*)">([^<]*)</option>', body) for key, body in selects.items()}
    assert options["owner"] == [("", "全部"), ("zhang.min", "張敏"), ("li.wei", "李偉"), ("wang.fang", "王芳"), ("chen.jie", "陳杰")]
    assert options["department"] == [("", "全部"), ("marketing", "市場部"), ("sales", "銷售部")]
    assert [v for v, _ in options["status"]] == ["", "not_started", "in_progress", "done", "overdue", "blocked", "cancelled"]
    rows = Page(html).tables["task-table"][1:]
    assert all({"data-owner", "data-department", "data-status"} <= set(attrs) for attrs, _ in rows)


# --- the example plans ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> dict[str, str]:
    config = load_config(None, REPO)
    ws = load_workspace(config, cwd=REPO)
    labels = Labels(config.locale)
    cache = tmp_path_factory.getbasetemp() / "chart-cache"
    svgs = {c.name: render_chart(c, cache) for c in chart_layout(ws.plan, config, labels).all()}
    files = site_files(ws.plan, config, labels, svgs)
    return {path: data.decode("utf-8") for path, data in files.items()}


def test_weeks_page_has_every_week_and_department_from_the_first_report_to_as_of(example_site):
    import datetime as dt

    html = example_site["weeks.html"]
    page = Page(html)
    rows = [cells for attrs, cells in page.tables["grid-table"]][1:]
    first = min(re.findall(r"week-(\d{4}-W\d{2})\.html", "".join(example_site)))
    monday = dt.date.fromisocalendar(int(first[:4]), int(first[6:]), 1)
    weeks = []
    while monday <= dt.date(2024, 6, 15):  # as_of
        weeks.append(f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}")
        monday += dt.timedelta(days=7)
    assert [cells[0].split()[0] for cells in reversed(rows)] == weeks  # latest first, none left out
    assert "2024-W15" in weeks and "week-2024-W15.html" not in example_site  # a week nobody reported
    missing = sum(cells[1:].count("✗ 未提交") for cells in rows)
    assert missing > 0 and f"缺交周報:{missing} 份" in page.text
    w23 = next(cells for cells in rows if cells[0].startswith("2024-W23"))
    assert "week-2024-W23.html#department-marketing" in html and w23[1] == "✓ 已提交"
    reported = sorted(p[5:13] for p in example_site if p.startswith("week-"))
    page23 = example_site["week-2024-W23.html"]  # a week page leads to the weeks before and after it
    i = reported.index("2024-W23")
    assert f'<a href="week-{reported[i - 1]}.html" rel="prev">' in page23
    assert f'<a href="week-{reported[i + 1]}.html" rel="next">' in page23


def test_reviews_list_the_current_period_first_and_a_task_its_report_history(example_site):
    order = re.findall(r'<section class="review" id="review-([^"]+)">', example_site["reviews.html"])
    assert order[0] == "2024-Q2" and order[-1] == "2024-Q3"  # Q3 has not begun at as_of: last, not first
    row = Page(example_site["workstream-douyin-live.html"]).row("task-table", "選品與庫存對接")[1]
    assert "W23 90%" in row[6]


def test_example_site_reproduces_the_templates_figures(example_site):
    gantt = Page(example_site["workstream-douyin-live.html"])
    days = [gantt.row("task-table", name)[1][4] for name in ("直播賬號搭建", "選品與庫存對接", "直播腳本策劃", "首場直播執行")]
    assert days == ["10", "11", "11", "1"]  # template 2, both ends counted
    statuses = [gantt.row("task-table", name)[1][8] for name in ("直播賬號搭建", "選品與庫存對接", "直播腳本策劃", "首場直播執行")]
    assert statuses == ["已完成", "進行中", "進行中", "未開始"]
    critical = [name for name in ("直播賬號搭建", "選品與庫存對接", "直播腳本策劃", "首場直播執行")
                if "關鍵路徑" in gantt.row("task-table", name)[1][0]]
    assert critical == ["直播賬號搭建", "選品與庫存對接", "首場直播執行"]  # 直播腳本策劃 has 4 days of float
    reviews = Page(example_site["reviews.html"])
    assert reviews.row("table-1", "獲客效率")[1][4] == "111% 超額完成"  # CAC, lower is better
    assert reviews.row("table-2", "新客戶量", column=1)[1][4] == "93%"  # 28/30, no alert
    # 2024-Q3 has not begun at as_of 2024-06-15: its 80% is shown, not yet judged (as PC603)
    assert reviews.row("table-2", "線索轉化率", column=1)[1][4] == "80%"
    dashboard = Page(example_site["index.html"])
    assert "ACME 2024 營銷計劃" in dashboard.text
    assert "1.02" in dashboard.text and "1.78" in dashboard.text  # SPI, CPI
    week = Page(example_site["week-2024-W23.html"])
    assert "小紅書種草筆記(50篇)" in re.search(r'id="missing".*?</section>', example_site["week-2024-W23.html"], re.S)[0]
    assert week.row("table-2", "拓展5家新門店")[1][2:4] == ["部分完成", "區域競爭激烈"]
    assert not [i for path, html in example_site.items() if path.endswith(".html") for i in Page(html).find("img")]
    charts = {c for html in example_site.values() for c in re.findall(r'<figure class="chart[^"]*" id="chart-([^"]+)"', html)}
    assert charts == {"burnup", "load", "achievement-2024-Q2", "achievement-2024-Q3",
                      "kpi-new-product-reach", "kpi-quarterly-leads-1000"}
    assert not [path for path in example_site if path.startswith("charts/")]  # no picture files
    for ws in ("channel-strategy", "douyin-content", "douyin-live", "lead-gen", "loyalty",
               "online-channel", "product-strategy", "promotion-strategy", "store-expansion"):
        assert '<figure class="gantt"' in example_site[f"workstream-{ws}.html"]  # drawn inline
