"""Catalog update speed (issue: live update), against a local server serving the real formats.

The server (tests/live_server.py) runs on 127.0.0.1 and serves the shared data reshaped into each
live source's format: LiteLLM's map byte for byte, the LMArena dataset as pages of the Hugging Face
rows API. Absolute goals come from the issue; each row also gives a ratio against a named baseline
measured in the same run.

(a) ``advisor catalog update`` with every source unchanged (all 304s): goal < 2 s; baseline
    ``python -c "import numpy, pydantic, yaml"``.
(b) a full update from an empty data folder (every page downloaded, merged, layer validated and
    written): goal < 15 s; baseline: downloading the same pages with bare ``urllib`` (the network
    floor, nothing parsed).
(c) ``advisor models`` with the update layer present, parse cache warm: goal <= 1.3x
    ``python -c "import numpy, pydantic, yaml"`` (the start-up goal of bench_catalog.py), and without
    the layer for comparison.

Run: python benchmarks/bench_update.py [--quick]   (--quick: LiteLLM source only, fewer runs)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
import live_server  # noqa: E402  (tests/live_server.py: the fixture server)
from _timing import markdown, median_wall  # noqa: E402


def _bare_download(urls: dict[str, str], sources: list[str]) -> None:
    """Every request a full update makes, with plain urllib and nothing parsed."""
    import json

    for name in sources:
        if name == "litellm":
            urllib.request.urlopen(urls["litellm"]).read()
            continue
        for config in ("text", "text_style_control"):
            offset, total = 0, 1
            while offset < total:
                url = f"{urls['lmarena']}&config={config}&offset={offset}&length=100"
                page = json.loads(urllib.request.urlopen(url).read())
                total = page["num_rows_total"]
                offset += len(page["rows"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="LiteLLM only, few runs (a smoke test)")
    args = parser.parse_args()
    sources = ["litellm"] if args.quick else ["lmarena", "litellm"]
    runs = 3 if args.quick else 7
    full_runs = 1 if args.quick else 3
    exe = Path(sys.executable).parent / "advisor"
    if not exe.exists():
        raise SystemExit(f"the advisor command is not installed beside {sys.executable}")
    if not live_server.LITELLM_NEW.exists():
        raise SystemExit(f"shared data not found at {live_server.SHARED}")
    folder = Path(tempfile.mkdtemp(prefix="advisor-bench-update-"))
    server = live_server.LiveServer(routes=live_server.standard_routes())
    serving = live_server.serve(server)
    next(serving)
    try:
        urls = live_server.urls_for(server)
        flags = [f for name in sources for f in ("--source", name, "--url", f"{name}={urls[name]}")]
        env = {"ADVISOR_CACHE_DIR": str(folder / "cache"), "ADVISOR_DATA_DIR": str(folder / "data")}
        full_env = {**os.environ, **env}
        full_times, bare_times = [], []
        for _ in range(full_runs):
            shutil.rmtree(folder / "data", ignore_errors=True)
            t0 = time.perf_counter()
            subprocess.run([str(exe), "catalog", "update", *flags], check=True, env=full_env, stdout=subprocess.DEVNULL)
            full_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _bare_download(urls, sources)
            bare_times.append(time.perf_counter() - t0)
        full, bare = statistics.median(full_times), statistics.median(bare_times)
        floor = [sys.executable, "-c", "import numpy, pydantic, yaml"]
        unchanged = [str(exe), "catalog", "update", *flags]
        models = [str(exe), "models"]
        median_wall({"warm": models}, 1, env)  # fill the parse cache
        warm = median_wall({"floor": floor, "unchanged": unchanged, "models": models}, runs, env)
        bare_env = {"ADVISOR_CACHE_DIR": str(folder / "cache"), "ADVISOR_DATA_DIR": str(folder / "empty")}
        median_wall({"warm": models}, 1, bare_env)
        shipped = median_wall({"floor": floor, "models": models}, runs, bare_env)
        layer = folder / "data" / "catalog-updates.yaml"
        size = layer.stat().st_size / 1e6
    finally:
        serving.close()
        shutil.rmtree(folder, ignore_errors=True)
    what = "+".join(sources)
    rows = [
        [
            f"`advisor catalog update`, all sources unchanged (304s; {what})",
            f"{warm['unchanged'] * 1000:.0f} ms",
            f"import floor {warm['floor'] * 1000:.0f} ms",
            f"{warm['unchanged'] / warm['floor']:.2f}x",
            "< 2 s",
            "met" if warm["unchanged"] < 2 else "NOT met",
        ],
        [
            f"full update from an empty folder ({what}; layer {size:.1f} MB)",
            f"{full:.1f} s",
            f"bare urllib download {bare:.2f} s",
            f"{full / bare:.1f}x",
            "< 15 s",
            "met" if full < 15 else "NOT met",
        ],
        [
            "`advisor models` with the update layer, cache warm",
            f"{warm['models'] * 1000:.0f} ms",
            f"import floor {warm['floor'] * 1000:.0f} ms",
            f"{warm['models'] / warm['floor']:.2f}x",
            "<= 1.3x",
            "met" if warm["models"] / warm["floor"] <= 1.3 else "NOT met",
        ],
        [
            "`advisor models` without it, cache warm",
            f"{shipped['models'] * 1000:.0f} ms",
            f"import floor {shipped['floor'] * 1000:.0f} ms",
            f"{shipped['models'] / shipped['floor']:.2f}x",
            "<= 1.3x",
            "met" if shipped["models"] / shipped["floor"] <= 1.3 else "NOT met",
        ],
    ]
    print(markdown(["case", "advisor", "baseline", "ratio", "goal", ""], rows))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nLoad average during the run: {load:.1f}. Server: tests/live_server.py on 127.0.0.1.")


if __name__ == "__main__":
    main()
