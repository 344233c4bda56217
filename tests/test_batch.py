"""analyse(): plain-text batches and history-aware strategies."""

from __future__ import annotations

import pandas as pd
import pytest

from rebound_nlp import advise, analyse
from rebound_nlp.batch import COLUMNS

FORM = ("Dear Applicant,\n\nThank you for your interest in the {role} position. After careful "
        "review we will not be moving forward with your application.\n\nRegards,\nRecruiting")


def test_analyse_strings_and_records() -> None:
    table = analyse([FORM.format(role="Analyst"), "", "See you at the interview on Monday!"])
    assert list(table.columns) == list(COLUMNS)
    assert len(table) == 3
    assert table["is_rejection"].tolist()[0] is True
    assert table["error"].tolist() == ["", "empty body", ""]
    assert table["strategy"].dtype == "Int64"
    records = analyse(pd.DataFrame({"subject": ["Your application"],
                                    "body": [FORM.format(role="Chef")]}))
    assert records["subject"][0] == "Your application"


def test_analyse_rejects_bad_items() -> None:
    with pytest.raises(TypeError, match="email 1"):
        analyse(["fine", 42])  # type: ignore[list-item]


def test_history_raises_streak_strategies() -> None:
    roles = ["Analyst", "Planner", "Buyer", "Clerk", "Coordinator", "Assistant", "Officer"]
    days = pd.date_range("2026-03-01", periods=len(roles), freq="2D", tz="UTC")
    table = analyse([{"body": FORM.format(role=r), "date": d} for r, d in zip(roles, days,
                                                                               strict=True)])
    assert table["is_rejection"].all()
    alone = [s.number for s in advise(FORM.format(role="Officer")).strategies]
    first, last = table["strategies"].iloc[0], table["strategies"].iloc[-1]
    assert first == alone  # no history before the first rejection
    for number in (2, 8):
        assert last.index(number) < alone.index(number), number
    streak = {2, 7, 8}
    assert len(streak & set(last[:4])) > len(streak & set(alone[:4]))
    assert "history" not in table.columns
