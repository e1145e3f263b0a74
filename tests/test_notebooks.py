"""Every notebook in notebooks/ runs top to bottom on the bundled catalog (as people run it, with
``jupyter nbconvert --execute``), and is stored executed, so that viewers which do not run plotly
(GitHub, nbviewer) still show each chart as a PNG image beside the interactive figure."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[test]' for the notebook tests")
pytest.importorskip("nbconvert", reason="pip install -e '.[test]' for the notebook tests")

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
PLOTLY = "application/vnd.plotly.v1+json"


def test_there_are_notebooks() -> None:
    assert {p.name for p in PATHS} >= {"july-2024-story.ipynb", "choose-a-model.ipynb"}


def _charts(nb: object) -> list[dict[str, object]]:
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]  # type: ignore[attr-defined]
    assert not [o for o in outputs if o.output_type == "error"]
    return [o["data"] for o in outputs if PLOTLY in o.get("data", {})]


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs_with_nbconvert(path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--output-dir", str(tmp_path), str(path)],
        check=True,  # a failing cell fails the command, naming the cell
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    charts = _charts(nbformat.read(tmp_path / path.name, as_version=4))
    assert charts, "no chart was made"
    assert all("image/png" in data for data in charts)


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_stored_notebook_shows_its_charts(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "store the notebooks executed"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    charts = _charts(nb)
    assert charts
    for data in charts:
        png = base64.b64decode(data["image/png"])  # type: ignore[arg-type]
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_notebooks_match_their_generator(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(NOTEBOOKS / "make_notebooks.py"), str(tmp_path), "--no-execute"], check=True)

    def cells(path: Path) -> list[tuple[str, str, str]]:
        nb = nbformat.read(path, as_version=4)
        return [(c.id, c.cell_type, c.source) for c in nb.cells]

    for path in PATHS:
        assert cells(tmp_path / path.name) == cells(path), (
            "run `python notebooks/make_notebooks.py` after editing the notebooks' cells"
        )
