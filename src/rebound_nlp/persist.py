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
import io
import json
import os
import platform
import shutil
import stat
import struct
import tempfile
import zipfile
from contextlib import ExitStack
from math import prod
from pathlib import Path
from typing import Any, Literal

import numpy as np

from rebound_nlp.card import render_model_card
from rebound_nlp.classify import Model
from rebound_nlp.errors import (
    ModelError,
    ModelIntegrityError,
    ModelVersionError,
    OutputError,
    UntrustedModelError,
)
from rebound_nlp.linear import LinearLayer
from rebound_nlp.once import Once

__all__ = ["FORMAT_VERSION", "SKOPS_TRUSTED_TYPES", "check_target", "load_model", "save_model"]

FORMAT_VERSION = 2
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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``np.savez_compressed``, but byte-for-byte reproducible (fixed
    zip timestamps), without pickles, and with the weights stored as they are:
    they compress to half at best, and inflating them was most of the time
    a model took to load."""
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = (zipfile.ZIP_STORED if name.endswith(".weights")
                                  else zipfile.ZIP_DEFLATED)
            archive.writestr(info, buffer.getvalue())


def _npz_arrays(data: bytes) -> dict[str, np.ndarray]:
    """The arrays of an .npz file held in ``data``, as ``np.load`` reads them (no
    pickles).  Stored (uncompressed) arrays, the weights, are read in place: no
    copy and no CRC pass, since ``data`` was checked against its sha256."""
    arrays = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name = info.filename.removesuffix(".npy")
            array = _stored_array(data, info) if info.compress_type == zipfile.ZIP_STORED else None
            if array is None:
                with archive.open(info) as fh:
                    array = np.lib.format.read_array(fh, allow_pickle=False)
            arrays[name] = array
    return arrays


def _stored_array(data: bytes, info: zipfile.ZipInfo) -> np.ndarray | None:
    """A read-only view of the .npy file stored uncompressed at ``info`` in the zip
    ``data``; None if its header is of a kind left to numpy's own reader."""
    # The data follow the local header: 30 bytes, then the name and the extra field.
    name_size, extra_size = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_size + extra_size
    head = io.BytesIO(data[start:start + min(info.file_size, 4096)])
    version = np.lib.format.read_magic(head)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(head)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(head)
    else:
        return None
    if dtype.hasobject:
        raise ValueError(f"{info.filename} holds Python objects, which are never loaded")
    count = prod(shape)
    if head.tell() + count * dtype.itemsize != info.file_size:
        raise ValueError(f"{info.filename} is not as long as its header says")
    array = np.frombuffer(data, dtype=dtype, count=count, offset=start + head.tell())
    return array.reshape(shape, order="F" if fortran else "C")


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


def _manifest_of(directory: Path) -> dict[str, Any] | None:
    """The manifest of a model folder, or ``None`` if ``directory`` is not one."""
    path = directory / MANIFEST
    if directory.is_symlink() or not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_bytes())
    except (OSError, ValueError):  # ValueError: bad JSON or bad UTF-8
        return None
    if not isinstance(manifest, dict) or "format_version" not in manifest:
        return None
    return manifest


def check_target(directory: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Check that a model may be saved to ``directory``, before any work is done.

    A path that does not exist, an empty folder and a model folder (one with
    our ``manifest.json``) may be written; a model folder that holds other
    files too, or a file, only with ``force``.  Any other folder is never
    replaced: its files are not ours.

    Raises
    ------
    OutputError
        ``directory`` holds something that saving would destroy.
    """
    target = Path(directory)
    if not os.path.lexists(target):
        parent = next((p for p in target.absolute().parents if p.exists()), None)
        if parent is not None and not parent.is_dir():
            raise OutputError(f"cannot save a model to {target}: {parent} is a file.")
        return target
    if target.is_symlink() or not target.is_dir():
        if force:
            return target
        raise OutputError(
            f"{target} exists and is not a model folder; saving there would replace it. "
            "Choose another path, or pass --force (force=True) to replace it.")
    try:
        entries = {entry.name for entry in os.scandir(target)}
    except OSError as exc:
        raise OutputError(f"cannot save a model to {target}: {exc.strerror or exc}.") from exc
    if not entries:
        return target
    manifest = _manifest_of(target)
    if manifest is None:
        raise OutputError(
            f"{target} is a folder that holds no model ({MANIFEST} is missing or not ours), "
            "so rebound will not replace it, even with --force. Choose a new or empty folder.")
    files = manifest.get("files")
    ours = {MANIFEST, "MODEL_CARD.md", *(files if isinstance(files, dict) else ())}
    others = sorted(entries - ours)
    if others and not force:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise OutputError(
            f"{target} is a model folder but also holds {shown}, which saving would delete. "
            "Move them away, or pass --force (force=True) to replace the folder anyway.")
    return target


def _replace(tmp: Path, target: Path) -> None:
    """Put ``tmp`` at ``target``, moving what was there aside first and deleting
    it last; should the move fail, the old one is put back."""
    if not os.path.lexists(target):
        tmp.rename(target)
        return
    trash = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    try:
        target.rename(trash / target.name)
        try:
            tmp.rename(target)
        except BaseException:
            (trash / target.name).rename(target)
            raise
    finally:
        shutil.rmtree(trash, ignore_errors=True)


def save_model(
    model: Model,
    directory: str | os.PathLike[str],
    *,
    format: Literal["joblib", "skops"] = "joblib",
    force: bool = False,
) -> Path:
    """Write ``model``, its ``manifest.json`` and ``MODEL_CARD.md`` to ``directory``.

    Files are written to a temporary folder beside the target and moved into
    place at the end, so a failure never leaves a half-written model.  What
    may be replaced is decided by :func:`check_target`: a model folder, or
    with ``force`` a file or a model folder with other files in it; never
    another folder.  ``format="skops"`` writes files that :func:`load_model`
    reads without running code.

    Examples
    --------
    >>> import tempfile
    >>> from rebound_nlp import load_model, save_model
    >>> folder = save_model(load_model(), tempfile.mkdtemp() + "/m", format="skops")
    >>> sorted(p.name for p in folder.iterdir())[:2]
    ['MODEL_CARD.md', 'email.skops']
    """
    if format not in ("joblib", "skops"):
        raise ValueError(f"format must be 'joblib' or 'skops', got {format!r}")
    target = check_target(directory, force=force)
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
        (tmp / "MODEL_CARD.md").write_text(render_model_card(manifest))
        _replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _inside(directory: Path, name: str) -> Path:
    """``directory / name``, refused unless it is a plain file name whose real
    path (symbolic links followed) lies inside ``directory``."""
    if not isinstance(name, str) or not name or name in (".", "..") or "/" in name \
            or "\\" in name or "\0" in name:
        raise ModelIntegrityError(
            f"{directory}/{MANIFEST} names the file {name!r}; expected a plain file name "
            "inside the model folder.")
    path = directory / name
    root = directory.resolve()
    real = path.resolve()
    if real.parent != root:
        raise ModelIntegrityError(
            f"{path} leads outside the model folder (to {real}); a model's files must lie "
            "inside its folder. Restore the file or retrain the model.")
    return real


def _read_verified(directory: Path, name: str, digest: object, *, again: bool = False) -> bytes:
    """The bytes of one model file, checked against its sha256: what is loaded
    is exactly what was checked.  ``again``: read once more, after the model
    was loaded (a changed file is then refused as changed since)."""
    path = _inside(directory, name)
    try:
        # Checked before opening too: opening a named pipe would wait forever.
        if not stat.S_ISREG(path.stat().st_mode):
            raise ModelIntegrityError(f"{directory / name} is not a regular file.")
        with path.open("rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise ModelIntegrityError(f"{directory / name} is not a regular file.")
            data = fh.read()
    except FileNotFoundError:
        raise ModelIntegrityError(
            f"{directory / name} is missing; the model directory is incomplete.") from None
    except OSError as exc:
        raise ModelIntegrityError(
            f"{directory / name} cannot be read: {exc.strerror or exc}.") from exc
    if hashlib.sha256(data).hexdigest() != digest:
        if again:
            raise ModelIntegrityError(
                f"{directory / name} changed after the model was loaded; load the model "
                "again to read its scikit-learn estimators.")
        raise ModelIntegrityError(
            f"{directory / name} does not match the sha256 in {MANIFEST}: the file was altered "
            "or corrupted. Restore it or retrain the model.")
    return data


def read_manifest(directory: Path) -> dict[str, Any]:
    """Read and check the manifest of a model directory."""
    path = directory / MANIFEST
    if not path.is_file():
        raise ModelIntegrityError(
            f"{directory} has no {MANIFEST}; expected a directory written by save_model()."
        )
    try:
        manifest = json.loads(_inside(directory, MANIFEST).read_bytes())
    except (ValueError, OSError) as exc:  # ValueError: bad JSON or bad UTF-8
        raise ModelIntegrityError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise ModelIntegrityError(
            f"{path} holds a JSON {type(manifest).__name__}; expected an object as "
            "save_model() writes it. Restore the file or retrain the model.")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelVersionError(
            f"{directory} has model format version {version!r}; this rebound_nlp reads "
            f"version {FORMAT_VERSION}. Retrain it with `rebound train` or upgrade rebound_nlp."
        )
    fmt = manifest.get("format")
    if fmt not in ("joblib", "skops"):
        raise ModelVersionError(
            f"{directory} has unknown model format {fmt!r}; expected 'joblib' or 'skops'.")
    versions = manifest.get("versions")
    if not isinstance(versions, dict):
        raise ModelIntegrityError(f"{path} has no 'versions' object; retrain the model.")
    from importlib.metadata import version as installed

    trained = str(versions.get("scikit-learn", ""))
    here = installed("scikit-learn")
    if _minor(trained) != _minor(here):
        raise ModelVersionError(
            f"{directory} was trained with scikit-learn {trained or 'unknown'} but "
            f"{here} is installed; predictions could silently differ. Install "
            f"scikit-learn=={'.'.join(_minor(trained))}.* or retrain with `rebound train`."
        )
    return manifest


def _verify(directory: Path, manifest: dict[str, Any]) -> dict[str, bytes]:
    """Every file the manifest lists, read once and checked, by name."""
    files = manifest.get("files")
    expected = {f"{p}.{manifest['format']}" for p in _PARTS} | {LAYERS}
    if not isinstance(files, dict) or set(files) != expected:
        listed = sorted(files) if isinstance(files, dict) else files
        raise ModelIntegrityError(
            f"{directory}/{MANIFEST} lists {listed!r}; expected {sorted(expected)}."
        )
    return {name: _read_verified(directory, name, digest) for name, digest in files.items()}


def _load_dir(directory: Path, *, trusted: bool, packaged: bool) -> Model:
    if not directory.is_dir():
        raise ModelError(f"{directory} is not a directory; expected a model directory.")
    manifest = read_manifest(directory)
    fmt = manifest["format"]
    if fmt == "joblib" and not (trusted or packaged):
        raise UntrustedModelError(
            f"{directory} holds joblib files, which run code when loaded. Load it "
            "with trusted=True only if you trust its author, or ask for the skops "
            "format (save_model(model, dir, format='skops'))."
        )
    # Every file is checked now; the estimators are read (and checked) again
    # only if asked for, so that their bytes are not held meanwhile.
    data = _verify(directory, manifest)
    estimator_files = [f"{name}.{fmt}" for name in _PARTS]
    if fmt == "skops":
        import skops.io as sio

        for file in estimator_files:
            untrusted = [t for t in sio.get_untrusted_types(data=data[file])
                         if t not in SKOPS_TRUSTED_TYPES]
            if untrusted:
                raise UntrustedModelError(
                    f"{directory / file} holds types rebound_nlp does not trust: {untrusted}.")
    # The stacked weights are plain arrays: enough to predict, and safe to read.
    try:
        arrays = _npz_arrays(data.pop(LAYERS))
    except (ValueError, OSError, zipfile.BadZipFile, struct.error) as exc:
        raise ModelIntegrityError(f"{directory / LAYERS} cannot be read: {exc}") from exc
    del data
    digests, folder = manifest["files"], directory.absolute()  # the same folder if cwd changes

    def load_estimators() -> tuple[Any, dict[str, Any], Any, dict[str, Any]]:
        loaded = {name: _read_part(_read_verified(folder, file, digests[file], again=True), fmt)
                  for name, file in zip(_PARTS, estimator_files, strict=True)}
        return (loaded["email"]["vectorizer"], loaded["email"]["heads"],
                loaded["sentences"]["vectorizer"], loaded["sentences"]["heads"])

    return Model.from_layers(
        LinearLayer.from_arrays(arrays, "email."),
        LinearLayer.from_arrays(arrays, "sentences."),
        load_estimators,
        manifest,
    )


def _read_part(data: bytes, fmt: str) -> Any:
    """Unpickle (joblib) or load (skops) one part from its verified bytes."""
    if fmt == "joblib":
        import joblib

        return joblib.load(io.BytesIO(data))
    import skops.io as sio

    return sio.loads(data, trusted=SKOPS_TRUSTED_TYPES)


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


_packaged = Once(_load_packaged)


def load_model(path: str | os.PathLike[str] | None = None, *, trusted: bool = False) -> Model:
    """Load the shipped model, or the model saved in ``path``.

    Parameters
    ----------
    path : path-like, optional
        A directory written by :func:`save_model`.  ``None`` (the default)
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
    if path is not None:
        return _load_dir(Path(path), trusted=trusted, packaged=False)
    return _packaged()
