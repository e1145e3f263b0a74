"""Every notebook in notebooks/ runs top to bottom on the bundled catalog, and is stored clean."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[test]' for the notebook tests")
nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[test]' for the notebook tests")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert {p.name for p in PATHS} >= {"july-2024-story.ipynb", "choose-a-model.ipynb"}


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # the charts were made: plotly figures in the outputs
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs)


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


def test_notebooks_match_their_generator(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(NOTEBOOKS / "make_notebooks.py"), str(tmp_path)], check=True)
    made = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.ipynb")}
    stored = {p.name: p.read_text(encoding="utf-8") for p in PATHS}
    assert made == stored, "run `python notebooks/make_notebooks.py` after editing the notebooks' cells"
