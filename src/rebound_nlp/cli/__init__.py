"""The ``rebound`` command line: a thin layer over the library, one file per command."""

from rebound_nlp.cli.main import main

__all__ = ["main"]
