"""Import prices and context limits from LiteLLM's ``model_prices_and_context_window.json`` (USD per token).

A key counts when it names a catalog model by id or alias on the import date; the catalog's
aliases are the mapping, so a LiteLLM key that no model lists stays unmatched and is reported.
Keys are served by a provider (``litellm_provider``): when that provider is the model maker's own
API the price has no ``host``; otherwise the provider is the host (an open-weights model sold by
together_ai, groq, ...).

Limits: a model's ``context_window`` comes from ``max_input_tokens`` and its ``max_output_tokens``
from ``max_output_tokens`` of its own key only (:func:`is_own_key` on the maker's own API), never
from a host's key, since hosts often cap the context lower. ``max_tokens`` is not used: the newest
map's ``sample_spec`` documents only ``max_input_tokens`` and ``max_output_tokens``, and in older
maps ``max_tokens`` is sometimes the context (``gpt-3.5-turbo-0125``: 16385) and sometimes the
output limit (``gpt-4o-mini-2024-07-18``: 4096). The two figures are taken together from one key
and the model's ``source`` names the import they came from, so the last import of a map that gives
them wins (import maps oldest first); models listed in ``keep_limits`` (hand-set) are never touched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from advisor.errors import InputFileError
from advisor.importers._common import (
    Counts,
    ImportReport,
    ImportResult,
    NameIndex,
    price_detail,
    read_text,
    require_source,
    set_price,
    usd_per_mtok,
)
from advisor.schema import CatalogFile, LongContextTier, Model, PricePeriod, Source

__all__ = ["OWN_API", "host_for", "import_litellm", "is_own_key", "limits_from_entry"]

OWN_API: Mapping[str, str] = {
    "openai": "OpenAI",
    "text-completion-openai": "OpenAI",
    "anthropic": "Anthropic",
    "gemini": "Google",
    "mistral": "Mistral",
    "codestral": "Mistral",
    "deepseek": "DeepSeek",
    "xai": "xAI",
    "cohere": "Cohere",
    "cohere_chat": "Cohere",
    "ai21": "AI21 Labs",
    "dashscope": "Alibaba",
    "moonshot": "Moonshot",
    "zai": "Zhipu AI",
    "minimax": "MiniMax",
    "perplexity": "Perplexity",
    "azure_ai": "Microsoft",
    "bedrock": "Amazon",
    "bedrock_converse": "Amazon",
}
"""LiteLLM providers that are a maker's own API, by maker (``Model.provider``)."""

_MODES = frozenset({"chat", "completion"})
_TIER = re.compile(r"^(input|output)_cost_per_token_above_(\d+)k_tokens$")
_CACHED_TIER = re.compile(r"^cache_read_input_token_cost_above_(\d+)k_tokens$")


def host_for(litellm_provider: str, key: str, model: Model) -> str | None:
    """The ``host`` of a LiteLLM key's price for ``model``: None when it is the maker's own API.

    A key without a provider (old history rows) and without a ``provider/`` prefix is taken as the
    maker's own API, which is how LiteLLM names first-party models (``gpt-4o``, ``claude-3-...``).
    """
    provider = litellm_provider or (key.split("/", 1)[0] if "/" in key else "")
    if not provider or OWN_API.get(provider) == model.provider:
        return None
    return provider


def is_own_key(key: str, model_id: str) -> bool:
    """Whether a LiteLLM key is the model's own name: its id, or ``provider/<id>``."""
    return key.casefold() == model_id.casefold() or key.rsplit("/", 1)[-1].casefold() == model_id.casefold()


def limits_from_entry(entry: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """``(context_window, max_output_tokens)`` of a LiteLLM entry; a figure that is not a positive integer is None."""

    def positive(name: str) -> int | None:
        value = entry.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None

    return positive("max_input_tokens"), positive("max_output_tokens")


def _line_of(text: str, key: str) -> int:
    at = text.find(json.dumps(key))
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _cost(entry: Mapping[str, Any], name: str, where: str) -> float | None:
    value = entry.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise InputFileError(f"{where}: {name} is not a non-negative number: {value!r}")
    return usd_per_mtok(float(value))


def period_from_entry(
    entry: Mapping[str, Any], *, since: dt.date, host: str | None, source_key: str, where: str
) -> PricePeriod | None:
    """The price period a LiteLLM entry describes, or None when it has no token price."""
    base_in = _cost(entry, "input_cost_per_token", where)
    base_out = _cost(entry, "output_cost_per_token", where)
    if base_in is None or base_out is None:
        return None
    tiers: dict[int, dict[str, float]] = {}
    for name in entry:
        m = _TIER.match(name)
        if m:
            value = _cost(entry, name, where)
            if value is not None:
                tiers.setdefault(int(m.group(2)) * 1000, {})[m.group(1)] = value
        m = _CACHED_TIER.match(name)
        if m:
            value = _cost(entry, name, where)
            if value is not None:
                tiers.setdefault(int(m.group(1)) * 1000, {})["cached_input"] = value
    long_context = tuple(
        LongContextTier(
            above_input_tokens=threshold,
            input=t.get("input", base_in),
            # LiteLLM sometimes gives only the input side of a tier: the output keeps its base price.
            output=t.get("output", base_out),
            cached_input=t.get("cached_input"),
        )
        for threshold, t in sorted(tiers.items())
        if "input" in t or "output" in t
    )
    return PricePeriod(
        input=base_in,
        output=base_out,
        source=source_key,
        since=since,
        host=host,
        cached_input=_cost(entry, "cache_read_input_token_cost", where),
        cache_write=_cost(entry, "cache_creation_input_token_cost", where),
        batch_input=_cost(entry, "input_cost_per_token_batches", where),
        batch_output=_cost(entry, "output_cost_per_token_batches", where),
        long_context=long_context,
    )


def load_price_map(path: str | os.PathLike[str]) -> tuple[dict[str, Any], str]:
    """The parsed map and its text; malformed JSON is an :class:`InputFileError` with the line."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{Path(path)}:{exc.lineno}: malformed JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise InputFileError(f"{Path(path)}:1: expected a JSON object of model keys, got {type(data).__name__}")
    return data, text


def import_litellm(
    base: CatalogFile,
    path: str | os.PathLike[str],
    *,
    as_of: dt.date,
    source_key: str,
    source: Source | None = None,
    backfill_detail: bool = False,
    skip_zero: bool = True,
    skip: Mapping[str, str] | None = None,
    exclude_providers: Collection[str] = (),
    limits: bool = True,
    keep_limits: Collection[str] = (),
) -> ImportResult:
    """Merge the prices of a LiteLLM price map, taken as in force on ``as_of``, into ``base``.

    Args:
        base: The catalog to refresh; its aliases decide which keys match.
        path: A ``model_prices_and_context_window.json``.
        as_of: The day the map describes (the map itself carries no date).
        source_key: Key into ``sources`` that every new price period names.
        source: Adds or replaces ``sources[source_key]``; without it the key must exist.
        backfill_detail: When a key's input/output prices equal the period already in force, fill
            in cache, batch and long-context prices that period lacks instead of starting a new
            period on ``as_of``. Right when the map describes the same prices as the earlier source.
        skip_zero: Leave out 0/0 prices, which LiteLLM uses for free tiers and unknown prices;
            a model must never look free because its price is unknown.
        skip: Keys known to be wrong in this map, with the reason; left out and reported.
        exclude_providers: LiteLLM providers whose prices are left out (reported as skipped).
            Entries billed per character (``input_cost_per_character``) are always left out:
            their token price is only an equivalent.
        limits: Also set each matched model's ``context_window`` and ``max_output_tokens`` from its
            own key (see the module docstring), replacing the figures it had, with ``source`` set to
            ``source_key``. Both figures come from one key, so a figure it lacks becomes unknown and
            ``source`` stays true; a key giving neither as a positive integer changes nothing.
        keep_limits: Ids of models whose figures were set by hand: their limits stay as they are.

    Returns:
        The new catalog and a report. Keys of a model and host are taken from the model's id first;
        other aliases giving different prices for the same host are reported as ambiguous.
    """
    catalog = dataclasses.replace(base, sources={**base.sources, source_key: source}) if source else base
    require_source(catalog, source_key)
    data, text = load_price_map(path)
    file = str(Path(path))
    models = list(catalog.models)
    index = NameIndex(models)
    # (model index, host) -> [(key, period)]
    found: dict[tuple[int, str | None], list[tuple[str, PricePeriod]]] = {}
    unmatched: list[str] = []
    ambiguous: list[str] = []
    skipped: list[str] = []
    matched = 0
    # model index -> [(key, (context_window, max_output_tokens))] from its own keys
    own_limits: dict[int, list[tuple[str, tuple[int | None, int | None]]]] = {}
    for key, entry in data.items():
        if key == "sample_spec" or not isinstance(entry, dict) or entry.get("mode", "chat") not in _MODES:
            continue
        where = f"{file}:{_line_of(text, key)}"
        hits = index.resolve(key, as_of)
        if len(hits) > 1:
            ambiguous.append(key)
            continue
        provider = entry.get("litellm_provider", "")
        if not isinstance(provider, str):
            raise InputFileError(f"{where}: litellm_provider is not a string: {provider!r}")
        if not hits:
            if "input_cost_per_token" in entry:
                unmatched.append(key)
            continue
        if skip and key in skip:
            skipped.append(f"{key}: {skip[key]}")
            continue
        if provider in exclude_providers or "input_cost_per_character" in entry:
            skipped.append(f"{key}: provider {provider} left out")
            continue
        model = models[hits[0]]
        host = host_for(provider, key, model)
        if limits and host is None and is_own_key(key, model.id) and model.id not in keep_limits:
            given = limits_from_entry(entry)
            if given != (None, None):
                own_limits.setdefault(hits[0], []).append((key, given))
        period = period_from_entry(entry, since=as_of, host=host, source_key=source_key, where=where)
        if period is None:
            skipped.append(f"{key}: no token price")
            continue
        if skip_zero and period.input == 0 and period.output == 0:
            skipped.append(f"{key}: price 0/0 (free tier or unknown)")
            continue
        matched += 1
        found.setdefault((hits[0], host), []).append((key, period))

    counts = Counts()
    for (i, _host), candidates in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        model = models[i]
        chosen = _choose(model, candidates, ambiguous)
        if chosen is None:
            continue
        prices, outcome = set_price(model.prices, chosen, backfill_detail=backfill_detail)
        models[i] = dataclasses.replace(model, prices=prices)
        counts.bump(outcome)
    limits_set = 0
    for i, keyed in sorted(own_limits.items()):
        model = models[i]
        chosen_limits = _choose_limits(model, keyed, skipped)
        if chosen_limits is None:
            continue
        window, max_output = chosen_limits
        if (model.context_window, model.max_output_tokens, model.source) == (window, max_output, source_key):
            continue
        models[i] = dataclasses.replace(model, context_window=window, max_output_tokens=max_output, source=source_key)
        limits_set += 1

    report = ImportReport(
        kind="litellm",
        file=file,
        source_key=source_key,
        matched=matched,
        added=counts.added,
        updated=counts.updated,
        unchanged=counts.unchanged,
        unmatched=tuple(sorted(unmatched)),
        ambiguous=tuple(sorted(set(ambiguous))),
        skipped=tuple(sorted(skipped)),
        limits=limits_set,
    )
    return ImportResult(dataclasses.replace(catalog, models=tuple(models)), report)


def _choose(model: Model, candidates: list[tuple[str, PricePeriod]], ambiguous: list[str]) -> PricePeriod | None:
    """One price per model and host: the key equal to the id wins; disagreeing others are ambiguous."""
    own = [p for k, p in candidates if is_own_key(k, model.id)]
    if own:
        for k, p in candidates:
            if price_detail(p)[:2] != price_detail(own[0])[:2]:
                ambiguous.append(f"{k} (differs from {model.id}'s own key; kept the id's price)")
        return own[0]
    first = candidates[0][1]
    if all(price_detail(p)[:2] == price_detail(first)[:2] for _, p in candidates):
        # Same price under several names: keep the most detailed entry.
        return max((p for _, p in candidates), key=lambda p: sum(v is not None for v in price_detail(p)))
    ambiguous.extend(f"{k} (one of several keys of {model.id} with different prices)" for k, _ in candidates)
    return None


def _choose_limits(
    model: Model, candidates: list[tuple[str, tuple[int | None, int | None]]], skipped: list[str]
) -> tuple[int | None, int | None] | None:
    """The limits of the key equal to the id, else of the ``provider/<id>`` keys if they agree."""
    exact = [f for k, f in candidates if k.casefold() == model.id.casefold()]
    if exact:
        return exact[0]
    if len({f for _, f in candidates}) == 1:
        return candidates[0][1]
    keys = ", ".join(k for k, _ in candidates)
    skipped.append(f"{model.id}: context window and max output tokens left as they were ({keys} disagree)")
    return None
