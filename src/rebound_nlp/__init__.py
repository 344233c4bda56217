"""rebound_nlp: read job-rejection emails and turn them into signals and advice.

Examples
--------
>>> from rebound_nlp import advise
>>> advice = advise("Unfortunately we will not be moving forward with your application.")
>>> advice.is_rejection
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rebound_nlp.advice import Advice, Feedback
from rebound_nlp.analyzer import Analyzer, advise
from rebound_nlp.decisions import OperatingPoints
from rebound_nlp.errors import ReboundError
from rebound_nlp.strategy import StrategyAdvice

if TYPE_CHECKING:
    from rebound_nlp.batch import analyse, analyse_mailbox, analyse_mailbox_to
    from rebound_nlp.classify import Model
    from rebound_nlp.persist import load_model, save_model
    from rebound_nlp.summary import MailboxSummary

__all__ = [
    "Advice",
    "Analyzer",
    "Feedback",
    "MailboxSummary",
    "Model",
    "OperatingPoints",
    "ReboundError",
    "StrategyAdvice",
    "advise",
    "analyse",
    "analyse_mailbox",
    "analyse_mailbox_to",
    "load_model",
    "save_model",
]

# Heavy modules (spaCy, scikit-learn, pandas) load on first use.
_LAZY = {
    "load_model": "rebound_nlp.persist",
    "save_model": "rebound_nlp.persist",
    "Model": "rebound_nlp.classify",
    "analyse": "rebound_nlp.batch",
    "analyse_mailbox": "rebound_nlp.batch",
    "analyse_mailbox_to": "rebound_nlp.batch",
    "MailboxSummary": "rebound_nlp.summary",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rebound_nlp' has no attribute {name!r}")
