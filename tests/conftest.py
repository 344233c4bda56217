"""Shared fixtures: paths of the repository's data and a small training sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "emails.jsonl"
REALWORLD = ROOT.parent / "shared" / "realworld" / "dev.jsonl"
GENERAL = ROOT.parent / "shared" / "realworld" / "general"


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="session")
def small_corpus(corpus: list[dict]) -> list[dict]:
    """A few hundred records across both splits, for quick training tests."""
    return [r for k, r in enumerate(corpus) if k % 6 == 0]


@pytest.fixture(autouse=True)
def _hermetic_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                   ) -> None:
    """Keep any user-level state the libraries write out of the real home."""
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
