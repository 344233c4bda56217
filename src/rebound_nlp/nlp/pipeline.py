"""Build the spaCy pipeline: ``blank("en")``, line-break sentences, cue phrases.

No statistical spaCy model is used (none can be downloaded here); everything
beyond tokenisation is rules of ours.  The :class:`~spacy.language.Language`
is always built from code and never pickled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import spacy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from rebound_nlp.nlp.patterns import EMAIL_CUES, SENTENCE_CUE_PREFIX, SENTENCE_CUES
from rebound_nlp.once import Once
from rebound_nlp.text import MAX_CHARS, safe_text

__all__ = ["CUE_EXTENSION", "MAX_CHARS", "Cue", "doc_text", "get_nlp", "make_doc", "make_docs"]

# Only the first MAX_CHARS characters of a text are analysed (see
# rebound_nlp.text).  Job emails are far shorter; the cap keeps huge or junk
# inputs fast.
#: Name of the Doc extension that holds the cue matches.
CUE_EXTENSION = "rebound_cues"
_TEXT_KEY = "rebound_text"

Cue = tuple[str, int, int]
"""A cue match: (label, start token, end token)."""


#: A line shorter than this (a greeting, a sign-off, a signature line) ends
#: where it breaks; longer lines may be hard-wrapped prose that goes on.
SHORT_LINE = 50
_BULLETS = frozenset({"-", "*", "•", "·", "\u2013", "o"})  # \u2013: en dash
_NEWLINE = re.compile("\n")
# SENT_START of a token that does not start a sentence (-1), as a uint64 array holds it.
_NOT_START = np.uint64(2**64 - 1)


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once: spaCy joins every token on each access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


def _breaks(doc: Doc, text: str, i: int, idx: list[int], length: list[int]) -> bool:
    """Whether the line break in token ``i`` (or in the whitespace after it) ends a sentence."""
    start, following = idx[i], idx[i + 1]
    if text.count("\n", start, following) >= 2 or "\n\n" in text[start : following + 1]:
        return True  # a blank line: a new paragraph
    if text[following : following + length[i + 1]] in _BULLETS:
        return True
    if (i + 2 < len(idx) and text[idx[i + 2] : idx[i + 2] + length[i + 2]] in {".", ")"}
            and doc[i + 1].like_num):
        return True  # a numbered list: "2." or "2)"
    # The text before the break: this token, or the one before if this is whitespace.
    last = text[start : start + length[i]]
    if i and last.isspace():
        last = text[idx[i - 1] : idx[i - 1] + length[i - 1]]
    if last[-1:] in {".", "!", "?", ":", ";"}:
        return True
    return start - (text.rfind("\n", 0, start) + 1) < SHORT_LINE


@Language.component("rebound_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence at paragraph breaks, bullets and after short lines,
    but let hard-wrapped prose run on across its line breaks.

    Works on the token arrays: spaCy Token objects cost more than the rules.
    """
    text = doc_text(doc)
    if "\n" not in text or len(doc) < 2:
        return doc
    table = doc.to_array([IDX, LENGTH, SENT_START])
    # The token after the one holding each line break (the last one starting
    # at or before it); each once.
    breaks = [m.start() for m in _NEWLINE.finditer(text)]
    after = dict.fromkeys(np.searchsorted(table[:, 0], breaks, side="right").tolist())
    idx, length = table[:, 0].tolist(), table[:, 1].tolist()
    starts = table[:, 2]
    for j in after:
        if j < len(idx):
            starts[j] = 1 if _breaks(doc, text, j - 1, idx, length) else _NOT_START
    doc.from_array([SENT_START], starts)  # type: ignore[arg-type]  # uint64, as to_array gave
    return doc


class CueMatcher:
    """Mark the cue phrases of :mod:`rebound_nlp.nlp.patterns` on a Doc."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for table, prefix in ((EMAIL_CUES, ""), (SENTENCE_CUES, SENTENCE_CUE_PREFIX)):
            for label, phrases in table.items():
                self.matcher.add(prefix + label, list(nlp.tokenizer.pipe(phrases)))  # type: ignore[union-attr]

    def predict(self, doc: Doc) -> list[Cue]:
        strings = doc.vocab.strings
        return [(strings[key], start, end) for key, start, end in self.matcher(doc)]

    def set_annotations(self, doc: Doc, cues: list[Cue]) -> None:
        doc._.set(CUE_EXTENSION, cues)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.predict(doc))
        return doc


@Language.factory("rebound_cues")
def make_cue_matcher(nlp: Language, name: str) -> CueMatcher:
    # Registered here, not at import, so that any pipeline can add the component.
    if not Doc.has_extension(CUE_EXTENSION):
        Doc.set_extension(CUE_EXTENSION, default=None)
    return CueMatcher(nlp)


def _build() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("rebound_line_breaks")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("rebound_cues")
    return nlp


_shared = Once(_build)


def get_nlp() -> Language:
    """Return the shared pipeline, built once on first use (thread-safe)."""
    return _shared()


def _tokenize(nlp: Language, text: str) -> Doc:
    """Tokenise ``text``, keeping the text itself so that no component rebuilds it."""
    doc = nlp.make_doc(text)
    doc.user_data[_TEXT_KEY] = text
    return doc


def make_doc(text: str, **kwargs: Any) -> Doc:
    """Run the pipeline on the first :data:`MAX_CHARS` characters of ``text``,
    made safe by :func:`~rebound_nlp.text.safe_text`."""
    nlp = get_nlp()
    return nlp(_tokenize(nlp, safe_text(text, MAX_CHARS)), **kwargs)


def make_docs(texts: Iterable[str]) -> Iterator[Doc]:
    """Stream many texts through the pipeline, each capped and made safe like
    :func:`make_doc`."""
    nlp = get_nlp()
    return nlp.pipe((_tokenize(nlp, safe_text(t, MAX_CHARS)) for t in texts), batch_size=64)
