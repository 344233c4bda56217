"""The corpus in data/emails.jsonl follows the schema and the coverage minimums."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from conftest import CORPUS
from rebound_nlp.labels import FEEDBACK_CATEGORIES, KINDS, REASONS, STAGES, TONES
from rebound_nlp.training import load_dataset

FIELDS = {"id", "family", "split", "subject", "body", "kind", "is_rejection", "tone", "stage",
          "feedback", "reasons", "future_invite", "feedback_offer", "feedback_spans"}


def test_schema_and_value_sets(corpus: list[dict]) -> None:
    load_dataset(CORPUS)  # raises DataError naming any bad row
    for r in corpus:
        assert set(r) == FIELDS, r["id"]
        assert isinstance(r["id"], str) and isinstance(r["family"], str)
        assert r["split"] in ("train", "test")
        assert isinstance(r["subject"], str) and isinstance(r["body"], str) and r["body"].strip()
        for flag in ("is_rejection", "future_invite", "feedback_offer"):
            assert isinstance(r[flag], bool), r["id"]
        assert r["kind"] in KINDS and (r["kind"] == "rejection") == r["is_rejection"], r["id"]
        assert len(set(r["feedback"])) == len(r["feedback"]) <= len(FEEDBACK_CATEGORIES)
        assert set(r["feedback"]) <= set(FEEDBACK_CATEGORIES)
        assert set(r["reasons"]) <= set(REASONS) and len(set(r["reasons"])) == len(r["reasons"])
        assert bool(r["feedback"]) == bool(r["feedback_spans"]), r["id"]
        assert all(span in r["body"] for span in r["feedback_spans"]), r["id"]
        if r["is_rejection"]:
            assert r["tone"] in TONES and r["stage"] in (*STAGES, None), r["id"]
        else:
            assert r["tone"] is None and r["stage"] is None, r["id"]
            assert not (r["feedback"] or r["reasons"] or r["future_invite"]
                        or r["feedback_offer"]), r["id"]


def test_ids_unique_and_families_on_one_side(corpus: list[dict]) -> None:
    assert len({r["id"] for r in corpus}) == len(corpus)
    sides = defaultdict(set)
    for r in corpus:
        sides[r["family"]].add(r["split"])
    assert [f for f, s in sides.items() if len(s) > 1] == []
    test_share = sum(r["split"] == "test" for r in corpus) / len(corpus)
    assert test_share >= 0.20
    assert any(r["family"].startswith("heldout-") and r["split"] == "test" for r in corpus)
    assert not any(r["family"].startswith("heldout-") and r["split"] == "train" for r in corpus)


def _shingles(text: str, n: int = 5) -> frozenset[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return frozenset(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)))


def test_no_near_duplicates_across_split(corpus: list[dict]) -> None:
    shingles = [_shingles(r["body"]) for r in corpus]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, r in enumerate(corpus):
        if r["split"] == "train":
            for g in shingles[i]:
                index[g].append(i)
    pairs = []
    for i, r in enumerate(corpus):
        if r["split"] != "test":
            continue
        shared = Counter(j for g in shingles[i] for j in index.get(g, ()))
        for j, n in shared.items():
            if n / len(shingles[i] | shingles[j]) > 0.8:
                pairs.append((r["id"], corpus[j]["id"]))
    assert pairs == []


MINIMUMS = [
    ("emails", 2000), ("rejections", 1400), ("non_rejections", 600),
    *[(f"kind={k}", 100) for k in KINDS],
    *[(f"tone={t}", 300) for t in TONES],
    *[(f"stage={s}", 400) for s in STAGES],
    ("with_feedback", 500), *[(f"feedback={c}", 100) for c in FEEDBACK_CATEGORIES],
    ("feedback>=2", 50),
    *[(f"reason={r}", 150) for r in REASONS],
    ("future_invite", 300), ("feedback_offer", 150),
]


@pytest.fixture(scope="module")
def counts(corpus: list[dict]) -> Counter:
    c: Counter = Counter(emails=len(corpus))
    for r in corpus:
        c[f"kind={r['kind']}"] += 1
        if not r["is_rejection"]:
            c["non_rejections"] += 1
            continue
        c["rejections"] += 1
        c[f"tone={r['tone']}"] += 1
        c[f"stage={r['stage']}"] += 1
        c["with_feedback"] += bool(r["feedback"])
        c["feedback>=2"] += len(r["feedback"]) >= 2
        c.update(f"feedback={f}" for f in r["feedback"])
        c.update(f"reason={x}" for x in r["reasons"])
        c["future_invite"] += r["future_invite"]
        c["feedback_offer"] += r["feedback_offer"]
    return c


@pytest.mark.parametrize(("key", "minimum"), MINIMUMS, ids=[k for k, _ in MINIMUMS])
def test_minimum_counts(counts: Counter, key: str, minimum: int) -> None:
    assert counts[key] >= minimum


def test_variety(corpus: list[dict]) -> None:
    lengths = [len(r["body"].split()) for r in corpus]
    assert min(lengths) <= 12 and max(lengths) >= 300
    rejections = [r["body"].lower() for r in corpus if r["is_rejection"]]
    plain = [b for b in rejections if "unfortunately" not in b and "regret" not in b]
    assert len(plain) >= 200
    assert sum("colour" in b or "organisation" in b or "behaviour" in b for b in rejections) >= 20
