"""The labelling schema: field names and value sets shared by every layer."""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "DECISIONS",
    "FEEDBACK_CATEGORIES",
    "REASONS",
    "STAGES",
    "TONES",
    "FeedbackCategory",
    "Reason",
    "Stage",
    "Tone",
]

Tone = Literal["warm", "neutral", "cold"]
Stage = Literal["application", "interview"]
FeedbackCategory = Literal["skills", "experience", "interview", "culture_fit", "logistics"]
Reason = Literal["competition", "position"]

TONES: Final[tuple[Tone, ...]] = ("warm", "neutral", "cold")
STAGES: Final[tuple[Stage, ...]] = ("application", "interview")
FEEDBACK_CATEGORIES: Final[tuple[FeedbackCategory, ...]] = (
    "skills",
    "experience",
    "interview",
    "culture_fit",
    "logistics",
)
REASONS: Final[tuple[Reason, ...]] = ("competition", "position")
#: The decisions for which :class:`~rebound_nlp.Advice` reports evidence.
DECISIONS: Final[tuple[str, ...]] = (
    "rejection",
    "tone",
    "stage",
    "reasons",
    "future_invite",
    "feedback_offer",
)
