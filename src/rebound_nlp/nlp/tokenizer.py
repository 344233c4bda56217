r"""spaCy's tokenizer with faster suffix and infix searches: the same tokens.

spaCy's English tokenizer finds suffixes with one regular expression of about
two hundred alternatives, each anchored at the end of the word (``…$``), and
infixes with another.  Python's ``re`` tries every alternative at every
position, so a long word costs more at each search.  Both expressions are read
once, when the pipeline is built, for two facts that let most searches do less:

* every suffix alternative but those of one repeated character (``\.\.+$``)
  matches a few characters at most, so a search can start near the end of
  the word; it starts at the beginning when the repeated character is there;
* every infix match begins with one of a set of characters (punctuation and
  symbols), so a word with none of them has no infix and is not searched.

Where an expression does not have this shape (say, another language's or a
later spaCy's rules), the tokenizer keeps its own search.  The searches are
given to the tokenizer when it is made (``rebound_nlp.Tokenizer.v1``):
setting them later makes spaCy check its 2,700 special cases again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from spacy import util
from spacy.language import Language
from spacy.tokenizer import Tokenizer

from rebound_nlp.regex_parts import ShapeError, alternatives, first_chars
from rebound_nlp.regex_parts import constants as _c

__all__ = ["TOKENIZER", "create_tokenizer", "fast_infix_finditer", "fast_suffix_search"]

#: The registered name of :func:`create_tokenizer`, for a pipeline's config.
TOKENIZER = "rebound_nlp.Tokenizer.v1"

SuffixSearch = Callable[[str], "re.Match[str] | None"]
InfixFinditer = Callable[[str], "Iterator[re.Match[str]]"]


def _alternatives(pattern: re.Pattern[str]) -> list[Any]:
    if pattern.flags & re.IGNORECASE:
        raise ShapeError  # the characters below are compared as written
    return alternatives(pattern)


def _run_char(items: list[Any]) -> str:
    """The one character an unbounded alternative is made of (``\\.\\.+``)."""
    chars = set()
    for op, arg in items:
        if op is _c.LITERAL:
            chars.add(arg)
        elif op is _c.MAX_REPEAT and [o for o, _ in arg[2]] == [_c.LITERAL]:
            chars.add(arg[2][0][1])
        else:
            raise ShapeError
    if len(chars) != 1:
        raise ShapeError
    return chr(chars.pop())


def _suffix_search(pattern: re.Pattern[str]) -> SuffixSearch:
    """``pattern.search``, started near the end of the word where that finds the same."""
    if pattern.flags & re.MULTILINE:
        raise ShapeError  # "$" would also match before any line break
    longest, runs = 0, set()
    for alternative in _alternatives(pattern):
        items = list(alternative)
        if not items or items[-1] != (_c.AT, _c.AT_END):
            raise ShapeError  # only an alternative anchored at the end is bounded by its width
        width = int(alternative.getwidth()[1])
        if width < _c.MAXREPEAT:
            longest = max(longest, width)
        else:
            runs.add(_run_char(items[:-1]))
    search = pattern.search
    # A match ends at the end or before a final "\n" ("$"), so it starts at `at` or after.
    margin = longest + 1

    def suffix_search(text: str) -> re.Match[str] | None:
        at = len(text) - margin
        if at <= 0 or text[at] in runs:  # a run through `at` may start before it
            return search(text)
        return search(text, at)

    return suffix_search


def _infix_finditer(pattern: re.Pattern[str]) -> InfixFinditer:
    """``pattern.finditer``, skipped for a word without a character a match begins with."""
    branches = _alternatives(pattern)
    if min(branch.getwidth()[0] for branch in branches) < 1:
        raise ShapeError  # an empty match needs no first character
    ranges = [r for branch in branches for r in first_chars(branch)]
    begins = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")
    has_start, finditer = begins.search, pattern.finditer

    def infix_finditer(text: str) -> Iterator[re.Match[str]]:
        return finditer(text) if has_start(text) else iter(())

    return infix_finditer


def fast_suffix_search(pattern: re.Pattern[str]) -> SuffixSearch:
    """``pattern.search`` for suffixes, faster where the expression allows."""
    try:
        return _suffix_search(pattern)
    except ShapeError:
        return pattern.search


def fast_infix_finditer(pattern: re.Pattern[str]) -> InfixFinditer:
    """``pattern.finditer`` for infixes, faster where the expression allows."""
    try:
        return _infix_finditer(pattern)
    except ShapeError:
        return pattern.finditer


def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's own tokenizer (``spacy.Tokenizer.v1``), with the faster searches."""

    def make(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        prefixes, suffixes, infixes = defaults.prefixes, defaults.suffixes, defaults.infixes
        return Tokenizer(
            nlp.vocab,
            rules=defaults.tokenizer_exceptions,
            prefix_search=util.compile_prefix_regex(prefixes).search if prefixes else None,
            suffix_search=(fast_suffix_search(util.compile_suffix_regex(suffixes))
                           if suffixes else None),
            infix_finditer=(fast_infix_finditer(util.compile_infix_regex(infixes))
                            if infixes else None),
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return make


util.registry.tokenizers.register(TOKENIZER, func=create_tokenizer)
