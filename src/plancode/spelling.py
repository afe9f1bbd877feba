""""Did you mean …?" without reading every word the plan knows.

``difflib.get_close_matches`` compares a misspelt id with each known id in turn, so a
hint costs findings × known ids: quadratic in the repository's size when both grow with
it (6.4 s of the hints of a 10,000-task check with 100 findings, docs/performance.md;
at 100,000 tasks, 125 unknown owners each compared with 2,000 people). A
:class:`Vocabulary` first finds the few known words within a typo or two of the
misspelt one, through an index, and difflib picks the best of those (and of any likely
candidates the caller adds) with the cutoff the hints have always used. A typo is a
character left out, added or replaced, or two neighbours swapped; a difference of case
alone also counts as near.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from typing import Iterable

CUTOFF = 0.6  # difflib's default, which every hint used


def _deletions(word: str, most: int) -> set[str]:
    """``word`` with up to ``most`` of its characters deleted (``word`` itself included)."""
    found = frontier = {word}
    for _ in range(most):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found = found | frontier
    return found


class Vocabulary:
    """Known words (ids) to suggest from.

    With ``typos=2`` (people, goals, departments: tens to thousands of ids) every word
    is indexed under each string made by deleting up to two of its characters: two
    words within two typos of each other share such a string, so a look-up reads the
    index under the misspelt word's deletions only. That is about L²/2 entries per word
    of length L, and a look-up returns the words up to four deletions apart: many, when
    ids are numbered densely (`task-04711`: 5 % of 100,000 such ids). Task and
    workstream ids may be as many as the tasks, and are often numbered, so with
    ``typos=1`` nothing is indexed: the misspelt word's one-typo variants (about 2 × L ×
    the characters the ids use) are spelt out and looked up.
    """

    def __init__(self, words: Iterable[str], typos: int = 2):
        if typos not in (1, 2):
            raise ValueError("typos is 1 or 2")
        self.typos = typos
        self.words = set(words)
        self.longest = max(map(len, self.words), default=0)
        self.by_case: dict[str, list[str]] = defaultdict(list)
        for word in self.words:
            self.by_case[word.casefold()].append(word)
        self.index: dict[str, list[str]] = defaultdict(list)
        self.alphabet: list[str] = []
        if typos == 2:
            for word in self.words:
                for key in _deletions(word, 2):
                    self.index[key].append(word)
        else:
            self.alphabet = sorted({char for word in self.words for char in word})

    def near(self, word: str) -> set[str]:
        """The known words within the vocabulary's typos of ``word`` (and maybe a few
        more), ``word`` itself included when known."""
        if len(word) > self.longest + self.typos:
            return set()  # nothing is that near; and a long text would make many variants
        found = set(self.by_case.get(word.casefold(), ()))
        if self.typos == 2:
            for key in _deletions(word, 2):
                found.update(self.index.get(key, ()))
            return found
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        variants = {word}
        variants.update(left + right[1:] for left, right in splits if right)
        variants.update(left + right[1] + right[0] + right[2:]
                        for left, right in splits if len(right) > 1)
        # only a character some known word has can make the word a known one
        variants.update(left + char + right[1:]
                        for left, right in splits if right for char in self.alphabet)
        variants.update(left + char + right for left, right in splits for char in self.alphabet)
        return found | (variants & self.words)

    def closest(self, word: str, likely: Iterable[str] = ()) -> str | None:
        """The word most like ``word`` by difflib's ratio (at least :data:`CUTOFF`) among
        the known words near it and the ``likely`` ones, or None."""
        return closest(word, self.near(word).union(likely))


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``word`` by difflib's ratio (at least :data:`CUTOFF`), or
    None. A tie goes to the same candidate whatever the order of ``candidates``."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=CUTOFF)
    return close[0] if close else None
