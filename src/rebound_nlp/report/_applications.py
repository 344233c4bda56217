"""Group a mailbox's job mail into applications: one row per employer and role.

Messages are taken in date order.  A message joins the application of its
reply thread (the subject without "Re:"/"Fwd:") at the same employer, else
the application for its employer and role, else, when it names no role, the
employer's application that is still undecided (or its latest one).  Only
messages whose ``kind`` is an application event start an application; other
job mail (``other_job``) joins one when it clearly belongs to it.  A reply
from a personal address in a thread the employer writes from its own domain
is the candidate's own answer: it joins the application but is no event of it
(an "I accept" is no rejection, whatever a model read into it).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import pandas as pd

from rebound_nlp.errors import TableError
from rebound_nlp.mail.employer import employer_key, is_personal_address, role_key

__all__ = ["APPLICATION_COLUMNS", "EVENT_KINDS", "OUTCOMES", "STAGES", "applications"]

#: The message kinds that are events of an application, in process order.
EVENT_KINDS: Final = ("acknowledgement", "assessment", "interview", "offer", "rejection")
#: How far an application got, in order.
STAGES: Final = ("applied", "assessment", "interview", "offer")
#: How an application ended (or has not).
OUTCOMES: Final = ("offer", "rejected_after_interview", "rejected_after_assessment",
                   "rejected_at_application", "open", "no_answer")
APPLICATION_COLUMNS: Final = (
    "employer", "role", "first_date", "last_date", "messages", "events", "event_dates",
    "furthest_stage",
    "outcome", "days_to_first_answer", "days_to_outcome", "tone", "stage", "feedback",
    "feedback_text", "reasons", "future_invite", "feedback_offer", "strategy",
    "strategy_title", "strategies", "message_ids",
)
_NEEDED = ("date", "subject", "kind", "company", "role", "message_id", "tone", "stage",
           "feedback", "feedback_text", "reasons", "future_invite", "feedback_offer",
           "strategy", "strategy_title", "strategies")
_STARTS = frozenset(EVENT_KINDS)
_JOINS = _STARTS | {"other_job"}
_DECISIVE = frozenset(("offer", "rejection"))
_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg|tr|sv|vs)\s*(?:\[\d+\])?:\s*)+", re.I)


def _thread(subject: str) -> str:
    return " ".join(_PREFIX.sub("", subject).casefold().split())


@dataclass
class _App:
    employer: str
    role: str
    rows: list[int] = field(default_factory=list)
    threads: set[str] = field(default_factory=set)
    names: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    decided: bool = False
    employer_side: bool = False  # a message came from a non-personal address


class _Grouper:
    """Assigns each job message to an application, in date order."""

    def __init__(self) -> None:
        self.apps: list[_App] = []
        self.by_pair: dict[tuple[str, str], _App] = {}
        self.by_employer: dict[str, list[_App]] = {}
        self.by_thread: dict[tuple[str, str], _App] = {}
        # Per employer, insertion-ordered sets (dicts) of applications without a role
        # and of undecided ones: big mailboxes have thousands per employer.
        self.roleless: dict[str, dict[int, _App]] = {}
        self.undecided: dict[str, dict[int, _App]] = {}

    def _find(self, emp: str, role: str, thread: str) -> _App | None:
        if thread:
            app = self.by_thread.get((emp, thread))
            if app is not None and (not role or not app.role or app.role == role):
                return app
        if emp and role:
            app = self.by_pair.get((emp, role))
            if app is not None:
                return app
            roleless = self.roleless.get(emp, {})
            return next(iter(roleless.values())) if len(roleless) == 1 else None
        if emp:
            undecided = self.undecided.get(emp)
            if undecided:
                return undecided[next(reversed(undecided))]
            apps = self.by_employer.get(emp, [])
            return apps[-1] if apps else None
        if role:
            return self.by_pair.get(("", role))
        return None

    def add(self, k: int, kind: str, company: str, role: str, subject: str,
            sender: str) -> str:
        """File message ``k``; return the kind it counts as ("" when not filed)."""
        emp, rkey, thread = employer_key(company), role_key(role), _thread(subject)
        app = self._find(emp, rkey, thread)
        personal = is_personal_address(sender) if sender else False
        if app is not None and personal and app.employer_side and _PREFIX.match(subject):
            kind = "other_job"  # the candidate's own reply in the employer's thread
        if app is None:
            if kind not in _STARTS or not (emp or rkey or thread):
                return ""
            app = _App(emp, rkey)
            self.apps.append(app)
            self.by_employer.setdefault(emp, []).append(app)
            self.undecided.setdefault(emp, {})[id(app)] = app
            if not rkey:
                self.roleless.setdefault(emp, {})[id(app)] = app
        if rkey and not app.role:
            app.role = rkey  # a message that names the role settles it
            self.roleless.get(app.employer, {}).pop(id(app), None)
        if app.role:
            self.by_pair.setdefault((app.employer, app.role), app)
        if thread:
            self.by_thread.setdefault((app.employer, thread), app)
        app.rows.append(k)
        if company:
            app.names[company] += 1
        if role:
            app.roles[role] += 1
        if kind in _DECISIVE and not app.decided:
            app.decided = True
            self.undecided.get(app.employer, {}).pop(id(app), None)
        app.employer_side = app.employer_side or not personal
        return kind


def _days(start: Any, end: Any) -> float:
    if pd.isna(start) or pd.isna(end):
        return float("nan")
    return float((end - start) / timedelta(days=1))


def _outcome(events: Sequence[str], stage: Any, last: Any, as_of: Any, wait: float) -> tuple[
        str, str]:
    """(furthest stage, outcome) of one application's ordered events."""
    reached = {"applied"}
    for kind in events:
        if kind in ("assessment", "interview", "offer"):
            reached.add(kind)
    decisive = [k for k in events if k in _DECISIVE]
    if decisive and decisive[-1] == "rejection":
        before = set(events[: len(events) - events[::-1].index("rejection") - 1])
        # The events say how far it got; the rejection's own stage ("interview"
        # covers tests too) only fills in when the mailbox lacks the invitation.
        if before & {"interview", "offer"}:
            outcome = "rejected_after_interview"
        elif "assessment" in before:
            outcome = "rejected_after_assessment"
        elif stage == "interview":
            outcome = "rejected_after_interview"
            reached.add("interview")
        else:
            outcome = "rejected_at_application"
        return max(reached, key=STAGES.index), outcome
    furthest = max(reached, key=STAGES.index)
    if decisive:
        return furthest, "offer"
    if not pd.isna(last) and not pd.isna(as_of) and _days(last, as_of) > wait:
        return furthest, "no_answer"
    return furthest, "open"


def _check(table: pd.DataFrame) -> None:
    missing = [c for c in _NEEDED if c not in table.columns]
    if missing:
        raise TableError(
            f"applications() needs the columns {', '.join(missing)}, which this table lacks; "
            "analyse the mailbox with this version of rebound_nlp (analyse_mailbox or "
            "analyse) to get them."
        )


def applications(table: pd.DataFrame, *, no_answer_days: float = 30,
                 as_of: datetime | pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per job application found in an analysed mailbox.

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`rebound_nlp.analyse_mailbox` or :func:`rebound_nlp.analyse`.
    no_answer_days : float, default 30
        An application with no offer or rejection whose last message is older
        than this (counted back from ``as_of``) is ``"no_answer"``; a younger
        one is ``"open"``.
    as_of : datetime, optional
        The day the mailbox is looked at; default: its latest message.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`APPLICATION_COLUMNS`, ordered by first message:
        ``employer`` and ``role`` (as most of its messages spell them; ``""``
        when unknown), ``first_date``, ``last_date``, ``messages``, ``events``
        (the kinds of :data:`EVENT_KINDS`, in date order) and their
        ``event_dates``, ``furthest_stage``
        (one of :data:`STAGES`), ``outcome`` (one of :data:`OUTCOMES`),
        ``days_to_first_answer`` (from an acknowledgement to the first
        answer; NaN when the first message already is one),
        ``days_to_outcome`` (from the first message to the offer or
        rejection), and for rejections the last rejection's ``tone``,
        ``stage``, ``feedback``, ``feedback_text``, ``reasons``,
        ``future_invite``, ``feedback_offer``, ``strategy``, ``strategy_title``
        and ``strategies``; ``message_ids`` lists the messages.

    Raises
    ------
    TableError
        If ``table`` lacks a column this needs (``kind``, ``company``, ``role``, ...).

    Examples
    --------
    >>> import pandas as pd
    >>> from rebound_nlp.report import applications
    >>> table = pd.DataFrame({
    ...     "date": pd.to_datetime(["2025-01-06", "2025-01-20"], utc=True),
    ...     "subject": ["Application received", "Your application"],
    ...     "kind": ["acknowledgement", "rejection"], "company": ["Orrin Systems"] * 2,
    ...     "role": ["Backend Engineer", ""], "message_id": ["<a>", "<b>"],
    ...     "tone": [None, "neutral"], "stage": [None, "application"],
    ...     "feedback": [[], []], "feedback_text": ["", ""], "reasons": [[], ["competition"]],
    ...     "future_invite": [False, False], "feedback_offer": [False, False],
    ...     "strategy": [None, 4], "strategy_title": ["", "Accept reality"],
    ...     "strategies": [[], [4, 1, 7]]})
    >>> apps = applications(table)
    >>> app = apps.iloc[0]
    >>> app.employer, app.role, app.outcome, float(app.days_to_first_answer)
    ('Orrin Systems', 'Backend Engineer', 'rejected_at_application', 14.0)
    """
    _check(table)
    if no_answer_days < 0:
        raise ValueError(f"no_answer_days must be at least 0, got {no_answer_days}")
    dates = pd.to_datetime(table["date"], utc=True)
    # Plain lists: per-row pandas indexing would dominate on big mailboxes.
    stamps = list(dates)
    undated = [pd.isna(d) for d in stamps]
    order = sorted(range(len(table)), key=lambda k: (undated[k], 0 if undated[k] else
                                                     stamps[k].value, k))
    kinds = [str(k) for k in table["kind"].fillna("")]
    companies = table["company"].fillna("").astype(str).tolist()
    roles = table["role"].fillna("").astype(str).tolist()
    subjects = table["subject"].fillna("").astype(str).tolist()
    senders = (table["sender"].fillna("").astype(str).tolist() if "sender" in table.columns
               else [""] * len(table))
    grouper = _Grouper()
    for k in order:
        if kinds[k] in _JOINS:
            kinds[k] = grouper.add(k, kinds[k], companies[k], roles[k], subjects[k], senders[k])
    if as_of is None:
        as_of = dates.max()
    as_of = pd.Timestamp(as_of)
    if as_of.tzinfo is None and not pd.isna(as_of):
        as_of = as_of.tz_localize("UTC")
    columns = {c: table[c].tolist() for c in _NEEDED}
    records = [_record(app, columns, stamps, kinds, as_of, no_answer_days)
               for app in grouper.apps]
    out = pd.DataFrame(records, columns=list(APPLICATION_COLUMNS))
    out["first_date"] = pd.to_datetime(out["first_date"], utc=True)
    out["last_date"] = pd.to_datetime(out["last_date"], utc=True)
    out["strategy"] = out["strategy"].astype("Int64")
    for col in ("days_to_first_answer", "days_to_outcome"):
        out[col] = out[col].astype("float64")
    out["messages"] = out["messages"].astype("int64")
    return out.sort_values("first_date", kind="stable", na_position="last").reset_index(
        drop=True)


def _record(app: _App, table: dict[str, list[Any]], dates: list[Any], kinds: list[str],
            as_of: pd.Timestamp, wait: float) -> dict[str, Any]:
    rows = app.rows
    events = [kinds[k] for k in rows if kinds[k] in _STARTS]
    first, last = dates[rows[0]], dates[rows[-1]]
    rejections = [k for k in rows if kinds[k] == "rejection"]
    rej = {c: v[rejections[-1]] for c, v in table.items()} if rejections else None
    stage = rej["stage"] if rej is not None else None
    furthest, outcome = _outcome(events, stage, last, as_of, wait)
    answers = [k for k in rows if kinds[k] in _STARTS - {"acknowledgement"}]
    decisive = [k for k in rows if kinds[k] in _DECISIVE]
    acknowledged = kinds[rows[0]] == "acknowledgement"
    record: dict[str, Any] = {
        "employer": _spelling(app.names),
        "role": _spelling(app.roles),
        "first_date": first,
        "last_date": last,
        "messages": len(rows),
        "events": events,
        "event_dates": [dates[k] for k in rows if kinds[k] in _STARTS],
        "furthest_stage": furthest,
        "outcome": outcome,
        "days_to_first_answer": _days(first, dates[answers[0]])
        if acknowledged and answers else float("nan"),
        "days_to_outcome": _days(first, dates[decisive[-1]])
        if decisive and decisive[-1] != rows[0] else float("nan"),
        "message_ids": [str(table["message_id"][k]) for k in rows],
    }
    if rej is None or outcome == "offer":
        record.update(tone=None, stage=None, feedback=[], feedback_text="", reasons=[],
                      future_invite=False, feedback_offer=False, strategy=None,
                      strategy_title="", strategies=[])
    else:
        record.update(
            tone=rej["tone"], stage=rej["stage"], feedback=list(rej["feedback"]),
            feedback_text=rej["feedback_text"], reasons=list(rej["reasons"]),
            future_invite=bool(rej["future_invite"]), feedback_offer=bool(rej["feedback_offer"]),
            strategy=None if pd.isna(rej["strategy"]) else int(rej["strategy"]),
            strategy_title=rej["strategy_title"], strategies=list(rej["strategies"]),
        )
    return record


def _spelling(names: Counter[str]) -> str:
    """A spelling of several words over one (text spells "Lumen & Hart" where a domain
    gives "Lumenandhart"), then the most used, then the one with most capitals."""
    if not names:
        return ""
    return max(names, key=lambda n: (len(n.split()) > 1, names[n], sum(c.isupper() for c in n),
                                     n))
