"""The result type, :class:`Advice`, and :func:`advise` for one email."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from rebound_nlp.labels import REASONS, FeedbackCategory, Reason, Stage, Tone
from rebound_nlp.strategy import History, StrategyAdvice, rank_strategies

if TYPE_CHECKING:
    from rebound_nlp.classify import Model, Prediction

__all__ = ["Advice", "Feedback", "advise", "build_advice", "signals_of"]


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

    Probabilities keep full precision; round them only for display.  Tone,
    stage, feedback, reasons, flags and strategies are empty (``None``,
    ``()``, ``False``) when the email is not a rejection.
    """

    is_rejection: bool
    rejection_probability: float
    tone: Tone | None = None
    tone_probabilities: dict[str, float] = field(default_factory=dict)
    stage: Stage | None = None
    feedback: tuple[Feedback, ...] = ()
    reasons: tuple[Reason, ...] = ()
    future_invite: bool = False
    feedback_offer: bool = False
    strategies: tuple[StrategyAdvice, ...] = ()
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)

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
        }


def signals_of(pred: Prediction, advice: Advice, history: History | None = None
               ) -> dict[str, str]:
    """The strategy signals an email shows, each with this email's words for it.

    See :data:`rebound_nlp.strategy.SIGNALS` for their meaning.
    """
    evidence = pred.evidence
    history = history or History()
    found: dict[str, str] = {}

    def first(decision: str, fallback: str) -> str:
        phrases = evidence.get(decision, ())
        return phrases[0] if phrases else fallback

    for reason in advice.reasons:
        found[reason] = first("reasons", reason)
    for item in advice.feedback:
        found.setdefault(f"feedback_{item.category}", f"“{' '.join(item.text.split())}”")
    if not advice.feedback and not advice.reasons and not advice.feedback_offer:
        found["form_letter"] = ""
        if advice.stage == "interview":
            found["interview_no_reason"] = ""
    if advice.stage is not None:
        found[f"stage_{advice.stage}"] = ""
    if advice.feedback_offer:
        found["feedback_offer"] = first("feedback_offer", "feedback on request")
    if advice.future_invite:
        found["future_invite"] = first("future_invite", "apply again")
    if advice.tone in ("warm", "cold"):
        found[advice.tone] = ""
    for cue, signal in (("CLOSE_CALL", "close_call"), ("PRAISE", "praise"),
                        ("PAST", "past_pointer")):
        if cue in pred.cues:
            found[signal] = pred.cues[cue]
    found.update(history.signals())
    return found


def build_advice(pred: Prediction, text: str, history: History | None = None) -> Advice:
    """Turn the raw predictions for ``text`` into an :class:`Advice`."""
    is_rejection = pred.rejection_probability >= 0.5
    if not is_rejection:
        return Advice(False, pred.rejection_probability,
                      evidence={"rejection": pred.evidence.get("rejection", ())})
    tone_p = pred.tone_probabilities
    tone = max(tone_p, key=tone_p.__getitem__) if tone_p else None
    stage_p = pred.stage_probabilities
    stage = max(stage_p, key=stage_p.__getitem__) if stage_p else None
    probs = pred.probabilities
    advice = Advice(
        is_rejection=True,
        rejection_probability=pred.rejection_probability,
        tone=tone,  # type: ignore[arg-type]
        tone_probabilities=dict(tone_p),
        stage=stage if stage in ("application", "interview") else None,  # type: ignore[arg-type]
        feedback=tuple(
            Feedback(s.category, text[s.start : s.end], s.start, s.end, s.probability)  # type: ignore[arg-type]
            for s in pred.feedback
        ),
        reasons=tuple(r for r in REASONS if probs.get(r, 0.0) >= 0.5),
        future_invite=probs.get("future_invite", 0.0) >= 0.5,
        feedback_offer=probs.get("feedback_offer", 0.0) >= 0.5,
        evidence=dict(pred.evidence),
    )
    return replace(advice, strategies=rank_strategies(signals_of(pred, advice, history)))


def _check_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}; decode bytes "
                        "first or use analyse_mailbox() for raw email files.")
    return value


def advise(body: str, subject: str = "", *, model: Model | None = None) -> Advice:
    """Read one email and return its signals and the strategies that fit.

    Parameters
    ----------
    body : str
        The plain-text body.  Only the first 20,000 characters are analysed;
        lone surrogates read as U+FFFD (see :func:`rebound_nlp.text.safe_text`).
    subject : str, optional
        The subject line; only its first 1,000 characters are read.
    model : Model, optional
        A model from :func:`load_model`; the shipped one by default.

    Returns
    -------
    Advice
        ``is_rejection`` is false for empty text and for emails that are not
        job rejections; then tone, stage and strategies are empty.

    Raises
    ------
    TypeError
        If ``body`` or ``subject`` is not a str.

    Examples
    --------
    >>> from rebound_nlp import advise
    >>> a = advise("Thank you for interviewing with us. Unfortunately we have decided "
    ...            "to offer the role to another candidate.")
    >>> a.is_rejection, a.stage, a.reasons
    (True, 'interview', ('competition',))
    >>> a.strategy.title
    "Don't take it personally"
    """
    from rebound_nlp.text import MAX_CHARS, MAX_HEADER_CHARS, safe_text

    # Made safe once here: feedback and evidence quote this text.
    body = safe_text(_check_text("body", body), MAX_CHARS)
    subject = safe_text(_check_text("subject", subject), MAX_HEADER_CHARS)
    if not body.strip():
        return Advice(is_rejection=False, rejection_probability=0.0)
    from rebound_nlp.nlp import make_doc
    from rebound_nlp.persist import load_model

    doc = make_doc(body)
    pred = (model or load_model()).predict([doc], [subject])[0]
    return build_advice(pred, body)
