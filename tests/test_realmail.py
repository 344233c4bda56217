"""Real mail that nobody here wrote: ordinary mail is never a flood of rejections."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from conftest import GENERAL
from rebound_nlp import analyse_mailbox, load_model

CPYTHON_EMAIL = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_email" / "data"


@pytest.mark.skipif(not GENERAL.is_dir(), reason="the real general mail (../shared) is absent")
def test_shipped_model_rarely_calls_heldout_general_mail_a_rejection() -> None:
    from rebound_nlp.training.evaluate import false_rejections
    from rebound_nlp.training.general import SHIPPED_HELDOUT_SOURCES, load_general_mail

    model = load_model()
    general = model.manifest["general_mail"]
    assert sorted(general["heldout_sources"]) == sorted(SHIPPED_HELDOUT_SOURCES)
    assert not set(general["trained_sources"]) & set(SHIPPED_HELDOUT_SOURCES)
    held = load_general_mail(GENERAL, sources=SHIPPED_HELDOUT_SOURCES)
    assert len(held) > 1500
    assert false_rejections(model, held)["false_rejection_rate"] <= 0.005


@pytest.mark.skipif(not CPYTHON_EMAIL.is_dir(),
                    reason="this Python ships without its email test messages")
def test_cpython_email_test_messages_are_not_rejections(tmp_path: Path) -> None:
    messages = sorted(CPYTHON_EMAIL.glob("msg_*.txt"))
    folder = tmp_path / "cpython"
    folder.mkdir()
    for path in messages:
        (folder / f"{path.stem}.eml").write_bytes(path.read_bytes())
    table = analyse_mailbox(folder)
    assert len(table) == len(messages) >= 40
    assert int(table["is_rejection"].sum()) == 0
