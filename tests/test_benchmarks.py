"""The benchmarks stay runnable: each one's --quick smoke run finishes and prints its table.

Timings are never asserted here (a loaded machine would fail them); the ratios are the benchmarks'
own output, reported in the README.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
NEEDS = {
    "bench_catalog.py": [],
    "bench_importers.py": [],
    "bench_router.py": [],
    "bench_update.py": [],
    "bench_pareto.py": ["paretoset", "moocore"],
    "bench_ratings.py": ["scipy", "pandas"],
    "bench_replay.py": [],
}


@pytest.mark.parametrize("script", sorted(NEEDS))
def test_quick_run(script: str, tmp_path: Path) -> None:
    missing = [m for m in NEEDS[script] if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{script} needs {', '.join(missing)}: pip install -e '.[bench]'")
    env = {**os.environ, "ADVISOR_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    table = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert len(table) >= 3, done.stdout
