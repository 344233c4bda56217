"""Invariants that hold for any input (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_nlp import advise
from test_advise import check_advice

job_words = st.sampled_from([
    "Unfortunately", "we", "will not", "be moving forward", "interview", "your", "SQL",
    "skills", "experience", "visa", "thank you", "regret", "the position has been filled",
    "\n", "\n\n", "-", "•", ".", "!", "Dear Sam,", "Best,", "apply again", "feedback",
])
texts = st.one_of(
    st.text(max_size=400),
    st.lists(job_words, max_size=60).map(" ".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=texts, subject=st.text(max_size=40))
def test_any_text_gives_valid_advice(body: str, subject: str) -> None:
    check_advice(advise(body, subject), body)
