"""Find and stream the messages of a mailbox: mbox, Maildir, folder of .eml, one .eml."""

from __future__ import annotations

import mailbox
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from rebound_nlp.errors import MailboxError

__all__ = ["MailboxKind", "RawMessage", "iter_mailbox", "mailbox_kind"]

MailboxKind = Literal["mbox", "maildir", "folder", "eml"]
RawMessage = tuple[str, bytes | None, str]
"""(source, raw bytes or None, error): one message as read from the mailbox."""

_HEADER_START = (b"from:", b"to:", b"subject:", b"date:", b"received:", b"return-path:",
                 b"message-id:", b"mime-version:", b"delivered-to:", b"x-", b"reply-to:")


def _natural(name: str) -> list[str | int]:
    """Sort key that compares digit runs as numbers: 'M99999' < 'M100000', '9.eml' < '10.eml'."""
    return [int(p) if k % 2 else p for k, p in enumerate(re.split(r"([0-9]+)", name))]


def _looks_like_message(head: bytes) -> bool:
    first = head.lstrip().split(b"\n", 1)[0].lower()
    return first.startswith(_HEADER_START)


def mailbox_kind(path: str | os.PathLike[str]) -> MailboxKind:
    """Tell what kind of mailbox ``path`` is, or raise :class:`MailboxError`."""
    p = Path(path)
    if not p.exists():
        raise MailboxError(f"{p} does not exist.")
    if p.is_dir():
        if all((p / sub).is_dir() for sub in ("cur", "new", "tmp")):
            return "maildir"
        return "folder"
    if not p.is_file():
        raise MailboxError(f"{p} is neither a file nor a directory.")
    with p.open("rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise MailboxError(f"{p} is empty: no messages to read.")
    if head.startswith(b"From "):
        return "mbox"
    if p.suffix.lower() == ".eml" or _looks_like_message(head):
        return "eml"
    raise MailboxError(
        f"{p} is not a mailbox rebound can read: expected an mbox file (starting with "
        "'From '), a Maildir (with cur/, new/, tmp/), a folder of .eml files or one .eml file."
    )


def _read_file(path: Path, source: str) -> RawMessage:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return source, None, f"unreadable file: {exc.strerror or exc}"
    return source, data, ""


def _iter_mbox(path: Path) -> Iterator[RawMessage]:
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            try:
                yield f"{path.name}#{key}", box.get_bytes(key), ""
            except Exception as exc:
                yield f"{path.name}#{key}", None, f"unreadable message: {exc}"
    finally:
        box.close()


def _iter_maildir(path: Path) -> Iterator[RawMessage]:
    box = mailbox.Maildir(path, factory=None, create=False)
    # Maildir keys start with the delivery time and go on with unpadded counters
    # (microseconds, a sequence number), so keys in natural order are mailbox order.
    for key in sorted(box.iterkeys(), key=_natural):
        try:
            yield key, box.get_bytes(key), ""
        except Exception as exc:
            yield key, None, f"unreadable message: {exc}"


def _iter_folder(path: Path) -> Iterator[RawMessage]:
    files = sorted(
        (f for f in path.rglob("*")
         if f.is_file() and not any(part.startswith(".") for part in f.relative_to(path).parts)),
        key=lambda f: [_natural(part) for part in f.relative_to(path).parts],
    )
    for f in files:
        yield _read_file(f, str(f.relative_to(path)))


def iter_mailbox(path: str | os.PathLike[str]) -> Iterator[RawMessage]:
    """Yield every message of the mailbox at ``path``, in mailbox order.

    Messages are read one at a time; a message that cannot be read is yielded
    with ``None`` bytes and an error, never skipped.
    """
    p = Path(path)
    kind = mailbox_kind(p)
    if kind == "mbox":
        yield from _iter_mbox(p)
    elif kind == "maildir":
        yield from _iter_maildir(p)
    elif kind == "folder":
        yield from _iter_folder(p)
    else:
        yield _read_file(p, p.name)
