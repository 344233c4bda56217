"""Save and load model directories: joblib or skops files plus ``manifest.json``.

joblib files are pickles and run code when loaded, so only the model shipped
inside the package (verified against the sha256 in its manifest) or a
directory the caller marks ``trusted=True`` is loaded from joblib.  The skops
format loads without running code, accepting only the types listed in
:data:`SKOPS_TRUSTED_TYPES`; use it to share models.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import platform
import shutil
import tempfile
import threading
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Literal

import numpy as np

from rebound_nlp.classify import Model
from rebound_nlp.errors import (
    ModelError,
    ModelIntegrityError,
    ModelVersionError,
    UntrustedModelError,
)
from rebound_nlp.linear import LinearLayer

__all__ = ["FORMAT_VERSION", "SKOPS_TRUSTED_TYPES", "load_model", "save_model"]

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
LAYERS = "layers.npz"
_PARTS = ("email", "sentences")
#: Every type a rebound_nlp skops file may hold besides numpy/scipy basics.
SKOPS_TRUSTED_TYPES = [
    "rebound_nlp.features.feature_names",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "numpy.float64",
    "numpy.int64",
    "numpy.bool_",
    "numpy.dtype",
    "numpy.ndarray",
    "builtins.slice",
]

_lock = threading.Lock()
_default: Model | None = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``np.savez_compressed``, but byte-for-byte reproducible (fixed
    zip timestamps) and without pickles."""
    import io
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved model depends on."""
    from importlib.metadata import version

    return {
        "rebound_nlp": version("rebound-nlp"),
        "scikit-learn": version("scikit-learn"),
        "spacy": version("spacy"),
        "numpy": version("numpy"),
        "joblib": version("joblib"),
        "python": platform.python_version(),
    }


def _minor(v: str) -> tuple[str, ...]:
    return tuple(v.split(".")[:2])


def save_model(
    model: Model,
    directory: str | os.PathLike[str],
    *,
    format: Literal["joblib", "skops"] = "joblib",
    extra_files: dict[str, Callable[[dict[str, Any]], str]] | None = None,
) -> Path:
    """Write ``model`` to ``directory`` atomically and return its path.

    Files are written to a temporary folder beside the target and moved into
    place at the end, so a failure never leaves a half-written model.
    ``extra_files`` maps file names to functions of the manifest that return
    their text (the model card).
    """
    if format not in ("joblib", "skops"):
        raise ValueError(f"format must be 'joblib' or 'skops', got {format!r}")
    target = Path(directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    tmp.chmod(0o755)
    try:
        parts = {
            "email": {"vectorizer": model.email_vectorizer, "heads": model.email_heads},
            "sentences": {"vectorizer": model.sentence_vectorizer, "heads": model.sentence_heads},
        }
        files = {}
        for name, obj in parts.items():
            path = tmp / f"{name}.{format}"
            if format == "joblib":
                import joblib

                joblib.dump(obj, path, compress=3)
            else:
                import zipfile

                import skops.io as sio

                sio.dump(obj, path, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
            files[path.name] = _sha256(path)
        _write_npz(tmp / LAYERS, model.layer_arrays())
        files[LAYERS] = _sha256(tmp / LAYERS)
        manifest = {
            **{k: v for k, v in model.manifest.items() if k not in ("files", "format")},
            "heads": sorted(model.heads),
            "sentence_heads": sorted(model.sentence_head_names),
            "format_version": FORMAT_VERSION,
            "format": format,
            "versions": library_versions(),
            "files": files,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        for name, render in (extra_files or {}).items():
            (tmp / name).write_text(render(manifest))
        if target.exists():
            old = target.with_name(f".{target.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old)
        else:
            tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def read_manifest(directory: Path) -> dict[str, Any]:
    """Read and check the manifest of a model directory."""
    path = directory / MANIFEST
    if not path.is_file():
        raise ModelIntegrityError(
            f"{directory} has no {MANIFEST}; expected a directory written by Model.save()."
        )
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelIntegrityError(f"{path} is not valid JSON: {exc}") from exc
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelVersionError(
            f"{directory} has model format version {version!r}; this rebound_nlp reads "
            f"version {FORMAT_VERSION}. Retrain it with `rebound train` or upgrade rebound_nlp."
        )
    from importlib.metadata import version as installed

    trained = manifest.get("versions", {}).get("scikit-learn", "")
    here = installed("scikit-learn")
    if _minor(trained) != _minor(here):
        raise ModelVersionError(
            f"{directory} was trained with scikit-learn {trained or 'unknown'} but "
            f"{here} is installed; predictions could silently differ. Install "
            f"scikit-learn=={'.'.join(_minor(trained))}.* or retrain with `rebound train`."
        )
    return manifest


def _verify(directory: Path, manifest: dict[str, Any]) -> None:
    files = manifest.get("files") or {}
    expected = {f"{p}.{manifest.get('format')}" for p in _PARTS} | {LAYERS}
    if set(files) != expected:
        raise ModelIntegrityError(
            f"{directory}/{MANIFEST} lists {sorted(files)}; expected {sorted(expected)}."
        )
    for name, digest in files.items():
        path = directory / name
        if not path.is_file():
            raise ModelIntegrityError(f"{path} is missing; the model directory is incomplete.")
        if _sha256(path) != digest:
            raise ModelIntegrityError(
                f"{path} does not match the sha256 in {MANIFEST}: the file was altered or "
                "corrupted. Restore it or retrain the model."
            )


def _load_dir(directory: Path, *, trusted: bool, packaged: bool) -> Model:
    if not directory.is_dir():
        raise ModelError(f"{directory} is not a directory; expected a model directory.")
    manifest = read_manifest(directory)
    _verify(directory, manifest)
    fmt = manifest["format"]
    if fmt == "joblib" and not (trusted or packaged):
        raise UntrustedModelError(
            f"{directory} holds joblib files, which run code when loaded. Load it "
            "with trusted=True only if you trust its author, or ask for the skops "
            "format (Model.save(dir, format='skops'))."
        )
    if fmt == "skops":
        import skops.io as sio

        for name in _PARTS:
            path = directory / f"{name}.{fmt}"
            untrusted = [
                t for t in sio.get_untrusted_types(file=path) if t not in SKOPS_TRUSTED_TYPES
            ]
            if untrusted:
                raise UntrustedModelError(
                    f"{path} holds types rebound_nlp does not trust: {untrusted}."
                )
    elif fmt != "joblib":
        raise ModelVersionError(f"{directory} has unknown model format {fmt!r}.")
    # The stacked weights are plain arrays: enough to predict, and safe to read.
    with np.load(directory / LAYERS, allow_pickle=False) as npz:
        arrays = dict(npz)

    def load_estimators() -> tuple[Any, dict[str, Any], Any, dict[str, Any]]:
        parts = {name: _read_part(directory / f"{name}.{fmt}", fmt) for name in _PARTS}
        return (parts["email"]["vectorizer"], parts["email"]["heads"],
                parts["sentences"]["vectorizer"], parts["sentences"]["heads"])

    return Model.from_layers(
        LinearLayer.from_arrays(arrays, "email."),
        LinearLayer.from_arrays(arrays, "sentences."),
        load_estimators,
        manifest,
    )


def _read_part(path: Path, fmt: str) -> Any:
    if fmt == "joblib":
        import joblib

        return joblib.load(path)
    import skops.io as sio

    return sio.load(path, trusted=SKOPS_TRUSTED_TYPES)


def _load_packaged() -> Model:
    with ExitStack() as stack:
        resource = importlib.resources.files("rebound_nlp") / "_model"
        directory = stack.enter_context(importlib.resources.as_file(resource))
        if not (directory / MANIFEST).is_file():
            raise ModelError(
                "The shipped model is missing from this installation (rebound_nlp/_model). "
                "Reinstall rebound-nlp, or train one with `rebound train` and pass its path."
            )
        return _load_dir(directory, trusted=False, packaged=True)


def load_model(path: str | os.PathLike[str] | None = None, *, trusted: bool = False) -> Model:
    """Load the shipped model, or the model saved in ``path``.

    Parameters
    ----------
    path : path-like, optional
        A directory written by :meth:`Model.save`.  ``None`` (the default)
        returns the model shipped with the package, loaded once and cached.
    trusted : bool, default False
        Allow joblib files from ``path``.  joblib runs code when it loads, so
        pass ``True`` only for models you trust; skops models need no trust.

    Raises
    ------
    ModelIntegrityError
        A file is missing or differs from the sha256 in the manifest.
    ModelVersionError
        The model needs another format version or scikit-learn minor version.
    UntrustedModelError
        ``path`` holds joblib files and ``trusted`` is false.

    Examples
    --------
    >>> from rebound_nlp import load_model
    >>> model = load_model()
    >>> sorted(model.heads)[:3]
    ['competition', 'feedback_offer', 'future_invite']
    """
    global _default
    if path is not None:
        return _load_dir(Path(path), trusted=trusted, packaged=False)
    if _default is None:
        with _lock:
            if _default is None:
                _default = _load_packaged()
    return _default
