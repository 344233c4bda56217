"""Analyse many emails or mailboxes on a Dask cluster, partition by partition.

Needs the ``dask`` extra: ``pip install 'rebound-nlp[dask]'``.  Each
partition is analysed by :func:`~rebound_nlp.analyse` (texts, records) or
:func:`~rebound_nlp.analyse_mailbox` (one mailbox), in whichever worker
process Dask sends it to; the model is named by its folder (``None`` for the
shipped one) and loaded once per worker process.  The result is a lazy Dask
DataFrame with the columns and dtypes of :data:`DTYPES`.

The same code runs on one machine (Dask's default scheduler, or a
``LocalCluster``) and on many (a ``distributed.Client`` connected to a
scheduler): only the client changes.  Workers read the model folder and the
mailbox paths as given, so on many machines give absolute paths that every
worker can read, and install rebound-nlp on every worker.
"""

from __future__ import annotations

import operator
import os
import threading
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from rebound_nlp.errors import MissingDependencyError

if TYPE_CHECKING:
    from rebound_nlp.classify import Model

__all__ = ["DTYPES", "analyse_bag", "analyse_dataframe", "analyse_mailboxes", "meta"]

_TEXT = pd.Series(["text"]).dtype  # pandas' own string dtype (str, or object before pandas 3)
#: Column dtypes of the tables :func:`~rebound_nlp.analyse` returns.  Every
#: partition is cast to them, so that a partition without rejections (whose
#: ``tone`` would otherwise be all ``None``) matches the others.
DTYPES: dict[str, Any] = {
    "source": _TEXT,
    "message_id": _TEXT,
    "date": pd.DatetimeTZDtype("ns", "UTC"),
    "sender": _TEXT,
    "subject": _TEXT,
    "kind": _TEXT,
    "is_rejection": "bool",
    "rejection_probability": "float64",
    "tone": _TEXT,
    "stage": _TEXT,
    "feedback": "object",
    "feedback_text": _TEXT,
    "reasons": "object",
    "future_invite": "bool",
    "feedback_offer": "bool",
    "strategy": "Int64",
    "strategy_title": _TEXT,
    "strategy_why": _TEXT,
    "strategies": "object",
    "company": _TEXT,
    "error": _TEXT,
    "role": _TEXT,
}

ModelPath = str | os.PathLike[str] | None

_lock = threading.Lock()
_models: dict[tuple[str, bool], Model] = {}


def meta() -> pd.DataFrame:
    """An empty table with the columns and dtypes of :data:`DTYPES` (Dask's ``meta``)."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in DTYPES.items()})


def _dask() -> Any:
    try:
        import dask
        import dask.bag
        import dask.dataframe
    except ImportError as exc:
        raise MissingDependencyError(
            "rebound_nlp.dask needs Dask: pip install 'rebound-nlp[dask]'."
        ) from exc
    return dask


def _model_folder(model: ModelPath) -> str | None:
    if model is None:
        return None
    if not isinstance(model, str | os.PathLike):
        raise TypeError(
            f"model must be a model folder or None, got {type(model).__name__}: workers load "
            "the model themselves. Save it with save_model(model, folder) and pass the folder."
        )
    return os.fspath(model)


def _worker_model(folder: str | None, trusted: bool) -> Model:
    """The model of ``folder``, loaded once per process."""
    from rebound_nlp.persist import load_model

    if folder is None:
        return load_model()  # cached by load_model itself
    key = (folder, trusted)
    with _lock:
        if key not in _models:
            _models[key] = load_model(folder, trusted=trusted)
        return _models[key]


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    return table.astype(DTYPES)


def _records(part: Any, offset: int) -> list[Any]:
    """The emails of a partition, each record with its ``source`` (its place
    in the whole collection unless it has one), as :func:`analyse` names it."""
    if isinstance(part, pd.DataFrame):
        # Dask's own string dtypes mark missing values with pd.NA; analyse knows None.
        items: list[Any] = part.astype(object).where(part.notna(), None).to_dict("records")
    else:
        items = list(part)
    records = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            item = {"body": item}
        if isinstance(item, Mapping) and "source" not in item:
            item = {**item, "source": offset + i}
        records.append(item)
    return records


def _analyse_part(part: Any, offset: int, folder: str | None, trusted: bool) -> pd.DataFrame:
    from rebound_nlp.batch import analyse

    table = analyse(_records(part, offset), model=_worker_model(folder, trusted))
    table.index = pd.RangeIndex(offset, offset + len(table))
    return _typed(table)


def _analyse_mailbox_part(path: str, folder: str | None, trusted: bool) -> pd.DataFrame:
    from rebound_nlp.batch import analyse_mailbox

    return _typed(analyse_mailbox(path, model=_worker_model(folder, trusted)))


def _from_partitions(parts: list[Any], model: ModelPath, trusted: bool) -> Any:
    dask = _dask()
    folder = _model_folder(model)
    delayed = dask.delayed
    frames = []
    offset: Any = 0
    for part in parts:
        frames.append(delayed(_analyse_part, pure=True)(part, offset, folder, trusted))
        offset = delayed(operator.add, pure=True)(offset, delayed(len, pure=True)(part))
    # Our dtypes are those of analyse(); Dask would otherwise turn the text
    # columns, and the list columns with them, into Arrow strings.
    with dask.config.set({"dataframe.convert-string": False}):
        return dask.dataframe.from_delayed(frames, meta=meta(), verify_meta=True)


def analyse_bag(bag: Any, *, model: ModelPath = None, trusted: bool = False) -> Any:
    """Analyse a Dask Bag of emails into a Dask DataFrame, partition by partition.

    Parameters
    ----------
    bag : dask.bag.Bag
        Email bodies (str), or records (dicts) with ``body`` and the optional
        fields :func:`~rebound_nlp.analyse` reads (``subject``, ``date``,
        ``sender``, ``message_id``, ``source``).
    model : path-like, optional
        A model folder every worker can read; the shipped model by default.
    trusted : bool, default False
        Passed to :func:`~rebound_nlp.load_model`: allow a joblib model folder.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; computed, it holds the rows ``analyse(list(bag))`` gives, with
        the same index (0 to n-1) and ``source`` (the position, unless a
        record has one).  Strategies are re-ranked with the history of the
        rejections in the same partition only: see Notes.

    Notes
    -----
    :func:`~rebound_nlp.analyse` re-ranks each dated rejection's strategies
    with the rejections dated in the 14 and 30 days before it, and flags
    repeated Message-IDs, within the table it makes.  Here that table is one
    partition: keep one person's mail in one partition (or use
    :func:`analyse_mailboxes`, one mailbox per partition).  Undated emails,
    such as plain texts, are unaffected.

    Examples
    --------
    >>> import dask.bag as db
    >>> from rebound_nlp.dask import analyse_bag
    >>> texts = ["Unfortunately we will not be moving forward with your application.",
    ...          "We would like to invite you to an interview next Tuesday at 10am."]
    >>> table = analyse_bag(db.from_sequence(texts, npartitions=2))
    >>> table.compute(scheduler="sync")[["source", "kind"]]
      source       kind
    0      0  rejection
    1      1  interview
    """
    dask = _dask()
    if not isinstance(bag, dask.bag.Bag):
        raise TypeError(f"bag must be a dask.bag.Bag, got {type(bag).__name__}; use "
                        "analyse_dataframe() for a Dask DataFrame.")
    return _from_partitions(bag.to_delayed(), model, trusted)


def analyse_dataframe(ddf: Any, *, model: ModelPath = None, trusted: bool = False) -> Any:
    """Analyse a Dask DataFrame of emails (or a Series of bodies), partition by partition.

    Parameters
    ----------
    ddf : dask.dataframe.DataFrame or Series
        A ``body`` column and the optional ones :func:`~rebound_nlp.analyse`
        reads (``subject``, ``date``, ``sender``, ``message_id``,
        ``source``); or a Series of bodies.  Missing values count as absent.
    model : path-like, optional
        A model folder every worker can read; the shipped model by default.
    trusted : bool, default False
        Passed to :func:`~rebound_nlp.load_model`: allow a joblib model folder.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; computed, it equals ``analyse(ddf.compute())``: index 0 to
        n-1, ``source`` the row's position unless a ``source`` column gives
        it.  History re-ranking looks within each partition (see
        :func:`analyse_bag`).

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> from rebound_nlp.dask import analyse_dataframe
    >>> emails = pd.DataFrame({
    ...     "subject": ["Your application", "Interview"],
    ...     "body": ["Unfortunately we will not be moving forward with your application.",
    ...              "We would like to invite you to an interview next Tuesday at 10am."]})
    >>> table = analyse_dataframe(dd.from_pandas(emails, npartitions=2))
    >>> list(table.compute(scheduler="sync")["kind"])
    ['rejection', 'interview']
    """
    dask = _dask()
    if not isinstance(ddf, dask.dataframe.DataFrame | dask.dataframe.Series):
        raise TypeError(f"ddf must be a Dask DataFrame or Series, got {type(ddf).__name__}.")
    if isinstance(ddf, dask.dataframe.DataFrame) and "body" not in ddf.columns:
        raise ValueError(f"ddf has no 'body' column; its columns are {list(ddf.columns)}.")
    return _from_partitions(ddf.to_delayed(), model, trusted)


def analyse_mailboxes(paths: Iterable[str | os.PathLike[str]], *, model: ModelPath = None,
                      trusted: bool = False) -> Any:
    """Analyse many mailboxes, one per partition, into one Dask DataFrame.

    Parameters
    ----------
    paths : iterable of path-like
        Mailboxes :func:`~rebound_nlp.analyse_mailbox` reads (mbox, Maildir,
        folder of ``.eml``, one ``.eml``), each readable by every worker.
    model : path-like, optional
        A model folder every worker can read; the shipped model by default.
    trusted : bool, default False
        Passed to :func:`~rebound_nlp.load_model`: allow a joblib model folder.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy; computed, it equals ``pd.concat([analyse_mailbox(p) for p in
        paths])``: the index starts again at 0 for each mailbox, and history
        re-ranking looks within each mailbox.

    Examples
    --------
    >>> from rebound_nlp.dask import analyse_mailboxes
    >>> table = analyse_mailboxes(["data/samples/mailbox.mbox"])  # doctest: +SKIP
    >>> table[table.is_rejection].compute()  # doctest: +SKIP
    """
    dask = _dask()
    folder = _model_folder(model)
    names = [os.fspath(p) for p in paths]
    if not names:
        raise ValueError("paths is empty; expected at least one mailbox.")
    with dask.config.set({"dataframe.convert-string": False}):
        return dask.dataframe.from_map(_analyse_mailbox_part, names, folder=folder,
                                       trusted=trusted, meta=meta(), enforce_metadata=True,
                                       label="rebound-analyse-mailbox")
