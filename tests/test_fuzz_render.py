"""Property-based (issue #8): generated plan repositories — valid ones, and the same with
a field dropped, a value of the wrong type, random Unicode, damaged YAML or a reference
swapped — through the real `check`, then `build` and `export` on whatever `check` accepts.

`check` never raises, exits 0, 1 or 2, and every finding has a path, a line and a code.
Plans without error findings always render: the site, the Markdown reports, every chart
spec, and the JSON, CSV and xlsx exports.

Examples per property: PLANCODE_FUZZ_EXAMPLES (default 25; CI may raise it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plancode.config import Config
from plancode.problems import Severity
from plancode.workspace import load_workspace

from conftest import cli_in

EXAMPLES = int(os.environ.get("PLANCODE_FUZZ_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])

# What people paste into names and notes: CJK, right-to-left marks and overrides, emoji,
# control characters, markup and YAML specials.
SPICE = list("市場部銷售目標任務負責人 ：、，\u202e\u200f\u2066\u2028🎯👍🏽\t\n\x1b\x07\x9b<>&\"'`$|#*[](){}!%@:-=\\")
nasty = st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPICE)), min_size=1, max_size=24)
# a reason or an adjustment of only blanks (" ", "\t", "\u2028") is no reason: PC604 says so
written = nasty.filter(str.strip)
ident = st.from_regex(r"\A[a-z][a-z0-9._-]{0,10}\Z")

AS_OF = dt.date(2024, 6, 15)
YEAR_START = dt.date(2024, 1, 1)


@st.composite
def valid_repository(draw) -> dict[str, dict]:
    """A plan repository meant to pass `check` without errors: {file name: data}."""
    departments = draw(st.lists(ident, min_size=1, max_size=3, unique=True))
    people = draw(st.lists(ident, min_size=1, max_size=5, unique=True).filter(
        lambda ids: not set(ids) & set(departments)))
    team = {
        "kind": "team",
        "departments": [{"id": d, "name": draw(nasty), "lead": draw(st.sampled_from(people))} for d in departments],
        "people": [{"id": p, "name": draw(nasty), "department": draw(st.sampled_from(departments)),
                    "role": draw(nasty)} for p in people],
    }

    goal_ids = draw(st.lists(ident, min_size=1, max_size=4, unique=True).filter(
        lambda ids: not set(ids) & (set(departments) | set(people))))

    def goal(gid: str) -> dict:
        target = draw(st.integers(1, 10_000))
        return {"id": gid, "title": draw(nasty), "owner": draw(st.sampled_from(people)),
                "metric": {"name": draw(nasty), "unit": draw(nasty), "baseline": draw(st.integers(0, target)),
                           "target": target, **({"direction": "down"} if draw(st.booleans()) else {})},
                "due": "2024-12-31", "budget": draw(st.integers(0, 1000))}

    top = goal(goal_ids[0])
    top["budget"] = 5000  # at least what its sub-goals (at most 3 × 1,000) take
    if len(goal_ids) > 1:
        top["goals"] = [goal(g) for g in goal_ids[1:]]
    strategy = {"kind": "strategy", "id": "fy2024", "title": draw(nasty), "period": 2024,
                "owner": draw(st.sampled_from(people)), "budget": {"total": 10_000_000, "currency": "CNY"},
                "goals": [top]}

    files = {"plans/team.yaml": team, "plans/strategy.yaml": strategy}
    all_tasks: list[tuple[str, str]] = []  # (full id, owner's department)
    for w, wid in enumerate(draw(st.lists(ident, min_size=1, max_size=3, unique=True))):
        tasks = []
        for t, tid in enumerate(draw(st.lists(ident, min_size=1, max_size=6, unique=True))):
            start = YEAR_START + dt.timedelta(days=draw(st.integers(0, 300)))
            milestone = draw(st.booleans()) and t % 3 == 2
            end = start if milestone else start + dt.timedelta(days=draw(st.integers(0, 60)))
            owner = draw(st.sampled_from(people))
            task = {"id": tid, "name": draw(nasty), "owner": owner, "start": start.isoformat(),
                    "end": end.isoformat(), "deliverable": draw(nasty)}
            if milestone:
                task["milestone"] = True
            if tasks and draw(st.booleans()):
                task["after"] = [draw(st.sampled_from([x["id"] for x in tasks]))]
            choice = draw(st.sampled_from(["progress", "done", "blocked", "cancelled", "none"]))
            if choice == "progress":
                task["progress"] = draw(st.integers(0, 100))
            elif choice == "done":
                task["progress"] = 100
            elif choice in ("blocked", "cancelled"):
                task["status"] = choice
            if draw(st.booleans()):
                task["risks"] = [{"risk": draw(nasty), "mitigation": draw(nasty), "owner": owner}]
            if draw(st.booleans()):
                task["notes"] = draw(nasty)
            tasks.append(task)
            person_dept = next(p["department"] for p in team["people"] if p["id"] == owner)
            all_tasks.append((f"{wid}/{tid}", person_dept))
        files[f"plans/ws/{wid}.yaml"] = {"kind": "workstream", "id": wid, "title": draw(nasty),
                                         "goal": draw(st.sampled_from(goal_ids)),
                                         "owner": draw(st.sampled_from(people)), "tasks": tasks}

    for week in draw(st.lists(st.integers(1, 24), max_size=2, unique=True)):
        department = draw(st.sampled_from(departments))
        entries = []
        for full_id, _ in draw(st.lists(st.sampled_from(all_tasks), min_size=1, max_size=3, unique=True)):
            done = draw(st.sampled_from(["yes", "no", "partial"]))
            entry = {"task": full_id, "planned": draw(nasty), "done": done, "progress": draw(st.integers(0, 100)),
                     "results": {draw(nasty): draw(st.integers(0, 10**6))}}
            if done != "yes":
                entry["reason"] = draw(written)
                entry["adjustment"] = draw(written)
            entries.append(entry)
        files[f"plans/reports/2024-W{week:02d}-{department}.yaml"] = {
            "kind": "report", "week": f"2024-W{week:02d}", "department": department, "entries": entries,
            "notes": draw(nasty)}

    if draw(st.booleans()):
        files["plans/reviews/2024-Q1.yaml"] = {
            "kind": "review", "period": "2024-Q1", "title": draw(nasty), "owner": draw(st.sampled_from(people)),
            "rows": [{"dimension": draw(nasty), "metric": draw(nasty), "unit": draw(nasty),
                      "target": draw(st.integers(1, 1000)), "actual": draw(st.integers(0, 1000)),
                      "analysis": draw(nasty), "actions": draw(nasty), "owner": draw(st.sampled_from(people)),
                      **({"direction": "down"} if draw(st.booleans()) else {})}
                     for _ in range(draw(st.integers(1, 3)))]}
    return files


def _places(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _places(child, prefix + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _places(child, prefix + (index,))


wrong_types = st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9), st.floats(), nasty,
                        st.lists(st.integers(), max_size=2), st.dictionaries(nasty, st.integers(), max_size=2),
                        st.sampled_from(["2024-02-30", "2024-W53", "../../etc", "-1", "1e309", ""]))


@st.composite
def mutated_repository(draw) -> dict[str, dict | bytes]:
    """A valid repository with one thing broken: a field dropped, a value of the wrong
    type, a reference swapped for another (or for nothing), or a file's bytes damaged."""
    files: dict[str, dict | bytes] = dict(draw(valid_repository()))
    name = draw(st.sampled_from(sorted(files)))
    data = files[name]
    places = [p for p in _places(data) if p]
    place = draw(st.sampled_from(places))
    parent = data
    for step in place[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(["drop", "wrong-type", "swap-reference", "damage"]))
    if action == "drop":
        del parent[place[-1]]
    elif action == "wrong-type":
        parent[place[-1]] = draw(wrong_types)
    elif action == "swap-reference":
        # an id used elsewhere in the repository (or an unknown one) where another stood
        ids = sorted({str(v) for f in files.values() if isinstance(f, dict) for p in _places(f) if p
                      and p[-1] in ("id", "owner", "lead", "department", "goal", "task")
                      for v in [_at(f, p)] if isinstance(v, str)})
        parent[place[-1]] = draw(st.sampled_from(ids + ["nobody", "ws/none"]))
    else:
        text = dump(data).encode("utf-8")
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 30)))
        noise = draw(st.binary(max_size=8) | nasty.map(lambda s: s.encode("utf-8")))
        files[name] = text[:start] + noise + text[end:]
    return files


def _at(node, place):
    for step in place:
        node = node[step]
    return node


def dump(data: dict) -> str:
    """YAML as plancode reads it (PyYAML's 1.1 dumper would leave `1e3` unquoted, a number
    to plancode's YAML 1.2)."""
    from plancode.commands._writing import dump as plan_yaml

    return plan_yaml(data)


def write(root: Path, files: dict[str, dict | bytes]) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "plans").mkdir(parents=True)
    (root / "plancode.yaml").write_text("as_of: 2024-06-15\nlocale: zh-CN\n", encoding="utf-8")
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else dump(data).encode("utf-8"))


run = cli_in  # the real CLI in ROOT (test_fuzz_boundaries imports it by this name)


def check_then_render(root: Path) -> bool:
    """`check` through the real CLI, then, when it finds no error, every renderer and
    exporter on the same plans. Returns whether the plans were rendered."""
    result = run(root, "check", "--format", "json")
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        return False
    report = json.loads(result.stdout)
    for finding in report["findings"]:
        assert finding["path"] and finding["line"] >= 1 and finding["column"] >= 1, finding
        assert finding["code"].startswith("PC") and finding["message"], finding
    if report["summary"]["errors"]:
        assert result.exit_code == 1
        return False
    render(root)
    return True


def render(root: Path) -> None:
    """What `plancode build` and `plancode export` make, in memory: the site, the reports,
    every chart's spec (drawing is tested on hostile names in test_hostile.py), and the
    exports, each checked for what it must be."""
    from plancode.export import ROWS, default_tables, to_csv, to_json, to_xlsx
    from plancode.render.labels import Labels
    from plancode.render.markdown import markdown_files
    from plancode.render.output import _check_name
    from plancode.render.site import chart_layout, site_files

    config = Config(root=root, as_of=AS_OF, locale="zh-CN")
    for locale in ("zh-CN", "en"):
        config = dataclasses.replace(config, locale=locale)
        ws = load_workspace(config, cwd=root)
        assert not [p for p in ws.problems if p.severity == Severity.ERROR]
        labels = Labels(locale)
        charts = chart_layout(ws.plan, ws.config, labels).all()
        for chart in charts:
            json.dumps(chart.spec)  # the cache key is made from it
        svgs = {chart.name: "<svg xmlns='http://www.w3.org/2000/svg'/>" for chart in charts}
        for files in (site_files(ws.plan, ws.config, labels, svgs), markdown_files(ws.plan, ws.config, labels, svgs)):
            assert files
            for name, data in files.items():
                _check_name(name)  # every generated path stays inside the output tree
                if name.endswith((".html", ".md")):
                    data.decode("utf-8")
        exported = json.loads(to_json(ws.plan))
        assert set(exported) == set(default_tables(ws.plan))
        for table in ROWS:
            to_csv(ws.plan, table)
        book = to_xlsx(ws.plan, tuple(ROWS), locale)
        assert zipfile.ZipFile(io.BytesIO(book)).testzip() is None


@SETTINGS
@given(files=valid_repository())
def test_generated_plans_pass_check_and_then_build_and_export(tmp_path, files):
    root = tmp_path / "repo"
    write(root, files)
    assert check_then_render(root), run(root, "check").output


@SETTINGS
@given(files=mutated_repository())
def test_mutated_plans_never_raise_in_check_build_or_export(tmp_path, files):
    write(tmp_path / "repo", files)
    check_then_render(tmp_path / "repo")
