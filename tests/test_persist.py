"""Saving and loading model directories: integrity, versions, trust."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rebound_nlp import advise, load_model
from rebound_nlp.errors import (
    ModelIntegrityError,
    ModelVersionError,
    OutputError,
    UntrustedModelError,
)
from rebound_nlp.persist import _npz_arrays, save_model

BODY = "Thank you for your interest. Unfortunately the position has been filled."


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("models")
    model = load_model()
    return {fmt: save_model(model, base / fmt, format=fmt) for fmt in ("joblib", "skops")}


@pytest.mark.parametrize("fmt", ["joblib", "skops"], ids=["joblib", "skops"])
def test_round_trip_gives_same_advice(saved: dict[str, Path], fmt: str) -> None:
    model = load_model(saved[fmt], trusted=fmt == "joblib")
    assert advise(BODY, model=model) == advise(BODY)
    assert (saved[fmt] / "MODEL_CARD.md").read_text().startswith("# Model card")
    manifest = json.loads((saved[fmt] / "manifest.json").read_text())
    assert manifest["format"] == fmt
    assert set(manifest["files"]) == {f"email.{fmt}", f"sentences.{fmt}", "layers.npz"}


def test_joblib_needs_trust(saved: dict[str, Path]) -> None:
    with pytest.raises(UntrustedModelError, match="trusted=True"):
        load_model(saved["joblib"])


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "model"
    shutil.copytree(src, dst)
    return dst


def test_altered_file_is_refused(saved: dict[str, Path], tmp_path: Path) -> None:
    d = _copy(saved["skops"], tmp_path)
    with (d / "email.skops").open("ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(ModelIntegrityError, match="sha256"):
        load_model(d)


def test_missing_file_is_refused(saved: dict[str, Path], tmp_path: Path) -> None:
    d = _copy(saved["skops"], tmp_path)
    (d / "sentences.skops").unlink()
    with pytest.raises(ModelIntegrityError, match="missing"):
        load_model(d)


def test_missing_manifest_is_refused(saved: dict[str, Path], tmp_path: Path) -> None:
    d = _copy(saved["skops"], tmp_path)
    (d / "manifest.json").unlink()
    with pytest.raises(ModelIntegrityError, match=r"manifest\.json"):
        load_model(d)


@pytest.mark.parametrize(("key", "value", "match"), [
    ("format_version", 99, "format version"),
    ("versions", {"scikit-learn": "0.24.2"}, r"scikit-learn 0\.24\.2"),
], ids=["format-version", "sklearn-version"])
def test_version_mismatch_is_refused(saved: dict[str, Path], tmp_path: Path, key: str,
                                     value: object, match: str) -> None:
    d = _copy(saved["skops"], tmp_path)
    manifest = json.loads((d / "manifest.json").read_text())
    manifest[key] = value
    (d / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelVersionError, match=match):
        load_model(d)


def test_shipped_model_manifest_records_metrics() -> None:
    manifest = load_model().manifest
    assert manifest["format"] == "joblib"
    assert manifest["data_sha256"]
    assert manifest["metrics"]["test"]["rejection_f1"] > 0.9
    assert set(manifest["versions"]) >= {"scikit-learn", "spacy", "numpy"}


def test_save_replaces_model_directory_atomically(saved: dict[str, Path],
                                                  tmp_path: Path) -> None:
    target = _copy(saved["joblib"], tmp_path)
    save_model(load_model(), target, format="skops")
    assert json.loads((target / "manifest.json").read_text())["format"] == "skops"
    assert not (target / "email.joblib").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_save_keeps_other_files_unless_forced(saved: dict[str, Path], tmp_path: Path) -> None:
    target = _copy(saved["skops"], tmp_path)
    (target / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"notes\.txt"):
        save_model(load_model(), target, format="skops")
    assert (target / "notes.txt").read_text() == "mine"
    save_model(load_model(), target, format="skops", force=True)
    assert not (target / "notes.txt").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_inference_reads_only_plain_arrays(saved: dict[str, Path]) -> None:
    """Predicting needs layers.npz alone; the estimators load when asked for."""
    model = load_model(saved["skops"])
    assert model._estimators is None
    advise(BODY, model=model)
    assert model._estimators is None
    assert sorted(model.email_heads) == sorted(model.heads)
    assert model._estimators is not None


def _npz(arrays: dict[str, Any], stored: bool, version: tuple[int, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                         ) as archive:
        for name, array in arrays.items():
            npy = io.BytesIO()
            np.lib.format.write_array(npy, array, version=version, allow_pickle=True)
            archive.writestr(f"{name}.npy", npy.getvalue())
    return buffer.getvalue()


@pytest.mark.parametrize("version", [None, (2, 0), (3, 0)], ids=["v1", "v2", "v3"])
@pytest.mark.parametrize("stored", [True, False], ids=["stored", "deflated"])
def test_npz_arrays_read_as_numpy_reads_them(stored: bool, version: tuple[int, int] | None
                                             ) -> None:
    arrays = {"w": np.arange(12.0).reshape(3, 4), "f": np.asfortranarray(np.eye(3, 2)),
              "s": np.array(["ab", "c\u00e9"]), "e": np.zeros((0, 5), dtype=np.int32),
              "n": np.float64(2.5)}
    data = _npz(arrays, stored, version)
    got = _npz_arrays(data)
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        assert set(got) == set(npz)
        for name, array in npz.items():
            assert got[name].dtype == array.dtype and got[name].shape == array.shape
            np.testing.assert_array_equal(got[name], array)
    # Stored weights are read in place, not copied.
    in_place = np.shares_memory(got["w"], np.frombuffer(data, dtype=np.uint8))
    assert in_place == (stored and version != (3, 0))


@pytest.mark.parametrize("stored", [True, False], ids=["stored", "deflated"])
def test_npz_arrays_refuse_objects_and_short_arrays(stored: bool) -> None:
    with pytest.raises(ValueError, match=r"(?i)object"):
        _npz_arrays(_npz({"o": np.array([{"a": 1}], dtype=object)}, stored))
    # A .npy whose header promises six floats but that holds five.
    npy = io.BytesIO()
    np.lib.format.write_array(npy, np.arange(6.0))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                         ) as archive:
        archive.writestr("w.npy", npy.getvalue()[:-8])
    with pytest.raises(ValueError, match=r"not as long as|expected 48 bytes got 40"):
        _npz_arrays(buffer.getvalue())


def test_layers_equal_estimators() -> None:
    """The stacked weights reproduce each estimator's predict_proba."""
    from rebound_nlp.features import email_features, email_items, read_docs
    from rebound_nlp.nlp import make_docs

    model = load_model()
    layer = model._email_layer
    bodies = [BODY, "We would like to offer you the role!", "Decline."]
    docs = list(make_docs(bodies))
    rows = model._email_index.rows(email_items(read_docs(docs), [""] * len(docs)))
    got = layer.outputs(rows.indptr, rows.cols, rows.counts)[1].tolist()
    x = model.email_vectorizer.transform([email_features(doc) for doc in docs])
    for name, head in model.email_heads.items():
        np.testing.assert_allclose([layer.head_proba(row, name) for row in got],
                                   head.predict_proba(x), atol=1e-12)
