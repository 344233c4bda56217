"""The report's charts: matplotlib figures rendered to inline SVG.

Figures are made with :class:`matplotlib.figure.Figure` (no pyplot, no global
backend), so importing or calling this changes no state of the caller's.
Each function returns a :class:`Chart`: the SVG, its alt text and the data
behind it as a small table for readers who cannot see the chart.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from rebound_nlp.errors import MissingDependencyError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["OUTCOME_COLOURS", "Chart", "bar_chart", "feedback_chart", "funnel_chart",
           "rejections_chart", "rows_of", "timeline_chart"]

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
OUTCOME_COLOURS = {
    "offer": "#009E73",
    "rejected_after_interview": "#D55E00",
    "rejected_after_assessment": "#E69F00",
    "rejected_at_application": "#CC79A7",
    "open": "#0072B2",
    "no_answer": "#999999",
}
_MARKERS = {"acknowledgement": "o", "assessment": "s", "interview": "D", "offer": "*",
            "rejection": "X"}
_INK = "#222222"
_ACCENT = "#0072B2"
_CATEGORY_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart of the report.

    Attributes
    ----------
    svg : str
        The ``<svg>`` element, with ``role="img"`` and an ``aria-label``.
    alt : str
        What the chart shows, in one or two sentences.
    header : tuple of str
        Column names of the data table behind the chart.
    rows : tuple of tuple
        The rows of that table, for readers who cannot see the chart.
    """

    svg: str
    alt: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def rows_of(frame: pd.DataFrame) -> Iterator[Any]:
    """The rows of ``frame`` as named tuples (typed loosely: columns hold mixed types)."""
    yield from frame.itertuples(index=False)


def _figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise MissingDependencyError(
            "The HTML report draws its charts with matplotlib, which is not installed: "
            "pip install 'rebound-nlp[report]'."
        ) from exc
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _style(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=_INK, labelsize=9)
    ax.title.set_color(_INK)


def _svg(fig: Figure, name: str, alt: str) -> str:
    from html import escape

    import matplotlib

    buf = io.StringIO()
    # Text stays text (small, selectable, read by screen readers); fixed ids per
    # chart keep several SVGs on one page apart and the output reproducible.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name,
                                "font.family": ["DejaVu Sans", "sans-serif"]}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    label = escape(alt, quote=True)
    return text.replace("<svg ", f'<svg role="img" aria-label="{label}" '
                        f'class="chart" data-chart="{name}" ', 1)


def funnel_chart(stages: Sequence[tuple[str, int]]) -> Chart:
    """Applications that reached at least each stage, as horizontal bars."""
    fig = _figure(6.4, 0.45 * len(stages) + 0.8)
    ax = fig.add_subplot()
    labels = [s for s, _ in stages][::-1]
    values = [n for _, n in stages][::-1]
    total = max(stages[0][1], 1) if stages else 1
    bars = ax.barh(labels, values, color=_ACCENT)
    ax.bar_label(bars, labels=[f"{v} ({v / total:.0%})" for v in values], padding=3,
                 fontsize=9, color=_INK)
    ax.set_xlim(0, max([*values, 1]) * 1.25)
    _whole_numbers(ax.xaxis)
    ax.set_xlabel("applications", color=_INK)
    _style(ax)
    alt = "Funnel: " + "; ".join(f"{s} {n}" for s, n in stages) + "."
    return Chart(_svg(fig, "funnel", alt), alt, ("stage", "applications", "share"),
                 tuple((s, n, f"{n / total:.0%}") for s, n in stages))


def timeline_chart(apps: pd.DataFrame, limit: int = 40) -> Chart:
    """The latest ``limit`` applications as lines from first to last message, with events."""
    shown = apps.dropna(subset=["first_date"]).sort_values("first_date").tail(limit)
    fig = _figure(7.2, 0.28 * max(len(shown), 3) + 1.4)
    ax = fig.add_subplot()
    labels = []
    for y, app in enumerate(rows_of(shown)):
        colour = OUTCOME_COLOURS.get(app.outcome, _INK)
        ax.plot([app.first_date, app.last_date], [y, y], color=colour, linewidth=2.5,
                solid_capstyle="round")
        for kind, when in zip(app.events, app.event_dates, strict=True):
            if not pd.isna(when):
                ax.plot([when], [y], marker=_MARKERS.get(kind, "o"), color=colour,
                        markersize=7 if kind in ("offer", "rejection") else 5,
                        markeredgecolor="white", markeredgewidth=0.6, linestyle="none")
        label = app.employer or "unknown employer"
        labels.append(f"{label} · {app.role}" if app.role else label)
    ax.set_yticks(range(len(labels)), [_clip(s, 42) for s in labels])
    ax.set_ylim(-0.8, max(len(labels), 1) - 0.2)
    ax.invert_yaxis()
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    if len(shown):
        start, end = shown["first_date"].min(), shown["last_date"].max()
        pad = max(pd.Timedelta(days=3), (end - start) * 0.03)
        ax.set_xlim(start - pad, end + pad)  # a margin, and a range even for one day
    _date_axis(ax)
    _style(ax)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=c, linewidth=2.5, label=o.replace("_", " "))
               for o, c in OUTCOME_COLOURS.items() if o in set(shown["outcome"])]
    handles += [Line2D([], [], marker=m, color=_INK, linestyle="none", label=k)
                for k, m in _MARKERS.items()]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=8,
               frameon=False)
    alt = (f"Timeline of the {len(shown)} most recent applications, from first to last "
           "message, marked with acknowledgements, assessments, interviews, offers and "
           "rejections and coloured by outcome; the table of applications below has the "
           "same data.")
    rows = tuple((_date(a.first_date), a.employer, a.role, _date(a.last_date),
                  a.outcome.replace("_", " ")) for a in rows_of(shown))
    return Chart(_svg(fig, "timeline", alt), alt,
                 ("first message", "employer", "role", "last message", "outcome"), rows)


def rejections_chart(counts: Sequence[tuple[str, Sequence[tuple[str, int]]]]) -> Chart:
    """Small multiples: rejections counted by each grouping (stage, tone, reason)."""
    fig = _figure(7.2, 2.6)
    axes = fig.subplots(1, len(counts))
    rows = []
    for ax, (title, pairs) in zip(axes, counts, strict=True):
        labels = [k for k, _ in pairs]
        values = [v for _, v in pairs]
        bars = ax.bar(labels, values, color=_CATEGORY_COLOURS[: len(labels)])
        ax.bar_label(bars, fontsize=9, color=_INK)
        ax.set_title(title, fontsize=10)
        ax.set_ylim(0, max([*values, 1]) * 1.2)
        ax.tick_params(axis="x", rotation=20)
        ax.set_yticks([])
        ax.spines["left"].set_visible(False)
        _style(ax)
        rows += [(title, k, v) for k, v in pairs]
    alt = "Rejections by " + "; by ".join(
        f"{t}: " + ", ".join(f"{k} {v}" for k, v in p) for t, p in counts) + "."
    return Chart(_svg(fig, "rejections", alt), alt, ("grouping", "value", "rejections"),
                 tuple(rows))


def feedback_chart(table: pd.DataFrame) -> Chart:
    """Rejections per month, stacked by feedback category (``table``: month x category)."""
    fig = _figure(7.2, 3.0)
    ax = fig.add_subplot()
    bottom = [0] * len(table.index)
    # Months ("2024-09") as tick labels at plain positions: as bar labels matplotlib
    # would log that they look like dates.
    positions = list(range(len(table.index)))
    for colour, column in zip(_CATEGORY_COLOURS * 2, table.columns, strict=False):
        values = table[column].tolist()
        ax.bar(positions, values, bottom=bottom, color=colour, label=column.replace("_", " "),
               width=0.6)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(positions, [str(m) for m in table.index])
    ax.set_ylabel("rejections", color=_INK)
    _whole_numbers(ax.yaxis)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    _style(ax)
    alt = ("Rejections per month by the feedback they gave: " + "; ".join(
        f"{m}: " + ", ".join(f"{c.replace('_', ' ')} {int(table.loc[m, c])}"
                              for c in table.columns if table.loc[m, c])
        for m in table.index) + ".")
    rows = tuple((str(m), c.replace("_", " "), int(table.loc[m, c]))
                 for m in table.index for c in table.columns if table.loc[m, c])
    return Chart(_svg(fig, "feedback", alt), alt, ("month", "feedback", "rejections"), rows)


def bar_chart(name: str, pairs: Sequence[tuple[str, float]], xlabel: str, alt: str,
              header: tuple[str, str]) -> Chart:
    """A plain horizontal bar chart, largest on top."""
    fig = _figure(6.4, 0.38 * len(pairs) + 0.9)
    ax = fig.add_subplot()
    labels = [_clip(k, 44) for k, _ in pairs][::-1]
    values = [v for _, v in pairs][::-1]
    bars = ax.barh(labels, values, color=_ACCENT)
    ax.bar_label(bars, labels=[f"{v:.0f}" for v in values], padding=3, fontsize=9,
                 color=_INK)
    ax.set_xlim(0, max([*values, 1.0]) * 1.15)
    ax.set_xlabel(xlabel, color=_INK)
    _style(ax)
    return Chart(_svg(fig, name, alt), alt, header, tuple((k, round(v)) for k, v in pairs))


def _whole_numbers(axis: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _date_axis(ax: Any) -> None:
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(
        mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _date(value: Any) -> str:
    return "" if pd.isna(value) else f"{value:%Y-%m-%d}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
