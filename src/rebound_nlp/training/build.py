"""Train a model and record its evaluation in the manifest, as `rebound train` does."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import pandas as pd

from rebound_nlp.classify import Model
from rebound_nlp.training.datasets import load_dataset
from rebound_nlp.training.evaluate import evaluate, false_rejections
from rebound_nlp.training.general import (
    SHIPPED_HELDOUT_SOURCES,
    general_mail_sha256,
    load_general_mail,
    source_in,
)
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
    general: str | os.PathLike[str] | None = None,
    general_holdout: Sequence[str] = SHIPPED_HELDOUT_SOURCES,
    progress: bool = False,
) -> Model:
    """Train on the train split and store test-split metrics in the manifest.

    ``manifest["metrics"]`` gets ``test`` (the whole test split, when the
    data has one), ``test_heldout_briefs`` (its ``heldout-`` families) and one
    entry per ``extra_eval`` data set, each evaluated on all its rows.  With
    ``general`` (a folder of real general mail, see
    :func:`~rebound_nlp.training.load_general_mail`), the kind head also
    learns from its messages as ``not_job`` except those of
    ``general_holdout`` sources, on which ``metrics["general_heldout"]``
    reports how many the model calls rejections or job mail.
    """
    df = load_dataset(data)
    train_general = held_general = None
    if general is not None:
        gdf = load_general_mail(general)
        is_held = gdf["source"].map(partial(source_in, names=general_holdout)).astype(bool)
        train_general, held_general = gdf[~is_held], gdf[is_held]
    model = train(df, config=config, seed=seed, progress=progress, general=train_general)
    if general is not None and train_general is not None and held_general is not None:
        model.manifest["general_mail"] = {
            "sha256": general_mail_sha256(general),
            "trained_sources": sorted(set(train_general["source"])),
            "heldout_sources": sorted(set(held_general["source"])),
            "n_trained": len(train_general),
            "origin": "public research corpora: SpamAssassin public corpus (easy_ham), "
                      "Enron email corpus (three mailboxes), and a public spam collection",
        }
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
    if held_general is not None and len(held_general):
        metrics["general_heldout"] = false_rejections(model, held_general)
    model.manifest["metrics"] = metrics
    return model
