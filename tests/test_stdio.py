"""Every command's standard streams (plancode.stdio): stdout on a full disk is one line on
stderr and exit 2, no stdout at all (`>&-`) is silence and the command's own exit code,
and Ctrl-C — while the command line loads, or later — is exit 130 without a traceback.
Each command runs as a user runs it: a process of its own, on a copy of the example
plans in a git repository."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full, a device that is always full")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("stdio") / "project"
    shutil.copytree(REPO / "plans", root / "plans")
    shutil.copy(REPO / "plancode.yaml", root / "plancode.yaml")
    shutil.copytree(REPO / "schema", root / "schema")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "plans"], cwd=root, check=True)
    workbook = subprocess.run([sys.executable, "-m", "plancode", "export", "--format", "xlsx", "--output",
                               "plans.xlsx"], cwd=root, capture_output=True, text=True)
    assert workbook.returncode == 0, workbook.stderr
    return root


def plancode(root: Path, args: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(root.parent / "cache"), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "plancode", "--locale", "en", *args], cwd=root, env=env,
                          stderr=subprocess.PIPE, text=True, timeout=300, **kwargs)


#: every command that prints something on stdout (notify only with --dry-run: it never posts here)
COMMANDS = {
    "check": ["check"],
    "build": ["build", "--out", "site-{n}", "--markdown", "reports-{n}"],
    "export json": ["export"],
    "export csv": ["export", "--format", "csv"],
    "export xlsx": ["export", "--format", "xlsx"],
    "diff": ["diff", "HEAD"],
    "new report": ["new", "report", "--week", "2024-W26", "--department", "marketing", "--stdout"],
    "codeowners": ["codeowners"],
    "rules": ["rules"],
    "explain": ["explain", "PC404"],
    "schema": ["schema", "team"],
    "init": ["init", "new-{n}"],
    "import": ["import", "plans.xlsx", "--as", "workstream", "--sheet", "douyin-live", "--id", "again"],
    "textconv": ["textconv", "plans/team.yaml"],
    "notify": ["notify", "--dry-run"],
    "version": ["--version"],
    "help": ["--help"],
}


def command(name: str, n: str) -> list[str]:
    return [arg.replace("{n}", n) for arg in COMMANDS[name]]


@needs_dev_full
@pytest.mark.parametrize("name", list(COMMANDS))
def test_stdout_on_a_full_disk_is_one_line_and_exit_2(project, name):
    with FULL.open("w") as full:
        result = plancode(project, command(name, "full"), stdout=full)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == "plancode: cannot write the output: No space left on device"
    if name == "build":  # the summary could not be printed; the site was written all the same
        assert (project / "site-full" / "index.html").is_file()


@needs_dev_full
@pytest.mark.parametrize("name", ["check", "build", "export xlsx", "rules"])
def test_stdout_and_stderr_on_a_full_disk_still_exit_2(project, name):
    """`> /dev/full 2>&1`: the sentence cannot be written either; the exit code says it."""
    with FULL.open("w") as full:
        result = subprocess.run([sys.executable, "-m", "plancode", "--locale", "en", *command(name, "both")],
                                cwd=project, stdout=full, stderr=full, timeout=300,
                                env={**os.environ, "XDG_CACHE_HOME": str(project.parent / "cache")})
    assert result.returncode == 2


@pytest.mark.parametrize("name", list(COMMANDS))
def test_no_stdout_at_all_is_silence_and_the_commands_exit_code(project, name):
    printed = plancode(project, command(name, "printed"), stdout=subprocess.DEVNULL)
    closed = plancode(project, command(name, "closed"), stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    assert "Traceback" not in closed.stderr, closed.stderr
    assert closed.returncode == printed.returncode, closed.stderr


# --- Ctrl-C ---------------------------------------------------------------------------------

def interrupt_after(project: Path, prefix: str, args: list[str]) -> tuple[subprocess.CompletedProcess, bool]:
    """The command, interrupted (SIGINT, as Ctrl-C sends it) as soon as a module whose name
    starts with ``prefix`` has been imported: ``python -v`` says so on stderr the moment it
    happens (line by line; ``-X importtime`` writes through a buffer, too late). Also
    whether the command line had finished loading (plancode.cli) when the signal came."""
    env = {**os.environ, "XDG_CACHE_HOME": str(project.parent / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-v", "-m", "plancode", "--locale", "en", *args], cwd=project, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        # a test worker may ignore SIGINT (pytest-xdist's do), and a child inherits that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stderr is not None
    lines = []
    for line in process.stderr:
        lines.append(line)
        if line.startswith(f"import '{prefix}"):
            process.send_signal(signal.SIGINT)
            break
    lines.append(process.stderr.read())
    process.wait(60)
    stderr = "".join(lines)
    loaded = "import 'plancode.cli'" in stderr
    return subprocess.CompletedProcess(process.args, process.returncode, "", stderr), loaded


def test_ctrl_c_while_the_command_line_loads_exits_130_without_a_traceback(project):
    """Sent when click's first module is imported, the signal comes while the rest of the
    command line (click, the catalogue, the reporters) still loads: Python's own handling
    printed a traceback ending in KeyboardInterrupt. Tried until two land before the
    loading ends (a signal may come late); every try must end quietly."""
    early = 0
    for _ in range(10):
        result, loaded = interrupt_after(project, "click.", ["check", "--no-cache"])
        assert result.returncode == 130, result.stderr[-2000:]
        assert "Traceback" not in result.stderr and "KeyboardInterrupt" not in result.stderr
        early += not loaded
        if early >= 2:
            break
    assert early, "no interrupt arrived while the command line loaded"


def test_ctrl_c_while_a_command_works_exits_130_without_a_word(project):
    """Later, in the command (the plans being read): exit 130 too, not click's "Aborted!"
    and exit 1, which a CI job would take for findings."""
    result, loaded = interrupt_after(project, "plancode.workspace", ["build", "--out", "site-interrupted"])
    assert loaded
    assert result.returncode == 130, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr
    assert result.stderr.endswith("\n")  # the line break after the terminal's ^C
