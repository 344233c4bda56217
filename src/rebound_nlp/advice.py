"""The result types: :class:`Advice` for one email and its :class:`Feedback` sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rebound_nlp.decisions import no_evidence_kind_probabilities
from rebound_nlp.labels import FeedbackCategory, Kind, Reason, Stage, Tone
from rebound_nlp.strategy import StrategyAdvice

if TYPE_CHECKING:
    pass

__all__ = ["Advice", "Feedback", "empty_advice"]


@dataclass(frozen=True, slots=True)
class Feedback:
    """A sentence that gives the candidate feedback of one category.

    ``text == body[start:end]`` for the body passed to :func:`advise`.
    """

    category: FeedbackCategory
    text: str
    start: int
    end: int
    probability: float

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "text": self.text, "start": self.start,
                "end": self.end, "probability": self.probability}


@dataclass(frozen=True, slots=True)
class Advice:
    """Everything rebound_nlp reads from one email, and what to do about it.

    ``kind`` says what the message is (see :data:`rebound_nlp.labels.KINDS`);
    ``is_rejection == (kind == "rejection")``.  Probabilities keep full
    precision; round them only for display.  Tone, stage, feedback, reasons,
    flags and strategies are empty (``None``, ``()``, ``False``) when the
    email is not a rejection.
    """

    is_rejection: bool
    rejection_probability: float
    kind: Kind | None = None
    kind_probabilities: dict[str, float] = field(default_factory=dict)
    tone: Tone | None = None
    tone_probabilities: dict[str, float] = field(default_factory=dict)
    stage: Stage | None = None
    feedback: tuple[Feedback, ...] = ()
    reasons: tuple[Reason, ...] = ()
    future_invite: bool = False
    feedback_offer: bool = False
    strategies: tuple[StrategyAdvice, ...] = ()
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)
    signals: dict[str, str] = field(default_factory=dict)
    """The strategy signals this email shows, each with its words for it
    (see :data:`rebound_nlp.strategy.SIGNALS`); empty for non-rejections."""

    @property
    def feedback_categories(self) -> tuple[str, ...]:
        """The feedback categories found, sorted and unique."""
        return tuple(sorted({f.category for f in self.feedback}))

    @property
    def strategy(self) -> StrategyAdvice | None:
        """The most relevant strategy, or ``None`` for a non-rejection."""
        return self.strategies[0] if self.strategies else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of every field."""
        return {
            "kind": self.kind,
            "kind_probabilities": dict(self.kind_probabilities),
            "is_rejection": self.is_rejection,
            "rejection_probability": self.rejection_probability,
            "tone": self.tone,
            "tone_probabilities": dict(self.tone_probabilities),
            "stage": self.stage,
            "feedback": [f.to_dict() for f in self.feedback],
            "feedback_categories": list(self.feedback_categories),
            "reasons": list(self.reasons),
            "future_invite": self.future_invite,
            "feedback_offer": self.feedback_offer,
            "strategies": [s.to_dict() for s in self.strategies],
            "strategy": self.strategy.to_dict() if self.strategy else None,
            "evidence": {k: list(v) for k, v in self.evidence.items()},
            "signals": dict(self.signals),
        }


def empty_advice() -> Advice:
    """The advice for an email with no text: not job mail."""
    return Advice(is_rejection=False, rejection_probability=0.0, kind="not_job",
                  kind_probabilities=no_evidence_kind_probabilities())
