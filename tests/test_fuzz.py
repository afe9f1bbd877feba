"""Property-based: whatever a pull request does to a plan file, `check` reports findings
with a path, a line and a code — it never raises."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plancode.config import Config
from plancode.workspace import load_workspace

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_FILES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "plans").rglob("*.yaml"))

SETTINGS = settings(max_examples=int(os.environ.get("PLANCODE_FUZZ_EXAMPLES", "60")), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# text a user might paste: CJK, RTL, emoji, control characters, YAML specials
nasty_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("市場部銷售目標任務負責人 ：、，‮‏🎯\t\r\n\x00\x1b:#-[]{}&*!|>'\"%@`")),
    ),
    max_size=40,
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    nasty_text, st.dates().map(str), st.just("2024-02-30"), st.just("2024-W53"))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(nasty_text, inner, max_size=3)),
                      max_leaves=8)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _paths(child, prefix + (index,))


@st.composite
def mutated_data(draw):
    """An example plan file with one of its values dropped, replaced or added to."""
    name = draw(st.sampled_from(EXAMPLE_FILES))
    data = yaml.safe_load((REPO / name).read_text("utf-8"))
    places = [p for p in _paths(data) if p]
    place = draw(st.sampled_from(places))
    parent = data
    for step in place[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(["drop", "replace", "add"]))
    if action == "drop":
        del parent[place[-1]]
    elif action == "replace":
        parent[place[-1]] = draw(values)
    elif isinstance(parent, dict):
        parent[draw(nasty_text)] = draw(values)
    else:
        parent.append(draw(values))
    return name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@st.composite
def damaged_text(draw):
    """An example plan file with its bytes cut, spliced or sprinkled with noise."""
    name = draw(st.sampled_from(EXAMPLE_FILES))
    text = (REPO / name).read_bytes()
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 40)))
    noise = draw(st.binary(max_size=12) | nasty_text.map(lambda s: s.encode("utf-8", "surrogatepass")))
    return name, text[:start] + noise + text[end:]


def _check(tmp_path: Path, name: str, content) -> None:
    root = tmp_path / "repo"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(REPO / "plans", root / "plans")
    target = root / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    config = Config(root=root, as_of=dt.date(2024, 6, 15), locale="zh-CN")
    ws = load_workspace(config, cwd=root)
    for problem in ws.problems:
        assert problem.path and problem.line >= 1 and problem.column >= 1
        assert problem.code in {f"PC{n}" for n in range(100, 700)}
        assert problem.message


@SETTINGS
@given(case=mutated_data())
def test_mutated_plans_give_findings_never_exceptions(tmp_path, case):
    _check(tmp_path, *case)


@SETTINGS
@given(case=damaged_text())
def test_damaged_bytes_give_findings_never_exceptions(tmp_path, case):
    _check(tmp_path, *case)
