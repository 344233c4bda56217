"""The classifier: email-level heads and a sentence-level feedback head.

A :class:`Model` holds fitted scikit-learn objects (vectorizers and logistic
regressions) and predicts with their weights stacked into a
:class:`~rebound_nlp.linear.LinearLayer`; a loaded model has the layers first
and reads the estimators only when asked.  The spaCy pipeline is rebuilt from
code, never stored.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc

from rebound_nlp.features import (
    FeatureSet,
    doc_words,
    email_features,
    sentence_features,
    sentences,
)
from rebound_nlp.labels import FEEDBACK_CATEGORIES, REASONS, STAGES, TONES
from rebound_nlp.linear import LinearLayer
from rebound_nlp.nlp import doc_text

__all__ = ["BINARY_HEADS", "EMAIL_HEADS", "FEEDBACK_HEAD", "STAGE_UNKNOWN", "Model", "Prediction"]

#: Label the stage head uses for "cannot tell" (``stage=None`` in the schema).
STAGE_UNKNOWN = "unknown"
#: The sentence head that tells feedback sentences from the rest; the
#: per-category sentence heads then name the kind of feedback.
FEEDBACK_HEAD = "feedback"
#: Email heads with a yes/no answer; reasons get one head each.
BINARY_HEADS = ("rejection", *REASONS, "future_invite", "feedback_offer")
EMAIL_HEADS = ("rejection", "tone", "stage", *REASONS, "future_invite", "feedback_offer")
_EVIDENCE_SIZE = 3
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
    """Raw head outputs for one email, before they become an Advice."""

    rejection_probability: float
    tone_probabilities: dict[str, float]
    stage_probabilities: dict[str, float]
    probabilities: dict[str, float]
    feedback: tuple[SentencePrediction, ...]
    evidence: dict[str, tuple[str, ...]]
    cues: dict[str, str]
    """Email cue labels found, each with the first phrase that matched it."""


def _cue_phrases(doc: Doc) -> dict[str, str]:
    """Email cues that are not negated, each with the first phrase that matched."""
    text = doc_text(doc)
    found: dict[str, str] = {}
    for hits in doc_words(doc).cues:
        for label, start, end in hits:
            if not label.startswith("s:") and not label.endswith("~neg"):
                found.setdefault(label, text[start:end])
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
            assert self._load_estimators is not None
            self._estimators = self._load_estimators()
        return self._estimators

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

    def save(self, directory: str | os.PathLike[str], *,
             format: Literal["joblib", "skops"] = "joblib", force: bool = False) -> Path:
        """Write the model, its ``manifest.json`` and ``MODEL_CARD.md`` to ``directory``.

        The directory is replaced atomically, and only if it is a model
        directory (or, with ``force``, a file or a model directory holding
        other files; see :func:`~rebound_nlp.persist.check_target`).
        ``format="skops"`` writes files that :func:`~rebound_nlp.load_model`
        reads without running code.
        """
        from rebound_nlp.card import render_model_card
        from rebound_nlp.persist import save_model

        return save_model(self, directory, format=format, force=force,
                          extra_files={"MODEL_CARD.md": render_model_card})

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

    def feature_names(self) -> np.ndarray:
        """Names of the email-level features, in column order."""
        return self._email_layer.names

    def predict(self, docs: Sequence[Doc], subjects: Sequence[str]) -> list[Prediction]:
        """Predict every head for a batch of Docs (one per email).

        Feedback sentences are looked for only in emails judged rejections.
        """
        return [self._predict_one(d, s) for d, s in zip(docs, subjects, strict=True)]

    def _predict_one(self, doc: Doc, subject: str) -> Prediction:
        layer = self._email_layer
        feats = email_features(doc, subject)
        cols, values = layer.vectorize(feats.names)
        proba = layer.proba(cols, values)
        probs = {
            name: float(proba[name][layer.classes[name].index(True)])
            for name in BINARY_HEADS
            if name in proba
        }
        tone = self._distribution("tone", proba, TONES)
        stage = self._distribution("stage", proba, (*STAGES, STAGE_UNKNOWN))
        # A model trained without a rejection head treats every email as one.
        rejection = probs.pop("rejection", 1.0)
        return Prediction(
            rejection_probability=rejection,
            tone_probabilities=tone,
            stage_probabilities=stage,
            probabilities=probs,
            feedback=self._predict_sentences(doc) if rejection >= 0.5 else (),
            evidence=self._evidence(cols, values, feats, doc_text(doc), rejection, probs, tone,
                                    stage),
            cues=_cue_phrases(doc),
        )

    def _distribution(self, name: str, proba: dict[str, np.ndarray], labels: Sequence[str]
                      ) -> dict[str, float]:
        if name not in proba:
            return {}
        classes = self._email_layer.classes[name]
        return {c: float(proba[name][classes.index(c)]) if c in classes else 0.0 for c in labels}

    def _predict_sentences(self, doc: Doc) -> tuple[SentencePrediction, ...]:
        layer = self._sentence_layer
        if FEEDBACK_HEAD not in layer.columns:
            return ()
        categories = [c for c in FEEDBACK_CATEGORIES if c in layer.columns]
        text = doc_text(doc)
        sents = sentences(doc)
        if not sents or not categories:
            return ()
        proba = layer.proba_many(
            [layer.vectorize(sentence_features(doc, k).names) for k in range(len(sents))])
        found = []
        for index, sent in enumerate(sents):
            p_feedback = float(proba[FEEDBACK_HEAD][index, 1])
            if p_feedback < 0.5:
                continue
            p_cat = [float(proba[c][index, 1]) for c in categories]
            best = int(np.argmax(p_cat))
            start = sent.start_char
            end = start + len(text[start : sent.end_char].rstrip())
            # Each feedback sentence has at least its likeliest category.
            found += [
                SentencePrediction(c, start, end, p_feedback * p)
                for j, (c, p) in enumerate(zip(categories, p_cat, strict=True))
                if j == best or p >= 0.5
            ]
        return tuple(found)

    def _evidence(
        self,
        cols: np.ndarray,
        values: np.ndarray,
        feats: FeatureSet,
        text: str,
        rejection: float,
        probs: dict[str, float],
        tone: dict[str, float],
        stage: dict[str, float],
    ) -> dict[str, tuple[str, ...]]:
        """The phrases whose weights pushed each head hardest to its answer."""
        layer = self._email_layer
        evidence: dict[str, tuple[str, ...]] = {}

        def phrases(contrib: np.ndarray) -> tuple[str, ...]:
            found: list[str] = []
            for k in np.argsort(-contrib):
                if contrib[k] <= 0 or len(found) == _EVIDENCE_SIZE:
                    break
                name = str(layer.names[cols[k]])
                if name.startswith("w:") and name[2:] in STOP_WORDS:
                    continue
                span = feats.spans.get(name)
                if span is None:
                    continue
                phrase = text[span[0] : span[1]]
                if not any(phrase in f or f in phrase for f in found):
                    found.append(phrase)
            return tuple(found)

        def towards(name: str, label: Any) -> np.ndarray:
            return layer.contributions(cols, values, name, label)

        is_rejection = rejection >= 0.5
        if "rejection" in layer.columns:
            evidence["rejection"] = phrases(towards("rejection", is_rejection))
        if not is_rejection:
            return evidence
        for name, dist in (("tone", tone), ("stage", stage)):
            if dist:
                evidence[name] = phrases(towards(name, max(dist, key=dist.__getitem__)))
        reason_heads = [r for r in REASONS if r in probs]
        if reason_heads:
            # Evidence for the reasons given, or against all when none is.
            found = [r for r in reason_heads if probs[r] >= 0.5]
            contrib = sum(towards(r, bool(found)) for r in (found or reason_heads))
            evidence["reasons"] = phrases(np.asarray(contrib))
        for name in ("future_invite", "feedback_offer"):
            if name in probs:
                evidence[name] = phrases(towards(name, probs[name] >= 0.5))
        return evidence
