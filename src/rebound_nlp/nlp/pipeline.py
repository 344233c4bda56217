"""Build the spaCy pipeline: ``blank("en")``, line-break sentences, cue phrases.

No statistical spaCy model is used (none can be downloaded here); everything
beyond tokenisation is rules of ours.  The :class:`~spacy.language.Language`
is always built from code and never pickled.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from rebound_nlp.nlp.patterns import EMAIL_CUES, SENTENCE_CUES
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

_lock = threading.Lock()
_nlp: Language | None = None


#: A line shorter than this (a greeting, a sign-off, a signature line) ends
#: where it breaks; longer lines may be hard-wrapped prose that goes on.
SHORT_LINE = 50
_BULLETS = frozenset({"-", "*", "•", "·", "\u2013", "o"})  # \u2013: en dash


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once: spaCy joins every token on each access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


def _breaks_sentence(doc: Doc, token: Token, full: str) -> bool:
    """Whether the line break in or after ``token`` ends a sentence."""
    text = token.text_with_ws
    if text.count("\n") >= 2 or "\n\n" in full[token.idx : token.idx + len(text) + 1]:
        return True  # a blank line: a new paragraph
    following = doc[token.i + 1]
    if following.text in _BULLETS or (following.like_num and following.i + 1 < len(doc)
                                     and doc[following.i + 1].text in {".", ")"}):
        return True
    previous = token if not token.is_space else doc[token.i - 1] if token.i else token
    if previous.text[-1:] in {".", "!", "?", ":", ";"}:
        return True
    line_start = full.rfind("\n", 0, token.idx) + 1
    return token.idx - line_start < SHORT_LINE


@Language.component("rebound_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence at paragraph breaks, bullets and after short lines,
    but let hard-wrapped prose run on across its line breaks."""
    text = doc_text(doc)
    pos = text.find("\n")
    if pos < 0:
        return doc
    starts = doc.to_array("IDX")
    last = -1
    while pos >= 0:
        # The token holding this line break; visit each token once.
        i = int(np.searchsorted(starts, pos, side="right")) - 1
        if i != last and i + 1 < len(doc):
            doc[i + 1].is_sent_start = _breaks_sentence(doc, doc[i], text)
            last = i
        pos = text.find("\n", pos + 1)
    return doc


class CueMatcher:
    """Mark the cue phrases of :mod:`rebound_nlp.nlp.patterns` on a Doc."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for table, prefix in ((EMAIL_CUES, ""), (SENTENCE_CUES, "s:")):
            for label, phrases in table.items():
                self.matcher.add(prefix + label, [nlp.make_doc(p) for p in phrases])

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


def get_nlp() -> Language:
    """Return the shared pipeline, built once on first use (thread-safe)."""
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                _nlp = _build()
    return _nlp


def make_doc(text: str, **kwargs: Any) -> Doc:
    """Run the pipeline on the first :data:`MAX_CHARS` characters of ``text``,
    made safe by :func:`~rebound_nlp.text.safe_text`."""
    return get_nlp()(safe_text(text, MAX_CHARS), **kwargs)


def make_docs(texts: Iterable[str]) -> Iterator[Doc]:
    """Stream many texts through the pipeline, each capped and made safe like
    :func:`make_doc`."""
    return get_nlp().pipe((safe_text(t, MAX_CHARS) for t in texts), batch_size=64)
