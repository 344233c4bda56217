"""What the commands share: one-line usage errors and argument types."""

from __future__ import annotations

import argparse
from typing import NoReturn

__all__ = ["Parser", "UsageError", "add_mailbox_options", "add_model_options", "job_count",
           "positive_int"]


class UsageError(Exception):
    """A command line that cannot run; main() prints it on one line."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (with where to find help), exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def job_count(text: str) -> int | str:
    """An argparse type for ``--jobs``: a whole number of at least 1, or ``auto``."""
    return "auto" if text == "auto" else positive_int(text)


def add_mailbox_options(p: argparse.ArgumentParser) -> None:
    """The mailbox to read and how many processes analyse it, for every mailbox command."""
    p.add_argument("path", help="an mbox file, a Maildir, a folder of .eml files or one .eml")
    p.add_argument("--jobs", type=job_count, default=1,
                   help="processes that analyse, or auto for one per CPU (default 1)")


def add_model_options(p: argparse.ArgumentParser) -> None:
    """``--model`` and ``--trusted``, as every command that analyses takes them."""
    p.add_argument("--model", help="model folder (default: the shipped model)")
    p.add_argument("--trusted", action="store_true",
                   help="allow a joblib model from --model (joblib runs code when loaded)")
