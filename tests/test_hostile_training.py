"""Hostile training data: each probe ends in a DataError naming what is wrong (issue 9)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from rebound_nlp.errors import DataError
from rebound_nlp.training import load_dataset, train

GOOD = [
    {"body": "Unfortunately we will not be moving forward with your application.",
     "is_rejection": True},
    {"body": "We regret to tell you the position has been filled.", "is_rejection": True},
    {"body": "We would like to invite you to an interview next week.", "is_rejection": False},
    {"body": "Your interview is confirmed for Tuesday at 10am.", "is_rejection": False},
]


def _jsonl(tmp_path: Path, rows: list[Any]) -> Path:
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.parametrize(("rows", "match"), [
    ([GOOD[0]], "1 training row"),
    ([GOOD[0], GOOD[1]], "Every labelled email has is_rejection=True"),
    ([{**GOOD[0], "body": ["a", "list"]}, *GOOD[1:]], "body must be a string"),
    ([{**GOOD[0], "subject": ["a", "list"]}, *GOOD[1:]], "subject must be a string"),
    ([{**GOOD[0], "subject": 42}, *GOOD[1:]], "subject must be a string, got (int|float) 42"),
    ([{**GOOD[0], "tone": ["warm"]}, *GOOD[1:]], "tone="),
    ([{**GOOD[0], "reasons": [["competition"]]}, *GOOD[1:]], "reasons has"),
    ([{**GOOD[0], "feedback_spans": [42]}, *GOOD[1:]], "feedback span 42 is not"),
], ids=["one-row", "one-class", "body-list", "subject-list", "subject-int", "tone-list",
        "nested-list", "span-int"])
def test_bad_records(tmp_path: Path, rows: list[dict[str, Any]], match: str) -> None:
    for data in (rows, pd.DataFrame(rows), _jsonl(tmp_path, rows)):
        with pytest.raises(DataError, match=match):
            train(data, config={"min_df": 1})  # type: ignore[arg-type]


@pytest.mark.parametrize(("content", "match"), [
    (b'{"body": "x"}\n[1, 2, 3]\n', "line 2: expected a JSON object"),
    (b'{"body": "x"}\n"just a string"\n', "line 2: expected a JSON object"),
    (b'{"body": "caf\xe9"}\n', "line 1: not UTF-8"),
    (b'{"body": "x"\n', "line 1: not valid JSON"),
], ids=["list-line", "string-line", "latin-1-byte", "broken-json"])
def test_bad_jsonl(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(content)
    with pytest.raises(DataError, match=match):
        load_dataset(path)


@pytest.mark.parametrize(("content", "match"), [
    (b"body,is_rejection\nWe regret,true\nNo,false,extra,fields\n", "not a CSV table"),
    (b"body,is_rejection\nCaf\xe9 regrets,true\n", "not UTF-8"),
    (b'body,reasons\nWe regret,"[competition"\n', "line 2: reasons must be a JSON list"),
    (b"", "not a CSV table"),
], ids=["ragged", "latin-1-byte", "bad-list", "empty"])
def test_bad_csv(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=match):
        load_dataset(path)


def test_short_csv_rows_are_missing_values(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"body,is_rejection,tone\nWe regret,true\nHello,false,\n")
    df = load_dataset(path)
    assert list(df["is_rejection"]) == [True, False]
    assert list(df["tone"]) == [None, None]


def test_unreadable_path_is_a_data_error(tmp_path: Path) -> None:
    (tmp_path / "folder.jsonl").mkdir()
    with pytest.raises(DataError, match="cannot read"):
        load_dataset(tmp_path / "folder.jsonl")


def test_training_survives_surrogates(tmp_path: Path) -> None:
    """Training died on a body with a lone surrogate (from escaped JSON)."""
    rows = [{**r, "body": r["body"] + " \udcff", "subject": "\ud800"} for r in GOOD]
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))  # escaped: valid JSON
    model = train(path, config={"min_df": 1})
    assert "rejection" in model.heads


def test_missing_subjects_are_empty() -> None:
    df = load_dataset(pd.DataFrame({"body": ["a", "b"], "subject": ["x", None]}))
    assert list(df["subject"]) == ["x", ""]
