"""Importer speed: a 100,000-key LiteLLM map and a 100,000-row price history of one key, linear time.

Every import runs on top of the bundled catalog (``below``, as ``advisor catalog import`` does), so
names are matched against all of it and a model it holds gets an override entry.
(a) ``import_litellm`` of a generated map of N keys (each a maker's own key, ``add_new=True``, so
    every key becomes a model: the worst case for matching and writing the layer), against
    ``json.loads`` of the same text; goal: under 10 s for N = 100,000.
(b) ``import_price_history`` of N rows of one key (consecutive price runs) of a new model, against
    ``csv.DictReader`` over the same text; goal: under 10 s for N = 100,000.
(c) The same N rows for a key naming a bundled model that already has price periods
    (``gpt-4o-2024-08-06``): every row is merged into the periods there; same baseline and goal.
The time per key/row at N and at N/10 shows the growth: linear when the two are close.

Run: python benchmarks/bench_importers.py [--quick]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _timing import markdown


def price_map(n: int) -> bytes:
    """A LiteLLM-shaped map of ``n`` OpenAI chat keys with cache and batch prices."""
    entries = {
        f"model-{i:06d}": {
            "litellm_provider": "openai",
            "mode": "chat",
            "input_cost_per_token": (i % 97 + 1) * 1e-7,
            "output_cost_per_token": (i % 89 + 1) * 4e-7,
            "cache_read_input_token_cost": (i % 97 + 1) * 1e-8,
            "input_cost_per_token_batches": (i % 97 + 1) * 5e-8,
            "output_cost_per_token_batches": (i % 89 + 1) * 2e-7,
            "max_input_tokens": 128_000,
            "max_output_tokens": 16_384,
        }
        for i in range(n)
    }
    return json.dumps(entries, indent=4).encode()


def history(n: int, key: str = "acme-1") -> bytes:
    """``n`` consecutive price runs of one key, one day each (the history CSV's columns)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["model_key", "litellm_provider", "mode", "input_usd_per_mtok", "output_usd_per_mtok",
                "first_seen_date", "last_seen_date", "superseded_on", "removed_on", "first_seen_commit"])  # fmt: skip
    start = dt.date(1800, 1, 1)
    for i in range(n):
        day = start + dt.timedelta(days=i)
        nxt = day + dt.timedelta(days=1)
        w.writerow([key, "openai", "chat", 1 + i % 2, 2 + i % 2, day, day, nxt if i < n - 1 else "", "", "x"])
    return out.getvalue().encode()


def _time(fn: object) -> float:
    """Seconds of one call, with the collection of the young objects it leaves behind.

    The importers pause the garbage collector; the objects they build are then collected once,
    at the next allocation after they return. That collection is counted here (for the baselines
    too), started from a collected heap.
    """
    gc.collect()
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    gc.collect(0)
    return time.perf_counter() - t0


def _row(case: str, size: int, unit: str, ours: float, base: float) -> list[object]:
    goal = "< 10 s" if size >= 100_000 else "-"
    met = ("met" if ours < 10 else "NOT met") if size >= 100_000 else "-"
    return [f"{case}, {size:,} {unit}s", f"{ours:.2f} s", f"{base:.2f} s", f"{ours / base:.1f}x",
            f"{ours / size * 1e6:.0f} us/{unit}", goal, met]  # fmt: skip


PRICED = "gpt-4o-2024-08-06"
"""A bundled model with price periods of its own API and of hosts, for case (c)."""


def bench(n: int) -> list[list[object]]:
    from advisor.catalog import load_catalog
    from advisor.importers import import_litellm, import_price_history
    from advisor.schema import CatalogFile, Model, Source

    below = load_catalog(updates=False)
    assert below.get(PRICED).prices, f"{PRICED} has no prices in the bundled catalog"
    rows: list[list[object]] = []
    src = Source(title="generated")
    empty = CatalogFile(schema_version=1)
    for size in (n // 10, n):
        data = price_map(size)
        base = _time(lambda d=data: json.loads(d))
        ours = _time(
            lambda d=data: import_litellm(
                empty, d, as_of=dt.date(2026, 1, 1), source_key="g", source=src, below=below, add_new=True
            )
        )
        rows.append(_row("LiteLLM map", size, "key", ours, base))
    one = CatalogFile(schema_version=1, models=(Model(id="acme-1", provider="OpenAI"),))
    for case, key, layer in (("price history, new model", "acme-1", one), (f"price history, {PRICED}", PRICED, empty)):
        for size in (n // 10, n):
            data = history(size, key)
            text = data.decode()
            base = _time(lambda t=text: list(csv.DictReader(io.StringIO(t))))
            ours = _time(lambda d=data, b=layer: import_price_history(b, d, source_key="g", source=src, below=below))
            rows.append(_row(case, size, "row", ours, base))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    args = parser.parse_args()
    n = 2_000 if args.quick else 100_000
    print(markdown(["case", "advisor", "baseline", "ratio", "per item", "goal", ""], bench(n)))
    print("\nBaselines: `json.loads` of the map's text; `csv.DictReader` over the history's text (same run).")
    print(f"Load average at the end: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs).")


if __name__ == "__main__":
    main()
