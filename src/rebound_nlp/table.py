"""The analysis table: its columns and types, and writing it as CSV, JSONL or Parquet.

Tables are written in pieces by :class:`TableWriter`, so that a mailbox can
stream into a file without the whole table in memory, always through a
temporary file that replaces the target only once complete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from rebound_nlp.errors import OutputError, WriteError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "LIST_COLUMNS", "TableWriter", "check_output", "to_frame", "write_table"]

#: The columns of every analysis table, in order.
COLUMNS = (
    "source", "message_id", "date", "sender", "subject", "kind", "is_rejection",
    "rejection_probability", "tone", "stage", "feedback", "feedback_text", "reasons",
    "future_invite", "feedback_offer", "strategy", "strategy_title", "strategy_why", "strategies",
    "company", "error", "role",
)
#: Columns that hold lists (JSON-encoded in CSV).
LIST_COLUMNS = ("feedback", "reasons", "strategies")
_SUFFIXES = (".csv", ".jsonl", ".parquet")


def to_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Row dicts (dates already tz-aware or None) as a table with the column types."""
    import pandas as pd

    df = pd.DataFrame(rows, columns=list(COLUMNS))
    df["date"] = pd.to_datetime(df["date"], utc=True).astype("datetime64[ns, UTC]")
    df["strategy"] = df["strategy"].astype("Int64")
    df["rejection_probability"] = df["rejection_probability"].astype("float64")
    df["is_rejection"] = df["is_rejection"].astype(bool)
    return df


def _parquet_schema() -> Any:
    import pyarrow as pa

    text, flag, words = pa.string(), pa.bool_(), pa.list_(pa.string())
    types = {"date": pa.timestamp("ns", tz="UTC"), "is_rejection": flag,
             "rejection_probability": pa.float64(), "feedback": words, "reasons": words,
             "future_invite": flag, "feedback_offer": flag, "strategy": pa.int64(),
             "strategies": pa.list_(pa.int64())}
    schema = pa.schema([(name, types.get(name, text)) for name in COLUMNS])
    # With pandas' metadata, so that reading the file back gives the column types.
    return pa.Table.from_pandas(to_frame([]), schema=schema, preserve_index=False).schema


def _json_value(value: Any) -> Any:
    import pandas as pd

    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def check_output(path: str | os.PathLike[str]) -> Path:
    """Check that a table can be written to ``path``, before any work is done.

    Raises
    ------
    OutputError
        An unknown suffix, a folder that is missing or not writable, or a folder at ``path``.
    MissingDependencyError
        ``.parquet`` without pyarrow.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in _SUFFIXES:
        raise OutputError(f"{p}: unknown output type {suffix!r}; use .csv, .jsonl or .parquet.")
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            from rebound_nlp.errors import MissingDependencyError

            raise MissingDependencyError(
                "Writing parquet needs pyarrow: pip install 'rebound-nlp[parquet]'."
            ) from exc
    folder = Path(os.path.realpath(p)).parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {p}: the folder {folder} does not exist; create it "
                          "first or choose another path.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {p}: the folder {folder} is not writable.")
    if p.is_dir():
        raise OutputError(f"cannot write {p}: it is a folder; give a file name such as "
                          f"{p / ('table' + suffix)}.")
    return p


class TableWriter:
    """Write a table piece by piece as .csv, .jsonl or .parquet.

    Use it as a context manager; each :meth:`write` appends a piece (a
    DataFrame with :data:`COLUMNS`).  Everything goes to a temporary file
    beside ``path`` that replaces it when the block ends without error, so an
    error or an interruption leaves what was at ``path`` as it was.

    Raises
    ------
    OutputError
        ``path`` cannot be written (see :func:`check_output`); nothing was written.
    WriteError
        Writing failed part-way (disk full, file-size limit); ``path`` is unchanged.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "table.jsonl"
    >>> with TableWriter(target) as out:
    ...     out.write(to_frame([]))
    >>> target.read_text()
    ''
    >>> import shutil; shutil.rmtree(target.parent)
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = check_output(path)
        self.suffix = self.path.suffix.lower()
        self.rows = 0
        self._started = False
        self._stack = ExitStack()
        self._tmp: Path | None = None
        self._fh: IO[str] | None = None
        self._parquet: Any = None
        self._schema: Any = None

    def __enter__(self) -> TableWriter:
        from rebound_nlp.files import atomic_path

        with _os_errors(self.path):
            self._tmp = self._stack.enter_context(atomic_path(self.path))
            if self.suffix == ".parquet":
                import pyarrow.parquet as pq

                self._schema = _parquet_schema()
                self._parquet = pq.ParquetWriter(self._tmp, self._schema)
            else:
                self._fh = self._stack.enter_context(self._tmp.open("w", encoding="utf-8",
                                                                    newline=""))
        return self

    def write(self, piece: pd.DataFrame) -> None:
        """Append the rows of ``piece``."""
        with _os_errors(self.path):
            if self._parquet is not None:
                import pyarrow as pa

                table = pa.Table.from_pandas(piece[list(COLUMNS)], schema=self._schema,
                                             preserve_index=False)
                self._parquet.write_table(table)
            elif self.suffix == ".csv":
                assert self._fh is not None
                out = piece[list(COLUMNS)].copy()
                for col in LIST_COLUMNS:
                    out[col] = [json.dumps(v) for v in out[col]]
                out.to_csv(self._fh, index=False, header=not self._started)
            else:
                assert self._fh is not None
                # json.dumps keeps every digit; DataFrame.to_json rounds to 10.
                for record in piece[list(COLUMNS)].to_dict("records"):
                    self._fh.write(json.dumps(record, default=_json_value, ensure_ascii=False)
                                   + "\n")
            self.rows += len(piece)
            self._started = True

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        with _os_errors(self.path):
            if exc is None and not self._started:
                self.write(to_frame([]))  # a header (and a schema) even for no rows
            if self._parquet is not None:
                self._parquet.close()
            self._stack.__exit__(kind, exc, tb)


@contextmanager
def _os_errors(path: Path) -> Iterator[None]:
    """Turn an OSError while writing into a WriteError naming the file."""
    try:
        yield
    except WriteError:
        raise
    except OSError as exc:
        raise WriteError(f"could not write {path}: {exc.strerror or exc}; what was there "
                         "before is unchanged.") from exc


def write_table(table: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write the table as .csv, .jsonl or .parquet (parquet needs pyarrow), through
    a :class:`TableWriter`: complete, or not at all, and the same errors."""
    with TableWriter(path) as out:
        for start in range(0, len(table), 10_000):
            out.write(table.iloc[start:start + 10_000])
