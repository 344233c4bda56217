"""Parse one raw message into headers and a plain-text body, never raising."""

from __future__ import annotations

import email
import email.policy
import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header
from email.message import Message

from rebound_nlp.mail.clean import clean_body, html_to_text

__all__ = ["ParsedMessage", "decode_bytes", "message_text", "parse_message"]

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


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode with the declared charset, then UTF-8, then Windows-1252.

    Bytes that fit none are replaced, never dropped silently as a whole.
    """
    for candidate in (charset, "utf-8", "windows-1252"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeError):  # some codecs (idna) raise plain UnicodeError
            continue
    return data.decode("utf-8", errors="replace")


def _header(msg: Message, name: str) -> str:
    """A header's text with RFC 2047 words decoded; '' when absent or hopeless."""
    try:
        value = msg.get(name)
        if value is None:
            return ""
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
    # Undeclared 8-bit bytes arrive as surrogates: decode them like a body.
    raw = text.encode("utf-8", "surrogateescape")
    return " ".join(decode_bytes(raw, None).split())


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        payload = str(part.get_payload()).encode("utf-8", "replace")
    return decode_bytes(payload, part.get_content_charset())


def _body(msg: Message) -> str:
    plain: list[str] = []
    html: list[str] = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain":
            plain.append(_part_text(part))
        elif ctype == "text/html":
            html.append(_part_text(part))
        elif ctype == "message/rfc822":
            continue
    if plain:
        return "\n\n".join(plain)
    return "\n\n".join(html_to_text(h) for h in html)


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
    if not raw.strip():
        return ParsedMessage(error="empty message")
    try:
        # compat32 parses headers lazily and is several times faster than
        # policy.default; _header decodes what analysis needs.
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as exc:  # the parser is lenient, but a batch must never die
        return ParsedMessage(error=f"unparseable message: {exc}")
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
        return ParsedMessage(**fields, error=f"unreadable body: {exc}")  # type: ignore[arg-type]
    error = "" if body.strip() else "no text body"
    # Structural defects (a missing closing boundary: a truncated message) live on
    # the parts, so they are collected from every part.
    defects = dict.fromkeys(type(d).__name__ for part in msg.walk() for d in part.defects)
    if defects and not error:
        error = "; ".join(defects)
    return ParsedMessage(**fields, body=body, error=error)  # type: ignore[arg-type]


def message_text(raw: bytes, *, default_subject: str = "") -> tuple[str, str]:
    """(subject, body) of a raw .eml message, or of plain text if it is not one."""
    head = raw[:2048].lstrip()
    if b":" in head.split(b"\n", 1)[0]:
        parsed = parse_message(raw)
        if parsed.body:  # a readable body despite a defect beats the raw source
            return parsed.subject or default_subject, parsed.body
    return default_subject, decode_bytes(raw, None)
