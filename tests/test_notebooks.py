"""The notebooks in notebooks/ run from top to bottom without error."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Use the standard platform directories now, so jupyter_core does not warn
    # that it will switch to them.
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    # Notebooks that train train less (the same curves, on fewer families).
    monkeypatch.setenv("REBOUND_NOTEBOOK_QUICK", "1")
    notebook = nbformat.read(path, as_version=4)
    # Runs in notebooks/ as Jupyter would; the executed copy is not saved.
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [out for cell in notebook.cells if cell.cell_type == "code"
              for out in cell.outputs if out.output_type == "error"]
    assert not errors, errors
