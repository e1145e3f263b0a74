"""Import prices from pydantic's genai-prices (``prices/new_data/v2/data.json``, MIT).

The file is a list of providers ``{id, models: [{id, match, prices, price_variants, deprecated, ...}]}``.
Prices are USD per 1M tokens. ``prices`` is one price object (undated: what the model costs now) or
a list of conditional prices, each from a ``constraint.start_date`` on (the first, unconstrained, is
in force before the first dated one; announced future changes are kept with their dates). A value
may be tiered, ``{base, tiers: [{start, price}]}``: crossing a tier re-prices every token of the
request, which is the catalog's ``long_context`` tier. ``price_variants`` give batch
(``processing: batch``) and service-tier (``service_tier: flex|priority``) prices, from their own
start dates. Time-limited prices (``start_time``/``end_time``) are left out and reported.

A catalog model matches by its id or alias against the entry's ``id``, ``PROVIDER/id`` and the
names its ``match`` rule lists with ``equals`` (never by the rule's prefixes or patterns: joined, not
guessed). A provider that is the maker's own API (:data:`OWN_PROVIDERS`) gives the model's own
price; any other provider's price is a ``host`` price. ``deprecated`` carries no date: it is
reported, never turned into a made-up retirement date. A maker's own entry's ``context_window`` fills
in a model's context window when the catalog has none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from advisor.errors import InputFileError
from advisor.importers._common import Counts, ImportResult, Input, Workspace, parse_json, rounded
from advisor.periods import set_price
from advisor.schema import CatalogFile, LongContextTier, Model, PricePeriod, Source

if TYPE_CHECKING:
    from advisor.catalog import Catalog
    from advisor.importers.registry import ImportRequest

__all__ = ["OWN_PROVIDERS", "import_genai_prices", "periods_of"]

OWN_PROVIDERS: Mapping[str, str] = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "x-ai": "xAI",
    "deepseek": "DeepSeek",
    "mistral": "Mistral",
    "cohere": "Cohere",
    "moonshotai": "Moonshot",
    "zai": "Zhipu AI",
    "zhipuai": "Zhipu AI",
    "minimax": "MiniMax",
    "meta": "Meta",
    "aws": "Amazon",
    "perplexity": "Perplexity",
}
"""genai-prices providers that are a maker's own API, by maker (``Model.provider``)."""

_FIELDS = {
    "input_mtok": "input",
    "output_mtok": "output",
    "cache_read_mtok": "cached_input",
    "cache_write_mtok": "cache_write",
    "cache_write_1h_mtok": "cache_write_1h",
}
_VARIANTS = {
    ("processing", "batch"): ("batch_input", "batch_output"),
    ("service_tier", "flex"): ("flex_input", "flex_output"),
    ("service_tier", "priority"): ("priority_input", "priority_output"),
}


def _value(raw: Any, key: str, where: str) -> tuple[float, dict[int, float]]:
    """``(base price, {tier start: price})`` of a price value, checked."""

    def number(x: Any) -> float:
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or x < 0:
            raise InputFileError(f"{where}: {key} is not a non-negative number: {x!r}")
        return rounded(float(x))

    if isinstance(raw, dict):
        tiers = raw.get("tiers")
        if "base" not in raw or not isinstance(tiers, list):
            raise InputFileError(f"{where}: {key} is an object without 'base' and 'tiers'")
        out: dict[int, float] = {}
        for t in tiers:
            if not isinstance(t, dict) or not isinstance(t.get("start"), int) or t["start"] <= 0:
                raise InputFileError(f"{where}: {key}: a tier needs a positive whole 'start': {t!r}")
            out[t["start"]] = number(t.get("price"))
        return number(raw["base"]), out
    return number(raw), {}


def _period(prices: Any, where: str) -> dict[str, Any] | None:
    """The catalog price fields of one genai-prices price object, or None without token prices."""
    if not isinstance(prices, dict):
        raise InputFileError(f"{where}: prices is not an object")
    fields: dict[str, Any] = {}
    tiers: dict[int, dict[str, float]] = {}
    for key, name in _FIELDS.items():
        if key not in prices:
            continue
        base, tiered = _value(prices[key], key, where)
        fields[name] = base
        for start, price in tiered.items():
            tiers.setdefault(start, {})[name] = price
    if "input" not in fields or "output" not in fields:
        return None
    fields["long_context"] = tuple(
        LongContextTier(
            above_input_tokens=start,
            input=t.get("input", fields["input"]),
            output=t.get("output", fields["output"]),
            cached_input=t.get("cached_input"),
        )
        for start, t in sorted(tiers.items())
    )
    return fields


def _start(item: Mapping[str, Any], where: str) -> tuple[dt.date | None, bool]:
    """``(start date, time-limited)`` of a conditional price or variant."""
    constraint = item.get("constraint")
    if constraint is None:
        return None, False
    if not isinstance(constraint, dict):
        raise InputFileError(f"{where}: constraint is not an object")
    if "start_time" in constraint or "end_time" in constraint:
        return None, True
    try:
        return dt.date.fromisoformat(str(constraint["start_date"])), False
    except (KeyError, ValueError):
        raise InputFileError(f"{where}: constraint.start_date is not a date: {constraint!r}") from None


def periods_of(
    entry: Mapping[str, Any], *, undated_since: dt.date | None, where: str, notes: list[str]
) -> list[tuple[dt.date, dict[str, Any]]]:
    """The dated price fields of one genai-prices model entry, oldest first.

    The unconstrained price starts on ``undated_since`` (None: it is left out); it is dropped when
    that is not before the first dated price. Variants join every period from their start date.
    """
    raw = entry.get("prices")
    base: list[tuple[dt.date | None, dict[str, Any]]] = []
    if isinstance(raw, list):
        for item in raw:
            if not isinstance(item, dict):
                raise InputFileError(f"{where}: a conditional price is not an object")
            start, limited = _start(item, where)
            if limited:
                notes.append("a time-limited price (start_time/end_time) left out")
                continue
            fields = _period(item.get("prices"), where)
            if fields is not None:
                base.append((start, fields))
    else:
        fields = _period(raw, where)
        if fields is not None:
            base.append((None, fields))
    dated = sorted(((d, f) for d, f in base if d is not None), key=lambda x: x[0])
    undated = [f for d, f in base if d is None]
    timeline: list[tuple[dt.date, dict[str, Any]]] = []
    if undated and undated_since is not None and (not dated or undated_since < dated[0][0]):
        timeline.append((undated_since, undated[0]))
    timeline.extend((d, f) for d, f in dated)
    if not timeline:
        return []
    variants: list[tuple[dt.date | None, tuple[str, str], dict[str, Any]]] = []
    for v in entry.get("price_variants") or ():
        when = v.get("when") if isinstance(v, dict) else None
        if not isinstance(when, dict) or len(when) != 1:
            continue
        target = _VARIANTS.get(next(iter(when.items())))
        if target is None:
            continue
        start, limited = _start(v, where)
        fields = _period(v.get("prices"), where) if not limited else None
        if fields is not None:
            variants.append((start, target, fields))
    days = sorted({d for d, _ in timeline} | {d for d, _, _ in variants if d is not None and d > timeline[0][0]})
    out: list[tuple[dt.date, dict[str, Any]]] = []
    for day in days:
        current = next(f for d, f in reversed(timeline) if d <= day)
        fields = dict(current)
        for start, (inp, outp), vf in variants:
            if start is None or start <= day:
                fields[inp], fields[outp] = vf["input"], vf["output"]
        if not out or out[-1][1] != fields:
            out.append((day, fields))
    return out


def _names(entry: Mapping[str, Any], provider: str) -> set[str]:
    """The exact names an entry lists: its id, ``provider/id`` and the ``equals`` of its match rule."""
    model_id = str(entry.get("id", ""))
    names = {model_id, f"{provider}/{model_id}"}

    def walk(rule: Any) -> None:
        if isinstance(rule, dict):
            if isinstance(rule.get("equals"), str):
                names.add(rule["equals"])
            for key in ("or", "and"):
                for sub in rule.get(key) or ():
                    walk(sub)

    walk(entry.get("match"))
    return names


def import_genai_prices(
    base: CatalogFile,
    src: Input,
    *,
    as_of: dt.date | None,
    source_key: str,
    source: Source | None = None,
    below: Catalog | None = None,
    label: str | None = None,
    since_of: Callable[[Model], dt.date | None] | None = None,
    add_new: bool = False,
    providers: Mapping[str, str | None] | None = None,
    names_on: dt.date | None = None,
) -> ImportResult:
    """Merge genai-prices' dated prices into ``base``.

    Args:
        base: The layer to refresh.
        src: genai-prices' ``data.json`` (v2 layout; bytes or a path).
        as_of: The day an undated price is known to be in force; None: ``since_of(model)`` (e.g. its
            release date), and a model without one gets only the dated prices.
        source_key: Key into ``sources`` that every new price period names.
        source: Adds or replaces ``sources[source_key]``; without it the key must exist.
        below: The layered catalog under ``base``.
        label: Names the source in messages when ``src`` is bytes.
        since_of: See ``as_of``.
        add_new: Create a model (id = the entry's id) for entries of a maker's own provider that
            no catalog name matches.
        providers: Which providers to read, each mapped to its ``host`` (None: the maker's own
            price); default: every provider, :data:`OWN_PROVIDERS` as own prices, others as hosts.
    """
    ws = Workspace(base, below, source_key=source_key, source=source)
    data, _text, file = parse_json(src, label)
    if not isinstance(data, list):
        raise InputFileError(f"{file}:1: expected a JSON list of providers, got {type(data).__name__}")
    unmatched: list[str] = []
    ambiguous: list[str] = []
    skipped: list[str] = []
    new_models: list[str] = []
    found: dict[tuple[str, str | None], list[tuple[str, Mapping[str, Any], str]]] = {}
    for prov in data:
        if (
            not isinstance(prov, dict)
            or not isinstance(prov.get("id"), str)
            or not isinstance(prov.get("models"), list)
        ):
            raise InputFileError(f"{file}: a provider is not an object with 'id' and a 'models' list")
        pid = prov["id"]
        if providers is not None and pid not in providers:
            continue
        maker = OWN_PROVIDERS.get(pid)
        for entry in prov["models"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise InputFileError(f"{file}: {pid}: a model is not an object with an 'id'")
            name = f"{pid}/{entry['id']}"
            ids = sorted({i for n in _names(entry, pid) for i in ws.ids(n, names_on or as_of)})
            if not ids and add_new and maker is not None and entry.get("prices") and "/" not in entry["id"]:
                model_id = entry["id"].casefold()
                if not ws.ids(model_id):
                    ws.put(Model(id=model_id, provider=maker, aliases=(), source=source_key))
                    new_models.append(model_id)
                    ids = [model_id]
            if not ids:
                unmatched.append(name)
                continue
            if len(ids) > 1:
                # The entry's own id decides over the other names its rule lists (gemini-flash-latest).
                own_ids = sorted({i for n in (entry["id"], name) for i in ws.ids(n, names_on or as_of)})
                if len(own_ids) != 1:
                    ambiguous.append(f"{name} (names {', '.join(ids)})")
                    continue
                ids = own_ids
            model = ws.models[ids[0]]
            if providers is not None:
                host = providers[pid]
            else:
                host = None if maker is not None and maker == model.provider else pid
            if entry.get("deprecated") is True:
                skipped.append(f"{name}: deprecated in genai-prices (no date given; retirement not set)")
            found.setdefault((model.id, host), []).append((name, entry, pid))
    counts = Counts()
    matched = 0
    limits = 0
    for (model_id, host), entries in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        if len(entries) > 1:
            # Several entries of one provider name the model: the one whose id is the model's wins.
            exact = [e for e in entries if e[1]["id"].casefold() == model_id.casefold()]
            if len(exact) != 1:
                ambiguous.extend(f"{n} (one of several entries for {model_id})" for n, _, _ in entries)
                continue
            entries = exact
        name, entry, _pid = entries[0]
        model = ws.models[model_id]
        undated_since = as_of if as_of is not None else since_of(model) if since_of is not None else None
        notes: list[str] = []
        timeline = periods_of(entry, undated_since=undated_since, where=f"{file}: {name}", notes=notes)
        skipped.extend(f"{name}: {n}" for n in notes)
        if not timeline:
            skipped.append(f"{name}: no token price with a date to start from")
            continue
        matched += 1
        prices = model.prices
        for day, fields in timeline:
            note = None
            if as_of is None and undated_since is not None and day == undated_since:
                note = "start not known exactly: the source gives this price undated; dated from the model's release"
            period = PricePeriod(source=source_key, since=day, host=host, note=note, **fields)
            prices, outcome = set_price(prices, period, exact=True)
            counts.bump(outcome)
        changes: dict[str, Any] = {}
        if prices != model.prices:
            changes["prices"] = prices
        window = entry.get("context_window")
        if host is None and model.context_window is None and isinstance(window, int) and window > 0:
            changes["context_window"] = window  # the maker's own listing; never a host's
            limits += 1
        if changes:
            ws.put(dataclasses.replace(model, **changes))
    report = counts.report(
        "genai-prices", file, source_key, matched,
        new_models=new_models, unmatched=unmatched, ambiguous=set(ambiguous), skipped=skipped, limits=limits,
    )  # fmt: skip
    return ImportResult(ws.layer(), report)


def run(request: ImportRequest) -> ImportResult:
    """The registry's entry point: undated prices as in force on ``request.date`` (default: today)."""
    from advisor.importers.registry import source_of

    day = request.date or dt.date.today()
    key, source = source_of("genai-prices", request, day)
    return import_genai_prices(
        request.base, request.data, as_of=day, source_key=key, source=source, below=request.below,
        label=request.label, add_new=request.add_new,
    )  # fmt: skip
