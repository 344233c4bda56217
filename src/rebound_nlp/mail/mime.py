"""A plainly well-formed message's MIME tree, without the standard parser's line loop.

``email.message_from_bytes`` reads a body line by line in Python and compiles
a regular expression for every multipart boundary (about 150 µs each: most
real mail is multipart).  :func:`message_tree` splits a message at its blank
line and its boundary lines with ``bytes.find``, and its headers with one
regular expression.  It gives the very tree the standard
compat32 parser gives (the same headers, payloads and defects; tested against
it), or ``None`` for anything it does not read the same way: a line the
parser would call a defect, a missing boundary, a ``message/*`` part, a
digest, a lone carriage return.  The caller then parses with the standard
library.
"""

from __future__ import annotations

import re
from email.message import Message
from email.policy import compat32

__all__ = ["message_tree"]

# The end of the header block: a line break, then an empty line.
_BLANK = re.compile(rb"\n\r?\n")
_PLAIN_ENCODINGS = frozenset({"7bit", "8bit", "binary"})
# A header: its name (RFC 5322: printable ASCII but the colon), the colon, and
# the value with its folded lines, cut as compat32's header_source_parse cuts it.
_HEADER = re.compile(r"([!-9;-~]+):[ \t]*(.*\n(?:[ \t].*\n)*)")


def message_tree(raw: bytes) -> Message | None:
    """The compat32 tree of ``raw``, or ``None`` if it is not plainly well formed."""
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return None  # the standard parser also breaks lines at a lone \r
    return _tree(raw, part=False)


def _tree(raw: bytes, *, part: bool) -> Message | None:
    """``raw``'s tree; a ``part`` (between boundary lines) still ends with the line
    break that belongs to the next boundary, which the standard parser drops."""
    if raw.startswith((b"\n", b"\r\n")):  # no headers
        head, body = b"", raw[raw.index(b"\n") + 1:]
    else:
        blank = _BLANK.search(raw)
        if blank is None:
            return None
        head, body = raw[: blank.start() + 1], raw[blank.end():]
    msg = _headers(head)
    if msg is None:
        return None
    maintype = msg.get_content_maintype()
    if maintype == "message":
        return None
    if maintype != "multipart":
        if part:
            body = body[:-2] if body.endswith(b"\r\n") else body.removesuffix(b"\n")
        msg.set_payload(body.decode("ascii", "surrogateescape"))
        return msg
    parts = _split(msg, body)
    if parts is None:
        return None
    children: list[Message | str] = []
    for piece in parts:
        child = _tree(piece, part=True)
        if child is None:
            return None
        children.append(child)
    msg.set_payload(children)
    return msg


def _headers(head: bytes) -> Message | None:
    """A message with the headers of ``head`` (whole lines), as the standard parser
    reads them; ``None`` for a line it would call a defect or the body's start."""
    msg = Message(policy=compat32)
    text = head.decode("ascii", "surrogateescape")
    pos = 0
    if text.startswith("From "):  # the envelope line of an mbox
        pos = text.index("\n") + 1
        msg.set_unixfrom(text[:pos].rstrip("\r\n"))
    while pos < len(text):
        header = _HEADER.match(text, pos)
        if header is None:
            return None
        msg.set_raw(header[1], header[2].rstrip("\r\n"))
        pos = header.end()
    return msg


def _split(msg: Message, body: bytes) -> list[bytes] | None:
    """The parts between ``msg``'s boundary lines, each with its final line break;
    ``None`` unless there is a first boundary and a closing one."""
    boundary = msg.get_boundary()
    encoding = str(msg.get("content-transfer-encoding", "8bit")).lower()
    if (not boundary or encoding not in _PLAIN_ENCODINGS
            or msg.get_content_subtype() == "digest"):
        return None
    try:
        delimiter = b"--" + boundary.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return None
    parts: list[bytes] = []
    start = -1  # where the current part begins; -1 in the preamble
    at = body.find(delimiter)
    while at >= 0:
        line_end = body.find(b"\n", at)
        line_end = len(body) if line_end < 0 else line_end + 1
        rest = body[at + len(delimiter):line_end].rstrip(b"\r\n")
        close = rest.startswith(b"--")
        if (at == 0 or body[at - 1] == 0x0A) and not (rest[2:] if close else rest).strip(b" \t"):
            if start >= 0:
                # Boundary lines in a row leave an empty part, which is declined
                # (the standard parser skips them).
                parts.append(body[start:at])
            elif close:
                return None
            if close:
                return parts
            start = line_end
        at = body.find(delimiter, at + 1)
    return None
