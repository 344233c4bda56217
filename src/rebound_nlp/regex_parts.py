"""What a regular expression's matches begin with, read from the expression.

Python's ``re`` tries a pattern at every position of a text.  When every
match must begin with one of a few words, or with one of a set of
characters, a search can go straight to those places; these helpers read
such facts from the standard library's own parse of an expression
(``re._parser``).  It is private, so anything they do not expect raises
:class:`ShapeError`, and callers then keep the plain search.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

__all__ = ["LiteralStarts", "ShapeError", "alternatives", "constants", "first_chars",
           "literal_starts"]

try:
    _parser: Any = importlib.import_module("re._parser")
    #: The parse tree's opcodes (``LITERAL``, ``BRANCH``, ...).
    constants: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - a Python without it keeps the plain searches
    _parser = constants = None
_c = constants


class ShapeError(Exception):
    """The expression has a shape these helpers do not read."""


def alternatives(pattern: re.Pattern[str]) -> list[Any]:
    """The parsed alternatives of ``pattern`` (itself alone when it has none)."""
    if _parser is None:
        raise ShapeError
    tree = _parser.parse(pattern.pattern, pattern.flags)
    items = list(tree)
    if len(items) == 1 and items[0][0] is _c.BRANCH:
        return list(items[0][1][1])
    return [tree]


def first_chars(items: Any) -> list[tuple[int, int]]:
    """Ranges of the characters a match of ``items`` may begin with (case as written)."""
    for op, arg in items:
        if op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT):
            continue  # consumes nothing
        if op is _c.LITERAL:
            return [(arg, arg)]
        if op is _c.IN:
            ranges = []
            for inner, value in arg:
                if inner is _c.LITERAL:
                    ranges.append((value, value))
                elif inner is _c.RANGE:
                    ranges.append(value)
                else:
                    raise ShapeError  # a negated set or a category
            return ranges
        if op is _c.BRANCH:
            return [r for alternative in arg[1] for r in first_chars(alternative)]
        if op is _c.SUBPATTERN:
            return first_chars(arg[3])
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            return first_chars(arg[2])
        raise ShapeError
    raise ShapeError  # a match that may consume nothing


def literal_starts(items: Any) -> set[str]:
    """Lower-cased texts, one of which begins every match of ``items``."""
    prefix: list[str] = []
    for op, arg in items:
        if op is _c.LITERAL:
            prefix.append(chr(arg).lower())
        elif prefix:
            break  # what follows only lengthens the matches
        elif op in (_c.ASSERT, _c.ASSERT_NOT, _c.AT) or (
                op is _c.SUBPATTERN and arg[3].getwidth()[1] == 0):
            continue  # consumes nothing: "(?i:(?=a))" too
        elif op is _c.BRANCH:
            return set().union(*(literal_starts(alternative) for alternative in arg[1]))
        elif op is _c.SUBPATTERN:
            return literal_starts(arg[3])
        else:
            raise ShapeError
    if not prefix:
        raise ShapeError
    return {"".join(prefix)}


class LiteralStarts:
    """``pattern.finditer``, tried only where a literal start of its matches is.

    For ASCII text the starts are found in the lower-cased text with
    ``str.find``, and the pattern is matched at each (ignoring case or not,
    as it is written); other text is searched as usual.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        try:
            starts = set().union(*(literal_starts(a) for a in alternatives(pattern)))
        except ShapeError:
            self.starts: tuple[str, ...] | None = None
            return
        # A start that begins with another adds no place of its own.
        self.starts = tuple(sorted(s for s in starts
                                   if not any(s != t and s.startswith(t) for t in starts)))

    def finditer(self, text: str, lowered: str | None = None) -> Iterator[re.Match[str]]:
        """The matches of ``pattern.finditer(text)``; ``lowered`` is ``text.lower()``
        when ``text`` is ASCII (lower-casing then keeps every offset), else None."""
        if lowered is None or self.starts is None:
            return self.pattern.finditer(text)
        return self._at_starts(text, lowered, self.starts)

    def _at_starts(self, text: str, lowered: str, starts: tuple[str, ...]
                   ) -> Iterator[re.Match[str]]:
        places = set()
        for start in starts:
            at = lowered.find(start)
            while at >= 0:
                places.add(at)
                at = lowered.find(start, at + 1)
        end, match = 0, self.pattern.match
        for at in sorted(places):
            if at >= end and (found := match(text, at)):
                yield found
                end = found.end()
