"""``rebound analyse``: a mailbox into a table of its rejections."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rebound_nlp.cli.common import add_mailbox_options, add_model_options


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "analyse",
        help="analyse a mailbox (mbox, Maildir, folder of .eml, one .eml)",
        description="Analyse every message of a mailbox into one table; print a summary.",
        epilog="examples:\n  rebound analyse data/samples/mailbox.mbox\n"
        "  rebound analyse ~/Mail/INBOX -o out.csv --rejections-only --jobs 2\n"
        "  rebound analyse inbox.mbox --model my-model",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_mailbox_options(p)
    p.add_argument("-o", "--output", help="write the table: .csv, .jsonl or .parquet")
    p.add_argument("--rejections-only", action="store_true", help="keep rejections only")
    add_model_options(p)
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rebound_nlp.batch import analyse_mailbox, analyse_mailbox_to
    from rebound_nlp.summary import MailboxSummary, summarise

    progress = not args.no_progress and sys.stderr.isatty()
    options = {"jobs": args.jobs, "progress": progress, "model": args.model,
               "trusted": args.trusted}
    if args.output:
        # Streams into the file (checked before the analysis): memory stays flat.
        summary = analyse_mailbox_to(args.path, args.output,
                                     rejections_only=args.rejections_only, **options)
        written = summary.rejections if args.rejections_only else summary.messages
        print(f"wrote {written} rows to {args.output}")
    else:
        table = analyse_mailbox(args.path, **options)
        columns = ["date", "company", "kind", "tone", "stage", "feedback", "reasons",
                   "strategy", "strategy_title"]
        rejections = table[table["is_rejection"] == True]  # noqa: E712
        if len(rejections):
            import pandas as pd

            with pd.option_context("display.width", 160, "display.max_colwidth", 40,
                                   "display.max_rows", 200):
                print(rejections[columns].to_string())
        summary = MailboxSummary.of_table(table)
    print(summarise(summary))
    return 0 if summary.messages > summary.errors else 1
