"""The classifier: email-level heads and a sentence-level feedback head.

A :class:`Model` holds fitted scikit-learn objects only (vectorizers and
logistic regressions); the spaCy pipeline is rebuilt from code.  It predicts
for a batch of Docs at once, so one call serves one email or a mailbox.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
from scipy import sparse
from spacy.tokens import Doc

from rebound_nlp.features import FeatureSet, email_features, sentence_features, sentences
from rebound_nlp.labels import FEEDBACK_CATEGORIES, REASONS, STAGES, TONES
from rebound_nlp.nlp import CUE_EXTENSION

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


def _positive(head: Any, x: Any) -> np.ndarray:
    """Probability of the ``True`` class of a binary head."""
    proba = np.asarray(head.predict_proba(x))
    return np.asarray(proba[:, list(head.classes_).index(True)])


def _cue_phrases(doc: Doc) -> dict[str, str]:
    found: dict[str, str] = {}
    for label, start, end in doc._.get(CUE_EXTENSION) or []:
        if not label.startswith("s:") and label not in found:
            found[label] = doc[start:end].text
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
    """

    def __init__(
        self,
        email_vectorizer: Any,
        email_heads: Mapping[str, Any],
        sentence_vectorizer: Any,
        sentence_heads: Mapping[str, Any],
        manifest: dict[str, Any] | None = None,
    ) -> None:
        self.email_vectorizer = email_vectorizer
        self.email_heads = dict(email_heads)
        self.sentence_vectorizer = sentence_vectorizer
        self.sentence_heads = dict(sentence_heads)
        self.manifest = manifest or {}

    def save(self, directory: str | os.PathLike[str], *,
             format: Literal["joblib", "skops"] = "joblib") -> Path:
        """Write the model, its ``manifest.json`` and ``MODEL_CARD.md`` to ``directory``.

        The directory is replaced atomically.  ``format="skops"`` writes files
        that :func:`~rebound_nlp.load_model` reads without running code.
        """
        from rebound_nlp.card import render_model_card
        from rebound_nlp.persist import save_model

        return save_model(self, directory, format=format,
                          extra_files={"MODEL_CARD.md": render_model_card})

    @cached_property
    def _email_names(self) -> np.ndarray:
        return np.asarray(self.email_vectorizer.get_feature_names_out())

    def feature_names(self) -> np.ndarray:
        """Names of the email-level features, in column order."""
        return self._email_names

    def email_matrix(self, docs: Sequence[Doc], subjects: Sequence[str]) -> Any:
        """Email-level feature matrix and the FeatureSets behind it."""
        feats = [email_features(d, s) for d, s in zip(docs, subjects, strict=True)]
        return self.email_vectorizer.transform(feats), feats

    def predict(self, docs: Sequence[Doc], subjects: Sequence[str]) -> list[Prediction]:
        """Predict every head for a batch of Docs (one per email)."""
        if not docs:
            return []
        x, feats = self.email_matrix(docs, subjects)
        proba = {name: head.predict_proba(x) for name, head in self.email_heads.items()}
        feedback = self._predict_sentences(docs)
        out = []
        for i, doc in enumerate(docs):
            row = x[i]
            probs = {
                name: float(proba[name][i, list(self.email_heads[name].classes_).index(True)])
                for name in BINARY_HEADS
                if name in proba
            }
            tone = self._class_probs("tone", proba, i, TONES)
            stage = self._class_probs("stage", proba, i, (*STAGES, STAGE_UNKNOWN))
            # A model trained without a rejection head treats every email as one.
            rejection = probs.pop("rejection", 1.0)
            out.append(
                Prediction(
                    rejection_probability=rejection,
                    tone_probabilities=tone,
                    stage_probabilities=stage,
                    probabilities=probs,
                    feedback=feedback[i],
                    evidence=self._evidence(row, feats[i], doc.text, rejection, probs, tone, stage),
                    cues=_cue_phrases(doc),
                )
            )
        return out

    def _class_probs(
        self, name: str, proba: dict[str, np.ndarray], i: int, labels: Sequence[str]
    ) -> dict[str, float]:
        if name not in proba:
            return {}
        classes = list(self.email_heads[name].classes_)
        return {c: float(proba[name][i, classes.index(c)]) if c in classes else 0.0 for c in labels}

    def _predict_sentences(self, docs: Sequence[Doc]) -> list[tuple[SentencePrediction, ...]]:
        spans: list[tuple[int, int, int]] = []
        feats: list[FeatureSet] = []
        for i, doc in enumerate(docs):
            sents = sentences(doc)
            for j, sent in enumerate(sents):
                text = sent.text
                start = sent.start_char
                end = start + len(text.rstrip())
                spans.append((i, start, end))
                feats.append(sentence_features(sent, j, len(sents)))
        result: list[list[SentencePrediction]] = [[] for _ in docs]
        if not feats or not self.sentence_heads:
            return [tuple(r) for r in result]
        x = self.sentence_vectorizer.transform(feats)
        detector = self.sentence_heads.get(FEEDBACK_HEAD)
        if detector is None:
            return [tuple(r) for r in result]
        p_feedback = _positive(detector, x)
        found = np.flatnonzero(p_feedback >= 0.5)
        categories = [c for c in FEEDBACK_CATEGORIES if c in self.sentence_heads]
        if not len(found) or not categories:
            return [tuple(r) for r in result]
        p_cat = np.column_stack([_positive(self.sentence_heads[c], x[found]) for c in categories])
        for row, k in enumerate(found):
            i, start, end = spans[k]
            # Each feedback sentence has at least its likeliest category.
            best = int(np.argmax(p_cat[row]))
            for j, category in enumerate(categories):
                if j == best or p_cat[row, j] >= 0.5:
                    result[i].append(SentencePrediction(
                        category, start, end, float(p_feedback[k] * p_cat[row, j])))
        return [tuple(sorted(r, key=lambda s: (s.start, s.category))) for r in result]

    def _evidence(
        self,
        row: sparse.csr_matrix,
        feats: FeatureSet,
        text: str,
        rejection: float,
        probs: dict[str, float],
        tone: dict[str, float],
        stage: dict[str, float],
    ) -> dict[str, tuple[str, ...]]:
        """The phrases whose weights pushed each head hardest to its answer."""
        names = self._email_names
        evidence: dict[str, tuple[str, ...]] = {}

        def phrases(weights: np.ndarray) -> tuple[str, ...]:
            contrib = row.data * weights[row.indices]
            found: list[str] = []
            for k in np.argsort(-contrib):
                if contrib[k] <= 0 or len(found) == _EVIDENCE_SIZE:
                    break
                span = feats.spans.get(str(names[row.indices[k]]))
                if span is None:
                    continue
                phrase = text[span[0] : span[1]]
                if not any(phrase in f or f in phrase for f in found):
                    found.append(phrase)
            return tuple(found)

        def binary(name: str, positive: bool) -> np.ndarray:
            w = np.asarray(self.email_heads[name].coef_[0])
            return w if positive else -w

        def multi(name: str, label: str) -> np.ndarray:
            head = self.email_heads[name]
            coef = np.asarray(head.coef_)
            if coef.shape[0] == 1:  # two classes: sklearn keeps one row
                row = coef[0] if label == head.classes_[1] else -coef[0]
            else:
                row = coef[list(head.classes_).index(label)]
            return np.asarray(row)

        is_rejection = rejection >= 0.5
        if "rejection" in self.email_heads:
            evidence["rejection"] = phrases(binary("rejection", is_rejection))
        for name, dist in (("tone", tone), ("stage", stage)):
            if dist and is_rejection:
                evidence[name] = phrases(multi(name, max(dist, key=dist.__getitem__)))
        reason_heads = [r for r in REASONS if r in probs]
        if reason_heads and is_rejection:
            found = [r for r in reason_heads if probs[r] >= 0.5]
            weights = (
                sum(binary(r, True) for r in found)
                if found
                else sum(binary(r, False) for r in reason_heads)
            )
            evidence["reasons"] = phrases(np.asarray(weights))
        for name in ("future_invite", "feedback_offer"):
            if name in probs and is_rejection:
                evidence[name] = phrases(binary(name, probs[name] >= 0.5))
        return evidence
