"""The labelling schema: field names and value sets shared by every layer."""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "DECISIONS",
    "FEEDBACK_CATEGORIES",
    "JOB_KINDS",
    "KINDS",
    "REASONS",
    "STAGES",
    "TONES",
    "FeedbackCategory",
    "Kind",
    "Reason",
    "Stage",
    "Tone",
]

Kind = Literal[
    "rejection", "acknowledgement", "interview", "assessment", "offer", "other_job", "not_job"
]
Tone = Literal["warm", "neutral", "cold"]
Stage = Literal["application", "interview"]
FeedbackCategory = Literal["skills", "experience", "interview", "culture_fit", "logistics"]
Reason = Literal["competition", "position"]

#: What a message is; the first decision the model makes (see ``data/LABELLING.md``).
KINDS: Final[tuple[Kind, ...]] = (
    "rejection", "acknowledgement", "interview", "assessment", "offer", "other_job", "not_job"
)
#: The kinds that are mail about the reader's own job search.
JOB_KINDS: Final[tuple[Kind, ...]] = KINDS[:-1]
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
    "kind",
    "rejection",
    "tone",
    "stage",
    "reasons",
    "future_invite",
    "feedback_offer",
)
