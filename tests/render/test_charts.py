"""Charts (issue #4): what each chart shows, read from its spec, and how it is drawn —
Chinese as text, byte-identical SVG, a cache that never returns a stale picture. The
Gantt charts are drawn in the pages from the views (tests/render/test_gantt.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from plancode.render import charts
from plancode.render.charts import (
    Chart, achievement_chart, burnup_chart, kpi_trend_chart, load_chart, render_chart,
)
from plancode.render.labels import Labels
from plancode.workspace import load_config, load_workspace

REPO = Path(__file__).resolve().parents[2]
ZH, EN = Labels("zh-TW"), Labels("en")


@pytest.fixture(scope="module")
def examples():
    """The example plans at their pinned as_of (2024-06-15)."""
    config = load_config(None, REPO)
    ws = load_workspace(config, cwd=REPO)
    assert ws.plan is not None
    return ws.plan


def plan_of(repo, *files: tuple[str, str], as_of: str = "2024-06-15"):
    for name, text in files:
        repo.write(name, text)
    ws = repo.workspace(as_of=as_of)
    errors = [p for p in ws.problems if p.severity.name == "ERROR"]
    assert not errors, errors
    return ws.plan


def big_workstream(tasks: int, owners: list[str] | None = None) -> str:
    """A workstream of ``tasks`` tasks, each after the one before, two weeks apiece."""
    owners = owners or ["li.wei", "chen.jie", "wang.fang", "zhang.min"]
    lines = ["kind: workstream", "id: big", "title: 大型推廣計劃", "goal: online-up-35", "tasks:"]
    start = dt.date(2024, 1, 1)
    for i in range(tasks):
        begin = start + dt.timedelta(days=(i * 3) % 300)
        end = begin + dt.timedelta(days=13)
        after = f", after: [t{i - 1}]" if i % 5 else ""
        lines.append(f"  - {{id: t{i}, name: 推廣任務第{i}號, owner: {owners[i % len(owners)]}, "
                     f"start: {begin}, end: {end}, progress: {(i * 7) % 101}, deliverable: 報告{after}}}")
    return "\n".join(lines) + "\n"


# --- date axes (the inline Gantt's too) ---------------------------------------------------


@pytest.mark.parametrize(("lo", "hi", "locale", "labels"), [
    ("2023-12-20", "2024-02-05", "zh-TW", ["2023年12月25日", "2024年1月1日", "1月8日"]),
    ("2023-12-20", "2024-02-05", "en", ["25 Dec 2023", "1 Jan 2024", "8 Jan"]),
    ("2024-01-01", "2025-06-30", "zh-TW", ["2024年1月", "4月", "7月", "10月", "2025年1月", "4月"]),
    ("2022-03-01", "2026-02-01", "en", ["2023", "2024", "2025", "2026"]),
])
def test_date_axis_ticks_fit_the_span(lo, hi, locale, labels):
    ticks = charts.date_ticks(dt.date.fromisoformat(lo), dt.date.fromisoformat(hi), locale)
    assert [label for _, label in ticks["major"]][:len(labels)] == labels


# --- achievement ------------------------------------------------------------------------


def test_achievement_per_kpi_of_the_q3_review():
    # judged after its period began (at the pinned as_of, 2024-06-15, it has not: see below)
    import dataclasses

    config = dataclasses.replace(load_config(None, REPO), as_of=dt.date(2024, 10, 8))
    plan = load_workspace(config, cwd=REPO).plan
    q3 = next(r for r in plan.reviews if r.label == "2024-Q3")
    chart = achievement_chart(q3, ZH, kpi_deviation=10)
    assert chart.name == "achievement-2024-Q3"
    rows = [(r["label"], r["text"], r["alert"], r["colour"]) for r in chart.spec["rows"]]
    assert rows == [
        ("銷售額", "108%", None, charts.ALERT_COLOURS["ok"]),
        ("線索轉化率", "80%", "below", charts.ALERT_COLOURS["below"]),
        ("新客戶量", "93%", None, charts.ALERT_COLOURS["ok"]),
    ]
    assert chart.spec["deviation"] == 10 and chart.spec["band_label"] == "±10% 容差範圍"
    assert chart.spec["title"] == "2024-Q3 各指標達成率"


def test_a_period_not_begun_has_no_alert_colour(examples):
    """At 2024-06-15, 2024-Q3 has not begun: its bars show the figures, none in alert."""
    q3 = next(r for r in examples.reviews if r.label == "2024-Q3")
    rows = achievement_chart(q3, ZH, kpi_deviation=10).spec["rows"]
    assert [r["text"] for r in rows] == ["108%", "80%", "93%"]
    assert {r["alert"] for r in rows} == {None}
    assert {r["colour"] for r in rows} == {charts.ALERT_COLOURS["ok"]}


def test_an_undefined_achievement_shows_a_dash_and_no_bar(base_repo):
    plan = plan_of(base_repo, ("plans/review.yaml", """
        kind: review
        period: {start: 2024-04-01, end: 2024-06-30}
        owner: zhang.min
        rows:
          - {dimension: 獲客效率, metric: 新客獲客成本, unit: 元/人, target: 50, actual: 0, direction: down, owner: li.wei}
          - {metric: 品牌搜索量, unit: 萬次, target: 20, actual: 25, owner: li.wei}
        """))
    chart = achievement_chart(plan.reviews[0], ZH, kpi_deviation=15)
    assert chart.name == "achievement-2024-04-01..2024-06-30"
    assert [(r["value"], r["text"]) for r in chart.spec["rows"]] == [(None, "—"), (125.0, "125%")]
    assert chart.spec["rows"][1]["alert"] == "exceeded"
    assert chart.spec["band_label"] == "±15% 容差範圍"
    assert render_chart(chart, None).rstrip().endswith("</svg>")


# --- KPI trend --------------------------------------------------------------------------


def test_kpi_trend_has_the_counted_weekly_values_and_the_target(examples):
    chart = kpi_trend_chart(examples, "quarterly-leads-1000", ZH)
    assert chart is not None and chart.name == "kpi-quarterly-leads-1000"
    assert [(p["week"], p["value"]) for p in chart.spec["points"]] == [("2024-W12", 960), ("2024-W23", 1020)]
    assert [(line["value"], line["label"]) for line in chart.spec["lines"]] == [(1000, "目標值 1,000 條")]
    assert [label for _, label in chart.spec["ticks"]["major"]] == ["2024-W12", "2024-W23"]


def test_a_value_in_a_report_not_yet_counted_is_left_out(base_repo):
    report = """
        kind: report
        week: {week}
        department: marketing
        metrics: [{{goal: online-up-35, value: {value}}}]
        """
    plan = plan_of(base_repo, ("plans/r1.yaml", report.format(week="2024-W22", value=420)),
                   ("plans/r2.yaml", report.format(week="2024-W24", value=450)))
    chart = kpi_trend_chart(plan, "online-up-35", EN)
    assert [(p["week"], p["value"]) for p in chart.spec["points"]] == [("2024-W22", 420)]
    assert [line["label"] for line in chart.spec["lines"]] == ["Target 540 萬元", "Baseline 400 萬元"]
    assert kpi_trend_chart(plan, "sales-up-30", EN) is None


# --- burn-up ----------------------------------------------------------------------------

BURNUP_TASKS = """
kind: workstream
id: ws
title: 燃起圖
goal: online-up-35
tasks:
  - {id: reported, name: 周報完成, owner: li.wei, start: 2024-05-27, end: 2024-06-14, deliverable: 甲}
  - {id: own, name: 自報完成, owner: li.wei, start: 2024-05-27, end: 2024-06-05, progress: 100, deliverable: 乙}
  - {id: early, name: 提前完成, owner: chen.jie, start: 2024-06-01, end: 2024-07-10, progress: 100, deliverable: 丙}
  - {id: running, name: 進行中, owner: chen.jie, start: 2024-06-01, end: 2024-06-30, progress: 40, deliverable: 丁}
  - {id: dropped, name: 已取消, owner: chen.jie, start: 2024-06-01, end: 2024-06-02, status: cancelled, deliverable: 戊}
"""


def test_burnup_counts_a_task_in_the_week_it_was_first_reported_done(base_repo):
    plan = plan_of(
        base_repo, ("plans/ws.yaml", BURNUP_TASKS),
        ("plans/w22.yaml", """
            kind: report
            week: 2024-W22
            department: marketing
            entries: [{task: ws/reported, done: partial, progress: 50, reason: 排期}]
            """),
        ("plans/w23.yaml", """
            kind: report
            week: 2024-W23
            department: marketing
            entries: [{task: ws/reported, done: yes}]
            """),
        ("plans/w24.yaml", """
            kind: report
            week: 2024-W24
            department: marketing
            entries: [{task: ws/reported, done: yes, progress: 100}]
            """),
    )
    assert charts.done_weeks(plan) == {
        "ws/reported": dt.date(2024, 6, 3),  # W23: `done: yes` without progress counts 100
        "ws/own": dt.date(2024, 6, 3),  # no report says so: the week of its end date
        "ws/early": dt.date(2024, 6, 10),  # ends 07-10 but is done now: as_of's week
    }
    spec = burnup_chart(plan, ZH).spec
    assert spec["total"] == 4  # the cancelled task is out of scope
    assert [w for w, _ in spec["weeks"]][:4] == ["2024-W22", "2024-W23", "2024-W24", "2024-W25"]
    assert spec["done"] == [0, 2, 3]  # up to as_of's week (W24), no further
    assert spec["planned"][:6] == [0, 1, 2, 2, 3, 3]  # by end date, to the last end (W28)
    assert len(spec["planned"]) == 7
    assert spec["labels"]["total"] == "任務總數"


# --- load -------------------------------------------------------------------------------


def test_load_counts_each_persons_tasks_per_week(base_repo):
    plan = plan_of(base_repo, ("plans/ws.yaml", BURNUP_TASKS))
    spec = load_chart(plan, ZH).spec
    assert spec["weeks"][:2] == ["2024-05-27", "2024-06-03"] and len(spec["weeks"]) == 7
    rows = {r["label"]: r["counts"] for r in spec["rows"]}
    assert rows == {
        "李偉 · 市場部": [2, 2, 1, 0, 0, 0, 0],
        "陳杰 · 市場部": [2, 2, 2, 2, 2, 1, 1],  # the cancelled task is not load
    }
    assert spec["max"] == 2 and spec["as_of"] == "2024-06-15"


def test_load_stays_readable_for_200_people(base_repo):
    people = [f"p{i:03d}" for i in range(200)]
    team = "kind: team\ndepartments:\n" + "".join(
        f"  - {{id: d{d}, name: 第{d}部}}\n" for d in range(8)) + "people:\n" + "".join(
        f"  - {{id: {p}, name: 員工{p[1:]}, department: d{i % 8}}}\n" for i, p in enumerate(people)) + \
        "  - {id: li.wei, name: 李偉, department: d0}\n  - {id: zhang.min, name: 張敏, department: d1}\n"
    plan = plan_of(base_repo, ("plans/team.yaml", team), ("plans/big.yaml", big_workstream(600, people)))
    chart = load_chart(plan, ZH)
    assert len(chart.spec["rows"]) == 200
    assert [r["group"] for r in chart.spec["rows"]] == sorted(r["group"] for r in chart.spec["rows"])
    assert render_chart(chart, None).rstrip().endswith("</svg>")


# --- text ---------------------------------------------------------------------------------


def test_every_chinese_character_of_a_spec_is_text_in_its_svg(examples):
    chosen = [load_chart(examples, ZH), achievement_chart(examples.reviews[0], ZH), burnup_chart(examples, ZH),
              kpi_trend_chart(examples, "new-product-reach", ZH)]
    for chart in chosen:
        svg = render_chart(chart, None)
        # every character in a spec is drawn (a label not drawn is not in the spec), as
        # text in the reader's fonts: searchable, and sharp at any size
        han = {c for c in json.dumps(chart.spec, ensure_ascii=False)
               if unicodedata.east_asian_width(c) == "W" and unicodedata.category(c) == "Lo"}
        shown = "".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
        assert han and han <= set(shown) | set("".join(re.findall(r"<title>([^<]*)</title>", svg))), chart.name


# --- rendering: deterministic, cached ---------------------------------------------------


def test_two_renders_are_byte_identical_even_across_processes(examples, tmp_path):
    chosen = [achievement_chart(examples.reviews[0], ZH), load_chart(examples, ZH)]
    first = [render_chart(chart, None) for chart in chosen]
    assert first == [render_chart(chart, None) for chart in chosen]
    assert all(svg.startswith("<?xml") and "<dc:date>" not in svg for svg in first)
    (tmp_path / "specs.json").write_text(json.dumps([c.spec for c in chosen], ensure_ascii=False),
                                         encoding="utf-8")
    other = subprocess.run(
        [sys.executable, "-c",
         "import json, sys; from plancode.render.charts import render_chart; "
         "specs = json.load(open(sys.argv[1], encoding='utf-8')); "
         "sys.stdout.buffer.write(json.dumps([render_chart(s, None) for s in specs]).encode())",
         str(tmp_path / "specs.json")],
        capture_output=True, check=True)
    assert json.loads(other.stdout) == first


def test_a_cached_chart_is_read_not_drawn(examples, tmp_path):
    chart = burnup_chart(examples, ZH)
    svg = render_chart(chart, tmp_path)
    cached = tmp_path / "charts" / f"{charts.cache_key(chart.spec)}.svg"
    assert cached.read_text(encoding="utf-8") == svg
    assert [p.name for p in (tmp_path / "charts").iterdir()] == [cached.name]  # no temp file left
    # what the cache holds is what comes back, not a new drawing
    marked = svg.replace("</svg>", "<!-- from the cache --></svg>")
    cached.write_text(marked, encoding="utf-8")
    assert render_chart(chart, tmp_path) == marked


def test_a_chart_drawn_in_a_page_is_kept_and_read_back_whole(examples, tmp_path):
    """The site's pages draw their charts inline (no file): kept beside the fragments of
    pages by the same key, read back while whole, drawn again when cut short."""
    from plancode.render.svg import inline

    chart = burnup_chart(examples, ZH)
    svg = charts.inline_svg(chart.spec, tmp_path)
    assert svg == inline(chart.spec) and svg.endswith("</svg>")
    kept = tmp_path / "charts" / f"{charts.cache_key(chart.spec)}.svg"
    assert kept.read_text(encoding="utf-8") == svg
    marked = svg.replace("</svg>", "<!-- kept --></svg>")
    kept.write_text(marked, encoding="utf-8")
    assert charts.inline_svg(chart.spec, tmp_path) == marked  # read, not drawn
    kept.write_text(svg[: len(svg) // 2], encoding="utf-8")
    assert charts.inline_svg(chart.spec, tmp_path) == svg
    assert kept.read_text(encoding="utf-8") == svg
    assert charts.inline_svg(chart.spec, None) == svg and len(list(tmp_path.rglob("*.svg"))) == 1


def test_a_changed_spec_or_renderer_never_gets_the_old_picture(examples, tmp_path):
    chart = burnup_chart(examples, ZH)
    old = render_chart(chart, tmp_path)
    changed = Chart(chart.name, {**chart.spec, "title": "改過的標題"})
    assert charts.cache_key(changed.spec) != charts.cache_key(chart.spec)
    assert charts.cache_key(chart.spec, "older-renderer") != charts.cache_key(chart.spec)
    new = render_chart(changed, tmp_path)
    assert new != old
    assert len(list((tmp_path / "charts").glob("*.svg"))) == 2
    assert render_chart(chart, tmp_path) == old


def test_a_damaged_cache_file_is_drawn_again(examples, tmp_path):
    chart = burnup_chart(examples, ZH)
    svg = render_chart(chart, tmp_path)
    cached = tmp_path / "charts" / f"{charts.cache_key(chart.spec)}.svg"
    cached.write_text(svg[: len(svg) // 2], encoding="utf-8")  # e.g. a disk that filled up
    assert render_chart(chart, tmp_path) == svg
    assert cached.read_text(encoding="utf-8") == svg


def test_an_unwritable_cache_costs_time_not_the_chart(examples, tmp_path):
    chart = burnup_chart(examples, ZH)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    assert render_chart(chart, blocker) == render_chart(chart, None)


def test_chart_names_are_file_names():
    with pytest.raises(ValueError):
        Chart("../etc/passwd", {})
    with pytest.raises(ValueError):
        Chart("gantt a", {})
    assert Chart("gantt-douyin-live~2", {}).name == "gantt-douyin-live~2"


def test_every_example_chart_has_a_distinct_name(examples):
    names = [c.name for c in charts.all_charts(examples, ZH)]
    assert len(names) == len(set(names)) == 2 + 2 + 2  # achievement, KPI trends, burn-up and load
    assert {"kpi-quarterly-leads-1000", "kpi-new-product-reach", "achievement-2024-Q2"} <= set(names)

