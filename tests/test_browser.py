"""The report of the sample mailbox in a real browser: headless Chromium.

``make test`` installs Chromium from Debian's packages when it can; without it
these tests are skipped and say why.  Set REBOUND_SCREENSHOT=path to keep the
screenshot (``make screenshot`` refreshes the one the README shows).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from _browser import Browser, find_chromium
from _jobsearch import load_script, table_with_true_kinds
from rebound_nlp.report import report

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: `make test` "
                       "installs it from Debian's packages (apt-get install chromium) when "
                       "run as root; install it to run the browser tests."),
]
WIDTH, HEIGHT = 1100, 2100
PHONE = 390
CHECK = """(() => {
  const charts = [...document.querySelectorAll('svg.chart')].map(s => {
    const box = s.getBoundingClientRect();
    return {name: s.dataset.chart, width: box.width, height: box.height,
            marks: s.querySelectorAll('path, use').length,
            label: s.getAttribute('aria-label') || ''};
  });
  const text = document.getElementById('filter-text');
  const rows = [...document.querySelectorAll('#apps tbody tr')];
  text.value = 'orrin';
  text.dispatchEvent(new Event('input'));
  const filtered = rows.filter(r => !r.hidden).length;
  const count = document.getElementById('filter-count').textContent;
  text.value = '';
  text.dispatchEvent(new Event('input'));
  return {charts, rows: rows.length, filtered, count,
          filters: !document.getElementById('filters').hidden,
          fetched: performance.getEntriesByType('resource').length,
          title: document.title, width: document.documentElement.scrollWidth};
})()"""


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    table: pd.DataFrame = table_with_true_kinds()
    return report(table, tmp_path_factory.mktemp("browser") / "report.html",
                  as_of=load_script().EXPORTED)


def test_report_in_chromium(page: Path, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as browser:
        browser.viewport(WIDTH, HEIGHT)
        browser.open(page.as_uri())
        state = browser.evaluate(CHECK)
        png = browser.screenshot(WIDTH, HEIGHT)
        assert browser.errors() == []
        browser.viewport(PHONE, 844, mobile=True)
        phone = browser.evaluate("[document.documentElement.scrollWidth, window.innerWidth,"
                                 " document.querySelector('svg.chart').getBoundingClientRect()"
                                 ".width]")
        assert browser.errors() == []

    assert state["title"] == "Your job search"
    assert state["fetched"] == 0  # nothing loaded from anywhere
    drawn = {c["name"]: c for c in state["charts"]}
    assert set(drawn) == {"funnel", "timeline", "rejections", "feedback", "strategies"}
    for name, chart in drawn.items():
        assert chart["width"] > 300 and chart["height"] > 100, name
        assert chart["marks"] > 5, name  # bars, lines and markers were drawn
        assert chart["label"], name
    assert state["filters"] and state["rows"] == 15
    assert state["filtered"] == 2 and state["count"] == "2 of 15 applications shown"
    assert state["width"] <= WIDTH
    scroll_width, inner_width, chart_width = phone
    assert scroll_width <= inner_width, "the page scrolls sideways at phone width"
    assert chart_width <= inner_width

    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000
    (tmp_path / "report.png").write_bytes(png)
    keep = os.environ.get("REBOUND_SCREENSHOT")
    if keep:
        Path(keep).write_bytes(png)
