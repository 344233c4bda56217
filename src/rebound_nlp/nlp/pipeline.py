"""Build the spaCy pipeline: ``blank("en")``, line-break sentences, cue phrases.

No statistical spaCy model is used (none can be downloaded here); everything
beyond tokenisation is rules of ours.  The :class:`~spacy.language.Language`
is always built from code and never pickled.  Its vocabulary gives new words
only the lexical attributes rebound_nlp reads (norm, space, punctuation,
number, URL, e-mail): the Docs of :func:`make_doc` leave the others (shape,
``is_alpha``, ...) unset.
Its tokenizer finds suffixes and infixes faster, with the same tokens
(:mod:`rebound_nlp.nlp.tokenizer`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import spacy
from spacy.attrs import (
    IDX,
    IS_PUNCT,
    IS_SPACE,
    LENGTH,
    LIKE_EMAIL,
    LIKE_NUM,
    LIKE_URL,
    NORM,
    ORTH,
    SENT_START,
)
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc

from rebound_nlp._kernel import sentence_starts
from rebound_nlp.nlp.patterns import EMAIL_CUES, SENTENCE_CUE_PREFIX, SENTENCE_CUES
from rebound_nlp.nlp.tokenizer import TOKENIZER
from rebound_nlp.once import Once
from rebound_nlp.text import MAX_CHARS, safe_text

__all__ = ["CUE_EXTENSION", "MAX_CHARS", "TOKEN_ATTRS", "Cue", "doc_text", "get_nlp", "make_doc",
           "make_docs"]

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
_SENTENCE_ATTRS = [IDX, LENGTH, SENT_START, IS_PUNCT, LIKE_NUM, ORTH]
#: The token attributes the features read from a Doc, in the column order of
#: ``Doc.to_array(TOKEN_ATTRS)`` (the compiled kernel names the columns so).
TOKEN_ATTRS = [IDX, LENGTH, NORM, IS_SPACE, IS_PUNCT, LIKE_NUM, LIKE_URL, LIKE_EMAIL, SENT_START]
# ORTH keys of the punctuation that ends a sentence for spaCy's sentencizer
# (none: line breaks alone).
_SENTENCE_ENDS = np.array(sorted({get_string_id(c) for c in Sentencizer.default_punct_chars}),
                          dtype=np.uint64)
_NO_ENDS = np.zeros(0, dtype=np.uint64)


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once: spaCy joins every token on each access."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return str(text)


def _set_sentence_starts(doc: Doc, ends: np.ndarray) -> Doc:
    starts = sentence_starts(doc_text(doc), doc.to_array(_SENTENCE_ATTRS), SHORT_LINE, ends)
    doc.from_array([SENT_START], starts)  # type: ignore[arg-type]  # uint64, as to_array gives
    return doc


@Language.component("rebound_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence at paragraph breaks, bullets, numbered items and after
    short lines or lines that end a clause (``.!?:;``), but let hard-wrapped
    prose run on across its line breaks.

    Decides only the token after each line break; a sentencizer (or
    ``rebound_sentences``) decides the rest.
    """
    if "\n" not in doc_text(doc) or len(doc) < 2:
        return doc
    return _set_sentence_starts(doc, _NO_ENDS)


@Language.component("rebound_sentences")
def sentences(doc: Doc) -> Doc:
    """:func:`line_breaks`, then spaCy's sentencizer (default punctuation) on
    every token left undecided, in one compiled pass over the token arrays."""
    return _set_sentence_starts(doc, _SENTENCE_ENDS) if len(doc) else doc


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
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
    # A word the vocabulary has not met gets only the attributes rebound_nlp
    # reads; spaCy's twenty others (shape, prefix, is_title, ...) cost most of
    # the tokeniser's time on new words.
    # (spaCy's type stubs omit Vocab.lex_attr_getters.)
    read = {*TOKEN_ATTRS, *_SENTENCE_ATTRS}
    getters = nlp.vocab.lex_attr_getters  # type: ignore[attr-defined]
    nlp.vocab.lex_attr_getters = {  # type: ignore[attr-defined]
        attr: get for attr, get in getters.items() if attr in read}
    nlp.add_pipe("rebound_sentences")
    nlp.add_pipe("rebound_cues")
    return nlp


_shared = Once(_build)


def get_nlp() -> Language:
    """Return the shared pipeline, built once on first use (thread-safe)."""
    return _shared()


def _annotate(nlp: Language, text: str) -> Doc:
    """Run the pipeline on ``text``, capped and made safe, keeping the text itself
    so that no component rebuilds it.

    The components are called in turn, as ``nlp(doc)`` does, without its
    per-call overhead (a tenth of the time for a short email).
    """
    text = safe_text(text, MAX_CHARS)
    doc = nlp.make_doc(text)
    doc.user_data[_TEXT_KEY] = text
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def make_doc(text: str) -> Doc:
    """Run the pipeline on the first :data:`MAX_CHARS` characters of ``text``,
    made safe by :func:`~rebound_nlp.text.safe_text`."""
    return _annotate(get_nlp(), text)


def make_docs(texts: Iterable[str]) -> Iterator[Doc]:
    """Stream many texts through the pipeline, each capped and made safe like
    :func:`make_doc`."""
    nlp = get_nlp()
    return (_annotate(nlp, text) for text in texts)
