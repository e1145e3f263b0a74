"""Import model metadata from models.dev (``https://models.dev/api.json``, MIT).

The file is ``{PROVIDER: {..., "models": {MODEL: {...}}}}``; each model may give ``release_date``,
``knowledge`` (training cutoff), ``open_weights``, ``limit.context`` and ``limit.output``. The same
model appears under many providers (resellers, gateways); an entry may point to its canonical model
with ``base_model`` (``openai/gpt-5``). A catalog model takes its figures from the entries named by
its id or an alias (``MODEL``, ``PROVIDER/MODEL`` or a ``base_model``), preferring its maker's own
provider (:data:`MAKER_PROVIDERS`), then the value most entries agree on. Prices in models.dev are
undated and are not imported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from advisor.errors import InputFileError
from advisor.importers._common import ImportReport, ImportResult, Input, Workspace, parse_json
from advisor.schema import CatalogFile, Model, Source

if TYPE_CHECKING:
    from advisor.catalog import Catalog
    from advisor.importers.registry import ImportRequest

__all__ = ["FIELDS", "MAKER_PROVIDERS", "import_models_dev", "read_models_dev"]

MAKER_PROVIDERS: Mapping[str, str] = {
    "OpenAI": "openai",
    "Anthropic": "anthropic",
    "Google": "google",
    "xAI": "xai",
    "DeepSeek": "deepseek",
    "Alibaba": "alibaba",
    "Moonshot": "moonshotai",
    "Zhipu AI": "zai",
    "MiniMax": "minimax",
    "Cohere": "cohere",
    "Amazon": "amazon-bedrock",
    "Mistral": "mistral",
    "Meta": "llama",
}
"""A catalog provider -> the models.dev provider that is its own API (preferred for its figures)."""

FIELDS = ("released", "context_window", "max_output_tokens", "knowledge_cutoff", "open_weights")
"""The catalog fields this importer sets."""


@dataclasses.dataclass(frozen=True)
class _Entry:
    provider: str
    key: str
    figures: Mapping[str, Any]


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10]) if len(str(value)) >= 10 else dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise InputFileError(f"{where}: release_date is not a date (YYYY-MM-DD): {value!r}") from None


def _tokens(value: Any, what: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != int(value):
        raise InputFileError(f"{where}: {what} is not a whole number of tokens: {value!r}")
    return int(value) or None  # 0 means unknown in models.dev


def read_models_dev(data: Any, label: str, skipped: list[str] | None = None) -> list[_Entry]:
    """Every model entry with the figures the catalog uses, checked.

    A file that is not shaped like models.dev's raises :class:`InputFileError`; an entry with a
    malformed figure (models.dev has a few, e.g. a release date ``2025-25-11``) is left out and
    listed in ``skipped`` when given, else raises.
    """
    if not isinstance(data, dict):
        raise InputFileError(f"{label}:1: expected a JSON object of providers, got {type(data).__name__}")
    entries: list[_Entry] = []
    for provider, body in data.items():
        models = body.get("models") if isinstance(body, dict) else None
        if not isinstance(models, dict):
            raise InputFileError(f"{label}: provider {provider!r} has no 'models' object")
        for key, entry in models.items():
            where = f"{label}: {provider}/{key}"
            if not isinstance(entry, dict):
                raise InputFileError(f"{where}: not an object")
            limit = entry.get("limit") or {}
            if not isinstance(limit, dict):
                raise InputFileError(f"{where}: limit is not an object")
            knowledge = entry.get("knowledge")
            open_weights = entry.get("open_weights")
            try:
                released = _date(entry.get("release_date"), where)
                window = _tokens(limit.get("context"), "limit.context", where)
                max_output = _tokens(limit.get("output"), "limit.output", where)
            except InputFileError as exc:
                if skipped is None:
                    raise
                skipped.append(str(exc).removeprefix(f"{label}: "))
                continue
            figures = {
                "released": released,
                "context_window": window,
                "max_output_tokens": max_output,
                "knowledge_cutoff": str(knowledge) if knowledge else None,
                "open_weights": open_weights if isinstance(open_weights, bool) else None,
                "base_model": entry.get("base_model") if isinstance(entry.get("base_model"), str) else None,
            }
            entries.append(_Entry(str(provider), str(key), figures))
    return entries


def import_models_dev(
    base: CatalogFile,
    src: Input,
    *,
    source_key: str,
    source: Source | None = None,
    below: Catalog | None = None,
    label: str | None = None,
    overwrite: Collection[str] = (),
    add_new: bool = False,
) -> ImportResult:
    """Set release dates, context windows, output limits, knowledge cutoffs and open-weights flags.

    Args:
        base: The layer to refresh.
        src: models.dev's ``api.json`` (bytes or a path).
        source_key: Key into ``sources``; a model whose figures this import sets gets it as ``source``
            unless it already names one.
        source: Adds or replaces ``sources[source_key]``; without it the key must exist.
        below: The layered catalog under ``base``.
        label: Names the source in messages when ``src`` is bytes.
        overwrite: Fields of :data:`FIELDS` that replace a value the model already has; the others
            only fill in what is missing.
        add_new: Create models for entries of a maker's own provider (:data:`MAKER_PROVIDERS`)
            that no catalog name matches.
    """
    ws = Workspace(base, below, source_key=source_key, source=source)
    data, _text, file = parse_json(src, label)
    skipped: list[str] = []
    entries = read_models_dev(data, file, skipped)
    makers = {v: k for k, v in MAKER_PROVIDERS.items()}
    new_models: list[str] = []
    if add_new:
        for e in entries:
            maker = makers.get(e.provider)
            if maker is None or ws.ids(e.key) or ws.ids(f"{e.provider}/{e.key}") or "/" in e.key:
                continue
            model = Model(id=e.key, provider=maker, aliases=(), source=source_key)
            ws.put(model)
            new_models.append(model.id)
    # A moving (dated) alias names several snapshots over time, so it never picks an entry.
    found: dict[str, list[tuple[bool, _Entry]]] = {}
    for e in entries:
        names = {e.key, f"{e.provider}/{e.key}"}
        if e.figures["base_model"]:
            names.add(e.figures["base_model"])
        hits = {
            (model_id, alias is None)
            for name in names
            for model_id, alias in ws.index.lookup(name)
            if alias is None or (alias.since is None and alias.until is None)
        }
        if len({model_id for model_id, _ in hits}) == 1:
            model_id = next(iter(hits))[0]
            found.setdefault(model_id, []).append((any(by_id for _, by_id in hits), e))
    changed = 0
    for model_id, candidates in sorted(found.items()):
        model = ws.models[model_id]
        own = MAKER_PROVIDERS.get(model.provider or "")
        changes: dict[str, Any] = {}
        for fld in FIELDS:
            if getattr(model, fld) is not None and fld not in overwrite:
                continue
            value = _pick(candidates, fld, own)
            if value is not None and value != getattr(model, fld):
                changes[fld] = value
        if changes:
            if model.source is None:
                changes["source"] = source_key
            ws.put(dataclasses.replace(model, **changes))
            changed += 1
    report = ImportReport(
        kind="models-dev",
        file=file,
        source_key=source_key,
        matched=len(found),
        updated=changed,
        unchanged=len(found) - changed,
        new_models=tuple(sorted(new_models)),
        skipped=tuple(sorted(skipped)),
        limits=changed,
    )
    return ImportResult(ws.layer(), report)


def _pick(matches: list[tuple[bool, _Entry]], fld: str, own: str | None) -> Any:
    """From the entries named by the model's id if any (else by its aliases, except for the release
    date): the maker's own entry's value, else the value most entries give (ties: the smallest)."""
    candidates = [e for by_id, e in matches if by_id]
    if not candidates and fld != "released":  # a release date belongs to the snapshot its id names
        candidates = [e for _, e in matches]
    for e in candidates:
        if e.provider == own and e.figures[fld] is not None:
            return e.figures[fld]
    values = Counter(e.figures[fld] for e in candidates if e.figures[fld] is not None)
    if not values:
        return None
    top = max(values.values())
    return min(v for v, n in values.items() if n == top)


def run(request: ImportRequest) -> ImportResult:
    """The registry's entry point: fill in missing metadata of the catalog's models."""
    from advisor.importers.registry import source_of

    key, source = source_of("models-dev", request, None)
    return import_models_dev(
        request.base, request.data, source_key=key, source=source, below=request.below, label=request.label,
        add_new=request.add_new,
    )  # fmt: skip
