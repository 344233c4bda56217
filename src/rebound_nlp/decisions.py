"""Where probabilities become decisions: one place for every threshold.

The heads give probabilities; :class:`OperatingPoints` turns them into the
answers an :class:`~rebound_nlp.Advice` reports.  A model's operating points
are stored in its manifest (``"operating_points"``) and can be overridden per
call, like scikit-learn's ``FixedThresholdClassifier``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from rebound_nlp.errors import ModelError
from rebound_nlp.labels import KINDS, Kind

__all__ = ["OperatingPoints", "decide_email", "decide_kind", "no_evidence_kind_probabilities"]


@dataclass(frozen=True, slots=True)
class OperatingPoints:
    """Thresholds that turn head probabilities into decisions.

    Parameters
    ----------
    rejection : float, default 0.5
        A message is a rejection when ``P(kind = rejection)`` is at least this.
    flags : float, default 0.5
        Threshold of the yes/no heads: reasons, ``future_invite``, ``feedback_offer``.
    feedback : float, default 0.5
        A sentence carries feedback when its feedback probability is at least this.
    category : float, default 0.5
        A feedback sentence gets every category at least this likely (and
        always its likeliest one).
    min_job_cues : int, default 1
        Evidence before a verdict: a message with fewer hiring cues than this
        (:func:`rebound_nlp.features.job_evidence`) is ``not_job``, whatever
        the heads say.

    Examples
    --------
    >>> OperatingPoints().replace(rejection=0.7).rejection
    0.7
    """

    rejection: float = 0.5
    flags: float = 0.5
    feedback: float = 0.5
    category: float = 0.5
    min_job_cues: int = 1

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            low, high = (0, 1_000) if f.name == "min_job_cues" else (0.0, 1.0)
            if isinstance(value, bool) or not isinstance(value, int | float) or not (
                    low <= value <= high):
                raise ModelError(f"operating point {f.name} must be a number in "
                                 f"[{low}, {high}], got {value!r}.")

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any]) -> OperatingPoints:
        """The operating points a manifest records (defaults where it has none)."""
        stored = manifest.get("operating_points") or {}
        if not isinstance(stored, Mapping):
            raise ModelError(f"manifest operating_points must be an object, got {stored!r}.")
        known = {f.name for f in fields(cls)}
        unknown = set(stored) - known
        if unknown:
            raise ModelError(f"unknown operating points {sorted(unknown)}; known: "
                             f"{sorted(known)}.")
        return cls(**stored)

    def replace(self, **changes: Any) -> OperatingPoints:
        """A copy with some thresholds changed."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


def no_evidence_kind_probabilities() -> dict[str, float]:
    """The kind distribution of a message with no hiring words: surely not job mail."""
    return {k: float(k == "not_job") for k in KINDS}


def decide_kind(probabilities: Mapping[str, float], points: OperatingPoints) -> Kind:
    """The message kind: a rejection at the rejection operating point, else the
    likeliest of the other kinds.

    Examples
    --------
    >>> p = {"rejection": 0.4, "acknowledgement": 0.35, "not_job": 0.25}
    >>> decide_kind(p, OperatingPoints()), decide_kind(p, OperatingPoints(rejection=0.3))
    ('acknowledgement', 'rejection')
    """
    if probabilities.get("rejection", 0.0) >= points.rejection:
        return "rejection"
    others = [k for k in KINDS if k != "rejection" and k in probabilities]
    if not others:
        return "not_job"
    return max(others, key=lambda k: probabilities[k])


def decide_email(kind_probabilities: Mapping[str, float], rejection: float | None, job_cues: int,
                 points: OperatingPoints) -> tuple[Kind | None, dict[str, float], float]:
    """An email's kind, its kind probabilities and its rejection probability.

    With a kind head (``kind_probabilities`` not empty), an email with fewer
    than ``points.min_job_cues`` hiring cues is surely not job mail, and
    :func:`decide_kind` decides.  A model trained without kind labels decides
    with its rejection head's probability ``rejection`` (``None``: a model
    without that head either, which reads every email as a rejection); its
    non-rejections get kind ``None``.

    Examples
    --------
    >>> kind, _, p = decide_email({"rejection": 0.9, "not_job": 0.1}, None, 0,
    ...                           OperatingPoints())
    >>> kind, p
    ('not_job', 0.0)
    >>> decide_email({}, 0.2, 0, OperatingPoints())
    (None, {}, 0.2)
    """
    if kind_probabilities:
        if job_cues < points.min_job_cues:
            kind_probabilities = no_evidence_kind_probabilities()
        return (decide_kind(kind_probabilities, points), dict(kind_probabilities),
                kind_probabilities["rejection"])
    p = 1.0 if rejection is None else rejection
    return ("rejection" if p >= points.rejection else None), {}, p
