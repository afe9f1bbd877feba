"""Faults (issue #8): a build killed with SIGKILL midway, a disk that is full or read-only,
two builds at once into one folder, a damaged git repository — and no command that writes
ever loses a file. Real processes, real signals, real file systems."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import STRATEGY, TEAM, PlanRepo

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals, rlimits and mounts are POSIX")

STAGING = ".site.plancode-new-"


def big_plans(root: Path, workstreams: int = 16, title: str = "工作流") -> None:
    """A plan repository whose build takes a few seconds: 16 workstreams of 12 tasks (40
    made the SIGKILL test 40 s of the suite; 16 still leave the build writing for long
    enough to be killed midway)."""
    repo = PlanRepo(root)
    repo.write("plancode.yaml", "as_of: 2024-06-15\nlocale: en\n")
    repo.write("plans/team.yaml", TEAM)
    repo.write("plans/strategy.yaml", STRATEGY)
    for i in range(workstreams):
        tasks = "".join(
            f"  - {{id: t{j}, name: 任務{i}-{j}, owner: chen.jie, start: 2024-0{1 + j % 6}-01, "
            f"end: 2024-0{1 + j % 6}-20, progress: 100, deliverable: 交付{j}}}\n" for j in range(12))
        repo.write(f"plans/ws{i:02d}.yaml", f"kind: workstream\nid: ws{i:02d}\ntitle: {title}{i}\n"
                                            f"goal: online-up-35\nowner: li.wei\ntasks:\n{tasks}")


def small_plans(root: Path) -> PlanRepo:
    repo = PlanRepo(root)
    repo.write("plancode.yaml", "as_of: 2024-06-15\nlocale: en\n")
    repo.write("plans/team.yaml", TEAM)
    repo.write("plans/strategy.yaml", STRATEGY)
    repo.write("plans/ws.yaml", """\
        kind: workstream
        id: live
        title: 抖音直播帶貨計劃
        goal: online-up-35
        owner: li.wei
        tasks:
          - {id: account, name: 直播賬號搭建, owner: chen.jie, start: 2024-06-01, end: 2024-06-10, progress: 100,
             deliverable: 賬號完成企業認證}
        """)
    return repo


def plancode(root: Path, *args: str, cache: Path, preexec_fn=None, **popen) -> subprocess.Popen:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    return subprocess.Popen([sys.executable, "-m", "plancode", "--locale", "en", *args], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec_fn,
                            **popen)


def build(root: Path, *args: str, cache: Path, preexec_fn=None) -> subprocess.CompletedProcess:
    process = plancode(root, "build", *args, cache=cache, preexec_fn=preexec_fn)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- a build killed midway ---------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
                    reason="needs /proc's list of a process's children")
def test_a_page_worker_killed_ends_the_build_with_a_message_not_a_hang(tmp_path):
    """The out-of-memory killer takes one of the processes making the pages: the build
    stops at once with exit 2 and a sentence, and the previous output stays whole (with
    multiprocessing.Pool it waited forever for that worker's page)."""
    root = tmp_path / "repo"
    big_plans(root)
    first = build(root, cache=tmp_path / "cache")
    assert first.returncode == 0, first.stderr
    before_site, before_reports = tree(root / "site"), tree(root / "reports")

    big_plans(root, title="改名的工作流")
    process = plancode(root, "build", "--no-cache", "--jobs", "2", cache=tmp_path / "cache")
    deadline = time.monotonic() + 120
    victim = None
    while victim is None and process.poll() is None and time.monotonic() < deadline:
        if any(name.startswith(STAGING) for name in os.listdir(root)):  # the workers come next
            victim = next(iter(_children(process.pid)), None)
        if victim is None:
            time.sleep(0.0002)
    assert victim, "the build ended before a worker was seen"
    time.sleep(0.03)  # a worker at work: its page is lost with it
    os.kill(victim, signal.SIGKILL)
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("the build waited for the killed worker's page")
    assert process.returncode == 2, (out, err)
    assert "a process making the pages stopped before its work was done" in err
    assert "Traceback" not in err
    assert tree(root / "site") == before_site and tree(root / "reports") == before_reports
    assert not [name for name in os.listdir(root) if ".plancode-new-" in name]


def test_a_build_killed_with_sigkill_while_writing_leaves_the_previous_site_whole(tmp_path):
    root = tmp_path / "repo"
    big_plans(root)
    first = build(root, cache=tmp_path / "cache")
    assert first.returncode == 0, first.stderr
    before_site, before_reports = tree(root / "site"), tree(root / "reports")

    big_plans(root, title="改名的工作流")  # every page of the next build differs
    process = plancode(root, "build", "--no-cache", cache=tmp_path / "cache")
    deadline = time.monotonic() + 240
    seen = None
    while seen is None and process.poll() is None and time.monotonic() < deadline:
        seen = next((name for name in os.listdir(root) if name.startswith(STAGING)), None)
        if seen is None:
            time.sleep(0.0002)
    assert seen, "the build ended before its staging folder was seen"
    os.kill(process.pid, signal.SIGKILL)  # charts drawn, pages rendered, files being written
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL

    # the folder being written is left behind; the site and the reports are the old ones
    assert (root / seen).is_dir()
    assert tree(root / "site") == before_site
    assert tree(root / "reports") == before_reports

    # the next build succeeds, sweeps what the killed one left, and shows the new plans
    again = build(root, cache=tmp_path / "cache")
    assert again.returncode == 0, again.stderr
    assert sorted(os.listdir(root)) == ["plancode.yaml", "plans", "reports", "site"]
    assert "改名的工作流0" in (root / "site" / "workstream-ws00.html").read_text("utf-8")


def test_a_staging_folder_of_a_running_build_is_left_alone(tmp_path):
    """Only the leftovers of builds no longer running are swept: here, the pid of this
    very test process, which is running."""
    from plancode.render import output

    site = tmp_path / "site"
    mine = tmp_path / f".site.plancode-new-{os.getpid()}-abc"
    mine.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".site.plancode-new-{dead.pid}-xyz"
    stale.mkdir()
    (stale / "index.html").write_text("half", encoding="utf-8")
    output.write_tree({"index.html": b"whole"}, site)
    assert mine.is_dir() and not stale.exists()
    assert tree(site) == {".plancode-build": output.MARKER_TEXT, "index.html": b"whole"}


# --- write errors ----------------------------------------------------------------------------------

@contextlib.contextmanager
def tmpfs(folder: Path, size: str):
    """A small file system of its own at ``folder`` (root only), unmounted afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def assert_clear_failure(result: subprocess.CompletedProcess, reason: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("plancode: cannot write ") and reason in lines[0], lines
    assert ".plancode-new-" not in lines[0]  # the folder the user named, not the temporary one


def test_a_full_disk_is_a_clear_message_and_the_previous_output_stays(tmp_path):
    repo = small_plans(tmp_path / "repo")
    with tmpfs(repo.root / "disk", "600k") as disk:  # output folders lie in the project (SPEC §5.7)
        first = build(repo.root, "--out", str(disk / "site"), "--markdown", str(disk / "reports"),
                      cache=tmp_path / "cache")
        assert first.returncode == 0, first.stderr
        before_site, before_reports = tree(disk / "site"), tree(disk / "reports")
        big_plans(repo.root, workstreams=12)  # a bigger site that no longer fits beside the old one
        result = build(repo.root, "--out", str(disk / "site"), "--markdown", str(disk / "reports"),
                       cache=tmp_path / "cache")
        assert_clear_failure(result, "No space left on device")
        assert tree(disk / "site") == before_site and tree(disk / "reports") == before_reports
        assert sorted(os.listdir(disk)) == ["reports", "site"]  # the staging folder was removed


def test_a_file_size_limit_is_a_clear_message_and_the_previous_output_stays(tmp_path):
    """Without root: RLIMIT_FSIZE makes a write fail as a full disk would (EFBIG)."""
    repo = small_plans(tmp_path / "repo")
    assert build(repo.root, cache=tmp_path / "cache").returncode == 0
    before = tree(repo.root / "site")
    big_plans(repo.root, workstreams=3)

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (16_000, 16_000))

    result = build(repo.root, cache=tmp_path / "cache", preexec_fn=limited)
    assert_clear_failure(result, "File too large")
    assert tree(repo.root / "site") == before
    assert sorted(os.listdir(repo.root)) == ["plancode.yaml", "plans", "reports", "site"]


def test_a_read_only_folder_is_a_clear_message_and_the_previous_output_stays(tmp_path):
    repo = small_plans(tmp_path / "repo")
    out = repo.root / "out"  # output folders lie in the project (SPEC §5.7)
    if os.geteuid() == 0:  # root writes through permissions: make the file system read-only
        context = tmpfs(out, "4m")
    else:
        out.mkdir()
        context = contextlib.nullcontext(out)
    with context:
        args = ("--out", str(out / "site"), "--markdown", str(out / "reports"))
        assert build(repo.root, *args, cache=tmp_path / "cache").returncode == 0
        before = tree(out / "site")
        if os.geteuid() == 0:
            subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
        else:
            out.chmod(0o555)
        try:
            result = build(repo.root, *args, "--no-cache", cache=tmp_path / "cache")  # unchanged: build anyway
        finally:
            if os.geteuid() != 0:
                out.chmod(0o755)
        assert_clear_failure(result, "Read-only file system" if os.geteuid() == 0 else "Permission denied")
        assert tree(out / "site") == before


# --- two builds at once -----------------------------------------------------------------------------

def test_two_builds_at_once_into_one_folder_leave_one_complete_build(tmp_path):
    root = tmp_path / "repo"
    big_plans(root, workstreams=8)
    for name in ("a", "b"):
        (root / f"{name}.yaml").write_text(f"as_of: 2024-06-15\nlocale: en\ntitle: 計劃 {name.upper()}\n", "utf-8")
    cache = tmp_path / "cache"
    expected = {}
    for name in ("a", "b"):  # each alone, for reference (and to fill the chart cache)
        # both configs sit in the repository root: the plans are the same, the title differs
        result = subprocess.run([sys.executable, "-m", "plancode", "--config", f"{name}.yaml", "build", "--out",
                                 f"ref-{name}/site", "--markdown", f"ref-{name}/reports"], cwd=root,
                                env=dict(os.environ, XDG_CACHE_HOME=str(cache)), capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        expected[name] = tree(root / f"ref-{name}" / "site")
    assert expected["a"] != expected["b"]

    for round_ in range(4):  # the first round into no folder yet, then over the last one
        processes = [subprocess.Popen([sys.executable, "-m", "plancode", "--config", f"{name}.yaml", "build",
                                       "--out", "shared/site", "--markdown", "shared/reports"], cwd=root,
                                      env=dict(os.environ, XDG_CACHE_HOME=str(cache)), stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
        for process in processes:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, (round_, err)
        site = tree(root / "shared" / "site")
        assert site in (expected["a"], expected["b"]), round_  # one whole build, never a mix
        assert sorted(os.listdir(root / "shared")) == ["reports", "site"]

    third = subprocess.run([sys.executable, "-m", "plancode", "--config", "a.yaml", "build", "--out", "shared/site",
                            "--markdown", "shared/reports"], cwd=root, env=dict(os.environ, XDG_CACHE_HOME=str(cache)),
                           capture_output=True, text=True)
    assert third.returncode == 0, third.stderr
    assert tree(root / "shared" / "site") == expected["a"]


# --- a damaged git repository --------------------------------------------------------------------------

def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "李偉", "GIT_AUTHOR_EMAIL": "a@example.com", "GIT_COMMITTER_NAME": "ci",
           "GIT_COMMITTER_EMAIL": "ci@example.com"}
    return subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=root,
                          env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def history(tmp_path) -> PlanRepo:
    if shutil.which("git") is None:
        pytest.skip("needs the git command line")
    repo = small_plans(tmp_path / "repo")
    git(repo.root, "init", "-q")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "Q2")
    ws = repo.root / "plans/ws.yaml"
    ws.write_text(ws.read_text("utf-8").replace("end: 2024-06-10", "end: 2024-06-12"), "utf-8")
    git(repo.root, "commit", "-q", "-am", "slip")
    git(repo.root, "gc", "-q")  # everything in one pack file
    return repo


def cli(repo: PlanRepo, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plancode", "--locale", "en", *args], cwd=repo.root,
                          capture_output=True, text=True, env=dict(os.environ, XDG_CACHE_HOME=str(repo.root / ".c")))


def test_a_truncated_pack_file_is_a_damaged_repository_not_an_empty_history(history):
    assert cli(history, "log", "live/account").stdout.count("end 2024-06-10 → 2024-06-12") == 1
    pack = next((history.root / ".git/objects/pack").glob("*.pack"))
    pack.chmod(0o644)
    with pack.open("r+b") as handle:
        handle.truncate(pack.stat().st_size // 2)
    for args in (("diff", "HEAD~1", "HEAD"), ("diff", "HEAD~1"), ("log", "live/account")):
        result = cli(history, *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.startswith("plancode: the git repository is damaged: revision HEAD cannot be read"), (
            args, result.stderr)
        assert "git fsck" in result.stderr and "Traceback" not in result.stderr
    # building needs no history: the site is built without the last-changed dates
    assert cli(history, "build").returncode == 0


def test_a_missing_head_is_a_damaged_repository(history):
    (history.root / ".git/HEAD").unlink()
    for args in (("diff", "HEAD~1"), ("log", "live/account")):
        result = cli(history, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert "/.git is damaged: git cannot open it as a repository" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert cli(history, "build").returncode == 0


# --- nothing lost: commands that write never replace a file without --force, and write atomically ------
# Tested elsewhere: init (test_init.py::test_init_never_replaces_a_file_it_skips_it_and_says_so),
# new report (test_new_report.py::test_it_refuses_to_overwrite_unless_forced), codeowners
# (test_codeowners.py::test_output_file_is_never_overwritten_without_force), export xlsx
# (test_import.py::test_export_xlsx_is_byte_identical_and_never_overwrites).

def test_import_never_replaces_a_file_without_force(tmp_path):
    repo = small_plans(tmp_path / "repo")
    sheet = tmp_path / "gantt.csv"
    sheet.write_text("task,owner,start,end\n直播賬號搭建,chen.jie,2024-06-01,2024-06-10\n", encoding="utf-8")
    target = repo.root / "plans/imported.yaml"
    target.write_text("# 我的草稿\n", encoding="utf-8")
    args = ("import", str(sheet), "--as", "workstream", "--id", "imported", "--goal", "online-up-35",
            "--output", "plans/imported.yaml")
    refused = cli(repo, *args)
    assert refused.returncode == 2
    assert "plans/imported.yaml already exists; it is left as it is (use --force to replace it)" in refused.stderr
    assert target.read_text("utf-8") == "# 我的草稿\n"
    forced = cli(repo, *args, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "kind: workstream" in target.read_text("utf-8")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_never_replaces_a_file_without_force(tmp_path, fmt):
    repo = small_plans(tmp_path / "repo")
    (repo.root / f"plans.{fmt}").write_text("keep", encoding="utf-8")
    refused = cli(repo, "export", "--format", fmt, "--output", f"plans.{fmt}")
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert (repo.root / f"plans.{fmt}").read_text("utf-8") == "keep"
    assert cli(repo, "export", "--format", fmt, "--output", f"plans.{fmt}", "--force").returncode == 0
    assert (repo.root / f"plans.{fmt}").read_text("utf-8") != "keep"


@pytest.mark.parametrize("args", [
    ("new", "report", "--department", "marketing", "--week", "2024-W24", "--output", "target.yaml"),
    ("export", "--format", "json", "--output", "target.yaml"),
    ("codeowners", "--output", "target.yaml"),
])
def test_a_forced_write_that_fails_midway_leaves_the_old_file_whole(tmp_path, args):
    """--force replaces a file by renaming a complete new one over it: a write that fails
    (here: the file size limit) leaves the old file as it was, and no temporary file."""
    repo = small_plans(tmp_path / "repo")
    old = "# 上周的周報,不能丟\n" * 3
    (repo.root / "target.yaml").write_text(old, encoding="utf-8")

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (40, 40))

    result = subprocess.run([sys.executable, "-m", "plancode", "--locale", "en", *args, "--force"], cwd=repo.root,
                            capture_output=True, text=True, preexec_fn=limited)
    assert result.returncode == 2, result.stderr
    assert "cannot write target.yaml: File too large" in result.stderr and "Traceback" not in result.stderr
    assert (repo.root / "target.yaml").read_text("utf-8") == old
    assert sorted(os.listdir(repo.root)) == ["plancode.yaml", "plans", "target.yaml"]
