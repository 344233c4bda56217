"""Train a model and record its evaluation in the manifest, as `rebound train` does."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from rebound_nlp.classify import Model
from rebound_nlp.training.datasets import load_dataset
from rebound_nlp.training.evaluate import evaluate
from rebound_nlp.training.train import train

__all__ = ["HELDOUT_PREFIX", "build_model"]

#: Families whose name starts with this were written from briefs (writers,
#: industries) that no training family used: a truer test of generalisation.
HELDOUT_PREFIX = "heldout-"


def build_model(
    data: str | os.PathLike[str] | pd.DataFrame,
    *,
    config: dict[str, Any] | None = None,
    seed: int = 0,
    extra_eval: Mapping[str, str | os.PathLike[str]] | None = None,
    progress: bool = False,
) -> Model:
    """Train on the train split and store test-split metrics in the manifest.

    ``manifest["metrics"]`` gets ``test`` (the whole test split, when the
    data has one), ``test_heldout_briefs`` (its ``heldout-`` families) and one
    entry per ``extra_eval`` data set, each evaluated on all its rows.
    """
    df = load_dataset(data)
    model = train(df, config=config, seed=seed, progress=progress)
    metrics: dict[str, dict[str, float]] = {}
    if "split" in df and (df["split"] == "test").any():
        test = df[df["split"] == "test"]
        metrics["test"] = evaluate(model, test, progress=progress).summary
        if "family" in test:
            held = test[test["family"].astype(str).str.startswith(HELDOUT_PREFIX)]
            if len(held):
                metrics["test_heldout_briefs"] = evaluate(model, held).summary
    for name, path in (extra_eval or {}).items():
        extra = load_dataset(path)
        metrics[name] = evaluate(model, extra.drop(columns="split", errors="ignore")).summary
    model.manifest["metrics"] = metrics
    return model
