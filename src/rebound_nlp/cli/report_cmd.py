"""``rebound report``: a mailbox into a self-contained HTML report of the job search."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rebound_nlp.cli.common import UsageError, add_mailbox_options, add_model_options


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="write an HTML report of the job search in a mailbox",
        description="Analyse a mailbox, group its job mail into applications and write one "
        "self-contained HTML page: funnel, timeline, rejections, strategies, feedback and a "
        "table of applications. The page works offline.",
        epilog="examples:\n  rebound report data/samples/jobsearch.mbox -o report.html\n"
        "  rebound report ~/Mail/INBOX -o search.html --jobs 2 --no-answer-days 21",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_mailbox_options(p)
    p.add_argument("-o", "--output", default="report.html",
                   help="the HTML file to write (default report.html)")
    p.add_argument("--no-answer-days", type=float, default=30, metavar="DAYS",
                   help="days of silence after which an application counts as unanswered "
                   "(default 30)")
    add_model_options(p)
    p.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rebound_nlp.report import report_mailbox

    folder = Path(args.output).resolve().parent
    if not folder.is_dir():  # checked before the analysis, not after it
        raise UsageError(f"cannot write {args.output}: the folder {folder} does not exist; "
                         "create the folder first or choose another path")
    if args.no_answer_days < 0:
        raise UsageError("--no-answer-days must be 0 or more")
    progress = not args.no_progress and sys.stderr.isatty()
    path = report_mailbox(args.path, args.output, jobs=args.jobs, progress=progress,
                          no_answer_days=args.no_answer_days, model=args.model,
                          trusted=args.trusted)
    print(f"wrote {path}")
    return 0
