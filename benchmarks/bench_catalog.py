"""Catalog speed (issue: Catalog): CLI start-up and loading a 10,000-model catalog, as ratios.

(a) ``advisor models`` wall time / ``python -c "import numpy, pydantic, yaml"`` (goal <= 1.3x),
    with the parse cache warm (every run after the first); the first run after install (a new,
    empty cache folder each run: the bundled catalog comes from the validated form shipped beside
    it, then the score table is read, the layers merged and the entry written; goal <= 3x); and,
    for reference, with the cache off (``ADVISOR_NO_CACHE=1``: the YAML is parsed and validated
    too). The same for ``advisor recommend --target gpt-4o`` (decision-engine issue, goal <= 1.3x
    warm) and a category metric. The commands run as installed: the ``advisor`` console script
    beside this Python, with bytecode compiled.
(b) loading a generated 10,000-model catalog / bare ``yaml.load(..., Loader=yaml.CSafeLoader)``
    of the same file (goal <= 2x), without the cache (parse + validate + checks), and with it.

Run: python benchmarks/bench_catalog.py [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import markdown, median_call, median_wall


def generate_catalog(path: Path, n: int, seed: int = 0) -> None:
    """A realistic catalog of ``n`` models: aliases, dated prices, six score snapshots each."""
    rng = random.Random(seed)
    snapshots = ["2024-06-19", "2024-07-24", "2024-10-16", "2025-01-29", "2025-07-18", "2025-08-04"]
    lines = [
        "schema_version: 1",
        "currency: USD",
        "sources:",
        "  gen: {title: generated for the benchmark}",
        "benchmarks:",
        "  arena-text: {name: Arena, scale: 'Bradley-Terry rating, Elo scale', elo_scale: 400}",
        "models:",
    ]
    for i in range(n):
        price = round(10 ** rng.uniform(-2, 1.5), 4)
        lines += [
            f"  - id: model-{i:05d}",
            f"    name: Model {i}",
            f"    provider: Provider {i % 40}",
            f"    aliases: [Model-{i:05d}-display, provider/model-{i:05d}]",
            "    released: 2024-01-15",
            "    license: Proprietary",
            f"    context_window: {rng.choice([8192, 32768, 128000, 200000, 1000000])}",
            "    prices:",
            f"      - {{since: 2024-01-15, until: 2025-01-01, input: {price}, output: {price * 3:.4f}, source: gen}}",
            f"      - {{since: 2025-01-01, input: {price / 2:.4f}, output: {price * 1.5:.4f}, cached_input: {price / 8:.4f}, source: gen}}",
            "    scores:",
        ]
        for day in snapshots:
            score = rng.randint(900, 1450)
            lines.append(
                f"      - {{benchmark: arena-text, as_of: {day}, value: {score}, ci_lower: {score - rng.randint(2, 9)}, "
                f"ci_upper: {score + rng.randint(2, 9)}, votes: {rng.randint(1000, 90000)}, source: gen}}"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def bench_cli(runs: int) -> list[list[object]]:
    exe = Path(sys.executable).parent / "advisor"
    if not exe.exists():
        raise SystemExit(f"the advisor command is not installed beside {sys.executable}")
    floor = [sys.executable, "-c", "import numpy, pydantic, yaml"]
    models = [str(exe), "models"]
    recommend = [str(exe), "recommend", "--target", "gpt-4o", "--as-of", "2024-07-24"]
    coding = [str(exe), "models", "--metric", "arena-text/coding"]
    import compileall

    import advisor

    compileall.compile_dir(Path(advisor.__file__).parent, quiet=1)  # as `pip install` does
    cache = tempfile.mkdtemp(prefix="advisor-bench-cache-")
    try:
        env = {"ADVISOR_CACHE_DIR": cache}
        median_wall({"warm": models}, 1, env)  # fill the cache
        commands = {
            "floor": floor,
            "models": models,
            "recommend": recommend,
            "models --metric arena-text/coding": coding,
        }
        warm = median_wall(commands, runs, env)
        first = first_run_wall(commands, max(3, runs // 3), Path(cache))
        off = median_wall(commands, max(3, runs // 3), {"ADVISOR_NO_CACHE": "1"})
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    rows = []
    for name, goal in (("models", 1.3), ("recommend", 1.3), ("models --metric arena-text/coding", 1.3)):
        for label, times, limit in (
            ("cache warm", warm, goal),
            ("first run after install: empty cache folder", first, 3.0),
            ("cache off", off, None),
        ):
            ratio = times[name] / times["floor"]
            rows.append(
                [
                    f"`advisor {name}` ({label})",
                    f"{times[name] * 1000:.0f} ms",
                    f"{times['floor'] * 1000:.0f} ms",
                    f"{ratio:.2f}x",
                    f"<= {limit:g}x" if limit else "-",
                    ("met" if ratio <= limit else "NOT met") if limit else "-",
                ]
            )
    return rows


def first_run_wall(commands: dict[str, list[str]], runs: int, folder: Path) -> dict[str, float]:
    """Median wall seconds of each command run as the first after install: each run gets a new cache
    folder that does not exist yet (so it parses, validates, merges and writes the cache), runs
    interleaved with the floor as in :func:`median_wall`."""
    import statistics
    import subprocess
    import time

    times: dict[str, list[float]] = {name: [] for name in commands}
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "ADVISOR_NO_CACHE")}
    for run in range(runs):
        for name, argv in commands.items():
            fresh = folder / f"first-{run}-{len(times[name])}-{abs(hash(name))}"
            env = {**base, "ADVISOR_CACHE_DIR": str(fresh)}
            t0 = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
            times[name].append(time.perf_counter() - t0)
            shutil.rmtree(fresh, ignore_errors=True)
    return {name: statistics.median(ts) for name, ts in times.items()}


def bench_load(n: int) -> list[list[object]]:
    import yaml

    from advisor.catalog import load_catalog
    from advisor.catalog_io import load_file

    folder = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    try:
        path = folder / "big.yaml"
        generate_catalog(path, n)
        text = path.read_text(encoding="utf-8")
        os.environ["ADVISOR_CACHE_DIR"] = str(folder / "cache")
        base = median_call(lambda: yaml.load(text, Loader=yaml.CSafeLoader), repeat=5, number=1)
        ours = median_call(lambda: load_file(path, use_cache=False), repeat=5, number=1)
        layered = median_call(lambda: load_catalog(path, bundled=False), repeat=5, number=1)
        view = median_call(lambda: load_catalog(path, bundled=False).as_of(dt.date(2024, 7, 24)), repeat=5, number=1)
        size = path.stat().st_size
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    label = f"{n:,} models, {size / 1e6:.1f} MB"
    return [
        [
            f"load_file, no cache ({label})",
            f"{ours * 1000:.0f} ms",
            f"{base * 1000:.0f} ms",
            f"{ours / base:.2f}x",
            "<= 2x",
            "met" if ours / base <= 2 else "NOT met",
        ],
        [
            f"load_catalog, cache warm ({label})",
            f"{layered * 1000:.0f} ms",
            f"{base * 1000:.0f} ms",
            f"{layered / base:.2f}x",
            "-",
            "-",
        ],
        [
            "load_catalog + as_of view, cache warm",
            f"{view * 1000:.0f} ms",
            f"{base * 1000:.0f} ms",
            f"{view / base:.2f}x",
            "-",
            "-",
        ],
    ]


def bench_bundled() -> list[list[object]]:
    """In-process load of the bundled catalog per model: the CLI's (one metric's table) and all tables."""
    import yaml

    from advisor.catalog import bundled_catalog_path, load_catalog

    folder = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    try:
        os.environ["ADVISOR_CACHE_DIR"] = str(folder / "cache")
        text = bundled_catalog_path().read_text(encoding="utf-8")
        load_catalog()  # fill the cache
        base = median_call(lambda: yaml.load(text, Loader=yaml.CSafeLoader), repeat=5, number=1)
        one = median_call(lambda: load_catalog(metrics=["arena-text"]), repeat=5, number=1)
        every = median_call(lambda: load_catalog(), repeat=5, number=1)
        n = len(load_catalog())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        [f"bundled load_catalog, one metric (CLI), cache warm ({n} models)", f"{one * 1000:.0f} ms "
         f"({one / n * 1e6:.0f} us/model)", f"{base * 1000:.0f} ms", f"{one / base:.2f}x", "-", "-"],
        [f"bundled load_catalog, every score table, cache warm ({n} models)", f"{every * 1000:.0f} ms "
         f"({every / n * 1e6:.0f} us/model)", f"{base * 1000:.0f} ms", f"{every / base:.2f}x", "-", "-"],
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs (a smoke test)")
    parser.add_argument("--runs", type=int, default=21, help="CLI runs per command (median)")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    n = 500 if args.quick else 10_000
    rows = bench_cli(runs) + bench_bundled() + bench_load(n)
    print(markdown(["case", "advisor", "baseline", "ratio", "goal", ""], rows))
    print(
        '\nBaselines: `python -c "import numpy, pydantic, yaml"` for the CLI rows (same run, interleaved); '
        "`yaml.load(text, Loader=yaml.CSafeLoader)` of the same file (for the bundled rows: of catalog.yaml) "
        "for the load rows."
    )


if __name__ == "__main__":
    main()
