"""Charts (issue #4): what each chart shows, read from its spec, and how it is drawn —
Chinese without tofu, byte-identical SVG, a cache that never returns a stale picture."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import subprocess
import sys
import unicodedata
import warnings
from pathlib import Path

import pytest

from plancode.render import charts, fonts
from plancode.render.charts import (
    Chart, achievement_chart, burnup_chart, gantt_charts, kpi_trend_chart, load_chart, render_chart,
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


# --- Gantt ------------------------------------------------------------------------------


def test_the_douyin_live_gantt_shows_the_templates_rows(examples):
    [chart] = gantt_charts(examples, "douyin-live", ZH)
    spec = chart.spec
    assert chart.name == "gantt-douyin-live"
    assert spec["kind"] == "gantt"
    assert spec["title"] == "抖音直播帶貨計劃 (douyin-live)"
    rows = [(r["id"], r["label"], r["start"], r["end"], r["progress"], r["milestone"], r["critical"], r["status"])
            for r in spec["rows"]]
    assert rows == [
        ("douyin-live/account", "直播賬號搭建", "2024-06-01", "2024-06-10", 100, False, True, "done"),
        ("douyin-live/selection", "選品與庫存對接", "2024-06-05", "2024-06-15", 90, False, True, "in_progress"),
        ("douyin-live/script", "直播腳本策劃", "2024-06-10", "2024-06-20", 70, False, False, "in_progress"),
        ("douyin-live/first-live", "首場直播執行", "2024-06-25", "2024-06-25", 0, True, True, "not_started"),
    ]
    # finish-to-start arrows, red where both ends are critical (script has 4 days of float)
    assert spec["links"] == [[0, 1, True], [1, 2, False], [2, 3, False]]
    assert [r["note"] for r in spec["rows"]] == ["100%  陳杰", "90%  李偉", "70%  王芳", "0%  陳杰"]
    assert spec["as_of"] == "2024-06-15"
    assert [r["colour"] for r in spec["rows"]][:2] == [charts.STATUS_COLOURS["done"],
                                                       charts.STATUS_COLOURS["in_progress"]]
    legend = [e["label"] for e in spec["legend"]]
    assert legend == ["未開始", "進行中", "已完成", "關鍵路徑", "里程碑", "截至 2024-06-15"]
    # a four-week stream gets weekly ticks, named the Chinese way
    labels = [label for _, label in spec["ticks"]["major"]]
    assert labels[0].startswith("2024年") and "6月10日" in labels


def test_a_long_stream_has_month_ticks_in_the_pages_language(examples):
    [zh] = gantt_charts(examples, "online-channel", ZH)
    [en] = gantt_charts(examples, "online-channel", EN)
    assert [label for _, label in zh.spec["ticks"]["major"]][:3] == ["2024年5月", "6月", "7月"]
    assert [label for _, label in en.spec["ticks"]["major"]][:3] == ["May 2024", "Jun", "Jul"]
    assert en.spec["legend"][-1]["label"] == "As of 2024-06-15"


@pytest.mark.parametrize(("lo", "hi", "locale", "labels"), [
    ("2023-12-20", "2024-02-05", "zh-TW", ["2023年12月25日", "2024年1月1日", "1月8日"]),
    ("2023-12-20", "2024-02-05", "en", ["25 Dec 2023", "1 Jan 2024", "8 Jan"]),
    ("2024-01-01", "2025-06-30", "zh-TW", ["2024年1月", "4月", "7月", "10月", "2025年1月", "4月"]),
    ("2022-03-01", "2026-02-01", "en", ["2023", "2024", "2025", "2026"]),
])
def test_date_axis_ticks_fit_the_span(lo, hi, locale, labels):
    ticks = charts.date_ticks(dt.date.fromisoformat(lo), dt.date.fromisoformat(hi), locale)
    assert [label for _, label in ticks["major"]][:len(labels)] == labels


def test_a_stream_beyond_200_rows_is_split_into_parts(base_repo):
    plan = plan_of(base_repo, ("plans/big.yaml", big_workstream(450)))
    parts = gantt_charts(plan, "big", ZH)
    assert [c.name for c in parts] == ["gantt-big~1", "gantt-big~2", "gantt-big~3"]
    assert [len(c.spec["rows"]) for c in parts] == [150, 150, 150]
    assert [r["id"] for c in parts for r in c.spec["rows"]] == [f"big/t{i}" for i in range(450)]
    assert parts[1].spec["title"] == "大型推廣計劃 (big) · 第 2/3 部分"
    for chart in parts:  # an arrow only joins rows of the same chart
        assert all(0 <= a < 150 and 0 <= b < 150 for a, b, _ in chart.spec["links"])
    assert len(parts[0].spec["links"]) == 150 - 150 // 5
    svg = render_chart(parts[2], None)  # a full-size part draws
    assert svg.rstrip().endswith("</svg>")


def test_exactly_200_rows_stay_one_chart(base_repo):
    plan = plan_of(base_repo, ("plans/big.yaml", big_workstream(200)))
    assert [c.name for c in gantt_charts(plan, "big", EN)] == ["gantt-big"]


def test_baseline_bars_come_from_the_given_dates(examples):
    baseline = {"douyin-live/script": (dt.date(2024, 6, 8), dt.date(2024, 6, 18))}
    [chart] = gantt_charts(examples, "douyin-live", ZH, baseline=baseline)
    assert [r["baseline"] for r in chart.spec["rows"]] == [None, None, ["2024-06-08", "2024-06-18"], None]
    assert "基線" in [e["label"] for e in chart.spec["legend"]]
    assert render_chart(chart, None) != render_chart(gantt_charts(examples, "douyin-live", ZH)[0], None)


def test_a_workstream_without_tasks_still_draws(base_repo):
    plan = plan_of(base_repo, ("plans/ws.yaml", """
        kind: workstream
        id: empty
        title: 尚無任務
        goal: online-up-35
        tasks: []
        """))
    [chart] = gantt_charts(plan, "empty", ZH)
    assert chart.spec["rows"] == [] and chart.spec["as_of"] == "2024-06-15"
    assert render_chart(chart, None).rstrip().endswith("</svg>")


def test_names_are_plain_text_not_tex_nor_markup(base_repo):
    from xml.etree import ElementTree

    plan = plan_of(base_repo, ("plans/ws.yaml", r"""
        kind: workstream
        id: ws
        title: "標題 --> <script>alert(1)</script> & ]]>"
        goal: online-up-35
        tasks:
          - {id: a, name: "預算 $5000 到 $8000", owner: li.wei, start: 2024-06-01, end: 2024-06-10, deliverable: x}
          - {id: b, name: "--> <!-- <b> $\\x$ ^_^", owner: li.wei, start: 2024-06-01, end: 2024-06-10, deliverable: x}
        """))
    [chart] = gantt_charts(plan, "ws", ZH)
    assert [r["label"] for r in chart.spec["rows"]] == ["預算 $5000 到 $8000", "--> <!-- <b> $\\x$ ^_^"]
    svg = render_chart(chart, None)  # "$\x$" as TeX would raise a mathtext error
    ElementTree.fromstring(svg.encode("utf-8"))  # well-formed: comments and markup escaped
    assert "<script" not in svg


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


# --- fonts ------------------------------------------------------------------------------


def test_the_simplified_chinese_face_is_registered_by_path():
    from matplotlib import font_manager

    family = fonts.register_cjk_font()
    assert family == "Noto Sans CJK SC"
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert Path(path) == fonts.find_cjk_font()
    assert fonts.font_family() == ["DejaVu Sans", "Noto Sans CJK SC"]


def test_no_cjk_font_is_a_clear_error(tmp_path):
    import matplotlib

    latin_only = Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"
    not_a_font = tmp_path / "fake.ttc"
    not_a_font.write_bytes(b"not a font")
    with pytest.raises(fonts.FontError, match="no font with Chinese glyphs") as error:
        fonts.find_cjk_font([tmp_path / "missing.ttc", not_a_font, latin_only])
    assert "fonts-noto-cjk" in str(error.value) and "missing.ttc" in str(error.value)


def test_drawing_chinese_raises_no_warning_and_leaves_no_tofu(examples, caplog):
    chosen = [*gantt_charts(examples, "douyin-live", ZH), load_chart(examples, ZH),
              achievement_chart(examples.reviews[0], ZH), burnup_chart(examples, ZH),
              kpi_trend_chart(examples, "new-product-reach", ZH)]
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING, logger="matplotlib"):
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would fail here
        svgs = [render_chart(chart, None) for chart in chosen]
    assert caplog.records == []
    for chart, svg in zip(chosen, svgs):
        # every character in a spec is drawn (a label not drawn is not in the spec)
        han = {c for c in json.dumps(chart.spec, ensure_ascii=False)
               if unicodedata.east_asian_width(c) == "W" and unicodedata.category(c) == "Lo"}
        if chart.spec["kind"] == "gantt":  # matplotlib: text as outlines, a shape per character
            glyphs = set(re.findall(r'id="NotoSansCJKsc-Regular-([0-9a-f]+)"', svg))
            assert han and len(glyphs) >= len(han), chart.name
        else:  # render/svg.py: text as text, in the reader's fonts
            shown = "".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
            assert han and han <= set(shown) | set("".join(re.findall(r"<title>([^<]*)</title>", svg))), chart.name


# --- rendering: deterministic, cached ---------------------------------------------------


def test_two_renders_are_byte_identical_even_across_processes(examples, tmp_path):
    chosen = [*gantt_charts(examples, "douyin-live", ZH), load_chart(examples, ZH)]  # vectors, raster
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


def test_a_cached_chart_is_read_without_importing_matplotlib(examples, tmp_path):
    [chart] = gantt_charts(examples, "douyin-live", ZH)
    svg = render_chart(chart, tmp_path)
    cached = tmp_path / "charts" / f"{charts.cache_key(chart.spec)}.svg"
    assert cached.read_text(encoding="utf-8") == svg
    assert [p.name for p in (tmp_path / "charts").iterdir()] == [cached.name]  # no temp file left
    (tmp_path / "spec.json").write_text(json.dumps(chart.spec, ensure_ascii=False), encoding="utf-8")
    # A fresh process: if the chart were drawn, draw.py would import matplotlib.
    script = (
        "import json, sys; from pathlib import Path\n"
        "from plancode.render.charts import render_chart\n"
        "svg = render_chart(json.load(open(sys.argv[1], encoding='utf-8')), Path(sys.argv[2]))\n"
        "assert 'matplotlib' not in sys.modules, 'drawn, not read from the cache'\n"
        "sys.stdout.buffer.write(svg.encode('utf-8'))\n"
    )
    hit = subprocess.run([sys.executable, "-c", script, str(tmp_path / "spec.json"), str(tmp_path)],
                         capture_output=True)
    assert hit.returncode == 0, hit.stderr.decode()
    assert hit.stdout.decode("utf-8") == svg


def test_a_changed_spec_or_renderer_never_gets_the_old_picture(examples, tmp_path):
    [chart] = gantt_charts(examples, "douyin-live", ZH)
    old = render_chart(chart, tmp_path)
    changed = Chart(chart.name, {**chart.spec, "title": "改過的標題"})
    assert charts.cache_key(changed.spec) != charts.cache_key(chart.spec)
    assert charts.cache_key(chart.spec, "older-renderer") != charts.cache_key(chart.spec)
    new = render_chart(changed, tmp_path)
    assert new != old
    assert len(list((tmp_path / "charts").glob("*.svg"))) == 2
    assert render_chart(chart, tmp_path) == old


def test_a_damaged_cache_file_is_drawn_again(examples, tmp_path):
    [chart] = gantt_charts(examples, "douyin-live", ZH)
    svg = render_chart(chart, tmp_path)
    cached = tmp_path / "charts" / f"{charts.cache_key(chart.spec)}.svg"
    cached.write_text(svg[: len(svg) // 2], encoding="utf-8")  # e.g. a disk that filled up
    assert render_chart(chart, tmp_path) == svg
    assert cached.read_text(encoding="utf-8") == svg


def test_an_unwritable_cache_costs_time_not_the_chart(examples, tmp_path):
    [chart] = gantt_charts(examples, "douyin-live", ZH)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    assert render_chart(chart, blocker) == render_chart(chart, None)


def test_charts_module_imports_no_matplotlib():
    result = subprocess.run(
        [sys.executable, "-c", "import sys, plancode.render.charts; print('matplotlib' in sys.modules)"],
        capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_chart_names_are_file_names():
    with pytest.raises(ValueError):
        Chart("../etc/passwd", {})
    with pytest.raises(ValueError):
        Chart("gantt a", {})
    assert Chart("gantt-douyin-live~2", {}).name == "gantt-douyin-live~2"


def test_every_example_chart_has_a_distinct_name(examples):
    names = [c.name for c in charts.all_charts(examples, ZH)]
    assert len(names) == len(set(names)) == 9 + 2 + 2 + 2
    assert {"kpi-quarterly-leads-1000", "kpi-new-product-reach", "achievement-2024-Q2"} <= set(names)


def test_a_system_copy_of_the_cjk_face_does_not_change_which_file_draws(tmp_path):
    """A machine whose fonts already name "Noto Sans CJK SC" (Debian's fonts-noto-cjk)
    draws with plancode's own file all the same: here the system's copy is a copy of the
    wheel's file at another path, registered first, in a fresh process."""
    script = (
        "import shutil, sys; from pathlib import Path\n"
        "from matplotlib import font_manager\n"
        "from plancode.render import fonts\n"
        "own = fonts.find_cjk_font()\n"
        "system = Path(sys.argv[1]) / 'NotoSansCJK-Regular.ttc'\n"
        "shutil.copyfile(own, system)\n"
        "font_manager.fontManager.addfont(str(system))\n"
        "family = fonts.register_cjk_font()\n"
        "found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)\n"
        "print(family, Path(found) == own, Path(found) == system)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["Noto", "Sans", "CJK", "SC", "True", "False"]
