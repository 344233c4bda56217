"""Hostile command lines: every error is one line and exit code 2, found before
any work starts (issue 9)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from rebound_nlp import batch
from rebound_nlp.cli import main
from rebound_nlp.training import build as build_module

MESSAGE = (b"From: Recruiter <jobs@acme.example>\nSubject: Outcome\n\n"
           b"Unfortunately we will not be moving forward with your application.\n")
INVITE = ("Hi Sam,\n\nThanks for applying to Brightline. We'd like to invite you to a "
          "30-minute phone interview next week. Please pick a time that suits you.\n\n"
          "Best,\nMara\n")


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the long part of a command (analysis, training) starts."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the work started before the arguments were checked")

    monkeypatch.setattr(batch, "analyse_mailbox", refuse)
    monkeypatch.setattr(build_module, "train", refuse)


def _fails_cleanly(argv: list[str], capsys: pytest.CaptureFixture[str], *words: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line, no traceback
    assert "Traceback" not in err
    for word in words:
        assert word in err, err


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "emails.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps({"body": "We regret.", "is_rejection": True}) + "\n")
    return path


@pytest.mark.usefixtures("no_work")
@pytest.mark.parametrize("jobs", ["0", "-3", "two"])
def test_analyse_bad_jobs(tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str) -> None:
    (tmp_path / "1.eml").write_bytes(MESSAGE)
    _fails_cleanly(["analyse", str(tmp_path), "--jobs", jobs], capsys, "--jobs")


@pytest.mark.usefixtures("no_work")
@pytest.mark.parametrize(("output", "words"), [
    ("out.txt", ("unknown output type",)),
    ("missing/out.csv", ("does not exist",)),
    ("folder.csv", ("is a folder",)),
], ids=["unknown-suffix", "missing-folder", "a-folder"])
def test_analyse_bad_output_before_the_analysis(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                output: str, words: tuple[str, ...]) -> None:
    (tmp_path / "box").mkdir()
    (tmp_path / "box" / "1.eml").write_bytes(MESSAGE)
    (tmp_path / "folder.csv").mkdir()
    _fails_cleanly(["analyse", str(tmp_path / "box"), "-o", str(tmp_path / output)], capsys,
                   *words)


@pytest.mark.usefixtures("no_work")
def test_train_out_onto_the_data_folder(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data.parent / "notes.txt").write_text("unrelated")
    for extra in ([], ["--force"]):
        _fails_cleanly(["train", str(data), "--out", str(data.parent), *extra], capsys)
    assert sorted(p.name for p in data.parent.iterdir()) == ["emails.jsonl", "notes.txt"]


@pytest.mark.usefixtures("no_work")
def test_train_out_onto_a_file(data: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "model"
    target.write_text("mine")
    _fails_cleanly(["train", str(data), "--out", str(target)], capsys, "--force")
    assert target.read_text() == "mine"
    _fails_cleanly(["train", str(data), "--out", str(data), "--force"], capsys, "training data")


@pytest.mark.usefixtures("no_work")
@pytest.mark.parametrize(("config", "words"), [
    (None, ("cannot read --config",)),
    ("{not json", ("not valid JSON",)),
    ("[]", ("expected an object",)),
    ('{"email_cc": 3}', ("Unknown config keys",)),
    ('{"email_c": "big"}', ("must be float",)),
    ('{"min_df": 2.5}', ("must be int",)),
], ids=["missing", "not-json", "list", "unknown-key", "wrong-type", "float-for-int"])
def test_train_bad_config(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          config: str | None, words: tuple[str, ...]) -> None:
    path = tmp_path / "config.json"
    if config is not None:
        path.write_text(config)
    _fails_cleanly(["train", str(data), "--out", str(tmp_path / "m"), "--config", str(path)],
                   capsys, *words)


@pytest.mark.usefixtures("no_work")
@pytest.mark.parametrize("argv", [
    ["--eval", "no-equals-sign"],
    ["--seed", "x"],
], ids=["eval-without-name", "seed-not-a-number"])
def test_train_bad_arguments(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             argv: list[str]) -> None:
    _fails_cleanly(["train", str(data), "--out", str(tmp_path / "m"), *argv], capsys)


@pytest.mark.usefixtures("no_work")
def test_train_missing_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fails_cleanly(["train", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "m")],
                   capsys, "nope.jsonl")


def test_evaluate_bogus_split(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fails_cleanly(["evaluate", str(data), "--split", "bogus"], capsys, "--split", "bogus")


def test_evaluate_manifest_that_is_a_list(data: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "manifest.json").write_text("[]")
    _fails_cleanly(["evaluate", str(data), "--model", str(tmp_path / "m")], capsys,
                   "expected an object")


def test_unknown_command_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    _fails_cleanly(["analyze"], capsys, "invalid choice")


def test_interrupt_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "analyse_mailbox", interrupted)
    (tmp_path / "1.eml").write_bytes(MESSAGE)
    assert main(["analyse", str(tmp_path), "--no-progress"]) == 130
    assert capsys.readouterr().err == "rebound: interrupted\n"


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_advise_utf16_stdin(monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    """An invitation piped as UTF-16 scored 1.0 as a rejection."""
    _stdin(monkeypatch, INVITE.encode("utf-16"))
    assert main(["advise", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["is_rejection"] is False


@pytest.mark.parametrize("raw", [
    b"Subject: =?utf-7?q?+2AA-?=\nFrom: a@b.example\n\nWe regret, no.",
    b"Subject: x\nFrom: a@b.example\nContent-Type: text/plain; charset=utf-7\n\n+2AA- no.",
    b"From: a@b.example\nContent-Type: text/plain; charset=unicode_escape\n\n\\udcff no",
    b"We regret \xed\xb3\xbf no.",  # a UTF-8-encoded surrogate: not UTF-8
], ids=["utf7-subject", "utf7-body", "unicode-escape-body", "encoded-surrogate"])
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
def test_advise_stdin_with_surrogates(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str], raw: bytes,
                                      as_json: bool) -> None:
    _stdin(monkeypatch, raw)
    assert main(["advise", "-", *(["--json"] if as_json else [])]) == 0
    out = capsys.readouterr().out
    out.encode("utf-8")
    if as_json:
        json.loads(out)
