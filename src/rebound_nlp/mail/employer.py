"""Who an email is from and which job it is about: employer and role, by rules.

The employer comes from three places, in this order of trust:

* the sender's domain, when it is the employer's own (``orrin-systems.com``);
  the text then only supplies the employer's own spelling ("Orrin Systems",
  "Pebble & Vine", "Søndergaard & Høj");
* the text, when the sender is a hiring platform, a no-reply relay or a
  public mail service: a signature such as "The Orrin Systems Talent Team",
  a phrase such as "the Data Analyst role at Orrin Systems", the subject;
* the sender's display name, cleaned of words like "Careers" or "Hiring Team".

The role comes from the subject and body where they state it ("the Data
Analyst role", "Offer of employment - Data Analyst").  Both functions return
``""`` when they find nothing they trust, and never raise.
"""

from __future__ import annotations

import email.utils
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache

from rebound_nlp.regex_parts import LiteralStarts

__all__ = ["company_of", "employer_key", "employer_of", "is_personal_address", "role_key",
           "role_of"]

# Hiring platforms that send mail on an employer's behalf (the label before the
# public suffix, or the one before that for company.platform.com addresses).
_ATS_DOMAINS = frozenset((
    "greenhouse", "lever", "workday", "myworkday", "smartrecruiters", "icims", "taleo",
    "jobvite", "ashbyhq", "workable", "bamboohr", "recruitee", "teamtailor", "personio",
    "successfactors", "breezy", "applytojob", "pinpointhq", "jazzhr", "rippling",
))
# Words that mark a domain as a hiring or mailing platform rather than an employer.
_PLATFORM_WORDS = ("hire", "hiring", "recruit", "talent", "career", "job", "apply", "ats")
_PUBLIC_DOMAINS = frozenset((
    "gmail", "googlemail", "outlook", "hotmail", "yahoo", "icloud", "aol", "proton",
    "protonmail", "gmx", "live", "mail", "me", "msn", "fastmail", "zoho", "yandex",
))
_SECOND_LEVEL = frozenset(("co", "com", "org", "net", "ac", "gov", "ltd", "plc", "edu"))
_NO_REPLY = re.compile(r"^(?:no-?reply|do-?not-?reply|donotreply|notifications?|mailer|"
                       r"bounce[\w-]*|jobs|careers|recruiting|talent|hr)\b", re.I)
_NAME_NOISE = ("hiring team", "recruiting team", "recruitment team", "talent acquisition",
               "talent team", "careers", "recruiting", "recruitment", "hr team", "people team",
               "no-reply", "noreply", "do not reply", "jobs", "hiring")
# Words that end a company's name in many domains; "orrinsystems" -> "Orrin Systems".
_NAME_ENDINGS = (
    "analytics", "systems", "labs", "lab", "health", "healthcare", "housing", "energy",
    "insurance", "logistics", "robotics", "software", "solutions", "consulting", "partners",
    "capital", "bank", "group", "studios", "studio", "media", "retail", "foods", "motors",
    "digital", "networks", "games", "therapeutics", "ventures", "works", "trust", "tech",
    "technologies", "data", "cloud", "security", "finance", "financial", "pharma", "bio",
    "engineering", "design", "freight", "travel", "mobility", "energy", "homes", "council",
)
_LEGAL = re.compile(r"(?:,?\s+(?:Ltd|Limited|Inc|LLC|LLP|plc|PLC|GmbH|AG|SA|BV|AB|Co)\.?)+$")
_TEAM_WORDS = ("Talent Acquisition Team", "Talent Acquisition", "Talent Team",
               "Recruiting Team", "Recruitment Team", "Hiring Team", "People Team", "HR Team",
               "Careers Team", "Talent", "Recruiting", "Recruitment", "Careers", "Hiring",
               "People", "HR", "Jobs", "Team")
# Team words at the end of a name, one space before each, as many as there are.
_TEAM_SUFFIX = re.compile("(?: (?:" + "|".join(map(re.escape, _TEAM_WORDS)) + "))+$")
_VIA = re.compile(r"\s+via\s+", re.I)
_THE = re.compile(r"^\s*The\s+")

_CAP = "A-ZÀ-ÖØ-Þ"
_WORD = rf"[{_CAP}0-9][\w'\u2019&+-]*(?:\.[\w]+)*"
# A run of capitalised words, allowing "&", "and", "of", "de" between them.
_RUN = rf"{_WORD}(?:(?: (?:&|and|of|de|du|van|von|y)| ) ?{_WORD})*"
_RUN_RE = re.compile(_RUN)
# Several patterns here open with a look-ahead for the first letters their
# matches can start with: the regex engine then skips to those, which halves its time.
# In ASCII text, LiteralStarts goes straight to the words their matches begin with.
# "the Data Analyst role at Orrin Systems": a run after "at", when the word before
# "at" is one of these (checked in code: one alternation per position is slow).
_AT_RUN = LiteralStarts(re.compile(rf"(?=at )\bat ({_RUN})"))
_AT_AFTER = frozenset((
    "role", "position", "job", "vacancy", "opening", "opportunity", "opportunities", "post",
    "team", "career", "careers", "interview", "interviews", "internship", "everyone", "here",
    "us", "work", "working", "offer", "applying", "applied", "application", "applications",
    "apply",
))
_EMPLOYER_PHRASES = [LiteralStarts(re.compile(p)) for p in (
    rf"(?i:(?=a))\b(?i:applying|applied|application|applications|apply) (?i:to|with) ({_RUN})",
    rf"(?i:(?=[ijwob]))\b(?i:interest in|interest in joining|interest in working (?:at|for|with)|"
    rf"join|joining|welcome to|on behalf of|offer from|behalf of) ({_RUN})",
)]
# Each with a search for what a line must hold for it to match: a cheap test first.
_SIGNATURE_LINES = [(re.compile(needs), re.compile(p)) for needs, p in (
    ("Talent|Recruit|Hiring|People|HR|Careers|Human Resources",
     rf"^(?:The )?({_RUN}?) (?:Talent Acquisition|Talent|Recruiting|Recruitment|Hiring|"
     rf"People|HR|Careers|Human Resources)(?: Team| Partner| Lead)?\.?$"),
    (", ", rf"^(?:[{_CAP}][\w ]{{0,40}}), ({_RUN})$"),  # "Talent Lead, Pebble & Vine Retail"
    (r" [·|] ", rf"^(?:[{_CAP}][\w ]{{0,40}}) [·|] ({_RUN})$"),  # "Zoë Marchetti · Copperleaf"
)]
_NOT_EMPLOYER = frozenset((
    "the", "a", "an", "our", "your", "we", "i", "you", "us", "this", "that", "dear", "hi",
    "hello", "thanks", "thank", "best", "regards", "kind regards", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "unfortunately", "please", "linkedin", "indeed", "glassdoor", "team", "hr",
))

_ROLE_HEADS = frozenset((
    "analyst", "engineer", "developer", "scientist", "manager", "designer", "consultant",
    "specialist", "coordinator", "assistant", "associate", "officer", "lead", "director",
    "administrator", "architect", "intern", "internship", "technician", "advisor", "adviser",
    "planner", "buyer", "clerk", "executive", "representative", "writer", "editor",
    "researcher", "accountant", "nurse", "teacher", "chef", "programmer", "tester",
    "strategist", "owner", "apprentice", "graduate", "trainee", "operator", "agent",
    "controller", "auditor", "economist", "statistician", "librarian", "producer",
    "marketer", "recruiter", "secretary", "receptionist", "supervisor", "therapist",
    "pharmacist", "lawyer", "solicitor", "paralegal", "cashier", "driver", "mechanic",
    "electrician", "head", "sre", "partner", "fellow", "lecturer", "copywriter", "modeller",
))
_ROLE_STOP = frozenset((
    "the", "a", "an", "our", "your", "this", "that", "for", "to", "at", "with", "as", "in",
    "on", "my", "their", "its", "of", "and", "new", "open", "same", "current", "exciting",
    "recent", "application", "applications", "applying", "applied", "interview", "re",
    "fwd", "fw", "update", "outcome", "invitation", "offer", "regarding", "about", "status",
))
_ROLE_CONNECTORS = frozenset(("of", "and", "&", "/", "-"))
_ROLE_EDGE_JUNK = _ROLE_CONNECTORS | _ROLE_STOP  # never the first or last word of a role
_STRONG_NOUNS = "role|position|vacancy|opening|post|job|opportunity|internship"
_WEAK_NOUNS = "offer|application|interview|interviews|assessment|test|task|challenge|process"
_STRONG_NOUN_SET = frozenset(_STRONG_NOUNS.split("|"))
# With first-letter look-aheads, as above.  Each ignores case; ASCII text is
# searched lower-cased with the case-sensitive twin, which is faster.
_ROLE_NOUN_PATTERN = rf"(?=[rpvojiatc])\b(?:{_STRONG_NOUNS}|{_WEAK_NOUNS})\b"
_ROLE_AFTER_PATTERN = (
    r"(?=[proaicf])\b(?:position of|role of|post of|offer(?: you)? the position of|as an?|"
    r"(?:applying|applied|application|apply|interview|interviewing|candidacy) for(?: the)?|"
    r"for the)\s+((?:[\w'\u2019/&+#.-]+ ?){1,6})"
)
_ROLE_PATTERNS = {case: (LiteralStarts(re.compile(_ROLE_NOUN_PATTERN, case)),
                         LiteralStarts(re.compile(_ROLE_AFTER_PATTERN, case)))
                  for case in (re.NOFLAG, re.IGNORECASE)}
_SUBJECT_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg|tr|sv|vs)\s*(?:\[\d+\])?:\s*)+", re.I)
_SUBJECT_SPLIT = re.compile(r"\s+[-\u2013\u2014|:]\s+|:\s+|,\s+|\s+[\u2013\u2014]\s*")
_REQUISITION = re.compile(r"(?=[(\[#rji])(?:\((?:[^()]{0,24}\d[^()]{0,24})\)|\[[^\]]{0,24}\]|"
                          r"#\s?\w*\d\w*|\b(?:R|JR|REQ|ID)[-_ ]?\d+\b)", re.I)
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ł": "l",
                       "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "œ": "oe", "Œ": "OE"})


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Søndergaard & Høj' -> 'sondergaardhoj'.

    It folds character by character, so a text folds to its words' folds joined.
    """
    if not text.isascii():  # ASCII is its own decomposition, and _FOLD maps none of it
        text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return _NOT_ALNUM.sub("", text.lower())


def employer_key(name: str) -> str:
    """A key under which spellings of one employer agree.

    Examples
    --------
    >>> employer_key("Pebble & Vine Ltd") == employer_key("pebble and vine")
    True
    """
    name = _LEGAL.sub("", name.strip())
    name = re.sub(r"\s*&\s*|\s+and\s+", " and ", name, flags=re.I)
    return _fold(name)


def role_key(role: str) -> str:
    """A key under which spellings of one role agree ('Data analyst' == 'Data Analyst')."""
    return " ".join(_fold(w) for w in _REQUISITION.sub(" ", role).split() if _fold(w))


def _domain_labels(address: str) -> tuple[str, str]:
    """(core, sub) labels of an address's domain: the name before the public suffix."""
    domain = address.rpartition("@")[2].lower().strip(". >")
    labels = [p for p in domain.split(".") if p]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        labels = labels[:-1]  # example.co.uk -> example.co
    if len(labels) < 2:
        return "", ""
    return labels[-2], labels[-3] if len(labels) >= 3 else ""


def _is_platform(core: str, sub: str) -> bool:
    if core in _ATS_DOMAINS or sub in _ATS_DOMAINS:
        return True
    return any(word in core for word in _PLATFORM_WORDS)


_ENDING_SET = frozenset(_NAME_ENDINGS)
_ENDING_LENGTHS = sorted({len(e) for e in _NAME_ENDINGS}, reverse=True)


def _split_domain(core: str) -> str:
    """'orrin-systems' -> 'Orrin Systems'; 'northgatehousing' -> 'Northgate Housing'."""
    words = [w for w in re.split(r"[-_]+", core) if w]
    out = []
    for word in words:
        # The longest name ending the word ends with, after at least 3 letters.
        for n in _ENDING_LENGTHS:
            if len(word) - n >= 3 and word[-n:] in _ENDING_SET:
                out += [word[:-n], word[-n:]]
                break
        else:
            out.append(word)
    return " ".join(w.capitalize() for w in out)


def _clean_name(name: str) -> str:
    """A display name or signature line without team words, 'via …' and legal suffixes."""
    name = _VIA.split(name, maxsplit=1)[0]
    name = _THE.sub("", name)
    name = _TEAM_SUFFIX.sub("", name)
    name = _LEGAL.sub("", name)
    return " ".join(name.replace(" at ", " ").split()).strip(" -|,.:;")


def _plausible(name: str) -> bool:
    key = _fold(name)
    return len(key) >= 2 and name.lower() not in _NOT_EMPLOYER and not _is_role(name)


def _is_role(text: str) -> bool:
    words = text.split()
    return bool(words) and words[-1].lower().strip(".,") in _ROLE_HEADS


def _run_words(text: str) -> Iterator[list[str]]:
    """The words of every capitalised run of ``text``."""
    for line in text.split("\n"):
        for match in _RUN_RE.finditer(line):
            yield match.group().split()


_RUN_EDGE = ("&", "and", "of")  # never the first or last word of a name


def _name_runs(words: list[str], target: str) -> Iterator[str]:
    """The sub-runs of up to 6 of ``words`` that spell the folded name ``target``: as
    written, with "&" read as "and", without "and", or before a name ending
    ("velora" -> "Velora Travel").  Sub-runs are folded from their words' folds."""
    plain = [_fold(w) for w in words]
    amp = [_fold(w.replace("&", "and")) for w in words]
    bare = ["" if w == "and" else f for w, f in zip(words, plain, strict=True)]
    for i in range(len(words)):
        if words[i] in _RUN_EDGE:
            continue
        for j in range(i + 1, min(len(words), i + 6) + 1):
            if words[j - 1] in _RUN_EDGE:
                continue
            if target in ("".join(plain[i:j]), "".join(amp[i:j]), "".join(bare[i:j])) or (
                    j - i >= 2 and "".join(plain[i:j - 1]) == target
                    and words[j - 1].lower() in _NAME_ENDINGS):
                yield " ".join(words[i:j])


def _spelling(core: str, texts: Iterable[str]) -> str:
    """The text's own spelling of the name in ``core`` ('pebbleandvine' -> 'Pebble & Vine')."""
    target = _fold(core)
    found: Counter[str] = Counter()
    for text in texts:
        if target[:4] not in _fold(text):
            continue  # the name is not in this text at all: skip the sub-runs
        for words in _run_words(text):
            found.update(_name_runs(words, target))
    if not found:
        return ""
    # The fullest name ("Velora Travel" over "Velora"), then the most frequent, then the
    # one with most capitals ("BrightWave" over "Brightwave").
    return max(found, key=lambda s: (len(s.split()), found[s], sum(c.isupper() for c in s)))


@lru_cache(maxsize=4096)  # a mailbox's senders repeat, and each parse takes about 10 µs
def _parse_address(sender: str) -> tuple[str, str]:
    return email.utils.parseaddr(sender)


def _head_and_tail(body: str, limit: int = 6000) -> str:
    """Long bodies: the opening and the signature are where names are; keep work bounded."""
    return body if len(body) <= limit else body[: limit - 1500] + "\n" + body[-1500:]


@lru_cache(maxsize=4)  # employer_of() and role_of() of one message collapse the same body
def _collapse(text: str) -> str:
    return " ".join(text.split())


def _text_candidates(subject: str, body: str) -> Counter[str]:
    """Employer names the text states, weighted by how much each source is trusted."""
    votes: Counter[str] = Counter()
    flat = _collapse(body)
    for source in (flat, _collapse(subject)):
        lowered = source.lower() if source.isascii() else None
        found = [m.group(1) for p in _EMPLOYER_PHRASES for m in p.finditer(source, lowered)]
        for match in _AT_RUN.finditer(source, lowered):
            before = source[max(0, match.start() - 40):match.start()].split()
            if before and before[-1].startswith("(") and before[-1].endswith(")"):
                before.pop()  # "the Data Analyst role (R-2291) at ..."
            if before and before[-1].lower().strip(",;:") in _AT_AFTER:
                found.append(match.group(1))
        for phrase in found:
            name = _clean_name(phrase)
            if _plausible(name):
                votes[name] += 2
    lines = body.split("\n")
    for line in lines[-15:] + lines[:3]:
        line = line.strip()
        for needs, pattern in _SIGNATURE_LINES:
            hit = needs.search(line) and pattern.match(line)
            if hit:
                name = _clean_name(hit.group(1))
                if _plausible(name):
                    votes[name] += 3
    for segment in _SUBJECT_SPLIT.split(_SUBJECT_PREFIX.sub("", subject)):
        segment = _REQUISITION.sub("", segment).strip()
        if _RUN_RE.fullmatch(segment) and _plausible(segment):
            votes[_clean_name(segment)] += 1
    return votes


def _merge(votes: Counter[str]) -> list[tuple[int, str]]:
    """Votes summed per employer key; each key shown in its most voted spelling."""
    by_key: dict[str, Counter[str]] = {}
    for name, count in votes.items():
        key = employer_key(name)
        if key:
            by_key.setdefault(key, Counter())[name] += count
    merged = [(sum(c.values()), max(c, key=lambda s: (c[s], len(s)))) for c in by_key.values()]
    merged.sort(key=lambda item: (-item[0], item[1]))
    return merged


def employer_of(sender: str, subject: str = "", body: str = "") -> str:
    """The employer an email is from, in the employer's own spelling ('' when unknown).

    Parameters
    ----------
    sender : str
        The From header, e.g. ``'"Orrin Careers" <no-reply@orrin-systems.com>'``.
    subject, body : str
        The subject and the cleaned body; they resolve hiring-platform and
        no-reply senders, and give the spelling of names read from a domain.

    Returns
    -------
    str
        The employer's name, or ``""``.

    Examples
    --------
    >>> employer_of("Jo <jo@orrin-systems.com>")
    'Orrin Systems'
    >>> employer_of("Jo <jo@pebbleandvine.com>", "", "Thanks for applying to Pebble & Vine.")
    'Pebble & Vine'
    >>> employer_of("Hiring <no-reply@mail.hireloop.io>", "Your application",
    ...             "Thank you for your interest in the Data Analyst role at Orrin Systems.\\n\\n"
    ...             "The Orrin Systems Talent Team")
    'Orrin Systems'
    >>> employer_of("Jo Smith <jo@gmail.com>", "Lunch?", "See you at noon.")
    ''
    """
    body = _head_and_tail(body)
    try:
        name, address = _parse_address(sender)
    except Exception:  # a malformed header must not stop a batch
        name, address = "", ""
    core, sub = _domain_labels(address)
    local = address.partition("@")[0]
    if core and core not in _PUBLIC_DOMAINS and not _is_platform(core, sub):
        own = _spelling(core, (name, subject, body)) or _split_domain(core)
        if not _NO_REPLY.match(local):
            return own
        # A no-reply address of the employer's own domain, or a relay: the text decides
        # only when it names another employer with confidence.
        ranked = _merge(_text_candidates(subject, body))
        if ranked and ranked[0][0] >= 4 and employer_key(ranked[0][1]) != employer_key(own):
            return ranked[0][1]
        return own
    platform = bool(core) and core not in _PUBLIC_DOMAINS
    votes = _text_candidates(subject, body)
    cleaned = _clean_name(name)
    if platform and cleaned and _plausible(cleaned) and _fold(cleaned) != _fold(core):
        votes[cleaned] += 2
    if platform and sub and sub not in _ATS_DOMAINS:
        spelled = _spelling(sub, (name, subject, body))
        if spelled:
            votes[spelled] += 2
    # The platform's own name is never the employer.
    ranked = [(score, n) for score, n in _merge(votes) if core not in (_fold(n), "")
              or not platform]
    if ranked and ranked[0][0] >= 2:
        return ranked[0][1]
    if platform and sub and sub not in _ATS_DOMAINS and core in _ATS_DOMAINS:
        return _split_domain(sub)
    return ""


def is_personal_address(sender: str) -> bool:
    """Whether a From header is an address at a public mail service (a person's own).

    Examples
    --------
    >>> is_personal_address("Robin <robin@gmail.com>"), is_personal_address("hr@orrin.com")
    (True, False)
    """
    try:
        address = _parse_address(sender)[1]
    except Exception:
        return False
    core, _ = _domain_labels(address)
    return core in _PUBLIC_DOMAINS


def company_of(sender: str) -> str:
    """Best guess of the employer from a From header alone ('' when unknown).

    Examples
    --------
    >>> company_of('"Acme Robotics Careers" <no-reply@acme-robotics.com>')
    'Acme Robotics'
    >>> company_of("Jo Smith <jo@gmail.com>")
    ''
    """
    name, address = _parse_address(sender)
    domain = address.rpartition("@")[2].lower()
    labels = [p for p in domain.split(".") if p]
    core = labels[-2] if len(labels) >= 2 else ""
    if core in _ATS_DOMAINS or (len(labels) >= 3 and labels[-3] in _ATS_DOMAINS):
        cleaned = name
        for noise in _NAME_NOISE:
            cleaned = cleaned.replace(noise, "").replace(noise.title(), "")
        return " ".join(cleaned.replace(" at ", " ").split()).strip(" -|,")
    if not core or core in _PUBLIC_DOMAINS:
        return ""
    return " ".join(w.capitalize() for w in core.replace("-", " ").replace("_", " ").split())


def _role_words(words: list[str], strong: bool, from_end: bool) -> str:
    """The role in ``words`` next to a context word, or ''."""
    picked: list[str] = []
    if not from_end and len(words) > 2 and words[0].lower() in _STRONG_NOUN_SET and (
            words[1].lower() == "of"):
        words = words[2:]  # "the post of Policy Analyst"
    seq = list(reversed(words)) if from_end else words
    for word in seq:
        bare = word.strip(".,;:!?()\"'“”")
        if not bare:
            break
        if from_end and picked and word[-1] in ",.;:!?":
            break  # "Jordan, The Junior Data Engineer position": the clause starts after it
        low = bare.lower()
        capital = bare[0].isupper() or bare[0].isdigit()
        if low in _ROLE_CONNECTORS and picked:
            picked.append(bare)
            continue
        if low in _ROLE_STOP and (not capital or picked):
            break
        if low in _ROLE_STOP and low not in _ROLE_HEADS and not picked and from_end:
            break
        if not capital and low not in _ROLE_HEADS and any(p[0].isupper() for p in picked):
            break
        picked.append(bare)
        if word != bare and not from_end and word[-1] in ".,;:!?)":
            break
    if from_end:
        picked.reverse()
    while picked and picked[0].lower() in _ROLE_EDGE_JUNK:
        picked.pop(0)
    while picked and picked[-1].lower() in _ROLE_EDGE_JUNK:
        picked.pop()
    if not picked or len(picked) > 6:
        return ""
    role = " ".join(picked)
    capitalised = all(w[0].isupper() or w.lower() in _ROLE_CONNECTORS for w in picked)
    if not _is_role(role) and not (strong and capitalised):
        return ""
    if not any(c.isupper() for c in role) and not _is_role(role):
        return ""
    return role


def _subject_role(subject: str) -> str:
    text = _REQUISITION.sub("", _SUBJECT_PREFIX.sub("", subject))
    # "Analytics Engineer at Tessellate - intro call?": the role is before " at ".
    for segment in re.split(r"\s+(?:at|with)\s+|" + _SUBJECT_SPLIT.pattern, text):
        segment = segment.strip(" .")
        if not segment:
            continue
        role = _role_words(segment.split(), strong=False, from_end=True)
        if role and not _NOT_EMPLOYER.issuperset(role.lower().split()):
            return role
    return ""


def _body_role(body: str) -> str:
    flat = _REQUISITION.sub("", _collapse(body))
    ascii_text = flat.isascii()  # lower-casing keeps every offset
    nouns, after = _ROLE_PATTERNS[re.NOFLAG if ascii_text else re.IGNORECASE]
    searched = flat.lower() if ascii_text else flat
    lowered = searched if ascii_text else None
    found: Counter[str] = Counter()
    for match in nouns.finditer(searched, lowered):
        strong = match.group().lower() in _STRONG_NOUN_SET
        before = flat[max(0, match.start() - 120):match.start()].split()[-6:]
        role = _role_words(before, strong=strong, from_end=True)
        if role:
            found[role] += 2 if strong else 1
    for match in after.finditer(searched, lowered):
        role = _role_words(flat[match.start(1):match.end(1)].split(), strong=False,
                           from_end=False)
        if role:
            found[role] += 1
    if not found:
        return ""
    return max(found, key=lambda r: (found[r], len(r)))


def role_of(subject: str = "", body: str = "") -> str:
    """The job an email is about, as the email writes it ('' when it does not say).

    Examples
    --------
    >>> role_of("Offer of employment - Data Analyst")
    'Data Analyst'
    >>> role_of("Your application", "Thank you for applying for the Junior BI Developer "
    ...         "role (R-2291) at Copperleaf.")
    'Junior BI Developer'
    >>> role_of("Lunch on Friday?", "See you at noon.")
    ''
    """
    try:
        return _body_role(_head_and_tail(body)) or _subject_role(subject)
    except Exception:  # rules must never stop a batch
        return ""
