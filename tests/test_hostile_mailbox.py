"""Hostile mailboxes: named pipes, unreadable folders and files, huge messages (issue 9).

No row is ever dropped silently and nothing hangs: what cannot be read gets
a row saying why.  Permissions are simulated by patching the few calls that
read (tests may run as root, who can read anything).
"""

from __future__ import annotations

import errno
import mailbox
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_nlp.errors import MailboxError
from rebound_nlp.mail import iter_mailbox, mailbox_kind
from rebound_nlp.mail import mailboxes as mailboxes_module

MESSAGE = b"From: Recruiter <jobs@acme.example>\nSubject: Outcome\n\nWe regret to say no.\n"

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """A probe that hangs (a named pipe opened for reading) fails instead."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def timeout(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("reading the mailbox hung")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _deny(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make ``denied`` (a file or folder) unreadable, as chmod 000 would for a user."""
    def refuse(path: object) -> None:
        if Path(os.fsdecode(path)).absolute() == denied.absolute():  # type: ignore[arg-type]
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

    real_scandir, real_open, real_path_open = os.scandir, os.open, Path.open

    def scandir(path: str) -> object:
        refuse(path)
        return real_scandir(path)

    def os_open(path: str, flags: int, mode: int = 0o777, **kwargs: object) -> int:
        refuse(path)
        return real_open(path, flags, mode, **kwargs)  # type: ignore[arg-type]

    def path_open(self: Path, *args: object, **kwargs: object) -> object:
        refuse(self)
        return real_path_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(Path, "open", path_open)


def _maildir(root: Path) -> Path:
    box = root / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "new" / "1700000000.M1P1.host").write_bytes(MESSAGE)
    (box / "cur" / "1700000001.M2P1.host:2,S").write_bytes(MESSAGE)
    return box


def _rows(path: Path) -> dict[str, tuple[bool, str]]:
    return {source: (raw is not None, error) for source, raw, error in iter_mailbox(path)}


# --------------------------------------------------------------------------- folders of .eml

@needs_fifo
def test_folder_named_pipe_gets_a_row_and_is_never_opened(tmp_path: Path) -> None:
    (tmp_path / "1.eml").write_bytes(MESSAGE)
    os.mkfifo(tmp_path / "2.eml")  # opening it for reading would wait for a writer forever
    assert _rows(tmp_path) == {
        "1.eml": (True, ""),
        "2.eml": (False, "skipped: not a regular file (named pipe)"),
    }


def test_folder_unreadable_subfolder_gets_a_row(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "1.eml").write_bytes(MESSAGE)
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "2.eml").write_bytes(MESSAGE)
    _deny(monkeypatch, tmp_path / "locked")
    assert _rows(tmp_path) == {
        "1.eml": (True, ""),
        "locked": (False, "unreadable folder: Permission denied"),
    }


def test_folder_unreadable_file_gets_a_row(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "1.eml").write_bytes(MESSAGE)
    (tmp_path / "2.eml").write_bytes(MESSAGE)
    _deny(monkeypatch, tmp_path / "2.eml")
    assert _rows(tmp_path)["2.eml"] == (False, "unreadable file: Permission denied")


def test_folder_links_get_rows(tmp_path: Path) -> None:
    box = tmp_path / "box"
    box.mkdir()
    (box / "1.eml").write_bytes(MESSAGE)
    (box / "to-a-folder").symlink_to(tmp_path)
    (box / "broken.eml").symlink_to(tmp_path / "missing.eml")
    (box / "to-a-file.eml").symlink_to(box / "1.eml")
    assert _rows(box) == {
        "1.eml": (True, ""),
        "broken.eml": (False, "unreadable file: broken symbolic link"),
        "to-a-file.eml": (True, ""),
        "to-a-folder": (False, "skipped: link to a folder (not followed)"),
    }


def test_undecodable_file_names_stay_printable(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.eml")  # not UTF-8: decoded with surrogates
    try:
        (tmp_path / name).write_bytes(MESSAGE)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system wants UTF-8 names")
    [(source, raw, error)] = iter_mailbox(tmp_path)
    assert source == "caf\ufffd.eml" and raw == MESSAGE and error == ""


def test_unreadable_top_folder_gets_a_row(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    box = tmp_path / "box"
    box.mkdir()
    _deny(monkeypatch, box)
    assert _rows(box) == {"box": (False, "unreadable folder: Permission denied")}


# --------------------------------------------------------------------------- Maildir

@needs_fifo
def test_maildir_named_pipe_in_new_does_not_hang(tmp_path: Path) -> None:
    box = _maildir(tmp_path)
    os.mkfifo(box / "new" / "1700000002.M3P1.host")
    assert _rows(box) == {
        "1700000000.M1P1.host": (True, ""),
        "1700000001.M2P1.host": (True, ""),
        "1700000002.M3P1.host": (False, "skipped: not a regular file (named pipe)"),
    }


def test_maildir_unreadable_cur_gets_a_row(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    box = _maildir(tmp_path)
    _deny(monkeypatch, box / "cur")
    assert mailbox_kind(box) == "maildir"
    assert _rows(box) == {
        "cur": (False, "unreadable folder: Permission denied"),
        "1700000000.M1P1.host": (True, ""),
    }


def test_maildir_keys_follow_the_standard_library(tmp_path: Path) -> None:
    box = _maildir(tmp_path)
    ours = [source for source, _, _ in iter_mailbox(box)]
    theirs = sorted(mailbox.Maildir(box, create=False).keys())
    assert ours == theirs


# --------------------------------------------------------------------------- mbox and one file

def _mbox(root: Path, count: int = 2) -> Path:
    path = root / "inbox.mbox"
    path.write_bytes(b"".join(b"From jobs@acme.example Mon Jan  1 00:00:00 2024\n" + MESSAGE
                              + b"\n" for _ in range(count)))
    return path


def test_unreadable_mbox_gets_a_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mbox(tmp_path)
    _deny(monkeypatch, path)
    assert _rows(path) == {"inbox.mbox": (False, "unreadable file: Permission denied")}
    with pytest.raises(MailboxError, match="cannot be read"):
        mailbox_kind(path)


def test_mbox_that_fails_while_read_gets_a_row(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages read before the error keep their rows; the one being read gets the error."""
    path = tmp_path / "inbox.mbox"
    path.write_bytes(b"From a@b Mon Jan  1 00:00:00 2024\n" + MESSAGE)
    read = mailboxes_module._mbox_pieces

    def broken(fh: BinaryIO) -> Iterator[bytes | None]:
        yield from read(fh)
        yield None  # a "From " line
        yield MESSAGE[:20]
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(mailboxes_module, "_mbox_pieces", broken)
    assert list(iter_mailbox(path)) == [
        ("inbox.mbox#0", MESSAGE, ""),
        ("inbox.mbox#1", None, "unreadable mailbox: Input/output error"),
    ]


def _stdlib_mbox(path: Path, keep: int) -> list[tuple[str, bytes | None, str]]:
    """What the standard library's mailbox.mbox reads, message by message."""
    box = mailbox.mbox(path, create=False)
    try:
        return [(f"{path.name}#{k}", box.get_file(k).read(keep).replace(os.linesep.encode(), b"\n"),
                 "") for k in box.iterkeys()]
    finally:
        box.close()


_MBOX_PIECES = [b"From a@b Mon Jan  1 00:00:00 2024\n", b"From \n", b"From", b"\n", b"\r\n",
                b"Subject: x\n", b">From y\n", b" From z\n", b"body text", b"xxxxxxx\n", b"\r"]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(_MBOX_PIECES), max_size=40),
       keep=st.sampled_from([5, 12, 10_000]), piece=st.sampled_from([5, 7, 1 << 16]))
def test_mbox_is_split_as_the_standard_library_splits_it(pieces: list[bytes], keep: int,
                                                         piece: int) -> None:
    """Streamed in one pass, in blocks, with each message cut after ``keep``
    bytes: the same messages as mailbox.mbox, which first reads a table of contents."""
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        path = Path(folder) / "box.mbox"
        path.write_bytes(b"".join(pieces))
        patch.setattr(mailboxes_module, "MAX_MESSAGE_BYTES", keep - 1)
        patch.setattr(mailboxes_module, "_BLOCK", piece)
        assert list(mailboxes_module._iter_mbox(path)) == _stdlib_mbox(path, keep)


def test_from_in_a_long_line_starts_no_message(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A block that starts inside a line starts no line, even with "From "."""
    path = tmp_path / "box.mbox"
    path.write_bytes(b"From x\n0123456789From y\n")
    monkeypatch.setattr(mailboxes_module, "_BLOCK", 5)
    assert list(mailboxes_module._iter_mbox(path)) == _stdlib_mbox(path, 100) == [
        ("box.mbox#0", b"0123456789From y\n", "")]


def test_mbox_with_a_byte_order_mark_keeps_its_first_message(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    plain = b"From a@b Mon Jan  1 00:00:00 2024\n" + MESSAGE
    path.write_bytes(b"\xef\xbb\xbf" + plain + b"\n" + plain)
    assert [raw for _, raw, _ in iter_mailbox(path)] == [MESSAGE, MESSAGE]


def test_unreadable_eml_gets_a_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "one.eml"
    path.write_bytes(MESSAGE)
    _deny(monkeypatch, path)
    assert _rows(path) == {"one.eml": (False, "unreadable file: Permission denied")}


@needs_fifo
def test_named_pipe_as_mailbox_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.mbox")
    with pytest.raises(MailboxError, match="named pipe"):
        list(iter_mailbox(tmp_path / "pipe.mbox"))


@pytest.mark.parametrize("make", [
    lambda root: root / "1.eml",
    lambda root: root / "inbox.mbox",
], ids=["folder", "mbox"])
def test_only_the_start_of_a_huge_message_is_read(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  make: Callable[[Path], Path]) -> None:
    monkeypatch.setattr(mailboxes_module, "MAX_MESSAGE_BYTES", 1000)
    path = make(tmp_path)
    big = MESSAGE + b"x" * 5000 + b"\n"
    if path.suffix == ".mbox":
        path.write_bytes(b"From a@b Mon Jan  1 00:00:00 2024\n" + big)
        mailbox_path = path
    else:
        path.write_bytes(big)
        mailbox_path = tmp_path
    [(_, raw, error)] = iter_mailbox(mailbox_path)
    assert raw is not None and len(raw) == 1001 and raw.startswith(MESSAGE) and error == ""


def test_bom_marked_eml_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "saved-message.txt"
    path.write_bytes(MESSAGE.decode().encode("utf-16"))
    assert mailbox_kind(path) == "eml"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_real_permissions_when_not_root(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads anything")
    (tmp_path / "1.eml").write_bytes(MESSAGE)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        assert _rows(tmp_path)["locked"] == (False, "unreadable folder: Permission denied")
    finally:
        locked.chmod(0o755)
