"""The loader on a corpus of bad input: each gives its code at the right line, never a
traceback."""

from __future__ import annotations

import re
import time
import tracemalloc
from pathlib import Path

import pytest

from plancode.i18n import Messages
from hypothesis import given, settings
from hypothesis import strategies as st

from plancode.loader import HAVE_LIBYAML, Limits, _check_depth, guess_encoding, load_text

EN = Messages("en")


def load(text: str | bytes, limits: Limits = Limits()):
    data = text.encode("utf-8") if isinstance(text, str) else text
    doc, problems = load_text(data, Path("plan.yaml"), "plan.yaml", EN, limits)
    return doc, [(p.code, p.line, p.column) for p in problems], problems


def test_the_c_loader_is_used_when_present():
    import yaml

    assert HAVE_LIBYAML == yaml.__with_libyaml__


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("done: yes", "yes"),
        ("done: no", "no"),
        ("done: partial", "partial"),
        ("done: on", "on"),
        ("milestone: true", True),
        ("milestone: false", False),
        ("end: 2024-02-30", "2024-02-30"),  # text until the schema says it is no date
        ("start: 2024-06-01", "2024-06-01"),
        ("time: 12:30", "12:30"),  # YAML 1.1 would read the sexagesimal number 750
        ("version: 1", 1),
        ("budget: 1.5", 1.5),
        ("budget: 1e3", 1000.0),
        ("owner: null", None),
        ("owner:", None),
        ("code: 0x1F", 31),
        ("n: 1_000", "1_000"),
        ("period: 2024", 2024),
    ],
)
def test_scalars_follow_yaml_1_2_and_dates_stay_text(text, expected):
    doc, found, _ = load(text)
    assert found == []
    assert list(doc.data.values()) == [expected]


def test_keys_are_the_text_the_user_wrote():
    doc, _, _ = load("2024: a\ntrue: b\nnull: c\n")
    assert doc.data == {"2024": "a", "true": "b", "null": "c"}


def test_duplicate_key_is_pc102_at_the_duplicate():
    doc, found, problems = load(
        """\
        kind: workstream
        tasks:
          - id: account
            owner: chen.jie
            owner: li.wei
        """.replace("        ", "")
    )
    assert found == [("PC102", 5, 5)]
    assert "first at line 4" in problems[0].message
    assert doc.data["tasks"][0]["owner"] == "li.wei"


def test_merge_keys_are_not_duplicates():
    doc, found, _ = load("base: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n")
    assert found == []
    assert doc.data["c"] == {"x": 2}


@pytest.mark.parametrize(
    ("text", "line", "column", "hint"),
    [
        ("a: [1, 2\nb: 3\n", 2, 2, ""),
        ("kind: team\npeople:\n\t- id: x\n", 3, 1, "tabs"),
        ("title: 計劃: 第一季\n", 1, 10, "space after the colon"),
        ("tasks:\n  - id: a\n   name: b\n", 3, 4, ""),
        ("a: 'unclosed\nb: 1\n", 3, 1, ""),
        ("a: *nowhere\n", 1, 4, "anchors and aliases"),
        ("a: !!python/object:os.system ls\n", 1, 4, ""),
        ("a: !!timestamp 2024-02-30\n", 1, 4, ""),
        ("a: !!int abc\n", 1, 4, ""),
        ("? [a, b]\n: c\n", 1, 3, ""),
    ],
)
def test_syntax_errors_are_pc100_with_position_and_reason(text, line, column, hint):
    doc, found, problems = load(text)
    assert doc is None
    assert found == [("PC100", line, column)]
    assert problems[0].message
    assert hint in problems[0].hint


def test_a_second_document_is_pc100_where_it_starts():
    _, found, problems = load("kind: team\n---\nkind: review\n")
    assert found == [("PC100", 2, 1)]
    assert "one YAML document" in problems[0].message


def test_utf8_with_bom_is_read():
    doc, found, _ = load("\ufeffkind: team\n".encode("utf-8"))
    assert found == [] and doc.data == {"kind": "team"}


@pytest.mark.parametrize(
    ("codec", "named", "iconv"),
    [("gb18030", "GB18030", "GB18030"), ("big5", "Big5", "BIG5"), ("utf-16", "UTF-16", "UTF-16")],
)
def test_other_encodings_are_pc106_naming_the_encoding_and_the_fix(codec, named, iconv):
    text = "kind: workstream\ntitle: 抖音直播帶貨計劃\nowner: 市場部經理\n"
    _, found, problems = load(text.encode(codec))
    assert found == [("PC106", 1, 1)]
    assert named in problems[0].message
    assert f"iconv -f {iconv} -t UTF-8 plan.yaml" in problems[0].hint


def test_latin1_is_named_too():
    assert guess_encoding("café: crème\n".encode("latin-1"))[1] == "CP1252"


def test_file_size_limit_is_pc106():
    _, found, problems = load("a: " + "x" * 200, Limits(max_file_bytes=100))
    assert found == [("PC106", 1, 1)]
    assert "max_file_bytes" in problems[0].hint


@pytest.mark.parametrize("depth", [101, 10_000, 100_000])
def test_deep_nesting_is_refused_before_the_parser_recurses(depth):
    # LibYAML's composer recurses per level: 100,000 levels crash the interpreter.
    started = time.perf_counter()
    _, found, _ = load("a: " + "[" * depth + "]" * depth)
    assert found == [("PC106", 1, 1)]
    assert time.perf_counter() - started < 2


def test_deep_block_nesting_is_refused():
    text = "".join(" " * i + f"k{i}:\n" for i in range(0, 400, 2))
    assert load(text)[1] == [("PC106", 1, 1)]


def test_ordinary_nesting_and_brackets_in_text_pass():
    tasks = "".join(f"  - {{id: t{i}, name: '[重點] 任務{i}', after: [t{i - 1}]}}\n" for i in range(1, 300))
    doc, found, _ = load("kind: workstream\ntasks:\n" + tasks)
    assert found == [] and len(doc.data["tasks"]) == 299


def billion_laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_quickly_in_bounded_memory():
    tracemalloc.start()
    started = time.perf_counter()
    _, found, problems = load(billion_laughs())
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert found == [("PC106", 1, 1)]
    assert "aliases" in problems[0].message
    assert elapsed < 0.5
    assert peak < 20 * 1024 * 1024


def test_too_many_aliases_are_refused():
    text = "base: &b {x: 1}\n" + "".join(f"k{i}: *b\n" for i in range(150))
    assert load(text)[1] == [("PC106", 1, 1)]


def test_a_recursive_alias_is_refused():
    _, found, problems = load("a: &a [x, *a]\n")
    assert found == [("PC106", 1, 1)]
    assert "refers to the block that contains it" in problems[0].message


def test_plain_anchors_for_reuse_are_allowed():
    doc, found, _ = load("defaults: &d {owner: li.wei, support: [sales]}\nt1: *d\nt2: *d\n")
    assert found == [] and doc.data["t2"] == {"owner": "li.wei", "support": ["sales"]}


def test_positions_point_at_values_and_keys():
    doc, _, _ = load("kind: workstream\ntasks:\n  - id: a\n    owner:\n  - id: b\n    onwer: x\n")
    assert doc.locate(("tasks", 0, "owner")) == (4, 5, 3)  # empty value: at its key
    assert doc.locate(("tasks", 1, "onwer"), key=True) == (6, 5, 5)
    assert doc.locate(("tasks", 1, "end")) == (5, 5, 5)  # missing: the record
    assert doc.locate(("tasks", 7)) == (3, 3, 1)


def test_a_control_character_is_pc100_at_its_position():
    _, found, problems = load("kind: team\nname: 市場\x00部\n")
    assert found == [("PC100", 2, 9)]
    assert "U+0000" in problems[0].message


def test_a_key_is_one_shared_string_however_often_it_is_written():
    # the parsed documents stay in memory for the rules: at 100,000 tasks a string per
    # occurrence of `id`, `name`, `owner`… was a large part of the peak
    doc, _, _ = load("tasks:\n  - {id: a, name: 甲, owner: li.wei}\n  - {id: b, name: 乙, owner: li.wei}\n")
    first, second = (list(task) for task in doc.data["tasks"])
    assert first == second == ["id", "name", "owner"]
    assert all(a is b for a, b in zip(first, second))


def reference_depth_check(data: bytes, limit: int) -> bool:
    """The depth bound as first written (one pattern each, tried at every byte): whether
    it refuses ``data``. The fast scans of loader._check_depth must agree with it."""
    if not re.search(rb"(?m)^[ \t?:-]{48}", data):
        openers = data.count(b"[") + data.count(b"{")
        if openers <= limit // 2:
            return False
        if limit >= 52 and 8 * openers <= len(data):
            bare = data
            for _ in range(limit // 2):
                if b"[" not in bare and b"{" not in bare:
                    return False
                reduced = re.sub(rb"\[[^\[\]{}]*\]|\{[^\[\]{}]*\}", b"", bare)
                if reduced == bare:
                    break
                bare = reduced
    depth = deepest = 0
    for match in re.finditer(rb"[\[\]{}]", data):
        depth = depth + 1 if match.group() in b"[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    indent = max((len(m) for m in re.findall(rb"(?m)^[ \t?:-]+", data)), default=0)
    return deepest + indent // 2 + 1 > limit


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "{", "}", "[a]", "{b}", "\n", " " * 8, " " * 47, "-", "?", ":",
                                 "\t", "x, ", "'[q'", "\n" + " " * 48]), max_size=120),
       st.sampled_from([8, 20, 52, 64, 100]))
def test_the_fast_depth_scans_refuse_what_the_plain_patterns_refuse(parts, limit):
    data = "".join(parts).encode()
    try:
        _check_depth(data, limit)
        refused = False
    except Exception:  # noqa: BLE001 - the loader's own refusal
        refused = True
    assert refused == reference_depth_check(data, limit), (data, limit)
