"""`plancode check` replays the findings of identical inputs, and only of identical inputs."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path
from conftest import plancode_process

WS = """
kind: workstream
id: douyin-live
title: 抖音直播帶貨計劃
goal: online-up-35
tasks:
  - id: account
    name: 直播賬號搭建
    onwer: chen.jie
"""


def _entries() -> list[Path]:
    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "plancode" / "check").glob("*.marshal"))


def _tamper(marker: str) -> None:
    """Rewrite every stored finding's message: a replay then shows the marker."""
    for entry in _entries():
        files, problems = marshal.loads(entry.read_bytes())
        problems = [(*problem[:5], marker, *problem[6:]) for problem in problems]
        entry.write_bytes(marshal.dumps((files, problems)))


def test_identical_inputs_replay_the_stored_findings(base_repo):
    base_repo.write("plans/ws.yaml", WS)
    first = base_repo.run("check")
    assert first.exit_code == 1 and len(_entries()) == 1
    _tamper("REPLAYED")
    second = base_repo.run("check")
    assert second.exit_code == 1
    assert "plans/ws.yaml:8:5: PC101 error REPLAYED" in second.output
    assert "REPLAYED" not in base_repo.run("check", "--no-cache").output


def test_any_change_to_the_inputs_is_a_miss(base_repo):
    base_repo.write("plans/ws.yaml", WS)
    base_repo.run("check")
    _tamper("STALE")
    changes = [
        lambda: base_repo.write("plans/ws.yaml", WS.replace("onwer", "owner")),  # a plan file
        lambda: base_repo.write("plans/extra.yaml", "kind: team\n"),  # a new file
        lambda: base_repo.write("plancode.yaml", "as_of: 2024-06-16\nlocale: en\n"),  # the config
    ]
    for change in changes:
        change()
        assert "STALE" not in base_repo.run("check").output
        _tamper("STALE")
    for options in (["--as-of", "2024-07-01", "check"], ["--locale", "zh-CN", "check"],
                    ["check", "--select", "PC1"], ["check", "plans/ws.yaml"]):
        assert "STALE" not in base_repo.run(*options).output


def test_a_damaged_entry_is_a_miss(base_repo):
    base_repo.write("plans/ws.yaml", WS)
    base_repo.run("check")
    (entry,) = _entries()
    whole = entry.read_bytes()
    files, problems = marshal.loads(whole)
    for damaged in (b"{not json", whole[:len(whole) // 2], marshal.dumps((files, [("a",)])),
                    marshal.dumps((files, [(*problems[0][:4], 99, *problems[0][5:])])),  # no such severity
                    marshal.dumps({"files": files})):
        entry.write_bytes(damaged)
        result = base_repo.run("check")
        assert result.exit_code == 1 and "`onwer` is not a field" in result.output, damaged


# --- the parse cache: files read cleanly before are not parsed again ---------------------------

VALID_WS = WS.replace("onwer", "owner") + """    start: 2024-06-01
    end: 2024-06-10
    deliverable: 賬號完成企業認證
"""


def _parsed() -> list[Path]:
    return sorted(p for p in (Path(os.environ["XDG_CACHE_HOME"]) / "plancode" / "parsed").rglob("*")
                  if p.is_file() and not p.name.startswith("."))


def _rewrite_parsed(change) -> None:
    """Rewrite every stored document with ``change(data)``: a load then shows it."""
    for entry in _parsed():
        entry.write_bytes(marshal.dumps(change(marshal.loads(entry.read_bytes()))))


def test_a_file_read_cleanly_is_read_back_from_the_parse_cache(base_repo):
    base_repo.write("plans/ws.yaml", VALID_WS)
    assert base_repo.run("check").exit_code == 0
    stored = _parsed()
    assert len(stored) == len(list((base_repo.root / "plans").rglob("*.yaml")))

    def rename(data):
        if data.get("kind") == "workstream":
            data["tasks"][0]["name"] = "從緩存讀出"
        return data

    _rewrite_parsed(rename)
    assert base_repo.workspace().plan.tasks["douyin-live/account"].name == "從緩存讀出"
    # without the cache, the file itself
    assert base_repo.workspace(cache=False).plan.tasks["douyin-live/account"].name == "直播賬號搭建"


def test_an_edited_file_is_parsed_again(base_repo):
    base_repo.write("plans/ws.yaml", VALID_WS)
    base_repo.run("check")
    _rewrite_parsed(lambda data: {**data, "title": "STALE"} if data.get("kind") == "workstream" else data)
    base_repo.write("plans/ws.yaml", VALID_WS.replace("抖音直播帶貨計劃", "抖音直播帶貨計劃(二期)"))
    assert base_repo.workspace().plan.workstreams["douyin-live"].title == "抖音直播帶貨計劃(二期)"


def test_a_file_with_findings_is_never_cached_and_damaged_entries_are_misses(base_repo):
    base_repo.write("plans/ws.yaml", VALID_WS + "    owner: li.wei\n")  # a duplicate key: PC102
    for _ in range(2):
        result = base_repo.run("check", "--no-cache")
        assert result.exit_code == 1 and "PC102" in result.output
        assert base_repo.run("check").output.count("PC102") == 1
    names = {p.name for p in _parsed()}
    assert len(names) == len(list((base_repo.root / "plans").rglob("*.yaml"))) - 1

    for entry in _parsed():
        entry.write_bytes(b"\x00damaged")
    ws = base_repo.workspace()
    assert ws.plan.people and [p.code for p in ws.problems] == ["PC102"]


def test_no_cache_reads_and_writes_no_parse_cache(base_repo):
    base_repo.write("plans/ws.yaml", VALID_WS)
    assert base_repo.run("check", "--no-cache").exit_code == 0
    assert _parsed() == []


def test_entries_not_written_for_a_month_are_pruned_once_a_day(base_repo):
    import time

    from plancode.check_cache import MAX_AGE, prune

    base_repo.write("plans/ws.yaml", VALID_WS)
    base_repo.run("check")
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "plancode" / "parsed"
    old, recent = _parsed()[:2]
    now = time.time()
    os.utime(old, (now - MAX_AGE - 60, now - MAX_AGE - 60))
    prune(folder, now)  # swept earlier today by the check: nothing happens
    assert old.exists()
    prune(folder, now + 25 * 3600)
    assert not old.exists() and recent.exists()
    assert base_repo.run("check", "--no-cache").exit_code == 0


# --- plancode.yaml's validity: remembered per text and code ------------------------------------

def _imports_the_validator(root: Path, *args: str) -> bool:
    """Whether `plancode check ARGS` in ``root`` (a process of its own) imported the schema
    validator."""
    code = ("import sys, atexit\n"
            "atexit.register(lambda: print('VALIDATOR' if 'plancode.validate' in sys.modules else 'NONE',"
            " file=sys.stderr))\n"
            "from plancode.__main__ import main\nsys.argv = ['plancode', 'check', *sys.argv[1:]]\nmain()\n")
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=root, capture_output=True, text=True,
                          env=dict(os.environ))
    return "VALIDATOR" in done.stderr.splitlines()[-1]


def test_a_config_found_valid_is_not_validated_again_until_its_text_changes(base_repo):
    base_repo.write("plans/ws.yaml", WS)
    assert _imports_the_validator(base_repo.root)  # the first time
    assert _imports_the_validator(base_repo.root, "--no-cache")  # --no-cache validates
    assert not _imports_the_validator(base_repo.root)  # remembered: no validator at all
    config = base_repo.root / "plancode.yaml"
    config.write_text(config.read_text("utf-8") + "thresholds: {contingency: [20, 10]}\n", encoding="utf-8")
    result = base_repo.run("check")  # a new text: validated, and its finding reported
    assert result.exit_code == 2 and "contingency" in result.output
    result = base_repo.run("check")  # ... every time: only valid texts are remembered
    assert result.exit_code == 2 and "contingency" in result.output


def test_a_config_with_a_reading_finding_is_still_validated(repo):
    """A plancode.yaml that reads with a finding (a key twice) is validated all the same:
    every finding in it is reported at once, as before its validity was remembered."""
    repo.write("plancode.yaml", "as_of: 2024-06-15\nlocale: en\nlocale: en\nbogus_field: 1\n")
    for _ in range(2):
        result = repo.run("check")
        assert result.exit_code == 2
        assert "plancode.yaml:3:1: PC102" in result.output and "plancode.yaml:4:1: PC101" in result.output


def test_a_cache_folder_that_cannot_be_looked_into_costs_time_never_the_result(base_repo, tmp_path, monkeypatch):
    """Every cache is best effort, the config's validity too: a cache folder whose path the
    system refuses (here a name too long; for a user, a folder a sudo run left owned by
    root) was a traceback from every command."""
    base_repo.write("plans/ws.yaml", WS)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ("a" * 300)))
    for args in (("check",), ("check", "--no-cache")):
        done = plancode_process(*args, cwd=base_repo.root)
        assert done.returncode == 1 and "`onwer` is not a field" in done.stdout, done.stderr
        assert "Traceback" not in done.stderr


def test_an_edited_schema_is_a_new_code_fingerprint():
    """The config's validity and a check's result depend on the JSON Schemas: in a source
    checkout (an editable install) they are in schema/, beside the package, and an edit
    there replayed what the old schema had said."""
    from importlib import resources

    from plancode.check_cache import code_fingerprint

    schema = Path(str(resources.files("plancode.schemas").joinpath("config.schema.json")))
    stat = schema.stat()
    before = code_fingerprint.__wrapped__()
    try:
        os.utime(schema, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # as an edit does
        assert code_fingerprint.__wrapped__() != before
    finally:
        os.utime(schema, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert code_fingerprint.__wrapped__() == before


def test_a_library_upgraded_alone_changes_what_the_caches_are_keyed_by(tmp_path, monkeypatch):
    """The parsers', validators' and converter's answers are in the caches: their package
    files are in the code's fingerprint (an upgrade rewrites them), each found here."""
    from plancode import check_cache

    assert {Path(origin).parent.name for origin in check_cache.library_files()} == set(check_cache.LIBRARIES)
    library = tmp_path / "site" / "upgraded_lib"
    library.mkdir(parents=True)
    (library / "__init__.py").write_text("VERSION = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setattr(check_cache, "LIBRARIES", (*check_cache.LIBRARIES, "upgraded_lib"))
    check_cache.code_fingerprint.cache_clear()
    try:
        before = check_cache.code_fingerprint()
        stat = (library / "__init__.py").stat()
        os.utime(library / "__init__.py", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # reinstalled
        check_cache.code_fingerprint.cache_clear()
        assert check_cache.code_fingerprint() != before
    finally:
        check_cache.code_fingerprint.cache_clear()
