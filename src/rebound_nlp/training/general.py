"""Real general mail (mailing lists, company mail, spam) as ``not_job`` examples.

A folder of general mail holds one mbox (plain or gzipped) and a
``manifest.csv`` whose rows (``index``, ``origin``, ``group``) give each
message's origin in mailbox order.  Messages are parsed and cleaned exactly as
:func:`~rebound_nlp.analyse_mailbox` does, so the model learns from what it
will see.  Each message gets a ``source``: its group, and for company mail
(``enron``) also the mailbox it came from (``enron:beck-s``), so that figures
can be reported on sources a model did not train on.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
import shutil
import tempfile
from collections.abc import Collection, Sequence
from pathlib import Path

import pandas as pd

from rebound_nlp.errors import DataError
from rebound_nlp.mail import iter_mailbox, parse_message

__all__ = ["SHIPPED_HELDOUT_SOURCES", "general_mail_sha256", "load_general_mail", "source_in"]

#: General-mail sources the shipped model never trains on: its false-rejection
#: rate is reported on them.
SHIPPED_HELDOUT_SOURCES = ("enron:farmer-d", "spam")
_MBOX_NAMES = ("general.mbox.gz", "general.mbox")


def _mbox_path(directory: Path) -> Path:
    for name in _MBOX_NAMES:
        if (directory / name).is_file():
            return directory / name
    raise DataError(f"{directory} holds no {' or '.join(_MBOX_NAMES)}; expected a folder of "
                    "general mail (an mbox and manifest.csv).")


def general_mail_sha256(directory: str | os.PathLike[str]) -> str:
    """sha256 of the mbox file in ``directory`` (recorded in a model's manifest)."""
    digest = hashlib.sha256()
    with _mbox_path(Path(directory)).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_in(source: str, names: Collection[str]) -> bool:
    """Whether ``source`` is one of ``names``, itself or by its group (``"enron"``
    names every company mailbox, ``"enron:beck-s"`` one of them)."""
    return source in names or source.split(":")[0] in names


def _source(group: str, origin: str) -> str:
    if group == "enron":
        parts = origin.split("/")
        mailbox = parts[2] if len(parts) > 2 else "unknown"
        return f"enron:{mailbox}"
    return group


def load_general_mail(
    directory: str | os.PathLike[str],
    *,
    sources: Sequence[str] | None = None,
    exclude_sources: Sequence[str] = (),
) -> pd.DataFrame:
    """Read a folder of general mail as labelled ``not_job`` rows.

    Parameters
    ----------
    directory : path-like
        A folder with ``general.mbox.gz`` (or ``general.mbox``) and ``manifest.csv``.
    sources, exclude_sources : sequence of str, optional
        Keep only these sources / drop these (``"sa_ham"``, ``"spam"``,
        ``"enron:beck-s"``, or ``"enron"`` for all company mail).

    Returns
    -------
    pandas.DataFrame
        ``id``, ``source``, ``origin``, ``subject``, ``body``, ``kind``
        (``"not_job"``) and ``is_rejection`` (false) for every message with a
        readable text body.
    """
    folder = Path(directory)
    mbox = _mbox_path(folder)
    manifest = folder / "manifest.csv"
    if not manifest.is_file():
        raise DataError(f"{folder} has no manifest.csv naming each message's origin.")
    with manifest.open(encoding="utf-8", newline="") as fh:
        origins = [(row["origin"], row["group"]) for row in csv.DictReader(fh)]

    def wanted(source: str) -> bool:
        return ((sources is None or source_in(source, sources))
                and not source_in(source, exclude_sources))

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = mbox
        if mbox.suffix == ".gz":
            path = Path(tmp) / "general.mbox"
            with gzip.open(mbox, "rb") as src, path.open("wb") as dst:
                shutil.copyfileobj(src, dst)
        for index, (_, raw, _) in enumerate(iter_mailbox(path)):
            if index >= len(origins):
                raise DataError(f"{mbox} holds more messages than {manifest} lists.")
            origin, group = origins[index]
            source = _source(group, origin)
            if raw is None or not wanted(source):
                continue
            parsed = parse_message(raw)
            if not parsed.body.strip():
                continue
            rows.append({"id": f"general-{index}", "source": source, "origin": origin,
                         "subject": parsed.subject, "body": parsed.body, "kind": "not_job",
                         "is_rejection": False})
    return pd.DataFrame(rows)
