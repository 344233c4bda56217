"""Grouped cross-validation and a small hyper-parameter search."""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from sklearn.model_selection import GroupKFold

from rebound_nlp.errors import DataError
from rebound_nlp.training.datasets import load_dataset, split
from rebound_nlp.training.evaluate import evaluate
from rebound_nlp.training.train import train

__all__ = ["cross_validate", "search"]


def cross_validate(
    data: str | os.PathLike[str] | pd.DataFrame,
    *,
    folds: int = 5,
    config: Mapping[str, Any] | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Grouped k-fold cross-validation on the train split, grouped by ``family``.

    Near-variants of one email never sit on both sides of a fold, so the
    figures are not inflated by memorised wording.  Returns one row of
    headline metrics (``Report.summary``) per fold.

    Examples
    --------
    >>> from rebound_nlp.training import cross_validate
    >>> scores = cross_validate("data/emails.jsonl", folds=5)  # doctest: +SKIP
    >>> scores.mean()  # doctest: +SKIP
    """
    df = split(load_dataset(data), "train")
    if "family" not in df:
        raise DataError("cross_validate groups by 'family'; the data has no such column.")
    if df["family"].nunique() < folds:
        raise DataError(f"{df['family'].nunique()} families cannot fill {folds} folds.")
    rows = []
    for fold, (fit, held) in enumerate(GroupKFold(n_splits=folds).split(df, groups=df["family"])):
        model = train(df.iloc[fit], config=dict(config or {}), seed=seed)
        summary = evaluate(model, df.iloc[held].drop(columns="split", errors="ignore")).summary
        rows.append({"fold": fold, **summary})
    return pd.DataFrame(rows).set_index("fold")


def search(
    data: str | os.PathLike[str] | pd.DataFrame,
    grid: Mapping[str, Sequence[Any]],
    *,
    folds: int = 3,
    metric: str = "rejection_f1",
    seed: int = 0,
) -> pd.DataFrame:
    """Try every combination of ``grid`` (TrainConfig fields) by grouped CV.

    Returns one row per combination with the mean of each metric, best
    ``metric`` first.  Keep grids small: each combination trains ``folds``
    models.

    Examples
    --------
    >>> from rebound_nlp.training import search
    >>> search("data/emails.jsonl", {"email_c": [2, 8, 32]})  # doctest: +SKIP
    """
    df = load_dataset(data)
    keys = list(grid)
    rows = []
    for values in itertools.product(*(grid[k] for k in keys)):
        config = dict(zip(keys, values, strict=True))
        means: dict[Any, Any] = cross_validate(df, folds=folds, config=config,
                                               seed=seed).mean().to_dict()
        rows.append({**config, **means})
    if not rows:
        raise DataError("The grid is empty.")
    result = pd.DataFrame(rows)
    if metric not in result:
        raise DataError(f"Unknown metric {metric!r}; choose from {list(result.columns)}.")
    return result.sort_values(metric, ascending=False).reset_index(drop=True)
