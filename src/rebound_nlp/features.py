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
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from rebound_nlp._kernel import (
    HASH_BASE,
    HashColumns,
    batch_vocabulary,
    feature_rows,
    group_words,
    hash_names,
    hash_text,
    scan_words,
)
from rebound_nlp.nlp import CUE_EXTENSION, TOKEN_ATTRS, doc_text
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


_KEEP_PUNCT_KEYS = np.array(sorted(get_string_id(w) for w in _KEEP_PUNCT), dtype=np.uint64)
_SPECIAL_KEYS = {get_string_id(w): w for w in (_URL, _EMAIL, _NUM)}
_URL_KEY, _EMAIL_KEY, _NUM_KEY = (get_string_id(w) for w in (_URL, _EMAIL, _NUM))


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

def _powers(n: int) -> np.ndarray:
    """``HASH_BASE ** j`` mod 2**64 for ``j < n``: what :func:`hash_text` weighs the
    ``j``-th character with."""
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    out[1:] = HASH_BASE
    return np.cumprod(out, out=out)


_Word = tuple[str, bool, bool, bool, int, int]


class _Lexicon:
    """What the features need to know of each normalised word, by its spaCy key.

    Kept across calls (a word's text, and so all of this, follows from its
    key), so that a batch looks up only the words it has not met before; it
    forgets everything when it grows past ``limit`` words, to stay bounded.
    Each entry: text, whether it starts with a letter or a digit, whether it
    says thank you, whether it is a negation, polynomial hash
    (:func:`~rebound_nlp._kernel.hash_text`), length.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._known: dict[int, _Word] = {}

    def _entry(self, key: int, strings: Any) -> _Word:
        text = _SPECIAL_KEYS.get(key) or strings[key]
        return (text, text[:1].isalnum(), text in _THANKS, text in _NEGATIONS, hash_text(text),
                len(text))

    def read(self, keys: np.ndarray, strings: Any) -> tuple[Any, ...]:
        """Number the distinct ``keys`` and give their entries as columns
        (see :func:`~rebound_nlp._kernel.batch_vocabulary`)."""
        if len(self._known) > self.limit:
            self._known.clear()
        return batch_vocabulary(keys, self._known, lambda key: self._entry(key, strings))


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
    tables = [doc.to_array(TOKEN_ATTRS) for doc in docs]
    sizes = [len(table) for table in tables]
    if not any(sizes):
        return _empty_batch(texts)
    table = tables[0] if len(tables) == 1 else np.concatenate(tables)
    doc_first = np.fromiter(itertools.accumulate(sizes, initial=0), dtype=np.int64,
                            count=len(sizes) + 1)
    words, word_keys, sent_id, sent_starts = scan_words(
        table, doc_first, _KEEP_PUNCT_KEYS, _NUM_KEY, _EMAIL_KEY, _URL_KEY)
    word_ids, vocab_texts, alnum, thanks, negation, hashes, lengths = _LEXICON.read(
        word_keys, docs[0].vocab.strings)

    # Cues in start order per Doc (stable: ties keep the matcher's order), as
    # their first and last tokens in the table.
    cues = [(offset, sorted(doc._.get(CUE_EXTENSION) or [], key=itemgetter(1)))
            for offset, doc in zip(doc_first[:-1].tolist(), docs, strict=True)]
    labels = [label for _, found in cues for label, _, _ in found]
    cue_first = np.array([offset + start for offset, found in cues for _, start, _ in found],
                         dtype=np.int64)
    cue_last = np.array([offset + stop - 1 for offset, found in cues for _, _, stop in found],
                        dtype=np.int64)
    found = group_words(table, doc_first, words, word_ids, sent_id, sent_starts, alnum, negation,
                        thanks, cue_first, cue_last, _NEGATION_WINDOW)
    cue_labels = [labels[k] + NEGATED if neg else labels[k]
                  for k, neg in zip(found["cues"].tolist(), found["negated"].tolist(),
                                    strict=True)]
    # The words of each Doc's first sentence (none if it has no sentence).
    doc_sents, sent_words = found["doc_sents"], found["sent_words"]
    firsts, word_ptr = doc_sents.tolist(), sent_words.tolist()
    greetings = [_greeting(texts[d], vocab_texts, found["word_ids"], found["word_chars"],
                           word_ptr[first], word_ptr[min(first + 1, end)])
                 for d, (first, end) in enumerate(itertools.pairwise(firsts))]
    return DocBatch(texts, doc_sents, found["sent_doc"], found["sent_tokens"],
                    found["sent_chars"], sent_words, found["word_sent"], found["word_ids"],
                    found["word_chars"], vocab_texts, hashes, lengths,
                    found["sent_cues"], cue_labels, found["cue_chars"], greetings,
                    found["thanks"].tolist())


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
    """The name of the bucket of ``n``: the first edge it does not exceed, or the last."""
    return names[bisect_left(edges, n)]


_LENGTH_NAMES = _bucket_names("len:", _LENGTH_EDGES)
_SENTENCE_LENGTH_NAMES = _bucket_names("slen:", _SENTENCE_LENGTH_EDGES)
_CONJUNCTION_NAMES = [f"x:{a}+{b}" for a, b in _EMAIL_CONJUNCTIONS]
_TOPIC_NAMES = [f"x:YOU+{t}" for t in _SENTENCE_TOPICS]


class Named:
    """Features named outright, of ``n`` items, added item by item in order.

    Item ``i`` has ``sizes[i]`` features; feature ``k`` (counted over all
    items) is ``names[k]`` and occurs at ``spans[2 * k]:spans[2 * k + 1]``
    (``-1, -1`` for nowhere in particular).
    """

    __slots__ = ("names", "sizes", "spans")

    def __init__(self, n: int) -> None:
        self.sizes = [0] * n
        self.names: list[str] = []
        self.spans: list[int] = []

    def add(self, item: int, name: str, span: Sequence[int] = (-1, -1)) -> None:
        """Add feature ``name`` of ``item`` (no item after it has features yet)."""
        self.sizes[item] += 1
        self.names.append(name)
        self.spans += span

    def of(self, item: int) -> list[tuple[str, tuple[int, int] | None]]:
        """The features of one item in order, with their spans."""
        a = sum(self.sizes[:item])
        spans = self.spans
        return [(self.names[k], (spans[2 * k], spans[2 * k + 1]) if spans[2 * k] >= 0 else None)
                for k in range(a, a + self.sizes[item])]


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
    head, tail = Named(n), Named(n)
    word_ptr = batch.sent_words[batch.doc_sents].tolist()
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
        tail.add(d, _bucket(_LENGTH_NAMES, _LENGTH_EDGES, word_ptr[d + 1] - word_ptr[d]))
        tail.add(d, "greet:" + batch.greetings[d])
        if not batch.thanks[d]:
            tail.add(d, "x:no_thanks")
    return Items(batch, _pair(batch.doc_sents[:-1], batch.doc_sents[1:]), head, tail)


def sentence_items(batch: DocBatch, sents: Sequence[int] | np.ndarray) -> Items:
    """The features of sentences ``sents`` of ``batch``, for the feedback heads."""
    sents = np.asarray(sents, dtype=np.intp)
    tail = Named(len(sents))
    labels, spans = batch.cue_labels, _cue_spans(batch)
    cue_ptr = batch.sent_cues.tolist()
    word_ptr = batch.sent_words.tolist()
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
        tail.add(i, _bucket(_SENTENCE_LENGTH_NAMES, _SENTENCE_LENGTH_EDGES,
                            word_ptr[s + 1] - word_ptr[s]))
        d = sent_doc[s]
        tail.add(i, "pos:first" if s == doc_sents[d] else
                 "pos:last" if s == doc_sents[d + 1] - 1 else "pos:mid")
    return Items(batch, _pair(sents, sents + 1), Named(len(sents)), tail)


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
    :func:`~rebound_nlp._kernel.hash_text`); at prediction the hash of
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
        hashes, by_hash = hash_names(text, names.ends)
        self._table = HashColumns(hashes)
        # Names other than words ("w:") and word pairs ("b:") are looked up by name.
        self.named = {text[starts[j]:ends[j]]: j for j in np.flatnonzero(~by_hash).tolist()}
        self._w, self._b = hash_text("w:"), hash_text("b:")
        stop = self._find(np.array([hash_text("w:" + w) for w in STOP_WORDS], dtype=np.uint64))
        #: Columns of ``w:`` features whose word is a stop word.
        self.stop = np.zeros(self.n_cols, dtype=bool)
        self.stop[stop[stop >= 0]] = True

    def _find(self, keys: np.ndarray) -> np.ndarray:
        """Column of each name hash, or -1."""
        return self._table.find(keys)

    def rows(self, items: Items) -> FeatureRows:
        """The sparse rows of ``items``: columns, counts and first spans.

        Each item lists its head, then per sentence its words and then their
        pairs, then its tail.
        """
        batch, head, tail = items.batch, items.head, items.tail
        return FeatureRows(*feature_rows(
            self._table, self.max_len, self._powers, self._w, self._b, items.sents,
            batch.sent_words, batch.word_ids, batch.word_chars, batch.vocab_hashes,
            batch.vocab_lengths, self.named, head.sizes, head.names, head.spans, tail.sizes,
            tail.names, tail.spans))
