"""The ``rebound`` spaCy component: rebound_nlp's analysis inside any English pipeline.

``nlp.add_pipe("rebound")`` works on a blank or trained English pipeline once
rebound-nlp is installed (spaCy finds the factory through the
``spacy_factories`` entry point, without ``import rebound_nlp``).  For each
Doc it sets:

``doc._.rebound``
    The :class:`~rebound_nlp.Advice`, equal to ``advise(doc.text)``.
``doc.spans["rebound_feedback"]``
    One span per item of ``Advice.feedback``, labelled with its category
    (a sentence with two categories gives two spans); the character offsets
    are widened to the host pipeline's token boundaries.
``doc.cats``
    ``"kind:<kind>"`` for every kind (see :data:`rebound_nlp.labels.KINDS`),
    and ``"tone:<tone>"`` for every tone when the email is a rejection;
    the probabilities of ``Advice.kind_probabilities`` and
    ``Advice.tone_probabilities``.  Other categories in ``doc.cats`` are kept.

The component reads ``doc.text`` with rebound_nlp's own pipeline (blank
English, line-break sentences, cue phrases), so the host pipeline's tokens,
sentence boundaries and other components never change the answer.  The body
is all it sees: the subject is empty.  The Advice is stored in
``doc.user_data`` as plain data, so ``Doc.to_bytes``, ``DocBin`` and
``nlp.pipe(n_process=...)`` keep it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc

if TYPE_CHECKING:
    from rebound_nlp.advice import Advice
    from rebound_nlp.classify import Model

__all__ = ["ADVICE_EXTENSION", "CATS_PREFIXES", "SPANS_KEY", "ReboundComponent", "make_rebound"]

#: Name of the Doc extension that holds the :class:`~rebound_nlp.Advice`.
ADVICE_EXTENSION = "rebound"
#: Key of the span group of feedback sentences.
SPANS_KEY = "rebound_feedback"
#: Prefixes of the ``doc.cats`` labels the component sets.
CATS_PREFIXES = ("kind:", "tone:")
_USER_DATA_KEY = "rebound_advice"


def _payload(advice: Advice) -> dict[str, Any]:
    """The Advice as plain data (msgpack-safe, so spaCy can serialise the Doc)."""
    return dataclasses.asdict(advice)


def _from_payload(data: dict[str, Any]) -> Advice:
    from rebound_nlp.advice import Advice, Feedback
    from rebound_nlp.strategy import StrategyAdvice

    values = dict(data)
    values["feedback"] = tuple(Feedback(**f) for f in data["feedback"])
    values["strategies"] = tuple(
        StrategyAdvice(**{**s, "actions": tuple(s["actions"])}) for s in data["strategies"])
    values["reasons"] = tuple(data["reasons"])
    values["evidence"] = {k: tuple(v) for k, v in data["evidence"].items()}
    known = {f.name for f in dataclasses.fields(Advice)}
    return Advice(**{k: v for k, v in values.items() if k in known})


def _get_advice(doc: Doc) -> Advice | None:
    data = doc.user_data.get(_USER_DATA_KEY)
    return None if data is None else _from_payload(data)


class ReboundComponent:
    """Set rebound_nlp's analysis on Docs of any English pipeline.

    Made by the ``"rebound"`` factory; see the module docstring for what it sets.

    Parameters
    ----------
    nlp : Language
        The host pipeline (only its vocabulary is used).
    name : str
        The component's name in the pipeline.
    model : Model
        The model to analyse with.
    """

    def __init__(self, nlp: Language, name: str, *, model: Model) -> None:
        from rebound_nlp.analyzer import Analyzer

        self.name = name
        self.model = model
        self.analyzer = Analyzer(model)

    def predict(self, docs: Sequence[Doc]) -> list[Advice]:
        """The Advice of each Doc's text, without changing the Docs."""
        return self.analyzer.analyse([doc.text for doc in docs], [""] * len(docs))

    def set_annotations(self, docs: Sequence[Doc], advices: Sequence[Advice]) -> None:
        """Store each Advice, its feedback spans and its category scores on its Doc."""
        for doc, advice in zip(docs, advices, strict=True):
            doc.user_data[_USER_DATA_KEY] = _payload(advice)
            spans = []
            for item in advice.feedback:
                span = doc.char_span(item.start, item.end, label=item.category,
                                     alignment_mode="expand")
                if span is not None:
                    spans.append(span)
            doc.spans[SPANS_KEY] = spans
            doc.cats.update({f"kind:{k}": p for k, p in advice.kind_probabilities.items()})
            doc.cats.update({f"tone:{k}": p for k, p in advice.tone_probabilities.items()})

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        """Annotate a stream of Docs in batches, as ``nlp.pipe`` calls it."""
        batch: list[Doc] = []
        for doc in stream:
            batch.append(doc)
            if len(batch) == batch_size:
                self.set_annotations(batch, self.predict(batch))
                yield from batch
                batch = []
        self.set_annotations(batch, self.predict(batch))
        yield from batch


@Language.factory(
    "rebound",
    default_config={"model": None, "trusted": False},
    assigns=[f"doc._.{ADVICE_EXTENSION}", "doc.spans", "doc.cats"],
)
def make_rebound(nlp: Language, name: str, model: str | None, trusted: bool
                 ) -> ReboundComponent:
    """Build the ``rebound`` component (``nlp.add_pipe("rebound")``).

    Parameters
    ----------
    nlp : Language
        The host pipeline.
    name : str
        The component's name.
    model : str or None
        A model folder written by :func:`~rebound_nlp.save_model`, or
        ``None`` for the shipped model.
    trusted : bool
        Passed to :func:`~rebound_nlp.load_model`: allow a joblib model folder.

    Examples
    --------
    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> _ = nlp.add_pipe("rebound")
    >>> doc = nlp("Unfortunately we will not be moving forward with your application.")
    >>> doc._.rebound.kind, doc.cats["kind:rejection"] > 0.5
    ('rejection', True)
    """
    from rebound_nlp.persist import load_model

    # Registered here, not at import, so that importing the module changes nothing.
    if not Doc.has_extension(ADVICE_EXTENSION):
        Doc.set_extension(ADVICE_EXTENSION, getter=_get_advice)
    return ReboundComponent(nlp, name, model=load_model(model, trusted=trusted))
