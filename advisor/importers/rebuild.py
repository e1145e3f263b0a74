"""Rebuild the bundled catalog from the curated identities and the shared public data.

Run from the repository root (the shared data sits beside the repository, in ``../shared/data``)::

    python -m advisor.importers.rebuild            # writes catalog/catalog.yaml
    python -m advisor.importers.rebuild --check    # exit 1 if catalog/catalog.yaml is stale

The steps, in order, each a public importer: the LiteLLM price history, the LiteLLM map of
2024-07-25 (cache and long-context detail of the prices then in force), the newest LiteLLM map
(dated 2025-09-02, the day after the history ends), every Arena snapshot oldest first (rows no
curated model claims become score-only models), and the Arena-Hard-Auto leaderboard.

Context windows and max output tokens come from the two LiteLLM maps, from each model's own key
only: the newest map wins, the 2024-07-25 map fills in models the newest map no longer lists, and a
figure set by hand in ``models.yaml`` (``context_window`` or ``max_output_tokens`` on the curated
entry) always wins: such models are passed to the imports as ``keep_limits``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from advisor.importers._common import ImportReport
from advisor.importers.arena import import_arena, import_arena_hard
from advisor.importers.litellm import import_litellm
from advisor.importers.price_history import import_price_history
from advisor.schema import CatalogFile

__all__ = ["ARENA_SNAPSHOTS", "NEWEST_MAP_SINCE", "REPO", "rebuild"]

REPO = Path(__file__).resolve().parents[2]
"""The repository root (this file is advisor/importers/rebuild.py)."""

ARENA_SNAPSHOTS: tuple[tuple[str, dt.date], ...] = (
    ("lmsys_arena_2024-06-19.csv", dt.date(2024, 6, 19)),
    ("lmsys_arena_2024-07-24.csv", dt.date(2024, 7, 24)),
    ("lmsys_arena_2024-10-16.csv", dt.date(2024, 10, 16)),
    ("lmsys_arena_2025-01-29.csv", dt.date(2025, 1, 29)),
    ("lmsys_arena_2025-07-18.csv", dt.date(2025, 7, 18)),
    ("lmarena_text_2025-08-04.csv", dt.date(2025, 8, 4)),
)

NEWEST_MAP_SINCE = dt.date(2025, 9, 2)
"""The undated LiteLLM 1.109.1 map is taken as in force from the day after the history ends."""

_PLACEHOLDER = "placeholder price shared by groq's llama-3.1 8b/70b/405b keys in 2024-07 (shared data README)"
HISTORY_SKIP: dict[tuple[str, dt.date], str] = {
    ("gemini/gemini-1.5-pro", dt.date(2024, 6, 17)): "LiteLLM error: Flash's 0.35/1.05 under the Pro key",
    ("groq/llama-3.1-8b-instant", dt.date(2024, 7, 25)): _PLACEHOLDER,
}
MAP_2024_07_25_SKIP: dict[str, str] = {"groq/llama-3.1-8b-instant": _PLACEHOLDER}
EXCLUDED_PROVIDERS = frozenset({"vertex_ai-language-models"})
"""Vertex AI bills Gemini per character; LiteLLM's per-token figures for it are equivalents."""


def rebuild(
    models_yaml: Path = REPO / "catalog" / "build" / "models.yaml",
    data_dir: Path = REPO.parent / "shared" / "data",
) -> tuple[CatalogFile, list[ImportReport]]:
    """The bundled catalog built from ``models_yaml`` and the files under ``data_dir``."""
    from advisor.catalog_io import read_catalog_file

    cf = read_catalog_file(models_yaml)
    hand_set = frozenset(m.id for m in cf.models if m.context_window is not None or m.max_output_tokens is not None)
    prices = data_dir / "prices"
    reports: list[ImportReport] = []

    r = import_price_history(
        cf, prices / "litellm_price_history_via_tokencost.derived.csv", source_key="litellm-history",
        skip=HISTORY_SKIP, exclude_providers=EXCLUDED_PROVIDERS,
    )  # fmt: skip
    reports.append(r.report)
    r = import_litellm(
        r.catalog, prices / "tokencost_litellm_model_prices_2024-07-25.json", as_of=dt.date(2024, 7, 25),
        source_key="litellm-2024-07-25", backfill_detail=True, skip=MAP_2024_07_25_SKIP,
        exclude_providers=EXCLUDED_PROVIDERS, keep_limits=hand_set,
    )  # fmt: skip
    reports.append(r.report)
    newest = prices / "litellm_model_prices_and_context_window_pypi-1.109.1.json"
    r = import_litellm(
        r.catalog, newest, as_of=NEWEST_MAP_SINCE, source_key="litellm-1.109.1",
        exclude_providers=EXCLUDED_PROVIDERS, keep_limits=hand_set,
    )  # fmt: skip
    reports.append(r.report)
    for name, day in ARENA_SNAPSHOTS:
        r = import_arena(
            r.catalog,
            data_dir / "arena" / name,
            as_of=day,
            source_key=f"arena-{day.isoformat()}",
            add_new=True,
        )
        reports.append(r.report)
    r = import_arena_hard(
        r.catalog, data_dir / "battles" / "arena_hard_auto_leaderboard_20240731.csv",
        source_key="arena-hard-auto-2024-07-31",
    )  # fmt: skip
    reports.append(r.report)
    return r.catalog, reports


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with ``--check`` compare) ``catalog/catalog.yaml``; print one line per step."""
    from advisor.writer import dump_catalog_file, write_catalog_file

    parser = argparse.ArgumentParser(prog="python -m advisor.importers.rebuild", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data", help="the shared data folder")
    parser.add_argument("--models", type=Path, default=REPO / "catalog" / "build" / "models.yaml")
    parser.add_argument("--out", type=Path, default=REPO / "catalog" / "catalog.yaml")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if --out differs")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"Error: shared data folder not found: {args.data}", file=sys.stderr)
        return 2
    cf, reports = rebuild(args.models, args.data)
    for rep in reports:
        print(
            f"{rep.kind:10} {Path(rep.file).name}: matched {rep.matched}, added {rep.added}, "
            f"updated {rep.updated}, new models {len(rep.new_models)}, unmatched {len(rep.unmatched)}, "
            f"ambiguous {len(rep.ambiguous)}, skipped {len(rep.skipped)}, limits {rep.limits}",
            file=sys.stderr,
        )
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != dump_catalog_file(cf):
            print(f"{args.out} is out of date: run python -m advisor.importers.rebuild", file=sys.stderr)
            return 1
        return 0
    write_catalog_file(args.out, cf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
