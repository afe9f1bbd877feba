"""The native parser (yaml-rs) reads a plan file exactly as PyYAML does, or not at all.

plancode.native_yaml answers FALLBACK for whatever the two read differently; here both
read the same texts — the example plans, generated repositories, random scalars in every
context, and the fuzz corpus of damaged files — and wherever the native parser answers,
its data must be PyYAML's, value for value and type for type, with no finding PyYAML
would have reported.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plancode import native_yaml, pyyaml_loader
from plancode.i18n import Messages
from plancode.loader import load_text

from test_fuzz import damaged_text, mutated_data

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402  (bench/generate.py)

MESSAGES = Messages("en")
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
pytestmark = pytest.mark.skipif(not native_yaml.AVAILABLE, reason="no yaml-rs wheel here")


def pyyaml(text: str):
    readable, value, problems = pyyaml_loader.read(text, "plan.yaml", MESSAGES)
    return readable and not problems, value


def agrees(text: str) -> bool:
    """Whether the native parser answered (and then, it must agree with PyYAML)."""
    native = native_yaml.parse(text)
    if native is native_yaml.FALLBACK:
        return False
    clean, value = pyyaml(text)
    assert clean, f"native read what PyYAML refuses: {text!r}"
    assert repr(native) == repr(value), text  # repr: 1 and 1.0 and True differ, nan equals nan
    return True


def plan_texts() -> list[tuple[str, str]]:
    files = [p for folder in ("plans", "examples", "src/plancode/starter") for p in (REPO / folder).rglob("*.y*ml")]
    return [(p.relative_to(REPO).as_posix(), p.read_text("utf-8")) for p in sorted(files)]


def test_every_example_plan_is_read_natively_and_as_pyyaml_reads_it():
    texts = [(name, text) for name, text in plan_texts() if pyyaml(text)[0]]  # not the @YEAR@ templates
    native = [name for name, text in texts if agrees(text)]
    assert len(native) >= 0.8 * len(texts), set(dict(texts)) - set(native)


@pytest.mark.parametrize("profile", [{}, {"findings": True}, {"noisy": True}, {"revision": 2}])
def test_generated_repositories_are_read_natively_and_as_pyyaml_reads_them(profile):
    files = generate.Generator(300, seed=3, findings=profile.get("findings", False),
                               revision=profile.get("revision", 1), noisy=profile.get("noisy", False)).run()
    plans = {path: text for path, text in files.items() if path.endswith(".yaml")}
    assert all(agrees(text) for text in plans.values())


# what a scalar may be made of: number and date look-alikes, YAML indicators, CJK, breaks
PIECES = list("0123456789+-._eExXoObB:aAfFnNiItTyYsS~ =<>!&*?|#'\"[]{},%@`\\") + [
    "inf", "nan", "true", "false", "null", "yes", "no", "on", "off", "0x", "0o", "0b", ".inf", ".nan",
    "2024-02-30", "12:30", "\n", "\n  ", "\n- ", ": ", "- ", "\t", "市場", "\u2028", "\x85", "\ufeff",
    "\r\n", "\r"]
CONTEXTS = ["a: {}\n", "a:\n  - {}\n", "b: 1\na: {}\n", "a:\n  b: {}\n", "a: [{}]\n", "a: {{b: {}}}\n",
            "a: |\n  {}\n", "a: >-\n  {}\n", "a: '{}'\n", 'a: "{}"\n', "{}: 1\n", "- {}\n"]


@SETTINGS
@given(context=st.sampled_from(CONTEXTS), pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=8))
def test_random_scalars_are_read_as_pyyaml_reads_them_or_left_to_it(context, pieces):
    agrees(context.replace("{}", "".join(pieces)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=damaged_text())
def test_damaged_files_are_read_as_pyyaml_reads_them_or_left_to_it(case):
    _, data = case
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    agrees(text.removeprefix("\ufeff"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated_data())
def test_edited_files_are_read_as_pyyaml_reads_them_or_left_to_it(case):
    agrees(case[1])


@pytest.mark.parametrize("text, why", [
    ("a: 1\na: 2\n", "duplicate keys: PC102 at PyYAML's position"),
    ("a: 1_000\n", "a number to yaml-rs, text to plancode"),
    ("a: 0b101\n", "a number to yaml-rs, text to plancode"),
    ("2024: x\n", "a key that is not text to yaml-rs"),
    ("a: !!str 5\n", "tags"),
    ("a: &x 1\nb: *x\n", "aliases, bounded by plancode"),
    ("b: 1\na: |\n", "an empty block scalar: '' to PyYAML, '\\n' to yaml-rs"),
    ("a:\tx\n", "a tab"),
    ("a: x\x00\n", "a character YAML does not allow"),
    ("---\na: 1\n", "document markers"),
    ("- a\n", "not a mapping: PC103 as before"),
    ("\ufeff0: 1\n", "a second byte order mark: PyYAML skips it"),
    ("a: x\n\ufeffb: 1\n", "a byte order mark in the text: PyYAML refuses it"),
    ("f: .inf\n", "a number out of range (SPEC §5.7): validation reports it"),
    ("f: [1, .nan]\n", "a number out of range (SPEC §5.7): validation reports it"),
    ("n: 1000000000000000\n", "a number out of range (SPEC §5.7): validation reports it"),
    ("n: {a: -1.0e15}\n", "a number out of range (SPEC §5.7): validation reports it"),
])
def test_what_the_two_read_differently_goes_to_pyyaml(text, why):
    assert native_yaml.parse(text) is native_yaml.FALLBACK, why


def test_yaml_1_2_core_rules_hold_on_the_native_path():
    text = ("done: yes\nstart: 2024-02-30\nat: 12:30\nn: 0x1F\nf: -1.5e3\nz: ~\nflag: true\nkey: no\n"
            "big: 999999999999999\n")
    value = native_yaml.parse(text)
    assert value == {"done": "yes", "start": "2024-02-30", "at": "12:30", "n": 31, "f": -1500.0,
                     "z": None, "flag": True, "key": "no", "big": 10**15 - 1}


def test_a_bom_and_duplicate_keys_through_the_loader():
    doc, problems = load_text("\ufeffkind: team\n".encode("utf-8"), Path("t.yaml"), "t.yaml", MESSAGES)
    assert doc.data == {"kind": "team"} and problems == []
    doc, problems = load_text(b"kind: team\nkind: strategy\n", Path("t.yaml"), "t.yaml", MESSAGES)
    assert [(p.code, p.line, p.column) for p in problems] == [("PC102", 2, 1)]


def test_the_text_a_document_keeps_holds_no_second_utf8_copy():
    """yaml-rs reads a str through its UTF-8 form, which CPython caches inside the str for
    as long as it lives; the document keeps its text, so the native path hands yaml-rs
    bytes instead (a 100,000-task check: 77 MB of peak RSS)."""
    data = "kind: team\ndepartments:\n  - {id: marketing, name: 市場部, lead: li.wei}\n".encode()
    doc, problems = load_text(data, Path("team.yaml"), "team.yaml", MESSAGES)
    assert problems == [] and doc.data["departments"][0]["name"] == "市場部"
    assert native_yaml.parse(doc.text) is not native_yaml.FALLBACK  # the native path read it
    assert sys.getsizeof(doc.text) == sys.getsizeof(data.decode())


#: what YAML calls not printable, and the YAML 1.1 line breaks, as a character class over
#: the text: the definition that native_yaml's scans of the UTF-8 bytes must agree with
NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFFFD"
                           "\U00010000-\U0010FFFF]|\r(?!\n)")
EDGES = "\x00\x01\x08\t\n\x0b\x0c\r\x1f !~\x7f\x80\x85\x9f\xa0\xbf\xc2\u2027\u2028\u2029\u202a" \
        "\ud7ff\ue000\ufeff\ufffd\ufffe\uffff\U00010000\U0010ffff任務市場"


@SETTINGS
@given(st.text(alphabet=st.sampled_from(EDGES), max_size=12), st.text(max_size=20))
def test_characters_yaml_does_not_allow_are_found_in_the_bytes_as_in_the_text(edges, anything):
    for text in (edges, anything + edges, edges + anything):
        if any("\ud800" <= ch <= "\udfff" for ch in text):
            continue  # a lone surrogate has no UTF-8 form: parse() hands such a text to PyYAML
        assert native_yaml._not_printable(text.encode()) == bool(NOT_PRINTABLE.search(text)), repr(text)


def test_a_lone_surrogate_goes_to_pyyaml():
    assert native_yaml.parse("name: a\ud800b\n") is native_yaml.FALLBACK
