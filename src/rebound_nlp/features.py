"""Turn spaCy Docs into features for the email and sentence heads.

Features have names: ``w:`` words, ``b:`` word pairs, ``s:`` subject words,
``c:`` cue phrases (see :mod:`rebound_nlp.nlp.patterns`; ``~neg`` marks a
cue with a negation just before it), ``x:`` pairs of cues that mean
something together, and a few shape features (length, greeting, position).
Each feature remembers where it first occurs, so a decision can point back at
the words that drove it.

One definition serves training and prediction.  :func:`read_docs` reads the
words, sentences and cues of a batch of Docs from their token arrays;
:func:`email_items` and :func:`sentence_items` list each item's features in
order.  Training turns them into :class:`FeatureSet` names
(:func:`email_features`, :func:`sentence_features`); prediction never spells
out a word or a word pair: :class:`FeatureIndex` finds their columns from
hashes, for the whole batch at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

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
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from rebound_nlp.nlp import CUE_EXTENSION, doc_text
from rebound_nlp.nlp.patterns import (
    EMAIL_CUES,
    NEGATED,
    SENTENCE_CUE_PREFIX,
    TOPIC_CATEGORIES,
)

__all__ = [
    "JOB_EVIDENCE_CUES",
    "DocBatch",
    "FeatureIndex",
    "FeatureRows",
    "FeatureSet",
    "Items",
    "JoinedNames",
    "Named",
    "email_features",
    "email_items",
    "feature_names",
    "job_evidence",
    "read_docs",
    "sentence_features",
    "sentence_items",
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
_SENTENCE_TOPICS = tuple(SENTENCE_CUE_PREFIX + cue for cue in TOPIC_CATEGORIES)
_LENGTH_EDGES = (15, 40, 80, 160, 300)
_SENTENCE_LENGTH_EDGES = (4, 10, 20, 35)
_SUBJECT_STRIP = ".,:;!?()[]\"'"
_USER_DATA_KEY = "rebound_batch"
#: Cues that show a message is about hiring at all, negated or not: hiring
#: words, and what only job mail says (decisions, invitations, applications).
JOB_EVIDENCE_CUES = frozenset({"JOB", "REJECT", "OFFER", "INVITE", "ACK", "APPLIED",
                               "FEEDBACK_OFFER", "FUTURE", "CLOSE_CALL"})

_JOB_WORDS = frozenset(p for p in EMAIL_CUES["JOB"] if " " not in p)
# Words that stand for every URL, e-mail address and number.
_URL, _EMAIL, _NUM = "<url>", "<email>", "<num>"


def _keys(words: frozenset[str]) -> list[np.uint64]:
    """The spaCy string keys of ``words`` (what ``NORM`` holds for them)."""
    return [np.uint64(get_string_id(w)) for w in sorted(words)]


def _among(values: np.ndarray, keys: Sequence[np.uint64]) -> np.ndarray:
    """Whether each value is one of a few ``keys`` (``np.isin`` costs far more on few)."""
    found: np.ndarray = values == keys[0]
    for key in keys[1:]:
        found |= values == key
    return found


_KEEP_PUNCT_KEYS = _keys(_KEEP_PUNCT)
_SPECIAL_KEYS = {get_string_id(w): w for w in (_URL, _EMAIL, _NUM)}
_URL_KEY, _EMAIL_KEY, _NUM_KEY = (np.uint64(get_string_id(w)) for w in (_URL, _EMAIL, _NUM))
_ATTRS = [IDX, LENGTH, NORM, IS_SPACE, IS_PUNCT, LIKE_NUM, LIKE_URL, LIKE_EMAIL, SENT_START]


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


# -- what the features need from Docs ---------------------------------------------------------

_MASK = (1 << 64) - 1
_BASE = 0x9E3779B97F4A7C15  # odd, so every power of it is a distinct unit mod 2**64


_INVERSE_BASE = pow(_BASE, -1, 1 << 64)


def _powers(n: int, base: int = _BASE) -> np.ndarray:
    """``base ** j`` mod 2**64 for ``j < n``."""
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    out[1:] = base
    return np.cumprod(out, out=out)


def _hash_str(text: str) -> int:
    """The polynomial hash of ``text``: the sum of ``ord(text[j]) * _BASE ** j`` mod 2**64."""
    h = 0
    for ch in reversed(text):
        h = (h * _BASE + ord(ch)) & _MASK
    return h


_Word = tuple[str, bool, bool, bool, int, int]


class _Lexicon:
    """What the features need to know of each normalised word, by its spaCy key.

    Kept across calls (a word's text, and so all of this, follows from its
    key), so that a batch looks up only the words it has not met before; it
    forgets everything when it grows past ``limit`` words, to stay bounded.
    Each entry: text, whether it starts with a letter or a digit, whether it
    says thank you, whether it is a negation, polynomial hash
    (:func:`_hash_str`), length.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._known: dict[int, _Word] = {}

    def _entry(self, key: int, strings: Any) -> _Word:
        text = _SPECIAL_KEYS.get(key) or strings[key]
        return (text, text[:1].isalnum(), text in _THANKS, text in _NEGATIONS, _hash_str(text),
                len(text))

    def lookup(self, keys: list[int], strings: Any) -> list[_Word]:
        known = self._known
        if len(known) > self.limit:
            known.clear()
        found = list(map(known.get, keys))
        if None in found:
            for k, (key, entry) in enumerate(zip(keys, found, strict=True)):
                if entry is None:
                    found[k] = known[key] = self._entry(key, strings)
        return found  # type: ignore[return-value]


_LEXICON = _Lexicon()


@dataclass(frozen=True, slots=True, eq=False)
class DocBatch:
    """Words, sentences and cues of a batch of Docs, read from their token arrays once.

    Only sentences with a word that starts with a letter or a digit count;
    words are the tokens that are neither space nor punctuation (``!`` and
    ``?`` are words), numbers, URLs and e-mail addresses written as
    ``<num>``, ``<url>`` and ``<email>``.  Index pointers delimit groups:
    the sentences of Doc ``d`` are ``doc_sents[d]:doc_sents[d + 1]``, the
    words of sentence ``s`` are ``sent_words[s]:sent_words[s + 1]``.
    Character offsets are offsets into the Doc's text, ends exclusive.
    """

    texts: list[str]
    doc_sents: np.ndarray
    """Sentences of each Doc (``n_docs + 1``)."""
    sent_doc: np.ndarray
    """Doc of each sentence."""
    sent_tokens: np.ndarray
    """First and end token of each sentence in its Doc (``2 x n_sents``)."""
    sent_chars: np.ndarray
    """First and end character of each sentence (``2 x n_sents``)."""
    sent_words: np.ndarray
    """Words of each sentence (``n_sents + 1``)."""
    word_sent: np.ndarray
    """Sentence of each word."""
    word_ids: np.ndarray
    """Each word's entry in the batch's vocabulary (``vocab_*``)."""
    word_chars: np.ndarray
    """First and end character of each word (``2 x n_words``)."""
    vocab_texts: list[str]
    """The distinct normalised texts of the batch's words."""
    vocab_hashes: np.ndarray
    """Their polynomial hashes (``uint64``; see :class:`FeatureIndex`)."""
    vocab_lengths: np.ndarray
    """Their lengths."""
    sent_cues: np.ndarray
    """Cues of each sentence (``n_sents + 1``); cues outside counted sentences are dropped."""
    cue_labels: list[str]
    """Label of each cue, with ``~neg`` appended when a negation comes just before it."""
    cue_chars: np.ndarray
    """First and end character of each cue (``2 x n_cues``)."""
    greetings: list[str]
    """``"named"``, ``"generic"`` or ``"none"``: how each Doc opens."""
    thanks: list[bool]
    """Whether each Doc says thank you."""


def _pair(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``np.stack([first, second])``, without its overhead on small arrays."""
    out = np.empty((2, len(first)), dtype=np.intp)
    out[0], out[1] = first, second
    return out


def _group_ptr(group: np.ndarray, n: int) -> np.ndarray:
    """Index pointer of a sorted array of group numbers ``0 <= group < n``."""
    return np.searchsorted(group, np.arange(n + 1)).astype(np.intp)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ``range(start, start + length)`` for each pair."""
    offsets = np.cumsum(lengths) - lengths
    out: np.ndarray = (np.arange(int(lengths.sum()), dtype=np.intp)
                       - np.repeat(offsets - starts, lengths))
    return out


def _empty_batch(texts: list[str]) -> DocBatch:
    pairs, ptr = np.zeros((2, 0), dtype=np.intp), np.zeros(1, dtype=np.intp)
    none = np.zeros(0, dtype=np.intp)
    return DocBatch(texts, np.zeros(len(texts) + 1, dtype=np.intp), none, pairs, pairs, ptr,
                    none, none, pairs, [], np.zeros(0, dtype=np.uint64), none, ptr, [], pairs,
                    ["none"] * len(texts), [False] * len(texts))


def read_docs(docs: Sequence[Doc]) -> DocBatch:
    """Read what the features need from a batch of Docs, in one pass over their tokens.

    Token attributes are read as arrays: creating spaCy Token objects costs
    more than everything done with them here.
    """
    texts = [doc_text(doc) for doc in docs]
    tables = [doc.to_array(_ATTRS) for doc in docs]
    sizes = [len(table) for table in tables]
    if not any(sizes):
        return _empty_batch(texts)
    table = tables[0] if len(tables) == 1 else np.concatenate(tables)
    n = len(table)
    first_tokens = list(itertools.accumulate(sizes[:-1], initial=0))
    idx = table[:, 0].astype(np.intp)
    end = idx + table[:, 1].astype(np.intp)
    norm = table[:, 2]
    flags = table[:, 3:8] != 0  # space, punct, number, URL, e-mail
    tok_doc = np.repeat(np.arange(len(docs)), sizes)
    # Every Doc's first token starts a sentence, as does every token marked so.
    is_start = table[:, 8] == 1
    is_start[[t for t, size in zip(first_tokens, sizes, strict=True) if size]] = True
    sent_id = np.cumsum(is_start) - 1
    starts = np.flatnonzero(is_start)
    ends = np.empty_like(starts)
    ends[:-1], ends[-1] = starts[1:], n

    words = np.flatnonzero(~(flags[:, 0] | flags[:, 1] & ~_among(norm, _KEEP_PUNCT_KEYS)))
    word_norm, word_flags = norm[words], flags[words]
    word_norm[word_flags[:, 2]] = _NUM_KEY
    word_norm[word_flags[:, 4]] = _EMAIL_KEY
    word_norm[word_flags[:, 3]] = _URL_KEY
    keys = word_norm.tolist()
    vocab = list(dict.fromkeys(keys))
    index = {key: k for k, key in enumerate(vocab)}
    word_ids = np.fromiter(map(index.__getitem__, keys), dtype=np.intp, count=len(keys))
    entries = _LEXICON.lookup(vocab, docs[0].vocab.strings)
    vocab_texts = [e[0] for e in entries]
    alnum, thanks_vocab, negation = (np.array([e[k] for e in entries], dtype=bool)
                                     for k in (1, 2, 3))
    hashes, lengths = [e[4] for e in entries], [e[5] for e in entries]
    # Negation words are words (never numbers, URLs or addresses): count them
    # over all tokens for the windows before cues.
    negations = np.zeros(n + 1, dtype=np.intp)
    negations[words[negation[word_ids]] + 1] = 1
    np.cumsum(negations, out=negations)
    counted = np.zeros(len(starts), dtype=bool)
    counted[sent_id[words[alnum[word_ids]]]] = True
    kept = np.flatnonzero(counted)
    renumber = np.cumsum(counted) - 1

    in_kept = counted[sent_id[words]]
    words, word_ids = words[in_kept], word_ids[in_kept]
    word_chars = _pair(idx[words], end[words])
    sent_doc = tok_doc[starts[kept]]
    sent_starts, sent_ends = starts[kept], ends[kept]
    sent_chars = _pair(idx[sent_starts], end[sent_ends - 1])
    first_tok = np.array(first_tokens, dtype=np.intp)[sent_doc]
    sent_tokens = _pair(sent_starts - first_tok, sent_ends - first_tok)
    word_sent = renumber[sent_id[words]]
    sent_words = _group_ptr(word_sent, len(kept))
    doc_sents = _group_ptr(sent_doc, len(docs))

    thanks = np.zeros(len(docs), dtype=bool)
    thanks[tok_doc[words[thanks_vocab[word_ids]]]] = True
    # The words of each Doc's first sentence (none if it has no sentence).
    first_sents = doc_sents[:-1]
    opening = sent_words[_pair(first_sents, np.minimum(first_sents + 1, doc_sents[1:]))]
    greetings = [_greeting(texts[d], vocab_texts, word_ids, word_chars, a, b)
                 for d, (a, b) in enumerate(zip(*opening.tolist(), strict=True))]

    # Cues in start order per Doc (stable: ties keep the matcher's order).
    labels: list[str] = []
    bounds: list[int] = []
    for offset, doc in zip(first_tokens, docs, strict=True):
        for label, start, stop in sorted(doc._.get(CUE_EXTENSION) or [], key=itemgetter(1)):
            labels.append(label)
            bounds += (start + offset, stop + offset - 1)
    cue_first, cue_last = np.array(bounds, dtype=np.intp).reshape(-1, 2).T
    first_sent = sent_id[cue_first]
    inside = np.flatnonzero((first_sent == sent_id[cue_last]) & counted[first_sent])
    cue_first, cue_last, first_sent = cue_first[inside], cue_last[inside], first_sent[inside]
    window = np.maximum(starts[first_sent], cue_first - _NEGATION_WINDOW)
    negated = (negations[cue_first] > negations[window]).tolist()
    cue_labels = [labels[k] + NEGATED if neg else labels[k]
                  for k, neg in zip(inside.tolist(), negated, strict=True)]
    return DocBatch(texts, doc_sents, sent_doc, sent_tokens, sent_chars, sent_words, word_sent,
                    word_ids, word_chars, vocab_texts, np.array(hashes, dtype=np.uint64),
                    np.array(lengths, dtype=np.intp),
                    _group_ptr(renumber[first_sent], len(kept)), cue_labels,
                    _pair(idx[cue_first], end[cue_last]), greetings, thanks.tolist())


def _greeting(text: str, vocab: list[str], word_ids: np.ndarray, word_chars: np.ndarray,
              first: int, end: int) -> str:
    """How the sentence of words ``first:end`` opens: ``"named"`` (Dear Priya),
    ``"generic"`` (Dear Applicant) or ``"none"``."""
    if first == end or vocab[word_ids[first]] not in _GREETING_WORDS:
        return "none"
    stop = min(first + 4, end)
    for k, start, finish in zip(word_ids[first + 1:stop].tolist(),
                                *word_chars[:, first + 1:stop].tolist(), strict=True):
        surface, norm = text[start:finish], vocab[k]
        if norm in _GREETING_WORDS or not surface.isalpha():
            continue
        return "named" if norm not in _GENERIC_GREETING and surface.istitle() else "generic"
    return "generic"


def _bucket_names(prefix: str, edges: Sequence[int]) -> list[str]:
    return [f"{prefix}<={e}" for e in edges] + [f"{prefix}>{edges[-1]}"]


def _bucket(names: Sequence[str], edges: Sequence[int], n: int) -> str:
    """The name of the bucket of ``n``: the first edge it does not exceed."""
    for name, edge in zip(names, edges, strict=False):
        if n <= edge:
            return name
    return names[-1]


_LENGTH_NAMES = _bucket_names("len:", _LENGTH_EDGES)
_SENTENCE_LENGTH_NAMES = _bucket_names("slen:", _SENTENCE_LENGTH_EDGES)
_CONJUNCTION_NAMES = [f"x:{a}+{b}" for a, b in _EMAIL_CONJUNCTIONS]
_TOPIC_NAMES = [f"x:YOU+{t}" for t in _SENTENCE_TOPICS]


@dataclass(frozen=True, slots=True, eq=False)
class Named:
    """Features named outright, of many items.

    Feature ``k`` is ``names[k]``, of item ``item[k]``, at place ``rank[k]``
    among that item's named features of this kind; ``spans[:, k]`` is where
    it occurs (``-1, -1`` for nowhere in particular).
    """

    item: np.ndarray
    rank: np.ndarray
    names: list[str]
    spans: np.ndarray

    def of(self, item: int) -> list[tuple[str, tuple[int, int] | None]]:
        """The features of one item in order, with their spans."""
        mine = np.flatnonzero(self.item == item)
        mine = mine[np.argsort(self.rank[mine])]
        return [(self.names[k], (s, e) if s >= 0 else None)
                for k, s, e in zip(mine.tolist(), *self.spans[:, mine].tolist(), strict=True)]


class _Names:
    """Collects named features item by item, in the order each item lists them."""

    def __init__(self, n: int) -> None:
        self.next = [0] * n
        self.item: list[int] = []
        self.rank: list[int] = []
        self.names: list[str] = []
        self.spans: list[Sequence[int]] = []

    def add(self, item: int, name: str, span: Sequence[int] = (-1, -1)) -> None:
        self.item.append(item)
        self.rank.append(self.next[item])
        self.next[item] += 1
        self.names.append(name)
        self.spans.append(span)

    def done(self) -> Named:
        return Named(np.array(self.item, dtype=np.intp), np.array(self.rank, dtype=np.intp),
                     self.names, np.array(self.spans, dtype=np.intp).reshape(-1, 2).T)


@dataclass(frozen=True, slots=True, eq=False)
class Items:
    """The features of a batch of items (emails or sentences), in order.

    Item ``i`` has the features ``head`` names for it, then for each
    sentence ``s`` in ``sents[0, i]:sents[1, i]`` of ``batch`` its words and
    its pairs of adjacent words, then the features ``tail`` names for it.
    """

    batch: DocBatch
    sents: np.ndarray
    head: Named
    tail: Named

    def __len__(self) -> int:
        return int(self.sents.shape[1])


def _cue_spans(batch: DocBatch) -> list[tuple[int, int]]:
    return list(zip(*batch.cue_chars.tolist(), strict=True))


def email_items(batch: DocBatch, subjects: Sequence[str]) -> Items:
    """The features of each Doc of ``batch`` as a whole email, for the email heads."""
    n = len(subjects)
    head, tail = _Names(n), _Names(n)
    n_words = np.diff(batch.sent_words[batch.doc_sents]).tolist()
    labels, spans = batch.cue_labels, _cue_spans(batch)
    cue_ptr = batch.sent_cues[batch.doc_sents].tolist()
    for d, subject in enumerate(subjects):
        for word in subject.lower().split():
            head.add(d, "s:" + word.strip(_SUBJECT_STRIP))
        found = set()
        for k in range(cue_ptr[d], cue_ptr[d + 1]):
            label = labels[k]
            if not label.startswith(SENTENCE_CUE_PREFIX):
                found.add(label)
                tail.add(d, "c:" + label, spans[k])
        for (a, b), name in zip(_EMAIL_CONJUNCTIONS, _CONJUNCTION_NAMES, strict=True):
            if a in found and b in found:
                tail.add(d, name)
        tail.add(d, _bucket(_LENGTH_NAMES, _LENGTH_EDGES, n_words[d]))
        tail.add(d, "greet:" + batch.greetings[d])
        if not batch.thanks[d]:
            tail.add(d, "x:no_thanks")
    return Items(batch, _pair(batch.doc_sents[:-1], batch.doc_sents[1:]), head.done(),
                 tail.done())


def sentence_items(batch: DocBatch, sents: Sequence[int] | np.ndarray) -> Items:
    """The features of sentences ``sents`` of ``batch``, for the feedback heads."""
    sents = np.asarray(sents, dtype=np.intp)
    tail = _Names(len(sents))
    labels, spans = batch.cue_labels, _cue_spans(batch)
    cue_ptr = batch.sent_cues.tolist()
    n_words = np.diff(batch.sent_words).tolist()
    doc_sents, sent_doc = batch.doc_sents.tolist(), batch.sent_doc.tolist()
    for i, s in enumerate(sents.tolist()):
        found = set()
        for k in range(cue_ptr[s], cue_ptr[s + 1]):
            found.add(labels[k])
            tail.add(i, "c:" + labels[k], spans[k])
        if SENTENCE_CUE_PREFIX + "YOU" in found:
            for topic, name in zip(_SENTENCE_TOPICS, _TOPIC_NAMES, strict=True):
                if topic in found:
                    tail.add(i, name)
        tail.add(i, _bucket(_SENTENCE_LENGTH_NAMES, _SENTENCE_LENGTH_EDGES, n_words[s]))
        d = sent_doc[s]
        tail.add(i, "pos:first" if s == doc_sents[d] else
                 "pos:last" if s == doc_sents[d + 1] - 1 else "pos:mid")
    return Items(batch, _pair(sents, sents + 1), _Names(len(sents)).done(), tail.done())


def job_evidence(batch: DocBatch, subjects: Sequence[str]) -> list[int]:
    """How many hiring cues (:data:`JOB_EVIDENCE_CUES`) each Doc's body and subject hold."""
    cue_ptr = batch.sent_cues[batch.doc_sents].tolist()
    labels = batch.cue_labels
    return [sum(labels[k].partition("~")[0] in JOB_EVIDENCE_CUES
                for k in range(cue_ptr[d], cue_ptr[d + 1]))
            + sum(w.strip(".,:;!?()[]\"'-") in _JOB_WORDS for w in subject.lower().split())
            for d, subject in enumerate(subjects)]


# -- training: features as names ------------------------------------------------------------


def _doc_batch(doc: Doc) -> DocBatch:
    """:func:`read_docs` of one Doc, cached on it."""
    cached = doc.user_data.get(_USER_DATA_KEY)
    if cached is None:
        cached = doc.user_data[_USER_DATA_KEY] = read_docs([doc])
    return cached


def _feature_set(items: Items, i: int) -> FeatureSet:
    batch = items.batch
    fs = FeatureSet()
    for name, span in items.head.of(i):
        fs.add(name, *(span or ()))
    for s in range(*items.sents[:, i].tolist()):
        a, b = batch.sent_words[s : s + 2].tolist()
        words = [(start, end, batch.vocab_texts[w]) for start, end, w in
                 zip(*batch.word_chars[:, a:b].tolist(), batch.word_ids[a:b].tolist(),
                     strict=True)]
        for start, end, norm in words:
            fs.add("w:" + norm, start, end)
        for (start, _, x), (_, end, y) in itertools.pairwise(words):
            fs.add(f"b:{x} {y}", start, end)
    for name, span in items.tail.of(i):
        fs.add(name, *(span or ()))
    return fs


def sentences(doc: Doc) -> list[Span]:
    """The sentences of ``doc`` that hold at least one word that starts with a letter or digit."""
    return [doc[a:b] for a, b in zip(*_doc_batch(doc).sent_tokens.tolist(), strict=True)]


def email_features(doc: Doc, subject: str = "") -> FeatureSet:
    """Features of a whole email for the email-level heads, as names."""
    return _feature_set(email_items(_doc_batch(doc), [subject]), 0)


def sentence_features(doc: Doc, index: int) -> FeatureSet:
    """Features of the ``index``-th sentence of :func:`sentences`, as names."""
    return _feature_set(sentence_items(_doc_batch(doc), [index]), 0)


# -- prediction: features as columns --------------------------------------------------------


class JoinedNames:
    """Many feature names kept as one string and where each ends.

    A NumPy array of str pads every name to the longest (a layer's 138,000
    names took 40 MB); joined, they take a few.  Name ``j`` is
    ``text[ends[j - 1]:ends[j]]`` (``ends[-1]`` read as 0).
    """

    def __init__(self, text: str, ends: np.ndarray) -> None:
        self.text = text
        self.ends = np.asarray(ends, dtype=np.int64)

    @classmethod
    def of(cls, names: Sequence[str] | np.ndarray) -> JoinedNames:
        """Join ``names``."""
        names = [str(n) for n in names]
        return cls("".join(names), np.cumsum([len(n) for n in names], dtype=np.int64))

    @property
    def starts(self) -> np.ndarray:
        """Where each name starts in :attr:`text`."""
        starts: np.ndarray = np.zeros(len(self.ends), dtype=np.int64)
        starts[1:] = self.ends[:-1]
        return starts

    def to_array(self) -> np.ndarray:
        """The names as a NumPy array of str."""
        text = self.text
        return np.asarray([text[a:b] for a, b in zip(self.starts.tolist(), self.ends.tolist(),
                                                      strict=True)], dtype=str)


def _poly(a: int, b: int, shift: int) -> int:
    """Hash of ``x + y`` from the hashes ``a`` of ``x`` and ``b`` of ``y``; ``shift = len(x)``."""
    return (a + pow(_BASE, shift, 1 << 64) * b) & _MASK


@dataclass(frozen=True, slots=True, eq=False)
class FeatureRows:
    """Items as sparse rows: the features of row ``i`` are ``cols[indptr[i]:indptr[i + 1]]``.

    Each row lists its columns in the order of first occurrence, with how
    often each occurs and the first and end character where it first does
    (``spans``, ``2 x nnz``; ``-1`` for features without a place).
    """

    indptr: np.ndarray
    cols: np.ndarray
    counts: np.ndarray
    spans: np.ndarray


class FeatureIndex:
    """The columns of a layer's features, found without spelling out words.

    Every feature name is hashed once (a polynomial hash of its code points,
    computed for all names at once from prefix sums); at prediction the hash of
    ``"w:" + word`` or ``"b:" + a + " " + b`` follows from the hashes and
    lengths of the words (:attr:`DocBatch.vocab_hashes`), so no name of a
    word or a pair is ever built.  Other features (subject words, cues,
    shapes) are looked up by name.

    Parameters
    ----------
    names : JoinedNames
        The layer's feature names, in column order.
    """

    def __init__(self, names: JoinedNames) -> None:
        text, starts, ends = names.text, names.starts, names.ends
        self.n_cols = len(ends)
        #: No feature name is longer.
        self.max_len = int((ends - starts).max(initial=0))
        self._powers = _powers(self.max_len + 4)
        hashes = np.empty(self.n_cols, dtype=np.uint64)
        other: list[np.ndarray] = []
        # In blocks of names, so that no temporary grows with the layer.
        for at in range(0, self.n_cols, 8192):
            first, end = int(starts[at]), int(ends[min(at + 8192, self.n_cols) - 1])
            a, b = starts[at:at + 8192] - first, ends[at:at + 8192] - first
            points = np.frombuffer(text[first:end].encode("utf-32-le"), dtype=np.uint32)
            # Name j's hash is (prefix[b] - prefix[a]) / _BASE ** a, where prefix[k]
            # sums point * _BASE ** i over the block's first k points.
            prefix = np.zeros(len(points) + 1, dtype=np.uint64)
            np.cumsum(points * _powers(len(points)), out=prefix[1:])
            hashes[at:at + 8192] = (prefix[b] - prefix[a]) * _powers(len(points) + 1,
                                                                      _INVERSE_BASE)[a]
            # Names other than words ("w:") and word pairs ("b:") are looked up by name.
            padded = np.append(points, [0, 0])
            other.append(at + np.flatnonzero(
                (b - a < 2) | (padded[a + 1] != ord(":"))
                | (padded[a] != ord("w")) & (padded[a] != ord("b"))))
        self._order = np.argsort(hashes)
        self._sorted = hashes[self._order]
        self.named = {text[starts[j]:ends[j]]: j
                      for j in np.concatenate([np.zeros(0, np.intp), *other]).tolist()}
        self._w, self._b = np.uint64(_hash_str("w:")), np.uint64(_hash_str("b:"))
        stop = self._find(np.array([_poly(_hash_str("w:"), _hash_str(w), 2) for w in STOP_WORDS],
                                   dtype=np.uint64))
        #: Columns of ``w:`` features whose word is a stop word.
        self.stop = np.zeros(self.n_cols, dtype=bool)
        self.stop[stop[stop >= 0]] = True

    def _find(self, keys: np.ndarray) -> np.ndarray:
        """Column of each name hash, or -1."""
        if not len(self._sorted):
            return np.full(len(keys), -1, dtype=np.intp)
        if len(keys) < 512:
            at = np.minimum(np.searchsorted(self._sorted, keys), len(self._sorted) - 1)
            found: np.ndarray = np.where(self._sorted[at] == keys, self._order[at], -1)
            return found
        # Many sorted queries walk the sorted hashes in order: far fewer cache misses.
        order = np.argsort(keys)
        ordered = keys[order]
        at = np.minimum(np.searchsorted(self._sorted, ordered), len(self._sorted) - 1)
        found = np.empty(len(keys), dtype=np.intp)
        found[order] = np.where(self._sorted[at] == ordered, self._order[at], -1)
        return found

    def _named_cols(self, named: Named) -> np.ndarray:
        get = self.named.get
        return np.fromiter((get(name, -1) for name in named.names), dtype=np.intp,
                           count=len(named.names))

    def rows(self, items: Items) -> FeatureRows:
        """The sparse rows of ``items``: columns, counts and first spans."""
        batch, n, head, tail = items.batch, len(items), items.head, items.tail
        # Each item lists its head, then per sentence its words and their
        # pairs, then its tail; its sentences and their words are contiguous.
        first_sent, end_sent = items.sents
        first_word = batch.sent_words[first_sent]
        n_words = batch.sent_words[end_sent] - first_word
        n_head = np.bincount(head.item, minlength=n)
        middle = 2 * n_words - (end_sent - first_sent)
        size = n_head + middle + np.bincount(tail.item, minlength=n)
        item_at = np.zeros(n + 1, dtype=np.intp)
        np.cumsum(size, out=item_at[1:])
        total = int(item_at[-1])
        cols = np.full(total, -1, dtype=np.intp)
        spans = np.full((2, total), -1, dtype=np.intp)
        at = item_at[head.item] + head.rank
        cols[at], spans[:, at] = self._named_cols(head), head.spans
        at = item_at[tail.item] + n_head[tail.item] + middle[tail.item] + tail.rank
        cols[at], spans[:, at] = self._named_cols(tail), tail.spans

        word = _ranges(first_word, n_words)
        if len(word):
            sent = batch.word_sent[word]
            sent_start = batch.sent_words[sent]
            sent_size = batch.sent_words[sent + 1] - sent_start
            # Word k of a sentence comes after the blocks (2 m - 1 entries for
            # m words) of the item's earlier sentences; its pair with the next
            # word comes after the sentence's words.
            base = item_at[:-1] + n_head - 2 * first_word + first_sent
            at = np.repeat(base, n_words) + word + sent_start - sent
            usable = batch.vocab_lengths <= self.max_len
            vocab_cols = np.where(usable, self._find(self._w + self._powers[2]
                                                     * batch.vocab_hashes), -1)
            ids = batch.word_ids[word]
            cols[at] = vocab_cols[ids]
            spans[:, at] = batch.word_chars[:, word]
            pair = np.flatnonzero(word + 1 < sent_start + sent_size)
            x, y = ids[pair], ids[pair + 1]
            length = batch.vocab_lengths[x]
            ok = usable[x] & usable[y] & (length + batch.vocab_lengths[y] + 3 <= self.max_len)
            shift = np.where(ok, length + 2, 0)
            keys = (self._b + self._powers[2] * batch.vocab_hashes[x]
                    + self._powers[shift] * np.uint64(ord(" "))
                    + self._powers[shift + 1] * batch.vocab_hashes[y])
            at = at[pair] + sent_size[pair]
            cols[at] = np.where(ok, self._find(keys), -1)
            spans[0, at] = batch.word_chars[0, word[pair]]
            spans[1, at] = batch.word_chars[1, word[pair] + 1]

        # Count each column once per item, in order of first occurrence.
        present = np.flatnonzero(cols >= 0)
        keys = np.repeat(np.arange(n), size)[present] * self.n_cols + cols[present]
        order = np.argsort(keys)
        ordered = keys[order]
        new = np.empty(len(ordered) + 1, dtype=bool)
        new[0], new[-1] = True, True
        np.not_equal(ordered[1:], ordered[:-1], out=new[1:-1])
        bounds = np.flatnonzero(new)
        starts = bounds[:-1]
        first = np.minimum.reduceat(order, starts) if len(starts) else starts
        by_first = np.argsort(first)
        unique, first = ordered[starts[by_first]], first[by_first]
        return FeatureRows(_group_ptr(unique // self.n_cols, n), unique % self.n_cols,
                           np.diff(bounds)[by_first], spans[:, present[first]])
