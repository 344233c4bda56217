"""One analysis path: text to :class:`~rebound_nlp.Advice`.

An :class:`Analyzer` is to rebound_nlp what spaCy's ``Language`` is to spaCy:
one object that runs every step in order (pipeline, features, heads,
decisions at the model's operating points, strategies) for one email
(``__call__``) or many (``pipe``).  :func:`~rebound_nlp.advise`,
:func:`~rebound_nlp.analyse`, :func:`~rebound_nlp.analyse_mailbox`, the CLI
and the spaCy component are thin wrappers over it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from typing import TYPE_CHECKING

from rebound_nlp.advice import Advice, Feedback, empty_advice
from rebound_nlp.decisions import OperatingPoints
from rebound_nlp.labels import REASONS
from rebound_nlp.once import Once
from rebound_nlp.strategy import CUE_SIGNALS, rank_strategies
from rebound_nlp.text import MAX_CHARS, MAX_HEADER_CHARS, safe_text

if TYPE_CHECKING:
    from rebound_nlp.classify import Model, Prediction

__all__ = ["SIGNAL_EVIDENCE", "Analyzer", "advise", "analyzer_for", "build_advice",
           "default_analyzer", "resolve_model", "signals_of"]


def resolve_model(model: Model | str | os.PathLike[str] | None, *, trusted: bool = False
                  ) -> Model:
    """The model to analyse with: the shipped one, a :class:`Model`, or a model folder."""
    from rebound_nlp.classify import Model
    from rebound_nlp.persist import load_model

    if model is None or isinstance(model, str | os.PathLike):
        return load_model(model, trusted=trusted)
    if not isinstance(model, Model):
        raise TypeError(f"model must be a Model, a model folder or None, got "
                        f"{type(model).__name__}.")
    return model


class Analyzer:
    """Read emails with one model at its operating points.

    Parameters
    ----------
    model : Model or path-like, optional
        A :class:`~rebound_nlp.Model` or a model folder; the shipped model by default.
    trusted : bool, default False
        Passed to :func:`~rebound_nlp.load_model` when ``model`` is a folder.
    points : OperatingPoints, optional
        Thresholds to decide with; the model's own (from its manifest) by default.
    batch_size : int, default 128
        Emails per batch in :meth:`pipe`.

    Examples
    --------
    >>> from rebound_nlp import Analyzer
    >>> analyzer = Analyzer()
    >>> analyzer("We will not be moving forward with your application.").kind
    'rejection'
    >>> [a.kind for a in analyzer.pipe(["See you at the interview on Monday at 10am.",
    ...                                  "Yadda yadda"])]
    ['interview', 'not_job']
    """

    def __init__(self, model: Model | str | os.PathLike[str] | None = None, *,
                 trusted: bool = False, points: OperatingPoints | None = None,
                 batch_size: int = 128) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        from rebound_nlp.nlp import get_nlp

        self.model = resolve_model(model, trusted=trusted)
        self.points = points or self.model.operating_points
        self.batch_size = batch_size
        # Built now: worker processes forked later inherit them.
        get_nlp()
        self.model.prepare()

    def __call__(self, body: str, subject: str = "") -> Advice:
        """The :class:`~rebound_nlp.Advice` for one email."""
        return self.analyse([body], [subject])[0]

    def pipe(self, emails: Iterable[str | tuple[str, str]]) -> Iterator[Advice]:
        """Advice for many emails (bodies, or ``(body, subject)`` pairs), in order, batched."""
        it = iter(emails)
        while batch := list(islice(it, self.batch_size)):
            pairs = [(e, "") if isinstance(e, str) else e for e in batch]
            yield from self.analyse([b for b, _ in pairs], [s for _, s in pairs])

    def analyse(self, bodies: Sequence[str], subjects: Sequence[str], *,
                for_table: bool = False) -> list[Advice]:
        """Advice for a batch of emails: one pipeline pass and one prediction call.

        With ``for_table=True``, only what a table shows: a rejection's
        ``strategies`` are left empty (its ``signals`` are there), since a table
        ranks them with the mailbox's history and words only the first
        (:func:`~rebound_nlp.strategy.rank_for_table`), and ``evidence`` holds
        only what the signals quote (:data:`SIGNAL_EVIDENCE`).
        """
        from rebound_nlp.nlp import make_docs

        if len(bodies) != len(subjects):
            raise ValueError(f"{len(bodies)} bodies but {len(subjects)} subjects")
        for name, values in (("body", bodies), ("subject", subjects)):
            for value in values:
                if not isinstance(value, str):
                    raise TypeError(f"{name} must be a str, got {type(value).__name__}; "
                                    "decode bytes first or use analyse_mailbox() for raw "
                                    "email files.")
        # Made safe once, here: feedback and evidence quote this text.
        bodies = [safe_text(b, MAX_CHARS) for b in bodies]
        subjects = [safe_text(s, MAX_HEADER_CHARS) for s in subjects]
        out: list[Advice | None] = [None if b.strip() else empty_advice() for b in bodies]
        todo = [k for k, a in enumerate(out) if a is None]
        docs = list(make_docs(bodies[k] for k in todo))
        preds = self.model.predict(docs, [subjects[k] for k in todo], points=self.points,
                                   evidence=SIGNAL_EVIDENCE if for_table else None)
        for k, pred in zip(todo, preds, strict=True):
            out[k] = build_advice(pred, bodies[k], self.points, rank=not for_table)
        return [a for a in out if a is not None]


_default = Once(Analyzer)


def default_analyzer() -> Analyzer:
    """The shared analyzer of the shipped model, built once on first use (thread-safe)."""
    return _default()


def analyzer_for(model: Model | str | os.PathLike[str] | None, *, trusted: bool = False
                 ) -> Analyzer:
    """The shared analyzer for ``None`` (the shipped model), else a new one for ``model``."""
    return default_analyzer() if model is None else Analyzer(model, trusted=trusted)


#: The decisions whose evidence :func:`signals_of` quotes.
SIGNAL_EVIDENCE = ("reasons", "feedback_offer", "future_invite")


def signals_of(pred: Prediction, advice: Advice) -> dict[str, str]:
    """The strategy signals an email shows, each with this email's words for it.

    See :data:`rebound_nlp.strategy.SIGNALS` for their meaning.
    """
    evidence = pred.evidence
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
    for cue, signal in CUE_SIGNALS.items():
        if cue in pred.cues:
            found[signal] = pred.cues[cue]
    return found


def build_advice(pred: Prediction, text: str, points: OperatingPoints, *, rank: bool = True
                 ) -> Advice:
    """Turn the predictions for ``text`` into an :class:`Advice` (decisions at ``points``;
    a rejection's strategies ranked unless ``rank`` is false)."""
    if pred.kind != "rejection":
        return Advice(False, pred.rejection_probability, kind=pred.kind,
                      kind_probabilities=dict(pred.kind_probabilities),
                      evidence={k: v for k, v in pred.evidence.items()
                                if k in ("kind", "rejection")})
    tone_p = pred.tone_probabilities
    tone = max(tone_p, key=tone_p.__getitem__) if tone_p else None
    stage_p = pred.stage_probabilities
    stage = max(stage_p, key=stage_p.__getitem__) if stage_p else None
    probs = pred.probabilities
    advice = Advice(
        is_rejection=True,
        rejection_probability=pred.rejection_probability,
        kind="rejection",
        kind_probabilities=dict(pred.kind_probabilities),
        tone=tone,  # type: ignore[arg-type]
        tone_probabilities=dict(tone_p),
        stage=stage if stage in ("application", "interview") else None,  # type: ignore[arg-type]
        feedback=tuple(
            Feedback(s.category, text[s.start : s.end], s.start, s.end, s.probability)  # type: ignore[arg-type]
            for s in pred.feedback
        ),
        reasons=tuple(r for r in REASONS if probs.get(r, 0.0) >= points.flags),
        future_invite=probs.get("future_invite", 0.0) >= points.flags,
        feedback_offer=probs.get("feedback_offer", 0.0) >= points.flags,
        evidence=dict(pred.evidence),
    )
    signals = signals_of(pred, advice)
    return replace(advice, strategies=rank_strategies(signals) if rank else (), signals=signals)


def advise(body: str, subject: str = "", *, model: Model | str | os.PathLike[str] | None = None,
           trusted: bool = False) -> Advice:
    """Read one email and return its signals and the strategies that fit.

    Parameters
    ----------
    body : str
        The plain-text body.  Only the first 20,000 characters are analysed;
        lone surrogates read as U+FFFD (see :func:`rebound_nlp.text.safe_text`).
    subject : str, optional
        The subject line; only its first 1,000 characters are read.
    model : Model or path-like, optional
        A model from :func:`load_model` or a model folder; the shipped one by default.
    trusted : bool, default False
        Passed to :func:`load_model` when ``model`` is a folder.

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
    from rebound_nlp.analyzer import analyzer_for

    return analyzer_for(model, trusted=trusted)(body, subject)
