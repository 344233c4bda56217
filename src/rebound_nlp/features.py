"""Turn a spaCy Doc into named features for the email and sentence heads.

Features are strings: ``w:`` words, ``b:`` word pairs, ``s:`` subject words,
``c:`` cue phrases (see :mod:`rebound_nlp.nlp.patterns`; ``~neg`` marks a
cue with a negation just before it), ``x:`` pairs of cues that mean
something together, and a few shape features (length, greeting, position).
Each feature remembers where it first occurs, so a decision can point back at
the words that drove it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import (
    IDX,
    IS_PUNCT,
    IS_SPACE,
    LENGTH,
    LIKE_EMAIL,
    LIKE_NUM,
    LIKE_URL,
    NORM,
    SENT_START,
)
from spacy.tokens import Doc, Span

from rebound_nlp.nlp import CUE_EXTENSION, doc_text
from rebound_nlp.nlp.patterns import EMAIL_CUES

__all__ = [
    "JOB_EVIDENCE_CUES",
    "DocWords",
    "FeatureSet",
    "doc_words",
    "email_features",
    "feature_names",
    "job_evidence",
    "sentence_features",
    "sentences",
]

_KEEP_PUNCT = frozenset({"!", "?"})
_GENERIC_GREETING = frozenset(
    {"applicant", "candidate", "there", "all", "sir", "madam", "team", "colleague"}
)
_GREETING_WORDS = frozenset({"dear", "hi", "hello", "hey", "good", "greetings"})
_THANKS = frozenset({"thank", "thanks", "appreciate", "appreciated", "grateful"})
# Words that turn a cue around when they come shortly before it in its sentence
# ("unable to offer you", "we won't be inviting").
_NEGATIONS = frozenset({"not", "no", "never", "unable", "cannot", "neither", "nor", "without"})
_NEGATION_WINDOW = 6
# Cue pairs whose meaning differs from either cue alone.
_EMAIL_CONJUNCTIONS = (
    ("REJECT", "NONJOB"),
    ("REGRET", "NONJOB"),
    ("REGRET", "RESCHEDULE"),
    ("REGRET", "INVITE"),
    ("REGRET", "OFFER"),
    ("REGRET", "ACK"),
    ("REJECT", "MET"),
    ("REJECT", "APPLIED"),
    ("POSITION", "MET"),
    ("PRAISE", "CLOSE_CALL"),
)
_SENTENCE_TOPICS = ("s:SKILLS", "s:EXPERIENCE", "s:PERFORMANCE", "s:CULTURE", "s:LOGISTICS")
_USER_DATA_KEY = "rebound_words"
#: Cues that show a message is about hiring at all, negated or not: hiring
#: words, and what only job mail says (decisions, invitations, applications).
JOB_EVIDENCE_CUES = frozenset({"JOB", "REJECT", "OFFER", "INVITE", "ACK", "APPLIED",
                               "FEEDBACK_OFFER", "FUTURE", "CLOSE_CALL"})

_JOB_WORDS = frozenset(p for p in EMAIL_CUES["JOB"] if " " not in p)

Word = tuple[int, int, str]
"""A word: (start char, end char, normalised text)."""
CueHit = tuple[str, int, int]
"""A cue in a sentence: (label, start char, end char); negated labels end in ``~neg``."""


@dataclass(slots=True)
class FeatureSet:
    """Feature names (repeats count) and the first character span of each."""

    names: list[str] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, name: str, start: int | None = None, end: int | None = None) -> None:
        self.names.append(name)
        if start is not None and end is not None and name not in self.spans:
            self.spans[name] = (start, end)


@dataclass(slots=True)
class DocWords:
    """What the features need from a Doc, read from its tokens once."""

    sentences: list[Span]
    words: list[list[Word]]
    cues: list[list[CueHit]]
    greeting: str
    thanks: bool


def feature_names(features: FeatureSet) -> list[str]:
    """The analyzer of the vectorizers: a FeatureSet's names."""
    return features.names


def _greeting(words: list[Word], text: str) -> str:
    if not words or words[0][2] not in _GREETING_WORDS:
        return "none"
    for start, end, norm in words[1:4]:
        surface = text[start:end]
        if norm in _GREETING_WORDS or not surface.isalpha():
            continue
        return "named" if norm not in _GENERIC_GREETING and surface.istitle() else "generic"
    return "generic"


def sentences(doc: Doc) -> list[Span]:
    """The sentences of ``doc`` that hold at least one word."""
    return doc_words(doc).sentences


_ATTRS = (IDX, LENGTH, NORM, IS_SPACE, IS_PUNCT, LIKE_NUM, LIKE_URL, LIKE_EMAIL, SENT_START)


def doc_words(doc: Doc) -> DocWords:
    """Words, cues and shape of ``doc`` per sentence (cached on the Doc).

    Reads token attributes as one array rather than token by token: creating
    spaCy Token objects costs more than everything done with them here.
    """
    cached = doc.user_data.get(_USER_DATA_KEY)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if not len(doc):
        result = DocWords([], [], [], "none", False)
        doc.user_data[_USER_DATA_KEY] = result
        return result
    table = doc.to_array(list(_ATTRS))  # uint64: hashes stay exact
    starts = np.flatnonzero(table[:, 8] == 1).tolist()
    idx, length, norm_ids, space, punct, num, url, email = table[:, :8].T.tolist()
    strings = doc.vocab.strings
    norms = [strings[h] for h in norm_ids]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    sents: list[Span] = []
    words: list[list[Word]] = []
    bounds: list[tuple[int, int]] = []
    thanks = False
    for a, b in zip(starts, [*starts[1:], len(doc)], strict=True):
        found = []
        for i in range(a, b):
            if space[i] or (punct[i] and norms[i] not in _KEEP_PUNCT):
                continue
            norm = ("<url>" if url[i] else "<email>" if email[i] else "<num>" if num[i]
                    else norms[i])
            found.append((int(idx[i]), int(idx[i] + length[i]), norm))
        if not any(w[2][:1].isalnum() for w in found):
            continue
        thanks = thanks or any(w[2] in _THANKS for w in found)
        sents.append(doc[a:b])
        words.append(found)
        bounds.append((a, b))
    cues: list[list[CueHit]] = [[] for _ in sents]
    k = 0
    for label, start, end in sorted(doc._.get(CUE_EXTENSION) or [], key=lambda c: c[1]):
        while k < len(bounds) and bounds[k][1] <= start:
            k += 1
        if k == len(bounds):
            break
        if start < bounds[k][0] or end > bounds[k][1]:
            continue
        if any(n in _NEGATIONS for n in norms[max(bounds[k][0], start - _NEGATION_WINDOW):start]):
            label += "~neg"
        cues[k].append((label, int(idx[start]), int(idx[end - 1] + length[end - 1])))
    first = words[0] if words else []
    result = DocWords(sents, words, cues, _greeting(first, doc_text(doc)), thanks)
    doc.user_data[_USER_DATA_KEY] = result
    return result


def _add_ngrams(fs: FeatureSet, words: Sequence[Word]) -> None:
    for start, end, norm in words:
        fs.add("w:" + norm, start, end)
    for (start, _, a), (_, end, b) in itertools.pairwise(words):
        fs.add(f"b:{a} {b}", start, end)


def _bucket(n: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


def email_features(doc: Doc, subject: str = "") -> FeatureSet:
    """Features of a whole email for the email-level heads."""
    dw = doc_words(doc)
    fs = FeatureSet()
    for word in subject.lower().split():
        fs.add("s:" + word.strip(".,:;!?()[]\"'"))
    for words in dw.words:
        _add_ngrams(fs, words)
    labels = set()
    for hits in dw.cues:
        for label, start, end in hits:
            if not label.startswith("s:"):
                labels.add(label)
                fs.add("c:" + label, start, end)
    for a, b in _EMAIL_CONJUNCTIONS:
        if a in labels and b in labels:
            fs.add(f"x:{a}+{b}")
    fs.add("len:" + _bucket(sum(map(len, dw.words)), (15, 40, 80, 160, 300)))
    fs.add("greet:" + dw.greeting)
    if not dw.thanks:
        fs.add("x:no_thanks")
    return fs


def job_evidence(doc: Doc, subject: str = "") -> int:
    """How many hiring cues (:data:`JOB_EVIDENCE_CUES`) the body and subject hold."""
    found = sum(label.partition("~")[0] in JOB_EVIDENCE_CUES
                for hits in doc_words(doc).cues for label, _, _ in hits)
    return found + sum(w.strip(".,:;!?()[]\"'-") in _JOB_WORDS for w in subject.lower().split())


def sentence_features(doc: Doc, index: int) -> FeatureSet:
    """Features of the ``index``-th sentence of :func:`sentences` for the feedback head."""
    dw = doc_words(doc)
    fs = FeatureSet()
    _add_ngrams(fs, dw.words[index])
    labels = set()
    for label, start, end in dw.cues[index]:
        labels.add(label)
        fs.add("c:" + label, start, end)
    if "s:YOU" in labels:
        for topic in _SENTENCE_TOPICS:
            if topic in labels:
                fs.add(f"x:YOU+{topic}")
    fs.add("slen:" + _bucket(len(dw.words[index]), (4, 10, 20, 35)))
    last = len(dw.sentences) - 1
    fs.add("pos:" + ("first" if index == 0 else "last" if index == last else "mid"))
    return fs
