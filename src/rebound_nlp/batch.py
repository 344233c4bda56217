"""Analyse many emails, or a whole mailbox, into one table.

Messages stream through in chunks (parse, clean, spaCy, model), optionally
shared with worker processes; only the result rows are kept.  Each rejection's
strategies are ranked with the person's recent history: the rejections dated
shortly before it anywhere in the mailbox.
"""

from __future__ import annotations

import os
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, TYPE_CHECKING, Any, Literal

import numpy as np

from rebound_nlp.advice import Advice
from rebound_nlp.analyzer import Analyzer
from rebound_nlp.mail import iter_mailbox, parse_message
from rebound_nlp.mail.employer import company_of, employer_of, role_of
from rebound_nlp.mail.mailboxes import RawMessage
from rebound_nlp.mail.parse import ParsedMessage
from rebound_nlp.strategy import History, rank_for_table
from rebound_nlp.summary import MailboxSummary, summarise
from rebound_nlp.table import COLUMNS, TableWriter, to_frame
from rebound_nlp.text import MAX_CHARS, MAX_HEADER_CHARS, MAX_MESSAGE_BYTES, safe_text

if TYPE_CHECKING:
    import pandas as pd

    from rebound_nlp.classify import Model

__all__ = ["COLUMNS", "MailboxSummary", "analyse", "analyse_mailbox", "analyse_mailbox_to",
           "company_of", "summarise"]

CHUNK = 128
#: A chunk also ends once its messages hold this many bytes, so large messages
#: spread over the workers and memory stays bounded.
CHUNK_BYTES = 2 * MAX_MESSAGE_BYTES
#: Chunks handed to each worker and not yet back: enough that a worker never waits
#: for its next chunk while this process analyses one of its own.
_IN_FLIGHT = 4
#: Bytes the pipes to and from the workers hold, where they can be widened (Linux).
_PIPE_BYTES = 2**20
#: How often (seconds) a worker checks that the process that started it lives.
_WATCH_PARENT = 1.0
# The first and last moments, to the microsecond, that pandas' nanosecond timestamps hold.
_FIRST_STAMP = datetime(1677, 9, 21, 0, 12, 43, 145225, tzinfo=UTC)
_LAST_STAMP = datetime(2262, 4, 11, 23, 47, 16, 854775, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Row:
    fields: dict[str, Any]
    signals: dict[str, str] | None
    """A rejection's strategy signals, to rank its strategies with the mailbox's history."""


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
    if advice.is_rejection:  # analysed for a table: ranked here, as the email alone
        _set_strategies(row, *rank_for_table(advice.signals, History()))


def _set_strategies(row: dict[str, Any], numbers: list[int], title: str, why: str) -> None:
    """The strategy columns: every strategy's number in rank order, the first one's
    number, title and why."""
    row.update(strategy=numbers[0] if numbers else None, strategy_title=title,
               strategy_why=why, strategies=numbers)


def _advise(analyzer: Analyzer, texts: list[str], subjects: list[str]
            ) -> list[Advice | Exception]:
    """Advice for a chunk; should one message fail, the others still get
    theirs and that message gets its exception (it becomes the row's error)."""
    try:
        return list(analyzer.analyse(texts, subjects, for_table=True))
    except Exception:
        pass
    out: list[Advice | Exception] = []
    for text, subject in zip(texts, subjects, strict=True):
        try:
            out += analyzer.analyse([text], [subject], for_table=True)
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
        out[k] = _Row(rows[k], advice.signals if advice.is_rejection else None)
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
    """The rows of each chunk, in order.  ``jobs`` processes analyse: this one and
    ``jobs - 1`` workers, which take chunks while they have room; this process
    analyses the others itself instead of waiting."""
    if jobs <= 1:
        for chunk in chunks:
            yield _analyse_raw(chunk, analyzer)
        return
    workers = jobs - 1
    # Workers get the parent's analyzer: its weights, no model files read again.
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                               initargs=(os.getpid(), analyzer))
    _widen_pipes(pool)
    try:
        # Workers' futures and this process's own rows, in chunk order.  Bounded
        # look-ahead keeps memory flat however large the mailbox is.
        pending: deque[Future[list[_Row]] | list[_Row]] = deque()
        handed: dict[Future[list[_Row]], list[RawMessage]] = {}
        for chunk in chunks:
            if sum(not f.done() for f in handed) < _IN_FLIGHT * workers:
                future = pool.submit(_analyse_raw, chunk)
                handed[future] = chunk
                pending.append(future)
            else:
                pending.append(_analyse_raw(chunk, analyzer))
            while pending and (len(pending) > 2 * _IN_FLIGHT * jobs
                               or not isinstance(pending[0], Future) or pending[0].done()):
                yield _rows_of(pending.popleft(), handed)
        # All chunks are handed out: this process takes back those no worker has
        # started, instead of waiting idle while the workers get through them.
        for k, entry in enumerate(pending):
            if isinstance(entry, Future) and entry.cancel():
                pending[k] = _analyse_raw(handed.pop(entry), analyzer)
        while pending:
            yield _rows_of(pending.popleft(), handed)
    except BaseException:
        # Interrupted or abandoned: drop the queued chunks instead of analysing them.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _widen_pipes(pool: ProcessPoolExecutor) -> None:
    """Let a whole chunk, or a chunk's rows, wait in the pipes to and from the workers.

    A pipe holds 64 KB on Linux.  A longer message goes through in turns, and
    each turn waits for the executor's thread in this process to get its turn
    beside this busy one (up to 5 ms), while the worker waits for the message.
    Linux can widen a pipe; elsewhere, or should the executor's queues change,
    the pipes stay as they are.
    """
    try:
        import fcntl

        setsize = fcntl.F_SETPIPE_SZ
    except (ImportError, AttributeError):
        return
    import contextlib

    for queue in (getattr(pool, "_call_queue", None), getattr(pool, "_result_queue", None)):
        reader = getattr(queue, "_reader", None)
        with contextlib.suppress(AttributeError, OSError, ValueError):
            fcntl.fcntl(reader.fileno(), setsize, _PIPE_BYTES)  # type: ignore[union-attr]


def _rows_of(entry: Future[list[_Row]] | list[_Row],
             handed: dict[Future[list[_Row]], list[RawMessage]]) -> list[_Row]:
    if isinstance(entry, Future):
        handed.pop(entry, None)
        return entry.result()
    return entry


class _MessageIds:
    """Which Message-IDs a mailbox holds more than once, at 8 bytes a message: the
    hash of each is kept, and an ID whose hash comes once is in no other row."""

    def __init__(self) -> None:
        self.hashes = array("q")

    def add(self, fields: dict[str, Any]) -> None:
        if fields["message_id"]:
            self.hashes.append(hash(fields["message_id"]))

    def may_repeat(self) -> frozenset[int]:
        """The hashes that came more than once (of a repeated ID, or of a collision)."""
        values, counts = np.unique(np.frombuffer(self.hashes, dtype=np.int64),
                                   return_counts=True)
        return frozenset(values[counts > 1].tolist())


class _RejectionDates:
    """The dates of a mailbox's rejections, noted in mailbox order, and each one's
    history: the rejections before it (by date, then row) within 14 and 30 days.

    While the dates come in order (as in most mailboxes), :meth:`add` already
    knows a rejection's history, so that its row can be written at once; each
    rejection costs 32 bytes here.
    """

    _DAY = 86_400_000_000  # microseconds
    _WINDOWS = (14, 30)  # days: History's recent_14 and recent_30

    def __init__(self) -> None:
        self.stamps = array("q")  # microseconds since 1970: exact, unlike float seconds
        self.rows = array("q")
        # The history add() gave, -1 for none (the dates were out of order by then).
        self.told_14, self.told_30 = array("q"), array("q")

    def add(self, row: int, fields: dict[str, Any], signals: dict[str, str] | None, *,
            tell: bool = True) -> History | None:
        """Note row ``row`` if it is a dated rejection (its date through
        :func:`_fix_date`), and give its history if ``tell`` and every earlier
        rejection was dated no later."""
        when = fields["date"]
        if signals is None or not isinstance(when, datetime):
            return None
        stamp = (when - _EPOCH) // _MICROSECOND
        n = len(self.stamps)
        told = None
        # In order so far: the earlier dates are sorted, and all come before this one.
        # Should a later rejection be dated earlier, corrections() gives the history anew.
        if tell and (not n or (self.told_14[-1] >= 0 and self.stamps[-1] <= stamp)):
            told = History(*(n - bisect_left(self.stamps, stamp - days * self._DAY)
                             for days in self._WINDOWS))
        self.stamps.append(stamp)
        self.rows.append(row)
        self.told_14.append(-1 if told is None else told.recent_14)
        self.told_30.append(-1 if told is None else told.recent_30)
        return told

    def told(self, row: int) -> History | None:
        """What :meth:`add` told of rejection ``row``."""
        k = bisect_left(self.rows, row)
        return self._told(k) if k < len(self.rows) and self.rows[k] == row else None

    def _told(self, k: int) -> History | None:
        return History(self.told_14[k], self.told_30[k]) if self.told_14[k] >= 0 else None

    def corrections(self) -> Iterator[tuple[int, History]]:
        """(row, history), in row order, of each rejection whose history, now that
        every date is known, shows other streak signals than what :meth:`add` told
        (none, when it told nothing)."""
        stamps = np.frombuffer(self.stamps, dtype=np.int64)
        order = np.lexsort((np.frombuffer(self.rows, dtype=np.int64), stamps))
        times = stamps[order]
        recent = []
        for days in self._WINDOWS:
            before = np.arange(len(times)) - np.searchsorted(times, times - days * self._DAY)
            recent.append(np.empty_like(before))
            recent[-1][order] = before
        for k, row in enumerate(self.rows):
            history = History(*(int(counts[k]) for counts in recent))
            if history.signals() != (self._told(k) or History()).signals():
                yield row, history


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _fix_date(fields: dict[str, Any]) -> str:
    """Make a row's date one a table can hold (or empty); the note for an emptied one."""
    fields["date"], note = _timestamp(fields["date"])
    return note


def _finish(fields: dict[str, Any], first: dict[str, str] | None, date_note: str) -> bool:
    """Note in ``error`` a repeated Message-ID (both copies keep their analysis), then
    ``date_note``; whether the Message-ID was noted as repeated.  Rows come in mailbox
    order; ``first`` maps each Message-ID seen to its source (``None``: this row's
    Message-ID is in no other row)."""
    mid = fields["message_id"]
    if not mid or first is None:
        repeated = False
    else:
        repeated = mid in first and not fields["error"]
        if repeated:
            fields["error"] = f"duplicate Message-ID of {first[mid]}"
        first.setdefault(mid, fields["source"])
    if date_note:
        _note(fields, date_note)
    return repeated


def _note(row: dict[str, Any], note: str) -> None:
    row["error"] = "; ".join(filter(None, (row["error"], note)))


def _timestamp(value: Any) -> tuple[datetime | None, str]:
    """``value`` as a UTC datetime a table can hold, or ``None`` and why not.

    pandas stores nanoseconds, so dates before 1677 or after 2262 (real spam
    has years 100 and 9999) do not fit; they are left empty with a note.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if type(value) is datetime:
        # What a mailbox gives: checked without pandas, which worker processes never load.
        try:
            stamp = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        except OverflowError:
            return None, _date_note(value, _OUT_OF_RANGE)
        if _FIRST_STAMP <= stamp <= _LAST_STAMP:
            return stamp, ""
        return None, _date_note(value, _OUT_OF_RANGE)
    import pandas as pd

    if not pd.api.types.is_scalar(value):
        return None, _date_note(value, _NOT_A_DATE)
    if not isinstance(value, str) and pd.isna(value):
        return None, ""
    try:
        stamp = pd.to_datetime(value, utc=True)
    except (pd.errors.OutOfBoundsDatetime, OverflowError, NotImplementedError):
        return None, _date_note(value, _OUT_OF_RANGE)
    except (ValueError, TypeError):
        return None, _date_note(value, _NOT_A_DATE)
    if pd.isna(stamp):
        return None, ""
    try:
        return pd.Timestamp(stamp).as_unit("ns").to_pydatetime(), ""
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        return None, _date_note(value, _OUT_OF_RANGE)


_OUT_OF_RANGE = "is outside the years 1677-2262 a table can hold"
_NOT_A_DATE = "is not a date"


def _date_note(value: Any, why: str) -> str:
    """The note for a date left empty (built only then: most dates are fine)."""
    shown = safe_text(value.isoformat() if isinstance(value, datetime) else repr(value), 64)
    return f"date {shown} {why}; left empty"


def _frame(rows: list[_Row]) -> pd.DataFrame:
    first: dict[str, str] = {}
    for row in rows:
        _finish(row.fields, first, _fix_date(row.fields))
    dates = _RejectionDates()
    for i, row in enumerate(rows):
        dates.add(i, row.fields, row.signals, tell=False)
    for i, history in dates.corrections():
        rows[i].fields.update(_ranked(rows[i].fields, rows[i].signals, history))
    return to_frame([r.fields for r in rows])


def _ranked(fields: dict[str, Any], signals: dict[str, str] | None, history: History | None
            ) -> dict[str, Any]:
    """``fields`` with the strategies ranked anew with ``history`` (in a copy), if the
    history shows a streak; else ``fields`` itself, ranked as the email alone."""
    if history is None or not history.signals():
        return fields
    assert signals is not None, "only rejections have a history"
    ranked = dict(fields)
    _set_strategies(ranked, *rank_for_table(signals, history))
    return ranked


def _mailbox_rows(path: str | os.PathLike[str], jobs: int, analyzer: Analyzer, progress: bool
                  ) -> Iterator[list[_Row]]:
    """A mailbox's rows, chunk by chunk, in mailbox order."""
    return _progress(_run(_chunks(iter_mailbox(path), CHUNK), jobs, analyzer), progress)


def _progress(it: Iterator[list[_Row]], enabled: bool) -> Iterator[list[_Row]]:
    if not enabled:
        yield from it
        return
    from tqdm.auto import tqdm

    with tqdm(unit="msg", desc="analysing") as bar:
        for rows in it:
            bar.update(len(rows))
            yield rows


Jobs = int | Literal["auto"]
"""Processes that analyse: a number, or ``"auto"`` for one per available CPU."""


def resolve_jobs(jobs: Jobs) -> int:
    """The number of processes ``jobs`` asks to analyse with.

    Examples
    --------
    >>> resolve_jobs(2), resolve_jobs("auto") >= 1
    (2, True)
    """
    if jobs == "auto":
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                   else os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a whole number of at least 1 or 'auto', got {jobs!r}")
    return jobs


def analyse_mailbox(path: str | os.PathLike[str], *, jobs: Jobs = 1, progress: bool = False,
                    model: Model | str | os.PathLike[str] | None = None,
                    trusted: bool = False) -> pd.DataFrame:
    """Analyse every message of a mailbox into one row each, in mailbox order.

    Parameters
    ----------
    path : path-like
        An mbox file, a Maildir (``cur/``, ``new/``, ``tmp/``), a folder of
        ``.eml`` files (searched recursively) or a single ``.eml`` file.
    jobs : int or "auto", default 1
        Processes that analyse: this one and ``jobs - 1`` workers (``"auto"``:
        one per available CPU); the table is identical for any value.  The
        model and the pipeline are loaded once, in this process, before the
        workers start.
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
    jobs = resolve_jobs(jobs)
    analyzer = Analyzer(model, trusted=trusted)
    rows: list[_Row] = []
    for chunk_rows in _mailbox_rows(path, jobs, analyzer, progress):
        rows += chunk_rows
    return _frame(rows)


_PIECE = 2_000


def analyse_mailbox_to(path: str | os.PathLike[str], output: str | os.PathLike[str], *,
                       jobs: Jobs = 1, progress: bool = False,
                       model: Model | str | os.PathLike[str] | None = None,
                       trusted: bool = False, rejections_only: bool = False
                       ) -> MailboxSummary:
    """Analyse a mailbox straight into a .csv, .jsonl or .parquet file.

    The rows of :func:`analyse_mailbox`, but memory stays flat however large
    the mailbox: rows go to a spool file as chunks finish (only the dates of
    rejections, for their history-aware strategies, and 8 bytes a message to
    find repeated Message-IDs stay in memory) and then
    into ``output`` piece by piece, through a temporary file that replaces
    ``output`` once complete.  The output path is checked before any work
    starts.

    Parameters
    ----------
    path, jobs, progress, model, trusted
        As in :func:`analyse_mailbox`.
    output : path-like
        The file to write; its suffix picks the format.
    rejections_only : bool, default False
        Write only the rows of rejections.

    Returns
    -------
    MailboxSummary
        The counts of every row (written or not), for :func:`summarise`.

    Examples
    --------
    >>> from rebound_nlp.batch import analyse_mailbox_to, summarise
    >>> summary = analyse_mailbox_to("data/samples/mailbox.mbox", "table.csv")  # doctest: +SKIP
    >>> print(summarise(summary))  # doctest: +SKIP
    """
    import pickle
    import tempfile

    jobs = resolve_jobs(jobs)
    writer = TableWriter(output)
    analyzer = Analyzer(model, trusted=trusted)
    dates, ids = _RejectionDates(), _MessageIds()
    n = 0
    # While workers run, rows wait in the spool, this process's own unlinked file
    # (so pickle is safe; it keeps dates as they are and is faster than JSON both
    # ways), with their lines of CSV or JSONL: a rejection's history is known at
    # once while the mailbox is in date order.  Only the dates of rejections and a
    # hash of each Message-ID stay in memory.  Once all are in, the few rows that
    # later dates or a repeated Message-ID change are encoded again.
    with tempfile.TemporaryFile() as spool, writer:
        for rows in _mailbox_rows(path, jobs, analyzer, progress):
            entries = []
            for row in rows:
                fields, signals = row.fields, row.signals
                note = _fix_date(fields)
                told = dates.add(n, fields, signals, tell=writer.writes_lines)
                ids.add(fields)
                line = None
                if signals is not None or not rejections_only:
                    # As if its Message-ID were the first: a repeat is noted at the end.
                    shown = fields
                    if note:
                        shown = dict(fields)
                        _note(shown, note)
                    line = writer.line(_ranked(shown, signals, told))
                entries.append((line, fields, note, signals))
                n += 1
            pickle.dump(entries, spool, protocol=pickle.HIGHEST_PROTOCOL)
        spool.seek(0)
        fixes = dates.corrections()
        fix = next(fixes, None)
        # Only the Message-IDs that may repeat are kept, with their first source.
        may_repeat = ids.may_repeat()
        first: dict[str, str] = {}
        del ids
        summary = MailboxSummary()
        lines: list[str] = []
        piece: list[dict[str, Any]] = []  # Parquet's rows
        for i, (line, fields, note, signals) in enumerate(_unpickled_rows(spool, n)):
            history = None
            if fix is not None and fix[0] == i:
                history, fix, line = fix[1], next(fixes, None), None
            mid = fields["message_id"]
            seen = first if mid and hash(mid) in may_repeat else None
            if _finish(fields, seen, note) and line is not None:
                history, line = dates.told(i), None
            summary.add(fields)
            if signals is None and rejections_only:
                continue
            if line is None:
                fields = _ranked(fields, signals, history)
                line = writer.line(fields)
            if line is None:
                piece.append(fields)
            else:
                lines.append(line)
            if len(lines) == _PIECE:
                writer.write_lines(lines)
                lines = []
            if len(piece) == _PIECE:
                writer.write_rows(piece)
                piece = []
        if lines:
            writer.write_lines(lines)
        if piece:
            writer.write_rows(piece)
    return summary


def _unpickled_rows(spool: IO[bytes], n: int) -> Iterator[tuple[str | None, Any, str, Any]]:
    """The ``n`` rows :func:`analyse_mailbox_to` pickled to ``spool``, chunk by chunk:
    (line, fields, date note, strategy signals)."""
    import pickle

    while n > 0:
        chunk = pickle.load(spool)
        n -= len(chunk)
        yield from chunk


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
    import pandas as pd

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
    import pandas as pd

    value = record.get(name, default)
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                         and pd.isna(value)):
        return ""
    return safe_text(str(value), MAX_HEADER_CHARS)
