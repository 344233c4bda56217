"""The batched prediction path gives what the plain per-email path gave.

The reference below is the straightforward implementation the fast path
replaced: token by token, features as strings, one sparse row per email
(scipy), line breaks judged on Token objects.  On the corpus's test split and
on awkward texts both agree: the same kinds, probabilities equal to 1e-12,
the same feedback sentences, evidence and cues, and the same feature names
for training.
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Token

from rebound_nlp import load_model
from rebound_nlp.classify import (
    BINARY_HEADS,
    FEEDBACK_HEAD,
    STAGE_UNKNOWN,
    Model,
    Prediction,
    SentencePrediction,
)
from rebound_nlp.decisions import OperatingPoints, decide_email
from rebound_nlp.features import email_features, sentence_features, sentences
from rebound_nlp.labels import FEEDBACK_CATEGORIES, KINDS, REASONS, STAGES, TONES
from rebound_nlp.linear import LinearLayer
from rebound_nlp.nlp import CUE_EXTENSION, get_nlp, make_docs
from rebound_nlp.nlp.patterns import EMAIL_CUES

# -- the reference: the per-email path, as it was ------------------------------------------

SHORT_LINE = 50
BULLETS = frozenset({"-", "*", "•", "·", "\u2013", "o"})
KEEP_PUNCT = frozenset({"!", "?"})
GENERIC_GREETING = frozenset(
    {"applicant", "candidate", "there", "all", "sir", "madam", "team", "colleague"})
GREETING_WORDS = frozenset({"dear", "hi", "hello", "hey", "good", "greetings"})
THANKS = frozenset({"thank", "thanks", "appreciate", "appreciated", "grateful"})
NEGATIONS = frozenset({"not", "no", "never", "unable", "cannot", "neither", "nor", "without"})
CONJUNCTIONS = (("REJECT", "NONJOB"), ("REGRET", "NONJOB"), ("REGRET", "RESCHEDULE"),
                ("REGRET", "INVITE"), ("REGRET", "OFFER"), ("REGRET", "ACK"), ("REJECT", "MET"),
                ("REJECT", "APPLIED"), ("POSITION", "MET"), ("PRAISE", "CLOSE_CALL"))
TOPICS = ("s:SKILLS", "s:EXPERIENCE", "s:PERFORMANCE", "s:CULTURE", "s:LOGISTICS")
EVIDENCE_CUES = frozenset({"JOB", "REJECT", "OFFER", "INVITE", "ACK", "APPLIED",
                           "FEEDBACK_OFFER", "FUTURE", "CLOSE_CALL"})
JOB_WORDS = frozenset(p for p in EMAIL_CUES["JOB"] if " " not in p)


def ref_breaks(doc: Doc, token: Token, full: str) -> bool:
    text = token.text_with_ws
    if text.count("\n") >= 2 or "\n\n" in full[token.idx : token.idx + len(text) + 1]:
        return True
    following = doc[token.i + 1]
    if following.text in BULLETS or (following.like_num and following.i + 1 < len(doc)
                                    and doc[following.i + 1].text in {".", ")"}):
        return True
    previous = token if not token.is_space else doc[token.i - 1] if token.i else token
    if previous.text[-1:] in {".", "!", "?", ":", ";"}:
        return True
    line_start = full.rfind("\n", 0, token.idx) + 1
    return token.idx - line_start < SHORT_LINE


@Language.component("test_reference_line_breaks")
def ref_line_breaks(doc: Doc) -> Doc:
    text = doc.text
    pos = text.find("\n")
    starts = [t.idx for t in doc]
    last = -1
    while pos >= 0:
        i = int(np.searchsorted(starts, pos, side="right")) - 1
        if i != last and i + 1 < len(doc):
            doc[i + 1].is_sent_start = ref_breaks(doc, doc[i], text)
            last = i
        pos = text.find("\n", pos + 1)
    return doc


@functools.cache
def reference_nlp() -> Language:
    get_nlp()  # registers the cue extension
    nlp = spacy.blank("en")
    nlp.add_pipe("test_reference_line_breaks")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("rebound_cues")
    return nlp


class RefWords:
    def __init__(self, doc: Doc) -> None:
        self.sentences: list[Any] = []
        self.words: list[list[tuple[int, int, str]]] = []
        self.cues: list[list[tuple[str, int, int]]] = []
        self.thanks = False
        bounds = []
        for sent in doc.sents:
            found = []
            for t in sent:
                if t.is_space or (t.is_punct and t.norm_ not in KEEP_PUNCT):
                    continue
                norm = ("<url>" if t.like_url else "<email>" if t.like_email
                        else "<num>" if t.like_num else t.norm_)
                found.append((t.idx, t.idx + len(t.text), norm))
            if not any(w[2][:1].isalnum() for w in found):
                continue
            self.thanks = self.thanks or any(w[2] in THANKS for w in found)
            self.sentences.append(sent)
            self.words.append(found)
            self.cues.append([])
            bounds.append((sent.start, sent.end))
        k = 0
        for label, start, end in sorted(doc._.get(CUE_EXTENSION) or [], key=lambda c: c[1]):
            while k < len(bounds) and bounds[k][1] <= start:
                k += 1
            if k == len(bounds):
                break
            if start < bounds[k][0] or end > bounds[k][1]:
                continue
            window = doc[max(bounds[k][0], start - 6):start]
            if any(t.norm_ in NEGATIONS for t in window):
                label += "~neg"
            self.cues[k].append((label, doc[start].idx, doc[end - 1].idx + len(doc[end - 1])))
        self.greeting = "none"
        first = self.words[0] if self.words else []
        if first and first[0][2] in GREETING_WORDS:
            self.greeting = "generic"
            for start, end, norm in first[1:4]:
                surface = doc.text[start:end]
                if norm in GREETING_WORDS or not surface.isalpha():
                    continue
                self.greeting = ("named" if norm not in GENERIC_GREETING and surface.istitle()
                                 else "generic")
                break


def bucket(n: int, edges: Sequence[int]) -> str:
    return next((f"<={e}" for e in edges if n <= e), f">{edges[-1]}")


def ngrams(add: Any, words: Sequence[tuple[int, int, str]]) -> None:
    for start, end, norm in words:
        add("w:" + norm, (start, end))
    for (start, _, a), (_, end, b) in itertools.pairwise(words):
        add(f"b:{a} {b}", (start, end))


class RefFeatures:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.spans: dict[str, tuple[int, int]] = {}

    def add(self, name: str, span: tuple[int, int] | None = None) -> None:
        self.names.append(name)
        if span is not None:
            self.spans.setdefault(name, span)


def ref_email_features(rw: RefWords, subject: str) -> RefFeatures:
    fs = RefFeatures()
    for word in subject.lower().split():
        fs.add("s:" + word.strip(".,:;!?()[]\"'"))
    for words in rw.words:
        ngrams(fs.add, words)
    labels = set()
    for hits in rw.cues:
        for label, start, end in hits:
            if not label.startswith("s:"):
                labels.add(label)
                fs.add("c:" + label, (start, end))
    for a, b in CONJUNCTIONS:
        if a in labels and b in labels:
            fs.add(f"x:{a}+{b}")
    fs.add("len:" + bucket(sum(map(len, rw.words)), (15, 40, 80, 160, 300)))
    fs.add("greet:" + rw.greeting)
    if not rw.thanks:
        fs.add("x:no_thanks")
    return fs


def ref_sentence_features(rw: RefWords, index: int) -> RefFeatures:
    fs = RefFeatures()
    ngrams(fs.add, rw.words[index])
    labels = set()
    for label, start, end in rw.cues[index]:
        labels.add(label)
        fs.add("c:" + label, (start, end))
    if "s:YOU" in labels:
        for topic in TOPICS:
            if topic in labels:
                fs.add(f"x:YOU+{topic}")
    fs.add("slen:" + bucket(len(rw.words[index]), (4, 10, 20, 35)))
    last = len(rw.sentences) - 1
    fs.add("pos:" + ("first" if index == 0 else "last" if index == last else "mid"))
    return fs


class RefLayer:
    """A layer applied one item at a time, its vocabulary a dict of names."""

    def __init__(self, layer: LinearLayer) -> None:
        self.layer = layer
        self.vocabulary = {str(n): col for col, n in enumerate(layer.names)}

    def vectorize(self, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(self.vocabulary[n] for n in names if n in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        cols = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.layer.sublinear:
            tf = np.log(tf) + 1.0
        values = tf * self.layer.idf[cols]
        values /= np.sqrt(values @ values)
        return cols, values

    def proba(self, items: Sequence[tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
        indptr = np.zeros(len(items) + 1, dtype=np.intp)
        np.cumsum([len(c) for c, _ in items], out=indptr[1:])
        x = sparse.csr_matrix(
            (np.concatenate([v for _, v in items]), np.concatenate([c for c, _ in items]),
             indptr), shape=(len(items), len(self.vocabulary)))
        scores = np.asarray(x @ self.layer.weights) + self.layer.bias
        out = {}
        for name, where in self.layer.columns.items():
            z = scores[:, where]
            if z.shape[1] == 1:
                p = 1.0 / (1.0 + np.exp(-z[:, 0]))
                out[name] = np.column_stack([1.0 - p, p])
            else:
                e = np.exp(z - z.max(axis=1, keepdims=True))
                out[name] = e / e.sum(axis=1, keepdims=True)
        return out

    def towards(self, cols: np.ndarray, values: np.ndarray, name: str, label: Any
                ) -> np.ndarray:
        where, classes = self.layer.columns[name], self.layer.classes[name]
        if where.stop - where.start == 1:
            sign = 1.0 if label == classes[1] else -1.0
            return np.asarray(sign * values * self.layer.weights[cols, where.start])
        return np.asarray(values * self.layer.weights[cols, where.start + classes.index(label)])


ref_layer = functools.cache(RefLayer)


def distribution(layer: LinearLayer, name: str, proba: dict[str, np.ndarray],
                 labels: Sequence[str]) -> dict[str, float]:
    if name not in proba:
        return {}
    classes = layer.classes[name]
    return {c: float(proba[name][0][classes.index(c)]) if c in classes else 0.0 for c in labels}


def ref_predict(model: Model, doc: Doc, subject: str, points: OperatingPoints) -> Prediction:
    email, sent_layer = ref_layer(model._email_layer), ref_layer(model._sentence_layer)
    layer, text, rw = model._email_layer, doc.text, RefWords(doc)
    feats = ref_email_features(rw, subject)
    cols, values = email.vectorize(feats.names)
    proba = email.proba([(cols, values)])
    probs = {n: float(proba[n][0][layer.classes[n].index(True)]) for n in BINARY_HEADS
             if n in proba}
    tone = distribution(layer, "tone", proba, TONES)
    stage = distribution(layer, "stage", proba, (*STAGES, STAGE_UNKNOWN))
    evidence = sum(label.partition("~")[0] in EVIDENCE_CUES
                   for hits in rw.cues for label, _, _ in hits)
    evidence += sum(w.strip(".,:;!?()[]\"'-") in JOB_WORDS for w in subject.lower().split())
    kind, kind_p, rejection = decide_email(distribution(layer, "kind", proba, KINDS),
                                           probs.pop("rejection", None), evidence, points)

    feedback: list[SentencePrediction] = []
    categories = [c for c in FEEDBACK_CATEGORIES if c in sent_layer.layer.columns]
    if (kind == "rejection" and FEEDBACK_HEAD in sent_layer.layer.columns and rw.sentences
            and categories):
        sp = sent_layer.proba([sent_layer.vectorize(ref_sentence_features(rw, k).names)
                               for k in range(len(rw.sentences))])
        for index, sent in enumerate(rw.sentences):
            p_feedback = float(sp[FEEDBACK_HEAD][index, 1])
            if p_feedback < points.feedback:
                continue
            p_cat = [float(sp[c][index, 1]) for c in categories]
            best = int(np.argmax(p_cat))
            start = sent.start_char
            end = start + len(text[start : sent.end_char].rstrip())
            feedback += [SentencePrediction(c, start, end, p_feedback * p)
                         for j, (c, p) in enumerate(zip(categories, p_cat, strict=True))
                         if j == best or p >= points.category]

    def phrases(contrib: np.ndarray) -> tuple[str, ...]:
        # Strongest first; of equal pushes, the longest phrase, then the earliest.
        places = [feats.spans.get(str(layer.names[c])) for c in cols]
        found: list[str] = []
        for k in sorted(range(len(contrib)), key=lambda k: (
                -contrib[k], *((-(p[1] - p[0]), p[0]) if (p := places[k]) else (0, 0)))):
            if contrib[k] <= 0 or len(found) == 3:
                break
            name = str(layer.names[cols[k]])
            if name.startswith("w:") and name[2:] in STOP_WORDS:
                continue
            span = places[k]
            if span is None:
                continue
            phrase = text[span[0] : span[1]]
            if not any(phrase in f or f in phrase for f in found):
                found.append(phrase)
        return tuple(found)

    def towards(name: str, label: Any) -> np.ndarray:
        return email.towards(cols, values, name, label)

    ev: dict[str, tuple[str, ...]] = {}
    is_rejection = kind == "rejection"
    if "kind" in layer.columns:
        if kind is not None:
            ev["kind"] = phrases(towards("kind", kind))
        ev["rejection"] = (ev.get("kind", ()) if is_rejection
                           else phrases(-towards("kind", "rejection")))
    elif "rejection" in layer.columns:
        ev["rejection"] = phrases(towards("rejection", is_rejection))
    if is_rejection:
        for name, dist in (("tone", tone), ("stage", stage)):
            if dist:
                ev[name] = phrases(towards(name, max(dist, key=dist.__getitem__)))
        reason_heads = [r for r in REASONS if r in probs]
        if reason_heads:
            found = [r for r in reason_heads if probs[r] >= points.flags]
            ev["reasons"] = phrases(np.asarray(
                sum(towards(r, bool(found)) for r in (found or reason_heads))))
        for name in ("future_invite", "feedback_offer"):
            if name in probs:
                ev[name] = phrases(towards(name, probs[name] >= points.flags))
    cues: dict[str, str] = {}
    for hits in rw.cues:
        for label, start, end in hits:
            if not label.startswith("s:") and not label.endswith("~neg"):
                cues.setdefault(label, text[start:end])
    return Prediction(kind, kind_p, rejection, tone, stage, probs, tuple(feedback), ev, cues)


# -- the comparison ------------------------------------------------------------------------

AWKWARD = [
    "", "   ", "\n\n\n", "!!!", "12345", "https://example.org/jobs", "jo@example.org",
    "hi", "Dear Sam,\nThanks", "Dear Applicant,\n\nUnfortunately we will not be moving forward.",
    "a\n\nb", "Line one\n- bullet\n* other\n1. first\n2) second\nend.",
    "x" * 200 + " unfortunately not selected " + "y" * 90,
    "Résumé reçu. Nous regrettons: pas retenu. 🙂 Thanks!",
    "We regret to inform you that we cannot offer you the position; no feedback is available.",
    "Hello there\nThis line is a long hard-wrapped line of prose that goes on and on\nand "
    "continues here. We were not able to offer you the role.\n\nBest,\nAnn",
    "Thank you for applying. We are not moving forward. We would be happy to share "
    "feedback: your SQL skills and experience with data modelling were not strong enough.",
]


@pytest.fixture(scope="module")
def test_split(corpus: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Every other email of the test split."""
    return [{"body": r["body"], "subject": r["subject"] or ""} for r in corpus
            if r["split"] == "test"][::2]


def assert_same(got: Prediction, want: Prediction) -> None:
    assert got.kind == want.kind
    assert got.rejection_probability == pytest.approx(want.rejection_probability, abs=1e-12)
    for field in ("kind_probabilities", "tone_probabilities", "stage_probabilities",
                  "probabilities"):
        g, w = getattr(got, field), getattr(want, field)
        assert list(g) == list(w), field
        assert np.allclose(list(g.values()), list(w.values()), rtol=0, atol=1e-12), field
    assert [(f.category, f.start, f.end) for f in got.feedback] == [
        (f.category, f.start, f.end) for f in want.feedback]
    assert np.allclose([f.probability for f in got.feedback],
                       [f.probability for f in want.feedback], rtol=0, atol=1e-12)
    assert got.evidence == want.evidence
    assert got.cues == want.cues


def compare(model: Model, records: Sequence[dict[str, str]], points: OperatingPoints, *,
            one_by_one: bool = False) -> None:
    nlp = reference_nlp()
    bodies = [r["body"] for r in records]
    subjects = [r["subject"] for r in records]
    docs = list(make_docs(bodies))
    got = ([p for d, s in zip(docs, subjects, strict=True)
            for p in model.predict([d], [s], points=points)] if one_by_one
           else model.predict(docs, subjects, points=points))
    for doc, ref_doc, subject, pred in zip(docs, nlp.pipe(bodies), subjects, got, strict=True):
        assert doc.to_array("SENT_START").tolist() == ref_doc.to_array("SENT_START").tolist()
        assert_same(pred, ref_predict(model, ref_doc, subject, points))


def test_fast_path_equals_reference_on_test_split(test_split: list[dict[str, str]]) -> None:
    model = load_model()
    compare(model, test_split, model.operating_points)


@pytest.mark.parametrize("one_by_one", [False, True], ids=["batch", "one-by-one"])
def test_fast_path_equals_reference_on_awkward_texts(one_by_one: bool) -> None:
    records = [{"body": b, "subject": s} for b in AWKWARD
               for s in ("", "Re: Your application (Data Analyst)!")]
    compare(load_model(), records, load_model().operating_points, one_by_one=one_by_one)


@pytest.mark.parametrize("only", [("reasons", "feedback_offer", "future_invite"),
                                  ("rejection",), ("kind", "tone"), ()])
def test_evidence_for_some_decisions_is_theirs_of_all(test_split: list[dict[str, str]],
                                                      only: tuple[str, ...]) -> None:
    """Evidence asked for some decisions is what all would give them; the rest is the same."""
    model = load_model()
    records = test_split[:120]
    docs = list(make_docs(r["body"] for r in records))
    subjects = [r["subject"] for r in records]
    full = model.predict(docs, subjects)
    some = model.predict(docs, subjects, evidence=only)
    assert any(p.evidence for p in some) == bool(only)
    for got, want in zip(some, full, strict=True):
        assert got.evidence == {k: v for k, v in want.evidence.items() if k in only}
        assert_same(replace(got, evidence=want.evidence), want)


def test_fast_path_one_email_at_a_time(test_split: list[dict[str, str]]) -> None:
    """advise() predicts one email per call: the same as in a batch."""
    compare(load_model(), test_split[:40], load_model().operating_points, one_by_one=True)


def test_fast_path_equals_reference_at_other_operating_points(
        test_split: list[dict[str, str]]) -> None:
    points = OperatingPoints(rejection=0.3, flags=0.2, feedback=0.2, category=0.3,
                             min_job_cues=2)
    compare(load_model(), test_split[:120], points)


def _layer_without_kind(layer: LinearLayer, *, rejection: bool) -> LinearLayer:
    """The shipped layer with its kind head replaced by a yes/no rejection head (or none)."""
    keep = [n for n in layer.columns if n != "kind"]
    weights = [layer.weights[:, layer.columns[n]] for n in keep]
    bias = [layer.bias[layer.columns[n]] for n in keep]
    classes = {n: layer.classes[n] for n in keep}
    widths = {n: layer.columns[n].stop - layer.columns[n].start for n in keep}
    if rejection:
        kind = layer.columns["kind"]
        weights.insert(0, layer.weights[:, kind.start : kind.start + 1])
        bias.insert(0, layer.bias[kind.start : kind.start + 1])
        classes = {"rejection": [False, True], **classes}
        widths = {"rejection": 1, **widths}
    return LinearLayer(layer.names, layer.idf, layer.sublinear, np.hstack(weights),
                       np.concatenate(bias), classes, widths)


@pytest.mark.parametrize("rejection", [True, False], ids=["rejection-head", "no-kind-head"])
def test_fast_path_equals_reference_without_kind_head(
        test_split: list[dict[str, str]], rejection: bool) -> None:
    shipped = load_model()
    model = Model.from_layers(_layer_without_kind(shipped._email_layer, rejection=rejection),
                              shipped._sentence_layer, lambda: None,  # type: ignore[arg-type,return-value]
                              shipped.manifest)
    compare(model, test_split[:60], shipped.operating_points)


def test_training_features_equal_reference(test_split: list[dict[str, str]]) -> None:
    nlp = reference_nlp()
    records = test_split[:150] + [{"body": b, "subject": "Re: job"} for b in AWKWARD]
    bodies = [r["body"] for r in records]
    for doc, ref_doc, r in zip(make_docs(bodies), nlp.pipe(bodies), records, strict=True):
        rw = RefWords(ref_doc)
        want = ref_email_features(rw, r["subject"])
        got = email_features(doc, r["subject"])
        assert (got.names, got.spans) == (want.names, want.spans)
        assert [(s.start, s.end) for s in sentences(doc)] == [
            (s.start, s.end) for s in rw.sentences]
        for k in range(len(rw.sentences)):
            want = ref_sentence_features(rw, k)
            got = sentence_features(doc, k)
            assert (got.names, got.spans) == (want.names, want.spans)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["\n", "\n\n", " ", "  ", "word", "Word", ".", ":", "-", "•",
                                 "1", "2.", ")", "o", "x" * 55, "!", "\t", "?", "...", '"',
                                 "\u3002", "\r\n", "e.g."]), max_size=40))
def test_line_breaks_equal_reference(parts: list[str]) -> None:
    text = "".join(parts)
    want = reference_nlp()(text)
    got = get_nlp()(text)
    assert got.to_array("SENT_START").tolist() == want.to_array("SENT_START").tolist()
