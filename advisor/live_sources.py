"""The live sources ``advisor catalog update`` reads: a registry, one entry per public source.

Each entry says where the source lives (a default URL any caller can override, for mirrors), its
licence and attribution, how to download it (one conditional request, or pages of the Hugging Face
rows API) and how to merge what it says into a catalog (through the importers in
:mod:`advisor.importers`, names joined through the catalog's aliases). Adding a source is adding an
entry to :data:`SOURCES`; the CLI and :func:`advisor.update_catalog` iterate the table.

A download either answers *not modified* (the copy merged last time still holds) or returns the
checked content; anything malformed is an :class:`~advisor.errors.InputFileError` naming the source,
raised before anything is merged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from advisor.errors import InputFileError
from advisor.schema import Alias, CatalogFile, Source

if TYPE_CHECKING:
    from advisor._http import Response
    from advisor.catalog import Catalog
    from advisor.importers._common import ImportReport
    from advisor.importers.arena_names import ArenaNames

__all__ = ["SOURCES", "Download", "LiveSource", "MergeContext", "SourceState"]


class Fetch(Protocol):
    """``advisor._http.fetch`` with the update's timeout and retries already applied."""

    def __call__(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, max_bytes: int = ...
    ) -> Response: ...


@dataclass(frozen=True)
class SourceState:
    """What the last successful download of a source left behind (kept in the update state file)."""

    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    fingerprint: str | None = None
    """sha256 of the content merged last, so a server without validators still costs no merge."""
    parts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Per-part validators for sources read in several parts (the dataset's boards)."""


@dataclass(frozen=True)
class Download:
    """A source's content, checked, or ``not_modified``."""

    not_modified: bool
    payload: Any = None
    state: SourceState = field(default_factory=SourceState)
    """Validators to keep for the next update."""
    data_date: dt.date | None = None
    """The newest date the content's figures carry (a leaderboard's publish date), if any."""
    requests: int = 0
    received: int = 0
    """Bytes received on the wire."""


@dataclass(frozen=True)
class MergeContext:
    """What a merge needs besides the layer: the catalog below it, the day, the URL read."""

    below: Catalog
    today: dt.date
    url: str


@dataclass(frozen=True)
class LiveSource:
    """One public source of prices, scores or model facts."""

    name: str
    title: str
    url: str
    """Default URL (the public one); callers may point it at a mirror."""
    license: str
    homepage: str
    gives: str
    """What it contributes, in a few words (shown by the CLI and the README)."""
    attribution: str
    """The notice the layer keeps while it holds figures from this source."""
    max_bytes: int
    download: Callable[[LiveSource, str, SourceState | None, Fetch], Download]
    merge: Callable[[LiveSource, CatalogFile, Download, MergeContext], tuple[CatalogFile, ImportReport]]
    """``(source, layer, download, context) -> (new layer, report)``: names join against the layer
    over ``context.below``; the layer receives only what changed."""


def fingerprint(data: bytes) -> str:
    """sha256 of ``data``, hex."""
    return hashlib.sha256(data).hexdigest()


# --- one JSON document --------------------------------------------------------------------------------


def _json_document(
    check: Callable[[Any, str], None],
) -> Callable[[LiveSource, str, SourceState | None, Fetch], Download]:
    """A download of one JSON document with a conditional request; ``check`` rejects a changed format."""

    def download(source: LiveSource, url: str, state: SourceState | None, fetch: Fetch) -> Download:
        same_url = state is not None and state.url == url
        answer = fetch(
            url,
            etag=state.etag if state and same_url else None,
            last_modified=state.last_modified if state and same_url else None,
            max_bytes=source.max_bytes,
        )
        if answer.not_modified:
            assert state is not None
            return Download(True, state=state, requests=answer.attempts)
        digest = fingerprint(answer.body)
        new_state = SourceState(url, answer.etag, answer.last_modified, digest)
        if same_url and state is not None and state.fingerprint == digest:
            return Download(True, state=new_state, requests=answer.attempts, received=answer.received)
        data = _parse_json(answer.body, answer.url)
        check(data, answer.url)
        return Download(False, (data, answer.body), new_state, requests=answer.attempts, received=answer.received)

    return download


def _parse_json(body: bytes, label: str) -> Any:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{label}: not UTF-8 text (byte {exc.start:,})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{label}:{exc.lineno}: malformed or truncated JSON: {exc.msg}") from None


# --- LiteLLM price map ---------------------------------------------------------------------------------

_LITELLM_MAKERS = (
    "openai",
    "anthropic",
    "gemini",
    "mistral",
    "deepseek",
    "xai",
    "cohere_chat",
    "dashscope",
    "moonshot",
    "zai",
    "minimax",
    "perplexity",
)
"""LiteLLM providers that are one maker's own API and sell only that maker's models: a key of theirs
says enough (maker, token prices) to add a model the catalog lacks. Clouds that resell many makers'
models (bedrock, azure_ai, vertex_ai, ...) never add models: their keys do not say who made it."""


def _check_litellm(data: Any, label: str) -> None:
    if not isinstance(data, dict):
        raise InputFileError(f"{label}:1: expected a JSON object of model keys, got {type(data).__name__}")
    priced = sum(
        1 for v in data.values() if isinstance(v, dict) and "input_cost_per_token" in v and "litellm_provider" in v
    )
    if priced < 10:
        raise InputFileError(
            f"{label}: only {priced} keys with input_cost_per_token and litellm_provider (has the format changed?)"
        )


def _litellm_joins(layer: CatalogFile, below: Catalog, data: Mapping[str, Any], today: dt.date) -> CatalogFile:
    """Aliases for maker keys ``<provider>/<name>`` whose ``<name>`` is that maker's model.

    LiteLLM names a maker's own API models ``<provider>/<id>`` (``gemini/gemini-3-pro``): when
    ``<id>`` names exactly one catalog model and that model is the provider's maker's, the key is
    that model's (LiteLLM's naming rule, not a guess) and becomes an alias, so the importer prices
    the model instead of adding a second one.
    """
    from advisor.importers._common import Workspace
    from advisor.importers.litellm import OWN_API

    ws = Workspace(layer, below)
    for key, entry in data.items():
        provider = entry.get("litellm_provider") if isinstance(entry, dict) else None
        if provider not in _LITELLM_MAKERS or not key.startswith(f"{provider}/") or ws.ids(key, today):
            continue
        hits = ws.ids(key.split("/", 1)[1], today)
        if len(hits) == 1 and ws.models[hits[0]].provider == OWN_API[provider]:
            model = ws.models[hits[0]]
            ws.put(dataclasses.replace(model, aliases=(*model.aliases, Alias(key))))
    return ws.layer()


def _merge_litellm(
    source: LiveSource, layer: CatalogFile, got: Download, ctx: MergeContext
) -> tuple[CatalogFile, ImportReport]:
    from advisor.importers.litellm import import_litellm
    from advisor.importers.rebuild import EXCLUDED_PROVIDERS

    data, body = got.payload
    key = f"litellm-live-{ctx.today.isoformat()}"
    entry = Source(
        title=f"{source.title}, fetched {ctx.today.isoformat()}",
        url=ctx.url,
        license=source.license,
        retrieved=ctx.today,
        note="The map has no dates: a price that differs from the one in force is dated from the day it was "
        "first seen (this fetch); the period before it ends that day.",
    )
    joined = _litellm_joins(layer, ctx.below, data, ctx.today)
    hand_set = frozenset(
        m.id for m in ctx.below.models if m.context_window is not None and not (m.source or "").startswith("litellm")
    )
    result = import_litellm(
        joined, body, as_of=ctx.today, source_key=key, source=entry, below=ctx.below, label=ctx.url,
        exclude_providers=EXCLUDED_PROVIDERS, keep_limits=hand_set, add_new=True,
    )  # fmt: skip
    # A model added for a key the importer then left unpriced (0/0, per character) says too little.
    below_ids = {m.id for m in ctx.below.models}
    old_ids = {m.id for m in layer.models}
    bare = {m.id for m in result.catalog.models if m.id not in below_ids and m.id not in old_ids and not m.prices}
    models = tuple(m for m in result.catalog.models if m.id not in bare)
    report = dataclasses.replace(result.report, new_models=tuple(m for m in result.report.new_models if m not in bare))
    return dataclasses.replace(result.catalog, models=models), report


# --- LMArena leaderboard dataset (Hugging Face rows API) ---------------------------------------------------

ARENA_BOARDS: Mapping[str, str] = {"text": "arena-text", "text_style_control": "arena-text-style"}
"""Dataset configs read, and the benchmark each fills: raw scores and style-controlled ones."""
_PAGE = 100
"""Rows per request: the rows API's maximum."""
_MAX_PAGES = 2000


def _page_url(base_url: str, config: str, offset: int) -> str:
    parts = urllib.parse.urlsplit(base_url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query.setdefault("dataset", "lmarena-ai/leaderboard-dataset")
    query.setdefault("split", "latest")
    query.update(config=config, offset=str(offset), length=str(_PAGE))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, safe="/")))


def _rows_page(body: bytes, label: str) -> tuple[list[Mapping[str, Any]], int]:
    data = _parse_json(body, label)
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise InputFileError(f"{label}: expected the rows API's object with 'rows' (has the format changed?)")
    total = data.get("num_rows_total")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise InputFileError(f"{label}: num_rows_total is missing or not a whole number (has the format changed?)")
    rows = []
    for item in data["rows"]:
        if not isinstance(item, dict) or not isinstance(item.get("row"), dict):
            raise InputFileError(f"{label}: a rows entry lacks its 'row' object (has the format changed?)")
        if item.get("truncated_cells"):
            raise InputFileError(f"{label}: row {item.get('row_idx')} has truncated cells {item['truncated_cells']}")
        rows.append(item["row"])
    return rows, total


def _download_arena(source: LiveSource, url: str, state: SourceState | None, fetch: Fetch) -> Download:
    """Each board's first page, conditionally; the remaining pages only of a board that changed.

    A board is unchanged when its first page answers 304, or repeats the last download's first page
    byte for byte with the same row count: a published leaderboard is never republished with other
    figures under the same date, and the first page carries its date and top ratings.
    """
    from advisor.importers.arena_dataset import parse_rows

    old_parts = state.parts if state is not None and state.url == url else {}
    parts: dict[str, Mapping[str, Any]] = {}
    payload: dict[str, list[Any]] = {}
    requests = received = 0
    budget = source.max_bytes
    newest: dt.date | None = None
    for config in ARENA_BOARDS:
        old = old_parts.get(config, {})
        first = _page_url(url, config, 0)
        answer = fetch(first, etag=old.get("etag"), last_modified=old.get("last_modified"), max_bytes=budget)
        requests += answer.attempts
        received += answer.received
        if answer.not_modified:
            parts[config] = old
            continue
        digest = fingerprint(answer.body)
        rows, total = _rows_page(answer.body, answer.url)
        if old and old.get("first_page") == digest and old.get("rows") == total:
            parts[config] = {**old, "etag": answer.etag, "last_modified": answer.last_modified}
            continue
        budget -= len(answer.body)
        while len(rows) < total:
            if requests >= _MAX_PAGES:
                raise InputFileError(f"{first}: more than {_MAX_PAGES} pages; refusing to read further")
            page_url = _page_url(url, config, len(rows))
            page = fetch(page_url, max_bytes=max(budget, 1))
            requests += page.attempts
            received += page.received
            budget -= len(page.body)
            more, page_total = _rows_page(page.body, page.url)
            if page_total != total:
                raise InputFileError(
                    f"{page_url}: the dataset changed during the download ({total} -> {page_total} rows)"
                )
            if not more:
                raise InputFileError(f"{page_url}: truncated: no rows at offset {len(rows)} of {total}")
            rows.extend(more)
        checked = parse_rows(rows, _page_url(url, config, 0))
        if len(checked) != total:
            raise InputFileError(f"{first}: got {len(checked)} rows, the API announced {total}")
        payload[config] = checked
        dates = {r.published for r in checked}
        if dates:
            newest = max(dates) if newest is None else max(newest, *dates)
        parts[config] = {
            "etag": answer.etag,
            "last_modified": answer.last_modified,
            "first_page": digest,
            "rows": total,
            "published": max(dates).isoformat() if dates else None,
        }
    new_state = SourceState(url=url, parts=parts)
    if not payload:
        return Download(True, state=new_state, requests=requests, received=received)
    return Download(False, payload, new_state, data_date=newest, requests=requests, received=received)


def _curated_names() -> ArenaNames | None:
    """The hand-checked join of Arena names, where the catalog's build folder is at hand (a checkout)."""
    from advisor.catalog import bundled_catalog_path
    from advisor.importers.arena_names import read_arena_names

    path = bundled_catalog_path().parent / "build" / "arena_names.yaml"
    return read_arena_names(path) if path.is_file() else None


ARENA_ATTRIBUTION = (
    "Arena scores fetched by `advisor catalog update` come from LMArena (lmarena.ai), leaderboard data "
    "(https://huggingface.co/datasets/lmarena-ai/leaderboard-dataset), licensed CC-BY-4.0 "
    "(https://creativecommons.org/licenses/by/4.0/). advisor keeps the published ratings, bounds and "
    "vote counts unchanged."
)


def _merge_arena(
    source: LiveSource, layer: CatalogFile, got: Download, ctx: MergeContext
) -> tuple[CatalogFile, ImportReport]:
    from advisor.importers._common import ImportResult
    from advisor.importers.arena import BENCHMARKS as TEXT
    from advisor.importers.arena_dataset import _summed, benchmarks, import_arena_dataset

    known = {**ctx.below.benchmarks, **layer.benchmarks}
    wanted = {**TEXT, **benchmarks()}
    missing = {k: wanted[k] for k in ARENA_BOARDS.values() if k not in known}
    catalog = dataclasses.replace(layer, benchmarks={**layer.benchmarks, **missing}) if missing else layer
    results: list[ImportResult] = []
    for config, rows in got.payload.items():
        benchmark = ARENA_BOARDS[config]
        entry = Source(
            title=f"LMArena leaderboard dataset, {config} board published {{date}}",
            url=source.homepage,
            license=source.license,
            retrieved=ctx.today,
            note=ARENA_ATTRIBUTION,
        )
        result = import_arena_dataset(
            catalog, rows, benchmark=benchmark, source_key=f"lmarena-{config}-{{date}}".replace("_", "-"),
            source=entry, below=ctx.below, label=ctx.url, add_new=True, names=_curated_names(),
        )  # fmt: skip
        catalog = result.catalog
        results.append(result)
    return catalog, _summed([r.report for r in results], file=ctx.url, source_key="lmarena")


# --- formats read by an importer of the registry (genai-prices, models.dev) ---------------------------


def _check_genai_prices(data: Any, label: str) -> None:
    if not isinstance(data, list) or not data or not all(isinstance(p, dict) and "models" in p for p in data):
        raise InputFileError(f"{label}:1: expected a JSON list of providers with 'models' (has the format changed?)")


def _check_models_dev(data: Any, label: str) -> None:
    if not isinstance(data, dict) or not any(
        isinstance(p, dict) and isinstance(p.get("models"), dict) for p in data.values()
    ):
        raise InputFileError(f"{label}:1: expected a JSON object of providers with 'models' (has the format changed?)")


def _registry_merge(
    importer: str, key_prefix: str, *, add_new: bool, note: str
) -> Callable[[LiveSource, CatalogFile, Download, MergeContext], tuple[CatalogFile, ImportReport]]:
    """A merge that runs the registry's importer ``importer`` on the downloaded bytes, unchanged."""

    def merge(
        source: LiveSource, layer: CatalogFile, got: Download, ctx: MergeContext
    ) -> tuple[CatalogFile, ImportReport]:
        from advisor.importers.registry import ImportRequest, run_import

        _data, body = got.payload
        key = f"{key_prefix}-{ctx.today.isoformat()}"
        entry = Source(
            title=f"{source.title}, fetched {ctx.today.isoformat()}", url=ctx.url, license=source.license,
            retrieved=ctx.today, note=note,
        )  # fmt: skip
        base = dataclasses.replace(layer, sources={**layer.sources, key: entry})
        request = ImportRequest(
            base=base, data=body, label=ctx.url, below=ctx.below, date=ctx.today, source_key=key, add_new=add_new
        )
        result = run_import(importer, request)
        return result.catalog, dataclasses.replace(result.report, file=ctx.url)

    return merge


def _importer_available(name: str) -> bool:
    """Whether the importer registry of this build has the format ``name`` (sources reading it need it)."""
    from advisor.importers.registry import IMPORTERS

    return name in IMPORTERS


_MiB = 1024 * 1024

SOURCES: Mapping[str, LiveSource] = {
    s.name: s
    for s in (
        LiveSource(
            name="lmarena",
            title="LMArena leaderboard dataset",
            url="https://datasets-server.huggingface.co/rows?dataset=lmarena-ai/leaderboard-dataset&split=latest",
            license="CC-BY-4.0",
            homepage="https://huggingface.co/datasets/lmarena-ai/leaderboard-dataset",
            gives="Arena scores, raw and style-controlled, every category, votes and CIs",
            attribution=ARENA_ATTRIBUTION,
            max_bytes=64 * _MiB,
            download=_download_arena,
            merge=_merge_arena,
        ),
        LiveSource(
            name="litellm",
            title="LiteLLM model_prices_and_context_window.json",
            url="https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
            license="MIT",
            homepage="https://github.com/BerriAI/litellm",
            gives="current prices (cache, batch, long-context tiers), context windows",
            attribution="Prices fetched from LiteLLM's model_prices_and_context_window.json (BerriAI/litellm, MIT).",
            max_bytes=32 * _MiB,
            download=_json_document(_check_litellm),
            merge=_merge_litellm,
        ),
        LiveSource(
            name="genai-prices",
            title="genai-prices data.json (v2)",
            url="https://raw.githubusercontent.com/pydantic/genai-prices/refs/heads/main/prices/new_data/v2/data.json",
            license="MIT",
            homepage="https://github.com/pydantic/genai-prices",
            gives="current and announced prices with their start dates, batch/flex/priority, 1-hour cache writes",
            attribution="Prices fetched from pydantic/genai-prices (MIT).",
            max_bytes=32 * _MiB,
            download=_json_document(_check_genai_prices),
            merge=_registry_merge(
                "genai-prices",
                "genai-prices-live",
                add_new=True,
                note="Dated prices keep their own start dates; an undated price that differs from the one in force "
                "starts on the day it was first seen (this fetch).",
            ),
        ),
        LiveSource(
            name="models-dev",
            title="models.dev api.json",
            url="https://models.dev/api.json",
            license="MIT",
            homepage="https://models.dev",
            gives="release dates, context and output limits, knowledge cutoff, open weights",
            attribution="Model metadata fetched from models.dev (anomalyco/models.dev, MIT).",
            max_bytes=64 * _MiB,
            download=_json_document(_check_models_dev),
            merge=_registry_merge(
                "models-dev",
                "models-dev-live",
                add_new=False,
                note="Release dates, limits, knowledge cutoffs and open-weights flags; undated prices not used.",
            ),
        ),
    )
    if s.name not in ("genai-prices", "models-dev") or _importer_available(s.name)
}
"""The live sources, in the order they are merged: scores first (new models), then prices."""


def source_names() -> tuple[str, ...]:
    """Names of the registered sources, in merge order."""
    return tuple(SOURCES)
