"""Turn a spaCy Doc into named features for the email and sentence heads.

Features are strings: ``w:`` words, ``b:`` word pairs, ``s:`` subject words,
``c:`` cue phrases (see :mod:`rebound_nlp.nlp.patterns`; ``~neg`` marks a
cue with a negation just before it), ``x:`` pairs of cues
that mean something together, and a few shape features (length, greeting).
Each feature remembers where it first occurs, so a decision can point back at
the words that drove it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from rebound_nlp.nlp import CUE_EXTENSION

__all__ = ["FeatureSet", "email_features", "feature_names", "sentence_features", "sentences"]

_KEEP_PUNCT = frozenset({"!", "?"})
_GENERIC_GREETING = frozenset(
    {"applicant", "candidate", "there", "all", "sir", "madam", "team", "colleague"}
)
_GREETING_WORDS = frozenset({"dear", "hi", "hello", "hey", "good", "greetings"})
_THANKS = frozenset({"thank", "thanks", "appreciate", "appreciated", "grateful"})
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
# Words that turn a cue around when they come shortly before it in its sentence
# ("unable to offer you", "we won't be inviting").
_NEGATIONS = frozenset({"not", "no", "never", "unable", "cannot", "neither", "nor", "without"})
_NEGATION_WINDOW = 6
_SENTENCE_TOPICS = ("s:SKILLS", "s:EXPERIENCE", "s:PERFORMANCE", "s:CULTURE", "s:LOGISTICS")


@dataclass(slots=True)
class FeatureSet:
    """Feature names (repeats count) and the first character span of each."""

    names: list[str] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, name: str, start: int | None = None, end: int | None = None) -> None:
        self.names.append(name)
        if start is not None and end is not None and name not in self.spans:
            self.spans[name] = (start, end)


def feature_names(features: FeatureSet) -> list[str]:
    """The analyzer of the vectorizers: a FeatureSet's names."""
    return features.names


def _negated(doc: Doc, start: int) -> bool:
    sent_start = doc[start].sent.start
    window = doc[max(sent_start, start - _NEGATION_WINDOW) : start]
    return any(t.norm_ in _NEGATIONS for t in window)


def _norm(token: Token) -> str:
    if token.like_url:
        return "<url>"
    if token.like_email:
        return "<email>"
    if token.like_num:
        return "<num>"
    return str(token.norm_)


def _words(tokens: Iterable[Token]) -> list[Token]:
    return [t for t in tokens if not t.is_space and (not t.is_punct or t.text in _KEEP_PUNCT)]


def _add_ngrams(fs: FeatureSet, tokens: Iterable[Token]) -> None:
    words = _words(tokens)
    norms = [_norm(t) for t in words]
    for tok, norm in zip(words, norms, strict=True):
        fs.add("w:" + norm, tok.idx, tok.idx + len(tok))
    for (a, na), (b, nb) in zip(
        zip(words, norms, strict=True), zip(words[1:], norms[1:], strict=True), strict=False
    ):
        fs.add(f"b:{na} {nb}", a.idx, b.idx + len(b))


def _bucket(n: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


def _greeting(doc: Doc) -> str:
    first = _words(doc[:12])
    if not first or first[0].lower_ not in _GREETING_WORDS:
        return "none"
    rest = [t for t in first[1:4] if t.is_alpha and t.lower_ not in _GREETING_WORDS]
    if rest and rest[0].lower_ not in _GENERIC_GREETING and rest[0].is_title:
        return "named"
    return "generic"


def sentences(doc: Doc) -> list[Span]:
    """The sentences of ``doc`` that hold at least one word."""
    return [s for s in doc.sents if any(not t.is_space and not t.is_punct for t in s)]


def email_features(doc: Doc, subject: str = "") -> FeatureSet:
    """Features of a whole email for the email-level heads."""
    fs = FeatureSet()
    for word in subject.lower().split():
        fs.add("s:" + word.strip(".,:;!?()[]\"'"))
    for sent in doc.sents:
        _add_ngrams(fs, sent)
    cues: list[tuple[str, int, int]] = doc._.get(CUE_EXTENSION) or []
    labels = set()
    for label, start, end in cues:
        if label.startswith("s:"):
            continue
        if _negated(doc, start):
            label += "~neg"
        labels.add(label)
        span = doc[start:end]
        fs.add("c:" + label, span.start_char, span.end_char)
    for a, b in _EMAIL_CONJUNCTIONS:
        if a in labels and b in labels:
            fs.add(f"x:{a}+{b}")
    n_words = len(_words(doc))
    fs.add("len:" + _bucket(n_words, (15, 40, 80, 160, 300)))
    fs.add("greet:" + _greeting(doc))
    if not any(t.lower_ in _THANKS for t in doc):
        fs.add("x:no_thanks")
    return fs


def sentence_features(sent: Span, index: int, n_sentences: int) -> FeatureSet:
    """Features of one sentence for the feedback head."""
    fs = FeatureSet()
    _add_ngrams(fs, sent)
    doc = sent.doc
    cues: list[tuple[str, int, int]] = doc._.get(CUE_EXTENSION) or []
    labels = set()
    for label, start, end in cues:
        if start >= sent.start and end <= sent.end:
            labels.add(label)
            span = doc[start:end]
            fs.add("c:" + label, span.start_char, span.end_char)
    if "s:YOU" in labels:
        for topic in _SENTENCE_TOPICS:
            if topic in labels:
                fs.add(f"x:YOU+{topic}")
    fs.add("slen:" + _bucket(len(_words(sent)), (4, 10, 20, 35)))
    fs.add("pos:" + ("first" if index == 0 else "last" if index == n_sentences - 1 else "mid"))
    return fs
