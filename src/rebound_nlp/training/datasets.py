"""Read and validate labelled emails in the corpus schema."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from rebound_nlp.errors import DataError
from rebound_nlp.labels import FEEDBACK_CATEGORIES, KINDS, REASONS, STAGES, TONES
from rebound_nlp.text import safe_text

__all__ = ["LABEL_COLUMNS", "data_sha256", "load_dataset", "split"]

LIST_COLUMNS = ("feedback", "reasons", "feedback_spans")
BOOL_COLUMNS = ("is_rejection", "future_invite", "feedback_offer")
#: Label columns; any may be absent, and the heads that need it are skipped.
LABEL_COLUMNS = ("kind", "is_rejection", "tone", "stage", *LIST_COLUMNS[:2], "future_invite",
                 "feedback_offer", "feedback_spans")
_ALLOWED: dict[str, set[str]] = {
    "kind": set(KINDS),
    "tone": set(TONES),
    "stage": set(STAGES),
    "feedback": set(FEEDBACK_CATEGORIES),
    "reasons": set(REASONS),
    "split": {"train", "test"},
}


def _read(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise DataError(f"{path} does not exist; expected a JSONL or CSV file of labelled emails.")
    try:
        return _parse(path)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text (byte {exc.object[exc.start]:#04x}); "
                        "save it as UTF-8.") from exc
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}.") from exc


def _parse(path: Path) -> pd.DataFrame:
    if path.suffix in (".jsonl", ".json"):
        rows = []
        with path.open("rb") as fh:
            for n, raw in enumerate(fh, 1):
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise DataError(f"{path}, line {n}: not UTF-8 text (byte "
                                    f"{raw[exc.start]:#04x}); save the file as UTF-8.") from exc
                if line.strip():
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise DataError(f"{path}, line {n}: not valid JSON ({exc}).") from exc
                    if not isinstance(row, dict):
                        raise DataError(f"{path}, line {n}: expected a JSON object with a "
                                        f"'body', got a {type(row).__name__}.")
                    rows.append(_safe_record(row))
        return pd.DataFrame(rows)
    if path.suffix == ".csv":
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise DataError(f"{path} is not a CSV table rebound can read: "
                            f"{' '.join(str(exc).split())}") from exc
        for col in LIST_COLUMNS:
            if col in df:
                df[col] = [_json_list(path, col, n, v) for n, v in enumerate(df[col], 2)]
        for col in BOOL_COLUMNS:
            if col in df:
                df[col] = [{"true": True, "false": False, "": None}.get(v.lower(), v)
                           for v in df[col]]
        for col in ("kind", "tone", "stage"):
            if col in df:
                df[col] = df[col].replace("", None)
        return df
    raise DataError(f"{path}: unknown file type {path.suffix!r}; use .jsonl or .csv.")


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, list):
        return [_safe(v) for v in value]
    return value


def _safe_record(record: dict[Any, Any]) -> dict[Any, Any]:
    """A record whose strings hold no lone surrogates (escaped JSON can have them;
    pandas' string arrays and spaCy cannot store them)."""
    return {key: _safe(value) for key, value in record.items()}


def _json_list(path: Path, column: str, line: int, value: str) -> Any:
    if not value:
        return []
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}, line {line}: {column} must be a JSON list such as "
                        f'["skills"], got {value!r}.') from exc


def _row_name(df: pd.DataFrame, i: int) -> str:
    return f"row {i}" + (f" (id {df['id'].iloc[i]!r})" if "id" in df else "")


def _check_values(df: pd.DataFrame) -> None:
    rows: list[dict[Any, Any]] = df.to_dict("records")
    for i, row in enumerate(rows):
        where = _row_name(df, i)
        for col in ("body", "subject"):
            if not isinstance(row[col], str):
                raise DataError(f"{where}: {col} must be a string, got "
                                f"{type(row[col]).__name__} {row[col]!r}.")
        for col in BOOL_COLUMNS:
            if col in row and not (row[col] is None or isinstance(row[col], bool)):
                raise DataError(f"{where}: {col} must be true, false or null, got {row[col]!r}.")
        for col in ("kind", "tone", "stage", "split"):
            value = row.get(col)
            if col in row and value is not None and (not isinstance(value, str)
                                                      or value not in _ALLOWED[col]):
                raise DataError(
                    f"{where}: {col}={value!r} is not one of {sorted(_ALLOWED[col])} (or null)."
                )
        kind, is_rejection = row.get("kind"), row.get("is_rejection")
        if kind is not None and is_rejection is not None and (kind == "rejection") != is_rejection:
            raise DataError(f"{where}: kind={kind!r} contradicts is_rejection={is_rejection!r}; "
                            "is_rejection is true exactly when kind is 'rejection'.")
        for col in LIST_COLUMNS:
            value = row.get(col)
            if col not in row or value is None:
                continue
            if not isinstance(value, list | tuple):
                raise DataError(f"{where}: {col} must be a list, got {value!r}.")
            if col == "feedback_spans":
                continue  # checked below, against the body
            bad = [v for v in value if not isinstance(v, str) or v not in _ALLOWED[col]]
            if bad:
                raise DataError(f"{where}: {col} has {bad}; allowed: {sorted(_ALLOWED[col])}.")
        for span in row.get("feedback_spans") or []:
            if not isinstance(span, str) or span not in row["body"]:
                raise DataError(f"{where}: feedback span {span!r} is not a substring of body.")


def load_dataset(data: str | os.PathLike[str] | pd.DataFrame | Iterable[dict[str, Any]]
                 ) -> pd.DataFrame:
    """Load labelled emails from a JSONL/CSV path, a DataFrame or records.

    Only ``body`` is required; ``subject`` defaults to ``""`` and every label
    column is optional.  Raises :class:`~rebound_nlp.errors.DataError` naming
    the first row that breaks the schema.

    Examples
    --------
    >>> from rebound_nlp.training import load_dataset
    >>> df = load_dataset([{"body": "We will not move forward.", "is_rejection": True}])
    >>> df[["subject", "is_rejection"]].to_dict("records")
    [{'subject': '', 'is_rejection': True}]
    """
    if isinstance(data, pd.DataFrame):
        df = data.copy()
    elif isinstance(data, str | os.PathLike):
        df = _read(Path(data))
    else:
        df = pd.DataFrame([_safe_record(r) if isinstance(r, dict) else r for r in data])
    if df.empty:
        raise DataError("The data holds no emails.")
    if "body" not in df:
        raise DataError(f"The data has no 'body' column; columns are {list(df.columns)}.")
    if "subject" not in df:
        df["subject"] = ""
    df = df.astype(object).where(df.notna(), None)
    df["subject"] = [s if s is not None else "" for s in df["subject"]]
    _check_values(df)
    return df.reset_index(drop=True)


def split(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Rows of one split; all rows for ``"all"`` or when the data has no ``split`` column."""
    if "split" not in df or name == "all":
        return df
    return df[df["split"] == name].reset_index(drop=True)


def data_sha256(df: pd.DataFrame) -> str:
    """A stable hash of the rows (as JSON) a model was trained on."""
    digest = hashlib.sha256()
    for row in df.to_dict("records"):
        digest.update(json.dumps(row, sort_keys=True, default=str).encode())
    return digest.hexdigest()
