"""Cross-validation and search parse each text once and give what fold-by-fold training gives."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator

import pandas as pd
import pytest
from sklearn.model_selection import GroupKFold

from rebound_nlp.training import cross_validate, evaluate, search, train

# The package exports a function of the same name as this module.
train_module = importlib.import_module("rebound_nlp.training.train")


@pytest.fixture(scope="module")
def tiny(corpus: list[dict]) -> pd.DataFrame:
    """About 40 emails from many families, both splits, labelled for the kind
    head and the sentence heads only (fewer heads, quicker folds)."""
    rows = pd.DataFrame([r for k, r in enumerate(corpus) if k % 100 == 0])
    return rows[["id", "family", "split", "subject", "body", "kind", "is_rejection", "feedback",
                 "feedback_spans"]]


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the training code sends through spaCy."""
    texts: list[str] = []
    make_docs = train_module.make_docs

    def counting(items: Iterable[str]) -> Iterator:
        items = list(items)
        texts.extend(items)
        return make_docs(items)

    monkeypatch.setattr(train_module, "make_docs", counting)
    return texts


@pytest.fixture(scope="module")
def scores(tiny: pd.DataFrame) -> pd.DataFrame:
    return cross_validate(tiny, folds=2, config={"email_c": 8.0}, seed=3)


def test_cross_validate_parses_once(tiny: pd.DataFrame, parsed: list[str]) -> None:
    cross_validate(tiny, folds=2, config={"email_c": 8.0}, seed=3)
    assert sorted(parsed) == sorted(tiny.loc[tiny["split"] == "train", "body"])


def test_cross_validate_equals_training_fold_by_fold(tiny: pd.DataFrame, scores: pd.DataFrame
                                                      ) -> None:
    rows = tiny[tiny["split"] == "train"].reset_index(drop=True)
    expected = []
    for fold, (fit, held) in enumerate(GroupKFold(n_splits=2).split(rows, groups=rows["family"])):
        model = train(rows.iloc[fit], config={"email_c": 8.0}, seed=3)
        report = evaluate(model, rows.iloc[held].drop(columns="split"))
        expected.append({"fold": fold, **report.summary})
    pd.testing.assert_frame_equal(scores, pd.DataFrame(expected).set_index("fold"),
                                  check_exact=True)


def test_search_parses_once_and_equals_cross_validate(tiny: pd.DataFrame, scores: pd.DataFrame,
                                                      parsed: list[str]) -> None:
    result = search(tiny, {"email_c": [2.0, 8.0]}, folds=2, seed=3)
    assert sorted(parsed) == sorted(tiny.loc[tiny["split"] == "train", "body"])
    assert sorted(result["email_c"]) == [2.0, 8.0]
    row = result[result["email_c"] == 8.0].iloc[0]
    assert row.drop("email_c").to_dict() == scores.mean().to_dict()
