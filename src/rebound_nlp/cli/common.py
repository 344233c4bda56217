"""What the commands share: one-line usage errors and argument types."""

from __future__ import annotations

import argparse
from typing import NoReturn

__all__ = ["Parser", "UsageError", "job_count", "positive_int"]


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
