"""Write the job-search report: one self-contained HTML file, charts inline as SVG.

The page loads nothing from the network: styles, charts and a few lines of
script (the filters of the applications table) are all inside it.  Every
piece of text that came from the mailbox is escaped.  Each chart has alt
text and a data table beneath it, and the layout reads at phone width.
"""

from __future__ import annotations

import importlib.resources
import os
import string
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from rebound_nlp.labels import FEEDBACK_CATEGORIES
from rebound_nlp.report._applications import OUTCOMES, applications
from rebound_nlp.report._charts import (
    OUTCOME_COLOURS,
    Chart,
    bar_chart,
    feedback_chart,
    funnel_chart,
    rejections_chart,
    rows_of,
    timeline_chart,
)
from rebound_nlp.strategy import strategy_table

if TYPE_CHECKING:
    from rebound_nlp.batch import Jobs
    from rebound_nlp.classify import Model

__all__ = ["report", "report_mailbox"]

#: Feedback sentences shown per category (the most recent first); the rest are counted.
FEEDBACK_PER_CATEGORY = 20
#: Applications drawn on the timeline (the most recent).
TIMELINE_LIMIT = 40
_REJECTED = ("rejected_after_interview", "rejected_after_assessment", "rejected_at_application")
_OUTCOME_LABELS = {
    "offer": "offer",
    "rejected_after_interview": "rejected after interview",
    "rejected_after_assessment": "rejected after assessment",
    "rejected_at_application": "rejected at application",
    "open": "open",
    "no_answer": "no answer",
}


def _e(value: Any) -> str:
    """Escaped text of a value from the mailbox ('' for missing values)."""
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    return escape(str(value), quote=True)


def _date(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{value:%Y-%m-%d}"


def _long_date(value: Any) -> str:
    return f"{value.day} {value:%B %Y}"


def _days(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{value:.0f}"


def _figure(chart: Chart, caption: str) -> str:
    """A chart with its caption and, folded beneath, the table of its data."""
    head = "".join(f"<th scope=\"col\">{_e(h)}</th>" for h in chart.header)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
                   for row in chart.rows)
    return (f"<figure>{chart.svg}<figcaption>{_e(caption)}</figcaption></figure>"
            f"<details><summary>The data of this chart as a table</summary>"
            f"<div class=\"scroll\"><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div></details>")


def _rejection_date(app: Any) -> Any:
    dates = [d for k, d in zip(app.events, app.event_dates, strict=True) if k == "rejection"]
    return dates[-1] if dates else app.last_date


# ----------------------------------------------------------------------------- sections


def _cards(apps: pd.DataFrame) -> str:
    outcomes = Counter(apps["outcome"])
    answered = apps["days_to_first_answer"].dropna()
    items = [
        ("applications", len(apps)),
        ("employers", apps["employer"].replace("", pd.NA).dropna().nunique()),
        ("interviews reached", int(apps["furthest_stage"].isin(("interview", "offer")).sum())),
        ("offers", outcomes["offer"]),
        ("rejections", sum(outcomes[o] for o in _REJECTED)),
        ("still open", outcomes["open"]),
        ("no answer", outcomes["no_answer"]),
        ("median days to a first answer", f"{answered.median():.0f}" if len(answered) else "none"),
    ]
    return "<ul class=\"cards\">" + "".join(
        f"<li><b>{_e(v)}</b>{_e(k)}</li>" for k, v in items) + "</ul>"


def _funnel(apps: pd.DataFrame) -> str:
    if apps.empty:
        return "<p>No applications were found in this mailbox.</p>"
    reached = apps["furthest_stage"]
    heard = apps["events"].map(lambda ev: any(k != "acknowledgement" for k in ev))
    stages = [
        ("Applied", len(apps)),
        ("Heard back", int(heard.sum())),
        ("Assessment or later", int(reached.isin(("assessment", "interview", "offer")).sum())),
        ("Interview or later", int(reached.isin(("interview", "offer")).sum())),
        ("Offer", int((apps["outcome"] == "offer").sum())),
    ]
    return _figure(funnel_chart(stages), "Applications by the furthest stage they reached.")


def _timeline(apps: pd.DataFrame) -> tuple[str, str]:
    if apps["first_date"].isna().all():
        return "", "<p>No dated applications to draw.</p>"
    shown = min(len(apps), TIMELINE_LIMIT)
    intro = ("<p>Each line runs from an application's first message to its last; the marks "
             "are the employer's answers, the colour its outcome.")
    if shown < len(apps):
        intro += f" The {shown} most recent of {len(apps)} applications are drawn."
    chart = timeline_chart(apps, TIMELINE_LIMIT)
    return intro + "</p>", _figure(chart, "Applications over time, coloured by outcome.")


def _rejections(apps: pd.DataFrame) -> tuple[str, str, str]:
    rejected = apps[apps["outcome"].isin(_REJECTED)]
    if rejected.empty:
        return "<p>No rejections in this mailbox.</p>", "", ""
    stage = Counter(rejected["outcome"])
    tone = Counter(rejected["tone"].fillna("unclear"))
    reasons = Counter(r for rs in rejected["reasons"] for r in rs)
    reasons["none given"] = int(rejected["reasons"].map(len).eq(0).sum())
    counts = [
        ("stage", [(_OUTCOME_LABELS[o].replace("rejected ", ""), stage[o])
                   for o in reversed(_REJECTED) if stage[o]]),
        ("tone", [(t, tone[t]) for t in ("warm", "neutral", "cold", "unclear") if tone[t]]),
        ("reason", [(r, n) for r, n in reasons.most_common() if n]),
    ]
    intro = (f"<p>{len(rejected)} applications ended in a rejection. Most rejections give no "
             "reason at all; the ones that do say more about the employer's choices than "
             "about you.</p>")
    chart = _figure(rejections_chart(counts), "Rejections by stage, tone and stated reason.")
    months: dict[str, Counter[str]] = {}
    for app in rows_of(rejected):
        when = _rejection_date(app)
        month = "undated" if pd.isna(when) else f"{when:%Y-%m}"
        cats = list(app.feedback) or ["no feedback"]
        months.setdefault(month, Counter()).update(cats)
    columns = [c for c in (*FEEDBACK_CATEGORIES, "no feedback")
               if any(c in m for m in months.values())]
    frame = pd.DataFrame([[months[m][c] for c in columns] for m in sorted(months)],
                         index=sorted(months), columns=columns)
    over_time = _figure(feedback_chart(frame),
                        "Rejections per month, by the kind of feedback they gave.")
    return intro, chart, over_time


def _signals(app: Any) -> set[str]:
    """The strategy signals one rejection shows, as far as the table tells them."""
    found = set(app.reasons) | {f"feedback_{c}" for c in app.feedback}
    if app.feedback_offer:
        found.add("feedback_offer")
    if app.future_invite:
        found.add("future_invite")
    if app.tone in ("warm", "cold"):
        found.add(app.tone)
    stage = "interview" if app.outcome == "rejected_after_interview" else app.stage
    if stage in ("application", "interview"):
        found.add(f"stage_{stage}")
    if not app.feedback and not app.reasons and not app.feedback_offer:
        found.add("form_letter")
        if stage == "interview":
            found.add("interview_no_reason")
    return found


def _strategies(apps: pd.DataFrame) -> str:
    rejected = apps[apps["outcome"].isin(_REJECTED) & apps["strategies"].map(len).gt(0)]
    if rejected.empty:
        return ("<p>Strategies are ranked from your rejections; there are none to rank "
                "yet.</p>")
    points: dict[int, float] = dict.fromkeys(range(1, 10), 0.0)
    top: Counter[int] = Counter()
    signals: Counter[str] = Counter()
    for app in rows_of(rejected):
        ranked = list(app.strategies)
        for place, number in enumerate(ranked):
            points[int(number)] = points.get(int(number), 0.0) + (
                len(ranked) - 1 - place) / max(len(ranked) - 1, 1)
        top[int(ranked[0])] += 1
        signals.update(_signals(app))
    n = len(rejected)
    rows = {int(r["number"]): r for r in strategy_table()}
    order = sorted(rows, key=lambda k: (-points.get(k, 0.0), k))
    chart = bar_chart(
        "strategies",
        [(f"{k}. {rows[k]['title']}", 100 * points.get(k, 0.0) / n) for k in order],
        "relevance to your rejections (0 to 100)",
        "The nine strategies ranked for your rejections: " + "; ".join(
            f"{k}. {rows[k]['title']} {100 * points.get(k, 0.0) / n:.0f}" for k in order) + ".",
        ("strategy", "relevance (0 to 100)"),
    )
    parts = [f"<p>The nine ways to turn a rejection into strength, ranked by how relevant "
             f"each was across your {n} rejections (100: the most relevant for every one). "
             "The steps tied to what your rejections actually said come first.</p>",
             _figure(chart, "Strategies ranked for your history.")]
    for rank, k in enumerate(order, start=1):
        row = rows[k]
        weighted = sorted(
            ((rule["weight"] * signals[name], name, rule)
             for name, rule in row.get("signals", {}).items() if signals[name]),
            key=lambda item: -item[0])
        why = "; ".join(f"{_signal_phrase(name)} ({signals[name]} of {n})"
                        for _, name, _ in weighted[:3])
        actions = [rule["action"] for _, _, rule in weighted if "action" in rule]
        actions += list(row["actions"])
        open_attr = " open" if rank <= 3 else ""
        lead = (f"The top strategy for {top[k]} of {n} rejections" if top[k]
                else "Not the top strategy for any one rejection")
        parts.append(
            f"<details class=\"strategy\"{open_attr}><summary><h3>{rank}. {_e(row['title'])} "
            f"<span class=\"muted\">(strategy {k})</span></h3></summary>"
            f"<p class=\"muted\">{lead}"
            + (f"; your rejections show {_e(why)}" if why else "") + ".</p>"
            "<ul>" + "".join(f"<li>{_e(a)}</li>" for a in actions[:4]) + "</ul></details>")
    return "".join(parts)


def _signal_phrase(name: str) -> str:
    from rebound_nlp.strategy import SIGNALS

    return SIGNALS.get(name, name.replace("_", " "))


def _feedback(apps: pd.DataFrame) -> str:
    rejected = apps[apps["outcome"].isin(_REJECTED)
                    & apps["feedback_text"].fillna("").str.strip().astype(bool)]
    if rejected.empty:
        return ("<p>None of the rejections gave feedback on you or your application. That is "
                "common, and it is not a verdict on you.</p>")
    parts = ["<p>The sentences in which employers gave feedback, grouped by what they were "
             "about, most recent first. An email that gave feedback on several things is "
             "listed under each of them.</p>"]
    for category in FEEDBACK_CATEGORIES:
        hits = rejected[rejected["feedback"].map(lambda cats, c=category: c in cats)]
        if hits.empty:
            continue
        hits = hits.iloc[::-1]
        parts.append(f"<h3>{_e(category.replace('_', ' ').capitalize())} "
                     f"<span class=\"muted\">({len(hits)})</span></h3>")
        for app in rows_of(hits.head(FEEDBACK_PER_CATEGORY)):
            also = [c.replace("_", " ") for c in app.feedback if c != category]
            where = " · ".join(x for x in (app.employer, app.role, _date(_rejection_date(app)))
                               if x)
            note = f" (this email also gave feedback on {', '.join(also)})" if also else ""
            parts.append(f"<blockquote><p>{_e(app.feedback_text)}</p>"
                         f"<footer>{_e(where)}{_e(note)}</footer></blockquote>")
        if len(hits) > FEEDBACK_PER_CATEGORY:
            parts.append(f"<p class=\"muted\">and {len(hits) - FEEDBACK_PER_CATEGORY} more in "
                         "the table of applications.</p>")
    return "".join(parts)


def _table(apps: pd.DataFrame) -> str:
    if apps.empty:
        return "<p>No applications.</p>"
    present = [o for o in OUTCOMES if (apps["outcome"] == o).any()]
    options = "".join(f"<option value=\"{o}\">{_OUTCOME_LABELS[o]}</option>" for o in present)
    filters = (
        "<div id=\"filters\" class=\"filters\" hidden>"
        "<label>Search<input id=\"filter-text\" type=\"search\" "
        "placeholder=\"employer, role, tone…\"></label>"
        "<label>Outcome<select id=\"filter-outcome\"><option value=\"\">all outcomes</option>"
        f"{options}</select></label>"
        "<p id=\"filter-count\" class=\"muted\" aria-live=\"polite\"></p></div>")
    head = ("<tr><th scope=\"col\">first message</th><th scope=\"col\">employer</th>"
            "<th scope=\"col\">role</th><th scope=\"col\">furthest stage</th>"
            "<th scope=\"col\">outcome</th><th scope=\"col\">days to first answer</th>"
            "<th scope=\"col\">days to outcome</th><th scope=\"col\">tone</th>"
            "<th scope=\"col\">top strategy</th></tr>")
    # Closing tags of cells are optional in HTML; leaving them out keeps big reports small.
    rows = []
    for app in rows_of(apps):
        colour = OUTCOME_COLOURS.get(app.outcome, "#222")
        strategy = "" if pd.isna(app.strategy) else f"{app.strategy}. {app.strategy_title}"
        rows.append(
            f"<tr data-outcome=\"{app.outcome}\"><td class=\"date\">{_date(app.first_date)}"
            f"<td>{_e(app.employer) or '<i>unknown</i>'}<td>{_e(app.role)}"
            f"<td>{app.furthest_stage}<td><span class=\"pill\" style=\"background:{colour}\">"
            f"{_OUTCOME_LABELS.get(app.outcome, app.outcome)}</span>"
            f"<td class=\"num\">{_days(app.days_to_first_answer)}"
            f"<td class=\"num\">{_days(app.days_to_outcome)}<td>{_e(app.tone)}"
            f"<td>{_e(strategy)}</tr>")
    return (filters + "<div class=\"scroll\"><table id=\"apps\"><caption class=\"muted\">"
            "One row per application; days count from the acknowledgement or first message."
            f"</caption><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></div>")


# ----------------------------------------------------------------------------- writing


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rebound-nlp")
    except PackageNotFoundError:  # running from a source tree
        return "(source)"


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _steps(progress: bool, steps: Sequence[tuple[str, Callable[[], Any]]]) -> Iterator[Any]:
    if not progress:
        for _, step in steps:
            yield step()
        return
    from tqdm.auto import tqdm

    with tqdm(total=len(steps), desc="report", unit="step") as bar:
        for name, step in steps:
            bar.set_postfix_str(name)
            yield step()
            bar.update(1)


def report(table: pd.DataFrame, path: str | os.PathLike[str], *, no_answer_days: float = 30,
           as_of: datetime | pd.Timestamp | None = None, progress: bool = False,
           title: str = "Your job search") -> Path:
    """Write the job-search report of an analysed mailbox as one HTML file.

    The file is self-contained (no network, no external files): a funnel of
    applications by furthest stage, a timeline, rejections by stage, tone,
    reason and feedback over time, the nine strategies ranked for this
    history with their actions, the feedback sentences by category, and a
    filterable table of applications.

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`rebound_nlp.analyse_mailbox` (or ``analyse``).
    path : path-like
        The HTML file to write; replaced only once the report is complete.
    no_answer_days, as_of
        As for :func:`applications`.
    progress : bool, default False
        Show a progress bar over the report's steps.
    title : str, default "Your job search"
        The page's title.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    MissingDependencyError
        If matplotlib is not installed (``pip install 'rebound-nlp[report]'``).
    TableError
        If ``table`` lacks the columns :func:`applications` needs.

    Examples
    --------
    >>> from rebound_nlp import analyse_mailbox
    >>> from rebound_nlp.report import report
    >>> table = analyse_mailbox("data/samples/jobsearch.mbox")  # doctest: +SKIP
    >>> report(table, "report.html")  # doctest: +SKIP
    PosixPath('report.html')
    """
    out = Path(path)
    if not out.parent.is_dir():
        raise FileNotFoundError(f"{out.parent} does not exist; create the folder first.")
    apps = pd.DataFrame()

    def group() -> str:
        nonlocal apps
        apps = applications(table, no_answer_days=no_answer_days, as_of=as_of)
        return _cards(apps)

    results = list(_steps(progress, [
        ("applications", group),
        ("funnel", lambda: _funnel(apps)),
        ("timeline", lambda: _timeline(apps)),
        ("rejections", lambda: _rejections(apps)),
        ("strategies", lambda: _strategies(apps)),
        ("feedback", lambda: _feedback(apps)),
        ("table", lambda: _table(apps)),
    ]))
    cards, funnel, (timeline_intro, timeline), rejections, strategies, feedback, rows = results
    dates = pd.to_datetime(table["date"], utc=True).dropna() if len(table) else pd.Series([])
    span = (f" between {_long_date(dates.min())} and {_long_date(dates.max())}"
            if len(dates) else "")
    employers = apps["employer"].replace("", pd.NA).dropna().nunique()
    subtitle = (f"{len(apps)} applications to {employers} employers, read from "
                f"{len(table)} messages{span}.")
    template = importlib.resources.files("rebound_nlp.report").joinpath(
        "template.html").read_text(encoding="utf-8")
    page = string.Template(template).substitute(
        title=_e(title), subtitle=_e(subtitle), version=_e(_version()), cards=cards,
        funnel=funnel, timeline_intro=timeline_intro, timeline=timeline,
        rejections_intro=rejections[0], rejections=rejections[1],
        feedback_chart=rejections[2], strategies=strategies, feedback=feedback, table=rows,
        messages=len(table),
    )
    _write_atomic(out, page)
    return out


def report_mailbox(mailbox: str | os.PathLike[str], path: str | os.PathLike[str], *,
                   jobs: Jobs = 1, progress: bool = False, no_answer_days: float = 30,
                   model: Model | str | os.PathLike[str] | None = None,
                   trusted: bool = False) -> Path:
    """Analyse a mailbox and write its job-search report (what ``rebound report`` does).

    ``jobs``, ``progress``, ``model`` and ``trusted`` are passed to
    :func:`rebound_nlp.analyse_mailbox`; ``no_answer_days`` to :func:`applications`.

    Examples
    --------
    >>> from rebound_nlp.report import report_mailbox
    >>> report_mailbox("data/samples/jobsearch.mbox", "report.html")  # doctest: +SKIP
    PosixPath('report.html')
    """
    from rebound_nlp.batch import analyse_mailbox

    out = Path(path)
    if not out.parent.is_dir():
        raise FileNotFoundError(f"{out.parent} does not exist; create the folder first.")
    table = analyse_mailbox(mailbox, jobs=jobs, progress=progress, model=model,
                            trusted=trusted)
    return report(table, out, no_answer_days=no_answer_days, progress=progress)
