"""The shape of the source tree (issue #12's house rules), read with ``ast`` from src/:
no module imports another module's private names, no import cycle between packages at
module level, no source file over 800 lines.

Private means a name that starts with one underscore: ``from ..rules.tracking import
_finished_before`` reaches into another module's insides. A package's private module
(``commands/_writing.py``) may be imported by the modules of that package and of the
packages that contain it (``cli.py`` owns the commands), never from a sibling package.

Packages are the folders of src/plancode; the modules at its root form the package
``plancode``, which every subpackage may import (``problems``, ``i18n``, ``config``): a
subpackage importing its parent is how the parent's shared modules are reached, not a
cycle. Imports inside functions (lazy imports, kept out of ``plancode check``) are not
module-level and do not count for cycles; they do count for private names.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "plancode"
MAX_LINES = 800


def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of plancode."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _package_of(module: str) -> str:
    """The package a module belongs to: itself for a package's __init__."""
    return module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]


def _imports(module: str, module_level_only: bool) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names) of each import in ``module``, resolved to absolute
    names. ``module_level_only``: skip imports inside functions (lazy imports)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = _package_of(module)
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    if module_level_only:  # imports under `if TYPE_CHECKING:` or `try:` at module level count too
        nodes = [n for top in tree.body for n in ast.walk(top)
                 if not isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    found = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name, []))
    return [(line, target, names) for line, target, names in found if target.startswith("plancode")]


def _contains(package: str, inner: str) -> bool:
    """Whether ``inner`` is ``package`` or one of its subpackages."""
    return inner == package or inner.startswith(package + ".")


def _private_imports() -> list[str]:
    bad = []
    for module in MODULES:
        for line, target, names in _imports(module, module_level_only=False):
            for name in names:
                full = f"{target}.{name}"
                if full in MODULES:  # a module imported from its package
                    if name.startswith("_") and not _contains(_package_of(module), _package_of(full)):
                        bad.append(f"{MODULES[module].relative_to(SRC)}:{line}: private module {full}")
                elif name.startswith("_") and not name.startswith("__"):
                    bad.append(f"{MODULES[module].relative_to(SRC)}:{line}: {target}.{name}")
            last = target.rpartition(".")[2]
            if (last.startswith("_") and not last.startswith("__") and target in MODULES
                    and not _contains(_package_of(module), _package_of(target))):
                bad.append(f"{MODULES[module].relative_to(SRC)}:{line}: private module {target}")
    return bad


def _package_graph() -> dict[str, set[str]]:
    """Package -> the packages its modules import at module level (not itself)."""
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        source = _package_of(module)
        for _, target, names in _imports(module, module_level_only=True):
            targets = [f"{target}.{n}" if f"{target}.{n}" in MODULES else target for n in names] or [target]
            for full in targets:
                if full not in MODULES:
                    continue
                destination = _package_of(full)
                if destination != source and not source.startswith(destination + "."):
                    # a subpackage's module importing from its parent package's __init__ is
                    # how packages expose their parts; importing a parent is not a cycle
                    graph.setdefault(source, set()).add(destination)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for following in sorted(graph.get(node, ())):
            if state.get(following) == 1:
                cycles.append(path[path.index(following):] + [following])
            elif following not in state:
                visit(following, path + [following])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_no_module_imports_another_modules_private_names():
    assert _private_imports() == []


def test_no_import_cycle_between_packages():
    assert _cycles(_package_graph()) == []


def test_the_checks_see_the_imports():
    """The helpers above find what they look for (else the tests above cannot fail)."""
    graph = _package_graph()
    assert "plancode.model" in graph["plancode.rules"]
    assert _cycles({"a": {"b"}, "b": {"a"}}) == [["a", "b", "a"]]
    assert "plancode.views" in graph["plancode.render"]
    assert _contains("plancode", "plancode.commands") and not _contains("plancode.rules", "plancode.commands")
    imports = _imports("plancode.rules.tracking", module_level_only=True)
    assert any(target == "plancode.model" for _, target, _ in imports)


def test_no_source_file_over_800_lines():
    long = {str(path.relative_to(SRC)): n for path in MODULES.values()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_dict_literal_repeats_a_key():
    """A repeated key in a literal is silently dropped by Python: in the label and message
    catalogues that loses a translation without any error (``render/labels.py`` had
    ``"module"`` twice, the second overriding the first)."""
    repeated = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Dict):
                continue
            seen: set = set()
            for key in node.keys:
                if isinstance(key, ast.Constant):
                    if key.value in seen:
                        repeated.append(f"{name}:{key.lineno} {key.value!r}")
                    seen.add(key.value)
    assert repeated == []
