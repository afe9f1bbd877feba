"""Property-based (issue #16): the value ranges of SPEC §5.7 through check → export →
build → diff. A generated valid repository (tests/test_fuzz_render.py) gets extreme
values in its numbers (NaN, infinities, 1.7e308, 10^300, 1e-300, 10^15 and its
neighbours), its dates (years 1 to 9999, any real calendar day), and its text (control
characters, 20,000-character strings), then:

- `check` never raises and exits 0, 1 or 2, every finding at a path, line and column;
- a number out of range or a date outside 1900–2199 is a PC101 finding;
- whatever `check` accepts renders (site, reports, charts' specs) and exports, and the JSON
  export holds no NaN or Infinity;
- `diff` between the original and the changed repository (two folders) and `textconv` of
  every changed file never raise, and the diff's JSON holds no NaN or Infinity either.

Derandomized (a fixed seed, no example database): CI runs the same examples every time.
PLANCODE_FUZZ_EXAMPLES sets how many (default 12, about 30 s on one core).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from test_fuzz_render import _places, check_then_render, dump, run, valid_repository, write

EXAMPLES = int(os.environ.get("PLANCODE_FUZZ_EXAMPLES", "12"))
# no shrinking: a failure is reported as generated, so the run stays bounded in time
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    phases=(Phase.explicit, Phase.generate),
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])

EDGES = [math.nan, math.inf, -math.inf, 1.7e308, -1.7e308, 1e-300, 5e-324, 10**15, 10**15 - 1, -(10**15),
         999_999_999_999_999.9, 10**300, -(10**300), 0, -0.0, 2**63, 2**64 + 1]
numbers = st.one_of(st.sampled_from(EDGES), st.floats(), st.integers(-(10**40), 10**40))
dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat)
CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f, *range(0x80, 0xa0)))
texts = st.one_of(
    st.lists(st.sampled_from([*CONTROLS, *"市場<>&\"'`@:/.w\\\n\t", "http://", "www."]), min_size=1,
             max_size=40).map("".join),
    st.integers(1, 20_000).map(lambda n: "長" * n),
)

DATE_KEYS = ("start", "end", "due", "week", "period")


def out_of_range(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return not math.isfinite(value) or abs(value) >= 10**15


def year_out_of_range(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        return not 1900 <= dt.date.fromisoformat(value).year <= 2199
    except ValueError:
        return False


@st.composite
def extreme_repository(draw) -> tuple[dict, dict, list[tuple[str, object]]]:
    """(original, changed, [(file, value put)]): a valid repository and a copy with one to
    three values replaced by extreme numbers, dates or text."""
    original = draw(valid_repository())
    changed = json.loads(json.dumps(original))
    put = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(changed)))
        data = changed[name]
        scalars = [p for p in _places(data) if p and not isinstance(_at(data, p), (dict, list))]
        numeric = [p for p in scalars if isinstance(_at(data, p), (int, float)) and not isinstance(_at(data, p), bool)]
        dated = [p for p in scalars if p[-1] in DATE_KEYS]
        textual = [p for p in scalars if isinstance(_at(data, p), str) and p[-1] not in ("kind", "id", *DATE_KEYS)]
        kind = draw(st.sampled_from([k for k, places in (("number", numeric), ("date", dated), ("text", textual))
                                     if places]))
        place = draw(st.sampled_from({"number": numeric, "date": dated, "text": textual}[kind]))
        value = draw({"number": numbers, "date": dates, "text": texts}[kind])
        parent = _at(data, place[:-1])
        parent[place[-1]] = value
        put.append((name, value))
    return original, changed, put


def _at(node, place):
    for step in place:
        node = node[step]
    return node


def no_nan(text: str) -> object:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


@SETTINGS
@given(case=extreme_repository())
def test_extreme_values_are_findings_and_whatever_passes_renders_exports_and_diffs(tmp_path, case):
    original, changed, put = case
    root = tmp_path / "repo"
    write(root, changed)
    old = root / "old"
    old.mkdir()
    shutil.copy(root / "plancode.yaml", old / "plancode.yaml")
    for name, data in original.items():
        (old / name).parent.mkdir(parents=True, exist_ok=True)
        (old / name).write_text(dump(data), encoding="utf-8")

    rendered = check_then_render(root)  # check's contract, and every renderer when it passes
    findings = no_nan(run(root, "check", "--format", "json").stdout)["findings"]
    if any(out_of_range(value) or year_out_of_range(value) for _, value in put):
        assert not rendered
        assert any(f["code"] == "PC101" for f in findings), (put, findings)
    if rendered:
        exported = run(root, "export", "--format", "json")
        assert exported.exit_code == 0, exported.output
        no_nan(exported.stdout)
    for fmt in ("json", "markdown", "text"):
        result = run(root, "diff", "./old", ".", "--format", fmt)
        assert result.exit_code in (0, 2), result.output
        if fmt == "json" and result.exit_code == 0:
            no_nan(result.stdout)
    for name in changed:
        result = run(root, "textconv", name)
        assert result.exit_code == 0
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout

