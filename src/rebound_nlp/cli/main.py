"""Entry point: parse the command line and dispatch to one command module."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from rebound_nlp.cli import advise_cmd, analyse_cmd, evaluate_cmd, report_cmd, train_cmd
from rebound_nlp.cli.common import Parser, UsageError
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
    parser = Parser(
        prog="rebound",
        description="Read job-rejection emails and turn them into signals and advice.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (analyse_cmd, report_cmd, advise_cmd, train_cmd, evaluate_cmd):
        module.add_parser(sub)
    return parser


def _terminate(signum: int, frame: object) -> NoReturn:
    # SIGTERM unwinds like Ctrl-C does: temporary files are removed, workers stopped.
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``rebound`` command; return the exit code.

    Every error is one line on stderr and exit code 2; arguments, inputs and
    output paths are checked before any work starts.
    """
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        code: int = args.run(args)
    except (ReboundError, UsageError) as exc:
        print(f"rebound: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("rebound: interrupted", file=sys.stderr)
        return 130
    finally:
        if in_main:  # None: a handler not set from Python; the default is the best guess
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
    return code
