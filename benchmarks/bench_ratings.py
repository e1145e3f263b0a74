"""Benchmark: ``advisor rate`` against the Arena's published rating method, end to end.

Run ``python benchmarks/bench_ratings.py`` (``--quick`` for a small smoke run). For each case a
synthetic battle file (JSON Lines) is written to a temporary folder; then, each in its own
process so peak memory (max RSS) is measured honestly:

- **ours**: :func:`advisor.battles.rate` (streamed, aggregated reading, every line checked as JSON,
  large files split over one reader process per CPU; batched Newton fits of the Bradley-Terry
  MLE; multinomial bootstrap);
- **Arena pipeline**: the Arena's published code path (FastChat's ``rating_systems``): the battles
  in a pandas DataFrame (``read_json``), ``pd.factorize`` for model ids, ``np.unique(axis=0)`` for
  the unique (model_a, model_b, outcome) rows and their counts, then the fit and bootstrap below;
- **lean reference**: the same method with a leaner reader: count the unique
  (model_a, model_b, outcome) triples, fit the weighted logistic likelihood with scipy's L-BFGS
  (``maxiter=100, gtol=1e-6`` on weights normalised to sum 1), bootstrap by multinomial resampling
  of the triple counts and refit each round, rounds spread over a process pool of all CPUs as
  the Arena does. Its reader is a plain ``json.loads`` per line into a Counter (no pandas, so
  faster and leaner than a DataFrame).

Both run with one BLAS thread. Both anchor the mean at 1000 and report the 2.5/97.5 percentiles. Times exclude interpreter
start and imports. The table also gives the largest score difference between the two, and the
Arena reproduction figures (public 1.67M-battle counts vs the 2024-07-24 leaderboard).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUTCOMES = ("model_a", "model_b", "tie")
LANGUAGES = ("English", "Chinese", "German", "Spanish", "Russian")


def make_battles(path: Path, n_battles: int, n_models: int, seed: int, extra: bool = False) -> None:
    """Battles drawn from Bradley-Terry with strengths ~ N(0, 1) (natural log-odds), 10% ties.

    ``extra`` adds per-battle fields (question id, judge, turn, language, timestamp) as real
    exports have, so no two lines are alike and every line is about 220 bytes.
    """
    rng = np.random.default_rng(seed)
    strength = rng.normal(0.0, 1.0, n_models)
    names = [f"model-{k:03d}" for k in range(n_models)]
    chunk = 1_000_000
    with path.open("wb") as fh:
        for start in range(0, n_battles, chunk):
            size = min(chunk, n_battles - start)
            a = rng.integers(0, n_models, size)
            b = (a + rng.integers(1, n_models, size)) % n_models
            p = 1 / (1 + np.exp(strength[b] - strength[a]))
            u = rng.random(size)
            w = np.where(u < 0.1, 2, np.where(u < 0.1 + 0.9 * p, 0, 1))
            if extra:  # the fields a real battle export carries besides the three that are read
                lines = [
                    f'{{"question_id": "{start + k:032x}", "model_a": "{names[a[k]]}", "model_b": "{names[b[k]]}", '
                    f'"winner": "{OUTCOMES[w[k]]}", "judge": "arena_user_{(start + k) % 9973}", '
                    f'"turn": {1 + k % 3}, "anony": true, "language": "{LANGUAGES[k % 5]}", '
                    f'"tstamp": {1.7e9 + (start + k) * 0.37:.4f}}}\n'
                    for k in range(size)
                ]
            else:
                template = np.array(
                    [
                        f'{{"model_a": "{x}", "model_b": "{y}", "winner": "{o}"}}\n'
                        for x in names
                        for y in names
                        for o in OUTCOMES
                    ],
                    dtype=object,
                )
                lines = template[(a * n_models + b) * 3 + w].tolist()
            fh.write("".join(lines).encode())


# --- the two contenders, each run in a child process ----------------------------------------------


def run_ours(path: str, rounds: int) -> dict[str, Any]:
    from advisor.battles import rate

    start = time.perf_counter()
    r = rate(path, bootstrap=rounds, seed=0)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "models": list(r.models),
        "scores": r.scores.tolist(),
        "lower": r.ci_lower.tolist(),
        "upper": r.ci_upper.tolist(),
    }


_REF: dict[str, Any] = {}


def _ref_loss(ratings: np.ndarray, weights: np.ndarray) -> tuple[float, np.ndarray]:
    from scipy.special import expit, log_expit

    m, outcomes, n = _REF["matchups"], _REF["outcomes"], _REF["n"]
    alpha = math.log(10.0)
    z = alpha * (ratings[m[:, 0]] - ratings[m[:, 1]])
    loss = -float(np.sum(weights * (outcomes * log_expit(z) + (1 - outcomes) * log_expit(-z))))
    g = -alpha * weights * (outcomes - expit(z))
    grad = np.bincount(m[:, 0], g, n) - np.bincount(m[:, 1], g, n)
    return loss, grad


def _ref_fit(weights: np.ndarray) -> np.ndarray:
    from scipy.optimize import minimize

    res = minimize(
        _ref_loss,
        np.zeros(_REF["n"]),
        args=(weights,),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 100, "gtol": 1e-6},
    )
    return np.asarray(res.x)


def run_reference(path: str, rounds: int) -> dict[str, Any]:
    """The lean reference: a plain ``json.loads`` reader into a Counter of unique triples."""
    start = time.perf_counter()
    triples: Counter[tuple[str, str, str]] = Counter()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            triples[rec["model_a"], rec["model_b"], rec["winner"]] += 1
    models = sorted({m for a, b, _ in triples for m in (a, b)})
    index = {m: k for k, m in enumerate(models)}
    keys = list(triples)
    matchups = np.array([[index[a], index[b]] for a, b, _ in keys], dtype=np.int64)
    outcomes = np.array([{"model_a": 1.0, "model_b": 0.0}.get(w, 0.5) for _, _, w in keys])
    counts = np.array([triples[k] for k in keys], dtype=np.float64)
    return _ref_fit_and_bootstrap(matchups, outcomes, counts, models, rounds, start)


def run_arena(path: str, rounds: int) -> dict[str, Any]:
    """The Arena's published pipeline: battles in a pandas DataFrame (``read_json``), model ids by
    ``pd.factorize``, unique (model_a, model_b, outcome) rows and their counts by
    ``np.unique(axis=0)``, then the same L-BFGS fit and multinomial bootstrap."""
    import pandas as pd

    start = time.perf_counter()
    df = pd.read_json(path, lines=True, dtype=False)
    n = len(df)
    ids, names = pd.factorize(pd.concat([df["model_a"], df["model_b"]]))
    schedule = np.full((n, 3), 1, dtype=np.int32)  # outcome column: 2 = a won, 1 = tie, 0 = b won
    schedule[:, 0] = ids[:n]
    schedule[:, 1] = ids[n:]
    schedule[(df["winner"] == "model_a").to_numpy(), 2] = 2
    schedule[(df["winner"] == "model_b").to_numpy(), 2] = 0
    del df
    unique, counts = np.unique(schedule, return_counts=True, axis=0)
    models = [str(m) for m in names]
    return _ref_fit_and_bootstrap(
        unique[:, :2].astype(np.int64), unique[:, 2] / 2.0, counts.astype(np.float64), models, rounds, start
    )


def _ref_fit_and_bootstrap(
    matchups: np.ndarray, outcomes: np.ndarray, counts: np.ndarray, models: list[str], rounds: int, start: float
) -> dict[str, Any]:
    import multiprocessing as mp

    _REF["matchups"], _REF["outcomes"], _REF["n"] = matchups, outcomes, len(models)
    total = counts.sum()
    theta = _ref_fit(counts / total)
    rng = np.random.default_rng(0)
    boot = rng.multinomial(int(total), counts / total, size=rounds) / total
    with mp.get_context("fork").Pool(os.cpu_count()) as pool:
        thetas = np.array(pool.map(_ref_fit, list(boot)))
    scores = 400 * theta
    scores += 1000 - scores.mean()
    boot_scores = 400 * thetas
    boot_scores += 1000 - boot_scores.mean(axis=1, keepdims=True)
    lower, upper = np.percentile(boot_scores, [2.5, 97.5], axis=0)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "models": models,
        "scores": scores.tolist(),
        "lower": lower.tolist(),
        "upper": upper.tolist(),
    }


def arena_fits_in_memory(path: Path) -> bool:
    """pandas held about 10x the file's size at peak (20.7 GB for a 2.1 GB file): skip it where
    that would not fit, rather than push the machine into swap or the OOM killer."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024 > 10 * path.stat().st_size
    except OSError:
        pass
    return True


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1 / 5 / 15 min)"


def peak_rss_mib() -> float:
    """This process's peak resident memory since exec (VmHWM; ru_maxrss would include the parent's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(which: str, path: str, rounds: int, out: str) -> None:
    result = {"ours": run_ours, "reference": run_reference, "arena": run_arena}[which](path, rounds)
    result["peak_mib"] = peak_rss_mib()
    # The largest child process (our reader processes, the reference's bootstrap pool).
    result["peak_child_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    Path(out).write_text(json.dumps(result), encoding="utf-8")


def measure(which: str, path: Path, rounds: int, workdir: Path) -> dict[str, Any]:
    out = workdir / f"{which}.json"
    # One BLAS thread in both: the reference parallelises with processes, and on a shared machine
    # multi-threaded BLAS on small matrices mostly spins.
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    subprocess.run(
        [sys.executable, __file__, "--child", which, str(path), str(rounds), str(out)],
        check=True,
        cwd=REPO,
        env=env,
    )
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


# --- the report ---------------------------------------------------------------------------------------


def arena_report() -> str:
    sys.path.insert(0, str(REPO / "tests"))
    try:
        from test_ratings import ARENA_BOARD, ARENA_COUNTS, arena_reproduction
    finally:
        sys.path.pop(0)
    if not (ARENA_COUNTS.exists() and ARENA_BOARD.exists()):
        return f"Arena reproduction skipped: shared data not found at {ARENA_COUNTS.parent.parent}"
    lines = [
        "Arena reproduction: 1,670,250 battles to 2024-08-14 (leaderbot counts), anchored "
        "mixtral-8x7b-instruct-v0.1 = 1114, vs the published 2024-07-24 leaderboard",
        "",
        "| models compared | median gap | p90 gap | max gap (model) | mean signed gap | Spearman |",
        "|---|---|---|---|---|---|",
    ]
    for min_votes, label in ((5000, ">= 5,000 published votes"), (0, "all matched")):
        rep = arena_reproduction(bootstrap=100, min_votes=min_votes)
        lines.append(
            f"| {rep['compared']} ({label}; {rep['matched']}/{rep['published_models']} names matched) "
            f"| {rep['median_gap']:.2f} | {rep['p90_gap']:.2f} | {rep['max_gap']:.2f} ({rep['max_gap_model']}) "
            f"| {rep['mean_signed_gap']:+.2f} | {rep['spearman']:.4f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--child", nargs=4, metavar=("WHICH", "PATH", "ROUNDS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        which, path, rounds, out = args.child
        child(which, path, int(rounds), out)
        return

    if args.quick:
        cases = [(100_000, 20, 20, False), (300_000, 50, 20, False), (100_000, 20, 20, True)]
    else:
        cases = [
            (1_000_000, 50, 100, False),
            (10_000_000, 200, 100, False),
            (1_000_000, 50, 100, True),
            (10_000_000, 200, 100, True),
        ]
    print(
        f"CPUs: {os.cpu_count()}; numpy {np.__version__}; Python {sys.version.split()[0]}; "
        f"load average at start {load()}\n"
        "Caveat: wall-clock times on a shared machine; other work running at the same time slows "
        "both sides, the reference's process pool most. Compare ratios within one run.\n"
    )
    print(
        "| battles | models | file | rounds | ours (s) | Arena pipeline (s) | speed-up | lean reference (s) "
        "| speed-up | max score diff (Elo) | ours peak RSS, main / largest child (MiB) "
        "| Arena pipeline peak RSS (MiB) | lean reference peak RSS (MiB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n_battles, n_models, rounds, extra in cases:
            path = work / f"battles_{n_battles}_{n_models}{'_extra' if extra else ''}.jsonl"
            make_battles(path, n_battles, n_models, seed=n_models, extra=extra)
            size_mib = path.stat().st_size / 2**20
            ours = measure("ours", path, rounds, work)
            if not arena_fits_in_memory(path):
                print(
                    f"| {n_battles:,} | {n_models} | {size_mib:,.0f} MiB | {rounds} | {ours['seconds']:.2f} "
                    "| skipped: the pandas pipeline needs about 10x the file size in memory | | | | | "
                    f"| {ours['peak_mib']:.0f} | | |",
                    flush=True,
                )
                path.unlink()
                continue
            arena = measure("arena", path, rounds, work)
            lean = measure("reference", path, rounds, work)
            mine = dict(zip(ours["models"], ours["scores"], strict=True))
            diff = max(
                abs(mine[m] - s) for ref in (arena, lean) for m, s in zip(ref["models"], ref["scores"], strict=True)
            )
            kind = "extra fields" if extra else "bare"
            print(
                f"| {n_battles:,} | {n_models} | {size_mib:,.0f} MiB ({kind}) | {rounds} | {ours['seconds']:.2f} "
                f"| {arena['seconds']:.2f} | {arena['seconds'] / ours['seconds']:.1f}x "
                f"| {lean['seconds']:.2f} | {lean['seconds'] / ours['seconds']:.1f}x | {diff:.3f} "
                f"| {ours['peak_mib']:.0f} / {ours['peak_child_mib']:.0f} | {arena['peak_mib']:.0f} "
                f"| {lean['peak_mib']:.0f} |",
                flush=True,
            )
            path.unlink()
    print(f"\nload average at end {load()}\n")
    print(arena_report())


if __name__ == "__main__":
    main()
