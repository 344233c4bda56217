"""Text made safe once, where it enters the library: caps, surrogates, BOMs.

Every boundary (:func:`~rebound_nlp.advise`, :func:`~rebound_nlp.analyse`,
mail parsing, the spaCy pipeline, training data) passes its strings through
:func:`safe_text`, so nothing downstream sees a lone surrogate (which spaCy's
string store cannot encode) or more text than it needs.  Only the standard
library is used here: importing it is cheap.
"""

from __future__ import annotations

import re

__all__ = [
    "MAX_BODY_CHARS",
    "MAX_CHARS",
    "MAX_HEADER_CHARS",
    "MAX_MESSAGE_BYTES",
    "bom_encoding",
    "safe_text",
]

#: Characters of a body that are analysed (spaCy and the model).
MAX_CHARS = 20_000
#: Characters of a raw body read before cleaning (quotes, signatures and
#: footers are removed from these), so cleaning never sees a huge part.
MAX_BODY_CHARS = 5 * MAX_CHARS
#: Characters kept of a subject or any other header.
MAX_HEADER_CHARS = 1_000
#: Bytes of one raw message that are parsed; the text of an email comes
#: first, what lies beyond is attachments.
MAX_MESSAGE_BYTES = 8 * 2**20

_SURROGATE = re.compile("[\ud800-\udfff]")
# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def safe_text(text: str, limit: int | None = None) -> str:
    """``text`` cut to ``limit`` characters, with every lone surrogate replaced.

    Surrogates (from ``surrogateescape`` decoding, UTF-7 or escaped JSON) are
    not characters and cannot be encoded; each becomes one U+FFFD, so
    offsets into the text stay valid.

    Examples
    --------
    >>> safe_text("caf\\udce9 ok")
    'caf\\ufffd ok'
    >>> safe_text("abcdef", 3)
    'abc'
    """
    if limit is not None and len(text) > limit:
        text = text[:limit]
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub("\ufffd", text)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark at the start of ``data`` declares, and its length.

    Examples
    --------
    >>> bom_encoding(b"\\xff\\xfeH\\x00i\\x00")
    ('utf-16-le', 2)
    >>> bom_encoding(b"Hi") is None
    True
    """
    for mark, encoding in _BOMS:
        if data.startswith(mark):
            return encoding, len(mark)
    return None
