"""employer_of() and role_of(): rules that name the employer and the job of an email."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from _jobsearch import JOBSEARCH, SAMPLES, load_script
from rebound_nlp.mail import employer, iter_mailbox, parse_message
from rebound_nlp.mail.employer import company_of, employer_key, employer_of, role_key, role_of

EMPLOYERS = {
    "domain-hyphen": ("Jo <jo@orrin-systems.com>", "", "", "Orrin Systems"),
    "domain-joined-name-ending": ("Jo <jo@orrinsystems.com>", "", "", "Orrin Systems"),
    "domain-spelled-by-text": ("Jo <jo@pebbleandvine.co.uk>", "Hello",
                               "Thanks for applying to Pebble & Vine.", "Pebble & Vine"),
    "domain-accents-from-text": ("HR <hr@sondergaard-hoj.dk>", "Your application to "
                                 "Søndergaard & Høj", "", "Søndergaard & Høj"),
    "domain-fuller-name": ('"Velora Travel Careers" <jobs@velora.example>', "", "",
                           "Velora Travel"),
    "known-ats-display-name": ('"Kestrel Recruiting" <no-reply@hire.lever.co>', "", "",
                               "Kestrel"),
    "ats-subdomain": ("<no-reply@brightwater.myworkday.com>", "", "", "Brightwater"),
    "platform-resolved-by-text": (
        '"HireLoop" <no-reply@mail.hireloop.io>', "Your application",
        "Thank you for your interest in the Data Analyst role at Orrin Systems.\n\n"
        "The Orrin Systems Talent Team", "Orrin Systems"),
    "platform-via-display-name": ('"Quill & Ember via JobForge" <no-reply@jobforge.io>', "",
                                  "", "Quill & Ember"),
    "signature-title-comma": ("Recruitment <noreply@notify.recruitbase.io>", "Update",
                              "We will not proceed.\n\nAisha\nTalent Lead, Harbourline Logistics",
                              "Harbourline Logistics"),
    "employer-noreply-keeps-domain": ('"Pinecrest Careers" <no-reply@pinecrest-bank.com>', "",
                                      "Thanks for applying to Pinecrest Bank.", "Pinecrest Bank"),
    "public-mail-person": ("Jo Smith <jo@gmail.com>", "Lunch?", "See you at noon.", ""),
    "public-mail-forwarded-rejection": (
        "Me <me@outlook.com>", "Fwd: your application",
        "We won't be moving you forward for the Product Analyst role at Quarry Labs.",
        "Quarry Labs"),
    "empty": ("", "", "", ""),
    "garbage-header": ("<<<@@@>>>", "", "", ""),
}


@pytest.mark.parametrize(("sender", "subject", "body", "expected"), EMPLOYERS.values(),
                         ids=list(EMPLOYERS))
def test_employer_of(sender: str, subject: str, body: str, expected: str) -> None:
    assert employer_of(sender, subject, body) == expected


ROLES = {
    "subject-after-dash": ("Offer of employment - Data Analyst", "", "Data Analyst"),
    "subject-before-dash": ("Junior BI Developer \u2013 interview outcome", "",
                            "Junior BI Developer"),
    "subject-requisition": ("Application received: Backend Engineer (REQ-4471)", "",
                            "Backend Engineer"),
    "subject-at-employer": ("Re: Analytics Engineer at Tessellate - intro call?", "",
                            "Analytics Engineer"),
    "body-the-x-role": ("Your application", "Thanks for applying for the Head of Data role.",
                        "Head of Data"),
    "body-post-of": ("Update", "Thank you for applying for the post of Policy Analyst.",
                     "Policy Analyst"),
    "body-lower-case": ("Update", "Thanks for your interest in the data analyst position.",
                        "data analyst"),
    "body-wins-over-subject": ("Data role", "We enjoyed meeting you about the Senior Data "
                               "Engineer position.", "Senior Data Engineer"),
    "clause-after-greeting": ("Application status", "Jordan,\n\nThe Junior Data Engineer "
                              "position has been filled.", "Junior Data Engineer"),
    "capital-noun": ("Update", "We have filled the Junior Data Engineer Position. Thanks.",
                     "Junior Data Engineer"),
    "capital-context": ("Update", "THANK YOU FOR APPLYING FOR THE Senior Analyst job.",
                        "Senior Analyst"),
    "capital-noun-not-ascii": ("Update", "We have filled the Junior Data Engineer Position, "
                               "thanks to Bj\u00f6rn.", "Junior Data Engineer"),
    "nothing": ("Lunch on Friday?", "See you at noon at the usual place.", ""),
    "not-a-role": ("Your parcel", "Your parcel has left our depot.", ""),
}


@pytest.mark.parametrize(("subject", "body", "expected"), ROLES.values(), ids=list(ROLES))
def test_role_of(subject: str, body: str, expected: str) -> None:
    assert role_of(subject, body) == expected


def test_keys_agree_across_spellings() -> None:
    assert employer_key("Lumen & Hart") == employer_key("Lumenandhart") == employer_key(
        "Lumen and Hart Ltd")
    assert employer_key("Orrin Systems") != employer_key("Orrin Labs")
    assert role_key("Data analyst (R-12)") == role_key("Data Analyst")


def test_company_of_is_still_exported_from_batch() -> None:
    from rebound_nlp.batch import company_of as from_batch

    assert from_batch is company_of
    assert company_of('"Acme Robotics Careers" <no-reply@acme-robotics.com>') == "Acme Robotics"


@given(st.text(max_size=200), st.text(max_size=200), st.text(max_size=600))
def test_never_raises(sender: str, subject: str, body: str) -> None:
    assert isinstance(employer_of(sender, subject, body), str)
    assert isinstance(role_of(subject, body), str)


def test_jobsearch_sample_is_reproducible(tmp_path: Path) -> None:
    out = tmp_path / "jobsearch.mbox"
    subprocess.run([sys.executable, str(SAMPLES / "make_jobsearch.py"), str(out)], check=True,
                   capture_output=True)
    assert out.read_bytes() == JOBSEARCH.read_bytes()


def test_jobsearch_sample_employers_and_roles() -> None:
    """Every job message of the sample names its employer and, where stated, its role."""
    script = load_script()
    messages = [raw for _, raw, _ in iter_mailbox(JOBSEARCH) if raw is not None]
    samples = script.ordered()
    assert len(messages) == len(samples) >= 40
    kinds = {s.kind for s in samples}
    assert kinds == {"rejection", "acknowledgement", "interview", "assessment", "offer",
                     "other_job", "not_job"}
    assert len({s.employer for s in samples if s.employer}) >= 8
    for sample, raw in zip(samples, messages, strict=True):
        parsed = parse_message(raw)
        assert parsed.error == "", parsed.subject
        if sample.kind in ("not_job", "other_job"):
            continue
        found = employer_of(parsed.sender, parsed.subject, parsed.body)
        assert employer_key(found) == employer_key(sample.employer), parsed.subject
        assert role_of(parsed.subject, parsed.body) == sample.role, parsed.subject


_LOOK_AHEADS = [
    *((found.pattern, look_ahead) for patterns in employer._ROLE_PATTERNS.values()
      for found, look_ahead in zip(patterns, ("(?=[rpvojiatc])", "(?=[proaicf])"), strict=True)),
    (employer._REQUISITION, "(?=[(\\[#rji])"),
    (employer._AT_RUN.pattern, "(?=at )"),
    (employer._EMPLOYER_PHRASES[0].pattern, "(?i:(?=a))"),
    (employer._EMPLOYER_PHRASES[1].pattern, "(?i:(?=[ijwob]))"),
]
_FOUND_AT_STARTS = [*employer._ROLE_PATTERNS[re.NOFLAG], employer._AT_RUN,
                    *employer._EMPLOYER_PHRASES]


# Pieces of what the patterns match, letters, and characters that match others
# when case is ignored (dotless i, dotted capital I, long s, Kelvin sign).
_PIECES = ["Role", "POSITION", "task", "offer you the position of", "as an", "applying for the",
           "for the", "Senior Analyst", "R-123", "JR 45", "(ab 1)", "[x]", "#A1", "\u0131d7",
           "role at ", "Applied to ", "joining ", "On behalf of ", "Orrin Systems", "welcome to ",
           "\u0130nterview", "ta\u017fk", "\u212aey", *"rpoajicf ()[]#-_,.0123456789"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_first_letter_look_aheads_change_no_match(text: str) -> None:
    for fast, look_ahead in _LOOK_AHEADS:
        assert fast.pattern.startswith(look_ahead)
        plain = re.compile(fast.pattern.removeprefix(look_ahead), fast.flags)
        assert ([(m.span(), m.groups()) for m in fast.finditer(text)]
                == [(m.span(), m.groups()) for m in plain.finditer(text)])


@settings(max_examples=300)
@given(st.lists(st.sampled_from([p for p in _PIECES if p.isascii()]), max_size=25).map("".join))
@example("We Offer You The Position Of Senior Analyst, As A Lead; Applying For The Role Of X.")
def test_role_patterns_find_the_same_in_lower_cased_ascii(text: str) -> None:
    sensitive, ignoring = employer._ROLE_PATTERNS.values()
    for lower, any_case in zip(sensitive, ignoring, strict=True):
        assert ([m.regs for m in lower.pattern.finditer(text.lower())]
                == [m.regs for m in any_case.pattern.finditer(text)])


@settings(max_examples=300)
@given(st.lists(st.sampled_from([p for p in _PIECES if p.isascii()]), max_size=25).map("".join))
@example("Thanks for applying to Applying To Orrin Systems at Orrin Systems")  # overlapping
def test_patterns_tried_at_their_starts_find_what_a_search_finds(text: str) -> None:
    for found in _FOUND_AT_STARTS:
        assert found.starts, found.pattern.pattern  # each has literal starts to go to
        for searched in (text, text.lower()):
            assert ([m.regs for m in found.finditer(searched, searched.lower())]
                    == [m.regs for m in found.pattern.finditer(searched)])


def _strip_team_words(name: str) -> str:
    """Team words stripped from the end one at a time, as long as one ends the name."""
    changed = True
    while changed:
        changed = False
        for word in employer._TEAM_WORDS:
            if name.endswith(" " + word):
                name, changed = name[: -len(word) - 1], True
    return name


@given(st.lists(st.sampled_from(["Orrin", "Systems", "Talent", "Acquisition", "Team", "HR",
                                 "People", "Careers", "Jobs", "Hiring", "Recruiting", "the",
                                 "", " "]), max_size=8))
def test_team_words_are_stripped_as_one_at_a_time(words: list[str]) -> None:
    name = " ".join(words)
    assert employer._TEAM_SUFFIX.sub("", name) == _strip_team_words(name)


def _fold_slowly(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", unicodedata.normalize(
        "NFKD", text.translate(employer._FOLD)).lower())


@given(st.lists(st.text(max_size=8) | st.sampled_from(["Søren", "Straße", "ǅ", "ﬁx", "Ⅻ", "İ",
                                                        "&", "and", "Σ"]), max_size=6))
def test_fold_is_the_words_folds_joined(words: list[str]) -> None:
    """The ASCII shortcut folds as the slow way does, and a text folds to its words' folds
    joined, which the spelling search relies on."""
    text = " ".join(words)
    assert employer._fold(text) == _fold_slowly(text)
    assert employer._fold(text) == "".join(employer._fold(w) for w in text.split(" "))


def _spelling_slowly(core: str, texts: list[str]) -> str:
    """The spelling search folding each sub-run as a whole, as it first did."""
    target, found = employer._fold(core), Counter[str]()
    for text in texts:
        if target[:4] not in employer._fold(text):
            continue
        for line in text.split("\n"):
            for match in employer._RUN_RE.finditer(line):
                words = match.group().split()
                for i in range(len(words)):
                    for j in range(i + 1, min(len(words), i + 6) + 1):
                        run = " ".join(words[i:j])
                        if run.split()[0] in ("&", "and", "of") or run.split()[-1] in (
                                "&", "and", "of"):
                            continue
                        forms = {employer._fold(run)}
                        if "&" in run:
                            forms.add(employer._fold(re.sub(r"\s*&\s*", " and ", run)))
                        if " and " in run:
                            forms.add(employer._fold(run.replace(" and ", " ")))
                        if target in forms or (
                                len(run.split()) >= 2
                                and employer._fold(" ".join(run.split()[:-1])) == target
                                and run.split()[-1].lower() in employer._NAME_ENDINGS):
                            found[run] += 1
    if not found:
        return ""
    return max(found, key=lambda s: (len(s.split()), found[s], sum(c.isupper() for c in s)))


_NAME_PIECES = ["Pebble", "Vine", "Velora", "Travel", "&", "and", "of", "Søn", "P&V", "The",
                "pebble", " ", "  ", "\n", ", ", "Labs"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_NAME_PIECES), max_size=20).map(" ".join),
       st.sampled_from(["pebbleandvine", "pebblevine", "velora", "sonpv", "pebble"]))
def test_spelling_search_finds_what_folding_each_run_finds(text: str, core: str) -> None:
    assert employer._spelling(core, [text]) == _spelling_slowly(core, [text])
