"""The job-search sample mailbox, and its table with the kinds its script records."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from types import ModuleType

import pandas as pd

from conftest import ROOT

SAMPLES = ROOT / "data" / "samples"
JOBSEARCH = SAMPLES / "jobsearch.mbox"


def load_script() -> ModuleType:
    """data/samples/make_jobsearch.py as a module (its SAMPLES carry the true answers)."""
    if "make_jobsearch" in sys.modules:
        return sys.modules["make_jobsearch"]
    spec = importlib.util.spec_from_file_location("make_jobsearch", SAMPLES / "make_jobsearch.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_jobsearch"] = module
    spec.loader.exec_module(module)
    return module


def table_with_true_kinds() -> pd.DataFrame:
    """The sample analysed by ``analyse`` with ``kind`` set from the script.

    Until the model predicts ``kind``, this is the table ``analyse_mailbox``
    will give, with every other column from the real analysis.  A fresh copy
    each call; the analysis runs once per test session.
    """
    return _analysed().copy()


@cache
def _analysed() -> pd.DataFrame:
    from rebound_nlp import analyse
    from rebound_nlp.mail import iter_mailbox, parse_message

    script = load_script()
    records = []
    for _, raw, _ in iter_mailbox(JOBSEARCH):
        assert raw is not None
        p = parse_message(raw)
        records.append({"body": p.body, "subject": p.subject, "sender": p.sender,
                        "date": p.date, "message_id": p.message_id})
    table = analyse(records)
    kinds = [s.kind for s in script.ordered()]
    if "kind" in table.columns:
        table["kind"] = kinds
    else:
        table.insert(table.columns.get_loc("subject") + 1, "kind", kinds)
    table["is_rejection"] = table["kind"] == "rejection"
    return table
