"""Find and stream the messages of a mailbox: mbox, Maildir, folder of .eml, one .eml."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Literal

from rebound_nlp.errors import MailboxError
from rebound_nlp.text import MAX_MESSAGE_BYTES, bom_encoding, safe_text

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


def _sniff(p: Path) -> MailboxKind | OSError:
    """The kind of mailbox at ``p``, or the error that kept its start from being read."""
    try:
        mode = p.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise MailboxError(f"{p} does not exist.") from None
    except OSError as exc:
        return exc
    if stat.S_ISDIR(mode):
        # os.path.isdir: False, not an exception, for a folder we may not enter.
        if all(os.path.isdir(p / sub) for sub in ("cur", "new", "tmp")):
            return "maildir"
        return "folder"
    if not stat.S_ISREG(mode):
        raise MailboxError(f"{p} is neither a file nor a directory ({_file_type(mode)}).")
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        return exc
    bom = bom_encoding(head)
    if bom is not None and bom[0] != "utf-8":
        head = head[bom[1]:].decode(bom[0], "replace").encode("utf-8")
    elif bom is not None:
        head = head[bom[1]:]
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


def mailbox_kind(path: str | os.PathLike[str]) -> MailboxKind:
    """Tell what kind of mailbox ``path`` is, or raise :class:`MailboxError`."""
    p = Path(path)
    kind = _sniff(p)
    if isinstance(kind, OSError):
        raise MailboxError(f"{p} cannot be read ({kind.strerror or kind}); check its "
                           "permissions.")
    return kind


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISDIR, "folder"), (stat.S_ISLNK, "symbolic link")):
        if test(mode):
            return name
    return "special file"


def _source(parts: Sequence[str]) -> str:
    # Names that are not valid UTF-8 arrive with surrogates: keep them printable.
    return safe_text(os.path.join(*parts))


def _open_regular(path: Path) -> IO[bytes] | str:
    """``path`` opened for reading if it is a regular file, else why not."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        return f"skipped: not a regular file ({_file_type(mode)})"
    # O_NONBLOCK: should the file be swapped for a named pipe meanwhile,
    # opening it must not wait for a writer.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    fh = os.fdopen(fd, "rb")
    try:
        mode = os.fstat(fh.fileno()).st_mode
    except OSError:
        fh.close()
        raise
    if not stat.S_ISREG(mode):
        fh.close()
        return f"skipped: not a regular file ({_file_type(mode)})"
    return fh


def _read_file(path: Path, source: str) -> RawMessage:
    """A regular file's first :data:`~rebound_nlp.text.MAX_MESSAGE_BYTES` (plus one,
    so a parser can tell it was cut); anything else gets a row saying why not."""
    try:
        fh = _open_regular(path)
        if isinstance(fh, str):
            return source, None, fh
        with fh:
            data = fh.read(MAX_MESSAGE_BYTES + 1)
    except OSError as exc:
        return source, None, f"unreadable file: {exc.strerror or exc}"
    return source, data, ""


# The file is read in blocks of this many bytes (at least 5, for "From "), each
# carried on to the end of its last line by at most as many again, so a file
# without line breaks is never read whole.
_BLOCK = 1 << 16
_LINESEP = os.linesep.encode()


def _past_line(block: bytes, at: int) -> tuple[int, bool]:
    """Where the line holding ``block[at]`` ends (after its line break), and whether
    it runs on past the block (then its end is the block's)."""
    end = block.find(b"\n", at) + 1
    return (len(block), True) if end == 0 else (end, False)


def _mbox_pieces(fh: IO[bytes]) -> Iterator[bytes | None]:
    """The file's bytes in order, in pieces, with ``None`` in place of each line
    that starts with ``From ``; without a UTF-8 byte-order mark at the start."""
    line_start, in_from = True, False  # where the next block starts
    block = fh.read(_BLOCK).removeprefix(b"\xef\xbb\xbf")
    while block:
        if not block.endswith(b"\n"):
            block += fh.readline(_BLOCK)
        pos = 0
        if in_from:
            pos, in_from = _past_line(block, 0)
        while not in_from:
            if pos == 0 and line_start and block.startswith(b"From "):
                at = 0
            else:  # a line start after pos (pos itself follows a line break)
                at = block.find(b"\nFrom ", max(pos - 1, 0)) + 1
                if at == 0:
                    break
            if at > pos:
                yield block[pos:at]
            yield None
            pos, in_from = _past_line(block, at)
        if pos < len(block):
            yield block[pos:]
        line_start = block.endswith(b"\n")
        block = fh.read(_BLOCK)


def _iter_mbox(path: Path) -> Iterator[RawMessage]:
    """The messages of an mbox file, split as the standard library's
    ``mailbox.mbox`` splits them, in one pass with no table of contents.

    A message starts at each line that begins with ``From `` (that line is not
    part of it) and ends before the next, less the blank line before it.  Only
    the first :data:`~rebound_nlp.text.MAX_MESSAGE_BYTES` (plus one) of a
    message are kept.
    """
    try:
        fh = _open_regular(path)
    except OSError as exc:
        fh = f"unreadable mailbox: {exc.strerror or exc}"
    if isinstance(fh, str):
        yield path.name, None, fh
        return
    keep = MAX_MESSAGE_BYTES + 1
    key = -1
    kept: list[bytes] = []
    size = 0
    tail_size = len(_LINESEP) + 1
    tail = b""  # the message's last bytes: does it end with a blank line?

    def message() -> RawMessage:
        blank_last = tail.endswith(_LINESEP) and (size == len(_LINESEP) or tail[0] == 10)
        cut = min(keep, size - len(_LINESEP) if blank_last else size)
        return f"{path.name}#{key}", b"".join(kept)[:cut].replace(_LINESEP, b"\n"), ""

    with fh:
        try:
            for piece in _mbox_pieces(fh):
                if piece is None:
                    if key >= 0:
                        yield message()
                    key, kept, size, tail = key + 1, [], 0, b""
                    continue
                if size < keep:
                    kept.append(piece)
                size += len(piece)
                tail = (piece if len(piece) >= tail_size else tail + piece)[-tail_size:]
        except OSError as exc:  # the message being read gets the row
            source = f"{path.name}#{key}" if key >= 0 else path.name
            yield source, None, f"unreadable mailbox: {exc.strerror or exc}"
            return
        if key >= 0:
            yield message()


def _list(folder: Path) -> list[os.DirEntry[str]] | OSError:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError as exc:
        return exc


def _iter_maildir(path: Path) -> Iterator[RawMessage]:
    # As mailbox.Maildir: a message's key is its file name up to the flags
    # (":2,S"); a key in new/ wins over the same key in cur/.
    toc: dict[str, Path] = {}
    for sub in ("cur", "new"):
        entries = _list(path / sub)
        if isinstance(entries, OSError):
            yield sub, None, f"unreadable folder: {entries.strerror or entries}"
            continue
        for entry in entries:
            if not entry.is_dir(follow_symlinks=False):
                toc[safe_text(entry.name.split(":")[0])] = Path(entry.path)
    # Maildir keys start with the delivery time and go on with unpadded counters
    # (microseconds, a sequence number), so keys in natural order are mailbox order.
    for key in sorted(toc, key=_natural):
        yield _read_file(toc[key], key)


def _iter_folder(path: Path) -> Iterator[RawMessage]:
    """Every file under ``path`` (hidden ones aside) in natural order; a folder
    that cannot be listed and anything that is not a file get a row too."""
    found: list[tuple[tuple[str, ...], Path | None, str]] = []
    todo: list[tuple[str, ...]] = [()]
    while todo:
        parts = todo.pop()
        entries = _list(path.joinpath(*parts))
        if isinstance(entries, OSError):
            found.append((parts, None, f"unreadable folder: {entries.strerror or entries}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            here = (*parts, entry.name)
            try:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(here)
                elif entry.is_symlink() and os.path.isdir(entry.path):
                    found.append((here, None, "skipped: link to a folder (not followed)"))
                elif entry.is_symlink() and not os.path.exists(entry.path):
                    found.append((here, None, "unreadable file: broken symbolic link"))
                else:
                    found.append((here, Path(entry.path), ""))
            except OSError as exc:
                found.append((here, None, f"unreadable file: {exc.strerror or exc}"))
    found.sort(key=lambda item: [_natural(part) for part in item[0]])
    for parts, file, error in found:
        source = _source(parts) if parts else path.name
        yield (source, None, error) if file is None else _read_file(file, source)


def iter_mailbox(path: str | os.PathLike[str]) -> Iterator[RawMessage]:
    """Yield every message of the mailbox at ``path``, in mailbox order.

    Messages are read one at a time; a message that cannot be read is yielded
    with ``None`` bytes and an error, never skipped, and so is anything in a
    folder that is not a file (a named pipe is never opened) and a folder that
    cannot be listed.  Only the first
    :data:`~rebound_nlp.text.MAX_MESSAGE_BYTES` (plus one) of a message are read.
    """
    p = Path(path)
    kind = _sniff(p)
    if isinstance(kind, OSError):
        yield _source([p.name]), None, f"unreadable file: {kind.strerror or kind}"
    elif kind == "mbox":
        yield from _iter_mbox(p)
    elif kind == "maildir":
        yield from _iter_maildir(p)
    elif kind == "folder":
        yield from _iter_folder(p)
    else:
        yield _read_file(p, _source([p.name]))
