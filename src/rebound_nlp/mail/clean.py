"""Clean an email body: HTML to text, quoted replies, forwards, signatures.

What is removed is what the sender did not write for this message: quoted
earlier mail, the forwarding wrapper (the forwarded email itself is kept),
the signature after a ``-- `` line and legal footers at the end.
"""

from __future__ import annotations

import re

__all__ = ["clean_body", "html_to_text"]

# Every pattern below is tried at each line start, so none may run on across
# lines before its first fixed character: a leading ``\s*`` would rescan every
# following blank line from every line start (quadratic in blank lines).  ``_H``
# is whitespace except the line break, and matches start after the indentation
# (:func:`_block_start` finds where the blank lines before a match begin).
_H = r"[^\S\n]*"
_FORWARD = re.compile(
    rf"^{_H}(?:-{{2,}}\s*(?:Forwarded message|Original Message)\s*-{{2,}}"
    rf"|Begin forwarded message:){_H}$",
    re.IGNORECASE | re.MULTILINE,
)
_FORWARD_HEADER = re.compile(r"^\s*\**(?:From|Date|Sent|Subject|To|Cc)\**:", re.IGNORECASE)
_REPLY = re.compile(
    rf"^{_H}(?:On\s(?:(?!\n{_H}\n).){{0,300}}?wrote:|-{{2,}}\s*Original Message\s*-{{2,}}){_H}$",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
_OUTLOOK_REPLY = re.compile(rf"^{_H}From:\s.+\n\s*(?:Sent|Date):\s.+\n", re.MULTILINE)
_SIGNATURE = re.compile(r"^-- ?$", re.MULTILINE)
_NON_SPACE = re.compile(r"\S")
_CELL_END = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_FOOTER = re.compile(
    rf"^{_H}(?:CONFIDENTIALITY|DISCLAIMER|This (?:e-?mail|message)(?: and any attachments?)?"
    r" (?:is|are|may be) (?:confidential|intended))",
    re.IGNORECASE | re.MULTILINE,
)

# What the patterns need besides ``--``: "wrote:" (_REPLY), "from:" (_OUTLOOK_REPLY),
# "begin forwarded" (_FORWARD) and the words of _FOOTER.
_NEEDED = ("wrote:", "from:", "begin forwarded", "disclaimer", "confidential", "intended")
# The letters ignore-case patterns take for ASCII ones that lower() leaves apart:
# dotted and dotless i, long s (the Kelvin sign lowers to k).
_TO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


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


def _block_start(text: str, start: int) -> int:
    """Where the blank lines before the line starting at ``start`` begin: the
    start of a match had the pattern begun with ``^\\s*``."""
    before = text[:start].rstrip()
    return text.find("\n", len(before)) + 1 if before else 0


class _FirstMatch:
    """The first match of a pattern at or after a position that only moves
    forward: each part of the text is searched once."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self.pattern, self.text = pattern, text
        self.match: re.Match[str] | None = None
        self.searched = -1

    def at_or_after(self, pos: int) -> re.Match[str] | None:
        if self.searched < 0 or (self.match is not None and self.match.start() < pos):
            self.match = self.pattern.search(self.text, pos)
            self.searched = pos
        return self.match


def _unforward(text: str) -> str:
    """The text after the forwarding wrappers (marker lines and headers).

    A forward inside a forward is unwrapped in the same pass, as repeated
    passes of :func:`_clean_once` would, except that quoted mail or a
    signature after some text ends the text there, forwards and all.  Each
    pattern is searched forwards only, so this is one pass over the text
    however many forwards there are.
    """
    pos, end = 0, len(text)
    cuts = [_FirstMatch(p, text) for p in (_REPLY, _OUTLOOK_REPLY, _SIGNATURE)]
    while match := _FORWARD.search(text, pos, end):
        if "original message" in match.group().lower() and text[pos : match.start()].strip():
            # Outlook uses this line for replies too: below the sender's own text it
            # starts the quoted mail (cut by _REPLY), not a forwarded one.
            break
        pos = match.end()
        while pos < end and text[pos] == "\n":
            pos += 1
        # Skip the forwarded headers and blank lines, a line at a time.
        while pos < end:
            stop = text.find("\n", pos, end)
            stop = end if stop < 0 else stop
            line = text[pos:stop]
            if line.strip() and not _FORWARD_HEADER.match(line):
                break
            pos = stop + 1
        pos = min(pos, end)
        # What _clean_once cuts from the rest (quoted mail, a signature) holds
        # no forward for the next pass to unwrap.
        for first in cuts:
            cut = first.at_or_after(pos)
            if cut and cut.start() < end and _has_text(text, pos, cut.start(),
                                                       quotes=first.pattern is not _SIGNATURE):
                end = cut.start()
    return text[pos:end] if pos else text


def _has_text(text: str, pos: int, end: int, *, quotes: bool) -> bool:
    """Whether ``text[pos:end]`` holds more than whitespace (and, unless
    ``quotes``, more than quoted lines, which go before signatures are cut)."""
    while found := _NON_SPACE.search(text, pos, end):
        line_start = text.rfind("\n", 0, found.start()) + 1
        if quotes or text[found.start()] != ">" or text[line_start : found.start()].strip():
            return True
        stop = text.find("\n", found.start(), end)
        if stop < 0:
            return False
        pos = stop
    return False


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


def _may_cut(text: str) -> bool:
    """Whether any pattern above could match ``text`` (``>`` starts a quote)."""
    if "--" in text or ">" in text:
        return True
    folded = (text if text.isascii() else text.translate(_TO_ASCII)).lower()
    return any(word in folded for word in _NEEDED)


def _clean_once(text: str) -> str:
    if not _may_cut(text):
        return text.strip()
    text = _unforward(text)
    for pattern in (_REPLY, _OUTLOOK_REPLY):
        match = pattern.search(text)
        if match and (start := _block_start(text, match.start())) > 0:
            text = text[:start]
    if ">" in text:
        text = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))
    match = _SIGNATURE.search(text)
    if match and match.start() > 0:
        text = text[: match.start()]
    match = _FOOTER.search(text)
    if match and _block_start(text, match.start()) > len(text) * 0.4:
        text = text[: match.start()]
    return text.strip()
