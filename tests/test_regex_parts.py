"""Reading what a regular expression's matches begin with."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_nlp.regex_parts import LiteralStarts, ShapeError, alternatives, literal_starts


def _starts(pattern: str) -> set[str]:
    return set().union(*(literal_starts(a) for a in alternatives(re.compile(pattern))))


@pytest.mark.parametrize(("pattern", "starts"), [
    (r"\b(?:applying|applied|apply)", {"appl"}),  # the parser takes the common "appl" out
    (r"(?i:(?=[jw]))\b(?i:Join|welcome to) (\w+)", {"join", "welcome to"}),
    (r"(?=at )\bat (\w+)", {"at "}),
    (r"Offer(?: you)? the", {"offer"}),
    (r"(?:R|JR)-\d+", {"r", "jr"}),
])
def test_literal_starts(pattern: str, starts: set[str]) -> None:
    assert _starts(pattern) == starts


@pytest.mark.parametrize("pattern", [r"[ab]c", r"(?:x)?y", r".*z", r"(?=a)", r"\d+"])
def test_no_literal_start(pattern: str) -> None:
    with pytest.raises(ShapeError):
        _starts(pattern)
    assert LiteralStarts(re.compile(pattern)).starts is None


_PATTERNS = [LiteralStarts(re.compile(p)) for p in (
    r"\bapply(?:ing)? (?:to|for) ([A-Z]\w*)", r"(?i:(?=[jo]))\b(?i:join|offer from) (\w+)",
    r"ab|aba|b", r"Xy|xY z",
)]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(["apply", "applying", " to ", "for ", "Join ", "join", "OFFER",
                                 " from ", "Acme", "x", "ab", "a", "b", "aba", "Xy", "xY z",
                                 " ", "\u00e9", "\u212a"]), max_size=20).map("".join))
def test_found_at_starts_as_a_search_finds(text: str) -> None:
    lowered = text.lower() if text.isascii() else None
    for found in _PATTERNS:
        assert found.starts
        assert ([m.regs for m in found.finditer(text, lowered)]
                == [m.regs for m in found.pattern.finditer(text)])
