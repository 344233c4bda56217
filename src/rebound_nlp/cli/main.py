"""Entry point: parse the command line and dispatch to one command module."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from rebound_nlp.cli import advise_cmd, analyse_cmd, evaluate_cmd, report_cmd, train_cmd
from rebound_nlp.errors import ReboundError

__all__ = ["build_parser", "main"]

_EPILOG = """examples:
  rebound analyse data/samples/mailbox.mbox
  rebound analyse ~/Takeout/Mail/All.mbox -o rejections.csv --rejections-only --jobs 2
  rebound report ~/Takeout/Mail/All.mbox -o report.html --jobs 2
  rebound advise email.txt
  cat email.txt | rebound advise - --json
  rebound train data/emails.jsonl --out my-model
  rebound evaluate data/emails.jsonl --model my-model --json
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rebound",
        description="Read job-rejection emails and turn them into signals and advice.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (analyse_cmd, report_cmd, advise_cmd, train_cmd, evaluate_cmd):
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``rebound`` command; return the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        code: int = args.run(args)
    except ReboundError as exc:
        print(f"rebound: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return code
