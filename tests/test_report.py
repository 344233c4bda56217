"""report(): one self-contained, accessible HTML page of a job search; ``rebound report``."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from _jobsearch import JOBSEARCH, load_script, table_with_true_kinds
from rebound_nlp.cli import main
from rebound_nlp.errors import MissingDependencyError, TableError
from rebound_nlp.report import report

CHARTS = ("funnel", "timeline", "rejections", "feedback", "strategies")


@pytest.fixture(scope="module")
def sample_table() -> pd.DataFrame:
    return table_with_true_kinds()


@pytest.fixture(scope="module")
def sample_html(sample_table: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = report(sample_table, tmp_path_factory.mktemp("report") / "report.html",
                  as_of=load_script().EXPORTED)
    return path.read_text(encoding="utf-8")


def test_report_is_self_contained(sample_html: str) -> None:
    assert sample_html.startswith("<!DOCTYPE html>")
    assert len(sample_html.encode()) < 1_000_000
    # Nothing is fetched: no external scripts, styles, images, fonts or frames.
    assert not re.search(r"<(?:link|img|iframe|object|embed)\b", sample_html)
    assert not re.search(r"<script[^>]+src=", sample_html)
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", sample_html)
    assert not re.search(r"url\((?!#)", sample_html)  # only references inside the page
    assert "@import" not in sample_html


def test_report_has_every_chart_with_alt_text_and_a_table(sample_html: str) -> None:
    for name in CHARTS:
        svg = re.search(rf'<svg role="img" aria-label="([^"]+)" class="chart" '
                        rf'data-chart="{name}"', sample_html)
        assert svg, name
        assert len(svg.group(1)) > 20, name
        after = sample_html[svg.end():]
        assert after.index("</figure><details><summary>") < after.index("<svg") if (
            "<svg" in after) else True
    assert sample_html.count("<figure>") == len(CHARTS)
    assert sample_html.count("The data of this chart as a table") == len(CHARTS)


def test_report_structure_and_content(sample_html: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in sample_html
    assert sample_html.count("<h1>") == 1
    for heading in ("At a glance", "How far applications got", "Timeline", "Rejections",
                    "What to do next", "What the feedback said", "Applications"):
        assert f">{heading}</h2>" in sample_html
    assert "15 applications to 14 employers, read from 46 messages" in sample_html
    assert "Lumen &amp; Hart" in sample_html and "Lumen & Hart" not in sample_html
    rows = re.findall(r'<tr data-outcome="([a-z_]+)">', sample_html)
    assert len(rows) == 15 and rows.count("offer") == 1 and rows.count("open") == 2
    # All nine strategies, each with concrete actions.
    assert len(re.findall(r'<details class="strategy"', sample_html)) == 9
    assert "system design at scale" in sample_html  # a feedback sentence, under its category


def test_user_text_is_escaped(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script>'
    table = pd.DataFrame([{
        "date": pd.Timestamp("2025-01-06", tz="UTC"), "subject": "x", "kind": "rejection",
        "company": evil, "role": "Analyst <b>", "message_id": "<m>", "tone": "cold",
        "stage": "application", "feedback": ["skills"],
        "feedback_text": '<img src=x onerror="alert(1)">', "reasons": [],
        "future_invite": False, "feedback_offer": False, "strategy": 6,
        "strategy_title": "Accept responsibility; don't blame others",
        "strategies": [6, 4, 1, 2, 3, 5, 7, 8, 9],
    }])
    html = report(table, tmp_path / "r.html").read_text(encoding="utf-8")
    assert evil not in html and "<img" not in html and "Analyst <b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # only the page's own filter script


def test_report_without_job_mail(tmp_path: Path) -> None:
    table = pd.DataFrame([{
        "date": pd.Timestamp("2025-01-06", tz="UTC"), "subject": "Lunch?", "kind": "not_job",
        "company": "", "role": "", "message_id": "<m>", "tone": None, "stage": None,
        "feedback": [], "feedback_text": "", "reasons": [], "future_invite": False,
        "feedback_offer": False, "strategy": None, "strategy_title": "", "strategies": [],
    }])
    html = report(table, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No applications were found in this mailbox." in html
    assert "there are none to rank yet" in html


def test_write_is_atomic(tmp_path: Path, sample_table: pd.DataFrame) -> None:
    out = tmp_path / "report.html"
    out.write_text("old report")
    with pytest.raises(TableError):
        report(sample_table.drop(columns=["kind"]), out)
    assert out.read_text() == "old report"  # untouched when the report cannot be made
    report(sample_table, out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temp files left
    with pytest.raises(FileNotFoundError, match="create the folder"):
        report(sample_table, tmp_path / "missing" / "report.html")


def test_missing_matplotlib_is_a_helpful_error(tmp_path: Path, sample_table: pd.DataFrame,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingDependencyError, match=r"rebound-nlp\[report\]"):
        report(sample_table, tmp_path / "r.html")
    assert not list(tmp_path.iterdir())


def test_progress_bar(tmp_path: Path, sample_table: pd.DataFrame,
                      capsys: pytest.CaptureFixture[str]) -> None:
    report(sample_table, tmp_path / "r.html", progress=True)
    assert "report: 100%" in capsys.readouterr().err


def test_cli_report(tmp_path: Path, sample_table: pd.DataFrame,
                    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import rebound_nlp.batch

    calls = []

    def fake_analyse(path: str, *, jobs: int = 1, progress: bool = False,
                     model: str | None = None, trusted: bool = False) -> pd.DataFrame:
        calls.append((Path(path), jobs, model, trusted))
        return sample_table

    monkeypatch.setattr(rebound_nlp.batch, "analyse_mailbox", fake_analyse)
    out = tmp_path / "search.html"
    assert main(["report", str(JOBSEARCH), "-o", str(out), "--jobs", "2",
                 "--no-answer-days", "90", "--model", "my-model", "--no-progress"]) == 0
    assert calls == [(JOBSEARCH, 2, "my-model", False)]
    assert f"wrote {out}" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    assert 'data-outcome="no_answer"' not in html  # 90 days: Pinecrest is still open
    assert main(["report", str(JOBSEARCH), "-o", str(tmp_path / "no" / "r.html")]) == 2
    assert "create the folder" in capsys.readouterr().err


def test_cli_report_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "rebound report" in out and "--no-answer-days" in out
