"""analyse(): plain-text batches and history-aware strategies."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rebound_nlp import Analyzer, advise, analyse, analyse_mailbox
from rebound_nlp.batch import COLUMNS, _RejectionDates, analyse_mailbox_to
from rebound_nlp.strategy import History
from rebound_nlp.summary import MailboxSummary, summarise
from rebound_nlp.table import write_table

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


def test_undated_rows_show_the_strategies_advise_ranks() -> None:
    """A table ranks a rejection's strategies itself (analysed for_table) and words
    only the first: the same ranking and words as advise()."""
    bodies = [FORM.format(role="Analyst"),
              "Thank you for interviewing with us. We felt your SQL skills were not yet at "
              "the level the role needs. We would love you to apply again next year.",
              "Unfortunately the position has been filled by an internal candidate. Happy "
              "to share feedback if you would like it.",
              "See you at the interview on Monday!"]
    table = analyse(bodies)
    for body, row in zip(bodies, table.to_dict("records"), strict=True):
        ranked = advise(body).strategies
        assert row["strategies"] == [s.number for s in ranked]
        assert row["strategy_title"] == (ranked[0].title if ranked else "")
        assert row["strategy_why"] == (ranked[0].why if ranked else "")
    assert table["is_rejection"].tolist() == [True, True, True, False]
    unranked = Analyzer().analyse(bodies[:1], [""], for_table=True)[0]
    assert unranked.is_rejection and unranked.strategies == () and unranked.signals


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


# Days over two months, many of them exactly 14 or 30 days apart, shared by several rows;
# most rows dated rejections.
_DAYS = st.sampled_from([0, 1, 2, 14, 15, 16, 29, 30, 31, 44, 45, 46]) | st.integers(0, 60)
_ROWS = st.lists(st.tuples(st.one_of(_DAYS, _DAYS, _DAYS, st.none()),
                           st.sampled_from([True, True, True, False])), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_ROWS, st.booleans(), st.booleans())
@example([(0, True), (1, True), (2, True), (14, True), (44, True)], True, True)  # window edges
@example([(14, True), (0, True), (1, True), (2, True)], True, False)  # the first one late
def test_history_of_each_rejection_in_any_mailbox_order(rows: list, tell: bool, in_order: bool
                                                        ) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    dated = [(start + timedelta(days=day), i) for i, (day, rejection) in enumerate(rows)
             if rejection and day is not None]
    if in_order:  # as most mailboxes are
        dated = list(zip(sorted(when for when, _ in dated), [i for _, i in dated], strict=True))
    when_of = {i: when for when, i in dated}
    dates, told = _RejectionDates(), {}
    for i, (day, rejection) in enumerate(rows):  # rows with no date or no rejection too
        when = when_of.get(i, None if day is None else start + timedelta(days=day))
        history = dates.add(i, {"date": when}, {} if rejection else None, tell=tell)
        if i in when_of:
            told[i] = history or History()
        else:
            assert history is None
    fixes = list(dates.corrections())
    assert [i for i, _ in fixes] == sorted(i for i, _ in fixes)
    fixed = dict(fixes)
    for when, i in dated:
        # Before a rejection: another one earlier in (date, row) order, within the window.
        before = [d for d, j in dated if (d, j) < (when, i)]
        history = History(*(sum(d >= when - timedelta(days=days) for d in before)
                            for days in (14, 30)))
        if i in fixed:  # corrected: what add() told shows other signals
            assert fixed[i] == history
            assert told[i].signals() != history.signals()
        else:  # what add() told stands
            assert told[i].signals() == history.signals()
    if not tell:
        assert set(told.values()) <= {History()}
    elif [when for when, _ in dated] == sorted(when for when, _ in dated):
        assert not fixes  # a mailbox in date order is written in one pass


def _mbox_of_rejections(path: Path, n: int, order: str = "dated") -> Path:
    """An mbox of ``n`` rejections two days apart (a streak), plus two duplicates, the
    second with a date a table cannot hold, and a message that is no job mail second.
    ``order``: the streak's messages in date order, ``"late"`` (the first one last) or
    ``"reversed"``."""
    blocks = []
    for k in range(n + 1):
        day = 1 + 2 * min(k, n - 1)
        blocks.append([f"From x@y.example Mon Mar {day:2d} 10:00:00 2026",
                       "From: Recruiting <jobs@orrin-systems.example>",
                       f"Subject: Application {min(k, n - 1)}",
                       f"Date: Mon, {day} Mar 2026 10:00:00 +0000",
                       f"Message-ID: <m{min(k, n - 1)}@orrin.example>", "",
                       FORM.format(role=f"Role {k}"), ""])
    blocks = {"dated": blocks, "late": blocks[1:] + blocks[:1], "reversed": blocks[::-1]}[order]
    blocks.insert(1, ["From x@y.example Mon Mar  2 10:00:00 2026", "Subject: Thursday",
                      "Date: Mon, 2 Mar 2026 10:00:00 +0000", "Message-ID: <club@y.example>", "",
                      "Hi all, the book club meets on Thursday at 7. Bring snacks!", ""])
    lines = [line for block in blocks for line in block]
    lines += ["From x@y.example Mon Mar  1 10:00:00 2026",  # both notes, in this order
              "Subject: Application 0", "Date: Fri, 31 Dec 9999 10:00:00 +0000",
              "Message-ID: <m0@orrin.example>", "", FORM.format(role="Role 0"), ""]
    path.write_text("\n".join(lines))
    return path


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"], ids=["csv", "jsonl", "parquet"])
def test_streamed_file_equals_the_table(tmp_path: Path, suffix: str) -> None:
    mbox = _mbox_of_rejections(tmp_path / "box.mbox", 7)
    table = analyse_mailbox(mbox)
    assert table["strategies"].iloc[-3] != table["strategies"].iloc[0]  # history changed it
    assert table["error"].iloc[-2].startswith("duplicate Message-ID")
    assert table["error"].iloc[-1].startswith("duplicate Message-ID of box.mbox#0; date ")
    write_table(table, tmp_path / f"whole{suffix}")
    summary = analyse_mailbox_to(mbox, tmp_path / f"streamed{suffix}")
    whole, streamed = tmp_path / f"whole{suffix}", tmp_path / f"streamed{suffix}"
    assert whole.read_bytes() == streamed.read_bytes()
    assert summary == MailboxSummary.of_table(table)
    assert summary.errors == 2 and summary.messages == len(table)
    only = analyse_mailbox_to(mbox, tmp_path / f"rejections{suffix}", rejections_only=True)
    assert only == summary  # every row is counted, written or not
    assert not table["is_rejection"].all()
    write_table(table[table["is_rejection"]], tmp_path / f"whole_rejections{suffix}")
    assert (tmp_path / f"rejections{suffix}").read_bytes() == (
        tmp_path / f"whole_rejections{suffix}").read_bytes()


def test_message_ids_sharing_a_hash_are_not_repeats(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Only Message-IDs whose hash repeats are compared; different IDs that share a
    hash are told apart by the IDs themselves."""
    from rebound_nlp import batch

    mbox = _mbox_of_rejections(tmp_path / "box.mbox", 7)
    expected = analyse_mailbox_to(mbox, tmp_path / "expected.csv")
    monkeypatch.setattr(batch, "hash", lambda value: 0, raising=False)  # every ID collides
    assert analyse_mailbox_to(mbox, tmp_path / "collided.csv") == expected
    assert (tmp_path / "collided.csv").read_bytes() == (tmp_path / "expected.csv").read_bytes()
    assert expected.errors == 2  # the mailbox's two repeated Message-IDs


def test_summary_counts_the_table(tmp_path: Path) -> None:
    table = analyse_mailbox(_mbox_of_rejections(tmp_path / "box.mbox", 7))
    first, second = table.index[table["is_rejection"]][:2]
    table.loc[first, "tone"] = None  # missing values, as a table read back may have them
    table.loc[second, "stage"] = None
    table.loc[table.index[~table["is_rejection"]][0], "kind"] = None
    summary = MailboxSummary.of_table(table)
    rejections = table[table["is_rejection"]]
    assert (summary.messages, summary.rejections) == (len(table), len(rejections))
    assert summary.errors == sum(bool(e) for e in table["error"]) == 2
    assert summary.kinds == Counter(k for k in table["kind"] if isinstance(k, str))
    assert summary.tones == Counter(t for t in rejections["tone"] if isinstance(t, str))
    assert summary.stages["unclear"] >= 1
    assert summary.stages.total() == len(rejections)
    assert summary.feedback == Counter(c for cats in rejections["feedback"] for c in cats)
    text = summarise(table)
    assert text == summarise(summary)
    assert text.startswith(f"messages read: {len(table) - 2} of {len(table)}\n")
    assert text.endswith("\nmessages with errors: 2")


@pytest.mark.parametrize("order", ["late", "reversed"])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"], ids=["csv", "jsonl", "parquet"])
def test_streamed_file_out_of_date_order_equals_the_table(tmp_path: Path, suffix: str,
                                                          order: str) -> None:
    """Rows written before a later message changed their history are written again."""
    mbox = _mbox_of_rejections(tmp_path / "box.mbox", 7, order)
    table = analyse_mailbox(mbox)
    assert len({tuple(s) for s in table["strategies"]}) > 2  # histories changed some
    write_table(table, tmp_path / f"whole{suffix}")
    analyse_mailbox_to(mbox, tmp_path / f"streamed{suffix}")
    assert (tmp_path / f"whole{suffix}").read_bytes() == (tmp_path / f"streamed{suffix}"
                                                          ).read_bytes()
