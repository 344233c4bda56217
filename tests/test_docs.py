"""The README stays true: quick start, CLI help, and metrics from the manifest."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT
from rebound_nlp.cli.main import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_two_commands() -> None:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]


def _help(args: list[str]) -> str:
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    return (sub[args[0]] if args else parser).format_help()


def test_cli_section_is_the_help_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    commands = ("analyse", "report", "advise", "train", "evaluate")
    usages = [_help([c]).split("\n\n")[0].strip() + "\n" for c in commands]
    expected = _help([]) + "\n" + "".join(usages)
    block = README.split("<!-- cli:start -->\n```text\n", 1)[1].split("```\n<!-- cli:end -->")[0]
    assert block == expected


def test_metrics_table_matches_manifest() -> None:
    metrics = json.loads((ROOT / "models" / "default" / "manifest.json").read_text())["metrics"]
    table = README.split("<!-- metrics:start -->\n", 1)[1].split("\n<!-- metrics:end -->")[0]
    rows = [line.strip("|").split("|") for line in table.splitlines()[2:]]
    assert rows, "the metrics table is empty"
    columns = [c for c in ("test", "test_heldout_briefs", "realworld_dev") if c in metrics]
    for name, *values in rows:
        for split, value in zip(columns, values, strict=False):
            if value.strip():
                assert float(value) == pytest.approx(metrics[split][name.strip()], abs=5e-4)
