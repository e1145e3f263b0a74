"""Replay speed and memory (usage-replay issue): records per second against a bare JSON loop.

The floor is the least any reader of a JSON Lines usage log must do: a loop that ``json.loads``
each line and sums its token fields (prompt, completion, cached, reasoning). Against it, in the
same run, on the same generated log (``tests/usage_gen.py``: OpenAI Chat Completions responses,
three models over 30 days), ``advisor.replay`` without and with the what-if (which also chooses the
targets and re-prices every request). Goal: replay without the what-if at most 3x the floor's time.
Each case runs in its own process, which reports its peak memory (max RSS).

Run: python benchmarks/bench_replay.py [--records N] [--quick] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from _timing import markdown

ROOT = Path(__file__).resolve().parents[1]

FLOOR = """
import json, sys
total = 0
with open(sys.argv[1], "rb") as fh:
    for line in fh:
        u = json.loads(line)["usage"]
        total += u["prompt_tokens"] + u["completion_tokens"]
        total += u["prompt_tokens_details"]["cached_tokens"] + u["completion_tokens_details"]["reasoning_tokens"]
print(total)
"""

REPLAY = """
import datetime as dt, sys
import advisor
catalog = advisor.load_catalog()
report = advisor.replay(sys.argv[1], catalog, as_of=dt.date(2025, 11, 1), what_if=sys.argv[2] == "1")
t = report.tokens
print(t.input + t.output + t.cached + t.reasoning)
"""

CASE = """
import resource, sys, time
t0 = time.perf_counter()
sys.argv = sys.argv[1:]
exec(compile(open(sys.argv[0]).read(), sys.argv[0], "exec"), {"__name__": "__main__"})
elapsed = time.perf_counter() - t0
print("BENCH", elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run(script: str, *args: str, tmp: Path) -> tuple[float, float, str]:
    """(seconds, peak MiB, first output line) of one case in a fresh process."""
    path = tmp / f"case_{abs(hash(script))}.py"
    path.write_text(script)
    done = subprocess.run(
        [sys.executable, "-c", CASE, str(path), *args],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(tmp), "ADVISOR_CACHE_DIR": str(tmp / "c")},
    )
    lines = done.stdout.splitlines()
    _, seconds, rss_kib = lines[-1].split()
    return float(seconds), int(rss_kib) / 1024, lines[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=float, default=1e6, help="records in the generated log (default 10^6)")
    parser.add_argument("--quick", action="store_true", help="a 20,000-record smoke run")
    parser.add_argument("--keep", type=Path, help="generate the log here and keep it (reused if present)")
    args = parser.parse_args()
    n = 20_000 if args.quick else int(args.records)
    import usage_gen

    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp_name:
        tmp = Path(tmp_name)
        folder = args.keep or tmp
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / f"usage-{n}.jsonl"
        if not log.exists():
            t0 = time.perf_counter()
            usage_gen.write(log, n, seed=1)
            print(
                f"generated {n:,} records ({log.stat().st_size / 2**20:,.0f} MiB) in {time.perf_counter() - t0:.0f} s"
            )
        size = log.stat().st_size / 2**20
        # Warm the catalog parse cache and (for logs that fit in memory) the page cache, so every
        # case reads the same way; a 10^7-record log is read from disk by every case alike.
        if n <= 1_000_000:
            run(FLOOR, str(log), tmp=tmp)
        run(REPLAY, str(usage_gen.write(tmp / "warm.jsonl", 100, seed=1)), "0", tmp=tmp)
        floor_s, floor_mb, floor_total = run(FLOOR, str(log), tmp=tmp)
        ours_s, ours_mb, ours_total = run(REPLAY, str(log), "0", tmp=tmp)
        wi_s, wi_mb, wi_total = run(REPLAY, str(log), "1", tmp=tmp)
        assert json.loads(floor_total) == json.loads(ours_total) == json.loads(wi_total), "the totals disagree"
        rows = [
            ["floor: json.loads + sum", f"{floor_s:.2f} s", f"{n / floor_s:,.0f}", "1.00x", f"{floor_mb:,.0f} MiB"],
            [
                "advisor.replay, no what-if",
                f"{ours_s:.2f} s",
                f"{n / ours_s:,.0f}",
                f"{ours_s / floor_s:.2f}x",
                f"{ours_mb:,.0f} MiB",
            ],
            [
                "advisor.replay with the what-if",
                f"{wi_s:.2f} s",
                f"{n / wi_s:,.0f}",
                f"{wi_s / floor_s:.2f}x",
                f"{wi_mb:,.0f} MiB",
            ],
        ]
        print(f"{n:,} records, {size:,.0f} MiB of JSON Lines (OpenAI Chat Completions responses)")
        print(markdown(["case", "time", "records/s", "time vs floor", "peak memory"], rows))
        goal = "met" if ours_s <= 3 * floor_s else "NOT met"
        print(f"goal: replay without the what-if <= 3x the floor: {ours_s / floor_s:.2f}x, {goal}")


if __name__ == "__main__":
    main()
