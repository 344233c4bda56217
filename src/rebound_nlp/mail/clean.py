"""Clean an email body: HTML to text, quoted replies, forwards, signatures.

What is removed is what the sender did not write for this message: quoted
earlier mail, the forwarding wrapper (the forwarded email itself is kept),
the signature after a ``-- `` line and legal footers at the end.
"""

from __future__ import annotations

import re

__all__ = ["clean_body", "html_to_text"]

_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Original Message)\s*-{2,}|Begin forwarded message:)"
    r"\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_FORWARD_HEADER = re.compile(r"^\s*\**(?:From|Date|Sent|Subject|To|Cc)\**:", re.IGNORECASE)
_REPLY = re.compile(
    r"^\s*(?:On\s(?:(?!\n\s*\n).){0,300}?wrote:|-{2,}\s*Original Message\s*-{2,})\s*$",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
_OUTLOOK_REPLY = re.compile(r"^\s*From:\s.+\n\s*(?:Sent|Date):\s.+\n", re.MULTILINE)
_SIGNATURE = re.compile(r"^-- ?$", re.MULTILINE)
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_FOOTER = re.compile(
    r"^\s*(?:CONFIDENTIALITY|DISCLAIMER|This (?:e-?mail|message)(?: and any attachments?)?"
    r" (?:is|are|may be) (?:confidential|intended))",
    re.IGNORECASE | re.MULTILINE,
)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML body (links and images dropped)."""
    import html2text

    converter = html2text.HTML2Text()
    converter.ignore_links = True
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.body_width = 0
    converter.unicode_snob = True  # keep accents written as entities
    # Email templates lay out whole letters in tables; as markdown tables their
    # paragraphs would be glued into one cell line ("Dear Sam,We regret.").
    # Rendering cells as plain blocks keeps paragraphs; the space after each cell
    # keeps neighbouring cells apart.
    converter.ignore_tables = True
    return converter.handle(_CELL_END.sub(r"\g<0> ", html))


def _unforward(text: str) -> str:
    match = _FORWARD.search(text)
    if not match:
        return text
    if "original message" in match.group().lower() and text[: match.start()].strip():
        # Outlook uses this line for replies too: below the sender's own text it
        # starts the quoted mail (cut by _REPLY), not a forwarded one.
        return text
    lines = text[match.end():].lstrip("\n").split("\n")
    k = 0
    while k < len(lines) and (_FORWARD_HEADER.match(lines[k]) or not lines[k].strip()):
        k += 1
    return "\n".join(lines[k:])


def clean_body(text: str) -> str:
    """Return the part of ``text`` written for this message.

    Idempotent: cleaning a cleaned body changes nothing.

    Examples
    --------
    >>> clean_body("Thanks, no.\\n\\nOn Mon, 3 Jun 2024, Sam wrote:\\n> Any news?\\n")
    'Thanks, no.'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A pass can uncover more to remove (a forward inside a forward, a footer that
    # only passes the 40% mark once trailing blank lines are gone), so repeat until
    # nothing changes.  Every pass only deletes text, so this ends.
    while (cleaned := _clean_once(text)) != text:
        text = cleaned
    return cleaned


def _clean_once(text: str) -> str:
    text = _unforward(text)
    for pattern in (_REPLY, _OUTLOOK_REPLY):
        match = pattern.search(text)
        if match and match.start() > 0:
            text = text[: match.start()]
    text = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))
    match = _SIGNATURE.search(text)
    if match and match.start() > 0:
        text = text[: match.start()]
    match = _FOOTER.search(text)
    if match and match.start() > len(text) * 0.4:
        text = text[: match.start()]
    return text.strip()
