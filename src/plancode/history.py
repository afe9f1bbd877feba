"""Plans as they were at a git revision, read straight from git's objects (no checkout, no
temporary worktree), and the history of one task or goal.

Imported only by the commands that need history (``diff``, ``log``, ``build --baseline``):
GitPython is never loaded by ``plancode check``, nor by a build without a baseline (the
site's "last changed" line comes from :mod:`plancode.commits`, plain git processes).

A revision is read with the working tree's config (its as-of date, thresholds, excludes)
except for ``plans``, which is read from the revision's own ``plancode.yaml`` when it
has one, so a plans root that moved still reads. Every blob then goes through the same
pipeline as a file on disk: :func:`plancode.loader.load_text`, then
:func:`plancode.workspace.validate_loaded`, then :func:`plancode.model.build_plan`.
A file that cannot be read or validated is left out of the plan and listed as a problem:
the rest of the revision still diffs.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .commits import commit_time, last_changes, separators  # noqa: F401 (last_changes: re-exported)
from .config import CONFIG_NAMES, Config
from .diff import Change, PlanDiff, diff_plans
from .i18n import Messages, register
from .loader import Document, display_path, load_file, load_text
from .model import Plan, build_plan
from .problems import Finding, Problem, Severity
from .workspace import PLAN_SUFFIXES, UsageError, load_workspace, validate_loaded

register({
    "history-no-git": (
        "reading history needs git, and it cannot be used here: {reason}",
        "讀取歷史需要 git,但目前無法使用:{reason}",
    ),
    "history-not-a-repo": (
        "{path} is not inside a git repository, so there is no revision {rev} to read; run this in a "
        "clone of the plan repository, or compare two folders: plancode diff DIR_A DIR_B",
        "{path} 不在 git 倉庫中,無法讀取版本 {rev};請在計劃倉庫的克隆中執行,或比較兩個文件夾:"
        "plancode diff 文件夾A 文件夾B",
    ),
    "history-bare": (
        "{path} is a bare git repository; run this in a clone with a working tree",
        "{path} 是裸倉庫(沒有工作區);請在有工作區的克隆中執行",
    ),
    "history-unknown-rev": (
        "unknown revision {rev}: no commit, tag or branch has that name; `git tag` and "
        "`git branch -a` list them",
        "未知的版本 {rev}:沒有這個名稱的提交、標籤或分支;`git tag` 和 `git branch -a` 可列出",
    ),
    "history-shallow": (
        "this is a shallow clone, which holds only the latest commits: fetch the full history "
        "with `git fetch --unshallow --tags`, or in GitHub Actions set `fetch-depth: 0` in the "
        "actions/checkout step",
        "這是淺克隆,只含最近的提交:請用 `git fetch --unshallow --tags` 取得完整歷史;在 GitHub "
        "Actions 中請在 actions/checkout 步驟設定 `fetch-depth: 0`",
    ),
    "history-corrupt": (
        "the git repository is damaged: revision {rev} cannot be read ({reason}); `git fsck` "
        "shows what is missing",
        "git 倉庫已損壞:無法讀取版本 {rev}({reason});`git fsck` 可顯示缺少的內容",
    ),
    "history-corrupt-open": (
        "{path} is damaged: git cannot open it as a repository; `git status` and `git fsck` "
        "tell what is wrong (re-cloning is the usual fix)",
        "{path} 已損壞:git 無法將其作為倉庫打開;`git status` 和 `git fsck` 可說明原因(通常重新克隆即可)",
    ),
    "history-missing-object": ("object {sha} is missing", "缺少對象 {sha}"),
    "history-outside": (
        "the plans root {path} is outside the git repository {repo}",
        "計劃目錄 {path} 不在 git 倉庫 {repo} 之內",
    ),
    "history-no-plans-at": (
        "there is no plans folder {path} at {rev}",
        "版本 {rev} 中沒有計劃目錄 {path}",
    ),
    "history-working-tree": ("working tree", "工作區"),
    "history-unknown-id": (
        "{id} is neither a task (WORKSTREAM/TASK) nor a goal, person, department or workstream id "
        "in the plans{suggestion}",
        "{id} 不是計劃中的任務(執行計劃/任務)、目標、人員、部門或執行計劃的 id{suggestion}",
    ),
    "history-did-you-mean": ("; did you mean {ids}?", ";是否指 {ids}?"),
    "history-shallow-end": (
        "history stops at {commit}: this is a shallow clone (fetch-depth: 0 in actions/checkout, "
        "or `git fetch --unshallow`, gives the rest)",
        "歷史止於 {commit}:這是淺克隆(在 actions/checkout 設定 fetch-depth: 0,或執行 "
        "`git fetch --unshallow` 可取得其餘部分)",
    ),
})


class HistoryError(UsageError):
    """Exit 2: the revision cannot be read (not a repository, unknown revision, shallow
    clone, damaged repository). The message says how to fix it."""


@dataclass
class Snapshot:
    """The plan at one revision, folder or the working tree."""

    label: str  # the revision as given, the folder, or "working tree"
    plan: Plan
    plans_root: Path  # where its files are (or would be, for a revision) on disk
    problems: list[Problem] = field(default_factory=list)  # files left out, and why
    commit: str | None = None
    missing: str = ""  # set when there is no plans folder at all: what was looked for
    unreadable: frozenset[str] = frozenset()  # the files of ``problems``, relative to plans_root


def _unreadable(problems: list[Problem], cwd: Path, plans_root: Path) -> frozenset[str]:
    files = set()
    for problem in problems:
        try:
            files.add((cwd / problem.path).resolve().relative_to(plans_root.resolve()).as_posix())
        except ValueError:
            files.add(problem.path)
    return frozenset(files)


def diff_snapshots(old: Snapshot, new: Snapshot) -> PlanDiff:
    """diff_plans with what each side knows of its files."""
    return diff_plans(old.plan, new.plan, old.plans_root, new.plans_root, (old.unreadable, new.unreadable))


def empty_plan(config: Config) -> Plan:
    """The plan of a revision before any plan file existed."""
    return build_plan([], config, Messages(config.locale))[0]


def _git_module(messages: Messages):
    try:
        import git
    except ImportError as exc:  # GitPython refuses to import without a git executable
        raise HistoryError(messages("history-no-git", reason=str(exc).splitlines()[0])) from None
    return git


class Repository:
    """A git repository seen from a plan repository's config; caches what it has read."""

    def __init__(self, config: Config, cwd: Path, rev: str = "HEAD"):
        self.config, self.cwd = config, cwd
        self.messages = Messages(config.locale)
        self.git = git = _git_module(self.messages)
        try:
            self.repo = git.Repo(config.root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            damaged = next((folder / ".git" for folder in (config.root, *config.root.parents)
                            if (folder / ".git").exists()), None)
            if damaged is not None:  # a .git that git cannot open: HEAD or config broken
                raise HistoryError(self.messages("history-corrupt-open", path=damaged)) from None
            raise HistoryError(self.messages("history-not-a-repo", path=config.root, rev=rev)) from None
        if self.repo.bare or self.repo.working_tree_dir is None:
            raise HistoryError(self.messages("history-bare", path=self.repo.git_dir))
        self.top = Path(self.repo.working_tree_dir).resolve()
        shallow = Path(self.repo.git_dir, "shallow")
        # commits at a shallow clone's boundary: git shows them without parents
        self.boundary = set(shallow.read_text().split()) if shallow.is_file() else set()
        self.shallow = shallow.is_file()
        self._docs: dict[tuple[str, str], tuple[list, list, list, list]] = {}
        self._snapshots: dict[str, Snapshot] = {}

    # --- revisions ------------------------------------------------------------------------
    def _failure(self, message_id: str, **values: Any) -> HistoryError:
        message = self.messages(message_id, **values)
        if self.shallow:
            message += "; " + self.messages("history-shallow")
        return HistoryError(message)

    def resolve(self, rev: str) -> str:
        """The full commit id of ``rev`` (any syntax git knows: tags, branches, HEAD~2…)."""
        if not rev or rev.startswith("-"):
            raise self._failure("history-unknown-rev", rev=rev)
        try:
            # a leading "-" was refused above, so rev-parse cannot read it as an option
            return self.repo.git.rev_parse("--verify", "--quiet", f"{rev}^{{commit}}").strip()
        except self.git.GitCommandError:
            self.has_head()  # HEAD~1 is unknown too when HEAD's commit is damaged: say that
            raise self._failure("history-unknown-rev", rev=rev) from None

    def has_head(self) -> bool:
        """Whether HEAD names a commit: False in a repository without commits yet. A HEAD
        naming a commit git cannot read (a truncated pack file) is a damaged repository,
        not an empty history: HistoryError."""
        try:
            sha = self.repo.git.rev_parse("--verify", "--quiet", "HEAD").strip()
        except self.git.GitCommandError:
            return False
        if not self.has_commit(sha):
            raise self._failure("history-corrupt", rev="HEAD",
                                reason=self.messages("history-missing-object", sha=sha[:12]))
        return True

    def _reason(self, exc: Exception) -> str:
        text = str(exc)
        missing = re.search(r"\b([0-9a-f]{40})\b", text)
        if missing and "could not be resolved" in text:
            return self.messages("history-missing-object", sha=missing[1][:12])
        return text.strip().splitlines()[0] if text.strip() else type(exc).__name__

    def has_commit(self, sha: str) -> bool:
        try:
            self.repo.git.cat_file("-e", f"{sha}^{{commit}}")
        except self.git.GitCommandError:
            return False
        return True

    def relative(self, path: Path) -> str:
        """A working-tree path as git names it (relative to the top, POSIX); raises
        HistoryError when it is outside the repository."""
        try:
            return path.resolve().relative_to(self.top).as_posix()
        except ValueError:
            raise HistoryError(self.messages("history-outside", path=display_path(path, self.cwd),
                                             repo=self.top)) from None

    def plans_at(self, commit: Any) -> str:
        """The plans root at ``commit``, relative to the top: the revision's own
        ``plans`` setting when its config file exists and says so, else the working one."""
        plans = self.config.plans
        if self.config.path is not None:
            folder = self.relative(self.config.path.parent)
            for name in (self.config.path.name, *CONFIG_NAMES):
                blob = _entry(commit.tree, f"{folder}/{name}" if folder != "." else name)
                if blob is not None and blob.type == "blob":
                    doc, problems = load_text(blob.data_stream.read(), Path(name), name, self.messages,
                                              self.config.limits)
                    data = doc.data if doc is not None and not problems else None
                    if isinstance(data, dict) and isinstance(data.get("plans"), str):
                        plans = Path(data["plans"])
                    break
        return self.relative(self.config.root / plans)

    # --- plans at a revision ------------------------------------------------------------
    def snapshot(self, rev: str, label: str | None = None) -> Snapshot:
        sha = self.resolve(rev)
        if sha not in self._snapshots:
            try:
                self._snapshots[sha] = self._read(sha, label or rev)
            except (ValueError, self.git.GitError) as exc:
                # a missing or corrupt object: git reports it as "could not be resolved"
                raise self._failure("history-corrupt", rev=label or rev, reason=self._reason(exc)) from None
        return replace(self._snapshots[sha], label=label or rev)

    def _read(self, sha: str, label: str) -> Snapshot:
        config, messages = self.config, self.messages
        commit = self.repo.commit(sha)
        plans_rel = self.plans_at(commit)
        plans_root = self.top / plans_rel
        tree = commit.tree if plans_rel == "." else _entry(commit.tree, plans_rel)
        if tree is None or tree.type != "tree":
            shown = display_path(plans_root, self.cwd)
            return Snapshot(label, empty_plan(config), plans_root, commit=sha,
                            missing=messages("history-no-plans-at", path=shown, rev=label))
        documents: list[Document] = []
        invalid: list[Document] = []
        findings: list[Finding] = []
        problems: list[Problem] = []
        blobs = tree.traverse(
            predicate=lambda item, depth: item.type == "blob",
            # dot-folders are skipped, as on disk
            prune=lambda item, depth: item.type == "tree" and item.name.startswith("."),
        )
        for blob in blobs:
            path = self.top / blob.path
            if (path.suffix.lower() not in PLAN_SUFFIXES or blob.mode == _SYMLINK_MODE
                    or _excluded(path, config)):
                continue
            # the same blob at the same path reads the same: history walks reuse it
            key = (blob.hexsha, blob.path)
            if key not in self._docs:
                parts: tuple[list, list, list, list] = ([], [], [], [])
                validate_loaded([self._load_blob(blob, path)], messages, *parts)
                self._docs[key] = parts
            valid, bad, found, read = self._docs[key]
            documents += valid
            invalid += bad
            findings += found
            problems += read
        plan, _ = build_plan(documents, config, messages, invalid)
        problems += [f.doc.finding_to_problem(f, Severity.ERROR) for f in findings]
        problems.sort()
        return Snapshot(label, plan, plans_root, problems, sha,
                        unreadable=_unreadable(problems, self.cwd, plans_root))

    def _load_blob(self, blob: Any, path: Path) -> tuple[Document | None, list[Problem]]:
        display = display_path(path, self.cwd)
        limit = self.config.limits.max_file_bytes
        if blob.size > limit:  # never read a huge blob into memory
            return None, [Problem(display, 1, 1, "PC106", Severity.ERROR,
                                  self.messages("file-too-large", size=blob.size, limit=limit),
                                  self.messages("file-too-large-hint"), 1)]
        from .check_cache import cache_dir

        # the parse cache is keyed by content: a revision's files are mostly today's
        return load_text(blob.data_stream.read(), path, display, self.messages, self.config.limits,
                         cache_dir() / "parsed")

    # --- history ----------------------------------------------------------------------------
    def commits(self, paths: list[str], extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """Commits of HEAD that touch ``paths``, newest first.

        Author names, e-mails and subjects are whatever a commit says, bytes included: the
        fields are split on a token no commit can know, decoded as UTF-8 with
        replacements, and dates that Python cannot hold (year 10000, a time zone of +9999)
        are clamped (:func:`commit_time`)."""
        if not self.has_head():  # a repository without commits
            return []
        unit, record_end = separators()
        fields = unit.join(("%H", "%P", "%at", "%ai", "%an", "%ae", "%s")) + record_end
        out = _decoded(self.repo.git.log(f"--format={fields}", *extra, "HEAD", "--", *paths,
                                         stdout_as_string=False))
        found = []
        for record in out.split(record_end):
            record = record.strip("\n")
            if not record:
                continue
            parts = record.split(unit)
            if len(parts) != 7:  # pragma: no cover - the token is random
                continue
            sha, parents, stamp, local, name, email, subject = parts
            found.append({"commit": sha, "parents": parents.split(), "date": commit_time(stamp, local),
                          "author": name, "email": email, "subject": subject})
        return found


def _decoded(out: Any) -> str:
    return out.decode("utf-8", "replace") if isinstance(out, bytes) else str(out)


_SYMLINK_MODE = 0o120000


def _entry(tree: Any, path: str) -> Any:
    """The object at ``path`` inside ``tree``, or None."""
    try:
        return tree / path
    except KeyError:
        return None


def _excluded(path: Path, config: Config) -> bool:
    # the same `exclude` globs as workspace.discover, relative to the config's folder
    try:
        relative = path.relative_to(config.root.resolve()).as_posix()
    except ValueError:
        relative = path.as_posix()
    return any(fnmatch.fnmatch(relative, glob) for glob in config.exclude)


# --- the public functions -----------------------------------------------------------------

def load_snapshot(rev: str, config: Config, cwd: Path, repository: Repository | None = None) -> Snapshot:
    """The plan at git revision ``rev``; raises HistoryError (exit 2) when it cannot be read."""
    return (repository or Repository(config, cwd, rev)).snapshot(rev)


def load_plan_at(rev: str, config: Config, cwd: Path) -> Plan:
    """The plan at git revision ``rev`` (for ``plancode build --baseline REV``), computed
    with the working config. Raises HistoryError, a UsageError, when it cannot be read;
    files of the revision that do not parse are left out (see load_snapshot for them)."""
    return load_snapshot(rev, config, cwd).plan


def load_working_tree(config: Config, cwd: Path) -> Snapshot:
    """The plan on disk, through load_workspace (raises UsageError without a plans root)."""
    ws = load_workspace(config, cwd=cwd, lint=False)
    modelled = {d.display for d in ws.documents}
    problems = [p for p in ws.problems if p.path not in modelled]
    return Snapshot(Messages(config.locale)("history-working-tree"), ws.plan, config.plans_root, problems,
                    unreadable=_unreadable(problems, cwd, config.plans_root))


def load_folder(folder: Path, config: Config, cwd: Path, label: str | None = None) -> Snapshot:
    """A folder outside git: a copy of a plan repository (its plancode.yaml names the plans
    folder) or a plans folder itself. Read with the working config otherwise."""
    folder = folder.resolve()
    plans = Path(".")
    for name in CONFIG_NAMES:
        if (folder / name).is_file():
            doc, problems = load_file(folder / name, name, Messages(config.locale), config.limits)
            data = doc.data if doc is not None and not problems else None
            plans = Path(data["plans"]) if isinstance(data, dict) and isinstance(data.get("plans"), str) \
                else Path("plans")
            break
    local = replace(config, root=folder, plans=plans)
    snap = load_working_tree(local, cwd)
    return replace(snap, label=label or display_path(folder, cwd))


@dataclass(frozen=True)
class LogEntry:
    """One commit that changed the entity, and what it changed."""

    commit: str
    date: dt.datetime
    author: str
    email: str
    subject: str
    changes: tuple[Change, ...]


@dataclass
class History:
    ident: str
    name: str  # the entity's name in the newest revision that has it
    entries: list[LogEntry]
    note: str = ""  # e.g. the history stops at a shallow clone's boundary
    currency: str = "CNY"


def _known_ids(plan: Plan) -> list[str]:
    return [*plan.tasks, *plan.goals, *plan.people, *plan.departments, *plan.workstreams]


def resolve_id(ident: str, plan: Plan) -> str | None:
    """A full id for ``ident``: itself when known, or WORKSTREAM/TASK for a bare task id
    that names exactly one task."""
    if ident in _known_ids(plan):
        return ident
    matches = [t.full_id for t in plan.tasks.values() if t.id == ident]
    return matches[0] if len(matches) == 1 else None


def log(ident: str, config: Config, cwd: Path, max_count: int | None = None) -> History:
    """Each commit of HEAD touching the plans root that changed ``ident`` (a task's
    WORKSTREAM/TASK, a goal, person, department or workstream id), newest first: the
    plan at the commit against the plan at its first parent, restricted to that id."""
    import difflib

    repository = Repository(config, cwd)
    messages = repository.messages
    head = repository.snapshot("HEAD") if repository.has_head() else None
    try:
        current = load_working_tree(config, cwd).plan
    except UsageError:
        current = head.plan if head else empty_plan(config)
    full = resolve_id(ident, current) or (resolve_id(ident, head.plan) if head else None) or ident

    plans_rel = repository.plans_at(repository.repo.head.commit) if head else repository.relative(config.plans_root)
    commits = repository.commits([plans_rel])
    entries: list[LogEntry] = []
    note = ""
    name = ""
    currency = "CNY"
    for commit in commits:
        new = repository.snapshot(commit["commit"])
        parent = commit["parents"][0] if commit["parents"] else None
        if commit["commit"] in repository.boundary or (parent is not None and not repository.has_commit(parent)):
            note = messages("history-shallow-end", commit=commit["commit"][:7])
            break
        old = repository.snapshot(parent) if parent else None
        before = old or Snapshot("", empty_plan(config), new.plans_root)
        diff = diff_snapshots(before, new).only(full)
        if diff.changes:
            currency = diff.currency
            name = name or diff.changes[0].name
            entries.append(LogEntry(commit["commit"], commit["date"], commit["author"], commit["email"],
                                    commit["subject"], diff.changes))
        if max_count and len(entries) >= max_count:
            break
    if not entries and full not in _known_ids(current) and not (head and full in _known_ids(head.plan)):
        known = _known_ids(current)
        close = difflib.get_close_matches(ident, known, n=3, cutoff=0.6)
        if not close and "/" not in ident:  # `plancode log selecton`: a task by its bare id
            by_task = {k.rsplit("/", 1)[1]: k for k in sorted(known) if "/" in k}
            close = [by_task[t] for t in difflib.get_close_matches(ident, list(by_task), n=3, cutoff=0.6)]
        suggestion = messages("history-did-you-mean", ids=", ".join(close)) if close else ""
        raise HistoryError(messages("history-unknown-id", id=ident, suggestion=suggestion))
    if not name:
        record = (current.tasks.get(full) or current.goals.get(full) or current.people.get(full)
                  or current.departments.get(full) or current.workstreams.get(full))
        name = getattr(record, "name", None) or getattr(record, "title", None) or full
    return History(full, name, entries, note, currency)


