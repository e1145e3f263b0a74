"""Timing helpers shared by the benchmarks: medians of interleaved runs, printed as markdown."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence


def median_wall(
    commands: Mapping[str, Sequence[str]], runs: int, env: Mapping[str, str] | None = None
) -> dict[str, float]:
    """Median wall seconds of each command, runs interleaved so drift hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    full_env = {**os.environ, **(env or {})}
    # Measure as installed: with bytecode caches in use (pip writes them at install time).
    full_env.pop("PYTHONDONTWRITEBYTECODE", None)
    for _ in range(runs):
        for name, argv in commands.items():
            t0 = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=full_env)
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def median_call(
    fn: Callable[[], object], repeat: int = 7, number: int | None = None, min_seconds: float = 0.2
) -> float:
    """Median seconds of one call of ``fn`` (auto-scaled loop count, like timeit)."""
    if number is None:
        number = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            if time.perf_counter() - t0 > min_seconds:
                break
            number *= 2
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - t0) / number)
    return statistics.median(samples)


def markdown(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table."""
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)
