"""Map the signals of a rejection to the nine coping strategies.

The mapping is data (``strategies.toml`` beside this module): each strategy
has a base score and a weight per signal; its score is the base plus the
weights of the signals present.  This module only reads the table, works out
which signals an email shows, and fills in the text.
"""

from __future__ import annotations

import importlib.resources
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

__all__ = [
    "CUE_SIGNALS",
    "SIGNALS",
    "STREAK_14",
    "STREAK_30",
    "History",
    "StrategyAdvice",
    "rank_for_table",
    "rank_strategies",
    "rank_with_history",
    "strategy_table",
]

#: Every signal the table may use, with what it means.
SIGNALS: dict[str, str] = {
    "competition": "another candidate was chosen or the field was strong",
    "position": "the role was filled, closed, frozen or withdrawn",
    "feedback_skills": "feedback on skills or work",
    "feedback_experience": "feedback on experience or qualifications",
    "feedback_interview": "feedback on an interview, test or trial",
    "feedback_culture_fit": "feedback on team or values fit",
    "feedback_logistics": "a practical mismatch: location, visa, pay, hours",
    "form_letter": "no feedback, no reason and no offer of either: a template",
    "interview_no_reason": "rejected after an interview without feedback or reason",
    "stage_application": "rejected at the application stage",
    "stage_interview": "rejected after an interview",
    "feedback_offer": "offers feedback or a call",
    "future_invite": "invites a future application",
    "close_call": "a close call: final round, difficult decision",
    "praise": "praise for the candidate",
    "warm": "a warm, personal tone",
    "cold": "a cold or curt tone",
    "past_pointer": "points at the candidate's past (references, checks)",
    "recent_14": "at least STREAK_14 other rejections in the previous 14 days",
    "recent_30": "at least STREAK_30 other rejections in the previous 30 days",
}

#: Email cues (labels of rebound_nlp.nlp.patterns.EMAIL_CUES) that are signals themselves.
CUE_SIGNALS: dict[str, str] = {
    "CLOSE_CALL": "close_call",
    "PRAISE": "praise",
    "PAST": "past_pointer",
}


@dataclass(frozen=True, slots=True)
class StrategyAdvice:
    """One strategy, scored for one email.

    Attributes
    ----------
    number : int
        1 to 9, the strategy's place in the article.
    title : str
        The strategy's title.
    score : float
        Base score plus the weights of the signals present; higher is more relevant.
    why : str
        The signals of this email that made the strategy relevant.
    actions : tuple of str
        Concrete next steps, the ones tied to this email's signals first.
    """

    number: int
    title: str
    score: float
    why: str
    actions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.title, "score": self.score,
                "why": self.why, "actions": list(self.actions)}


#: Other rejections within 14 (30) days that make a streak worth naming.
STREAK_14 = 3
STREAK_30 = 5


@dataclass(frozen=True, slots=True)
class History:
    """How many other rejections the person had shortly before this one."""

    recent_14: int = 0
    recent_30: int = 0

    def signals(self) -> dict[str, str]:
        """The streak signals this history shows, with their counts."""
        found = {}
        if self.recent_14 >= STREAK_14:
            found["recent_14"] = str(self.recent_14)
        if self.recent_30 >= STREAK_30:
            found["recent_30"] = str(self.recent_30)
        return found


@cache
def strategy_table() -> tuple[dict[str, Any], ...]:
    """The strategy table, read once from the package data."""
    text = importlib.resources.files("rebound_nlp").joinpath("strategies.toml").read_text()
    table = tuple(tomllib.loads(text)["strategy"])
    for row in table:
        unknown = set(row.get("signals", {})) - set(SIGNALS)
        if unknown:
            raise ValueError(f"strategies.toml: strategy {row['number']} uses {unknown}")
    return table


_Ranked = tuple[dict[str, Any], float, tuple[tuple[str, Any], ...], tuple[str, ...]]


@lru_cache(maxsize=1024)
def _ranking(present: frozenset[str]) -> tuple[_Ranked, ...]:
    """Each strategy with its score and its signal rules (name, rule) present,
    heaviest first, and the actions they add, for the signals ``present``: most
    relevant first (equal scores in table order)."""
    ranked = []
    for row in strategy_table():
        signals = row.get("signals", {})
        rules = sorted(((rule["weight"], name, rule) for name, rule in signals.items()
                        if name in present), key=lambda item: -item[0])
        score = float(row["base"] + sum(w for w, _, _ in rules))
        actions = tuple(rule["action"] for _, _, rule in rules if "action" in rule)
        ranked.append((row, score, tuple((name, rule) for _, name, rule in rules), actions))
    ranked.sort(key=lambda item: (-item[1], item[0]["number"]))
    return tuple(ranked)


def _clip(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _why(rules: tuple[tuple[str, Any], ...], details: Mapping[str, str]) -> str:
    """Why a strategy is relevant: the reasons of its rules, with this email's
    details (each signal's words through :func:`_clip`)."""
    reasons = [rule["why"].format(detail=details[name]) for name, rule in rules]
    return ("Relevant because " + "; ".join(reasons) + ".") if reasons else (
        "No specific signal in this email; it applies to any rejection.")


def rank_strategies(signals: Mapping[str, str]) -> tuple[StrategyAdvice, ...]:
    """Score all nine strategies for the signals present, most relevant first.

    ``signals`` maps each signal present to its detail: this email's own words
    for it (or ``""``).  Signals not in the mapping are absent.
    """
    details = {name: _clip(detail) for name, detail in signals.items()}  # once, not per rule
    return tuple(StrategyAdvice(row["number"], row["title"], score, _why(rules, details),
                                actions + tuple(row["actions"]))
                 for row, score, rules, actions in _ranking(frozenset(signals)))


def rank_with_history(signals: Mapping[str, str], history: History) -> tuple[StrategyAdvice, ...]:
    """:func:`rank_strategies` for an email's signals plus the streaks of ``history``."""
    return rank_strategies({**signals, **history.signals()})


def rank_for_table(signals: Mapping[str, str], history: History
                   ) -> tuple[list[int], str, str]:
    """What a table row shows of :func:`rank_with_history`: every strategy's
    number, most relevant first, and the first one's title and why (the
    others are not worded)."""
    signals = {**signals, **history.signals()}
    ranked = _ranking(frozenset(signals))
    row, _, rules, _ = ranked[0]
    details = {name: _clip(signals[name]) for name, _ in rules}  # only the first is worded
    return [r["number"] for r, _, _, _ in ranked], row["title"], _why(rules, details)
