"""The public contract of advise() and Advice."""

from __future__ import annotations

import json

import pytest

from rebound_nlp import Advice, Feedback, StrategyAdvice, advise, load_model
from rebound_nlp.labels import DECISIONS, FEEDBACK_CATEGORIES, KINDS, REASONS, STAGES, TONES

WARM_FEEDBACK = """Hi Priya,

Thank you so much for the time you gave us over the last three weeks, and for the
presentation on Thursday, which the panel genuinely enjoyed.

I'm sorry to tell you that we have offered the role to another candidate. It was a
difficult decision. The main gap for us was hands-on experience with SQL and data
modelling, which the successful candidate had from a previous role.

If you would like more detailed feedback, I'd be happy to set up a short call.

Warm regards,
Daniel
"""

FORM_LETTER = """Dear Applicant,

Thank you for your interest in the Accounts Assistant position at Harlow & Finch.
After careful review, we will not be moving forward with your application at this time.

Regards,
Talent Acquisition
"""

INVITE = """Hi Sam,

Thanks for applying to Brightline. We'd like to invite you to a 30-minute phone
interview next week. Please pick a time that suits you using the link below.

Best,
Mara
"""


def check_advice(a: Advice, body: str) -> None:
    """Invariants every Advice must satisfy."""
    assert isinstance(a, Advice)
    assert 0.0 <= a.rejection_probability <= 1.0
    points = load_model().operating_points
    assert a.is_rejection == (a.rejection_probability >= points.rejection)
    assert a.kind in KINDS and a.is_rejection == (a.kind == "rejection")
    assert set(a.kind_probabilities) == set(KINDS)
    assert sum(a.kind_probabilities.values()) == pytest.approx(1.0)
    assert a.kind_probabilities["rejection"] == a.rejection_probability
    json.dumps(a.to_dict())
    if not a.is_rejection:
        assert a.tone is None and a.stage is None
        assert a.strategies == () and a.strategy is None
        assert a.feedback == () and a.reasons == ()
        return
    assert a.tone in TONES
    assert set(a.tone_probabilities) == set(TONES)
    assert sum(a.tone_probabilities.values()) == pytest.approx(1.0)
    assert all(0.0 <= p <= 1.0 for p in a.tone_probabilities.values())
    assert a.stage in (*STAGES, None)
    assert set(a.reasons) <= set(REASONS)
    assert sorted(s.number for s in a.strategies) == list(range(1, 10))
    assert a.strategy is a.strategies[0]
    scores = [s.score for s in a.strategies]
    assert scores == sorted(scores, reverse=True)
    assert all(isinstance(s, StrategyAdvice) and s.why and s.actions for s in a.strategies)
    for f in a.feedback:
        assert isinstance(f, Feedback)
        assert f.category in FEEDBACK_CATEGORIES
        assert body[f.start : f.end] == f.text
        assert 0.0 < f.probability <= 1.0
    assert a.feedback_categories == tuple(sorted({f.category for f in a.feedback}))
    assert set(a.evidence) <= set(DECISIONS)
    for phrases in a.evidence.values():
        assert all(p in body for p in phrases)


@pytest.mark.parametrize("body", [WARM_FEEDBACK, FORM_LETTER, INVITE],
                         ids=["warm-feedback", "form-letter", "invite"])
def test_contract(body: str) -> None:
    check_advice(advise(body), body)


def test_warm_rejection_with_feedback() -> None:
    a = advise(WARM_FEEDBACK, "Your application")
    assert a.is_rejection
    assert a.stage == "interview"
    assert "competition" in a.reasons
    assert a.feedback_offer
    assert a.feedback, "the SQL sentence carries experience/skills feedback"
    assert any("SQL" in f.text for f in a.feedback)
    assert a.evidence.get("rejection")


def test_form_letter_is_neutral_application_rejection() -> None:
    a = advise(FORM_LETTER)
    assert a.is_rejection
    assert a.tone == "neutral"
    assert a.stage == "application"
    assert a.feedback == ()
    assert a.strategy is not None and a.strategy.number in (1, 4)


def test_invitation_is_not_a_rejection() -> None:
    a = advise(INVITE, "Interview invitation")
    assert not a.is_rejection
    assert a.kind == "interview"
    assert a.evidence["rejection"] and a.evidence["kind"]


@pytest.mark.parametrize("body", [
    "Yadda yadda yadda", "One\nTwo", "def f(x):\n    return x + 1\n",
    "Unfortunately the 10:15 train is cancelled. Sorry, not the news you wanted!",
    "lorem ipsum dolor sit amet " * 300,
], ids=["yadda", "one-two", "code", "no-hiring-words", "long-filler"])
def test_no_hiring_evidence_is_not_job(body: str) -> None:
    a = advise(body)
    assert a.kind == "not_job" and not a.is_rejection
    assert a.rejection_probability == 0.0 and a.kind_probabilities["not_job"] == 1.0


@pytest.mark.parametrize("body", ["", "   \n\t "], ids=["empty", "whitespace"])
def test_empty_text_is_not_a_rejection(body: str) -> None:
    a = advise(body)
    assert not a.is_rejection and a.rejection_probability == 0.0
    assert a.kind == "not_job"


@pytest.mark.parametrize("bad", [None, b"bytes", 3, ["list"]], ids=["none", "bytes", "int", "list"])
def test_non_str_raises_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="must be a str"):
        advise(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="subject must be a str"):
        advise("text", bad)  # type: ignore[arg-type]


def test_advice_is_immutable() -> None:
    a = advise(FORM_LETTER)
    with pytest.raises(AttributeError):
        a.tone = "cold"  # type: ignore[misc]


def test_huge_and_junk_input_is_capped() -> None:
    huge = (FORM_LETTER + "\n") * 40_000  # about 10 MB
    check_advice(advise(huge), huge)
    junk = bytes(range(256)).decode("latin-1") * 2000
    check_advice(advise(junk), junk)


def test_explicit_model_is_used() -> None:
    model = load_model()
    assert advise(FORM_LETTER, model=model) == advise(FORM_LETTER)
    assert load_model() is model
