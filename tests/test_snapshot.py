"""Refactors and speed-ups change no prediction: the shipped model's advice on
the test split equals the snapshot written by ``tests/data/make_snapshot.py``."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from rebound_nlp import Analyzer, advise, load_model

SNAPSHOT = Path(__file__).parent / "data" / "test_split_advice.jsonl.gz"


def _same(got: object, expected: object) -> bool:
    """Equal, floats to 1e-12 (a different summation order moves the last bits)."""
    if isinstance(expected, float) and isinstance(got, float):
        return got == pytest.approx(expected, rel=1e-12, abs=1e-12)
    if isinstance(expected, dict) and isinstance(got, dict):
        return got.keys() == expected.keys() and all(_same(got[k], v)
                                                     for k, v in expected.items())
    if isinstance(expected, list) and isinstance(got, list):
        return len(got) == len(expected) and all(map(_same, got, expected))
    return got == expected


@pytest.fixture(scope="module")
def snapshot() -> list[dict]:
    with gzip.open(SNAPSHOT, "rt", encoding="utf-8") as fh:
        header, *rows = (json.loads(line) for line in fh)
    assert header["model_files"] == load_model().manifest["files"], (
        "the shipped model changed: run `python tests/data/make_snapshot.py`")
    return rows


@pytest.fixture(scope="module")
def test_split(corpus: list[dict]) -> dict[str, dict]:
    return {r["id"]: r for r in corpus if r["split"] == "test"}


def test_snapshot_covers_the_test_split(snapshot: list[dict], test_split: dict) -> None:
    assert [r["id"] for r in snapshot] == list(test_split)


def test_advise_gives_the_snapshot(snapshot: list[dict], test_split: dict) -> None:
    for expected in snapshot[::4]:
        record = test_split[expected["id"]]
        got = advise(record["body"], record["subject"]).to_dict()
        assert _same({"id": expected["id"], **got}, expected), expected["id"]


def test_batched_pipe_gives_the_snapshot(snapshot: list[dict], test_split: dict) -> None:
    records = [test_split[r["id"]] for r in snapshot]
    got = Analyzer(batch_size=64).pipe((r["body"], r["subject"]) for r in records)
    for expected, advice in zip(snapshot, got, strict=True):
        assert _same({"id": expected["id"], **advice.to_dict()}, expected), expected["id"]
