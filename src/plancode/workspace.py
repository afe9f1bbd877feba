"""The one pipeline every command runs: config -> files -> documents -> schema -> model
-> rules -> located, filtered problems.

Heavy libraries (matplotlib, jinja2, git) are never imported here: ``plancode check``
runs on every commit.
"""

from __future__ import annotations

import datetime as dt
import errno
import fnmatch
import gc
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from .config import Config, config_from_data, find_config
from .i18n import Messages, register
from .loader import Document, display_path, load_file, store_documents, store_parsed
from .parallel import Claims, Helper, can_fork, cpus
from .problems import Finding, Problem, Severity

if TYPE_CHECKING:
    from .model import Plan

# The rules, the model and validation are imported where the pipeline runs, not here: a
# check whose result is cached (plancode.check_cache) needs only the config and the files.

PLAN_SUFFIXES = (".yaml", ".yml")
_SUPPRESS = re.compile(r"#\s*plancode:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")


register({
    "path-outside-project": (
        "{path} leads outside the project folder {root} (to {target}): plancode reads and writes only "
        "inside the folder of plancode.yaml (or the working directory when there is none)",
        "{path} 指向項目目錄 {root} 之外({target}):plancode 只讀寫 plancode.yaml 所在目錄"
        "(沒有 plancode.yaml 時為當前工作目錄)之內的文件",
    ),
    "path-nul": (
        "{what} contains a NUL character, which no file name can hold",
        "{what} 含有 NUL 字元,文件名不能包含它",
    ),
    "links-outside-project": (
        "{count} symbolic {count:plural:link:links} under the plans lead outside the project folder: nothing was read; "
        "remove them, or copy the files into the repository",
        "計劃目錄中有 {count} 個符號鏈接指向項目目錄之外:未讀取任何內容;請刪除這些鏈接,或把文件複製到倉庫中",
    ),
})


class UsageError(Exception):
    """Exit 2: the command cannot run (bad config, nothing to check)."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()):
        super().__init__(message)
        self.problems = list(problems)


@dataclass
class Workspace:
    config: Config
    messages: Messages
    files: list[Path] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)  # schema-valid
    problems: list[Problem] = field(default_factory=list)  # located, filtered, sorted
    plan: Plan | None = None
    processes: int = 1  # how many read the files (plancode.parallel)


def load_config(
    config_file: Path | None, cwd: Path, as_of: dt.date | None = None, locale: str | None = None,
    cache: bool = True,
) -> Config:
    """The effective config: the file (given, or found upwards from ``cwd``) with the
    command line's overrides. Raises UsageError when the config cannot be used.
    ``cache``: a text found valid before is not validated again."""
    path = config_file or find_config(cwd)
    if path is None:
        config = Config(root=cwd)
    else:
        path = path.resolve()
        from .check_cache import config_valid_before, remember_valid_config  # it imports this module

        messages = Messages(locale or "en")
        doc, problems = load_file(path, display_path(path, cwd), messages)
        if doc is not None and (problems or not (cache and config_valid_before(doc.text))):
            # validated once per content and code: the schema validator's import alone
            # was a sixth of a check of the example plans (plancode.check_cache)
            from .validate import validate_config

            problems += [doc.finding_to_problem(f, Severity.ERROR) for f in validate_config(doc, messages)]
            if not problems:
                remember_valid_config(doc.text)
        if problems or doc is None:
            raise UsageError(f"{display_path(path, cwd)}: cannot use this config", problems)
        data = doc.data or {}
        config = config_from_data(data, path.parent, path)
        named = list(config.rules) + [c for cs in config.ignore.values() for c in cs]
        if named:
            from . import rules as rule_registry
        unknown = [c for c in named if c not in rule_registry.REGISTRY]
        if unknown:
            line_of = _first_line_mentioning(doc.text, unknown[0])
            raise UsageError(
                f"{display_path(path, cwd)}:{line_of}:1: unknown rule code {unknown[0]}; "
                f"`plancode rules` lists the codes")
        country = config.calendar.holidays if config.calendar else None
        if country:
            from .model.calendar import known_country  # the model's package: imported only here
        if country and not known_country(country):
            line_of = _first_line_mentioning(doc.text, country)
            raise UsageError(f"{display_path(path, cwd)}:{line_of}:1: "
                             + messages("unknown-holiday-country", country=country))
    if as_of is not None:
        config = replace(config, as_of=as_of)
    if locale is not None:
        config = replace(config, locale=locale)
    plans_path = config.root / config.plans
    if "\0" in str(config.plans):
        raise UsageError(Messages(config.locale)("path-nul", what="plans"))
    check_inside(plans_path, config, cwd, Messages(config.locale))
    return config


def check_inside(path: Path, config: Config, cwd: Path, messages: Messages) -> None:
    """Raise UsageError when ``path`` (a plans root, a file or folder named on the command
    line, an output folder), or a link on the way to it, leads outside the project folder
    (SPEC §5.7): the folder of plancode.yaml, or the working directory without one."""
    check_inside_folder(path, config.root, cwd, messages)


def check_inside_folder(path: Path, folder: Path, cwd: Path, messages: Messages) -> None:
    """Raise UsageError when ``path``, or a link on the way to it, leads outside ``folder``."""
    if "\0" in str(path):
        raise UsageError(messages("path-nul", what=display_path(Path(str(path).replace("\0", "\\0")), cwd)))
    root = Path(os.path.realpath(folder))
    target = Path(os.path.realpath(path))  # every link on the way followed; never raises on a loop
    if not _inside(target, root):
        raise UsageError(messages("path-outside-project", path=display_path(Path(os.path.abspath(path)), cwd),
                                  root=root, target=target))


def _first_line_mentioning(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 1


def discover(paths: Iterable[Path], config: Config, messages: Messages, cwd: Path,
             outside_links: list[Path] | None = None) -> tuple[list[Path], list[Problem]]:
    """Every *.yaml/*.yml file under ``paths`` (sorted), minus `exclude` globs.

    Symbolic links are not followed out of the repository: a plan repository takes pull
    requests from many people, and a link to ~/.ssh is not a plan. Each one is reported,
    and added to ``outside_links`` (the pipeline then stops: a usage error, SPEC §5.7).
    A folder that cannot be listed is reported (PC106), never skipped silently.
    """
    root = config.root.resolve()
    found: set[Path] = set()
    problems: list[Problem] = []

    def outside(path: Path) -> bool:
        """A link leading out of the repository, reported; False for anything else."""
        target = Path(os.path.realpath(path))  # never raises, even on a loop of links
        if _inside(target, root):
            return False
        problems.append(Problem(display_path(path, cwd), 1, 1, "PC106", Severity.ERROR,
                                messages("file-symlink-outside", target=target), "", 1))
        if outside_links is not None:
            outside_links.append(path)
        return True

    def unlistable(error: OSError) -> None:
        where = Path(error.filename) if error.filename else Path(".")
        problems.append(Problem(display_path(where, cwd), 1, 1, "PC106", Severity.ERROR,
                                messages("file-unreadable", reason=error.strerror or str(error)), "", 1))

    def consider(path: Path) -> None:
        if path.suffix.lower() not in PLAN_SUFFIXES or _excluded(path, config):
            return
        if path.is_symlink():
            if outside(path):
                return
            try:
                path.stat()
            except OSError as exc:
                # a loop; a link to a plan moved or deleted (an editor's lock file, `.#plan.yaml`,
                # is a dot-file, never considered)
                if exc.errno == errno.ELOOP:
                    message = messages("file-symlink-loop")
                elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
                    message = messages("file-symlink-dangling", target=os.readlink(path))
                else:
                    message = messages("file-unreadable", reason=exc.strerror or str(exc))
                problems.append(Problem(display_path(path, cwd), 1, 1, "PC106", Severity.ERROR, message, "", 1))
                return
        if path.is_file():
            found.add(path.absolute())

    own = {os.path.abspath(config.path), os.path.realpath(config.path)} if config.path is not None else set()
    own_names = {os.path.basename(name) for name in own}
    for base in paths:
        if base.is_dir():
            for folder, dirs, names in os.walk(_walked(base, config), onerror=unlistable):  # nor into linked folders
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in dirs:  # ... and says so when one leads out of the repository
                    if os.path.islink(os.path.join(folder, name)) and not _excluded(Path(folder) / name, config):
                        outside(Path(folder) / name)
                for name in names:
                    # .pre-commit-config.yaml, .yamllint.yml: tools' files; plancode.yaml
                    # itself, when the plans root is its folder (`plans: .`)
                    if not name.startswith(".") and not (
                            name in own_names and os.path.abspath(os.path.join(folder, name)) in own):
                        consider(Path(folder) / name)
        else:
            consider(base)  # a file named on the command line is read, whatever its name
    return sorted(found), problems


def _walked(folder: Path, config: Config) -> Path:
    """The folder to walk for a folder PATH: the plans root when the folder holds it
    (`plancode check .` at the repository's top), so that plancode.yaml, CI workflows and
    other tools' YAML beside the plans are not read as plans; the folder itself otherwise."""
    root = config.plans_root
    if root.is_dir() and folder.resolve() != root.resolve() and _inside(root.resolve(), folder.resolve()):
        return root
    return folder


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _relative_to_root(path: Path, config: Config) -> str:
    try:
        return path.absolute().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _excluded(path: Path, config: Config) -> bool:
    if not config.exclude:  # the usual: no path to work out for each file
        return False
    relative = _relative_to_root(path, config)
    return any(fnmatch.fnmatch(relative, glob) for glob in config.exclude)


def validate_loaded(
    loaded: Iterable[tuple[Document | None, list[Problem]]], messages: Messages,
    documents: list[Document], invalid: list[Document], findings: list[Finding],
    problems: list[Problem],
) -> None:
    """Sort what the loader read (from files, or from git objects in plancode.history)
    into schema-valid ``documents`` and ``invalid`` ones, collecting their findings and
    read problems: the one path from bytes to what build_plan models."""
    from .validate import validate_document

    for doc, read_problems in loaded:
        doc_findings = [] if doc is None else validate_document(doc, messages)
        _sort_validated(doc, read_problems, doc_findings, documents, invalid, findings, problems)


def _sort_validated(doc: Document | None, read_problems: list[Problem], doc_findings: list[Finding],
                    documents: list[Document], invalid: list[Document], findings: list[Finding],
                    problems: list[Problem]) -> None:
    problems.extend(read_problems)
    if doc is None:
        return
    if doc_findings or read_problems:
        # duplicate keys leave a document readable but not trustworthy: not modelled
        findings.extend(doc_findings)
        invalid.append(doc)
    else:
        documents.append(doc)


_ROUGH_ID = re.compile(r"^(\s*)(?:-\s+)?\{?\s*id:\s*[\"']?([A-Za-z0-9][A-Za-z0-9._-]*)", re.M)


def _rough_ids(path: Path, cwd: Path) -> Document | None:
    """The ids a file that does not parse (PC100) seems to define, read line by line, as
    a document for build_plan's ``invalid``: references to them (a weekly report's
    entries for the tasks of a workstream with one tab in it) are then not reported as
    unknown (PC601, PC105, PC402) on top of the one real cause."""
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return None
    top = next((m[2] for m in _ROUGH_ID.finditer(text) if not m[1]), None)
    children = [{"id": m[2]} for m in _ROUGH_ID.finditer(text) if m[1] or m[0].lstrip().startswith("-")]
    if re.search(r"^kind:\s*workstream\b", text, re.M) and top:
        data: dict = {"id": top, "tasks": [c for c in children if c["id"] != top]}
    else:
        data = {"id": top, "items": children} if top else {"items": children}
    return Document(path, display_path(path, cwd), "", data)


#: files from which a check shares their reading with a helper process (plancode.parallel):
#: below, forking costs more than it saves
PARALLEL_FILES = 100


class _Reading:
    """The helper that read files beside this process (:func:`_read_files`), and the parse
    cache entries of the files this process read.

    Once it has sent its files, the helper writes its own entries, then parses this
    process's files again and writes theirs, on a CPU otherwise idle while this process
    builds the model — until :meth:`stop`: the rules then have both CPUs (a third process
    beside them made the rules of a noisy check 0.2-0.4 s longer). The entries it did not
    get to are written by the rules' helper, or by this process at the end
    (:attr:`pending`, ``store_documents(missing=True)``)."""

    def __init__(self, helper: Helper, stop_fd: int, pending: list[tuple[Path, str, Any]]):
        self.helper, self._stop, self.pending = helper, stop_fd, pending

    def stop(self) -> None:
        if self._stop is not None:
            fd, self._stop = self._stop, None
            os.close(fd)  # the helper sees the end of the pipe

    def wait(self) -> None:
        self.stop()
        self.helper.wait()


def _stopped(fd: int) -> bool:
    """Whether the caller closed its end of the pipe ``fd`` reads (see :class:`_Reading`)."""
    import select

    return bool(select.select([fd], [], [], 0)[0])


def _read_files(
    files: list[Path], cwd: Path, messages: Messages, config: Config, parsed: Path | None, jobs: int | None,
    documents: list[Document], invalid: list[Document], findings: list[Finding], problems: list[Problem],
) -> _Reading | None:
    """Read and validate ``files`` into the lists as :func:`validate_loaded` does, in
    their order; with a helper process when there are enough files, more than one CPU
    and a platform that forks: the two take the files one at a time, whichever is free
    (:class:`plancode.parallel.Claims`), while this process also imports the model and the
    rules. Returns the helper and this process's parse cache entries (:class:`_Reading`),
    or None.

    The helper sends back the text and data of each of its files that is schema-valid and
    read without a problem; any other file (a finding to report, a message to word) is
    read again here, as is every file the helper could not send. So the documents, their
    order and every problem are what one process makes.
    """
    limits = config.limits
    if jobs is None:
        jobs = min(cpus(), 2) if len(files) >= PARALLEL_FILES else 1
    if jobs < 2 or len(files) < 2 or not can_fork():
        loaded = (load_file(path, display_path(path, cwd), messages, limits, parsed) for path in files)
        validate_loaded(loaded, messages, documents, invalid, findings, problems)
        return None
    from .validate import validate_document

    # files shared out one by one (groups of them beyond what the claims' pipe holds)
    claims = Claims()
    group = -(-len(files) // claims.most)
    groups = [range(start, min(start + group, len(files))) for start in range(0, len(files), group)]
    claims.fill(len(groups))
    theirs: list[int] = []  # the helper's claims, in its own memory
    pending: list[tuple[Path, str, Any]] = []  # parse cache entries, written when nobody waits
    mine_pending: list[tuple[Path, str, Any]] = []

    def job() -> Iterator[tuple[int, tuple[str, Any] | None]]:
        for claim in claims:
            theirs.append(claim)
            for index in groups[claim]:
                path = files[index]
                doc, read_problems = load_file(path, display_path(path, cwd), messages, limits, parsed, pending)
                valid = doc is not None and not read_problems and not validate_document(doc, messages)
                yield index, (doc.text, doc.data) if valid else None

    def after() -> None:
        claims.close()
        os.close(stop_write)  # this copy: the pipe ends when the caller closes its own
        if parsed is not None:
            from .check_cache import prune

            # this process's entries, then those of the files the caller read, parsed again
            # here while the caller builds the model, until it starts the rules (sent over,
            # they cost the caller 37 ms at 10,000 tasks: marshalling 313 documents)
            store_documents(pending)
            taken = {index for claim in theirs for index in groups[claim]}
            for index, path in enumerate(files):
                if index not in taken:
                    if _stopped(stop_read):
                        break
                    store_parsed(path, messages, limits, parsed)
            prune(parsed)

    def validated(path: Path) -> tuple[Document | None, list[Problem], list[Finding]]:
        doc, read_problems = load_file(path, display_path(path, cwd), messages, limits, parsed, mine_pending)
        return doc, read_problems, [] if doc is None else validate_document(doc, messages)

    try:
        stop_read, stop_write = os.pipe()
    except OSError:  # no descriptor left: read here alone
        claims.close()
        loaded = (load_file(path, display_path(path, cwd), messages, limits, parsed) for path in files)
        validate_loaded(loaded, messages, documents, invalid, findings, problems)
        return None
    try:
        helper = Helper(job, after)
    except BaseException:
        claims.close()
        os.close(stop_read)
        os.close(stop_write)
        raise
    os.close(stop_read)
    reading = _Reading(helper, stop_write, mine_pending)
    try:
        # what the model and the rules need, imported while the helper reads (35-60 ms)
        from . import model, rules  # noqa: F401
        own = {index: validated(files[index]) for claim in claims for index in groups[claim]}
        claims.close()
        _gather(helper, files, own, validated, cwd, documents, invalid, findings, problems)
        if parsed is not None and not helper.complete:  # the helper failed: no one else writes them
            store_documents(mine_pending)
            mine_pending.clear()
    except BaseException:  # Ctrl-C meanwhile: the caller never gets the helper to wait for
        claims.close()
        reading.wait()
        raise
    return reading


def _gather(helper: Helper, files: list[Path], own: dict[int, tuple], validated: Callable, cwd: Path,
            documents: list[Document], invalid: list[Document], findings: list[Finding],
            problems: list[Problem]) -> None:
    """The files this process read (``own``, by index) and the helper's, in the files'
    order; any file the helper claimed but did not send (it failed, or was killed) is
    read here."""
    sent = dict(helper.results())  # the helper sends all at once, when nothing is left to claim
    for index, path in enumerate(files):
        done = own.get(index)
        if done is None:
            item = sent.get(index)
            if item is not None:
                documents.append(Document(path, display_path(path, cwd), *item))
                continue
            done = validated(path)  # the helper stored its entry, if it has one
        _sort_validated(*done, documents, invalid, findings, problems)


def load_workspace(
    config: Config,
    paths: list[Path] | None = None,
    cwd: Path | None = None,
    selected: Callable[[str], bool] = lambda code: True,
    lint: bool = True,
    cache: bool = True,
    jobs: int | None = None,
) -> Workspace:
    """Run the pipeline. Raises UsageError when there is nothing to check.

    ``cache``: read files parsed cleanly before from the parse cache in the user's cache
    folder (:func:`plancode.loader.load_text`) instead of parsing them again.

    ``jobs``: how many processes may share the work (default: one per CPU, 2 at most);
    a repository smaller than :data:`PARALLEL_FILES` files is read in this one whatever
    ``jobs`` says, unless ``jobs`` is given. The result is the same with any ``jobs``.

    The cyclic garbage collector is paused meanwhile: the pipeline allocates millions of
    small objects that all stay alive (the loader breaks PyYAML's own cycles with
    ``dispose()``), so its passes find nothing and cost 8 % of a 10,000-task check and
    23 % at 100,000 (docs/performance.md).
    """
    enabled = gc.isenabled()
    gc.disable()
    helpers: list[Helper | _Reading] = []
    try:
        return _load_workspace(config, paths, cwd, selected, lint, cache, jobs, helpers)
    finally:
        for helper in helpers:  # never a process left behind, nor a cache entry half written
            helper.wait()
        if enabled:
            gc.enable()


def _load_workspace(
    config: Config,
    paths: list[Path] | None,
    cwd: Path | None,
    selected: Callable[[str], bool],
    lint: bool,
    cache: bool,
    jobs: int | None,
    helpers: list[Helper | _Reading],
) -> Workspace:
    from . import rules as rule_registry
    from .check_cache import cache_dir  # check_cache imports this module
    from .model import build_plan
    from .validate import validate_document

    cwd = cwd or Path.cwd()
    messages = Messages(config.locale)

    parsed = cache_dir() / "parsed" if cache else None
    if not paths:
        root = config.plans_root
        if not root.is_dir():
            if config.path is None:  # no plancode.yaml here or above: not a plan repository
                raise UsageError(messages("no-plan-repository", path=display_path(root, cwd)))
            raise UsageError(messages("no-plans", path=display_path(root, cwd)))
        paths = [root]
    else:
        for path in paths:
            check_inside(path, config, cwd, messages)
        missing = [p for p in paths if not p.exists() and not p.is_symlink()]
        if missing:
            raise UsageError(messages("no-plans", path=display_path(missing[0].absolute(), cwd)))
        # `plancode check plancode.yaml`: a file named is read as a plan, but this one is not
        # one (and was validated as the config before any plan was read)
        named_config = [p for p in paths
                        if config.path is not None and p.is_file() and os.path.samefile(p, config.path)]
        if named_config:
            raise UsageError(messages("config-not-a-plan", path=display_path(named_config[0].absolute(), cwd)))
    outside: list[Path] = []
    files, problems = discover(paths, config, messages, cwd, outside)
    if outside:
        raise UsageError(messages("links-outside-project", count=len(outside)),
                         [p for p in problems if p.path in {display_path(o, cwd) for o in outside}])
    if not files and not problems:
        raise UsageError(messages("no-plan-files", path=", ".join(display_path(p.absolute(), cwd) for p in paths)))

    ws = Workspace(config, messages, files)
    findings: list[Finding] = []
    invalid: list[Document] = []
    reading = _read_files(files, cwd, messages, config, parsed, jobs, ws.documents, invalid, findings, problems)
    if reading is not None:
        helpers.append(reading)
        ws.processes = 2

    # References are resolved against the whole repository, so the plan is built from
    # every valid document even when PATH arguments narrow what is reported.
    if paths != [config.plans_root] and config.plans_root.is_dir():
        named = {d.path for d in ws.documents} | {d.path for d in invalid}
        extra_files, _ = discover([config.plans_root], config, messages, cwd)
        context = []
        for path in extra_files:
            if path in named:
                continue
            doc, read_problems = load_file(path, display_path(path, cwd), messages, config.limits, parsed)
            if doc is not None and not read_problems and not validate_document(doc, messages):
                context.append(doc)
        reported = {d.path for d in ws.documents} | {d.path for d in invalid}
    else:
        context, reported = [], None

    if parsed is not None and reading is None:
        from .check_cache import prune

        prune(parsed)
    unparsed = [_rough_ids(path, cwd) for path in files
                if display_path(path, cwd) in {p.path for p in problems if p.code == "PC100"}]
    plan, model_findings = build_plan(ws.documents + context, config, messages,
                                      invalid + [d for d in unparsed if d is not None])
    ws.plan = plan
    findings.extend(model_findings)
    if reported is not None:
        findings = [f for f in findings if f.doc.path in reported]
    problems.extend(_located(findings))
    left: list[tuple[Path, str, Any]] = []  # parse cache entries nobody wrote yet
    if reading is not None:
        reading.stop()  # the rules have both CPUs from here
        left = reading.pending
    if lint:
        ctx = rule_registry.Context(config, messages)
        problems.extend(_lint(plan, ctx, selected, reported, helpers if ws.processes > 1 else None, left))
    store_documents(left, missing=True)  # those the rules' helper did not take
    by_path = {d.display: d for d in ws.documents + invalid}
    lines = _SuppressionLines()
    overridden = config.rules  # severities set in plancode.yaml (few): a new problem only for those
    ws.problems = sorted(
        p.with_severity(overridden[p.code]) if p.code in overridden else p for p in problems
        if selected(p.code) and not _dropped(p, config, by_path.get(p.path), cwd, lines)
    )
    return ws


def _located(findings: Iterable[Finding]) -> Iterator[Problem]:
    """Each finding as a problem at its place in its file, with its rule's severity."""
    from .rules import REGISTRY

    for finding in findings:
        severity = finding.severity or REGISTRY[finding.code].severity
        yield finding.doc.finding_to_problem(finding, severity)


#: the rules a helper process runs when two share the lint (:func:`_lint`): the tracking
#: rules, whose findings are in the weekly reports, while this process runs the others,
#: whose findings are mostly in the workstream files: each process reads the positions of
#: the files it reports on. Measured at 10,000 tasks (CPU, one process): clean, 0.05 s
#: of rules here and 0.05 s there; noisy (5,600 findings), 0.2 s and 0.25 s with locating
HELPER_RULES = ("PC6",)


def _lint(plan: Plan, ctx: Any, selected: Callable[[str], bool], reported: set[Path] | None,
          helpers: list[Helper | _Reading] | None, left: list[tuple[Path, str, Any]]) -> list[Problem]:
    """The lint rules' problems, located, in the rules' order (as :func:`plancode.rules.run`).

    With ``helpers`` (a list to add it to), a forked helper process runs the rules of
    :data:`HELPER_RULES` and locates their findings while this one does the rest:
    thousands of findings take their lint and their positions from 0.6 s to half. What
    the helper does not send, this process does itself. The parse cache entries ``left``
    (those still missing) are written here while the helper's rules are not done, and by
    the helper once it has sent them; ``left`` is emptied.
    """
    from . import rules as rule_registry

    def run(code: str) -> list[Problem]:
        findings = rule_registry.run(plan, ctx, code.__eq__)
        return list(_located(f for f in findings if reported is None or f.doc.path in reported))

    codes = sorted(c for c, rule in rule_registry.REGISTRY.items() if rule.check is not None and selected(c))
    theirs = [code for code in codes if code.startswith(HELPER_RULES)]
    if helpers is None or not theirs or len(theirs) == len(codes) or not can_fork():
        return [p for code in codes for p in run(code)]

    def job() -> Iterator[tuple[Any, ...]]:
        for code in theirs:
            yield code, [(p.path, p.line, p.column, p.code, int(p.severity), p.message, p.hint, p.scope_line)
                         for p in run(code)]

    entries = list(left)  # the helper's copy: written once its rules are sent
    helper = Helper(job, lambda: store_documents(entries, missing=True))
    helpers.append(helper)
    left.clear()
    by_rule = {code: run(code) for code in codes if code not in theirs}
    for entry in entries:  # while the helper's rules go on (noisy: the longer half)
        if helper.ready():
            break
        store_documents([entry], missing=True)
    sent = {code: [Problem(*item[:4], Severity(item[4]), *item[5:]) for item in items]
            for code, items in helper.results()}
    if not helper.complete:  # what it did not send, done here
        sent = {code: run(code) for code in theirs}
    by_rule.update(sent)
    return [p for code in codes for p in by_rule[code]]


class _SuppressionLines(dict):
    """The lines of each file that has a ``# plancode: ignore`` (None for the others),
    split once however many findings it has (thousands in a noisy repository)."""

    def of(self, doc: Document) -> list[str] | None:
        if doc.path not in self:
            self[doc.path] = doc.text.splitlines() if "plancode:" in doc.text else None
        return self[doc.path]


def _dropped(problem: Problem, config: Config, doc: Document | None, cwd: Path,
             split: _SuppressionLines | None = None) -> bool:
    """Switched off in config, ignored for its path, or suppressed inline."""
    if config.rules.get(problem.code) == Severity.OFF:
        return True
    if config.ignore:
        relative = _relative_to_root(cwd / problem.path, config)
        for glob, codes in config.ignore.items():
            if problem.code in codes and fnmatch.fnmatch(relative, glob):
                return True
    if doc is None:
        return False
    lines = (split if split is not None else _SuppressionLines()).of(doc)
    if lines is None:  # no `# plancode: ignore` anywhere in the file
        return False
    for number in {problem.line, problem.scope_line}:
        if 0 < number <= len(lines):
            match = _SUPPRESS.search(lines[number - 1])
            if match and (match[1] is None or problem.code in re.split(r"[\s,]+", match[1].upper())):
                return True
    return False
