"""The analysis table: its columns and types, and writing it as CSV, JSONL or Parquet.

Tables are written in pieces by :class:`TableWriter`, so that a mailbox can
stream into a file without the whole table in memory, always through a
temporary file that replaces the target only once complete.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import datetime
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


def _records(piece: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows as dicts of plain values; missing ones (NaN, NaT, <NA>) are None."""
    values = piece[list(COLUMNS)].astype(object)
    values = values.where(values.notna(), None)
    return [dict(zip(COLUMNS, row, strict=True))
            for row in values.itertuples(index=False, name=None)]


def _cells(row: dict[str, Any]) -> list[Any]:
    """A row's values in column order, with a missing number (NaN) as None."""
    return [None if type(v) is float and v != v else v for v in map(row.__getitem__, COLUMNS)]


_LIST_AT = [COLUMNS.index(name) for name in LIST_COLUMNS]


def _csv_text(cells: Sequence[Any]) -> str:
    """One CSV record, quoted as pandas' to_csv quotes (it uses the csv module too)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=os.linesep).writerow(cells)
    return buffer.getvalue()


def _csv_line(row: dict[str, Any]) -> str:
    """A row as CSV: lists as JSON; dates print as pandas prints them."""
    cells = _cells(row)
    for i in _LIST_AT:
        cells[i] = json.dumps(cells[i])
    return _csv_text(cells)


def _json_date(value: Any) -> str:
    if isinstance(value, datetime):  # pandas' Timestamp too
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


# It keeps every digit (DataFrame.to_json rounds to 10); one for all rows.
_JSON = json.JSONEncoder(ensure_ascii=False, default=_json_date)


def _json_line(row: dict[str, Any]) -> str:
    """A JSONL line; missing values are null."""
    return _JSON.encode(dict(zip(COLUMNS, _cells(row), strict=True))) + "\n"


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
    DataFrame with :data:`COLUMNS`), each :meth:`write_rows` a list of row
    dicts, and for CSV and JSONL each :meth:`write_lines` rows that
    :meth:`line` encoded.  Everything goes to a temporary file beside ``path`` that replaces
    it when the block ends without error, so an error or an interruption
    leaves what was at ``path`` as it was.

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
        self._encode: Callable[[dict[str, Any]], str] | None = {
            ".csv": _csv_line, ".jsonl": _json_line}.get(self.suffix)
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
        if self._parquet is None:
            self.write_rows(_records(piece))
            return
        import pyarrow as pa

        with _os_errors(self.path):
            self._parquet.write_table(pa.Table.from_pandas(piece[list(COLUMNS)],
                                                           schema=self._schema,
                                                           preserve_index=False))
            self.rows += len(piece)
            self._started = True

    def write_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append rows given as dicts with :data:`COLUMNS` (dates as aware
        datetimes or None), as :func:`to_frame` takes them; CSV and JSONL are
        written without pandas."""
        if self._parquet is not None:
            self.write(to_frame(list(rows)))
            return
        assert self._encode is not None
        self.write_lines(list(map(self._encode, rows)))

    @property
    def writes_lines(self) -> bool:
        """Whether rows are written as lines (CSV, JSONL), which :meth:`line` makes."""
        return self._encode is not None

    def line(self, row: dict[str, Any]) -> str | None:
        """A row as :meth:`write_lines` takes it: its CSV or JSONL line (None for
        Parquet, which is written by columns).  Needs no open file: rows can be
        encoded where they are made."""
        return None if self._encode is None else self._encode(row)

    def write_lines(self, lines: Sequence[str]) -> None:
        """Append rows encoded by :meth:`line` (CSV and JSONL only)."""
        assert self._fh is not None, "lines are for CSV and JSONL, within the with block"
        with _os_errors(self.path):
            if not self._started and self.suffix == ".csv":
                self._fh.write(_csv_text(COLUMNS))
            self._fh.writelines(lines)
            self.rows += len(lines)
            self._started = True

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        with _os_errors(self.path):
            if exc is None and not self._started:
                self.write_rows([])  # a header (and a schema) even for no rows
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
