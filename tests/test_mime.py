"""The fast MIME reader gives the standard parser's tree, or hands the message back."""

from __future__ import annotations

import email
import email.policy
import sysconfig
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import GENERAL
from rebound_nlp.mail import iter_mailbox
from rebound_nlp.mail.mime import message_tree

CPYTHON_EMAIL = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_email" / "data"


def _shape(msg: Message) -> list[tuple[Any, ...]]:
    """Every part's headers, envelope line, default type, defects and payload."""
    shape = []
    for part in msg.walk():
        payload = part.get_payload()
        shape.append((part.items(), part.get_unixfrom(), part.get_default_type(),
                      [type(d).__name__ for d in part.defects],
                      len(payload) if isinstance(payload, list) else payload))
    return shape


def _standard(raw: bytes) -> Message:
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def _same_or_none(raw: bytes) -> bool:
    """Whether the fast tree is the standard one; ``True`` when it declines."""
    tree = message_tree(raw)
    return tree is None or _shape(tree) == _shape(_standard(raw))


# Boundaries that are prefixes of one another, as nested parts may have.
_BOUNDARIES = ("b", "b1", "bb", "=_x.y", "b-c")
_PLAIN_LINES = st.sampled_from([
    "Dear Sam,", "", "Thank you.", "> quoted", "caf\u00e9 cr\u00e8me", "=41=42", "QUJD",
])
# Lines a boundary, a header or an envelope line could be taken for.
_TRICKY_LINES = st.sampled_from([
    " ", "--b", "--b--", "--b1 ", "--bb\t", "--b x", "x --b", "-- ", "Subject: inside",
    "From me",
])


def _lines(draw: st.DrawFn, max_size: int) -> list[str]:
    tricky = draw(st.integers(0, 3)) == 0
    return draw(st.lists(st.one_of(_PLAIN_LINES, _TRICKY_LINES) if tricky else _PLAIN_LINES,
                         max_size=max_size))


_GOOD_HEADERS = st.sampled_from([
    "Subject: Your application", "From: Jo <jo@example.org>", "X-Note: a\u00e9",
    "Content-Transfer-Encoding: base64", "Content-Transfer-Encoding: quoted-printable",
    "Content-Disposition: attachment; filename=a.txt", "X-Tab:\t tabbed", "X-Empty:",
])
_ODD_HEADERS = st.sampled_from([" folded on", "\tfolded on", "no colon here", "From someone",
                                ":empty name"])
_LEAF_TYPES = ("text/plain", "text/plain", "text/html", "text/html", "application/pdf",
               "message/rfc822", "")


@st.composite
def _entity(draw: st.DrawFn, depth: int = 0) -> list[str]:
    """The lines of a message or part: headers, a blank line, then a body."""
    odd = draw(st.integers(0, 9)) == 0
    lines = draw(st.lists(st.one_of(_GOOD_HEADERS, _ODD_HEADERS) if odd else _GOOD_HEADERS,
                          max_size=3))
    if depth < 2 and draw(st.booleans()):
        if not odd:  # a multipart's only valid encodings are 7bit, 8bit and binary
            lines = [h for h in lines if "Transfer-Encoding" not in h]
        boundary = draw(st.sampled_from(_BOUNDARIES))
        subtype = draw(st.sampled_from(["mixed", "mixed", "alternative", "alternative",
                                        "related", "digest"]))
        lines.append(f'Content-Type: multipart/{subtype}; boundary="{boundary}"')
        if draw(st.integers(0, 9)):
            lines.append("")
        lines += _lines(draw, 2)  # the preamble
        for _ in range(draw(st.integers(0, 3))):
            lines.append(f"--{boundary}" + draw(st.sampled_from(["", " ", "\t "])))
            lines += draw(_entity(depth + 1))
        if draw(st.integers(0, 9)):
            lines.append(f"--{boundary}--" + draw(st.sampled_from(["", "  "])))
        lines += _lines(draw, 2)  # the epilogue
        return lines
    ctype = draw(st.sampled_from(_LEAF_TYPES))
    if ctype:
        lines.append(f"Content-Type: {ctype}; charset=utf-8")
    if draw(st.integers(0, 9)):
        lines.append("")
    return lines + _lines(draw, 4)


@st.composite
def _raw_messages(draw: st.DrawFn) -> bytes:
    lines = draw(_entity())
    # One kind of line end, or (one message in five) any mix of them.
    mixed = draw(st.integers(0, 4)) == 0
    ends = st.sampled_from(["\n", "\r\n", "\r"]) if mixed else st.sampled_from(["\n", "\r\n"])
    end = draw(ends)
    text = "".join(line + (draw(ends) if mixed else end) for line in lines)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text.encode("utf-8")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_raw_messages())
# A boundary inside a line, boundary lines in a row, a digest's part without a type
# (which the standard parser reads as a message), a multipart said to be base64.
@example(b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n\nsee --b\n\nend\n--b--\n')
@example(b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n--b\n\none\n--b--\n')
@example(b'Content-Type: multipart/digest; boundary="b"\n\n--b\n\nSubject: in\n\nhi\n--b--\n')
@example(b'Content-Type: multipart/mixed; boundary="b"\nContent-Transfer-Encoding: base64\n\n'
         b'--b\n\nhi\n--b--\n')
# Header lines the standard parser treats apart: a first line folded, a name with
# a space, a name missing, an envelope line first, in the middle and last.
@example(b" folded\nSubject: x\n\nbody\n")
@example(b"Subject: x\nnot a field: y\n\nbody\n")
@example(b"Subject: x\n: no name\n\nbody\n")
@example(b"From jo@example.org Mon Jan  5 10:00:00 2026\nSubject: x\n\nbody\n")
@example(b"Subject: x\nFrom jo@example.org\nX-Note: y\n\nbody\n")
@example(b"Subject: x\nFrom jo@example.org\n\nbody\n")
def test_the_fast_tree_is_the_standard_tree_or_none(raw: bytes) -> None:
    assert _same_or_none(raw)


@pytest.mark.parametrize("crlf", [False, True])
def test_well_formed_mail_takes_the_fast_path(crlf: bool) -> None:
    msg = EmailMessage(policy=email.policy.SMTP if crlf else email.policy.default)
    msg["From"] = "Jo <jo@example.org>"
    msg["Subject"] = "Your application"
    msg.set_content("Dear Sam,\n\nThank you for applying.\n\n-- \nJo\n")
    msg.add_alternative("<p>Dear Sam,</p><p>Thank you for applying.</p>", subtype="html")
    msg.add_attachment(b"Notes\n--not a boundary\n", maintype="application",
                       subtype="octet-stream", filename="notes.bin")
    raw = msg.as_bytes()
    tree = message_tree(raw)
    assert tree is not None
    assert _shape(tree) == _shape(_standard(raw))
    assert [p.get_content_type() for p in tree.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html",
        "application/octet-stream"]


@pytest.mark.parametrize("raw", [
    b"Subject: x\r\nContent-Type: text/plain\r\n\r\nline one\rline two\r\n",  # a lone CR
    b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n\nbody\n',  # no closing line
    b'Content-Type: multipart/digest; boundary="b"\n\n--b\n\nbody\n--b--\n',
    b"Content-Type: message/rfc822\n\nSubject: inner\n\nhello\n",
    b"Subject: x\nthis line is no header\n\nbody\n",
    b"Subject: only headers, no blank line\n",
], ids=["lone-cr", "unclosed", "digest", "rfc822", "header-defect", "no-body"])
def test_what_the_fast_path_does_not_read_goes_to_the_standard_parser(raw: bytes) -> None:
    assert message_tree(raw) is None


@pytest.mark.skipif(not CPYTHON_EMAIL.is_dir(),
                    reason="this Python ships without its email test messages")
def test_cpython_email_test_messages_give_the_standard_tree() -> None:
    raws = [p.read_bytes() for p in sorted(CPYTHON_EMAIL.glob("msg_*.txt"))]
    assert all(_same_or_none(raw) for raw in raws)
    assert any(message_tree(raw) is not None for raw in raws)


@pytest.mark.skipif(not GENERAL.is_dir(), reason="the real general mail (../shared) is absent")
def test_real_general_mail_gives_the_standard_tree(tmp_path: Path) -> None:
    import gzip
    import shutil

    mbox = tmp_path / "general.mbox"
    with gzip.open(GENERAL / "general.mbox.gz") as src, mbox.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    raws = [raw for _, raw, _ in iter_mailbox(mbox) if raw is not None]
    fast = [raw for raw in raws if message_tree(raw) is not None]
    assert len(raws) > 7000
    assert len(fast) >= 0.99 * len(raws)
    assert all(_shape(message_tree(raw)) == _shape(_standard(raw)) for raw in fast)  # type: ignore[arg-type]
