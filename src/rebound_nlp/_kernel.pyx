# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Compiled loops of analysis: sentence starts, reading token arrays, feature
names and columns, the linear heads and their evidence.

Per email, these loops run over a few hundred tokens; written with NumPy they
were a few hundred small array calls, which cost more than the work.  Each
function names the caller that says what it means (the pipeline's sentence
components, :func:`rebound_nlp.features.read_docs`,
:class:`rebound_nlp.features.FeatureIndex`,
:class:`rebound_nlp.linear.LinearLayer`, :class:`rebound_nlp.classify.Model`).
Bounds are not checked: the callers pass arrays that agree with each other.
"""

import numpy as np

from cpython.unicode cimport Py_UNICODE_ISSPACE
from libc.math cimport exp, log, sqrt
from libc.stdint cimport int32_t, int64_t, uint64_t

# Spreads the bits of a key over a table slot (the odd constant of splitmix64).
cdef uint64_t _SPREAD = 0xBF58476D1CE4E5B9ULL


# The base of the polynomial hash of feature names (odd, so that every power
# of it is a distinct unit mod 2**64).
cdef uint64_t BASE = 0x9E3779B97F4A7C15ULL
HASH_BASE = BASE


cdef inline uint64_t _poly_hash(str text, Py_ssize_t start, Py_ssize_t end):
    """The polynomial hash of ``text[start:end]`` (Horner's rule from its end)."""
    cdef uint64_t h = 0
    cdef Py_ssize_t j
    cdef Py_UCS4 c
    for j in range(end - 1, start - 1, -1):
        c = text[j]
        h = h * BASE + <uint64_t>c
    return h


def hash_text(str text):
    """The polynomial hash of ``text``: the sum of ``ord(text[j]) * BASE ** j`` mod 2**64."""
    return _poly_hash(text, 0, len(text))


def hash_names(str text, const int64_t[::1] ends):
    """The :func:`hash_text` of each name of a joined text (name ``j`` ends at
    ``ends[j]`` and starts where name ``j - 1`` ends), and whether each names a
    word (``w:...``) or a word pair (``b:...``)."""
    cdef Py_ssize_t n = ends.shape[0], j, start = 0
    hashes_arr = np.empty(n, dtype=np.uint64)
    words_arr = np.zeros(n, dtype=bool)
    cdef uint64_t[::1] hashes = hashes_arr
    cdef unsigned char[::1] words = words_arr.view(np.uint8)
    for j in range(n):
        hashes[j] = _poly_hash(text, start, ends[j])
        words[j] = (ends[j] - start >= 2 and text[start + 1] == ":"
                    and (text[start] == "w" or text[start] == "b"))
        start = ends[j]
    return hashes_arr, words_arr


cdef class HashColumns:
    """The column of each 64-bit feature-name hash, in an open-addressing table.

    Where two names share a hash, the first column keeps it.
    """

    cdef uint64_t[::1] _keys
    cdef int32_t[::1] _cols
    cdef int _shift
    cdef uint64_t _mask

    def __init__(self, const uint64_t[::1] hashes):
        cdef Py_ssize_t n = hashes.shape[0], j
        if n >= 2**31:
            raise ValueError(f"{n} columns: at most 2**31 - 1 fit")
        # At least a third of the slots stay free: probes stay short.
        cdef int bits = 4
        while (<Py_ssize_t>1 << bits) < n + n // 2:
            bits += 1
        self._shift = 64 - bits
        self._mask = (<uint64_t>1 << bits) - 1
        self._keys = np.zeros(<Py_ssize_t>1 << bits, dtype=np.uint64)
        self._cols = np.full(<Py_ssize_t>1 << bits, -1, dtype=np.int32)
        cdef uint64_t slot
        for j in range(n):
            slot = (hashes[j] * _SPREAD) >> self._shift
            while self._cols[slot] >= 0 and self._keys[slot] != hashes[j]:
                slot = (slot + 1) & self._mask
            if self._cols[slot] < 0:
                self._keys[slot] = hashes[j]
                self._cols[slot] = j

    cdef inline int64_t column(self, uint64_t key) noexcept:
        cdef uint64_t slot = (key * _SPREAD) >> self._shift
        while self._cols[slot] >= 0:
            if self._keys[slot] == key:
                return self._cols[slot]
            slot = (slot + 1) & self._mask
        return -1

    def find(self, const uint64_t[::1] keys):
        """The column of each hash in ``keys``, or -1."""
        out = np.empty(keys.shape[0], dtype=np.int64)
        cdef int64_t[::1] found = out
        cdef Py_ssize_t k
        for k in range(keys.shape[0]):
            found[k] = self.column(keys[k])
        return out


def feature_rows(
    HashColumns table,
    Py_ssize_t max_len,
    const uint64_t[::1] powers,
    uint64_t word_prefix,
    uint64_t pair_prefix,
    const int64_t[:, :] sents,
    const int64_t[::1] sent_words,
    const int64_t[::1] word_ids,
    const int64_t[:, :] word_chars,
    const uint64_t[::1] vocab_hashes,
    const int64_t[::1] vocab_lengths,
    dict named,
    list head_sizes,
    list head_names,
    list head_spans,
    list tail_sizes,
    list tail_names,
    list tail_spans,
):
    """Sparse rows of items: see :meth:`rebound_nlp.features.FeatureIndex.rows`.

    Item ``i`` meets its head features, then for each of its sentences the
    sentence's words and then their pairs of neighbours, then its tail
    features.  Head and tail features are named (see
    :class:`rebound_nlp.features.Named`) and found in ``named``; words and
    pairs are found by hash in ``table``.  Each row lists the columns it
    meets in order of first meeting, with their counts and the span of the
    first meeting.  Returns ``(indptr, cols, counts, spans)``.
    """
    cdef Py_ssize_t n = sents.shape[1], n_vocab = vocab_hashes.shape[0]
    cdef Py_ssize_t i, s, k, w, x, y, total = 0, longest = 0, size
    # Column of "w:" + each word, -1 where the layer has none.
    vocab_cols_arr = np.empty(n_vocab, dtype=np.int64)
    cdef int64_t[::1] vocab_cols = vocab_cols_arr
    for w in range(n_vocab):
        vocab_cols[w] = (table.column(word_prefix + powers[2] * vocab_hashes[w])
                         if vocab_lengths[w] <= max_len else -1)
    for i in range(n):
        size = (<Py_ssize_t>head_sizes[i] + <Py_ssize_t>tail_sizes[i]
                + 2 * (sent_words[sents[1, i]] - sent_words[sents[0, i]]))
        total += size
        longest = max(longest, size)

    indptr_arr = np.zeros(n + 1, dtype=np.int64)
    cols_arr = np.empty(total, dtype=np.int64)
    counts_arr = np.empty(total, dtype=np.int64)
    spans_arr = np.empty((2, total), dtype=np.int64)
    cdef int64_t[::1] indptr = indptr_arr, cols = cols_arr, counts = counts_arr
    cdef int64_t[:, ::1] spans = spans_arr
    # A small table per item, from column to its place in the row; a slot
    # belongs to the item whose number it holds, so no slot is ever cleared.
    cdef Py_ssize_t cap = 16
    while cap < 2 * longest:
        cap *= 2
    slot_item_arr = np.full(cap, -1, dtype=np.int64)
    slot_col_arr = np.empty(cap, dtype=np.int64)
    slot_at_arr = np.empty(cap, dtype=np.int64)
    cdef int64_t[::1] slot_item = slot_item_arr, slot_col = slot_col_arr, slot_at = slot_at_arr
    cdef Py_ssize_t nnz = 0
    cdef int64_t col
    cdef uint64_t key, slot, mask = cap - 1

    cdef Py_ssize_t next_head = 0, next_tail = 0
    for i in range(n):
        for k in range(next_head, next_head + <Py_ssize_t>head_sizes[i]):
            nnz = _meet(i, named.get(head_names[k], -1), head_spans[2 * k],
                        head_spans[2 * k + 1], cols, counts, spans, slot_item, slot_col, slot_at,
                        mask, nnz)
        next_head += <Py_ssize_t>head_sizes[i]
        for s in range(sents[0, i], sents[1, i]):
            for k in range(sent_words[s], sent_words[s + 1]):
                nnz = _meet(i, vocab_cols[word_ids[k]], word_chars[0, k], word_chars[1, k],
                            cols, counts, spans, slot_item, slot_col, slot_at, mask, nnz)
            for k in range(sent_words[s], sent_words[s + 1] - 1):
                x, y = word_ids[k], word_ids[k + 1]
                col = -1
                if (vocab_lengths[x] <= max_len and vocab_lengths[y] <= max_len
                        and vocab_lengths[x] + vocab_lengths[y] + 3 <= max_len):
                    key = (pair_prefix + powers[2] * vocab_hashes[x]
                           + powers[vocab_lengths[x] + 2] * <uint64_t>32
                           + powers[vocab_lengths[x] + 3] * vocab_hashes[y])
                    col = table.column(key)
                nnz = _meet(i, col, word_chars[0, k], word_chars[1, k + 1], cols, counts,
                            spans, slot_item, slot_col, slot_at, mask, nnz)
        for k in range(next_tail, next_tail + <Py_ssize_t>tail_sizes[i]):
            nnz = _meet(i, named.get(tail_names[k], -1), tail_spans[2 * k],
                        tail_spans[2 * k + 1], cols, counts, spans, slot_item, slot_col, slot_at,
                        mask, nnz)
        next_tail += <Py_ssize_t>tail_sizes[i]
        indptr[i + 1] = nnz
    return indptr_arr, cols_arr[:nnz], counts_arr[:nnz], spans_arr[:, :nnz]


cdef inline Py_ssize_t _meet(
    Py_ssize_t item, int64_t col, int64_t start, int64_t end,
    int64_t[::1] cols, int64_t[::1] counts, int64_t[:, ::1] spans,
    int64_t[::1] slot_item, int64_t[::1] slot_col, int64_t[::1] slot_at,
    uint64_t mask, Py_ssize_t nnz,
) noexcept:
    """Count column ``col`` (none if -1) in row ``item``; returns the row's new end."""
    if col < 0:
        return nnz
    cdef uint64_t slot = (<uint64_t>col * _SPREAD) & mask
    while slot_item[slot] == item:
        if slot_col[slot] == col:
            counts[slot_at[slot]] += 1
            return nnz
        slot = (slot + 1) & mask
    slot_item[slot], slot_col[slot], slot_at[slot] = item, col, nnz
    cols[nnz], counts[nnz] = col, 1
    spans[0, nnz], spans[1, nnz] = start, end
    return nnz + 1


# -- reading Docs (see rebound_nlp.features.read_docs) ----------------------------------------

cdef inline void _running_total(int64_t[::1] ptr) noexcept:
    """Counts per group (in ``ptr[1:]``) into an index pointer, in place."""
    cdef Py_ssize_t k
    for k in range(ptr.shape[0] - 1):
        ptr[k + 1] += ptr[k]


# Columns of the token table that read_docs() asks spaCy for.
cdef enum:
    _IDX, _LENGTH, _NORM, _SPACE, _PUNCT, _NUM, _URL, _EMAIL, _SENT_START


def scan_words(const uint64_t[:, :] table, const int64_t[::1] doc_first,
               const uint64_t[::1] kept_punct, uint64_t num_key, uint64_t email_key,
               uint64_t url_key):
    """The words and sentences of a token table (Docs one after another).

    A sentence starts at each Doc's first token (``doc_first`` holds where
    each Doc starts, then the table's length) and wherever spaCy marks one.
    Words are the tokens that are neither space nor punctuation, but for the
    punctuation in ``kept_punct``; a number, URL or e-mail address gets the
    key of its placeholder word.  Returns ``(words, word_keys, sent_id,
    sent_starts)``: each word's token and key, each token's sentence and each
    sentence's first token.
    """
    cdef Py_ssize_t n = table.shape[0], t, d, k, n_words = 0, n_sents = 0
    words_arr = np.empty(n, dtype=np.int64)
    keys_arr = np.empty(n, dtype=np.uint64)
    sent_id_arr = np.empty(n, dtype=np.int64)
    starts_arr = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] words = words_arr, sent_id = sent_id_arr, starts = starts_arr
    cdef uint64_t[::1] keys = keys_arr
    cdef uint64_t norm
    cdef bint word
    d = 0
    for t in range(n):
        while doc_first[d + 1] <= t:
            d += 1
        if t == doc_first[d] or table[t, _SENT_START] == 1:
            starts[n_sents] = t
            n_sents += 1
        sent_id[t] = n_sents - 1
        if table[t, _SPACE]:
            continue
        norm = table[t, _NORM]
        if table[t, _PUNCT]:
            word = False
            for k in range(kept_punct.shape[0]):
                if norm == kept_punct[k]:
                    word = True
            if not word:
                continue
        if table[t, _URL]:
            norm = url_key
        elif table[t, _EMAIL]:
            norm = email_key
        elif table[t, _NUM]:
            norm = num_key
        words[n_words], keys[n_words] = t, norm
        n_words += 1
    return words_arr[:n_words], keys_arr[:n_words], sent_id_arr, starts_arr[:n_sents]


def group_words(
    const uint64_t[:, :] table,
    const int64_t[::1] doc_first,
    const int64_t[::1] words,
    const int64_t[::1] word_ids,
    const int64_t[::1] sent_id,
    const int64_t[::1] sent_starts,
    const unsigned char[::1] vocab_alnum,
    const unsigned char[::1] vocab_negation,
    const unsigned char[::1] vocab_thanks,
    const int64_t[::1] cue_first,
    const int64_t[::1] cue_last,
    Py_ssize_t negation_window,
):
    """Group the words of :func:`scan_words` into the sentences that count.

    A sentence counts if one of its words starts with a letter or a digit
    (``vocab_alnum`` of its vocabulary entry); the others and their words
    are dropped, as are cues (first and last token) that span two sentences
    or lie outside those that count.  A cue is negated if a negation word
    comes in its sentence at most ``negation_window`` tokens before it.
    Returns a dict of the arrays :class:`rebound_nlp.features.DocBatch`
    holds, plus ``cues`` (the cues kept), ``negated`` and ``thanks`` (per Doc).
    """
    cdef Py_ssize_t n = table.shape[0], n_docs = doc_first.shape[0] - 1
    cdef Py_ssize_t n_sents = sent_starts.shape[0], n_words = words.shape[0]
    cdef Py_ssize_t k, s, d, t, first, last, end, m = 0, n_kept = 0, n_cues = 0
    counted_arr = np.zeros(n_sents, dtype=np.uint8)
    renumber_arr = np.empty(n_sents, dtype=np.int64)
    negations_arr = np.zeros(n + 1, dtype=np.int64)
    cdef unsigned char[::1] counted = counted_arr
    cdef int64_t[::1] renumber = renumber_arr, negations = negations_arr
    for k in range(n_words):
        if vocab_alnum[word_ids[k]]:
            counted[sent_id[words[k]]] = 1
        if vocab_negation[word_ids[k]]:
            negations[words[k] + 1] = 1
    _running_total(negations)  # negations[t]: negation words before token t
    for s in range(n_sents):
        renumber[s] = n_kept
        n_kept += counted[s]

    sent_doc_arr = np.empty(n_kept, dtype=np.int64)
    sent_tokens_arr = np.empty((2, n_kept), dtype=np.int64)
    sent_chars_arr = np.empty((2, n_kept), dtype=np.int64)
    doc_sents_arr = np.zeros(n_docs + 1, dtype=np.int64)
    cdef int64_t[::1] sent_doc = sent_doc_arr, doc_sents = doc_sents_arr
    cdef int64_t[:, ::1] sent_tokens = sent_tokens_arr, sent_chars = sent_chars_arr
    d = 0
    for s in range(n_sents):
        if not counted[s]:
            continue
        first = sent_starts[s]
        end = sent_starts[s + 1] if s + 1 < n_sents else n
        while doc_first[d + 1] <= first:
            d += 1
        k = renumber[s]
        sent_doc[k] = d
        doc_sents[d + 1] += 1
        sent_tokens[0, k], sent_tokens[1, k] = first - doc_first[d], end - doc_first[d]
        sent_chars[0, k] = table[first, _IDX]
        sent_chars[1, k] = table[end - 1, _IDX] + table[end - 1, _LENGTH]
    _running_total(doc_sents)

    for k in range(n_words):
        m += counted[sent_id[words[k]]]
    kept_ids_arr = np.empty(m, dtype=np.int64)
    word_sent_arr = np.empty(m, dtype=np.int64)
    word_chars_arr = np.empty((2, m), dtype=np.int64)
    sent_words_arr = np.zeros(n_kept + 1, dtype=np.int64)
    thanks_arr = np.zeros(n_docs, dtype=bool)
    cdef int64_t[::1] kept_ids = kept_ids_arr, word_sent = word_sent_arr
    cdef int64_t[::1] sent_words = sent_words_arr
    cdef int64_t[:, ::1] word_chars = word_chars_arr
    cdef unsigned char[::1] thanks = thanks_arr.view(np.uint8)
    m = 0
    for k in range(n_words):
        t = words[k]
        s = sent_id[t]
        if not counted[s]:
            continue
        kept_ids[m], word_sent[m] = word_ids[k], renumber[s]
        word_chars[0, m] = table[t, _IDX]
        word_chars[1, m] = table[t, _IDX] + table[t, _LENGTH]
        sent_words[renumber[s] + 1] += 1
        if vocab_thanks[word_ids[k]]:
            thanks[sent_doc[renumber[s]]] = 1
        m += 1
    _running_total(sent_words)

    cues_arr = np.empty(cue_first.shape[0], dtype=np.int64)
    negated_arr = np.zeros(cue_first.shape[0], dtype=bool)
    cue_chars_arr = np.empty((2, cue_first.shape[0]), dtype=np.int64)
    sent_cues_arr = np.zeros(n_kept + 1, dtype=np.int64)
    cdef int64_t[::1] cues = cues_arr, sent_cues = sent_cues_arr
    cdef unsigned char[::1] negated = negated_arr.view(np.uint8)
    cdef int64_t[:, ::1] cue_chars = cue_chars_arr
    for k in range(cue_first.shape[0]):
        first, last = cue_first[k], cue_last[k]
        s = sent_id[first]
        if s != sent_id[last] or not counted[s]:
            continue
        cues[n_cues] = k
        negated[n_cues] = negations[first] > negations[max(sent_starts[s],
                                                           first - negation_window)]
        cue_chars[0, n_cues] = table[first, _IDX]
        cue_chars[1, n_cues] = table[last, _IDX] + table[last, _LENGTH]
        sent_cues[renumber[s] + 1] += 1
        n_cues += 1
    _running_total(sent_cues)
    return {
        "doc_sents": doc_sents_arr, "sent_doc": sent_doc_arr, "sent_tokens": sent_tokens_arr,
        "sent_chars": sent_chars_arr, "sent_words": sent_words_arr, "word_sent": word_sent_arr,
        "word_ids": kept_ids_arr, "word_chars": word_chars_arr, "sent_cues": sent_cues_arr,
        "cue_chars": cue_chars_arr[:, :n_cues], "cues": cues_arr[:n_cues],
        "negated": negated_arr[:n_cues], "thanks": thanks_arr,
    }


# -- the linear heads (see rebound_nlp.linear.LinearLayer) --------------------------------------

def layer_outputs(
    const int64_t[::1] indptr,
    const int64_t[::1] cols,
    const int64_t[::1] counts,
    const double[::1] idf,
    bint sublinear,
    const double[:, ::1] weights,
    const double[::1] bias,
    const int64_t[::1] group_starts,
    const int64_t[::1] group_widths,
):
    """TF-IDF rows through stacked logistic-regression heads.

    Row ``i`` counts ``counts[k]`` of feature ``cols[k]`` for ``k`` in
    ``indptr[i]:indptr[i + 1]``; its TF-IDF values are scaled to unit length.
    Returns ``(weighted, proba)``: how much each feature pushes each output
    (``value * weights[col]``), and each row's outputs, through a sigmoid for
    a head of one output and a softmax over each head of more.
    """
    cdef Py_ssize_t n = indptr.shape[0] - 1, nnz = cols.shape[0], width = weights.shape[1]
    cdef Py_ssize_t i, k, j, g, a, b
    cdef double norm, top, total
    weighted_arr = np.empty((nnz, width), dtype=np.float64)
    proba_arr = np.empty((n, width), dtype=np.float64)
    values_arr = np.empty(nnz, dtype=np.float64)
    cdef double[:, ::1] weighted = weighted_arr, proba = proba_arr
    cdef double[::1] values = values_arr
    for i in range(n):
        norm = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            values[k] = (log(<double>counts[k]) + 1.0 if sublinear else <double>counts[k]) * idf[cols[k]]
            norm += values[k] * values[k]
        norm = sqrt(norm)
        for j in range(width):
            proba[i, j] = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            values[k] /= norm
            for j in range(width):
                weighted[k, j] = values[k] * weights[cols[k], j]
                proba[i, j] += weighted[k, j]
        for j in range(width):
            proba[i, j] += bias[j]
        for g in range(group_starts.shape[0]):
            a, b = group_starts[g], group_starts[g] + group_widths[g]
            if b - a == 1:
                proba[i, a] = 1.0 / (1.0 + exp(-proba[i, a]))
                continue
            top = proba[i, a]
            for j in range(a + 1, b):
                top = max(top, proba[i, j])
            total = 0.0
            for j in range(a, b):
                proba[i, j] = exp(proba[i, j] - top)
                total += proba[i, j]
            for j in range(a, b):
                proba[i, j] /= total
    return weighted_arr, proba_arr


# -- evidence (see rebound_nlp.classify.Model._evidence) --------------------------------------

cdef inline bint _before(const int64_t[:, :] spans, Py_ssize_t k, Py_ssize_t other) noexcept:
    """Whether phrase ``k`` comes before ``other`` of an equal push: longer, or as long and earlier."""
    cdef int64_t length = spans[1, k] - spans[0, k], other_length = spans[1, other] - spans[0, other]
    return length > other_length or length == other_length and spans[0, k] < spans[0, other]


def pick_evidence(const double[:, ::1] weighted, const unsigned char[::1] usable,
                  const int64_t[:, :] spans, str text, list outputs, Py_ssize_t size):
    """The phrases of ``text`` that push hardest towards each of ``outputs``.

    Each output is a list of ``(column, sign)``: feature ``k`` pushes it by
    the sum of ``sign * weighted[k, column]``.  The features that push it
    (by more than 0) are taken strongest first; of equals (features that
    always come together, such as a word and the cue phrase around it), the
    longest phrase first, then the earliest in the text;
    a feature that is not ``usable`` is passed over, as is a phrase
    (``text[spans[0, k]:spans[1, k]]``) that holds or is held by one already
    taken.  Returns a tuple of at most ``size`` phrases per output.
    """
    cdef Py_ssize_t n = weighted.shape[0], k, j, best
    push_arr = np.empty(n, dtype=np.float64)
    taken_arr = np.empty(n, dtype=np.uint8)
    cdef double[::1] push = push_arr
    cdef unsigned char[::1] taken = taken_arr
    cdef Py_ssize_t column
    cdef double sign
    found = []
    for output in outputs:
        column, sign = output[0]
        for k in range(n):
            push[k] = weighted[k, column] * sign
        for j in range(1, len(output)):
            column, sign = output[j]
            for k in range(n):
                push[k] += sign * weighted[k, column]
        taken[:] = 0
        phrases = []
        while len(phrases) < size:
            best = -1
            for k in range(n):
                if not taken[k] and push[k] > 0 and (best < 0 or push[k] > push[best] or
                                                     push[k] == push[best] and _before(spans, k, best)):
                    best = k
            if best < 0:
                break
            taken[best] = 1
            if not usable[best]:
                continue
            phrase = text[spans[0, best]:spans[1, best]]
            if not any(phrase in f or f in phrase for f in phrases):
                phrases.append(phrase)
        found.append(tuple(phrases))
    return found


# -- sentence starts (see rebound_nlp.nlp.pipeline) ------------------------------------------

# Columns of the token table that the sentence components ask spaCy for.
cdef enum:
    _S_IDX, _S_LENGTH, _S_START, _S_PUNCT, _S_NUM, _S_ORTH

# SENT_START of a token that does not start a sentence, as a uint64 array holds -1.
cdef uint64_t _NOT_START = <uint64_t>-1


cdef inline bint _is_line_end(Py_UCS4 c) noexcept:
    return c == u"." or c == u"!" or c == u"?" or c == u":" or c == u";"


cdef inline bint _is_bullet(Py_UCS4 c) noexcept:
    return c == u"-" or c == u"*" or c == u"•" or c == u"·" or c == u"\u2013" or c == u"o"


cdef bint _breaks(str text, const uint64_t[:, :] table, Py_ssize_t i, Py_ssize_t short_line):
    """Whether the line break in token ``i`` (or in the whitespace after it) ends a sentence."""
    cdef Py_ssize_t n = table.shape[0], start = table[i, _S_IDX]
    cdef Py_ssize_t following = table[i + 1, _S_IDX], k, newlines = 0, last
    for k in range(start, following + 1):
        if text[k] == u"\n":
            newlines += k < following
            if newlines >= 2 or k > start and text[k - 1] == u"\n":
                return True  # a blank line: a new paragraph
    if table[i + 1, _S_LENGTH] == 1 and _is_bullet(text[following]):
        return True
    if (i + 2 < n and table[i + 2, _S_LENGTH] == 1 and table[i + 1, _S_NUM]
            and text[table[i + 2, _S_IDX]] in u".)"):
        return True  # a numbered list: "2." or "2)"
    # The text before the break: this token, or the one before if this is whitespace.
    last = i
    if i:
        for k in range(start, start + <Py_ssize_t>table[i, _S_LENGTH]):
            if not Py_UNICODE_ISSPACE(text[k]):
                break
        else:
            last = i - 1
    if _is_line_end(text[table[last, _S_IDX] + table[last, _S_LENGTH] - 1]):
        return True
    k = start - 1
    while k >= 0 and text[k] != u"\n":
        k -= 1
    return start - (k + 1) < short_line


def sentence_starts(str text, const uint64_t[:, :] table, Py_ssize_t short_line,
                    const uint64_t[::1] punct_keys):
    """Sentence starts of a Doc's tokens (a ``SENT_START`` column: 1, -1 or unset 0).

    First at line breaks: each token after a line break starts a sentence or
    not by :func:`rebound_nlp.nlp.pipeline.line_breaks`' rules.  Then, unless
    ``punct_keys`` is empty, every token still unset is decided as spaCy's
    sentencizer does with the punctuation whose ``ORTH`` keys (sorted) these
    are: a sentence starts at the first token that is not punctuation after
    one of them.
    """
    cdef Py_ssize_t n = table.shape[0], i, k, start
    if n and table[n - 1, _S_IDX] + table[n - 1, _S_LENGTH] > <uint64_t>len(text):
        raise ValueError("the text is shorter than the Doc's tokens: not the Doc's text")
    out = np.empty(n, dtype=np.uint64)
    cdef uint64_t[::1] starts = out
    for i in range(n):
        starts[i] = table[i, _S_START]
    # The token after the one holding each line break (the last one starting
    # at or before it); each once.
    cdef Py_ssize_t decided = -1
    i = 0
    for k in range(len(text)):
        if text[k] != u"\n":
            continue
        while i + 1 < n and <Py_ssize_t>table[i + 1, _S_IDX] <= k:
            i += 1
        if i + 1 < n and i != decided:
            starts[i + 1] = 1 if _breaks(text, table, i, short_line) else _NOT_START
            decided = i
    if punct_keys.shape[0] == 0 or n == 0:
        return out
    # spaCy's sentencizer, on the tokens left unset.
    cdef bint seen_end = False, is_end
    guesses_arr = np.zeros(n, dtype=np.uint8)
    cdef unsigned char[::1] guesses = guesses_arr
    guesses[0] = 1
    start = 0
    for i in range(n):
        is_end = _among(table[i, _S_ORTH], punct_keys)
        if seen_end and not table[i, _S_PUNCT] and not is_end:
            guesses[start] = 1
            start = i
            seen_end = False
        elif is_end:
            seen_end = True
    guesses[start] = 1
    for i in range(n):
        if starts[i] == 0:
            starts[i] = 1 if guesses[i] else _NOT_START
    return out


cdef inline bint _among(uint64_t key, const uint64_t[::1] sorted_keys) noexcept:
    cdef Py_ssize_t low = 0, high = sorted_keys.shape[0], mid
    while low < high:
        mid = (low + high) // 2
        if sorted_keys[mid] < key:
            low = mid + 1
        else:
            high = mid
    return low < sorted_keys.shape[0] and sorted_keys[low] == key


def batch_vocabulary(const uint64_t[::1] keys, dict known, object new_entry):
    """Number the distinct word keys of a batch in order of first sight.

    ``known`` maps a key to its entry (text, starts with a letter or digit,
    says thank you, is a negation, hash, length); a key it lacks gets
    ``new_entry(key)``, and keeps it.  Returns ``(word_ids, texts, alnum,
    thanks, negation, hashes, lengths)``: each word's number, and the entries
    of the numbered words as columns.
    """
    cdef Py_ssize_t n = keys.shape[0], k, j
    ids_arr = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] ids = ids_arr
    cdef dict index = {}
    cdef list entries = []
    for k in range(n):
        key = keys[k]
        found = index.get(key)
        if found is None:
            found = index[key] = len(entries)
            entry = known.get(key)
            if entry is None:
                entry = known[key] = new_entry(key)
            entries.append(entry)
        ids[k] = found
    cdef Py_ssize_t m = len(entries)
    texts = [None] * m
    alnum_arr, thanks_arr, negation_arr = (np.empty(m, dtype=np.uint8) for _ in range(3))
    hashes_arr = np.empty(m, dtype=np.uint64)
    lengths_arr = np.empty(m, dtype=np.int64)
    cdef unsigned char[::1] alnum = alnum_arr, thanks = thanks_arr, negation = negation_arr
    cdef uint64_t[::1] hashes = hashes_arr
    cdef int64_t[::1] lengths = lengths_arr
    for j in range(m):
        entry = entries[j]
        texts[j] = entry[0]
        alnum[j], thanks[j], negation[j] = entry[1], entry[2], entry[3]
        hashes[j], lengths[j] = entry[4], entry[5]
    return ids_arr, texts, alnum_arr, thanks_arr, negation_arr, hashes_arr, lengths_arr
