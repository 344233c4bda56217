"""Hostile model folders: what saving may replace, what loading may read (issue 9).

A model folder is only replaced if it is one; every path a manifest names
stays inside its folder; a file is loaded from the very bytes that were hashed.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import joblib
import pytest

from rebound_nlp import load_model
from rebound_nlp import persist as persist_module
from rebound_nlp.errors import ModelIntegrityError, ModelVersionError, OutputError
from rebound_nlp.persist import check_target, save_model

BODY = "Thank you for your interest. Unfortunately the position has been filled."


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A joblib copy of the shipped model (skops is slower to write and read; the
    checks below are the same for both)."""
    return save_model(load_model(), tmp_path_factory.mktemp("models") / "joblib")


def _copy(src: Path, root: Path, name: str = "model") -> Path:
    dst = root / name
    shutil.copytree(src, dst)
    return dst


def _edit_manifest(folder: Path, **changes: object) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


# --------------------------------------------------------------------------- saving

def test_save_never_replaces_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    """`rebound train DATA --out data` removed data/ with the training file in it."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "emails.jsonl").write_text('{"body": "x"}\n')
    (data / "notes.txt").write_text("unrelated")
    for force in (False, True):
        with pytest.raises(OutputError, match="holds no model"):
            save_model(load_model(), data, force=force)
    assert sorted(p.name for p in data.iterdir()) == ["emails.jsonl", "notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_save_onto_a_file_needs_force_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "model"
    target.write_text("a file")
    with pytest.raises(OutputError, match="--force"):
        save_model(load_model(), target)
    assert target.read_text() == "a file"
    save_model(load_model(), target, force=True)
    assert (target / "manifest.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]  # no .model-old


def test_save_onto_a_link_replaces_the_link_only(tmp_path: Path, saved: Path) -> None:
    elsewhere = _copy(saved, tmp_path, "elsewhere")
    link = tmp_path / "link"
    link.symlink_to(elsewhere)
    with pytest.raises(OutputError, match="not a model folder"):
        check_target(link)
    save_model(load_model(), link, force=True)
    assert not link.is_symlink() and (link / "manifest.json").is_file()
    assert (elsewhere / "manifest.json").is_file()


@pytest.mark.parametrize("manifest", ["[]", "not json", '{"files": {}}'],
                         ids=["list", "not-json", "no-format-version"])
def test_a_fake_manifest_does_not_make_a_model_folder(tmp_path: Path, manifest: str) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "manifest.json").write_text(manifest)
    with pytest.raises(OutputError, match="holds no model"):
        check_target(folder, force=True)


def test_empty_folder_and_new_path_may_be_written(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert check_target(tmp_path / "empty") == tmp_path / "empty"
    assert check_target(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        check_target(tmp_path / "file" / "model")


def test_failed_save_leaves_the_old_model(tmp_path: Path, saved: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = _copy(saved, tmp_path)
    before = sorted(p.name for p in target.iterdir())

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(joblib, "dump", full_disk)
    with pytest.raises(OSError, match="No space"):
        save_model(load_model(), target)
    assert sorted(p.name for p in target.iterdir()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


# --------------------------------------------------------------------------- loading

def test_manifest_that_is_a_list_is_refused(tmp_path: Path, saved: Path) -> None:
    folder = _copy(saved, tmp_path)
    (folder / "manifest.json").write_text("[]")
    with pytest.raises(ModelIntegrityError, match="expected an object"):
        load_model(folder, trusted=True)


def test_format_cannot_reach_outside_the_folder(tmp_path: Path, saved: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`"format": "x/../../../../etc/hostname"` opened and hashed a file outside."""
    folder = _copy(saved, tmp_path)
    _edit_manifest(folder, format="x/../../../../etc/hostname")
    opened: list[str] = []
    monkeypatch.setattr(persist_module, "_read_verified",
                        lambda directory, name, digest: opened.append(name))
    with pytest.raises(ModelVersionError, match="unknown model format"):
        load_model(folder, trusted=True)
    assert opened == []


def test_files_listed_outside_the_folder_are_refused(tmp_path: Path, saved: Path) -> None:
    folder = _copy(saved, tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["../outside.npz"] = manifest["files"]["layers.npz"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelIntegrityError, match="expected"):
        load_model(folder, trusted=True)


@pytest.mark.parametrize("name", ["layers.npz", "email.joblib", "manifest.json"])
def test_symlink_out_of_the_folder_is_refused(tmp_path: Path, saved: Path, name: str) -> None:
    """A layers.npz symlinked outside (with the right sha256) was accepted."""
    folder = _copy(saved, tmp_path)
    outside = tmp_path / f"outside-{name}"
    (folder / name).rename(outside)
    (folder / name).symlink_to(outside)
    with pytest.raises(ModelIntegrityError, match="outside the model folder"):
        load_model(folder, trusted=True)


def test_symlink_inside_the_folder_is_fine(tmp_path: Path, saved: Path) -> None:
    folder = _copy(saved, tmp_path)
    (folder / "layers.npz").rename(folder / "weights.bin")
    (folder / "layers.npz").symlink_to("weights.bin")
    assert load_model(folder, trusted=True).heads == load_model().heads


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_in_a_model_folder_is_refused(tmp_path: Path, saved: Path) -> None:
    folder = _copy(saved, tmp_path)
    (folder / "layers.npz").unlink()
    os.mkfifo(folder / "layers.npz")
    with pytest.raises(ModelIntegrityError, match="not a regular file"):
        load_model(folder, trusted=True)


class _Payload:
    """A pickle that makes a folder when it is loaded: code run by unpickling."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.marker),)


_REJECTION = "Thank you for applying. Unfortunately we have decided not to move forward."


@pytest.mark.parametrize("swap", ["in place", "renamed over"])
def test_file_swapped_after_loading_is_never_read(tmp_path: Path, saved: Path, swap: str) -> None:
    """The estimators are read on first use, after load_model checked them: a joblib
    file swapped in between is refused by its sha256, its payload never run."""
    folder = _copy(saved, tmp_path)
    model = load_model(folder, trusted=True)
    marker = tmp_path / "payload-ran"
    for part in ("email", "sentences"):
        target = folder / f"{part}.joblib"
        if swap == "in place":
            target.write_bytes(pickle.dumps(_Payload(marker)))
        else:
            (tmp_path / "new").write_bytes(pickle.dumps(_Payload(marker)))
            os.replace(tmp_path / "new", target)
    with pytest.raises(ModelIntegrityError, match="changed after the model was loaded"):
        _ = model.email_heads
    assert not marker.exists()
    # The stacked weights were read at load: the model still predicts.
    from rebound_nlp.analyzer import Analyzer

    assert Analyzer(model).analyse([_REJECTION], [""])[0].kind == "rejection"


def test_estimators_are_read_on_first_use_from_any_working_folder(
        tmp_path: Path, saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy(saved, tmp_path)
    monkeypatch.chdir(tmp_path)
    model = load_model(folder.name, trusted=True)
    monkeypatch.chdir(folder)
    assert sorted(model.email_heads) == sorted(model.heads)


def test_packaged_model_loads_through_its_link() -> None:
    """The shipped model may be reached through a symbolic link (as in a source
    checkout); its files still resolve inside its folder."""
    assert "kind" in load_model().heads


def test_copy_sent_to_a_worker_holds_weights_only(saved: Path) -> None:
    """A model sent to a worker process (pickled, its compiled indexes built) predicts
    as the model does, without the means to read the estimators."""
    from rebound_nlp.analyzer import Analyzer
    from rebound_nlp.errors import ModelError

    model = load_model(saved, trusted=True)
    expected = Analyzer(model).analyse([_REJECTION], [""])
    sent = pickle.loads(pickle.dumps(model))
    assert Analyzer(sent).analyse([_REJECTION], [""]) == expected
    with pytest.raises(ModelError, match="only its stacked weights"):
        _ = sent.email_heads
