"""What an analysed mailbox held, counted, and the text :func:`summarise` prints."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MailboxSummary", "summarise"]


@dataclass
class MailboxSummary:
    """Counts of an analysed mailbox's rows; it keeps no row, so its size does
    not grow with the mailbox.

    :func:`~rebound_nlp.analyse_mailbox_to` returns one; :meth:`of_table`
    counts an analysed table.

    Examples
    --------
    >>> from rebound_nlp import analyse
    >>> summary = MailboxSummary.of_table(analyse([
    ...     "Unfortunately we will not be moving forward with your application.",
    ...     "See you at lunch on Friday?"]))
    >>> summary.messages, summary.rejections, dict(summary.kinds)
    (2, 1, {'rejection': 1, 'not_job': 1})
    """

    messages: int = 0
    #: Rows with an ``error`` (an unreadable message, or a note on a readable one).
    errors: int = 0
    rejections: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    #: The tones, stages ("unclear" where none was read) and feedback categories
    #: of the rejections.
    tones: Counter[str] = field(default_factory=Counter)
    stages: Counter[str] = field(default_factory=Counter)
    feedback: Counter[str] = field(default_factory=Counter)

    def add(self, row: Mapping[str, Any]) -> None:
        """Count one row of the table (missing values may be None or NaN)."""
        self.messages += 1
        self.errors += bool(row["error"])
        if isinstance(row["kind"], str):
            self.kinds[row["kind"]] += 1
        if row["is_rejection"] == True:  # noqa: E712 (not None, not NaN)
            self.rejections += 1
            if isinstance(row["tone"], str):
                self.tones[row["tone"]] += 1
            self.stages[row["stage"] if isinstance(row["stage"], str) else "unclear"] += 1
            self.feedback.update(row["feedback"])

    @classmethod
    def of_table(cls, table: pd.DataFrame) -> MailboxSummary:
        """The counts of an analysed table (:data:`~rebound_nlp.table.COLUMNS`)."""
        summary = cls()
        names = ["error", "kind", "is_rejection", "tone", "stage", "feedback"]
        for values in zip(*(table[name] for name in names), strict=True):
            summary.add(dict(zip(names, values, strict=True)))
        return summary


def summarise(table: pd.DataFrame | MailboxSummary) -> str:
    """A short text summary of an analysed table, or of a mailbox's counts.

    Examples
    --------
    >>> print(summarise(MailboxSummary(messages=3, errors=1, kinds=Counter(not_job=2))))
    messages read: 2 of 3
    kinds: not_job 2
    rejections found: 0
    messages with errors: 1
    """
    s = table if isinstance(table, MailboxSummary) else MailboxSummary.of_table(table)
    kinds = ", ".join(f"{k} {v}" for k, v in s.kinds.most_common()) or "none"
    lines = [f"messages read: {s.messages - s.errors} of {s.messages}", f"kinds: {kinds}",
             f"rejections found: {s.rejections}"]
    if s.rejections:
        lines.append("tone: " + ", ".join(f"{k} {v}" for k, v in s.tones.most_common()))
        lines.append("stage: " + ", ".join(f"{k} {v}" for k, v in s.stages.most_common()))
        lines.append("most common feedback: " + (", ".join(
            f"{k} {v}" for k, v in s.feedback.most_common(3)) or "none"))
    lines.append(f"messages with errors: {s.errors}")
    return "\n".join(lines)
