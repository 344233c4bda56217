"""Our tokenizer is spaCy's: its faster searches answer as spaCy's own, or are not used."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
import spacy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rebound_nlp.nlp import get_nlp
from rebound_nlp.nlp.tokenizer import fast_infix_finditer, fast_suffix_search

_SPACY = spacy.blank("en").tokenizer
_FAST = get_nlp().tokenizer

_CUPS = "\u0627\u0643\u0648\u0627\u0628"  # an Arabic unit: the longest suffix but runs of dots
# Letters, digits and the characters spaCy's English affix rules name, with a
# line break (``$`` also matches before a final one); pieces of units and
# currencies make suffixes several characters long.
_PIECES = st.sampled_from([
    "a", "Z", "é", "я", "7", "0", ".", "..", "…", ",", "'", "'s", "\u2019", "\"", "-", "--",
    "\u2013", "—", "~", ":", "/", "=", "<", "+", "*", "^", "$", "US$", "€", "%", "°", "°C", "km",
    "km²", "mph", "km/h", "MB", "кг", _CUPS, "!", "?", ")", "(", "©", "\n", " ", "\u00a0", "😀",
])
_WORDS = st.lists(_PIECES, max_size=24).map("".join)


def _match(found: re.Match[str] | None) -> tuple[tuple[int, int], str] | None:
    return None if found is None else (found.span(), found.group())


def _spans(found: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in found]


@settings(max_examples=1500, deadline=None)
@given(_WORDS)
@example("x" * 5 + "." * 14)  # a run of dots longer than any other suffix
@example("x" * 5 + "." * 14 + "\n")
@example("1234567890" + _CUPS + "\n")  # the longest other suffix, before a final line break
@example("word" * 4 + "US$")
@example("first...second.")
def test_searches_answer_as_spacys(word: str) -> None:
    assert _match(_FAST.suffix_search(word)) == _match(_SPACY.suffix_search(word))
    assert _spans(_FAST.infix_finditer(word)) == _spans(_SPACY.infix_finditer(word))


def test_shipped_tokenizer_is_spacys_with_faster_searches() -> None:
    """spaCy's English rules have the shape the faster searches need, and all
    else is spaCy's own tokenizer."""
    assert _FAST.suffix_search.__name__ == "suffix_search"  # type: ignore[union-attr]
    assert _FAST.infix_finditer.__name__ == "infix_finditer"  # type: ignore[union-attr]
    for name in ("rules", "prefix_search", "token_match", "url_match", "faster_heuristics"):
        assert getattr(_FAST, name) == getattr(_SPACY, name), name
    text = "Thanks -- we've met 12 candidates...for the role (Data/ML), see https://x.io."
    assert [t.text for t in get_nlp().make_doc(text)] == [
        t.text for t in spacy.blank("en").make_doc(text)]


@pytest.mark.parametrize("pattern", [
    re.compile(r"ab|c$"),  # an alternative not anchored at the end
    re.compile(r"[a-z]+x$"),  # a run of more than one character
    re.compile(r"x$", re.IGNORECASE),
    re.compile(r"x$", re.MULTILINE),  # "$" before any line break
])
def test_other_suffix_shapes_keep_spacys_search(pattern: re.Pattern[str]) -> None:
    assert fast_suffix_search(pattern) == pattern.search


@pytest.mark.parametrize("pattern", [
    re.compile(r"[^a-z]"),  # a negated set
    re.compile(r"\w"),  # a category
    re.compile(r"-|\d?"),  # an alternative that may match nothing
])
def test_other_infix_shapes_keep_spacys_search(pattern: re.Pattern[str]) -> None:
    assert fast_infix_finditer(pattern) == pattern.finditer
