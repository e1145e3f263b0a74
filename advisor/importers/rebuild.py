"""Rebuild the bundled catalog from the curated identities and the shared public data.

Run from the repository root (the shared data sits beside the repository, in ``../shared/data``)::

    python -m advisor.importers.rebuild            # writes catalog/catalog.yaml
    python -m advisor.importers.rebuild --check    # exit 1 if catalog/catalog.yaml is stale

The steps, in order, each a public importer or a curated file:

1. ``catalog/build/models.yaml``: the hand-checked 2024-era identities.
2. Every chat model a maker's own API prices in the LiteLLM 1.110.2 map or genai-prices 0.2.3
   becomes a model (id: the provider's own API id); ``arena_names.yaml`` adds the models the Arena
   rated and each rated reasoning mode as its own option (``mode_of``); ``current_names.yaml`` and
   every price key whose last ``/`` part is a model's id add the names people and hosts use.
3. models.dev fills in release dates, context windows, output limits, knowledge cutoffs and
   open-weights flags.
4. Prices: the LiteLLM price history (dated, to 2025-09-01), the 2024-07-25 map (cache and
   long-context detail then in force), the undated maps 1.109.1 and 1.110.2, and genai-prices
   (conditional prices keep their dates, announced changes included). An undated price starts at
   the model's release date (models.dev), or the day after the history's last day for a model the
   history prices, whichever is later; its note says the start is not known exactly. A model with
   neither date gets no price from the 1.109.1 map, and from the current sources (1.110.2,
   genai-prices) only from 2026-11-30, the day they are known to be in force. The 1.110.2 map's
   own keys give retirement dates, sources and successors; the model's own periods end that day.
5. Scores: every Arena CSV snapshot oldest first (rows no model claims become score-only models),
   every LMArena leaderboard JSON (overall boards of every version; every category of the newest
   raw and style-controlled boards), and Arena-Hard-Auto.

Context windows and max output tokens: models.dev fills what is missing; each model's own LiteLLM
key (newest map last) replaces them; a figure set by hand in ``models.yaml`` always wins; a priced
model still without a window takes the smallest its hosts list in the 1.110.2 map. The build
prints each step and the join rate of the 2025-12-11 board with its unjoined names.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from advisor.importers._common import ImportReport, ImportResult, Workspace
from advisor.importers.arena import import_arena, import_arena_hard, maker_of
from advisor.importers.arena_json import import_arena_json
from advisor.importers.genai_prices import OWN_PROVIDERS, import_genai_prices
from advisor.importers.litellm import NOT_CHAT, import_litellm, new_model_from_key
from advisor.importers.models_dev import import_models_dev
from advisor.importers.price_history import import_price_history
from advisor.schema import Alias, CatalogFile, Model, Score, Source

__all__ = ["ARENA_SNAPSHOTS", "BOARDS", "HISTORY_END", "REPO", "rebuild"]

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

BOARDS: tuple[tuple[str, str], ...] = (
    ("2025-03-07", "b3b0fef89b7d3b23954bf25ad0b9573be7736d55"),
    ("2025-03-14", "d3f38f0997aa02a7b643e5d6eda9b8ee7c730532"),
    ("2025-03-17", "a8eed0c8806b5e63940e874902f6db162d85df4d"),
    ("2025-04-04", "daf5e99f89deb7bb799809cd283f590cb6b77146"),
    ("2025-04-07", "f973ec23f6f08bf7e35289a0decc405616521848"),
    ("2025-05-06", "d4a01e60923f30b1facfe113a58a3b745f492ccf"),
    ("2025-05-07", "d95e4ad4723788b9686f29b5dc58e72c908f2736"),
    ("2025-05-13", "857735a2ff89317289935c0e5957fe0095c7af26"),
    ("2025-05-24", "209556bee0da499fdbfbc7b31f676f9828ea6b14"),
    ("2025-11-05", "236f9a42997610bb739f201409df02a38320ad90"),
    ("2025-11-06", "99f1eadeead623be3deff5ba1b0a0a7c8b6d6fcc"),
    ("2025-12-11", "ea8297b5457e664b4e1f37340426164a9e605927"),
    ("2025-12-17", "3b12b7fd947f0946191beffd812f29c1b0aad685"),
)
"""LMArena arena-catalog commits (author date, commit) of the leaderboard JSON files in the shared data."""

JOIN_BOARD = "lmarena_leaderboard-text_2025-12-11.json"
"""The board whose join rate the build reports."""

HISTORY_END = dt.date(2025, 9, 1)
"""The last day of the dated LiteLLM price history."""

NAMES_ON = dt.date(2026, 11, 30)
"""The undated maps and genai-prices are current: a moving name in them (``deepseek-chat``) denotes
what it denotes on the day they were taken (the newest LiteLLM release on 2026-11-30)."""

_PLACEHOLDER = "placeholder price shared by groq's llama-3.1 8b/70b/405b keys in 2024-07 (shared data README)"
HISTORY_SKIP: dict[tuple[str, dt.date], str] = {
    ("gemini/gemini-1.5-pro", dt.date(2024, 6, 17)): "LiteLLM error: Flash's 0.35/1.05 under the Pro key",
    ("groq/llama-3.1-8b-instant", dt.date(2024, 7, 25)): _PLACEHOLDER,
}
MAP_2024_07_25_SKIP: dict[str, str] = {"groq/llama-3.1-8b-instant": _PLACEHOLDER}
EXCLUDED_PROVIDERS = frozenset({"vertex_ai-language-models"})
"""Vertex AI billed Gemini per character in 2024; LiteLLM's per-token figures for it were equivalents."""

_UNDATED_NOTE = (
    "The map has no date: each price starts at the model's release date (models.dev) or the day after the "
    "price history ends, whichever is later, so the start is not known exactly"
)

SOURCES: dict[str, Source] = {
    "litellm-1.109.1": Source(
        title="LiteLLM model_prices_and_context_window.json from the PyPI wheel litellm 1.109.1",
        url="https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json",
        license="MIT",
        note=_UNDATED_NOTE,
    ),
    "litellm-1.110.2": Source(
        title="LiteLLM model_prices_and_context_window.json from the PyPI wheel litellm 1.110.2 "
        "(newest release on 2026-11-30)",
        url="https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json",
        license="MIT",
        note=_UNDATED_NOTE + "; a model with neither date is priced from 2026-11-30, the day this map was "
        "the newest release. Retirement dates, sources and successors from its deprecation_date, "
        "deprecation_source and successor_model.",
    ),
    "genai-prices-0.2.3": Source(
        title="pydantic genai-prices 0.2.3 bundled data (prices/new_data/v2/data.json layout)",
        url="https://github.com/pydantic/genai-prices",
        license="MIT",
        note="Conditional prices keep their start dates (2025-05-22 to 2027-01-01, announced changes "
        "included). A plain price is undated: it starts at the model's release date (models.dev), or "
        "2026-11-30 (when 0.2.3 was the newest release) without one, so its start is not known exactly.",
    ),
    "models-dev": Source(
        title="models.dev model metadata @ f3fc692 (providers/*/models/*.toml)",
        url="https://github.com/anomalyco/models.dev/tree/f3fc692299671838c7c65fd8126bf84d81a2e817",
        license="MIT",
        note="Release dates, context and output limits, knowledge cutoffs, open-weights flags.",
    ),
}


def _board_sources() -> dict[str, Source]:
    out: dict[str, Source] = {}
    for day, commit in BOARDS:
        for style, path in ((False, "leaderboard-text.json"), (True, "leaderboard-text-style-control.json")):
            key = f"lmarena-{'style-' if style else ''}{day}"
            out[key] = Source(
                title=f"LMArena text leaderboard{' (style control)' if style else ''}, arena-catalog "
                f"data/{path} @ {commit[:8]} ({day})",
                url=f"https://github.com/lmarena/arena-catalog/blob/{commit}/data/{path}",
                license="CC-BY-4.0",
                note="LMArena (lmarena.ai), leaderboard data, CC-BY-4.0 "
                "(https://creativecommons.org/licenses/by/4.0/). No vote counts; 95% bounds are bootstrap "
                "quantiles. Dated by the commit.",
            )
    return out


def _load_json(path: Path) -> object:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _create_models(ws: Workspace, data_dir: Path, build: Path, litellm: object) -> list[str]:
    """Step 2: current models, Arena options and the names they go by. Returns what was left out."""
    from advisor.importers.arena_names import read_arena_names, read_current_names

    notes: list[str] = []
    prices = data_dir / "prices"
    genai = _load_json(prices / "genai_prices_pypi-0.2.3_data.derived.json")
    assert isinstance(litellm, dict) and isinstance(genai, list)
    names = read_arena_names(build / "arena_names.yaml")
    for join in names.joins.values():
        if join.model not in ws.models and not ws.ids(join.model):
            ws.put(Model(id=join.model, provider=maker_of(join.model)))
        base_ids = ws.ids(join.model)
        if len(base_ids) != 1:
            notes.append(f"{join.name}: model {join.model} is ambiguous")
            continue
        base = ws.models[base_ids[0]]
        target = base
        if join.mode_id is not None:
            if join.mode_id not in ws.models:
                ws.put(
                    Model(
                        id=join.mode_id,
                        name=f"{base.name or base.id} ({join.mode})",
                        provider=base.provider,
                        mode_of=base.id,
                        output_multiplier=join.output_multiplier,
                        notes=join.note,
                    )
                )
            target = ws.models[join.mode_id]
        _alias(ws, target.id, Alias(join.name), notes)
    for model_id, aliases in read_current_names(build / "current_names.yaml").items():
        if not ws.ids(model_id):
            ws.put(Model(id=model_id, provider=maker_of(model_id)))
        ids = ws.ids(model_id)
        if len(ids) != 1:
            notes.append(f"current_names.yaml: {model_id} names no single model")
            continue
        for alias in aliases:
            _alias(ws, ids[0], alias, notes)
    # Then every model a maker's own API prices that no curated name already denotes.
    for key, entry in litellm.items():
        if not isinstance(entry, dict) or entry.get("mode") != "chat" or "input_cost_per_token" not in entry:
            continue
        model = new_model_from_key(key, entry)
        if model is not None and not ws.ids(model.id) and not any(ws.ids(a.name) for a in model.aliases):
            ws.put(model)
    for prov in genai:
        maker = OWN_PROVIDERS.get(prov["id"])
        if maker is None or prov["id"] == "aws":
            continue
        for entry in prov["models"]:
            model_id = str(entry["id"]).casefold()
            if "/" in model_id or ws.ids(model_id) or not entry.get("prices") or NOT_CHAT.search(model_id):
                continue
            # genai-prices often names a family by its undated prefix (claude-3-opus): when a model
            # of that maker already extends the id, the entry is that model, not a new one.
            if any(m.provider == maker and m.id.startswith(f"{model_id}-") for m in ws.models.values()):
                continue
            ws.put(Model(id=model_id, provider=maker))
    # Hosts' keys: a price key whose last "/" part is a model's id names that model.
    by_tail: dict[str, list[str]] = {}
    for key, entry in litellm.items():
        if isinstance(entry, dict) and entry.get("mode") == "chat" and "/" in key:
            by_tail.setdefault(key.rpartition("/")[2].casefold(), []).append(key)
    for prov in genai:
        for entry in prov["models"]:
            by_tail.setdefault(str(entry["id"]).rpartition("/")[2].casefold(), []).append(f"{prov['id']}/{entry['id']}")
    for model_id in list(ws.models):
        if ws.models[model_id].mode_of is not None:
            continue
        for key in by_tail.get(model_id.casefold(), ()):
            if not ws.ids(key):
                _alias(ws, model_id, Alias(key), notes)
    return notes


def _alias(ws: Workspace, model_id: str, alias: Alias, notes: list[str]) -> None:
    model = ws.models[model_id]
    if alias.name.casefold() == model_id.casefold() or alias in model.aliases:
        return
    clash = ws.index.clash(alias, model_id)
    if clash:
        notes.append(f"{model_id}: {clash}; left out")
        return
    ws.put(dataclasses.replace(model, aliases=(*model.aliases, alias)))


def rebuild(
    models_yaml: Path = REPO / "catalog" / "build" / "models.yaml",
    data_dir: Path = REPO.parent / "shared" / "data",
) -> tuple[CatalogFile, list[ImportReport], list[str]]:
    """The bundled catalog built from ``models_yaml`` (and its folder's curated files) and ``data_dir``."""
    from advisor.catalog_io import read_catalog_file

    build = models_yaml.parent
    cf = read_catalog_file(models_yaml)
    cf = dataclasses.replace(cf, sources={**cf.sources, **SOURCES, **_board_sources()})
    hand_set = frozenset(m.id for m in cf.models if m.context_window is not None or m.max_output_tokens is not None)
    prices = data_dir / "prices"
    reports: list[ImportReport] = []
    ws = Workspace(cf)
    current_map = _load_json(prices / "litellm_model_prices_and_context_window_pypi-1.110.2.json")
    notes = _create_models(ws, data_dir, build, current_map)
    cf = ws.layer()

    r = import_models_dev(cf, data_dir / "models" / "models_dev_f3fc692.derived.json", source_key="models-dev")
    reports.append(r.report)
    r = import_price_history(
        r.catalog, prices / "litellm_price_history_via_tokencost.derived.csv", source_key="litellm-history",
        skip=HISTORY_SKIP, exclude_providers=EXCLUDED_PROVIDERS,
    )  # fmt: skip
    reports.append(r.report)
    history_priced = {m.id for m in r.catalog.models if any(p.source == "litellm-history" for p in m.prices)}

    def since_of(model: Model) -> dt.date | None:
        after_history = HISTORY_END + dt.timedelta(days=1) if model.id in history_priced else None
        dates = [d for d in (model.released, after_history) if d is not None]
        return max(dates) if dates else None

    def since_of_current(model: Model) -> dt.date | None:
        # A source current on NAMES_ON shows the price in force that day, even without a release date.
        return since_of(model) or NAMES_ON

    r = import_litellm(
        r.catalog, prices / "tokencost_litellm_model_prices_2024-07-25.json", as_of=dt.date(2024, 7, 25),
        source_key="litellm-2024-07-25", backfill_detail=True, skip=MAP_2024_07_25_SKIP,
        exclude_providers=EXCLUDED_PROVIDERS, keep_limits=hand_set, retirement=False,
    )  # fmt: skip
    reports.append(r.report)
    for version in ("1.109.1", "1.110.2"):
        r = import_litellm(
            r.catalog, prices / f"litellm_model_prices_and_context_window_pypi-{version}.json", as_of=None,
            since_of=since_of_current if version == "1.110.2" else since_of, source_key=f"litellm-{version}",
            keep_limits=hand_set, retirement=version == "1.110.2", names_on=NAMES_ON,
        )  # fmt: skip
        reports.append(r.report)
    r = import_genai_prices(
        r.catalog, prices / "genai_prices_pypi-0.2.3_data.derived.json", as_of=None, since_of=since_of_current,
        source_key="genai-prices-0.2.3", names_on=NAMES_ON,
    )  # fmt: skip
    reports.append(r.report)
    cf = _host_windows(r.catalog, current_map)
    r = ImportResult(cf, r.report)
    from advisor.importers.arena_names import superseded_names

    superseded = superseded_names(build / "arena_names.yaml")
    for name, day in ARENA_SNAPSHOTS:
        r = import_arena(
            r.catalog, data_dir / "arena" / name, as_of=day, source_key=f"arena-{day.isoformat()}", add_new=True,
            superseded=superseded,
        )  # fmt: skip
        reports.append(r.report)
    newest = {False: BOARDS[-2][0], True: BOARDS[-1][0]}
    for board_day, _commit in BOARDS:
        for style in (False, True):
            path = data_dir / "arena" / f"lmarena_leaderboard-text{'-style-control' if style else ''}_{board_day}.json"
            if not path.exists():
                continue
            categories = None if board_day == newest[style] else {"full": "overall"}
            r = _board(r.catalog, path, dt.date.fromisoformat(board_day), style, categories, superseded)
            reports.append(r.report)
    r = import_arena_hard(
        r.catalog, data_dir / "battles" / "arena_hard_auto_leaderboard_20240731.csv",
        source_key="arena-hard-auto-2024-07-31",
    )  # fmt: skip
    reports.append(r.report)
    return r.catalog, reports, notes


def _host_windows(cf: CatalogFile, litellm: object) -> CatalogFile:
    """A context window for priced models that neither the maker's listing nor models.dev gives:
    the smallest window the hosts that sell it list in the current LiteLLM map (a request that
    fits it fits every host the catalog prices it at). The model's notes say where it came from."""
    from advisor.endpoints import api_names

    assert isinstance(litellm, dict)
    models = []
    for m in cf.models:
        if m.context_window is None and m.prices:
            listed: dict[str, int] = {}
            for p in m.prices:
                if p.host is None:
                    continue
                _, key = api_names(m, p.host)
                entry = litellm.get(key) if key else None
                window = entry.get("max_input_tokens") if isinstance(entry, dict) else None
                if isinstance(window, int) and window > 0 and not isinstance(window, bool):
                    listed[p.host] = min(window, listed.get(p.host, window))
            if listed:
                window = min(listed.values())
                where = ", ".join(f"{h} {w:,}" for h, w in sorted(listed.items()))
                note = f"Context window: the smallest its hosts list in LiteLLM 1.110.2 ({where})."
                m = dataclasses.replace(m, context_window=window, notes=f"{m.notes} {note}" if m.notes else note)
        models.append(m)
    return dataclasses.replace(cf, models=tuple(models))


def _board(
    cf: CatalogFile,
    path: Path,
    day: dt.date,
    style: bool,
    categories: dict[str, str] | None,
    superseded: Mapping[str, str],
) -> ImportResult:
    """Import one leaderboard JSON; with ``categories`` only those boards (the others are dropped).
    ``superseded`` Arena names give way to another row of their model, as on the CSV boards."""
    raw = path.read_bytes()
    if categories is not None:
        data = json.loads(raw)
        raw = json.dumps({k: v for k, v in data.items() if k in categories}).encode()
    key = f"lmarena-{'style-' if style else ''}{day.isoformat()}"
    return import_arena_json(
        cf, raw, as_of=day, source_key=key, label=str(path), style_control=style, superseded=superseded
    )


def join_report(cf: CatalogFile, data_dir: Path, build: Path) -> str:
    """The join rate of the 2025-12-11 board in the built catalog, and the sold names left unjoined.

    A name is sold when ``arena_names.yaml`` joins it to a model a price source sells (or skips it as
    doubtful, or does not cover it); it is joined when the built catalog resolves it to its option
    and that option's model has a price.
    """
    from advisor.importers.arena_names import ArenaJoin, join_rate, priced_by_sources, read_arena_names
    from advisor.names import NameIndex

    names = read_arena_names(build / "arena_names.yaml")
    models = {m.id: m for m in cf.models}
    index = NameIndex(cf.models)
    board = _load_json(data_dir / "arena" / JOIN_BOARD)
    assert isinstance(board, dict)
    on_board = {n for cat in board.values() for n in cat}
    sold_by_source = priced_by_sources(data_dir, {m.id: [a.name for a in m.aliases] for m in cf.models})
    rate = join_rate(on_board, names, sold_by_source)

    def in_catalog(name: str) -> bool:
        entry = names.get(name)
        if not isinstance(entry, ArenaJoin) or index.ids(name) != [entry.option]:
            return False
        model = models[entry.option]
        base = models.get(model.mode_of) if model.mode_of else model
        return base is not None and bool(base.prices)

    sold = []
    for n in sorted(on_board):
        entry = names.get(n)
        if n in rate.unjoined or (isinstance(entry, ArenaJoin) and sold_by_source(entry.model)):
            sold.append(n)
    joined = [n for n in sold if in_catalog(n)]
    unjoined = [n for n in sold if n not in joined]
    share = len(joined) / len(sold) if sold else 1.0
    return (
        f"join rate {JOIN_BOARD}: {len(joined)} of {len(sold)} sold models joined to their price "
        f"({share:.1%}; {len(on_board)} names on the board); unjoined ({len(unjoined)}): {', '.join(unjoined)}"
    )


TABLES = "scores"
"""The folder of score tables beside catalog.yaml: one per LMArena metric (tens of thousands of scores)."""


def split_scores(cf: CatalogFile) -> tuple[CatalogFile, dict[str, str]]:
    """The catalog without its LMArena JSON scores, and the score tables that hold them (path -> text).

    One table per metric, read only when that metric is used; the Arena CSV scores stay in the YAML.
    """
    from advisor.catalog import metric_key
    from advisor.score_table import dump_score_table

    rows: dict[str, list[tuple[str, Score]]] = {}
    models = []
    for m in cf.models:
        for s in m.scores:
            if s.source.startswith("lmarena-"):
                rows.setdefault(metric_key(s.benchmark, s.category), []).append((m.id, s))
        models.append(dataclasses.replace(m, scores=tuple(s for s in m.scores if not s.source.startswith("lmarena-"))))
    tables = {metric: f"{TABLES}/{metric.replace('/', '.')}.tsv" for metric in sorted(rows)}
    texts = {tables[metric]: dump_score_table(r) for metric, r in rows.items()}
    return dataclasses.replace(cf, models=tuple(models), score_tables=tables), texts


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with ``--check`` compare) ``catalog/catalog.yaml``, its score tables and its validated
    form (:mod:`advisor._generate`); print one line per step."""
    from advisor._io import atomic_write_text
    from advisor.catalog_io import shipped_entry, shipped_entry_path
    from advisor.writer import dump_catalog_file

    parser = argparse.ArgumentParser(prog="python -m advisor.importers.rebuild", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data", help="the shared data folder")
    parser.add_argument("--models", type=Path, default=REPO / "catalog" / "build" / "models.yaml")
    parser.add_argument("--out", type=Path, default=REPO / "catalog" / "catalog.yaml")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if --out differs")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"Error: shared data folder not found: {args.data}", file=sys.stderr)
        return 2
    cf, reports, notes = rebuild(args.models, args.data)
    for rep in reports:
        print(
            f"{rep.kind:12} {Path(rep.file).name}: matched {rep.matched}, added {rep.added}, "
            f"updated {rep.updated}, new models {len(rep.new_models)}, unmatched {len(rep.unmatched)}, "
            f"ambiguous {len(rep.ambiguous)}, skipped {len(rep.skipped)}, limits {rep.limits}, retired {rep.retired}",
            file=sys.stderr,
        )
    for note in notes:
        print(f"names: {note}", file=sys.stderr)
    print(join_report(cf, args.data, args.models.parent), file=sys.stderr)
    cf, tables = split_scores(cf)
    main_text = dump_catalog_file(cf)
    outputs = {args.out: main_text, **{args.out.parent / rel: text for rel, text in tables.items()}}
    outputs[shipped_entry_path(args.out)] = shipped_entry(main_text.encode("utf-8"))  # see advisor._generate
    folder = args.out.parent / TABLES
    extra = sorted(set(folder.glob("*.tsv")) - set(outputs)) if folder.is_dir() else []
    if args.check:
        stale = [p for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for path in [*stale, *extra]:
            print(f"{path} is out of date: run catalog/build/rebuild.sh", file=sys.stderr)
        return 1 if stale or extra else 0
    folder.mkdir(exist_ok=True)
    for path, text in outputs.items():
        atomic_write_text(path, text)
    for path in extra:
        path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
