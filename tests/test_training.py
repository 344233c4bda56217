"""Training, evaluation and data validation for researchers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import GENERAL
from rebound_nlp import advise, load_model
from rebound_nlp.errors import DataError
from rebound_nlp.persist import save_model
from rebound_nlp.training import evaluate, load_dataset, train
from rebound_nlp.training.train import parse_docs, sentence_labels

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_model(small_corpus: list[dict]):
    return train(pd.DataFrame(small_corpus), seed=0)


def test_training_is_reproducible(small_corpus: list[dict], small_model, tmp_path: Path
                                  ) -> None:
    again = train(pd.DataFrame(small_corpus), seed=0)
    texts = [r["body"] for r in small_corpus[:40]]
    for body in texts:
        assert advise(body, model=again) == advise(body, model=small_model)
    # Same data, config and seed: the same files, byte for byte (as `make model` relies on).
    first = json.loads((save_model(small_model, tmp_path / "a") / "manifest.json").read_text())
    second = json.loads((save_model(again, tmp_path / "b") / "manifest.json").read_text())
    assert first["files"] == second["files"]


def test_training_uses_train_split_only(small_corpus: list[dict], small_model) -> None:
    n_train = sum(r["split"] == "train" for r in small_corpus)
    assert small_model.manifest["n_train"] == n_train


def test_evaluate_report(small_corpus: list[dict], small_model) -> None:
    report = evaluate(small_model, pd.DataFrame(small_corpus))
    assert report.n_emails == sum(r["split"] == "test" for r in small_corpus)
    assert {"rejection_f1", "tone_macro_f1", "stage_accuracy", "feedback_presence_f1",
            "feedback_span_f1"} <= set(report.summary)
    assert all(0.0 <= v <= 1.0 for v in report.summary.values())
    tone = report.heads["tone"]
    assert np.array(tone.confusion).sum() == sum(tone.support.values())
    assert 0.0 <= tone.ece <= 1.0 and 0.0 <= tone.brier <= 2.0
    frame = report.to_frame()
    assert set(frame.columns) == {"head", "label", "precision", "recall", "f1", "support"}
    json.dumps(report.to_dict())
    assert "tone" in str(report)


def test_heads_without_labels_are_skipped(small_corpus: list[dict],
                                          caplog: pytest.LogCaptureFixture) -> None:
    df = pd.DataFrame(small_corpus)[["body", "subject", "is_rejection", "tone", "split"]]
    model = train(df)
    assert set(model.email_heads) == {"rejection", "tone"}
    assert not model.sentence_heads
    assert "'stage' head" in caplog.text
    a = advise(small_corpus[0]["body"], model=model)
    assert a.stage is None and a.reasons == ()


def test_save_load_round_trip_of_trained_model(small_model, tmp_path: Path) -> None:
    path = save_model(small_model, tmp_path / "m", format="skops")
    loaded = load_model(path)
    body = "Unfortunately the role has been filled internally."
    assert advise(body, model=loaded) == advise(body, model=small_model)


BAD_ROWS = [
    ({"body": "x", "tone": "angry"}, "tone='angry'"),
    ({"body": "x", "feedback": ["salary"]}, "feedback has \\['salary'\\]"),
    ({"body": "x", "is_rejection": "yes"}, "is_rejection must be"),
    ({"body": "x", "feedback_spans": ["not here"]}, "not a substring"),
    ({"body": 3}, "body must be a string"),
    ({"subject": "no body"}, "no 'body' column"),
]


@pytest.mark.parametrize(("row", "match"), BAD_ROWS,
                         ids=["tone", "feedback", "bool", "span", "body-type", "no-body"])
def test_bad_data_names_the_problem(row: dict, match: str) -> None:
    with pytest.raises(DataError, match=match):
        load_dataset([{"id": "ok", "body": "fine"}, {"id": "bad", **row}]
                     if "body" in row else [row])


def test_empty_and_missing_data(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no emails"):
        load_dataset([])
    with pytest.raises(DataError, match="does not exist"):
        load_dataset(tmp_path / "nope.jsonl")
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(DataError, match="unknown file type"):
        load_dataset(tmp_path / "x.txt")


def test_csv_input(tmp_path: Path, small_corpus: list[dict]) -> None:
    df = pd.DataFrame(small_corpus[:20])
    for col in ("feedback", "reasons", "feedback_spans"):
        df[col] = [json.dumps(v) for v in df[col]]
    df.to_csv(tmp_path / "d.csv", index=False)
    loaded = load_dataset(tmp_path / "d.csv")
    assert list(loaded["feedback"]) == [r["feedback"] for r in small_corpus[:20]]
    assert list(loaded["is_rejection"]) == [r["is_rejection"] for r in small_corpus[:20]]


def test_sentence_labels_follow_spans() -> None:
    body = ("Thanks for your time. Your Python skills were strong, but we need someone "
            "based in Leeds. Best of luck.")
    doc = parse_docs([body])[0]
    labels = sentence_labels(doc, ["Your Python skills were strong, but we need someone based "
                                   "in Leeds."], ["skills", "logistics"])
    assert labels == [set(), {"skills", "logistics"}, set()]


def test_search_refuses_unknown_config_keys(small_corpus: list[dict]) -> None:
    # Fold-by-fold equality with train + evaluate is in test_crossval.py.
    from rebound_nlp.training import search

    with pytest.raises(DataError, match="Unknown config keys"):
        search(pd.DataFrame(small_corpus), {"nope": [1]}, folds=2)


def test_shipped_model_is_trained_on_the_data_in_the_repository() -> None:
    """models/default was built from today's corpus, config and general mail
    (`make model`); that training itself is deterministic is tested above."""
    from dataclasses import asdict

    from conftest import CORPUS
    from rebound_nlp.decisions import OperatingPoints
    from rebound_nlp.training import TrainConfig
    from rebound_nlp.training.datasets import data_sha256, split
    from rebound_nlp.training.general import SHIPPED_HELDOUT_SOURCES, general_mail_sha256

    manifest = load_model().manifest
    assert manifest["data_sha256"] == data_sha256(split(load_dataset(CORPUS), "train"))
    assert manifest["config"] == asdict(TrainConfig())
    assert manifest["operating_points"] == OperatingPoints(**TrainConfig().operating_points
                                                           ).to_dict()
    assert sorted(manifest["general_mail"]["heldout_sources"]) == sorted(SHIPPED_HELDOUT_SOURCES)
    if GENERAL.is_dir():
        assert manifest["general_mail"]["sha256"] == general_mail_sha256(GENERAL)
