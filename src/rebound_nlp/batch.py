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
from rebound_nlp.mail import iter_mailbox, parse_message
from rebound_nlp.mail.employer import company_of, employer_of, role_of
from rebound_nlp.mail.mailboxes import RawMessage
from rebound_nlp.mail.parse import ParsedMessage
from rebound_nlp.strategy import History

if TYPE_CHECKING:
    from rebound_nlp.classify import Model

__all__ = ["COLUMNS", "analyse", "analyse_mailbox", "company_of", "summarise", "write_table"]

COLUMNS = (
    "source", "message_id", "date", "sender", "subject", "kind", "is_rejection",
    "rejection_probability", "tone", "stage", "feedback", "feedback_text", "reasons",
    "future_invite", "feedback_offer", "strategy", "strategy_title", "strategy_why", "strategies",
    "company", "error", "role",
)
CHUNK = 128


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


def _analyse_parsed(items: Sequence[tuple[str, ParsedMessage]], analyzer: Analyzer
                    ) -> list[_Row]:
    rows = [_empty_row(source, parsed) for source, parsed in items]
    todo = [k for k, (_, parsed) in enumerate(items) if parsed.body.strip()]
    out = [_Row(row, None) for row in rows]
    advice = analyzer.analyse([items[k][1].body for k in todo],
                              [items[k][1].subject for k in todo])
    for k, a in zip(todo, advice, strict=True):
        _fill(rows[k], a)
        out[k] = _Row(rows[k], a if a.is_rejection else None)
    return out


def _analyse_raw(chunk: Sequence[RawMessage], analyzer: Analyzer | None = None) -> list[_Row]:
    items = []
    for source, raw, error in chunk:
        parsed = ParsedMessage(error=error) if raw is None else parse_message(raw)
        items.append((source, parsed))
    return _analyse_parsed(items, analyzer or _worker_analyzer())


_WORKER_ANALYZER: Analyzer | None = None


def _init_worker(analyzer: Analyzer) -> None:
    global _WORKER_ANALYZER
    _WORKER_ANALYZER = analyzer


def _worker_analyzer() -> Analyzer:
    assert _WORKER_ANALYZER is not None, "worker started without an analyzer"
    return _WORKER_ANALYZER


def _chunks(messages: Iterable[RawMessage], size: int) -> Iterator[list[RawMessage]]:
    chunk: list[RawMessage] = []
    for message in messages:
        chunk.append(message)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _run(chunks: Iterator[list[RawMessage]], jobs: int, analyzer: Analyzer
         ) -> Iterator[list[_Row]]:
    if jobs <= 1:
        for chunk in chunks:
            yield _analyse_raw(chunk, analyzer)
        return
    # Workers get the parent's analyzer (its weights, no files re-read); bounded
    # look-ahead keeps memory flat however large the mailbox is.
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(analyzer,)) as pool:
        pending: deque[Future[list[_Row]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_analyse_raw, chunk))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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


def _frame(rows: list[_Row]) -> pd.DataFrame:
    _apply_history(rows)
    _flag_duplicates(rows)
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
        raw_date = rec.get("date")
        date = pd.to_datetime(raw_date, utc=True) if raw_date else None
        items.append((str(rec.get("source", i)), ParsedMessage(
            message_id=str(rec.get("message_id") or ""),
            date=None if date is None or pd.isna(date) else date.to_pydatetime(),
            sender=str(rec.get("sender") or ""),
            subject=str(rec.get("subject") or ""),
            body=rec["body"],
            error="" if rec["body"].strip() else "empty body",
        )))
    rows: list[_Row] = []
    for start in range(0, len(items), CHUNK):
        rows += _analyse_parsed(items[start:start + CHUNK], analyzer)
    return _frame(rows)


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


def write_table(table: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write the table as .csv, .jsonl or .parquet (parquet needs pyarrow)."""
    import json

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        out = table.copy()
        for col in ("feedback", "reasons", "strategies"):
            out[col] = [json.dumps(v) for v in out[col]]
        out.to_csv(p, index=False)
    elif suffix == ".jsonl":
        # json.dumps keeps every digit; DataFrame.to_json rounds to 10.
        with p.open("w", encoding="utf-8") as fh:
            for record in table.to_dict("records"):
                fh.write(json.dumps(record, default=_json_value, ensure_ascii=False) + "\n")
    elif suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            from rebound_nlp.errors import MissingDependencyError

            raise MissingDependencyError(
                "Writing parquet needs pyarrow: pip install 'rebound-nlp[parquet]'."
            ) from exc
        table.to_parquet(p, index=False)
    else:
        raise ValueError(f"{p}: unknown output type {suffix!r}; use .csv, .jsonl or .parquet.")
