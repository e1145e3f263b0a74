"""Benchmark advisor.pareto against the PyPI peers `paretoset` and `moocore`.

Run: ``python benchmarks/bench_pareto.py`` (under a minute, most of it paretoset on the
correlated cases) or ``--quick`` (100x smaller inputs, seconds; a smoke run whose ratios mean
little). Needs the ``bench`` extra; the peers are never runtime dependencies of advisor.

Cases, from issue 3:
  (a) 2-D, 10^6 independent uniform points (a tiny front): ours within 2x of the fastest peer.
  (b) 2-D, 10^5 points with quality = 50 * log(price) + small noise, so a large share is on
      the front (as in real catalogs): ours >= 10x faster than paretoset, no slower than moocore.
  (c) 3 objectives (cost min, quality max, latency min), 10^5 points, independent and
      correlated: ours within 2x of the fastest peer.

Each time is the median of several calls after one untimed warm-up call (for paretoset the
warm-up also pays numba's JIT compilation, which is excluded; slow calls are run fewer times,
see the "runs" column). ``numpy.argsort`` of the first column of the same data is the floor of
any sort-based method; every time is also shown as a multiple of it. Data are continuous, so
there are no duplicate points and all three masks must agree exactly (checked).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import moocore
import numpy as np
import paretoset

from advisor.pareto import pareto_front, pareto_front_nd

MAX_RUNS = 7
SLOW_SECONDS = 1.0  # after a call this slow, stop repeating it


@dataclass
class Case:
    name: str
    goal: str
    costs: np.ndarray  # (n, d): the objectives, one column each
    sense: list[str]


def _time(fn: Callable[[], np.ndarray]) -> tuple[float, int, np.ndarray]:
    """Median wall time of fn in seconds, how many timed runs it took, and its last result."""
    times: list[float] = []
    while len(times) < MAX_RUNS:
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if times[-1] > SLOW_SECONDS:
            break
    return statistics.median(times), len(times), result


def make_cases(scale: int, seed: int = 0) -> list[Case]:
    rng = np.random.default_rng(seed)
    n_a, n_b, n_c = 10**6 // scale, 10**5 // scale, 10**5 // scale

    a = rng.random((n_a, 2))

    log_price = rng.uniform(-3.0, 3.0, n_b)  # $0.05 to $20 per million tokens
    b = np.column_stack([np.exp(log_price), 50.0 * log_price + rng.normal(0.0, 0.02, n_b)])

    c_ind = rng.random((n_c, 3))

    log_price = rng.uniform(-3.0, 3.0, n_c)
    c_cor = np.column_stack(
        [
            np.exp(log_price),
            50.0 * log_price + rng.normal(0.0, 0.05, n_c),  # quality rises with price
            np.exp(0.5 * log_price + rng.normal(0.0, 0.3, n_c)),  # and so does latency
        ]
    )
    return [
        Case("(a) 2-D independent", "ours <= 2x fastest peer", a, ["min", "max"]),
        Case("(b) 2-D correlated", "paretoset/ours >= 10 and ours <= moocore", b, ["min", "max"]),
        Case("(c) 3-D independent", "ours <= 2x fastest peer", c_ind, ["min", "max", "min"]),
        Case("(c) 3-D correlated", "ours <= 2x fastest peer", c_cor, ["min", "max", "min"]),
    ]


@dataclass
class Result:
    case: Case
    front: int
    times: dict[str, tuple[float, int]]  # method -> (median seconds, timed runs)


def run_case(case: Case) -> Result:
    x = np.ascontiguousarray(case.costs)
    if np.unique(x, axis=0).shape[0] != x.shape[0]:
        raise SystemExit(f"{case.name}: generated data has duplicate points")
    maximise = [s == "max" for s in case.sense]
    first = np.ascontiguousarray(x[:, 0])
    if x.shape[1] == 2:
        cost_col, score_col = first, np.ascontiguousarray(x[:, 1])

        def ours() -> np.ndarray:
            return pareto_front(cost_col, score_col)
    else:

        def ours() -> np.ndarray:
            return pareto_front_nd(x, case.sense)

    methods: dict[str, Callable[[], np.ndarray]] = {
        "ours": ours,
        "paretoset": lambda: paretoset.paretoset(x, sense=case.sense),  # numba on (its default)
        "moocore": lambda: moocore.is_nondominated(x, maximise=maximise),
        "argsort": lambda: np.argsort(first),
    }
    # Warm-up: numba compiles paretoset for these dtypes on its first call (a small slice is
    # enough), and one untimed call of each of the others.
    paretoset.paretoset(x[:1000].copy(), sense=case.sense)
    for name in ("ours", "moocore", "argsort"):
        methods[name]()
    timed = {name: _time(fn) for name, fn in methods.items()}
    masks = {name: timed[name][2] for name in ("ours", "paretoset", "moocore")}
    for name in ("paretoset", "moocore"):
        if not np.array_equal(masks["ours"], masks[name]):
            raise SystemExit(
                f"{case.name}: ours and {name} disagree "
                f"({int(masks['ours'].sum())} vs {int(masks[name].sum())} points on the front)"
            )
    return Result(case, int(masks["ours"].sum()), {k: (v[0], v[1]) for k, v in timed.items()})


def goal_met(name: str, t: dict[str, float]) -> bool:
    fastest_peer = min(t["paretoset"], t["moocore"])
    if name.startswith("(b)"):
        return t["paretoset"] / t["ours"] >= 10 and t["ours"] <= t["moocore"]
    return t["ours"] <= 2 * fastest_peer


def render(results: list[Result]) -> str:
    head = (
        "| case | n | front | ours ms | paretoset ms (runs) | moocore ms | argsort ms "
        "| ours / fastest peer | paretoset / ours | moocore / ours "
        "| ours / argsort | paretoset / argsort | moocore / argsort | goal | met |"
    )
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for r in results:
        case, timed = r.case, r.times
        t = {k: v[0] for k, v in timed.items()}
        fastest = min(t["paretoset"], t["moocore"])
        ms = {k: f"{1e3 * v:.2f}" for k, v in t.items()}
        lines.append(
            f"| {case.name} | {case.costs.shape[0]:,} | {r.front:,} ({100 * r.front / case.costs.shape[0]:.1f}%) "
            f"| {ms['ours']} | {ms['paretoset']} ({timed['paretoset'][1]}) | {ms['moocore']} | {ms['argsort']} "
            f"| {t['ours'] / fastest:.2f} | {t['paretoset'] / t['ours']:.1f} | {t['moocore'] / t['ours']:.2f} "
            f"| {t['ours'] / t['argsort']:.2f} | {t['paretoset'] / t['argsort']:.1f} "
            f"| {t['moocore'] / t['argsort']:.2f} | {case.goal} | {'yes' if goal_met(case.name, t) else 'NO'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100x smaller inputs, a smoke run")
    args = parser.parse_args(argv)
    scale = 100 if args.quick else 1
    results = [run_case(case) for case in make_cases(scale)]
    print(
        f"numpy {np.__version__}, paretoset {paretoset.__version__}, moocore {moocore.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}"
        + (" (--quick: ratios not meaningful)" if args.quick else "")
    )
    print()
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
