"""The "did you mean" vocabulary: the ids a typo or two away, found without reading them all."""

from __future__ import annotations

import pytest

from plancode.spelling import Vocabulary, closest

PEOPLE = ["li.wei", "chen.jie", "zhang.min", "wang.fang"]


@pytest.mark.parametrize("typed, meant", [
    ("chen.jei", "chen.jie"),     # two neighbours swapped
    ("zhangmin", "zhang.min"),    # a character left out
    ("li.weii", "li.wei"),        # one added
    ("wang.feng", "wang.fang"),   # one replaced
    ("Li.Wei", "li.wei"),         # case
    ("zhng.mn", "zhang.min"),     # two typos
    ("chen.jay", "chen.jie"),     # two typos
])
def test_a_typo_or_two_is_found(typed, meant):
    assert Vocabulary(PEOPLE).closest(typed) == meant


def test_more_typos_are_left_to_the_likely_words_the_caller_names():
    """difflib alone would take `chen.jie` for `c.h.e.n.jie` (4 characters added); the
    index does not reach that far, a caller's likely candidates may."""
    people = Vocabulary(PEOPLE)
    assert people.closest("c.h.e.n.jie") is None
    assert people.closest("c.h.e.n.jie", likely=["chen.jie", "li.wei"]) == "chen.jie"


def test_one_typo_without_an_index():
    ids = Vocabulary(["account", "selection", "script", "first-live"], typos=1)
    assert ids.near("acount") == {"account"}
    assert ids.near("scirpt") == {"script"}
    assert ids.near("first-liv") == {"first-live"}
    assert ids.near("scirpt-x") == set()  # two typos
    assert ids.index == {}


def test_a_look_up_reads_the_near_ids_only():
    """Numbered ids are the densest case: of 100,000, those one typo from `task-04711`."""
    ids = Vocabulary((f"task-{i:05d}" for i in range(100_000)), typos=1)
    near = ids.near("task-04711")
    assert {"task-04711", "task-04712", "task-14711", "task-04171"} <= near
    assert len(near) < 100
    assert ids.closest("tsak-04711") == "task-04711"


def test_a_long_text_is_no_id_and_costs_nothing():
    # a 100,000-character owner would spell out billions of variants
    assert Vocabulary(PEOPLE).near("x" * 100_000) == set()
    assert Vocabulary(PEOPLE, typos=1).near("x" * 100_000) == set()


def test_a_tie_goes_to_the_same_word_whatever_the_order():
    assert closest("abc", ["abx", "aby"]) == closest("abc", ["aby", "abx"]) == "aby"
