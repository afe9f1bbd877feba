"""The outline finds PyYAML's positions without composing the file again.

plancode.positions reads the lines on the way to a pointer; where it answers, its line,
column and scope line must be those of PyYAML's nodes (plancode.pyyaml_loader.locate),
for every node of every example and generated plan file, every key, a missing key and
an index past the end; on the fuzz corpus too.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from plancode import positions, pyyaml_loader
from plancode.positions import Outline

from test_fuzz import damaged_text, mutated_data

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402  (bench/generate.py)


def pointers(node, prefix=()):
    """Every place under ``node``, and places one step past what exists."""
    yield prefix
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                yield from pointers(value, prefix + (key.value,))
        yield prefix + ("no-such-key",)
    elif isinstance(node, SequenceNode):
        for index, value in enumerate(node.value):
            yield from pointers(value, prefix + (index,))
        yield prefix + (len(node.value),)
    else:
        yield prefix + ("below-a-scalar",)


def compare(text: str) -> tuple[int, int]:
    """(places the outline answered, places asked); asserts every answer is PyYAML's."""
    try:
        root = pyyaml_loader.compose(text)
    except Exception:  # noqa: BLE001 - not YAML: nothing to locate
        return 0, 0
    outline = Outline(text)
    answered = asked = 0
    for pointer in pointers(root):
        for key in (False, True):
            asked += 1
            found = outline.locate(pointer, key)
            if found is not None:
                answered += 1
                assert found == pyyaml_loader.locate(root, pointer, key), (pointer, key, text)
    return answered, asked


def test_every_place_in_every_example_plan():
    answered = asked = 0
    for folder in ("plans", "examples", "src/plancode/starter"):
        for path in sorted((REPO / folder).rglob("*.y*ml")):
            a, b = compare(path.read_text("utf-8"))
            answered, asked = answered + a, asked + b
    assert answered >= 0.9 * asked  # the outline is what answers, not the fallback


@pytest.mark.parametrize("profile", [{"findings": True}, {"noisy": True}])
def test_every_place_in_a_generated_repository(profile):
    files = generate.Generator(200, seed=5, findings=profile.get("findings", False), revision=1,
                               noisy=profile.get("noisy", False)).run()
    answered = asked = 0
    for path, text in sorted(files.items()):
        if path.endswith(".yaml"):
            a, b = compare(text)
            answered, asked = answered + a, asked + b
    assert answered >= 0.95 * asked


FORMS = [
    "kind: workstream\ntasks:\n  - id: a\n    owner:\n  - id: b\n    onwer: x\n",
    "tasks:\n- id: a\n  after: [x, 'y', \"z\"]\n# a comment\n- {id: b, name: 直播 帶貨, owner: li.wei}\nnext: 1\n",
    "a:\n  # a comment, then the value\n  b: |\n    text\n    # not a comment\n  c: >-\n    folded\nd: ''\n",
    "'quoted key': 1\n\"another\": {x: , y}\nlist:\n  -\n    id: below\n  - - nested\n    - again\n",
    "a: x # comment\nb: 'it''s'\nc: {k: [1, {z: 2}], m: \"a, b\"}\ne: []\nf: {}\n",
    "市場: 部\n名稱: {中文: 值, key: 市場部}\n",
]


@pytest.mark.parametrize("text", FORMS)
def test_the_forms_people_write(text):
    answered, asked = compare(text)
    assert answered > 0


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated_data())
def test_edited_files(case):
    compare(case[1])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=damaged_text())
def test_damaged_files(case):
    try:
        text = case[1].decode("utf-8")
    except UnicodeDecodeError:
        return
    compare(text.removeprefix("\ufeff"))


def reference_supported(text: str) -> bool:
    """Outline's test of what it reads as first written (a character class, and one
    pattern a round, each tried at every character): the faster scans must answer the same."""
    if re.search("[\t\r\x85\u2028\u2029\ufeff]", text):
        return False
    if text.startswith(("---", "...", "%")) or positions._DOCUMENT_MARKER.search(text):
        return False
    for needles, pattern in positions._CHECKS:
        if any(needle in text for needle in needles) and pattern.search(text):
            return False
    if "[" not in text and "{" not in text:
        return True
    bare = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'', "", text)
    bare = re.sub(r"#[^\n]*", "", bare)
    for _ in range(3):
        bare = re.sub(r"[\[{][^\[\]{}\n]*[\]}]", "", bare)
        if not re.search(r"[\[\]{}]", bare):
            return True
    return False


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "{", "}", "[a]", "{b: 1}", "\n", " ", "x", ", ", "'[q'", '"{"',
                                 " # [", "\t", "\u2028", "\r", "\ufeff", "\n- ", "\n  k: ", '"a\\"b"', "'it''s'", '"', "'"]), max_size=60))
def test_the_fast_scans_read_what_the_patterns_read(parts):
    text = "k: " + "".join(parts) + "\n"
    assert Outline(text).supported == reference_supported(text), text
