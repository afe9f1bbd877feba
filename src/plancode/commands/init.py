"""``plancode init [DIR]``: a new plan repository, ready for a team and for CI.

It writes ``plancode.yaml``, a small example plan set in the chosen locale (team, strategy, one
workstream, one weekly report, one review), the JSON Schemas with the editor settings
that use them, the GitHub workflow that runs the plancode action, the pre-commit
config and ``.gitattributes`` for plan-aware ``git diff``.

The example's dates are placed around the day it is created (``--as-of`` or today), so
``plancode check`` finds it clean on that day: a task finished a month ago, one in
progress with last week's report, and the next ones still to come.

It never replaces a file: an existing one is skipped and named. There is no ``--force``,
on purpose: the files are examples and defaults, and replacing a team's real
``plans/team.yaml`` with an example would lose work. To refresh a generated file (the
schemas after an upgrade), delete it and run ``plancode init`` again.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import click

from .. import __version__, i18n
from ..cli import State

#: the GitHub repository of the plancode action and pre-commit hook (owner/name), when the
#: package's metadata does not name one (the sources run without being installed)
ACTION_REPOSITORY = "plancode/plancode"
#: the kinds whose JSON Schemas are copied (defs holds the shared definitions)
SCHEMAS = ("config", "defs", "team", "strategy", "workstream", "report", "review")
#: the git textconv that makes `git diff` read plan files as plancode does (issue #5): this
#: Python, so that it works where plancode is not on PATH (pipx, a virtual environment)
TEXTCONV = f"{shlex.quote(sys.executable)} -m plancode textconv"
#: the branch the workflow init writes deploys from
BRANCH = "main"


def action_reference(override: str | None = None) -> tuple[str, str]:
    """(OWNER/NAME, ref) of the action, hook and install the written files point at:
    ``override`` (``OWNER/NAME@REF``), else the package's own metadata: its Repository
    URL and ``v`` + its version; a version that is no release (no tag: 0.0.1.devN, or the
    fallback 0.0.0) points at the main branch instead."""
    if override:
        repository, _, ref = override.partition("@")
        return repository.strip("/"), ref or "main"
    repository = ACTION_REPOSITORY
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        for entry in metadata("plancode").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            match = re.match(r"\s*https://github\.com/([^/\s]+/[^/\s]+?)(?:\.git)?/?$", url)
            if label.strip().lower() == "repository" and match:
                repository = match[1]
    except (ImportError, PackageNotFoundError):
        pass
    release = re.fullmatch(r"\d+\.\d+\.\d+", __version__) and __version__ != "0.0.0"
    return repository, f"v{__version__}" if release else "main"

i18n.register({
    "init-created": ("created  {path}", "已建立  {path}"),
    "init-skipped": ("skipped  {path} (it exists; left as it is)", "已略過  {path}(已存在,保持不變)"),
    "init-failed": ("cannot write {path}: {reason}", "無法寫入 {path}:{reason}"),
    "init-next-git": (
        "Next:\n"
        "  cd {dir}\n"
        "  plancode check                            # the example plans are clean\n"
        "  plancode build                            # the site in site/, the reports in reports/\n"
        "  pip install pre-commit && pre-commit install   # check before every commit\n"
        "  plancode notify --dry-run                 # the alerts the weekday workflow sends to the team chat\n"
        "Then replace the example with your plans; plancode's docs/workflow.md walks through the rest.",
        "下一步:\n"
        "  cd {dir}\n"
        "  plancode check                            # 示例計劃沒有問題\n"
        "  plancode build                            # 網站在 site/,報告在 reports/\n"
        "  pip install pre-commit && pre-commit install   # 每次提交前自動檢查\n"
        "  plancode notify --dry-run                 # 工作日定時發到團隊群的預警\n"
        "然後把示例換成你們的計劃;完整流程見 plancode 的 docs/workflow.md。",
    ),
    "init-git": (
        "initialised a git repository on branch main, with plancode's textconv for git diff",
        "已初始化 git 倉庫(分支 main),並為 git diff 設定 plancode 的 textconv",
    ),
    "init-option-action": (
        "The GitHub repository and ref the workflow, the pre-commit hook and the install "
        "point at, OWNER/NAME@REF (default: this plancode's, from its metadata).",
        "工作流、pre-commit 鉤子與安裝指向的 GitHub 倉庫與版本,格式 OWNER/NAME@REF(預設取自本 plancode 的資料)。",
    ),
    "init-summary": (
        "{created} files created, {skipped} skipped in {dir}",
        "已在 {dir} 建立 {created} 個文件,略過 {skipped} 個",
    ),
    "init-next": (
        "Next:\n"
        "  cd {dir}\n"
        "  git switch -c main                        # when the repository's branch is not main yet\n"
        "  plancode check                            # the example plans are clean\n"
        "  pip install pre-commit && pre-commit install   # check before every commit\n"
        "  git config diff.plancode.textconv \"{textconv}\"   # plan-aware git diff\n"
        "Then replace the example with your plans; plancode's docs/workflow.md walks through the rest.",
        "下一步:\n"
        "  cd {dir}\n"
        "  git switch -c main                        # 若倉庫的分支還不是 main\n"
        "  plancode check                            # 示例計劃沒有問題\n"
        "  pip install pre-commit && pre-commit install   # 每次提交前自動檢查\n"
        "  git config diff.plancode.textconv \"{textconv}\"   # 讓 git diff 讀懂計劃\n"
        "然後把示例換成你們的計劃;完整流程見 plancode 的 docs/workflow.md。",
    ),
})

_DAY = re.compile(r"@DAY([+-]\d+)@")


def example_monday(today: dt.date) -> dt.date:
    """The Monday the example is placed around: this week's, unless the example (35 days
    back, 28 ahead) would then cross into another year and so fall outside the strategy's
    period; in early January and in December it moves to the first Monday that fits in
    (that year, or the next one: in December a team plans next year)."""
    monday = today - dt.timedelta(days=today.weekday())
    if monday + dt.timedelta(days=28) > dt.date(today.year, 12, 31):
        return _first_fitting_monday(today.year + 1)
    return max(monday, _first_fitting_monday(today.year))


def _first_fitting_monday(year: int) -> dt.date:
    earliest = dt.date(year, 1, 1) + dt.timedelta(days=35)
    return earliest + dt.timedelta(days=(7 - earliest.weekday()) % 7)


def tokens(today: dt.date, action: tuple[str, str] | None = None) -> dict[str, str]:
    monday = example_monday(today)
    last_week = monday - dt.timedelta(days=7)
    iso_year, iso_week, _ = last_week.isocalendar()
    quarter = (monday.month - 1) // 3  # the previous quarter, 0 meaning last year's Q4
    last_quarter = f"{monday.year}-Q{quarter}" if quarter else f"{monday.year - 1}-Q4"
    return {
        "@YEAR@": str(monday.year),
        "@LAST_WEEK@": f"{iso_year}-W{iso_week:02d}",
        "@LAST_QUARTER@": last_quarter,
        "@VERSION@": __version__,
        "@ACTION@": (action or action_reference())[0],
        "@REF@": (action or action_reference())[1],
        "@TEXTCONV@": TEXTCONV,
        "@MONDAY@": monday.isoformat(),
    }


def fill(text: str, values: dict[str, str]) -> str:
    monday = dt.date.fromisoformat(values["@MONDAY@"])
    text = _DAY.sub(lambda m: (monday + dt.timedelta(days=int(m[1]))).isoformat(), text)
    for token, value in values.items():
        text = text.replace(token, value)
    return text


#: the example plan files, written in the locale chosen (the others are the same in every locale)
PLAN_FILES = ("plancode.yaml", "team.yaml", "strategy.yaml", "workstream.yaml", "report.yaml", "review.yaml")


def starter_text(source: str, locale: str) -> str:
    """A starter file in ``locale``: ``en/`` for English; the Chinese ones are written in
    Traditional characters and converted to Simplified for zh-CN, like every message."""
    starter = resources.files("plancode.starter")
    if source in PLAN_FILES and not i18n.is_chinese(locale):
        return starter.joinpath("en", source).read_text("utf-8")
    text = starter.joinpath(source).read_text("utf-8")
    if source not in PLAN_FILES:
        return text
    if locale == "zh-TW":
        return text.replace("locale: zh-CN ", "locale: zh-TW ", 1)
    return i18n.simplified(text)


def starter_files(today: dt.date, locale: str = "zh-CN", action: tuple[str, str] | None = None) -> dict[str, bytes]:
    """Relative path -> content of every file ``init`` writes, in the order it writes them;
    the example plans in ``locale``."""
    values = tokens(today, action)
    year, week, quarter = values["@YEAR@"], values["@LAST_WEEK@"], values["@LAST_QUARTER@"]
    layout = {
        "plancode.yaml": "plancode.yaml",
        "plans/team.yaml": "team.yaml",
        f"plans/{year}/strategy.yaml": "strategy.yaml",
        f"plans/{year}/workstreams/douyin-live.yaml": "workstream.yaml",
        f"plans/{year}/reports/{week}-marketing.yaml": "report.yaml",
        f"plans/{year}/reviews/{quarter}.yaml": "review.yaml",
        ".github/workflows/plans.yml": "plans-workflow.yml",
        ".github/workflows/notify.yml": "notify-workflow.yml",
        ".pre-commit-config.yaml": "pre-commit-config.yaml",
        ".gitattributes": "gitattributes",
        ".gitignore": "gitignore",
        ".vscode/settings.json": "vscode-settings.json",
    }
    files = {target: fill(starter_text(source, locale), values).encode("utf-8")
             for target, source in layout.items()}
    schemas = resources.files("plancode.schemas")
    for name in SCHEMAS:
        files[f"schema/{name}.schema.json"] = schemas.joinpath(f"{name}.schema.json").read_bytes()
    return files


@click.command("init")
@click.argument("directory", required=False, default=".",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--action", "action", metavar="OWNER/NAME@REF",
              help="The GitHub repository and ref the workflow, the pre-commit hook and the install point at "
                   "(default: this plancode's repository and version, from its metadata).")
@click.pass_obj
def command(state: State, directory: Path, action: str | None) -> None:
    """Start a plan repository in DIRECTORY (default: here): plancode.yaml, example plans,
    JSON Schemas and editor settings, the GitHub workflow, the pre-commit config and
    .gitattributes. The example plans are written in --locale (default zh-CN, Simplified
    Chinese). Existing files are never replaced: they are skipped and named."""
    from ..i18n import DEFAULT_LOCALE, Messages
    from ._writing import shown, write_file

    messages = Messages(state.locale or DEFAULT_LOCALE)
    target = directory if directory.is_absolute() else state.cwd / directory
    created = skipped = 0
    reference = action_reference(action)
    for relative, data in starter_files(state.as_of or dt.date.today(), state.locale or "zh-CN", reference).items():
        path = target / relative
        where = shown(path, state.cwd)
        try:
            write_file(path, data)
        except FileExistsError:
            skipped += 1
            click.echo(messages("init-skipped", path=where))
            continue
        except OSError as exc:
            click.echo(f"plancode: {messages('init-failed', path=where, reason=exc.strerror or exc)}", err=True)
            raise SystemExit(2) from None
        created += 1
        click.echo(messages("init-created", path=where))
    shown_dir = shown(target, state.cwd) if target.resolve() != state.cwd.resolve() else "."
    click.echo(messages("init-summary", created=created, skipped=skipped, dir=shown_dir))
    started = bool(created) and start_git(target)
    if started:
        click.echo(messages("init-git"))
    if created:
        click.echo("\n" + messages("init-next-git" if started else "init-next", dir=shown_dir, textconv=TEXTCONV))


def start_git(target: Path) -> bool:
    """``git init`` on the branch the workflow deploys (main, whatever git's default) and
    the textconv, when ``target`` is in no git repository yet and git is installed."""
    git = shutil.which("git")
    if git is None:
        return False
    inside = subprocess.run([git, "rev-parse", "--git-dir"], cwd=target, capture_output=True)
    if inside.returncode == 0:
        return False
    steps = ([git, "init", "-q"], [git, "symbolic-ref", "HEAD", f"refs/heads/{BRANCH}"],
             [git, "config", "diff.plancode.textconv", TEXTCONV])
    return all(subprocess.run(step, cwd=target, capture_output=True).returncode == 0 for step in steps)
