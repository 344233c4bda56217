"""Analyse many emails, or a whole mailbox, into one table.

Messages stream through in chunks (parse, clean, spaCy, model), optionally in
worker processes; only the result rows are kept.  Once every row is in, each
rejection's strategies are re-ranked with the person's recent history.
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from rebound_nlp.advice import Advice
from rebound_nlp.analyzer import Analyzer
from rebound_nlp.errors import OutputError, WriteError
from rebound_nlp.mail import iter_mailbox, parse_message
from rebound_nlp.mail.employer import company_of, employer_of, role_of
from rebound_nlp.mail.mailboxes import RawMessage
from rebound_nlp.mail.parse import ParsedMessage
from rebound_nlp.strategy import History
from rebound_nlp.text import MAX_CHARS, MAX_HEADER_CHARS, MAX_MESSAGE_BYTES, safe_text

if TYPE_CHECKING:
    from rebound_nlp.classify import Model

__all__ = ["COLUMNS", "analyse", "analyse_mailbox", "check_output", "company_of", "summarise",
           "write_table"]

COLUMNS = (
    "source", "message_id", "date", "sender", "subject", "kind", "is_rejection",
    "rejection_probability", "tone", "stage", "feedback", "feedback_text", "reasons",
    "future_invite", "feedback_offer", "strategy", "strategy_title", "strategy_why", "strategies",
    "company", "error", "role",
)
CHUNK = 128
#: A chunk also ends once its messages hold this many bytes, so large messages
#: spread over the workers and memory stays bounded.
CHUNK_BYTES = 2 * MAX_MESSAGE_BYTES
#: How often (seconds) a worker checks that the process that started it lives.
_WATCH_PARENT = 1.0


@dataclass(frozen=True, slots=True)
class _Row:
    fields: dict[str, Any]
    advice: Advice | None
    """Kept for rejections only, to rank their strategies with the mailbox's history."""


def _empty_row(source: str, parsed: ParsedMessage) -> dict[str, Any]:
    return {
        "source": source, "message_id": parsed.message_id, "date": parsed.date,
        "sender": parsed.sender, "subject": parsed.subject, "kind": None, "is_rejection": False,
        "rejection_probability": float("nan"), "tone": None, "stage": None, "feedback": [],
        "feedback_text": "", "reasons": [], "future_invite": False, "feedback_offer": False,
        "strategy": None, "strategy_title": "", "strategy_why": "", "strategies": [],
        "company": employer_of(parsed.sender, parsed.subject, parsed.body),
        "error": parsed.error, "role": role_of(parsed.subject, parsed.body),
    }


def _fill(row: dict[str, Any], advice: Advice) -> None:
    row.update(
        kind=advice.kind,
        is_rejection=advice.is_rejection,
        rejection_probability=advice.rejection_probability,
        tone=advice.tone,
        stage=advice.stage,
        feedback=list(advice.feedback_categories),
        feedback_text=" ".join(" ".join(f.text.split()) for f in advice.feedback),
        reasons=list(advice.reasons),
        future_invite=advice.future_invite,
        feedback_offer=advice.feedback_offer,
    )
    _set_strategies(row, advice.strategies)


def _set_strategies(row: dict[str, Any], strategies: Sequence[Any]) -> None:
    row["strategy"] = strategies[0].number if strategies else None
    row["strategy_title"] = strategies[0].title if strategies else ""
    row["strategy_why"] = strategies[0].why if strategies else ""
    row["strategies"] = [s.number for s in strategies]


def _advise(analyzer: Analyzer, texts: list[str], subjects: list[str]
            ) -> list[Advice | Exception]:
    """Advice for a chunk; should one message fail, the others still get
    theirs and that message gets its exception (it becomes the row's error)."""
    try:
        return list(analyzer.analyse(texts, subjects))
    except Exception:
        pass
    out: list[Advice | Exception] = []
    for text, subject in zip(texts, subjects, strict=True):
        try:
            out += analyzer.analyse([text], [subject])
        except Exception as exc:
            out.append(exc)
    return out


def _analyse_parsed(items: Sequence[tuple[str, ParsedMessage]], analyzer: Analyzer
                    ) -> list[_Row]:
    rows = [_empty_row(source, parsed) for source, parsed in items]
    todo = [k for k, (_, parsed) in enumerate(items) if parsed.body.strip()]
    out = [_Row(row, None) for row in rows]
    if not todo:
        return out
    found = _advise(analyzer, [items[k][1].body for k in todo],
                    [items[k][1].subject for k in todo])
    for k, advice in zip(todo, found, strict=True):
        if isinstance(advice, Exception):
            rows[k]["error"] = safe_text(f"analysis failed: {type(advice).__name__}: {advice}",
                                         MAX_HEADER_CHARS)
            continue
        _fill(rows[k], advice)
        out[k] = _Row(rows[k], advice if advice.is_rejection else None)
    return out


def _analyse_raw(chunk: Sequence[RawMessage], analyzer: Analyzer | None = None) -> list[_Row]:
    items = []
    for source, raw, error in chunk:
        parsed = ParsedMessage(error=error) if raw is None else parse_message(raw)
        items.append((source, parsed))
    return _analyse_parsed(items, analyzer or _worker_analyzer())


_WORKER_ANALYZER: Analyzer | None = None


def _worker_analyzer() -> Analyzer:
    assert _WORKER_ANALYZER is not None, "worker started without an analyzer"
    return _WORKER_ANALYZER


def _chunks(messages: Iterable[RawMessage], size: int, max_bytes: int | None = None
            ) -> Iterator[list[RawMessage]]:
    """Chunks of at most ``size`` messages and about ``max_bytes`` bytes."""
    limit = CHUNK_BYTES if max_bytes is None else max_bytes
    chunk: list[RawMessage] = []
    held = 0
    for message in messages:
        chunk.append(message)
        held += len(message[1] or b"")
        if len(chunk) == size or held >= limit:
            yield chunk
            chunk, held = [], 0
    if chunk:
        yield chunk


def _worker_init(parent: int, analyzer: Analyzer) -> None:
    """Give a worker the parent's analyzer and tie its life to the parent.

    On Linux the kernel kills the worker when its parent dies, however it dies
    (SIGKILL included); elsewhere, and as a second line, a thread checks the
    parent every second.  Ctrl-C is for the parent alone, which then stops
    the pool.
    """
    import signal
    import sys
    import threading

    global _WORKER_ANALYZER
    _WORKER_ANALYZER = analyzer
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes

        pr_set_pdeathsig = 1
        # Without prctl in this C library, the thread below does the job alone.
        with contextlib.suppress(AttributeError, OSError):
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    # The parent may have died before the line above took effect.
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="rebound-watch-parent").start()


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(_WATCH_PARENT)
    os._exit(1)


def _run(chunks: Iterator[list[RawMessage]], jobs: int, analyzer: Analyzer
         ) -> Iterator[list[_Row]]:
    if jobs <= 1:
        for chunk in chunks:
            yield _analyse_raw(chunk, analyzer)
        return
    # Workers get the parent's analyzer: its weights, no model files read again.
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init,
                               initargs=(os.getpid(), analyzer))
    try:
        # Bounded look-ahead keeps memory flat however large the mailbox is.
        pending: deque[Future[list[_Row]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_analyse_raw, chunk))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BaseException:
        # Interrupted or abandoned: drop the queued chunks instead of analysing them.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _apply_history(rows: list[_Row]) -> None:
    """Re-rank each dated rejection's strategies with the rejections before it."""
    dated = sorted(
        (r.fields["date"], i) for i, r in enumerate(rows)
        if r.advice is not None and isinstance(r.fields["date"], datetime)
    )
    times = [d for d, _ in dated]
    for pos, (when, i) in enumerate(dated):
        # Rejections before this one (in date order) within each window.
        history = History(
            recent_14=pos - bisect_left(times, when - timedelta(days=14), 0, pos),
            recent_30=pos - bisect_left(times, when - timedelta(days=30), 0, pos),
        )
        advice = rows[i].advice
        if history.signals() and advice is not None:
            _set_strategies(rows[i].fields, advice.with_history(history).strategies)


def _flag_duplicates(rows: list[_Row]) -> None:
    """Note a repeated Message-ID in ``error``; both copies keep their analysis."""
    first: dict[str, str] = {}
    for row in rows:
        mid = row.fields["message_id"]
        if not mid:
            continue
        if mid in first and not row.fields["error"]:
            row.fields["error"] = f"duplicate Message-ID of {first[mid]}"
        first.setdefault(mid, row.fields["source"])


def _note(row: dict[str, Any], note: str) -> None:
    row["error"] = "; ".join(filter(None, (row["error"], note)))


def _timestamp(value: Any) -> tuple[datetime | None, str]:
    """``value`` as a UTC datetime a table can hold, or ``None`` and why not.

    pandas stores nanoseconds, so dates before 1677 or after 2262 (real spam
    has years 100 and 9999) do not fit; they are left empty with a note.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    shown = safe_text(value.isoformat() if isinstance(value, datetime) else repr(value), 64)
    if not pd.api.types.is_scalar(value):
        return None, f"date {shown} is not a date; left empty"
    if not isinstance(value, str) and pd.isna(value):
        return None, ""
    out_of_range = f"date {shown} is outside the years 1677-2262 a table can hold; left empty"
    try:
        stamp = pd.to_datetime(value, utc=True)
    except (pd.errors.OutOfBoundsDatetime, OverflowError, NotImplementedError):
        return None, out_of_range
    except (ValueError, TypeError):
        return None, f"date {shown} is not a date; left empty"
    if pd.isna(stamp):
        return None, ""
    try:
        return pd.Timestamp(stamp).as_unit("ns").to_pydatetime(), ""
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        return None, out_of_range


def _frame(rows: list[_Row]) -> pd.DataFrame:
    _flag_duplicates(rows)
    for row in rows:
        row.fields["date"], note = _timestamp(row.fields["date"])
        if note:
            _note(row.fields, note)
    _apply_history(rows)
    df = pd.DataFrame([r.fields for r in rows], columns=list(COLUMNS))
    df["date"] = pd.to_datetime(df["date"], utc=True).astype("datetime64[ns, UTC]")
    df["strategy"] = df["strategy"].astype("Int64")
    df["rejection_probability"] = df["rejection_probability"].astype("float64")
    df["is_rejection"] = df["is_rejection"].astype(bool)
    return df


def _progress(it: Iterator[list[_Row]], enabled: bool) -> Iterator[list[_Row]]:
    if not enabled:
        yield from it
        return
    from tqdm.auto import tqdm

    with tqdm(unit="msg", desc="analysing") as bar:
        for rows in it:
            bar.update(len(rows))
            yield rows


def analyse_mailbox(path: str | os.PathLike[str], *, jobs: int = 1, progress: bool = False,
                    model: Model | str | os.PathLike[str] | None = None,
                    trusted: bool = False) -> pd.DataFrame:
    """Analyse every message of a mailbox into one row each, in mailbox order.

    Parameters
    ----------
    path : path-like
        An mbox file, a Maildir (``cur/``, ``new/``, ``tmp/``), a folder of
        ``.eml`` files (searched recursively) or a single ``.eml`` file.
    jobs : int, default 1
        Worker processes; the table is identical for any value.
    progress : bool, default False
        Show a progress bar.
    model : Model or path-like, optional
        A :class:`~rebound_nlp.Model` or a model folder; the shipped model by default.
    trusted : bool, default False
        Passed to :func:`~rebound_nlp.load_model` when ``model`` is a folder.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS`, ``kind`` first among the analysis.
        Messages that could not be read keep their row, with the reason in
        ``error`` and no ``kind``.

    Raises
    ------
    MailboxError
        If ``path`` is none of the kinds above.

    Examples
    --------
    >>> from rebound_nlp import analyse_mailbox
    >>> table = analyse_mailbox("data/samples/mailbox.mbox")  # doctest: +SKIP
    >>> table[table.is_rejection][["company", "tone", "strategy_title"]]  # doctest: +SKIP
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    analyzer = Analyzer(model, trusted=trusted)
    rows: list[_Row] = []
    for chunk_rows in _progress(_run(_chunks(iter_mailbox(path), CHUNK), jobs, analyzer),
                                progress):
        rows += chunk_rows
    return _frame(rows)


def analyse(emails: Iterable[str] | pd.DataFrame | Iterable[dict[str, Any]], *,
            model: Model | str | os.PathLike[str] | None = None,
            trusted: bool = False) -> pd.DataFrame:
    """Analyse plain-text emails into the table :func:`analyse_mailbox` returns.

    ``emails`` is an iterable of bodies, or a DataFrame / records with
    ``body`` and optional ``subject``, ``date``, ``sender`` and ``message_id``.
    ``model`` and ``trusted`` are as in :func:`analyse_mailbox`.

    Examples
    --------
    >>> from rebound_nlp import analyse
    >>> table = analyse(["Unfortunately we will not be moving forward with your application.",
    ...                  "We would like to invite you to an interview next Tuesday at 10am."])
    >>> list(table["kind"]), list(table["is_rejection"])
    (['rejection', 'interview'], [True, False])
    """
    analyzer = Analyzer(model, trusted=trusted)
    records = emails.to_dict("records") if isinstance(emails, pd.DataFrame) else list(emails)
    items = []
    for i, rec in enumerate(records):
        if isinstance(rec, str):
            rec = {"body": rec}
        if not isinstance(rec, dict) or not isinstance(rec.get("body"), str):
            raise TypeError(f"email {i}: expected a str or a record with a str 'body', "
                            f"got {type(rec).__name__}")
        # Text is made safe here, once: it goes on to spaCy and into the table.
        body = safe_text(rec["body"], MAX_CHARS)
        date, note = _timestamp(rec.get("date"))
        items.append((_field(rec, "source", i), ParsedMessage(
            message_id=_field(rec, "message_id"),
            date=date,
            sender=_field(rec, "sender"),
            subject=_field(rec, "subject"),
            body=body,
            error="; ".join(filter(None, ("" if body.strip() else "empty body", note))),
        )))
    rows: list[_Row] = []
    for start in range(0, len(items), CHUNK):
        rows += _analyse_parsed(items[start:start + CHUNK], analyzer)
    return _frame(rows)


def _field(record: dict[str, Any], name: str, default: object = "") -> str:
    """A record's header-like field as safe text; missing values (None, NaN) are ''."""
    value = record.get(name, default)
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                         and pd.isna(value)):
        return ""
    return safe_text(str(value), MAX_HEADER_CHARS)


def summarise(table: pd.DataFrame) -> str:
    """A short text summary of an analysed table."""
    rej = table[table["is_rejection"] == True]  # noqa: E712
    errors = int(table["error"].astype(bool).sum())
    kinds = Counter(table["kind"].dropna())
    lines = [f"messages read: {len(table) - errors} of {len(table)}",
             "kinds: " + (", ".join(f"{k} {v}" for k, v in kinds.most_common()) or "none"),
             f"rejections found: {len(rej)}"]
    if len(rej):
        tone = Counter(rej["tone"].dropna())
        stage = Counter(rej["stage"].fillna("unclear"))
        feedback = Counter(c for cats in rej["feedback"] for c in cats)
        lines.append("tone: " + ", ".join(f"{k} {v}" for k, v in tone.most_common()))
        lines.append("stage: " + ", ".join(f"{k} {v}" for k, v in stage.most_common()))
        lines.append("most common feedback: " + (", ".join(
            f"{k} {v}" for k, v in feedback.most_common(3)) or "none"))
    lines.append(f"messages with errors: {errors}")
    return "\n".join(lines)


def _json_value(value: Any) -> Any:
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


_SUFFIXES = (".csv", ".jsonl", ".parquet")


def check_output(path: str | os.PathLike[str]) -> Path:
    """Check that :func:`write_table` can write ``path``, before any work is done.

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


def write_table(table: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write the table as .csv, .jsonl or .parquet (parquet needs pyarrow).

    The table goes to a temporary file beside ``path`` that replaces it once
    complete: an error or an interruption leaves what was at ``path`` as it was.

    Raises
    ------
    OutputError
        ``path`` cannot be written (see :func:`check_output`); nothing was written.
    WriteError
        Writing failed part-way (disk full, file-size limit); ``path`` is unchanged.
    """
    import json

    from rebound_nlp.files import atomic_path

    p = check_output(path)
    suffix = p.suffix.lower()
    try:
        with atomic_path(p) as tmp:
            if suffix == ".csv":
                out = table.copy()
                for col in ("feedback", "reasons", "strategies"):
                    out[col] = [json.dumps(v) for v in out[col]]
                out.to_csv(tmp, index=False)
            elif suffix == ".jsonl":
                # json.dumps keeps every digit; DataFrame.to_json rounds to 10.
                with tmp.open("w", encoding="utf-8") as fh:
                    for record in table.to_dict("records"):
                        fh.write(json.dumps(record, default=_json_value, ensure_ascii=False)
                                 + "\n")
            else:
                table.to_parquet(tmp, index=False)
    except OSError as exc:
        raise WriteError(f"could not write {p}: {exc.strerror or exc}; what was there before "
                         "is unchanged.") from exc
