"""The classifier: email-level heads and a sentence-level feedback head.

A :class:`Model` holds fitted scikit-learn objects (vectorizers and logistic
regressions) and predicts with their weights stacked into a
:class:`~rebound_nlp.linear.LinearLayer`; a loaded model has the layers first
and reads the estimators only when asked.  The spaCy pipeline is rebuilt from
code, never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from spacy.tokens import Doc

from rebound_nlp._kernel import pick_evidence
from rebound_nlp.decisions import OperatingPoints, decide_email
from rebound_nlp.errors import DocError, ModelError
from rebound_nlp.features import (
    DocBatch,
    FeatureIndex,
    email_items,
    job_evidence,
    read_docs,
    sentence_items,
)
from rebound_nlp.labels import FEEDBACK_CATEGORIES, KINDS, REASONS, STAGES, TONES, Kind
from rebound_nlp.linear import LinearLayer
from rebound_nlp.nlp import CUE_EXTENSION
from rebound_nlp.nlp.patterns import NEGATED, SENTENCE_CUE_PREFIX

__all__ = ["BINARY_HEADS", "EMAIL_HEADS", "FEEDBACK_HEAD", "STAGE_UNKNOWN", "Model", "Prediction"]

#: Label the stage head uses for "cannot tell" (``stage=None`` in the schema).
STAGE_UNKNOWN = "unknown"
#: The sentence head that tells feedback sentences from the rest; the
#: per-category sentence heads then name the kind of feedback.
FEEDBACK_HEAD = "feedback"
#: Email heads with a yes/no answer; reasons get one head each.
#: Email heads with a yes/no answer; reasons get one head each.  ``rejection``
#: is the yes/no head of models trained without ``kind`` labels.
BINARY_HEADS = ("rejection", *REASONS, "future_invite", "feedback_offer")
EMAIL_HEADS = ("kind", "rejection", "tone", "stage", *REASONS, "future_invite", "feedback_offer")
_EVIDENCE_SIZE = 3
# Emails per chunk of predict(): enough for the matrix products to pay, few
# enough that a chunk's arrays stay small.
_CHUNK = 256
_Estimators = tuple[Any, dict[str, Any], Any, dict[str, Any]]
"""Email vectorizer, email heads, sentence vectorizer, sentence heads."""


@dataclass(frozen=True, slots=True)
class SentencePrediction:
    """A sentence judged to carry feedback of ``category``."""

    category: str
    start: int
    end: int
    probability: float


@dataclass(frozen=True, slots=True)
class Prediction:
    """Head outputs for one email and its kind, before they become an Advice."""

    kind: Kind | None
    """The decided kind; ``None`` for a non-rejection of a model without a kind head."""
    kind_probabilities: dict[str, float]
    rejection_probability: float
    tone_probabilities: dict[str, float]
    stage_probabilities: dict[str, float]
    probabilities: dict[str, float]
    feedback: tuple[SentencePrediction, ...]
    evidence: dict[str, tuple[str, ...]]
    cues: dict[str, str]
    """Email cue labels found, each with the first phrase that matched it."""


def _cue_phrases(text: str, labels: list[str], starts: list[int], ends: list[int]
                 ) -> dict[str, str]:
    """Email cues that are not negated, each with the first phrase that matched."""
    found: dict[str, str] = {}
    for label, start, end in zip(labels, starts, ends, strict=True):
        if (not label.startswith(SENTENCE_CUE_PREFIX) and not label.endswith(NEGATED)
                and label not in found):
            found[label] = text[start:end]
    return found


class Model:
    """Fitted heads plus the metadata of their manifest.

    Parameters
    ----------
    email_vectorizer, sentence_vectorizer : TfidfVectorizer
        Vectorizers over :class:`~rebound_nlp.features.FeatureSet` names.
    email_heads : mapping of str to classifier
        Any subset of :data:`EMAIL_HEADS`; missing heads predict nothing.
    sentence_heads : mapping of str to classifier
        One binary classifier per feedback category.
    manifest : dict
        What :func:`~rebound_nlp.load_model` read or training wrote.

    Inference reads only the stacked weights of :class:`LinearLayer`; a
    loaded model reads its scikit-learn objects when first asked for them.
    """

    def __init__(
        self,
        email_vectorizer: Any,
        email_heads: Mapping[str, Any],
        sentence_vectorizer: Any,
        sentence_heads: Mapping[str, Any],
        manifest: dict[str, Any] | None = None,
    ) -> None:
        self._estimators: _Estimators | None = (
            email_vectorizer, dict(email_heads), sentence_vectorizer, dict(sentence_heads))
        self._load_estimators: Callable[[], _Estimators] | None = None
        self.manifest = manifest or {}

    @classmethod
    def from_layers(
        cls,
        email_layer: LinearLayer,
        sentence_layer: LinearLayer,
        load_estimators: Callable[[], _Estimators],
        manifest: dict[str, Any],
    ) -> Model:
        """A model that predicts from stacked weights and reads its estimators
        with ``load_estimators`` only when they are needed."""
        model = cls.__new__(cls)
        model._estimators = None
        model._load_estimators = load_estimators
        model.manifest = manifest
        model.__dict__["_email_layer"] = email_layer
        model.__dict__["_sentence_layer"] = sentence_layer
        return model

    def _fitted(self) -> _Estimators:
        if self._estimators is None:
            if self._load_estimators is None:
                raise ModelError("This copy of the model holds only its stacked weights "
                                 "(it was sent to a worker process); load the model folder "
                                 "with load_model() to read its scikit-learn estimators.")
            self._estimators = self._load_estimators()
        return self._estimators

    def __getstate__(self) -> dict[str, Any]:
        # Worker processes need only the stacked weights: the loader of a saved
        # model's estimators (a closure) stays behind, and the feature indexes
        # (compiled hash tables) are rebuilt on first use.
        state = dict(self.__dict__)
        state["_email_layer"], state["_sentence_layer"] = self._email_layer, self._sentence_layer
        state["_load_estimators"] = None
        state.pop("_email_index", None)
        state.pop("_sentence_index", None)
        return state

    @property
    def email_vectorizer(self) -> Any:
        """The fitted email-level TfidfVectorizer."""
        return self._fitted()[0]

    @property
    def email_heads(self) -> dict[str, Any]:
        """The fitted email-level heads, by name."""
        return self._fitted()[1]

    @property
    def sentence_vectorizer(self) -> Any:
        """The fitted sentence-level TfidfVectorizer."""
        return self._fitted()[2]

    @property
    def sentence_heads(self) -> dict[str, Any]:
        """The fitted sentence-level heads: feedback, then one per category."""
        return self._fitted()[3]

    @property
    def heads(self) -> tuple[str, ...]:
        """Names of the email-level heads this model has."""
        return tuple(self._email_layer.columns)

    @property
    def sentence_head_names(self) -> tuple[str, ...]:
        """Names of the sentence-level heads this model has."""
        return tuple(self._sentence_layer.columns)

    @cached_property
    def _email_layer(self) -> LinearLayer:
        return LinearLayer.from_estimators(self.email_vectorizer, self.email_heads)

    @cached_property
    def _sentence_layer(self) -> LinearLayer:
        return LinearLayer.from_estimators(self.sentence_vectorizer, self.sentence_heads)

    def layer_arrays(self) -> dict[str, np.ndarray]:
        """The stacked weights of both layers as plain arrays (``layers.npz``)."""
        return {**self._email_layer.to_arrays("email."),
                **self._sentence_layer.to_arrays("sentences.")}

    @property
    def operating_points(self) -> OperatingPoints:
        """The thresholds this model decides with (from its manifest)."""
        return OperatingPoints.from_manifest(self.manifest)

    def feature_names(self) -> np.ndarray:
        """Names of the email-level features, in column order."""
        return self._email_layer.names

    def predict(self, docs: Sequence[Doc], subjects: Sequence[str], *,
                points: OperatingPoints | None = None,
                evidence: Collection[str] | None = None) -> list[Prediction]:
        """Predict every head for a batch of Docs (one per email).

        ``points`` overrides the model's :attr:`operating_points`; ``evidence``
        names the decisions to find evidence for (``"kind"``, ``"reasons"``,
        ...; all by default), and each Prediction's evidence holds those.  Feedback
        sentences are looked for only in emails judged rejections.  The batch
        is read in chunks: each head is one matrix product per chunk, over
        its emails or over the sentences of its rejections.  Raises
        :class:`~rebound_nlp.errors.DocError` for a Doc that rebound_nlp's
        pipeline did not make.
        """
        for doc in docs:
            # Without our cue annotations the features, and so the answers, would differ.
            if not Doc.has_extension(CUE_EXTENSION) or doc._.get(CUE_EXTENSION) is None:
                raise DocError(
                    f"This Doc has no rebound_nlp cue annotations (doc._.{CUE_EXTENSION}): it "
                    "was made by another spaCy pipeline. Make Docs with "
                    "rebound_nlp.nlp.make_doc(text), or add the 'rebound' component to your "
                    "pipeline (nlp.add_pipe('rebound'))."
                )
        points = points or self.operating_points
        if len(docs) != len(subjects):
            raise ValueError(f"predict() got {len(docs)} Docs but {len(subjects)} subjects; "
                             "pass one subject ('' for none) per Doc.")
        out: list[Prediction] = []
        for at in range(0, len(docs), _CHUNK):
            out += self._predict_chunk(docs[at:at + _CHUNK], subjects[at:at + _CHUNK], points,
                                       evidence)
        return out

    def prepare(self) -> None:
        """Build what prediction needs (stacked weights, feature indexes) now, not
        on first use: worker processes forked later then share it."""
        _ = self._email_index, self._sentence_index  # cached on first access

    @cached_property
    def _email_index(self) -> FeatureIndex:
        return FeatureIndex(self._email_layer.joined_names)

    @cached_property
    def _sentence_index(self) -> FeatureIndex:
        return FeatureIndex(self._sentence_layer.joined_names)

    def _predict_chunk(self, docs: Sequence[Doc], subjects: Sequence[str],
                       points: OperatingPoints, evidence: Collection[str] | None
                       ) -> list[Prediction]:
        layer = self._email_layer
        batch = read_docs(docs)
        rows = self._email_index.rows(email_items(batch, subjects))
        weighted, proba_array = layer.outputs(rows.indptr, rows.cols, rows.counts)
        proba = proba_array.tolist()
        yes = {name: layer.yes_column(name) for name in BINARY_HEADS if name in layer.columns}
        evidence_counts = job_evidence(batch, subjects) if "kind" in layer.columns else []
        heads = []
        for i, row in enumerate(proba):
            probs = {name: row[column] for name, column in yes.items()}
            tone = self._distribution("tone", row, TONES)
            stage = self._distribution("stage", row, (*STAGES, STAGE_UNKNOWN))
            kind, kind_p, rejection = decide_email(
                self._distribution("kind", row, KINDS), probs.pop("rejection", None),
                evidence_counts[i] if evidence_counts else 0, points)
            heads.append((kind, kind_p, rejection, tone, stage, probs))
        feedback = self._predict_sentences(
            batch, [i for i, h in enumerate(heads) if h[0] == "rejection"], points)
        # Lists for the per-email loop: numpy scalars cost more than the rest.
        indptr = rows.indptr.tolist()
        # Stop words and features without a place in the text are no evidence.
        usable = (~self._email_index.stop[rows.cols] & (rows.spans[0] >= 0)).view(np.uint8)
        cue_ptr = batch.sent_cues[batch.doc_sents].tolist()
        cue_starts, cue_ends = batch.cue_chars.tolist()
        out = []
        for i, (kind, kind_p, rejection, tone, stage, probs) in enumerate(heads):
            a, b = indptr[i], indptr[i + 1]
            text = batch.texts[i]
            c, d = cue_ptr[i], cue_ptr[i + 1]
            out.append(Prediction(
                kind=kind,
                kind_probabilities=kind_p,
                rejection_probability=rejection,
                tone_probabilities=tone,
                stage_probabilities=stage,
                probabilities=probs,
                feedback=feedback.get(i, ()),
                evidence=self._evidence(weighted[a:b], usable[a:b], rows.spans[:, a:b], text,
                                        kind, probs, tone, stage, points, evidence),
                cues=_cue_phrases(text, batch.cue_labels[c:d], cue_starts[c:d], cue_ends[c:d]),
            ))
        return out

    def _distribution(self, name: str, row: list[float], labels: Sequence[str]
                      ) -> dict[str, float]:
        layer = self._email_layer
        if name not in layer.columns:
            return {}
        proba, classes = layer.head_proba(row, name), layer.classes[name]
        return {c: proba[classes.index(c)] if c in classes else 0.0 for c in labels}

    def _predict_sentences(self, batch: DocBatch, docs: Sequence[int], points: OperatingPoints
                           ) -> dict[int, tuple[SentencePrediction, ...]]:
        """Feedback sentences of Docs ``docs`` of ``batch``, by Doc."""
        layer = self._sentence_layer
        categories = [c for c in FEEDBACK_CATEGORIES if c in layer.columns]
        if FEEDBACK_HEAD not in layer.columns or not categories or not docs:
            return {}
        ranges = [(int(batch.doc_sents[d]), int(batch.doc_sents[d + 1])) for d in docs]
        sents = np.concatenate([np.arange(a, b) for a, b in ranges])
        rows = self._sentence_index.rows(sentence_items(batch, sents))
        proba = layer.outputs(rows.indptr, rows.cols, rows.counts)[1]
        p_feedback = proba[:, layer.yes_column(FEEDBACK_HEAD)].tolist()
        p_cats = proba[:, [layer.yes_column(c) for c in categories]].tolist()
        starts, ends = batch.sent_chars.tolist()
        found: dict[int, tuple[SentencePrediction, ...]] = {}
        at = 0
        for d, (a, b) in zip(docs, ranges, strict=True):
            text, hits = batch.texts[d], []
            for s in range(a, b):
                row, at = at, at + 1
                if p_feedback[row] < points.feedback:
                    continue
                p_cat = p_cats[row]
                best = p_cat.index(max(p_cat))
                start = starts[s]
                end = start + len(text[start : ends[s]].rstrip())
                # Each feedback sentence has at least its likeliest category.
                hits += [
                    SentencePrediction(c, start, end, p_feedback[row] * p)
                    for j, (c, p) in enumerate(zip(categories, p_cat, strict=True))
                    if j == best or p >= points.category
                ]
            found[d] = tuple(hits)
        return found

    def _evidence(
        self,
        weighted: np.ndarray,
        usable: np.ndarray,
        spans: np.ndarray,
        text: str,
        kind: Kind | None,
        probs: dict[str, float],
        tone: dict[str, float],
        stage: dict[str, float],
        points: OperatingPoints,
        only: Collection[str] | None,
    ) -> dict[str, tuple[str, ...]]:
        """The phrases whose weights pushed each head hardest to its answer.

        ``weighted`` holds how much each of the email's features pushes each
        output (:meth:`LinearLayer.outputs`); ``usable`` says which features
        may serve (not stop words, and found in the text at ``spans``);
        ``only`` names the decisions to find evidence for (None: all).
        """
        layer = self._email_layer
        is_rejection = kind == "rejection"
        # Each decision's evidence pushes towards its answer: a sum of
        # (output, sign) of the heads behind it.
        wanted: dict[str, list[tuple[int, float]]] = {}
        if "kind" in layer.columns:
            if kind is not None:
                wanted["kind"] = [layer.output("kind", kind)]
            if not is_rejection:
                column, sign = layer.output("kind", "rejection")
                wanted["rejection"] = [(column, -sign)]
        elif "rejection" in layer.columns:
            wanted["rejection"] = [layer.output("rejection", is_rejection)]
        if is_rejection:
            for name, dist in (("tone", tone), ("stage", stage)):
                if dist:
                    wanted[name] = [layer.output(name, max(dist, key=dist.__getitem__))]
            reason_heads = [r for r in REASONS if r in probs]
            if reason_heads:
                # Evidence for the reasons given, or against all when none is.
                found = [r for r in reason_heads if probs[r] >= points.flags]
                wanted["reasons"] = [layer.output(r, bool(found)) for r in (found or reason_heads)]
            for name in ("future_invite", "feedback_offer"):
                if name in probs:
                    wanted[name] = [layer.output(name, probs[name] >= points.flags)]
        if only is not None:
            # "rejection" of a rejection is its kind's evidence.
            keep = {"kind", *only} if is_rejection and "rejection" in only else only
            wanted = {name: outputs for name, outputs in wanted.items() if name in keep}
            if not wanted:
                return {}
        evidence = dict(zip(wanted, pick_evidence(weighted, usable, spans, text,
                                                  list(wanted.values()), _EVIDENCE_SIZE),
                            strict=True))
        if is_rejection and "kind" in evidence:
            evidence["rejection"] = evidence["kind"]
        if only is not None:
            evidence = {name: found for name, found in evidence.items() if name in only}
        return evidence
