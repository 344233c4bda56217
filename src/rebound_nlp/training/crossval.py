"""Grouped cross-validation and a small hyper-parameter search."""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold
from spacy.tokens import Doc

from rebound_nlp.errors import DataError
from rebound_nlp.training.datasets import load_dataset, split
from rebound_nlp.training.evaluate import _predict_parsed, _report
from rebound_nlp.training.train import TrainConfig, _train_parsed, parse_docs

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
    splits = _group_folds(df, folds)
    cfg = TrainConfig.from_dict(dict(config or {}))
    return _cross_validate_parsed(df, parse_docs(df["body"]), splits, cfg, seed)


def _group_folds(df: pd.DataFrame, folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    if "family" not in df:
        raise DataError("cross_validate groups by 'family'; the data has no such column.")
    if df["family"].nunique() < folds:
        raise DataError(f"{df['family'].nunique()} families cannot fill {folds} folds.")
    return list(GroupKFold(n_splits=folds).split(df, groups=df["family"]))


def _cross_validate_parsed(df: pd.DataFrame, docs: Sequence[Doc],
                           splits: Sequence[tuple[np.ndarray, np.ndarray]], cfg: TrainConfig,
                           seed: int) -> pd.DataFrame:
    """:func:`cross_validate` given the Doc of each row: each fold trains and
    evaluates on the rows :func:`train` and :func:`evaluate` would read, with
    the Docs parsed once."""
    rows = []
    for fold, (fit, held) in enumerate(splits):
        fit_df = split(load_dataset(df.iloc[fit]), "train")
        model = _train_parsed(fit_df, [docs[i] for i in fit], cfg, seed=seed)
        held_df = split(load_dataset(df.iloc[held].drop(columns="split", errors="ignore")),
                        "test")
        frame = _predict_parsed(model, held_df, [docs[i] for i in held])
        rows.append({"fold": fold, **_report(model, held_df, frame).summary})
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
    configs = [dict(zip(keys, values, strict=True))
               for values in itertools.product(*(grid[k] for k in keys))]
    if not configs:
        raise DataError("The grid is empty.")
    # Every grid point uses the same folds of the same Docs: parse once.
    df = split(load_dataset(df), "train")
    splits = _group_folds(df, folds)
    cfgs = [TrainConfig.from_dict(config) for config in configs]
    docs = parse_docs(df["body"])
    rows = []
    for config, cfg in zip(configs, cfgs, strict=True):
        means: dict[Any, Any] = _cross_validate_parsed(df, docs, splits, cfg,
                                                       seed).mean().to_dict()
        rows.append({**config, **means})
    result = pd.DataFrame(rows)
    if metric not in result:
        raise DataError(f"Unknown metric {metric!r}; choose from {list(result.columns)}.")
    return result.sort_values(metric, ascending=False).reset_index(drop=True)
