"""A large repository is read by two processes (plancode.parallel): the same documents,
the same problems, the same parse cache as one process, and no process left behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from plancode.config import Config
from plancode.parallel import Claims, Helper, can_fork
from plancode.workspace import PARALLEL_FILES, load_workspace

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py)

pytestmark = pytest.mark.skipif(not can_fork(), reason="reads in one process where it cannot fork")


@pytest.fixture(scope="module")
def findings_repo(tmp_path_factory) -> Path:
    """1,000 generated tasks with 1 % seeded errors, and a file of each kind of damage."""
    root = tmp_path_factory.mktemp("parallel")
    generate.generate(1000, root, findings=True)
    plans = root / "plans"
    (plans / "zz-syntax.yaml").write_text("kind: team\npeople: [\n", encoding="utf-8")
    (plans / "zz-encoding.yaml").write_bytes("kind: team\nname: 計劃\n".encode("gb18030"))
    (plans / "zz-duplicate.yaml").write_text("kind: team\nkind: team\n", encoding="utf-8")
    (plans / "zz-number.yaml").write_text("kind: team\nversion: 1e400\n", encoding="utf-8")
    return root


def _config(root: Path) -> Config:
    return Config(root=root, plans=Path("plans"), as_of=dt.date(2024, 12, 31), locale="en")


def _everything(ws) -> tuple:
    return ([(d.display, d.text, d.data) for d in ws.documents],
            [dataclasses.astuple(p) for p in ws.problems], ws.files)


def _own_children() -> set[int]:
    """This process's children, living or not yet reaped, from every thread's list."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            found.update(int(n) for n in (task / "children").read_text().split())
        except OSError:
            pass
    return found


@pytest.fixture(autouse=True)
def _children_before():
    """The children this test worker had before the test (a test run earlier in the same
    worker may have left one of its own: not this test's doing)."""
    global _BEFORE
    _BEFORE = _own_children()
    yield


_BEFORE: set[int] = set()


def _no_child_left() -> bool:
    """No process made during this test is left, running or unreaped."""
    return not (_own_children() - _BEFORE)


def test_two_processes_read_what_one_reads(findings_repo):
    one = load_workspace(_config(findings_repo), cwd=findings_repo, jobs=1)
    two = load_workspace(_config(findings_repo), cwd=findings_repo, jobs=2)
    assert (one.processes, two.processes) == (1, 2)
    assert _everything(two) == _everything(one)
    # read here and by the helper; linted here (PC2, PC4) and by the helper (PC6)
    assert {p.code for p in two.problems} >= {"PC100", "PC101", "PC102", "PC106", "PC202", "PC402", "PC601", "PC604"}
    assert _no_child_left()


def test_a_large_repository_is_shared_without_being_asked(findings_repo):
    assert len(list((findings_repo / "plans").rglob("*.yaml"))) >= PARALLEL_FILES
    assert load_workspace(_config(findings_repo), cwd=findings_repo).processes == min(2, len(os.sched_getaffinity(0)))


def _parse_cache() -> dict[str, object]:
    """Each entry's data (not its bytes: marshal marks values shared elsewhere in the
    writing process, which differs between the process that parsed a file and one that
    wrote its entry later)."""
    import marshal

    folder = Path(os.environ["XDG_CACHE_HOME"]) / "plancode" / "parsed"
    return {p.name: marshal.loads(p.read_bytes()) for p in folder.rglob("*") if p.is_file() and p.name != ".pruned"}


def test_the_parse_cache_is_written_whole_by_the_helper(findings_repo):
    load_workspace(_config(findings_repo), cwd=findings_repo, jobs=1)
    alone = _parse_cache()
    for entry in (Path(os.environ["XDG_CACHE_HOME"]) / "plancode" / "parsed").rglob("*"):
        if entry.is_file():
            entry.unlink()
    shared = load_workspace(_config(findings_repo), cwd=findings_repo, jobs=2)
    assert shared.processes == 2 and _no_child_left()  # written before load_workspace returned
    assert _parse_cache() == alone and len(alone) > 150
    again = load_workspace(_config(findings_repo), cwd=findings_repo, jobs=2)  # read back from it
    assert _everything(again) == _everything(shared)


def test_what_a_helper_does_not_send_is_left_to_the_caller():
    def job():
        yield "first"
        raise RuntimeError("the helper fails half way")

    helper = Helper(job)  # it sends when it has made everything: here, nothing
    assert list(helper.results()) == [] and not helper.complete
    helper.wait()
    whole = Helper(lambda: iter([{"a": [1, 2.5, None]}, "b"]))
    assert list(whole.results()) == [{"a": [1, 2.5, None]}, "b"] and whole.complete
    whole.wait()
    assert _no_child_left()


def test_a_helper_works_on_after_it_sent_its_items_and_is_waited_for(tmp_path):
    got = tmp_path / "got"

    def after() -> None:
        time.sleep(0.3)  # still at work when the caller has every item
        got.write_text("written")

    helper = Helper(lambda: iter(["mine"]), after)
    assert list(helper.results()) == ["mine"] and helper.complete
    assert not got.exists()
    helper.wait()
    assert got.read_text() == "written" and _no_child_left()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(n) for n in text.split()]


@pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
                    reason="needs /proc's list of a process's children")
def test_ctrl_c_while_reading_leaves_no_helper_behind(findings_repo, tmp_path):
    """Interrupted (SIGINT) while it reads its half of the files, a check waits for its
    helper before it ends: no process outlives the command, none writes the cache after."""
    import signal
    import subprocess
    import time

    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    tried = 0
    for _ in range(5):  # the helper must be forked, and the reading not over, when it comes
        # SIGINT back to its default: pytest-xdist's workers ignore it, and a child inherits
        # that (Python then installs no KeyboardInterrupt handler: the signal would do nothing)
        check = subprocess.Popen([sys.executable, "-m", "plancode", "check", "--no-cache"], cwd=findings_repo,
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        helpers: list[int] = []
        deadline = time.monotonic() + 30
        while not helpers and check.poll() is None and time.monotonic() < deadline:
            helpers = _children(check.pid)
        if helpers:
            time.sleep(0.02)  # while the check reads its half of the files
            check.send_signal(signal.SIGINT)  # the parent alone: the helper keeps going
        check.wait(30)
        if not helpers or check.returncode != 130:  # not forked yet, or done before the signal came
            continue
        tried += 1
        for pid in helpers:  # reaped by the check itself: gone, not a zombie left to init
            assert not Path(f"/proc/{pid}").exists(), Path(f"/proc/{pid}/stat").read_text()
    assert tried


def test_claims_give_each_number_to_exactly_one_process():
    claims = Claims(400)

    def claim_slowly():
        for number in claims:
            time.sleep(0.001)  # a file's work: the other process claims meanwhile
            yield number

    helper = Helper(lambda: claim_slowly())
    own = list(claim_slowly())
    claims.close()
    theirs = list(helper.results())
    helper.wait()
    assert helper.complete and sorted(own + theirs) == list(range(400))
    assert own and theirs  # both took part
    assert list(claims) == []  # closed: nothing more, no error


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv") or not shutil.which("prlimit"),
                    reason="needs root to run the check as a user limited to one process")
def test_a_check_where_no_process_can_be_forked_reads_everything_itself(findings_repo, tmp_path):
    """Where no helper can be forked (ulimit -u, a container's pids.max) the check does
    the work itself, with the same output: it ended in a BlockingIOError traceback. Run as
    user 65534 limited to one process (root is exempt from the limit), keeping the right
    to read and write any file (the interpreter may live in /root)."""
    import subprocess

    def check(*limit: str) -> subprocess.CompletedProcess:
        caps = "+dac_override,+dac_read_search"
        return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                               f"--inh-caps={caps}", f"--ambient-caps={caps}", "prlimit", *limit,
                               sys.executable, "-m", "plancode", "check", "--no-cache"],
                              cwd=findings_repo, capture_output=True, text=True,
                              env=dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache")))

    free, limited = check(), check("--nproc=1")
    assert "Traceback" not in limited.stderr, limited.stderr
    assert (limited.returncode, limited.stdout) == (free.returncode, free.stdout) and free.returncode == 1


_FLOODED = """
import os, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_NOFILE, (min(resource.getrlimit(resource.RLIMIT_NOFILE)[1], 8192),) * 2)
keep = [os.pipe() for _ in range(1100)]  # 1,100 pipes of 64 kB: past pipe-user-pages-soft (64 MB)
import fcntl
r, w = os.pipe()
assert fcntl.fcntl(w, fcntl.F_GETPIPE_SZ) < 65536, "the limit did not apply"
from plancode.config import Config
from plancode.workspace import load_workspace
root = Path(sys.argv[1])
one, two = (load_workspace(Config(root=root, locale="en"), cwd=root, jobs=jobs, cache=False) for jobs in (1, 2))
assert two.processes == 2
assert [d.display for d in two.documents] == [d.display for d in one.documents]
assert [p.message for p in two.problems] == [p.message for p in one.problems]
print(len(two.documents))
"""


def _pipe_pages_soft() -> int:
    try:
        return int(Path("/proc/sys/fs/pipe-user-pages-soft").read_text())
    except (OSError, ValueError):
        return 0


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv") or not 0 < _pipe_pages_soft() < 1100 * 16,
                    reason="needs root to run as another user, and Linux's soft limit on a user's pipes")
def test_a_user_whose_pipes_are_small_still_shares_the_files(tmp_path):
    """A user whose pipes already hold more than pipe-user-pages-soft (a desktop with a
    browser and an editor open) gets 8 kB pipes: the 2,100 claims of 2,100 files (8,400
    bytes) were written before anyone read them, and the check waited for ever."""
    import subprocess

    for number in range(2100):
        path = tmp_path / "plans" / f"w{number}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"kind: workstream\nid: w{number}\ntitle: t\ntasks: []\n", encoding="utf-8")
    caps = "+dac_override,+dac_read_search"  # not the right to pass the limit (root's)
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", f"--inh-caps={caps}",
                           f"--ambient-caps={caps}", sys.executable, "-c", _FLOODED, str(tmp_path)],
                          capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache")))
    assert done.returncode == 0 and done.stdout.split() == ["2100"], done.stderr
