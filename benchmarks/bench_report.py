"""Time and size of the job-search report for a large mailbox.

By default builds the analysed table of a synthetic 20,000-message mailbox
directly (a year of a heavy job search: a few thousand applications to over
a thousand employers, plus everyday mail), then times ``applications()`` and
``report()`` and reports the HTML file's size.  With ``--mailbox`` it instead
analyses the synthetic mbox of ``bench_mailbox.py`` (needs the ``kind``
column) and times the report beyond the analysis.

Usage: python benchmarks/bench_report.py [--messages 20000] [--mailbox] [--jobs 2]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

_FIRST = ("Orr", "Lum", "Kes", "Mar", "Pine", "Quill", "North", "Tess", "Harb", "Copp", "Fen",
          "Salt", "Brack", "Vel", "Ash", "Bright", "Cedar", "Dun", "Elm", "Fox", "Glen", "Haw")
_SECOND = ("rin", "en", "trel", "row", "crest", "ford", "wind", "ell", "our", "er", "wick",
           "marsh", "en", "ora", "by", "water", "field", "more", "stead", "glove", "dale")
_THIRD = ("Systems", "Health", "Bank", "Labs", "Media", "Logistics", "Insurance", "Robotics",
          "Travel", "Energy", "Foods", "Analytics", "Partners", "Group", "Studios", "")
_ROLES = ("Data Analyst", "Product Analyst", "Backend Engineer", "Data Engineer",
          "Analytics Engineer", "BI Developer", "Data Scientist", "Risk Analyst",
          "Operations Analyst", "Research Analyst", "Machine Learning Engineer",
          "Pricing Analyst", "Insights Analyst", "Reporting Analyst", "Platform Engineer")
_FEEDBACK = {
    "skills": "Your SQL was correct but less fluent with window functions than the role needs.",
    "experience": "Other candidates had more hands-on experience with {x} data.",
    "interview": "Some answers ran long, which left less time for the {x} questions.",
    "culture_fit": "The panel was unsure the role's pace of {x} work would suit you.",
    "logistics": "The role is based in our {x} office five days a week.",
}
_PLACES = ("Leeds", "Lisbon", "retail", "insurance", "design", "clinical", "pricing", "Bristol")


def synthetic_table(n: int, seed: int = 0) -> pd.DataFrame:
    """An analysed table of ``n`` messages with the columns ``applications`` reads."""
    rng = random.Random(seed)
    start = pd.Timestamp("2025-01-01", tz="UTC")
    rows: list[dict] = []
    employers = sorted({f"{a}{b} {c}".strip() for a in _FIRST for b in _SECOND
                        for c in _THIRD[:6]})
    while len(rows) < n:
        employer, role = rng.choice(employers), rng.choice(_ROLES)
        day = rng.uniform(0, 330)
        steps = ["acknowledgement"] if rng.random() < 0.8 else []
        r = rng.random()
        if r < 0.25:
            steps += ["assessment"]
        if r < 0.15:
            steps += ["interview", "interview"]
        end = rng.random()
        steps += ["offer"] if end < 0.03 else ["rejection"] if end < 0.75 else []
        for k, kind in enumerate(steps or ["acknowledgement"]):
            day += rng.uniform(1, 12) * (k > 0)
            rows.append(_row(rng, start + pd.Timedelta(days=day), kind, employer, role))
        for _ in range(rng.randint(1, 3)):  # everyday mail in between
            rows.append(_row(rng, start + pd.Timedelta(days=rng.uniform(0, 365)),
                             rng.choice(("not_job", "not_job", "other_job")), "", ""))
    table = pd.DataFrame(rows[:n]).sort_values("date", kind="stable").reset_index(drop=True)
    table["strategy"] = table["strategy"].astype("Int64")
    return table


def _row(rng: random.Random, when: pd.Timestamp, kind: str, employer: str, role: str) -> dict:
    row = {"date": when, "subject": f"{role} - update" if role else "Newsletter",
           "kind": kind, "company": employer, "role": role if rng.random() < 0.85 else "",
           "message_id": f"<{rng.getrandbits(64):x}@bench>", "tone": None, "stage": None,
           "feedback": [], "feedback_text": "", "reasons": [], "future_invite": False,
           "feedback_offer": False, "strategy": None, "strategy_title": "", "strategies": []}
    if kind == "rejection":
        cats = rng.sample(sorted(_FEEDBACK), k=rng.choice((0, 0, 0, 1, 1, 2)))
        ranked = rng.sample(range(1, 10), k=9)
        row.update(
            tone=rng.choice(("warm", "neutral", "neutral", "cold")),
            stage=rng.choice(("application", "application", "interview")),
            feedback=cats,
            feedback_text=" ".join(_FEEDBACK[c].format(x=rng.choice(_PLACES)) for c in cats),
            reasons=rng.sample(["competition", "position"], k=rng.choice((0, 1, 1))),
            future_invite=rng.random() < 0.2, feedback_offer=rng.random() < 0.1,
            strategy=ranked[0], strategy_title=f"Strategy {ranked[0]}", strategies=ranked)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--mailbox", action="store_true",
                        help="analyse bench_mailbox.py's synthetic mbox instead")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    from rebound_nlp.report import applications, report

    with tempfile.TemporaryDirectory() as tmp:
        if args.mailbox:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from bench_mailbox import build

            from rebound_nlp import analyse_mailbox

            mbox = Path(tmp) / "bench.mbox"
            build(mbox, args.messages)
            began = time.perf_counter()
            table = analyse_mailbox(mbox, jobs=args.jobs, progress=True)
            print(f"analysis: {time.perf_counter() - began:.1f} s for {len(table)} messages")
            if "kind" not in table.columns:
                sys.exit("the table has no 'kind' column yet; run without --mailbox")
        else:
            table = synthetic_table(args.messages)
        began = time.perf_counter()
        apps = applications(table)
        grouped = time.perf_counter() - began
        out = Path(tmp) / "report.html"
        began = time.perf_counter()
        report(table, out, progress=True)
        elapsed = time.perf_counter() - began
        size = out.stat().st_size
    print(f"messages: {len(table)}, applications: {len(apps)}, "
          f"employers: {apps['employer'].nunique()}, "
          f"rejected applications: {int(apps['outcome'].str.startswith('rejected').sum())}")
    print(f"applications(): {grouped:.1f} s")
    print(f"report() (applications, charts, HTML): {elapsed:.1f} s")
    print(f"HTML size: {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
