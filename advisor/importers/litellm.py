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

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from advisor.errors import InputFileError
from advisor.importers._common import (
    Counts,
    ImportResult,
    Input,
    Workspace,
    bulk,
    evolve,
    json_line_of,
    make,
    parse_json,
    usd_per_mtok,
)
from advisor.periods import end_all, price_detail, set_price
from advisor.schema import Alias, CatalogFile, LongContextTier, Model, PricePeriod, Source

if TYPE_CHECKING:
    from advisor.catalog import Catalog
    from advisor.importers.registry import ImportRequest

__all__ = ["NOT_CHAT", "OWN_API", "host_for", "import_litellm", "is_own_key", "limits_from_entry", "new_model_from_key"]

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

    return _positive_int(entry.get("max_input_tokens")), _positive_int(entry.get("max_output_tokens"))


def _positive_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


class _Where:
    """``FILE:LINE`` of a key, found only when an error message needs it (searching is linear per key)."""

    def __init__(self, file: str, text: str, key: str) -> None:
        self.file, self.text, self.key = file, text, key

    def __str__(self) -> str:
        return f"{self.file}:{json_line_of(self.text, self.key)}"


_positive_usd_per_mtok = functools.lru_cache(maxsize=1 << 16)(usd_per_mtok)
""":func:`usd_per_mtok` of a positive price, cached: a map repeats a few hundred prices over
thousands of keys, and the rounding (through text) is the dearest step of reading a key. Zero is
left out: ``0.0`` and ``-0.0`` are one key of a cache but round to different floats."""


def _cost(entry: Mapping[str, Any], name: str, where: object) -> float | None:
    value = entry.get(name)
    if value is None:
        return None
    if type(value) is float and 0 < value < math.inf:  # the usual case, checked in one comparison
        return _positive_usd_per_mtok(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise InputFileError(f"{where}: {name} is not a non-negative number: {value!r}")
    return usd_per_mtok(float(value))


def period_from_entry(
    entry: Mapping[str, Any], *, since: dt.date | None, host: str | None, source_key: str, where: object
) -> PricePeriod | None:
    """The price period a LiteLLM entry describes, or None when it has no token price.

    Besides input and output: cache reads, cache writes (5-minute, and 1-hour from
    ``cache_creation_input_token_cost_above_1hr``), batch, flex and priority prices, and
    ``*_above_Nk_tokens`` tiers, which re-price the whole request.
    """
    base_in = _cost(entry, "input_cost_per_token", where)
    base_out = _cost(entry, "output_cost_per_token", where)
    if base_in is None or base_out is None:
        return None
    tiers: dict[int, dict[str, float]] = {}
    for name in entry:
        if "_above_" not in name:
            continue
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
    return make(
        PricePeriod,
        input=base_in,
        output=base_out,
        source=source_key,
        since=since,
        host=host,
        cached_input=_cost(entry, "cache_read_input_token_cost", where),
        cache_write=_cost(entry, "cache_creation_input_token_cost", where),
        cache_write_1h=_cost(entry, "cache_creation_input_token_cost_above_1hr", where),
        batch_input=_cost(entry, "input_cost_per_token_batches", where),
        batch_output=_cost(entry, "output_cost_per_token_batches", where),
        flex_input=_cost(entry, "input_cost_per_token_flex", where),
        flex_output=_cost(entry, "output_cost_per_token_flex", where),
        priority_input=_cost(entry, "input_cost_per_token_priority", where),
        priority_output=_cost(entry, "output_cost_per_token_priority", where),
        long_context=long_context,
    )


def load_price_map(src: Input, label: str | None = None) -> tuple[dict[str, Any], str, str]:
    """``(map, text, label)``; malformed JSON or a top level that is not an object is an :class:`InputFileError`."""
    data, text, where = parse_json(src, label)
    if not isinstance(data, dict):
        raise InputFileError(f"{where}:1: expected a JSON object of model keys, got {type(data).__name__}")
    return data, text, where


def _date_field(entry: Mapping[str, Any], name: str, where: object) -> dt.date | None:
    value = entry.get(name)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputFileError(f"{where}: {name} is not a date (YYYY-MM-DD): {value!r}") from None


_NEW_MODEL_KEY = re.compile(r"^[a-z0-9][a-z0-9._:-]*$")
NOT_CHAT = re.compile(r"^ft:|embed|(^|-)tts|audio|realtime|transcribe|moderation|(^|-)image")
"""Keys LiteLLM files under ``mode: chat`` that are no text model to choose: fine-tunes, speech, images."""


def new_model_from_key(key: str, entry: Mapping[str, Any], source: str | None = None) -> Model | None:
    """A model for a key of a maker's own API (``--add-new``), or None for a host's key.

    The id is the key without its ``provider/`` prefix (the provider's own API id); the key and
    ``maker/id`` are aliases. Bedrock and Azure keys make a model only for the platform owner's own
    models (``amazon.nova-*``): their other keys are hosts of other makers' models. Fine-tuning,
    embedding, speech and image keys make none.
    """
    provider = entry.get("litellm_provider", "")
    maker = OWN_API.get(provider) if isinstance(provider, str) else None
    if maker is None:
        return None
    model_id = key.split("/", 1)[1] if key.startswith(f"{provider}/") else key
    if provider in ("bedrock", "bedrock_converse") and not model_id.startswith("amazon."):
        return None
    if provider == "azure_ai" or "/" in model_id or not _NEW_MODEL_KEY.match(model_id) or NOT_CHAT.search(model_id):
        return None
    aliases = [Alias(key)] if key != model_id else []
    slug = maker.split()[0].casefold().replace(".", "")
    if f"{slug}/{model_id}" != key:
        aliases.append(Alias(f"{slug}/{model_id}"))
    return make(Model, id=model_id, provider=maker, aliases=tuple(aliases), source=source)


@bulk
def import_litellm(
    base: CatalogFile,
    src: Input,
    *,
    as_of: dt.date | None,
    source_key: str,
    source: Source | None = None,
    below: Catalog | None = None,
    label: str | None = None,
    backfill_detail: bool = False,
    skip_zero: bool = True,
    skip: Mapping[str, str] | None = None,
    exclude_providers: Collection[str] = (),
    limits: bool = True,
    keep_limits: Collection[str] = (),
    retirement: bool = True,
    add_new: bool = False,
    since_of: Callable[[Model], dt.date | None] | None = None,
    names_on: dt.date | None = None,
) -> ImportResult:
    """Merge the prices of a LiteLLM price map, taken as in force on ``as_of``, into ``base``.

    Args:
        base: The layer to refresh.
        src: A ``model_prices_and_context_window.json`` (bytes, or a path).
        as_of: The day the map's prices are known to be in force (the map itself carries no date).
            None: the map is undated, and each price starts at ``since_of(model)`` (e.g. the
            model's release date); a model with no such date gets no price from this map.
        source_key: Key into ``sources`` that every new price period names.
        source: Adds or replaces ``sources[source_key]``; without it the key must exist.
        below: The layered catalog under ``base``: names match against it too, and a model it
            holds gets an override entry in ``base`` carrying only what changed.
        label: Names the source in messages when ``src`` is bytes.
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
        retirement: Take ``deprecation_date`` / ``deprecation_source`` / ``successor_model`` of a
            model's own key as its ``retired`` date, ``retired_source`` and ``successor``; the
            model's own-API price periods end that day.
        add_new: Create a model for each unmatched key of a maker's own API
            (:func:`new_model_from_key`) instead of only reporting it.
        since_of: For an undated map (``as_of=None``): the start of a model's price.
        names_on: The day the map's keys are read on (a moving name such as ``deepseek-chat``
            denotes the model it named that day); default ``as_of``.

    Returns:
        The new layer and a report. Keys of a model and host are taken from the model's id first;
        other aliases giving different prices for the same host are reported as ambiguous.
    """
    if as_of is None and since_of is None:
        raise ValueError("an undated map (as_of=None) needs since_of to date its prices")
    ws = Workspace(base, below, source_key=source_key, source=source)
    data, text, file = load_price_map(src, label)
    on = names_on or as_of
    # (model id, host) -> [(key, entry)]
    found: dict[tuple[str, str | None], list[tuple[str, PricePeriod]]] = {}
    unmatched: list[str] = []
    ambiguous: list[str] = []
    skipped: list[str] = []
    new_models: list[str] = []
    matched = 0
    own_limits: dict[str, list[tuple[str, tuple[int | None, int | None]]]] = {}
    own_retired: dict[str, list[tuple[str, dt.date, str | None, str | None]]] = {}
    # The ids each key names, found once: a new model takes only names no model has, so adding one
    # changes what no earlier-resolved key names (keys naming nothing are looked up again below).
    hits_of: dict[str, list[str]] = {}
    if add_new:
        # First every new model, so that every key of it (in any order in the map) matches below.
        for key, entry in data.items():
            if not isinstance(entry, dict) or entry.get("mode", "chat") not in _MODES:
                continue
            hits = ws.ids(key, on)
            if hits:
                hits_of[key] = hits
                continue
            model = new_model_from_key(key, entry, source_key) if "input_cost_per_token" in entry else None
            if model is not None and model.id not in ws.index and not any(a.name in ws.index for a in model.aliases):
                ws.put(model)
                new_models.append(model.id)
                hits_of[key] = [model.id]  # the key is the new model's id or one of its aliases
    for key, entry in data.items():
        if key == "sample_spec" or not isinstance(entry, dict) or entry.get("mode", "chat") not in _MODES:
            continue
        where = _Where(file, text, key)
        provider = entry.get("litellm_provider", "")
        if not isinstance(provider, str):
            raise InputFileError(f"{where}: litellm_provider is not a string: {provider!r}")
        hits = hits_of.get(key) or ws.ids(key, on)
        if len(hits) > 1:
            ambiguous.append(key)
            continue
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
        model = ws.models[hits[0]]
        host = host_for(provider, key, model)
        own = host is None and is_own_key(key, model.id)
        if limits and own and model.id not in keep_limits:
            given = limits_from_entry(entry)
            if given != (None, None):
                own_limits.setdefault(model.id, []).append((key, given))
        retired = _date_field(entry, "deprecation_date", where) if retirement and own else None
        if retired is not None:
            why = entry.get("deprecation_source")
            successor = entry.get("successor_model")
            own_retired.setdefault(model.id, []).append(
                (
                    key,
                    retired,
                    why if isinstance(why, str) and why else None,
                    successor if isinstance(successor, str) and successor else None,
                )
            )
        since = as_of if as_of is not None else since_of(model) if since_of is not None else None
        if since is None:
            skipped.append(f"{key}: undated map and model {model.id} has no release date to start the price from")
            continue
        if retired is not None and retired <= since:
            skipped.append(f"{key}: retired on {retired}, before its price would start ({since})")
            continue
        period = period_from_entry(entry, since=since, host=host, source_key=source_key, where=where)
        if period is None:
            skipped.append(f"{key}: no token price")
            continue
        if skip_zero and period.input == 0 and period.output == 0:
            skipped.append(f"{key}: price 0/0 (free tier or unknown)")
            continue
        matched += 1
        found.setdefault((model.id, host), []).append((key, period))

    counts = Counts()
    new_prices: dict[str, tuple[PricePeriod, ...]] = {}
    for (model_id, _host), candidates in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        model = ws.models[model_id]
        chosen = _choose(model, candidates, ambiguous)
        if chosen is None:
            continue
        prices, outcome = set_price(new_prices.get(model_id, model.prices), chosen, backfill_detail=backfill_detail)
        new_prices[model_id] = prices
        counts.bump(outcome)
    new_limits: dict[str, tuple[int | None, int | None]] = {}
    for model_id, keyed in sorted(own_limits.items()):
        model = ws.models[model_id]
        chosen_limits = _choose_limits(model, keyed, skipped)
        if chosen_limits is not None and (model.context_window, model.max_output_tokens, model.source) != (
            *chosen_limits,
            source_key,
        ):
            new_limits[model_id] = chosen_limits
    for model_id in sorted(new_prices.keys() | new_limits.keys()):
        model = ws.models[model_id]
        changes: dict[str, Any] = {}
        if model_id in new_prices and new_prices[model_id] != model.prices:
            changes["prices"] = new_prices[model_id]
        if model_id in new_limits:
            changes["context_window"], changes["max_output_tokens"] = new_limits[model_id]
            changes["source"] = source_key
        if changes:
            ws.put(evolve(model, **changes))
    limits_set = len(new_limits)
    retired_set = 0
    for model_id, notices in sorted(own_retired.items()):
        model = ws.models[model_id]
        exact = [n for n in notices if n[0].casefold() == model_id.casefold()] or notices
        _key, day, why, successor = exact[0]
        if successor is not None:
            successor = _successor_id(ws, successor)
        new = evolve(
            model,
            retired=day,
            retired_source=why or source_key,
            successor=successor,
            prices=tuple(end_all([p for p in model.prices if p.host is None], day))
            + tuple(p for p in model.prices if p.host is not None),
        )
        if new != model:
            ws.put(new)
        if (new.retired, new.retired_source, new.successor) != (model.retired, model.retired_source, model.successor):
            retired_set += 1

    report = counts.report(
        "litellm",
        file,
        source_key,
        matched,
        new_models=new_models,
        unmatched=unmatched,
        ambiguous=set(ambiguous),
        skipped=skipped,
        limits=limits_set,
        retired=retired_set,
    )
    return ImportResult(ws.layer(), report)


def _successor_id(ws: Workspace, name: str) -> str:
    """The catalog id a successor name denotes, else the name without a ``provider/`` prefix."""
    for candidate in (name, name.split("/", 1)[-1]):
        ids = ws.ids(candidate)
        if len(ids) == 1:
            return ids[0]
    return name.split("/", 1)[-1]


def _choose(model: Model, candidates: list[tuple[str, PricePeriod]], ambiguous: list[str]) -> PricePeriod | None:
    """One price per model and host: the key equal to the id wins; disagreeing others are ambiguous."""
    if len(candidates) == 1:
        return candidates[0][1]
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
    if len(candidates) == 1:
        return candidates[0][1]
    exact = [f for k, f in candidates if k.casefold() == model.id.casefold()]
    if exact:
        return exact[0]
    if len({f for _, f in candidates}) == 1:
        return candidates[0][1]
    keys = ", ".join(k for k, _ in candidates)
    skipped.append(f"{model.id}: context window and max output tokens left as they were ({keys} disagree)")
    return None


def run(request: ImportRequest) -> ImportResult:
    """The registry's entry point: a LiteLLM map as in force on ``request.date`` (default: today)."""
    from advisor.importers.registry import source_of

    day = request.date or dt.date.today()
    key, source = source_of("litellm", request, day)
    return import_litellm(
        request.base, request.data, as_of=day, source_key=key, source=source, below=request.below,
        label=request.label, add_new=request.add_new, limits=bool(request.options.get("limits", True)),
    )  # fmt: skip
