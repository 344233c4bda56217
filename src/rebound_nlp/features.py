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
from rebound_nlp.nlp.patterns import EMAIL_CUES

__all__ = [
    "JOB_EVIDENCE_CUES",
    "DocBatch",
    "FeatureIndex",
    "FeatureRows",
    "FeatureSet",
    "Items",
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
_SENTENCE_TOPICS = ("s:SKILLS", "s:EXPERIENCE", "s:PERFORMANCE", "s:CULTURE", "s:LOGISTICS")
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


def _keys(words: frozenset[str]) -> np.ndarray:
    """The spaCy string keys of ``words`` (what ``NORM`` holds for them)."""
    return np.array(sorted(get_string_id(w) for w in words), dtype=np.uint64)


_THANKS_KEYS = _keys(_THANKS)
_NEGATION_KEYS = _keys(_NEGATIONS)
_KEEP_PUNCT_KEYS = _keys(_KEEP_PUNCT)
_GREETING_KEYS = frozenset(get_string_id(w) for w in _GREETING_WORDS)
_GENERIC_KEYS = frozenset(get_string_id(w) for w in _GENERIC_GREETING)
_SPECIAL_KEYS = {get_string_id(w): w for w in (_URL, _EMAIL, _NUM)}
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


@dataclass(frozen=True, slots=True, eq=False)
class DocBatch:
    """Words, sentences and cues of a batch of Docs, read from their token arrays once.

    Only sentences with a word that starts with a letter or a digit count;
    words are the tokens that are neither space nor punctuation (``!`` and
    ``?`` are words), numbers, URLs and e-mail addresses written as
    ``<num>``, ``<url>`` and ``<email>``.  Arrays named ``a_b`` with one
    more entry than there are ``a`` delimit groups: the sentences of Doc
    ``d`` are ``doc_sents[d]:doc_sents[d + 1]``.  Character offsets are
    offsets into the Doc's text.
    """

    texts: list[str]
    doc_sents: np.ndarray
    """Sentences of each Doc (``n_docs + 1``)."""
    sent_doc: np.ndarray
    """Doc of each sentence."""
    sent_tokens: np.ndarray
    """Token range of each sentence in its Doc (``n_sents x 2``)."""
    sent_chars: np.ndarray
    """Character range of each sentence (``n_sents x 2``)."""
    sent_words: np.ndarray
    """Words of each sentence (``n_sents + 1``)."""
    word_ids: np.ndarray
    """Each word's entry in ``vocab_keys`` and ``vocab_texts``."""
    word_chars: np.ndarray
    """Character range of each word (``n_words x 2``)."""
    vocab_keys: np.ndarray
    """The distinct normalised texts of the batch's words as spaCy string keys (sorted)."""
    vocab_texts: list[str]
    """The same as text."""
    sent_cues: np.ndarray
    """Cues of each sentence (``n_sents + 1``); cues outside counted sentences are dropped."""
    cue_labels: list[str]
    """Label of each cue, with ``~neg`` appended when a negation comes just before it."""
    cue_chars: np.ndarray
    """Character range of each cue (``n_cues x 2``)."""
    greetings: list[str]
    """``"named"``, ``"generic"`` or ``"none"``: how each Doc opens."""
    thanks: np.ndarray
    """Whether each Doc says thank you."""

    def cues_of(self, doc: int) -> range:
        """Indices of the cues of Doc ``doc``."""
        first, last = self.doc_sents[doc], self.doc_sents[doc + 1]
        return range(int(self.sent_cues[first]), int(self.sent_cues[last]))


def _group_ptr(group: np.ndarray, n: int) -> np.ndarray:
    """Index pointer of a sorted array of group numbers ``0 <= group < n``."""
    return np.searchsorted(group, np.arange(n + 1)).astype(np.intp)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ``range(start, start + length)`` for each pair."""
    offsets = np.cumsum(lengths) - lengths
    out: np.ndarray = (np.arange(int(lengths.sum()), dtype=np.intp)
                       - np.repeat(offsets - starts, lengths))
    return out


def _empty_batch(docs: Sequence[Doc], texts: list[str]) -> DocBatch:
    pairs, ptr, none = (np.zeros((0, 2), dtype=np.intp), np.zeros(1, dtype=np.intp),
                        np.zeros(0, dtype=np.intp))
    return DocBatch(texts, np.zeros(len(docs) + 1, dtype=np.intp), none, pairs, pairs, ptr,
                    none, pairs, np.zeros(0, dtype=np.uint64), [], ptr, [], pairs,
                    ["none"] * len(docs), np.zeros(len(docs), dtype=bool))


def read_docs(docs: Sequence[Doc]) -> DocBatch:
    """Read what the features need from a batch of Docs, in one pass over their tokens.

    Token attributes are read as arrays: creating spaCy Token objects costs
    more than everything done with them here.
    """
    texts = [doc_text(doc) for doc in docs]
    sizes = np.array([len(doc) for doc in docs], dtype=np.intp)
    tok_ptr = np.zeros(len(docs) + 1, dtype=np.intp)
    np.cumsum(sizes, out=tok_ptr[1:])
    n = int(tok_ptr[-1])
    if n == 0:
        return _empty_batch(docs, texts)
    table = np.concatenate([doc.to_array(_ATTRS) for doc in docs if len(doc)])
    idx, length, norm = table[:, 0].astype(np.intp), table[:, 1].astype(np.intp), table[:, 2]
    space, punct, num, url, email = (table[:, k] != 0 for k in range(3, 8))
    tok_doc = np.repeat(np.arange(len(docs)), sizes)
    # Every Doc's first token starts a sentence, as does every token marked so.
    is_start = table[:, 8] == 1
    is_start[tok_ptr[:-1][sizes > 0]] = True
    sent_id = np.cumsum(is_start) - 1
    starts = np.flatnonzero(is_start)
    ends = np.append(starts[1:], n)

    words = np.flatnonzero(~space & (~punct | np.isin(norm, _KEEP_PUNCT_KEYS)))
    word_norm = np.where(url[words], get_string_id(_URL), np.where(
        email[words], get_string_id(_EMAIL), np.where(num[words], get_string_id(_NUM),
                                                      norm[words])))
    vocab_keys, word_ids = np.unique(word_norm, return_inverse=True)
    strings = docs[0].vocab.strings
    vocab_texts = [_SPECIAL_KEYS.get(k) or strings[k] for k in vocab_keys.tolist()]
    alnum = np.fromiter((t[:1].isalnum() for t in vocab_texts), dtype=bool,
                        count=len(vocab_texts))
    counted = np.zeros(len(starts), dtype=bool)
    counted[sent_id[words[alnum[word_ids]]]] = True
    kept = np.flatnonzero(counted)
    renumber = np.cumsum(counted) - 1

    in_kept = counted[sent_id[words]]
    words, word_ids = words[in_kept], word_ids[in_kept]
    word_chars = np.column_stack([idx[words], idx[words] + length[words]])
    sent_doc = tok_doc[starts[kept]]
    first_tok = tok_ptr[sent_doc]
    sent_tokens = np.column_stack([starts[kept] - first_tok, ends[kept] - first_tok])
    last = ends[kept] - 1
    sent_chars = np.column_stack([idx[starts[kept]], idx[last] + length[last]])
    sent_words = _group_ptr(renumber[sent_id[words]], len(kept))
    doc_sents = _group_ptr(sent_doc, len(docs))

    thanks = np.zeros(len(docs), dtype=bool)
    thanks[tok_doc[words[np.isin(vocab_keys, _THANKS_KEYS)[word_ids]]]] = True
    keys = vocab_keys[word_ids]
    greetings = [_greeting(texts[d], keys, word_chars, sent_words, int(doc_sents[d]),
                           int(doc_sents[d + 1])) for d in range(len(docs))]

    # Cues in start order per Doc (stable: ties keep the matcher's order).
    labels: list[str] = []
    bounds: list[int] = []
    for d, doc in enumerate(docs):
        offset = int(tok_ptr[d])
        for label, start, end in sorted(doc._.get(CUE_EXTENSION) or [], key=itemgetter(1)):
            labels.append(label)
            bounds += (start + offset, end + offset)
    cue_tokens = np.array(bounds, dtype=np.intp).reshape(-1, 2)
    first_sent, last_sent = sent_id[cue_tokens[:, 0]], sent_id[cue_tokens[:, 1] - 1]
    inside = np.flatnonzero((first_sent == last_sent) & counted[first_sent])
    cue_tokens, first_sent = cue_tokens[inside], first_sent[inside]
    negations = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.isin(norm, _NEGATION_KEYS), out=negations[1:])
    window = np.maximum(starts[first_sent], cue_tokens[:, 0] - _NEGATION_WINDOW)
    negated = (negations[cue_tokens[:, 0]] - negations[window] > 0).tolist()
    cue_labels = [labels[k] + "~neg" if neg else labels[k]
                  for k, neg in zip(inside.tolist(), negated, strict=True)]
    cue_last = cue_tokens[:, 1] - 1
    cue_chars = np.column_stack([idx[cue_tokens[:, 0]], idx[cue_last] + length[cue_last]])
    sent_cues = _group_ptr(renumber[first_sent], len(kept))
    return DocBatch(texts, doc_sents, sent_doc, sent_tokens, sent_chars, sent_words, word_ids,
                    word_chars, vocab_keys, vocab_texts, sent_cues, cue_labels, cue_chars,
                    greetings, thanks)


def _greeting(text: str, keys: np.ndarray, word_chars: np.ndarray, sent_words: np.ndarray,
              first: int, last: int) -> str:
    """How the first sentence opens: ``"named"`` (Dear Priya), ``"generic"`` or ``"none"``."""
    if first == last:
        return "none"
    a, b = int(sent_words[first]), int(sent_words[first + 1])
    if int(keys[a]) not in _GREETING_KEYS:
        return "none"
    for k in range(a + 1, min(a + 4, b)):
        start, end = word_chars[k].tolist()
        surface, key = text[start:end], int(keys[k])
        if key in _GREETING_KEYS or not surface.isalpha():
            continue
        return "named" if key not in _GENERIC_KEYS and surface.istitle() else "generic"
    return "generic"


def _bucket_names(prefix: str, edges: Sequence[int]) -> list[str]:
    return [f"{prefix}<={e}" for e in edges] + [f"{prefix}>{edges[-1]}"]


_LENGTH_NAMES = _bucket_names("len:", _LENGTH_EDGES)
_SENTENCE_LENGTH_NAMES = _bucket_names("slen:", _SENTENCE_LENGTH_EDGES)
_CONJUNCTION_NAMES = [f"x:{a}+{b}" for a, b in _EMAIL_CONJUNCTIONS]
_TOPIC_NAMES = [f"x:YOU+{t}" for t in _SENTENCE_TOPICS]
_POSITION_NAMES = ["pos:first", "pos:mid", "pos:last"]


@dataclass(frozen=True, slots=True, eq=False)
class Named:
    """Features named outright, of many items.

    Feature ``k`` is ``names[k]``, of item ``item[k]``, at place ``rank[k]``
    among that item's named features of this kind; ``spans[k]`` is where it
    occurs (``-1, -1`` for nowhere in particular).
    """

    item: np.ndarray
    rank: np.ndarray
    names: list[str]
    spans: np.ndarray

    @classmethod
    def join(cls, n: int, parts: Sequence[tuple[np.ndarray, list[str], np.ndarray | None]]
             ) -> Named:
        """Parts that follow each other within every item: each an array of items
        (in order), their names, and their spans (``None``: none have one)."""
        items, ranks, names = [np.zeros(0, dtype=np.intp)], [np.zeros(0, dtype=np.intp)], []
        spans = [np.zeros((0, 2), dtype=np.intp)]
        before = np.zeros(n, dtype=np.intp)
        for item, part_names, part_spans in parts:
            counts = np.bincount(item, minlength=n)
            first = np.cumsum(counts) - counts
            items.append(item)
            ranks.append(before[item] + np.arange(len(item)) - first[item])
            names += part_names
            spans.append(np.full((len(item), 2), -1, dtype=np.intp) if part_spans is None
                         else part_spans)
            before += counts
        return cls(np.concatenate(items).astype(np.intp), np.concatenate(ranks).astype(np.intp),
                   names, np.concatenate(spans).astype(np.intp))

    def of(self, item: int) -> list[tuple[str, tuple[int, int] | None]]:
        """The features of one item in order, with their spans."""
        mine = np.flatnonzero(self.item == item)
        mine = mine[np.argsort(self.rank[mine])]
        return [(self.names[k], (s, e) if s >= 0 else None)
                for k, (s, e) in zip(mine.tolist(), self.spans[mine].tolist(), strict=True)]


@dataclass(frozen=True, slots=True, eq=False)
class Items:
    """The features of a batch of items (emails or sentences), in order.

    Item ``i`` has the features ``head`` names for it, then for each
    sentence ``s`` in ``sents[i, 0]:sents[i, 1]`` of ``batch`` its words and
    its pairs of adjacent words, then the features ``tail`` names for it.
    """

    batch: DocBatch
    sents: np.ndarray
    head: Named
    tail: Named

    def __len__(self) -> int:
        return len(self.sents)


def _label_matrix(batch: DocBatch, cues: np.ndarray, item: np.ndarray, n: int,
                  labels: Sequence[str]) -> np.ndarray:
    """Which of ``labels`` each item has among cues ``cues`` (of items ``item``)."""
    code = {label: k for k, label in enumerate(labels)}
    found = np.array([code.get(batch.cue_labels[c], -1) for c in cues.tolist()], dtype=np.intp)
    has = np.zeros((n, len(labels)), dtype=bool)
    has[item[found >= 0], found[found >= 0]] = True
    return has


def _present(has: np.ndarray, names: Sequence[str]) -> tuple[np.ndarray, list[str], None]:
    """The features ``names[j]`` of each item ``i`` with ``has[i, j]``, in item order."""
    item, which = np.nonzero(has)
    return item, [names[j] for j in which.tolist()], None


def email_items(batch: DocBatch, subjects: Sequence[str]) -> Items:
    """The features of each Doc of ``batch`` as a whole email, for the email heads."""
    n = len(subjects)
    subject_words = [[w.strip(_SUBJECT_STRIP) for w in s.lower().split()] for s in subjects]
    head = Named.join(n, [(
        np.repeat(np.arange(n), [len(w) for w in subject_words]),
        ["s:" + w for words in subject_words for w in words], None)])
    cues = np.arange(len(batch.cue_labels))
    cues = cues[[not label.startswith("s:") for label in batch.cue_labels]]
    cue_doc = batch.sent_doc[np.repeat(np.arange(len(batch.sent_doc)), np.diff(batch.sent_cues))]
    cue_doc = cue_doc[cues]
    pairs = np.array(_EMAIL_CONJUNCTIONS).T
    labels = sorted(set(pairs.ravel()))
    has = _label_matrix(batch, cues, cue_doc, n, labels)
    conjunctions = (has[:, np.searchsorted(labels, pairs[0])]
                    & has[:, np.searchsorted(labels, pairs[1])])
    n_words = batch.sent_words[batch.doc_sents[1:]] - batch.sent_words[batch.doc_sents[:-1]]
    every = np.arange(n)
    no_thanks = np.flatnonzero(~batch.thanks)
    tail = Named.join(n, [
        (cue_doc, ["c:" + batch.cue_labels[c] for c in cues.tolist()], batch.cue_chars[cues]),
        _present(conjunctions, _CONJUNCTION_NAMES),
        (every, [_LENGTH_NAMES[b] for b in np.searchsorted(_LENGTH_EDGES, n_words).tolist()],
         None),
        (every, ["greet:" + g for g in batch.greetings], None),
        (no_thanks, ["x:no_thanks"] * len(no_thanks), None),
    ])
    return Items(batch, np.column_stack([batch.doc_sents[:-1], batch.doc_sents[1:]]), head, tail)


def sentence_items(batch: DocBatch, sents: Sequence[int] | np.ndarray) -> Items:
    """The features of sentences ``sents`` of ``batch``, for the feedback heads."""
    sents = np.asarray(sents, dtype=np.intp)
    n = len(sents)
    n_cues = batch.sent_cues[sents + 1] - batch.sent_cues[sents]
    cues = _ranges(batch.sent_cues[sents], n_cues)
    cue_item = np.repeat(np.arange(n), n_cues)
    has = _label_matrix(batch, cues, cue_item, n, ("s:YOU", *_SENTENCE_TOPICS))
    n_words = batch.sent_words[sents + 1] - batch.sent_words[sents]
    doc = batch.sent_doc[sents]
    first, last = batch.doc_sents[doc], batch.doc_sents[doc + 1] - 1
    position = np.where(sents == first, 0, np.where(sents == last, 2, 1))
    every = np.arange(n)
    tail = Named.join(n, [
        (cue_item, ["c:" + batch.cue_labels[c] for c in cues.tolist()], batch.cue_chars[cues]),
        _present(has[:, :1] & has[:, 1:], _TOPIC_NAMES),
        (every, [_SENTENCE_LENGTH_NAMES[b] for b in
                 np.searchsorted(_SENTENCE_LENGTH_EDGES, n_words).tolist()], None),
        (every, [_POSITION_NAMES[p] for p in position.tolist()], None),
    ])
    return Items(batch, np.column_stack([sents, sents + 1]), Named.join(n, []), tail)


def job_evidence(batch: DocBatch, subjects: Sequence[str]) -> list[int]:
    """How many hiring cues (:data:`JOB_EVIDENCE_CUES`) each Doc's body and subject hold."""
    hiring = np.array([label.partition("~")[0] in JOB_EVIDENCE_CUES
                       for label in batch.cue_labels], dtype=bool)
    cue_doc = batch.sent_doc[np.repeat(np.arange(len(batch.sent_doc)), np.diff(batch.sent_cues))]
    counts = np.bincount(cue_doc[hiring], minlength=len(subjects)).tolist()
    return [count + sum(w.strip(".,:;!?()[]\"'-") in _JOB_WORDS for w in subject.lower().split())
            for count, subject in zip(counts, subjects, strict=True)]


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
    for s in range(*items.sents[i].tolist()):
        a, b = batch.sent_words[s : s + 2].tolist()
        words = [(start, end, batch.vocab_texts[w]) for (start, end), w in
                 zip(batch.word_chars[a:b].tolist(), batch.word_ids[a:b].tolist(), strict=True)]
        for start, end, norm in words:
            fs.add("w:" + norm, start, end)
        for (start, _, x), (_, end, y) in itertools.pairwise(words):
            fs.add(f"b:{x} {y}", start, end)
    for name, span in items.tail.of(i):
        fs.add(name, *(span or ()))
    return fs


def sentences(doc: Doc) -> list[Span]:
    """The sentences of ``doc`` that hold at least one word that starts with a letter or digit."""
    return [doc[a:b] for a, b in _doc_batch(doc).sent_tokens.tolist()]


def email_features(doc: Doc, subject: str = "") -> FeatureSet:
    """Features of a whole email for the email-level heads, as names."""
    return _feature_set(email_items(_doc_batch(doc), [subject]), 0)


def sentence_features(doc: Doc, index: int) -> FeatureSet:
    """Features of the ``index``-th sentence of :func:`sentences`, as names."""
    return _feature_set(sentence_items(_doc_batch(doc), [index]), 0)


# -- prediction: features as columns --------------------------------------------------------

_MASK = (1 << 64) - 1
_BASE = 0x9E3779B97F4A7C15  # odd, so every power of it is a distinct unit mod 2**64


def _powers(n: int) -> np.ndarray:
    """``_BASE ** j`` mod 2**64 for ``j < n``."""
    out = np.empty(n, dtype=np.uint64)
    out[0] = 1
    out[1:] = _BASE
    return np.cumprod(out, out=out)


def _code_points(texts: np.ndarray) -> np.ndarray:
    """The code points of a fixed-width str array, one row per string (zero padded)."""
    texts = np.ascontiguousarray(texts)
    width = texts.dtype.itemsize // 4
    return texts.view(np.uint32).reshape(len(texts), width)


def _poly(a: int, b: int, shift: int) -> int:
    """Hash of ``x + y`` from the hashes ``a`` of ``x`` and ``b`` of ``y``; ``shift = len(x)``."""
    return (a + pow(_BASE, shift, 1 << 64) * b) & _MASK


def _hash_str(text: str) -> int:
    h = 0
    for ch in reversed(text):
        h = (h * _BASE + ord(ch)) & _MASK
    return h


@dataclass(frozen=True, slots=True, eq=False)
class FeatureRows:
    """Items as sparse rows: the features of row ``i`` are ``cols[indptr[i]:indptr[i + 1]]``.

    Each row lists its columns in the order of first occurrence, with how
    often each occurs and the character span where it first does
    (``-1, -1`` for features without one).
    """

    indptr: np.ndarray
    cols: np.ndarray
    counts: np.ndarray
    spans: np.ndarray


class FeatureIndex:
    """The columns of a layer's features, found without spelling out words.

    Every feature name is hashed once (a polynomial hash of its code points,
    computed for all names as one matrix product); at prediction the hash of
    ``"w:" + word`` or ``"b:" + a + " " + b`` follows from the hashes and
    lengths of the words, so no name of a word or a pair is ever built.
    Other features (subject words, cues, shapes) are looked up by name.

    Parameters
    ----------
    names : array of str
        The layer's feature names; column ``j`` is ``names[j]``.
    """

    def __init__(self, names: np.ndarray) -> None:
        names = np.asarray(names, dtype=str)
        self.n_cols = len(names)
        points = _code_points(names)
        self.max_len = points.shape[1]
        powers = _powers(self.max_len + 4)
        hashes = np.empty(len(names), dtype=np.uint64)
        block = 8192
        for at in range(0, len(names), block):
            hashes[at:at + block] = points[at:at + block].astype(np.uint64) @ powers[:self.max_len]
        self._order = np.argsort(hashes)
        self._sorted = hashes[self._order]
        is_word = (points[:, 1] == ord(":")) & np.isin(points[:, 0], [ord("w"), ord("b")])
        other = np.flatnonzero(~is_word)
        self.named = dict(zip(names[other].tolist(), other.tolist(), strict=True))
        self._powers = powers
        self._w = _hash_str("w:")
        self._b = _hash_str("b:")
        stop = self._find(np.array([_poly(self._w, _hash_str(w), 2) for w in STOP_WORDS],
                                   dtype=np.uint64))
        #: Columns of ``w:`` features whose word is a stop word.
        self.stop = np.zeros(self.n_cols, dtype=bool)
        self.stop[stop[stop >= 0]] = True

    def _find(self, keys: np.ndarray) -> np.ndarray:
        """Column of each name hash, or -1."""
        if not len(self._sorted):
            return np.full(len(keys), -1, dtype=np.intp)
        # Sorted queries walk the sorted hashes in order: far fewer cache misses.
        order = np.argsort(keys)
        ordered = keys[order]
        at = np.minimum(np.searchsorted(self._sorted, ordered), len(self._sorted) - 1)
        found = np.empty(len(keys), dtype=np.intp)
        found[order] = np.where(self._sorted[at] == ordered, self._order[at], -1)
        return found

    def _word_keys(self, batch: DocBatch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Polynomial hash and length of each entry of the batch's vocabulary, and
        whether it is short enough to be part of a feature name at all."""
        lengths = np.fromiter(map(len, batch.vocab_texts), dtype=np.intp,
                              count=len(batch.vocab_texts))
        usable = lengths <= self.max_len
        hashes = np.zeros(len(lengths), dtype=np.uint64)
        if usable.any():
            texts = batch.vocab_texts
            short = np.array(texts if usable.all() else
                             [t for t, ok in zip(texts, usable.tolist(), strict=True) if ok])
            points = _code_points(short)
            hashes[usable] = points.astype(np.uint64) @ self._powers[:points.shape[1]]
        return hashes, lengths, usable

    def _named_cols(self, named: Named) -> np.ndarray:
        get = self.named.get
        return np.fromiter((get(name, -1) for name in named.names), dtype=np.intp,
                           count=len(named.names))

    def rows(self, items: Items) -> FeatureRows:
        """The sparse rows of ``items``: columns, counts and first spans."""
        batch, n = items.batch, len(items)
        # Where each feature comes in its item's list: head, words and pairs, tail.
        n_sents = items.sents[:, 1] - items.sents[:, 0]
        sent = _ranges(items.sents[:, 0], n_sents)
        sent_item = np.repeat(np.arange(n), n_sents)
        n_words = batch.sent_words[sent + 1] - batch.sent_words[sent]
        block = 2 * n_words - 1  # words, then pairs; every counted sentence has a word
        n_head = np.bincount(items.head.item, minlength=n)
        middle = np.bincount(sent_item, weights=block, minlength=n).astype(np.intp)
        size = n_head + middle + np.bincount(items.tail.item, minlength=n)
        item_at = np.zeros(n + 1, dtype=np.intp)
        np.cumsum(size, out=item_at[1:])
        # Start of each sentence's block: after its item's head and earlier blocks.
        block_at = np.cumsum(block) - block
        if len(block):
            first = (np.cumsum(n_sents) - n_sents)[sent_item]
            block_at += item_at[sent_item] + n_head[sent_item] - block_at[first]

        total = int(item_at[-1])
        cols = np.full(total, -1, dtype=np.intp)
        spans = np.full((total, 2), -1, dtype=np.intp)
        head, tail = items.head, items.tail
        at = item_at[head.item] + head.rank
        cols[at], spans[at] = self._named_cols(head), head.spans
        at = item_at[tail.item] + n_head[tail.item] + middle[tail.item] + tail.rank
        cols[at], spans[at] = self._named_cols(tail), tail.spans
        # Words of the sentences, and pairs of adjacent words of one sentence.
        word_sent = np.repeat(np.arange(len(sent)), n_words)
        word = _ranges(batch.sent_words[sent], n_words)
        if len(word):
            hashes, lengths, usable = self._word_keys(batch)
            vocab_cols = np.where(
                usable, self._find(np.uint64(self._w) + self._powers[2] * hashes), -1)
            ids = batch.word_ids[word]
            k = word - batch.sent_words[sent][word_sent]
            at = block_at[word_sent] + k
            cols[at] = vocab_cols[ids]
            spans[at] = batch.word_chars[word]
            pair = np.flatnonzero(k < n_words[word_sent] - 1)
            x, y = ids[pair], ids[pair + 1]
            ok = usable[x] & usable[y] & (lengths[x] + lengths[y] + 3 <= self.max_len)
            shift = np.where(ok, lengths[x] + 2, 0)
            keys = (np.uint64(self._b) + self._powers[2] * hashes[x]
                    + self._powers[shift] * np.uint64(ord(" "))
                    + self._powers[shift + 1] * hashes[y])
            at = at[pair] + n_words[word_sent[pair]]
            cols[at] = np.where(ok, self._find(keys), -1)
            spans[at, 0] = batch.word_chars[word[pair], 0]
            spans[at, 1] = batch.word_chars[word[pair] + 1, 1]

        # Count each column once per item, in order of first occurrence.
        present = np.flatnonzero(cols >= 0)
        keys = np.repeat(np.arange(n), size)[present] * self.n_cols + cols[present]
        order = np.argsort(keys)
        ordered = keys[order]
        starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
        first = np.minimum.reduceat(order, starts) if len(starts) else starts
        counts = np.diff(np.append(starts, len(ordered)))
        by_first = np.argsort(first)
        unique, first, counts = ordered[starts[by_first]], first[by_first], counts[by_first]
        return FeatureRows(_group_ptr(unique // self.n_cols, n), unique % self.n_cols, counts,
                           spans[present[first]])
