"""Small pieces checked against values worked out by hand."""

from __future__ import annotations

from datetime import timedelta, timezone

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rebound_nlp.batch import _timestamp
from rebound_nlp.decisions import OperatingPoints, decide_kind
from rebound_nlp.errors import ModelError
from rebound_nlp.features import (
    FeatureIndex,
    JoinedNames,
    job_evidence,
    read_docs,
    sentence_features,
    sentences,
)
from rebound_nlp.nlp import make_doc
from rebound_nlp.training.evaluate import _span_scores, expected_calibration_error


@pytest.mark.parametrize(
    ("y", "p", "ece"),
    [
        # One email per bin: the mean of |outcome - confidence|, (.05+.15+.45+.15)/4.
        ([1, 0, 1, 1], [0.95, 0.15, 0.55, 0.85], 0.2),
        # Both in the 0.6 bin: accuracy 0.5 against confidence 0.65.
        ([1, 0], [0.62, 0.68], 0.15),
        ([1, 1, 0], [1.0, 1.0, 0.0], 0.0),
    ],
    ids=["one-per-bin", "shared-bin", "perfect"],
)
def test_expected_calibration_error(y: list[int], p: list[float], ece: float) -> None:
    assert expected_calibration_error(y, p) == pytest.approx(ece)


def test_span_scores() -> None:
    # Gold span [2, 6); predicted sentences [2, 5) and [7, 9).  The first covers
    # 3 of its 4 characters (found: at least half), the second overlaps nothing:
    # precision 1/2, recall 1/1, F1 2/3; coverage 3/4.
    f1, coverage = _span_scores(["abcdefghij"], [["cdef"]],
                                [[("skills", 2, 5, 0.9), ("skills", 7, 9, 0.8)]])
    assert f1 == pytest.approx(2 / 3)
    assert coverage == pytest.approx(0.75)
    assert _span_scores(["abc"], [[]], [[]]) == (0.0, 0.0)


def test_sentence_splitter() -> None:
    text = ("Dear Sam,\n\nThank you for applying to Orrin. We have reviewed your\n"
            "application carefully and will not be progressing it.\n\n"
            "- strong SQL\n- weak Python\n\nBest,\nJo")
    assert [s.text.strip() for s in sentences(make_doc(text))] == [
        "Dear Sam,",
        "Thank you for applying to Orrin.",
        # A hard-wrapped line (longer than a greeting) runs on into the next.
        "We have reviewed your\napplication carefully and will not be progressing it.",
        "- strong SQL",
        "- weak Python",
        "Best,",
        "Jo",
    ]


def test_negation_window() -> None:
    # "offer" six tokens after "not" is negated; nine tokens after it is not.
    doc = make_doc("We are not able to offer you the role. "
                   "We would not, after a long and careful review, offer it.")
    first, second = (set(sentence_features(doc, k).names) for k in (0, 1))
    assert "c:JOB~neg" in first and "c:JOB" not in first
    assert "c:JOB" in second and "c:JOB~neg" not in second


@pytest.mark.parametrize(
    ("body", "subject", "count"),
    [("Yadda yadda yadda", "", 0), ("See you at the interview.", "", 1),
     ("See you on Monday.", "Interview", 1), ("We will not offer you the job.", "", 2)],
    ids=["none", "body", "subject", "negated-counts"],
)
def test_job_evidence(body: str, subject: str, count: int) -> None:
    assert job_evidence(read_docs([make_doc(body)]), [subject]) == [count]


def test_decide_kind_and_operating_points() -> None:
    p = {"rejection": 0.45, "interview": 0.30, "not_job": 0.25}
    assert decide_kind(p, OperatingPoints()) == "interview"
    assert decide_kind(p, OperatingPoints(rejection=0.4)) == "rejection"
    assert OperatingPoints.from_manifest({}) == OperatingPoints()
    assert OperatingPoints.from_manifest({"operating_points": {"feedback": 0.7}}).feedback == 0.7
    with pytest.raises(ModelError, match="must be a number"):
        OperatingPoints(rejection=1.5)
    with pytest.raises(ModelError, match="unknown operating points"):
        OperatingPoints.from_manifest({"operating_points": {"thresh": 0.5}})


def test_general_mail_sources_match_by_name_or_group() -> None:
    from rebound_nlp.training.general import source_in

    assert source_in("enron:beck-s", ("enron",)) and source_in("enron:beck-s", ("enron:beck-s",))
    assert not source_in("enron:beck-s", ("enron:farmer-d", "spam"))
    assert source_in("spam", ("spam",)) and not source_in("sa_ham", ())


def _reference_hash(text: str) -> int:
    """The polynomial hash the kernel computes, written out: sum of ord(c) * base ** j."""
    from rebound_nlp._kernel import HASH_BASE

    return sum(ord(c) * pow(HASH_BASE, j, 1 << 64) for j, c in enumerate(text)) % (1 << 64)


@given(st.text(max_size=40))
def test_hash_text_is_the_polynomial_hash(text: str) -> None:
    from rebound_nlp._kernel import hash_text

    assert hash_text(text) == _reference_hash(text)


def test_feature_index_finds_every_name_by_its_hash() -> None:
    # Many names, some not ASCII, some one character long.
    rng = np.random.default_rng(0)
    alphabet = list("abcdefgé中 :wb")
    names = sorted({"".join(rng.choice(alphabet, size=rng.integers(1, 12)))
                    for _ in range(20_000)} | {"w:x", "b:x y", "c:JOB", "w", "b"})
    joined = JoinedNames.of(names)
    index = FeatureIndex(joined)
    found = index._find(np.array([_reference_hash(n) for n in names], dtype=np.uint64))
    assert found.tolist() == list(range(len(names)))
    assert index.max_len == max(map(len, names))
    assert set(index.named) == {n for n in names if n[:2] not in ("w:", "b:")}
    assert joined.to_array().tolist() == names


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(microseconds=-1),
                                    timedelta(microseconds=1)])
@pytest.mark.parametrize("edge", ["first", "last"])
@pytest.mark.parametrize("zone", [None, timezone(timedelta(hours=5)),
                                  timezone(timedelta(hours=-5))])
def test_mailbox_dates_fit_the_table_exactly_as_pandas_says(
        offset: timedelta, edge: str, zone: timezone | None) -> None:
    import pandas as pd

    stamp = pd.Timestamp.min.ceil("us") if edge == "first" else pd.Timestamp.max.floor("us")
    value = (stamp.to_pydatetime() + offset).replace(tzinfo=zone)
    try:
        expected = pd.Timestamp(pd.to_datetime(value, utc=True)).as_unit("ns").to_pydatetime()
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        expected = None
    got, note = _timestamp(value)
    assert got == expected
    assert ("outside the years" in note) == (expected is None)


def test_sentence_kernel_refuses_a_text_shorter_than_the_tokens() -> None:
    from rebound_nlp._kernel import sentence_starts
    from rebound_nlp.nlp.pipeline import _SENTENCE_ATTRS, _SENTENCE_ENDS, SHORT_LINE

    table = make_doc("Thank you.\nBest wishes").to_array(_SENTENCE_ATTRS)
    with pytest.raises(ValueError, match="not the Doc's text"):
        sentence_starts("Thank you.", table, SHORT_LINE, _SENTENCE_ENDS)
    assert len(sentence_starts("Thank you.\nBest wishes", table, SHORT_LINE,
                               _SENTENCE_ENDS)) == len(table)


def test_the_pipeline_computes_every_lexical_attribute_read() -> None:
    """New words get only the lexical attributes that the features and the sentence
    component read: norm, space, punctuation, number, URL and e-mail."""
    import spacy
    from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_EMAIL, LIKE_NUM, LIKE_URL, NORM

    from rebound_nlp.nlp import TOKEN_ATTRS, get_nlp
    from rebound_nlp.nlp.pipeline import _SENTENCE_ATTRS

    lexical = set(spacy.blank("en").vocab.lex_attr_getters)
    kept = set(get_nlp().vocab.lex_attr_getters)
    assert kept == (set(TOKEN_ATTRS) | set(_SENTENCE_ATTRS)) & lexical
    assert kept == {NORM, IS_SPACE, IS_PUNCT, LIKE_NUM, LIKE_URL, LIKE_EMAIL}
