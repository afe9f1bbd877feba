"""The benchmark's own guarantees (issue #7): the generator is deterministic, its plans are
valid, its seeded findings are exactly the ones `plancode check` reports, and the runner
measures each process on its own.

Timing is never asserted here: a shared CI machine makes it meaningless. bench/run
measures; these tests make sure it measures the right thing.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import importlib.machinery
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)


def load_runner():
    """bench/run is a script without a .py suffix: load it as a module (registered first:
    its dataclasses look their module up while they are made)."""
    if "bench_run" not in sys.modules:
        loader = importlib.machinery.SourceFileLoader("bench_run", str(BENCH / "run"))
        module = importlib.util.module_from_spec(importlib.util.spec_from_loader("bench_run", loader))
        sys.modules["bench_run"] = module
        loader.exec_module(module)
    return sys.modules["bench_run"]


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def check_json(repository: Path) -> tuple[int, dict]:
    done = subprocess.run([sys.executable, "-m", "plancode", "check", "--format", "json"],
                          cwd=repository, capture_output=True, text=True)
    return done.returncode, json.loads(done.stdout)


@pytest.fixture(scope="module")
def clean_1k(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean-1k")
    generate.generate(1000, out)
    return out


@pytest.fixture(scope="module")
def findings_1k(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("findings-1k")
    generate.generate(1000, out, findings=True)
    return out


def test_the_same_seed_gives_byte_identical_files(tmp_path, clean_1k):
    generate.generate(1000, tmp_path / "again")
    assert tree_hash(tmp_path / "again") == tree_hash(clean_1k)


def test_another_seed_gives_other_plans(tmp_path, clean_1k):
    generate.generate(1000, tmp_path / "other", seed=2)
    assert tree_hash(tmp_path / "other") != tree_hash(clean_1k)


def test_seeded_findings_are_deterministic_too(tmp_path, findings_1k):
    generate.generate(1000, tmp_path / "again", findings=True)
    assert tree_hash(tmp_path / "again") == tree_hash(findings_1k)


def test_regenerating_into_the_same_folder_leaves_no_stale_plan_files(tmp_path):
    reused, fresh = tmp_path / "reused", tmp_path / "fresh"
    generate.generate(1000, reused, findings=True, revision=2)  # more files, other contents
    generate.generate(250, reused)
    generate.generate(250, fresh)
    assert tree_hash(reused) == tree_hash(fresh)


def test_a_1k_task_repository_has_the_spec_layout(clean_1k):
    manifest = json.loads((clean_1k / "bench-manifest.json").read_text())
    assert manifest["tasks"] == 1000
    assert manifest["as_of"] == "2024-12-31"
    assert manifest["files"] == {"team": 1, "strategy": 1, "workstreams": 10,
                                 "reports": 52 * manifest["departments"], "reviews": 4}
    workstream = (clean_1k / "plans/2024/workstreams/douyin-live-0001.yaml").read_text(encoding="utf-8")
    assert workstream.count("\n  - id: ") == 100
    assert "milestone: true" in workstream and "after: [" in workstream
    config = (clean_1k / "plancode.yaml").read_text(encoding="utf-8")
    assert "as_of: 2024-12-31" in config


def test_a_1k_task_repository_checks_clean(clean_1k):
    code, report = check_json(clean_1k)
    assert code == 0
    # not only no error: the schedule is laid out so that no warning is due either
    assert report["findings"] == []
    assert report["summary"]["files"] == sum(json.loads(
        (clean_1k / "bench-manifest.json").read_text())["files"].values())


def test_dependencies_cross_workstream_files(clean_1k):
    texts = [p.read_text(encoding="utf-8") for p in (clean_1k / "plans/2024/workstreams").glob("*.yaml")]
    assert sum("/" in line for text in texts for line in text.splitlines() if "after: [" in line) >= 9


def test_the_findings_repository_reports_exactly_the_seeded_findings(findings_1k):
    manifest = json.loads((findings_1k / "bench-manifest.json").read_text())
    code, report = check_json(findings_1k)
    assert code == 1
    seeded = collections.Counter((s["code"], s["path"]) for s in manifest["seeded"])
    found = collections.Counter((f["code"], f["path"]) for f in report["findings"])
    assert found == seeded
    assert {code for code, _ in seeded} == set(generate.SEEDED_CODES)
    assert len(manifest["seeded"]) == 1000 // 100  # 1 % of the tasks


def test_revision_2_is_a_clean_later_round_of_the_same_plans(tmp_path, clean_1k):
    generate.generate(1000, tmp_path, revision=2)
    revised = json.loads((tmp_path / "bench-manifest.json").read_text())["revised"]
    assert revised["renamed"] > 0 and revised["moved"] > 0 and revised["added"] > 0
    assert tree_hash(tmp_path / "plans") != tree_hash(clean_1k / "plans")
    code, report = check_json(tmp_path)
    assert (code, report["findings"]) == (0, [])


def test_peak_rss_is_measured_per_process_not_as_the_running_maximum(tmp_path):
    """RUSAGE_CHILDREN's ru_maxrss is the largest child so far, and Linux carries a
    parent's peak into a forked child: a small command measured after a big one, or
    from a big parent, would show their memory. Each run reports its command's own."""
    runner = load_runner()
    log = tmp_path / "log"
    ballast = bytearray(200 * 1024 * 1024)  # this process (the parent) is big
    ballast[::4096] = b"x" * len(ballast[::4096])
    big = runner.run_once([sys.executable, "-c", "b = bytearray(300 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"],
                          tmp_path, {}, 60, log)
    small = runner.run_once([sys.executable, "-c", "pass"], tmp_path, {}, 60, log)
    assert big.rss_kb > 300 * 1024
    # not the running maximum (the 300 MB child) nor the 200 MB ballast of the parent;
    # the test process itself may be large when the whole suite runs, so no fixed bound
    assert small.rss_kb < min(big.rss_kb // 2, 200 * 1024)
    assert (big.code, small.code) == (0, 0)
    del ballast


def test_a_failing_command_is_reported_not_timed(tmp_path):
    runner = load_runner()
    result = runner.measure(runner.Result(1000, "fails"), [([sys.executable, "-c", "raise SystemExit(3)"], tmp_path)],
                            {}, runs=5, timeout=60, log=tmp_path / "log")
    assert not result.ok
    assert result.error.startswith("exit 3 (expected 0)")


def test_one_workstream_changed_touches_one_file_each_time_anew_and_is_undone(clean_1k):
    runner = load_runner()
    before = {p: p.read_bytes() for p in (clean_1k / "plans").rglob("*.yaml")}
    toggle = runner.ToggleWorkstream(clean_1k)
    versions = []
    for _ in range(3):
        toggle()
        versions.append(toggle.path.read_bytes())
        assert [p for p, data in before.items() if p.read_bytes() != data] == [toggle.path]
    # every run sees a file no cache has seen: never the same bytes twice
    assert len(set(versions)) == 3 and before[toggle.path] not in versions
    toggle.restore()
    assert all(p.read_bytes() == data for p, data in before.items())


def test_the_docs_keep_what_is_written_outside_the_markers(tmp_path):
    runner = load_runner()
    page = tmp_path / "performance.md"
    page.write_text(f"# Performance\n\nBy hand.\n\n{runner.BEGIN}\nold table\n{runner.END}\n\n## Analysis\n",
                    encoding="utf-8")
    runner.write_docs(page, f"{runner.BEGIN}\nnew table\n{runner.END}")
    assert page.read_text(encoding="utf-8") == (
        f"# Performance\n\nBy hand.\n\n{runner.BEGIN}\nnew table\n{runner.END}\n\n## Analysis\n")


def test_the_noisy_repository_has_the_warnings_of_a_real_round_and_no_error(tmp_path):
    """--noisy (issue #17): late starts, late tasks and report entries left out — hundreds
    of warnings at 1,000 tasks, thousands at 10,000 —, deterministic, and no error."""
    noisy = generate.generate(1000, tmp_path / "noisy", noisy=True)
    again = generate.generate(1000, tmp_path / "again", noisy=True)
    assert tree_hash(tmp_path / "noisy") == tree_hash(tmp_path / "again") and noisy == again
    changed = noisy["noisy"]
    assert min(changed.values()) > 0
    code, report = check_json(tmp_path / "noisy")
    assert code == 0 and report["summary"]["errors"] == 0
    found = collections.Counter(f["code"] for f in report["findings"])
    # the clean plans miss no entry: each PC602 is an entry left out (not all of them are
    # missed: a finished task need not be reported)
    assert 0.8 * changed["report entries left out"] <= found["PC602"] <= changed["report entries left out"]
    assert found["PC405"] > 0 and found["PC404"] > 0
    assert sum(found.values()) >= 400


def test_a_longer_history_is_the_same_team_over_more_years_and_checks_clean(tmp_path, clean_1k):
    """--years (issue #17): the same team kept its plans for several years — the tasks,
    weekly reports and entries of one year times the years, the workstreams, people and
    departments those of one year —, as_of just after the last reported week,
    deterministic, and still free of any finding."""
    long = generate.generate(3000, tmp_path / "long", years=3)
    again = generate.generate(3000, tmp_path / "again", years=3)
    assert tree_hash(tmp_path / "long") == tree_hash(tmp_path / "again") and long == again
    one = json.loads((clean_1k / "bench-manifest.json").read_text())
    assert (long["tasks"], long["years"], long["weeks"]) == (3 * one["tasks"], 3, 3 * one["weeks"])
    for same in ("workstreams", "people", "departments", "goals"):
        assert long[same] == one[same], same
    for kind in ("reports", "reviews"):
        assert long["files"][kind] == 3 * one["files"][kind], kind
    assert 2.5 * one["report_entries"] < long["report_entries"] < 3.5 * one["report_entries"]
    weeks = sorted({p.name[:8] for p in (tmp_path / "long/plans").rglob("*-W*-*.yaml")})
    assert len(weeks) == long["weeks"] and {w[:4] for w in weeks} == {"2024", "2025", "2026"}
    last_sunday = max(dt.date.fromisocalendar(int(w[:4]), int(w[6:]), 7) for w in weeks)
    as_of = dt.date.fromisoformat(long["as_of"])
    assert last_sunday < as_of <= last_sunday + dt.timedelta(days=7)
    ends = [dt.date.fromisoformat(line.split(": ")[1]) for p in (tmp_path / "long/plans").rglob("*.yaml")
            for line in p.read_text(encoding="utf-8").splitlines() if line.startswith("    end: ")]
    assert min(ends).year == 2024 and max(ends) > as_of  # work done in every year, some still ahead
    code, report = check_json(tmp_path / "long")
    assert (code, report["findings"]) == (0, [])
    assert report["summary"]["files"] == sum(long["files"].values())


def test_a_longer_history_with_findings_reports_exactly_the_seeded_ones(tmp_path):
    manifest = generate.generate(3000, tmp_path, years=3, findings=True)
    code, report = check_json(tmp_path)
    assert code == 1
    assert (collections.Counter((f["code"], f["path"]) for f in report["findings"])
            == collections.Counter((s["code"], s["path"]) for s in manifest["seeded"]))
    assert {s["code"] for s in manifest["seeded"]} == set(generate.SEEDED_CODES)


def test_long_history_rows_are_measured_against_the_floor_of_their_own_files():
    runner = load_runner()
    history_floor, history_check, _ = runner.history_rows(5)
    sample = [runner.Sample(1.0, 1.0, 1, 0)]
    results = [runner.Result(1000, name, runs=sample)
               for name in ("parse floor (PyYAML C loader)", "check clean, cold", history_floor, history_check)]
    assert runner.floor_of(results, 1000, "check clean, cold") is results[0]
    assert runner.floor_of(results, 1000, history_check) is results[2]


def test_at_100k_the_skipped_build_rows_do_not_count_as_missed():
    """bench/run --sizes 100000 measures the check rows; the build rows (1,000 s cold)
    are skipped above --build-max, and the completion target counts what was run."""
    runner = load_runner()
    sample = [runner.Sample(1.0, 1.0, 700 * 1024, 0)]
    names = ("parse floor (PyYAML C loader)", "check clean, cold", "check clean, warm", "check findings, cold",
             "check findings, warm", "export (json, all tables)", "diff HEAD~1 HEAD")
    results = [runner.Result(100_000, name, runs=sample) for name in names]
    results.append(runner.Result(100_000, "build", error="skipped above 10,000 tasks (--build-max)"))
    rows = {label: (measured, verdict) for label, measured, verdict in runner.targets(results, [100_000])}
    assert rows["100k: every command completes"] == ("6/6 completed (build: skipped)", "met")
    assert rows["100k: check peak RSS < 1 GB"][1].startswith("met")
    results[1] = runner.Result(100_000, "check clean, cold", error="timed out after 3600 s")
    rows = {label: verdict for label, _, verdict in runner.targets(results, [100_000])}
    assert rows["100k: every command completes"].startswith("**missed**: check clean, cold")
