"""Parse one raw message into headers and a plain-text body, never raising."""

from __future__ import annotations

import codecs
import email
import email.policy
import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header
from email.message import Message

from rebound_nlp.mail.clean import clean_body, html_to_text
from rebound_nlp.mail.mime import message_tree
from rebound_nlp.text import (
    MAX_BODY_CHARS,
    MAX_HEADER_CHARS,
    MAX_MESSAGE_BYTES,
    bom_encoding,
    safe_text,
)

__all__ = ["ParsedMessage", "decode_bytes", "message_text", "parse_message"]

# Codecs Python counts as text encodings that no mail is written in: they turn
# backslash escapes into arbitrary characters.
_NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape"})
# Headers are read this far before decoding (encoded words take room).
_MAX_RAW_HEADER = 8 * MAX_HEADER_CHARS
_HEADER_NAMES = ("from", "to", "subject", "date", "message-id", "received", "return-path",
                 "mime-version", "content-type", "sender", "reply-to")


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """What analysis needs from a message; ``error`` says why it is incomplete."""

    message_id: str = ""
    date: datetime | None = None
    sender: str = ""
    subject: str = ""
    body: str = ""
    error: str = ""


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        name = codecs.lookup(charset).name
        b"".decode(name)  # LookupError for codecs that are not text encodings (base64)
    except (LookupError, ValueError):  # ValueError: a charset name with a NUL
        return None
    return None if name in _NOT_CHARSETS else name


def decode_bytes(data: bytes, charset: str | None, *, partial: bool = False) -> str:
    """Decode with a byte-order mark's encoding, the declared charset, UTF-8, then
    Windows-1252; the text is made safe with :func:`~rebound_nlp.text.safe_text`.

    Bytes that fit none are replaced, never dropped silently as a whole.
    ``partial`` says ``data`` was cut short: a character cut in two at the end
    is dropped rather than sending the whole text to the next candidate.

    Examples
    --------
    >>> decode_bytes("Dear Sam".encode("utf-16"), None)
    'Dear Sam'
    >>> decode_bytes("café".encode("utf-8")[:-1], "utf-8", partial=True)
    'caf'
    """
    bom = bom_encoding(data)
    if bom is not None:
        # The mark is the strongest evidence there is: a stray byte is replaced.
        data = data[bom[1]:]
        decoder = codecs.getincrementaldecoder(bom[0])(errors="replace")
        return safe_text(decoder.decode(data, final=not partial))
    for candidate in (_codec(charset), "utf-8", "windows-1252"):
        if not candidate:
            continue
        try:
            decoder = codecs.getincrementaldecoder(candidate)()
            return safe_text(decoder.decode(data, final=not partial))
        except (LookupError, ValueError):  # UnicodeError; some codecs (idna) raise it plain
            continue
    return safe_text(data.decode("utf-8", errors="replace"))


def _header(msg: Message, name: str) -> str:
    """A header's text with RFC 2047 words decoded; '' when absent or hopeless."""
    try:
        value = msg.get(name)
        if value is None:
            return ""
        if isinstance(value, str) and len(value) > _MAX_RAW_HEADER:
            value = value[:_MAX_RAW_HEADER]
        if isinstance(value, str) and "=?" not in value:
            text = value  # no encoded word: decode_header would return it whole
        else:
            text = "".join(
                chunk if isinstance(chunk, str)
                else decode_bytes(chunk, None if charset in (None, "unknown-8bit") else charset)
                for chunk, charset in decode_header(value)
            )
    except Exception:  # a malformed header must not sink the message
        try:
            text = str(value)
        except Exception:
            return ""
    text = text[:_MAX_RAW_HEADER]
    # Undeclared 8-bit bytes arrive as surrogates: decode them like a body
    # (ASCII, the usual case, has none and would come back unchanged).
    if not text.isascii():
        try:
            text = decode_bytes(text.encode("utf-8", "surrogateescape"), None)
        except UnicodeEncodeError:  # surrogates that stand for no byte
            text = safe_text(text)
    return " ".join(text.split())[:MAX_HEADER_CHARS]


def _part_text(part: Message, limit: int) -> str:
    """The first ``limit`` characters of a part's text: huge parts are cut
    before they are decoded, let alone cleaned."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        payload = str(part.get_payload()).encode("utf-8", "replace")
    cut = len(payload) > 4 * limit
    if cut:
        payload = payload[: 4 * limit]
    return decode_bytes(payload, part.get_content_charset(), partial=cut)[:limit]


def _body(msg: Message) -> str:
    """The text parts, or else the HTML parts as text (decoded only then)."""
    plain: list[str] = []
    html: list[Message] = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain":
            plain.append(_part_text(part, MAX_BODY_CHARS))
        elif ctype == "text/html":
            html.append(part)
    if plain:
        return "\n\n".join(plain)[:MAX_BODY_CHARS]
    # Markup takes room: read more HTML for as much text (but html2text takes
    # about a second for this much).
    return "\n\n".join(html_to_text(_part_text(h, 2 * MAX_BODY_CHARS))
                       for h in html)[:MAX_BODY_CHARS]


def _date(msg: Message) -> datetime | None:
    raw = _header(msg, "date")
    if not raw:
        return None
    try:
        value = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse raw RFC 5322 bytes; problems go to ``error``, never raise.

    Examples
    --------
    >>> m = parse_message(b"Subject: Hello\\r\\nFrom: a@b.org\\r\\n\\r\\nHi there")
    >>> m.subject, m.body, m.error
    ('Hello', 'Hi there', '')
    """
    note = ""
    if len(raw) > MAX_MESSAGE_BYTES:
        raw = raw[:MAX_MESSAGE_BYTES]
        note = f"message longer than {MAX_MESSAGE_BYTES >> 20} MiB: only its start was read"
    raw = _unmarked(raw)
    if not raw.strip():
        return ParsedMessage(error="empty message")
    try:
        # compat32 parses headers lazily and is several times faster than
        # policy.default; _header decodes what analysis needs.  The same tree,
        # faster, for the well-formed messages that are nearly all mail.
        msg = message_tree(raw)
        if msg is None:
            msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as exc:  # the parser is lenient, but a batch must never die
        return ParsedMessage(error=safe_text(f"unparseable message: {exc}", MAX_HEADER_CHARS))
    # ``in`` only looks at header names; ``msg.get`` would parse values and can raise.
    if not any(h in msg for h in _HEADER_NAMES):
        return ParsedMessage(error="not an email message: no email headers found")
    fields = {
        "message_id": _header(msg, "message-id"),
        "date": _date(msg),
        "sender": _header(msg, "from"),
        "subject": _header(msg, "subject"),
    }
    try:
        body = clean_body(_body(msg))
    except Exception as exc:
        error = safe_text(f"unreadable body: {exc}", MAX_HEADER_CHARS)
        return ParsedMessage(**fields, error=error)  # type: ignore[arg-type]
    error = "" if body.strip() else "no text body"
    # Structural defects (a missing closing boundary: a truncated message) live on
    # the parts, so they are collected from every part.  A message cut here has
    # them by construction: the note says why.
    defects = dict.fromkeys(type(d).__name__ for part in msg.walk() for d in part.defects)
    if note:
        error = "; ".join(filter(None, (error, note)))
    elif defects and not error:
        error = "; ".join(defects)
    return ParsedMessage(**fields, body=body, error=error)  # type: ignore[arg-type]


def _unmarked(raw: bytes) -> bytes:
    """``raw`` without a byte-order mark, and as UTF-8 if the mark says UTF-16 or -32
    (a message saved by a Windows editor)."""
    bom = bom_encoding(raw)
    if bom is None:
        return raw
    encoding, size = bom
    if encoding == "utf-8":
        return raw[size:]
    # partial: a message cut short may end inside a character.
    return decode_bytes(raw, None, partial=True).encode("utf-8")


def message_text(raw: bytes, *, default_subject: str = "") -> tuple[str, str]:
    """(subject, body) of a raw .eml message, or of plain text if it is not one.

    A byte-order mark is honoured (UTF-16 text from a Windows editor), and
    the text is made safe with :func:`~rebound_nlp.text.safe_text`.
    """
    raw = _unmarked(raw[:MAX_MESSAGE_BYTES])
    head = raw[:2048].lstrip()
    if b":" in head.split(b"\n", 1)[0]:
        parsed = parse_message(raw)
        if parsed.body:  # a readable body despite a defect beats the raw source
            return parsed.subject or safe_text(default_subject, MAX_HEADER_CHARS), parsed.body
    # Plain text: only the start can be analysed, so only the start is decoded.
    cut = len(raw) > 4 * MAX_BODY_CHARS
    body = decode_bytes(raw[: 4 * MAX_BODY_CHARS], None, partial=cut)[:MAX_BODY_CHARS]
    return safe_text(default_subject, MAX_HEADER_CHARS), body
