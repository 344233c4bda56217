"""Hostile text: surrogates, byte-order marks, huge parts and subjects (issue 9).

Text is made safe once where it enters (``rebound_nlp.text.safe_text``); these
probes come from an audit in which each of them crashed a run or gave a wrong
answer.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_nlp import advise
from rebound_nlp.mail import clean as clean_module
from rebound_nlp.mail import message_text, parse_message
from rebound_nlp.mail import parse as parse_module
from rebound_nlp.mail.parse import decode_bytes
from rebound_nlp.text import (
    MAX_BODY_CHARS,
    MAX_CHARS,
    MAX_HEADER_CHARS,
    MAX_MESSAGE_BYTES,
    safe_text,
)
from test_advise import check_advice

REJECTION = "Unfortunately we will not be moving forward with your application."
INVITE = ("Hi Sam,\n\nThanks for applying to Brightline. We'd like to invite you to a "
          "30-minute phone interview next week. Please pick a time that suits you.\n\n"
          "Best,\nMara\n")


def _eml(*headers: str, body: bytes, sender: str = "Recruiter <jobs@acme.example>") -> bytes:
    return "\r\n".join((f"From: {sender}", *headers)).encode() + b"\r\n\r\n" + body


# --------------------------------------------------------------------------- surrogates

SURROGATE_TEXTS = {
    "lone-low-surrogate": "We regret \udcff to tell you no.",
    "lone-high-surrogate": "\ud800 Unfortunately we will not be moving forward.",
    "surrogateescape-decoded": b"We regret \xe9\xff to say no.".decode("utf-8", "surrogateescape"),
    "only-a-surrogate": "\udcff",
    "pair-as-two-code-points": "Sorry \ud83d\ude00 no.",
}


@pytest.mark.parametrize("body", SURROGATE_TEXTS.values(), ids=list(SURROGATE_TEXTS))
def test_advise_survives_surrogates(body: str) -> None:
    advice = advise(body, subject="Re: \udcff")
    check_advice(advice, safe_text(body))
    assert "\udcff" not in str(advice.to_dict())


def test_safe_text_keeps_offsets() -> None:
    text = "a\udcffb\ud800c"
    assert safe_text(text) == "a\ufffdb\ufffdc"
    assert len(safe_text(text)) == len(text)
    assert safe_text(text, 2) == "a\ufffd"
    assert safe_text("plain") == "plain"


SURROGATE_MESSAGES = {
    "subject-utf7-encoded-word": _eml("Subject: =?utf-7?q?+2AA-?=", body=REJECTION.encode()),
    "body-declared-utf7": _eml("Subject: outcome", "Content-Type: text/plain; charset=utf-7",
                               body=b"We regret +2AA- that " + REJECTION.encode()),
    "body-declared-unicode-escape": _eml(
        "Subject: outcome", "Content-Type: text/plain; charset=unicode_escape",
        body=b"We regret \\udcff that " + REJECTION.encode()),
    "body-declared-raw-unicode-escape": _eml(
        "Subject: outcome", "Content-Type: text/plain; charset=raw-unicode-escape",
        body=b"\\ud800 " + REJECTION.encode()),
    "sender-utf7": _eml("Subject: x", body=REJECTION.encode(),
                        sender="=?utf-7?b?KzJBQS0=?= <a@b.example>"),
    "message-id-8bit": _eml("Subject: x", "Message-ID: <\xff\xfe@x>", body=REJECTION.encode()),
}


@pytest.mark.parametrize("raw", SURROGATE_MESSAGES.values(), ids=list(SURROGATE_MESSAGES))
def test_parsed_messages_hold_no_surrogates(raw: bytes) -> None:
    parsed = parse_message(raw)
    for value in (parsed.subject, parsed.body, parsed.sender, parsed.message_id, parsed.error):
        assert value == safe_text(value)
        value.encode("utf-8")
    assert "moving forward" in parsed.body
    check_advice(advise(parsed.body, parsed.subject), parsed.body)


def test_escape_codecs_are_not_charsets() -> None:
    # A declared unicode_escape would turn "\\x41" into "A": it is read as UTF-8.
    assert decode_bytes(b"\\x41\\udcff", "unicode_escape") == "\\x41\\udcff"


# Every Unicode category, surrogates (Cs) and unassigned code points (Cn) included.
CATEGORIES = ("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd",
              "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc",
              "Cf", "Cs", "Co", "Cn")
any_character = st.one_of([st.characters(categories=[c]) for c in CATEGORIES])  # type: ignore[list-item]
hostile_texts = st.one_of(
    st.text(any_character, max_size=300),
    st.lists(st.one_of(st.sampled_from([REJECTION, "\n", "\n\n", " ", "Dear Sam,", "SQL"]),
                       st.text(any_character, max_size=5)), max_size=30).map("".join),
)


def test_strategy_covers_every_category() -> None:
    assert {unicodedata.category(chr(c)) for c in range(0x110000)} == set(CATEGORIES)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=hostile_texts, subject=st.text(any_character, max_size=30))
def test_any_unicode_gives_valid_advice(body: str, subject: str) -> None:
    check_advice(advise(body, subject), safe_text(body))


# --------------------------------------------------------------------------- byte-order marks

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"],
                         ids=["utf-16-le-bom", "utf-16-be-bom", "utf-32-bom", "utf-8-bom"])
def test_byte_order_marks_are_honoured(encoding: str) -> None:
    data = INVITE.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    assert decode_bytes(data, None) == INVITE
    assert decode_bytes(data, "windows-1252") == INVITE  # the mark beats a wrong label
    subject, body = message_text(data)
    assert (subject, body) == ("", INVITE)


def test_a_stray_byte_after_a_mark_is_replaced() -> None:
    assert decode_bytes(b"\xff\xfe" + "Hi".encode("utf-16-le") + b"\x00", None) == "Hi\ufffd"


def test_utf16_invitation_is_not_a_rejection() -> None:
    """The audit's probe: piped as UTF-16, an invitation scored 1.0 as a rejection."""
    subject, body = message_text(INVITE.encode("utf-16"))
    assert not advise(body, subject).is_rejection


def test_utf16_eml_is_parsed() -> None:
    raw = ("Subject: Interview\r\nFrom: Mara <mara@brightline.example>\r\n\r\n" + INVITE)
    parsed = parse_message(raw.encode("utf-16"))
    assert parsed.subject == "Interview"
    assert parsed.body.startswith("Hi Sam,")
    assert parsed.error == ""


# --------------------------------------------------------------------------- caps

def test_subject_is_capped() -> None:
    parsed = parse_message(_eml("Subject: " + "Re: " * 500_000, body=REJECTION.encode()))
    assert len(parsed.subject) <= MAX_HEADER_CHARS
    assert parsed.body == REJECTION


def test_body_is_capped_before_cleaning(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = parse_module.clean_body

    def recording(text: str) -> str:
        seen.append(len(text))
        return real(text)

    monkeypatch.setattr(parse_module, "clean_body", recording)
    huge = base64.encodebytes(("We regret to say no. " * 200_000).encode())  # 4 MB of text
    raw = _eml("Subject: s", "Content-Type: text/plain; charset=utf-8",
               "Content-Transfer-Encoding: base64", body=huge)
    parsed = parse_message(raw)
    assert seen == [MAX_BODY_CHARS]
    assert parsed.body.startswith("We regret to say no.")
    html = _eml("Subject: s", "Content-Type: text/html", body=b"<p>No.</p>" * 100_000)
    seen.clear()
    assert parse_message(html).body.startswith("No.")
    assert seen[0] <= MAX_BODY_CHARS


def test_cut_inside_a_character_keeps_the_charset() -> None:
    # 4-byte characters straddle the cut: the text must not fall back to Windows-1252.
    raw = _eml("Subject: s", "Content-Type: text/plain; charset=utf-8",
               "Content-Transfer-Encoding: base64",
               body=base64.encodebytes(("é😀" * 300_000).encode()))
    body = parse_message(raw).body
    assert set(body) <= {"é", "😀"}


def test_huge_message_is_cut_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_module, "MAX_MESSAGE_BYTES", 4096)
    raw = _eml("Subject: s", body=REJECTION.encode() + b"\r\n" + b"x" * 10_000)
    parsed = parse_message(raw)
    assert parsed.body.startswith(REJECTION)
    assert "only its start was read" in parsed.error
    assert MAX_MESSAGE_BYTES >= 2**20


def test_advise_caps_subject_and_body() -> None:
    advice = advise(REJECTION + " x" * MAX_CHARS, subject="s" * 5_000_000)
    check_advice(advice, REJECTION + " x" * MAX_CHARS)


# --------------------------------------------------------------------------- linear cleaning

class _Counting:
    """A compiled pattern that counts the characters its searches run over: up to
    the end of the match, or to the end of the text when there is none."""

    def __init__(self, pattern: re.Pattern[str], counter: list[int]) -> None:
        self.wrapped, self.counter = pattern, counter

    def _count(self, found: re.Match[str] | None, pos: int, end: int) -> re.Match[str] | None:
        self.counter[0] += max(0, (found.end() if found else end) - pos)
        return found

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(text) if endpos is None else min(endpos, len(text))
        return self._count(self.wrapped.search(text, pos, end), pos, end)

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(text) if endpos is None else min(endpos, len(text))
        return self._count(self.wrapped.match(text, pos, end), pos, end)


ADVERSARIAL = {
    "whitespace-lines": lambda n: "x\n" + " \n" * n + "y",
    "tab-lines-then-footer": lambda n: "x\n" + "\t \t\n" * n + "CONFIDENTIALITY",
    "nested-forwards": lambda n: "---------- Forwarded message ---------\n" * n + "hi",
    "forwards-between-text": lambda n: "Begin forwarded message:\nx\n" * n,
    "original-message-lines": lambda n: "x\n-----Original Message-----\n" * n,
    "on-lines-never-wrote": lambda n: "On a\n" * n,
    "from-lines": lambda n: "From: a\n\n\n" * n,
    "quoted-lines": lambda n: "> a\n" * n + "-- \n",
    "signatures": lambda n: "x\n-- \n" * n,
    "forwards-quotes-signatures": lambda n: "Begin forwarded message:\n> q\n-- \n" * n,
}


def _cleaning_work(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(characters handed to regular expressions, cleaning passes) for one clean_body."""
    counter, passes = [0], [0]
    for name in ("_FORWARD", "_FORWARD_HEADER", "_REPLY", "_OUTLOOK_REPLY", "_SIGNATURE",
                 "_FOOTER", "_NON_SPACE"):
        monkeypatch.setattr(clean_module, name, _Counting(getattr(clean_module, name), counter))
    once = clean_module._clean_once

    def counted(text: str) -> str:
        passes[0] += 1
        return once(text)

    monkeypatch.setattr(clean_module, "_clean_once", counted)
    clean_module.clean_body(text)
    monkeypatch.undo()
    return counter[0], passes[0]


@pytest.mark.parametrize("make", ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_clean_body_is_linear(make: Callable[[int], str], monkeypatch: pytest.MonkeyPatch
                              ) -> None:
    """Timing-free: work is counted, not timed.  Ten times the input may cost ten
    times the work (with slack), never a hundred times."""
    small, large = make(1_000), make(10_000)
    work_small, passes_small = _cleaning_work(small, monkeypatch)
    work_large, passes_large = _cleaning_work(large, monkeypatch)
    assert passes_small <= 4 and passes_large <= 4
    assert work_large <= 25 * len(large)
    assert work_large <= 12 * work_small + 1_000


def test_no_pattern_rescans_blank_lines() -> None:
    """Each search pattern is tried at every line start, so its leading whitespace
    must stop at the line end; ``^\\s*`` would rescan all following blank lines."""
    for name in ("_FORWARD", "_REPLY", "_OUTLOOK_REPLY", "_FOOTER"):
        pattern = getattr(clean_module, name).pattern
        assert pattern.startswith("^[^\\S\\n]*"), name
        assert "\\n\\s*\\n" not in pattern, name
