"""The rebound command line, called in-process through main()."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT
from rebound_nlp.cli import main
from rebound_nlp.persist import save_model

SAMPLE = ROOT / "data" / "samples" / "mailbox.mbox"
REJECTION = ("Dear Sam,\n\nThank you for interviewing with us. Unfortunately we have decided "
             "to offer the role to another candidate.\n\nBest,\nAnna\n")


def test_help_lists_commands_and_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("analyse", "advise", "train", "evaluate"):
        assert command in out
    assert "examples:" in out


def test_analyse_prints_table_and_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyse", str(SAMPLE), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "rejections found:" in out
    assert "messages read: 16 of 16" in out


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"], ids=["csv", "jsonl", "parquet"])
def test_analyse_writes_rejections_only(tmp_path: Path, suffix: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"out{suffix}"
    assert main(["analyse", str(SAMPLE), "-o", str(out), "--rejections-only",
                 "--no-progress"]) == 0
    if suffix == ".csv":
        table = pd.read_csv(out)
    elif suffix == ".jsonl":
        table = pd.read_json(out, lines=True)
    else:
        table = pd.read_parquet(out)
    assert len(table) >= 8
    assert table["is_rejection"].all()
    assert f"wrote {len(table)} rows" in capsys.readouterr().out


def test_analyse_bad_path_is_a_clear_error(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("just some notes, not an email\n")
    assert main(["analyse", str(junk)]) == 2
    assert "not a mailbox" in capsys.readouterr().err


def test_analyse_nothing_readable_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(b"")
    (tmp_path / "b.eml").write_bytes(b"\x00\x01\x02 binary")
    assert main(["analyse", str(tmp_path), "--no-progress"]) == 1


def test_advise_reads_stdin_as_json() -> None:
    out = subprocess.run([sys.executable, "-m", "rebound_nlp", "advise", "-", "--json"],
                         input=REJECTION, capture_output=True, text=True, check=True)
    advice = json.loads(out.stdout)
    assert advice["is_rejection"] is True
    assert advice["stage"] == "interview"
    assert len(advice["strategies"]) == 9


def test_advise_readable_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "email.txt"
    path.write_text(REJECTION)
    assert main(["advise", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Job rejection")
    assert "Strategy " in out and "Next steps:" in out


def test_advise_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["advise", str(tmp_path / "nope.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.slow
def test_train_then_evaluate(tmp_path: Path, small_corpus: list[dict],
                             capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "small.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in small_corpus))
    out = tmp_path / "model"
    assert main(["train", str(data), "--out", str(out), "--format", "skops",
                 "--no-progress"]) == 0
    assert (out / "manifest.json").exists() and (out / "MODEL_CARD.md").exists()
    capsys.readouterr()
    assert main(["evaluate", str(data), "--model", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_emails"] == sum(r["split"] == "test" for r in small_corpus)
    assert 0.0 <= report["summary"]["rejection_f1"] <= 1.0
    # The retrained model serves every command, and the library calls, alike.
    from rebound_nlp import advise, analyse_mailbox, load_model

    email = tmp_path / "email.txt"
    email.write_text(small_corpus[0]["body"])
    assert main(["advise", str(email), "--model", str(out), "--json"]) == 0
    expected = advise(small_corpus[0]["body"], model=load_model(out))
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(expected.to_dict()))
    assert expected != advise(small_corpus[0]["body"])
    table = tmp_path / "table.jsonl"
    assert main(["analyse", str(ROOT / "data" / "samples" / "mailbox.mbox"), "--model",
                 str(out), "-o", str(table), "--no-progress"]) == 0
    rows = [json.loads(line) for line in table.read_text().splitlines()]
    mine = analyse_mailbox(ROOT / "data" / "samples" / "mailbox.mbox", model=out)
    assert [r["rejection_probability"] for r in rows] == pytest.approx(
        mine["rejection_probability"].tolist(), nan_ok=True)


def test_evaluate_refuses_untrusted_joblib(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from rebound_nlp import load_model

    save_model(load_model(), tmp_path / "m")
    assert main(["evaluate", str(ROOT / "data" / "emails.jsonl"), "--model",
                 str(tmp_path / "m")]) == 2
    assert "trusted" in capsys.readouterr().err
