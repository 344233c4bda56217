"""The strategy table, read as a spec (see ../shared/mission/strategies.md)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rebound_nlp.labels import FEEDBACK_CATEGORIES
from rebound_nlp.strategy import (
    SIGNALS,
    History,
    rank_for_table,
    rank_strategies,
    rank_with_history,
    strategy_table,
)

TITLES = {
    1: "Don't take it personally",
    2: "Don't bring up the past",
    3: "Ask yourself questions",
    4: "Accept reality",
    5: "Keep it in perspective",
    6: "Accept responsibility; don't blame others",
    7: "You're not alone",
    8: "Stretch yourself",
    9: "A fresh approach",
}


def test_table_has_nine_titled_strategies() -> None:
    table = strategy_table()
    assert {row["number"]: row["title"] for row in table} == TITLES
    for row in table:
        assert row["actions"], f"strategy {row['number']} needs general actions"
        for name, rule in row.get("signals", {}).items():
            assert name in SIGNALS
            assert rule["weight"] > 0
            assert "{detail}" not in rule["why"] or rule["why"].count("{detail}") == 1


# Which strategy comes first for a single email, from the mission notes.
CASES = [
    ({"competition": "another candidate", "stage_application": ""}, 1),
    ({"position": "the role has been filled"}, 1),
    ({"feedback_logistics": "“we need someone on site in Leeds”", "stage_interview": ""}, 1),
    ({"form_letter": "", "stage_application": ""}, 4),
    ({"close_call": "difficult decision", "praise": "impressed", "warm": "",
      "stage_interview": ""}, 5),
    ({"feedback_interview": "“your case study answers were brief”", "stage_interview": ""}, 6),
    ({"feedback_skills": "“we need more SQL”"}, 6),
    ({"feedback_experience": "“we need five years of audit experience”"}, 9),
    ({"form_letter": "", "interview_no_reason": "", "stage_interview": ""}, 3),
    ({"feedback_offer": "happy to share feedback", "stage_interview": ""}, 3),
    ({"form_letter": "", "recent_30": "5", "recent_14": "3"}, 4),
    ({"cold": "", "form_letter": "", "recent_30": "6", "recent_14": "4"}, 7),
    ({"recent_30": "6", "recent_14": "4", "stage_interview": ""}, 2),
]


@pytest.mark.parametrize(("signals", "first"), CASES,
                         ids=[f"{'+'.join(sorted(s))}->{n}" for s, n in CASES])
def test_first_strategy(signals: dict[str, str], first: int) -> None:
    ranked = rank_strategies(signals)
    assert ranked[0].number == first
    assert sorted(s.number for s in ranked) == list(range(1, 10))


def test_why_names_this_emails_words() -> None:
    ranked = rank_strategies({"feedback_skills": "“your Excel modelling was thin”"})
    assert "Excel modelling" in ranked[0].why
    assert ranked[0].actions[0].startswith("Choose one concrete way")


def test_history_raises_streak_strategies() -> None:
    alone = {s.number: s.score for s in rank_strategies({"form_letter": ""})}
    streak = {s.number: s.score for s in rank_strategies(
        {"form_letter": "", "recent_14": "3", "recent_30": "5"})}
    for number in (2, 7, 8):
        assert streak[number] > alone[number]


def test_cue_signals_name_real_cues_and_signals() -> None:
    from rebound_nlp.nlp.patterns import EMAIL_CUES, SENTENCE_CUES, TOPIC_CATEGORIES
    from rebound_nlp.strategy import CUE_SIGNALS, SIGNALS

    assert set(CUE_SIGNALS) <= set(EMAIL_CUES)
    assert set(CUE_SIGNALS.values()) <= set(SIGNALS)
    assert set(TOPIC_CATEGORIES) <= set(SENTENCE_CUES)
    assert sorted(TOPIC_CATEGORIES.values()) == sorted(FEEDBACK_CATEGORIES)


_EMAIL_SIGNALS = sorted(set(SIGNALS) - {"recent_14", "recent_30"})


@given(st.dictionaries(st.sampled_from(_EMAIL_SIGNALS),
                       st.text(max_size=200) | st.sampled_from(["", "x " * 90])),
       st.integers(0, 8), st.integers(0, 12))
def test_table_ranking_is_the_full_ranking(signals: dict[str, str], recent_14: int,
                                           recent_30: int) -> None:
    """What a table row shows is the full ranking's numbers and first strategy."""
    history = History(recent_14, max(recent_14, recent_30))
    full = rank_with_history(signals, history)
    assert rank_for_table(signals, history) == ([s.number for s in full], full[0].title,
                                                full[0].why)
