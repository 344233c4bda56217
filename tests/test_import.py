"""Importing the package stays cheap and never pulls in training code."""

from __future__ import annotations

import subprocess
import sys

import rebound_nlp


def test_import_is_lazy() -> None:
    code = (
        "import sys, rebound_nlp; "
        "heavy = [m for m in ('spacy', 'sklearn', 'pandas', 'rebound_nlp.training') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_api() -> None:
    assert set(rebound_nlp.__all__) >= {"advise", "load_model", "Advice", "Feedback",
                                        "StrategyAdvice", "analyse", "analyse_mailbox"}
    for name in rebound_nlp.__all__:
        assert getattr(rebound_nlp, name) is not None


def test_inference_does_not_import_training() -> None:
    code = (
        "import sys; from rebound_nlp import advise; advise('We will not move forward.'); "
        "print('rebound_nlp.training' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
