"""Router query speed (decision-engine issue): per-call time as a ratio to a bare bisect.

``Router.cheapest`` and ``Router.best_within`` against ``bisect.bisect_left`` on a Python list of
the same size as the router's frontier, in the same run, on the same random queries (goal <= 5x).
Two routers: the bundled catalog as of today, and a generated catalog of 20,000 models whose price
and quality are correlated so that the frontier is large.

Run: python benchmarks/bench_router.py [--quick]
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import markdown, median_call

from advisor.catalog import Catalog, load_catalog
from advisor.router import Router
from advisor.schema import Benchmark, Model, PricePeriod, Score, Source


def correlated_catalog(n: int, seed: int = 0) -> Catalog:
    """``n`` models where score rises with log price plus noise: a large share on the frontier."""
    import math

    rng = random.Random(seed)
    day = dt.date(2025, 1, 1)
    models = []
    for i in range(n):
        price = 10 ** rng.uniform(-2, 2)
        score = 1200 + 60 * math.log10(price) + rng.gauss(0, 0.5)
        models.append(
            Model(
                id=f"m{i}",
                provider="gen",
                prices=(PricePeriod(input=price, output=price, source="gen"),),
                scores=(Score(benchmark="arena-text", value=score, as_of=day, source="gen"),),
            )
        )
    return Catalog(
        models=tuple(models),
        benchmarks={"arena-text": Benchmark(name="Arena", scale="Elo", elo_scale=400)},
        sources={"gen": Source(title="generated")},
    ).as_of(day)


def measure(router: Router, queries: int, seed: int = 1, repeat: int = 9) -> list[object]:
    rng = random.Random(seed)
    front = router.frontier
    costs = [r.cost for r in front]
    scores = [r.score for r in front]
    score_q = [rng.uniform(min(scores) - 10, max(scores) + 10) for _ in range(queries)]
    cost_q = [rng.uniform(0, max(costs) * 1.1) for _ in range(queries)]
    plain = sorted(scores)
    cheapest = router.cheapest
    best_within = router.best_within
    bl = bisect.bisect_left

    def run_bisect() -> None:
        for q in score_q:
            bl(plain, q)

    def run_cheapest() -> None:
        for q in score_q:
            cheapest(q)

    def run_best() -> None:
        for q in cost_q:
            best_within(q)

    base = median_call(run_bisect, repeat=repeat) / queries
    t_cheap = median_call(run_cheapest, repeat=repeat) / queries
    t_best = median_call(run_best, repeat=repeat) / queries
    return [
        len(front),
        f"{base * 1e9:.0f} ns",
        f"{t_cheap * 1e9:.0f} ns ({t_cheap / base:.2f}x)",
        f"{t_best * 1e9:.0f} ns ({t_best / base:.2f}x)",
        "met" if max(t_cheap, t_best) / base <= 5 else "NOT met",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    args = parser.parse_args()
    queries = 1_000 if args.quick else 10_000
    repeat = 3 if args.quick else 9
    n = 2_000 if args.quick else 20_000
    rows = [
        ["bundled catalog, today", *measure(Router(load_catalog().as_of(dt.date.today())), queries, repeat=repeat)],
        [f"generated, {n:,} correlated models", *measure(Router(correlated_catalog(n)), queries, repeat=repeat)],
    ]
    print(
        markdown(
            ["router", "frontier size", "bisect_left (baseline)", "cheapest", "best_within", "goal <= 5x"],
            rows,
        )
    )


if __name__ == "__main__":
    main()
