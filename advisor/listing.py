"""The model listing behind ``advisor models``: prices and scores side by side, one row a model,
and the metric listing behind ``advisor models --metrics``."""

from __future__ import annotations

import dataclasses
import datetime as dt

from advisor.catalog import DEFAULT_METRIC, Catalog, metric_key, score_of
from advisor.freshness import Freshness, freshness
from advisor.schema import Model, PricePeriod

LIST_BLEND = (3.0, 1.0)
"""Input:output token ratio used to pick one host's price for a listing (the industry's 3:1)."""


@dataclasses.dataclass(frozen=True)
class ModelRow:
    """One model in a listing. Prices are USD per 1M tokens; None means the catalog has none."""

    id: str
    name: str
    provider: str | None
    open_weights: bool | None
    context_window: int | None
    max_output_tokens: int | None
    released: dt.date | None
    host: str | None
    input_usd_per_mtok: float | None
    output_usd_per_mtok: float | None
    cached_input_usd_per_mtok: float | None
    metric: str
    score: float | None
    ci_lower: float | None
    ci_upper: float | None
    votes: int | None
    score_as_of: dt.date | None
    retired: dt.date | None = None
    """Set when the model is retired on or before the listing's date (decisions leave it out)."""
    successor: str | None = None
    mode_of: str | None = None
    """For a reasoning mode: the base model whose prices it pays (the prices shown are those)."""
    output_multiplier: float | None = None
    output_tokens_unknown: bool = False
    """A reasoning mode without a known output-token multiplier: its cost per request is unknown."""


@dataclasses.dataclass(frozen=True)
class Listing:
    """What :func:`models` returns: the rows, the dates of the data, and the filters applied."""

    metric: str
    as_of: dt.date
    rows: tuple[ModelRow, ...]
    freshness: Freshness
    scope: tuple[str, ...] = ()


def reference_price(model: Model) -> PricePeriod | None:
    """The price shown for a model: its maker's own, else the cheapest host's at a 3:1 blend."""
    if not model.prices:
        return None
    own = [p for p in model.prices if p.host is None]
    pool = own or list(model.prices)
    w_in, w_out = LIST_BLEND
    return min(pool, key=lambda p: (p.input * w_in + p.output * w_out, p.host or ""))


def models(
    catalog: Catalog,
    *,
    metric: str = DEFAULT_METRIC,
    provider: str | None = None,
    open_weights: bool | None = None,
    min_context: int | None = None,
) -> Listing:
    """List the models of a catalog view with their price and score, best score first.

    Models without a score for ``metric`` come last, then by name; none is dropped for lacking a
    price or a score, and retired models are listed with their retirement date. A full-history
    catalog is viewed as of today.
    """
    view = catalog.view()
    benchmark, category = view.check_metric(metric)
    view = view.filter(provider=provider, open_weights=open_weights, min_context=min_context)
    rows = []
    day = view.date or dt.date.today()
    for m in view:
        price = reference_price(m)
        retired = m.retired if m.retired is not None and m.retired <= day else None
        score = score_of(m, benchmark, category)
        rows.append(
            ModelRow(
                id=m.id,
                name=m.name or m.id,
                provider=m.provider,
                open_weights=m.open_weights,
                context_window=m.context_window,
                max_output_tokens=m.max_output_tokens,
                released=m.released,
                host=price.host if price else None,
                input_usd_per_mtok=price.input if price else None,
                output_usd_per_mtok=price.output if price else None,
                cached_input_usd_per_mtok=price.cached_input if price else None,
                metric=metric,
                score=score.value if score else None,
                ci_lower=score.ci_lower if score else None,
                ci_upper=score.ci_upper if score else None,
                votes=score.votes if score else None,
                score_as_of=score.as_of if score else None,
                retired=retired,
                successor=m.successor if retired else None,
                mode_of=m.mode_of,
                output_multiplier=m.output_multiplier,
                output_tokens_unknown=m.mode_of is not None and m.output_multiplier is None,
            )
        )
    higher = view.benchmarks[benchmark].higher_is_better
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0) if higher else (r.score or 0), r.id))
    return Listing(metric, day, tuple(rows), freshness(view, view.models, metric), view.scope)


@dataclasses.dataclass(frozen=True)
class MetricInfo:
    """One metric of the catalog: its newest snapshot not after the date, and how many it has."""

    metric: str
    benchmark: str
    """The benchmark's display name."""
    category: str
    as_of: dt.date
    """The newest snapshot's date (not after the listing's date)."""
    models: int
    """Models scored in that snapshot."""
    age_days: int
    snapshots: int
    """Dated snapshots of this metric up to the listing's date."""


def metrics(catalog: Catalog) -> tuple[MetricInfo, ...]:
    """Every metric (``benchmark`` or ``benchmark/category``) with a snapshot up to the view's date,
    sorted by name: what ``--metric`` accepts."""
    view = catalog.view()
    day = view.date or dt.date.today()
    out = []
    for (benchmark, category), sizes in view.snapshot_sizes.items():
        dates = [d for d in sizes if d <= day]
        if not dates or benchmark not in view.benchmarks:
            continue
        newest = max(dates)
        out.append(
            MetricInfo(
                metric=metric_key(benchmark, category),
                benchmark=view.benchmarks[benchmark].name,
                category=category,
                as_of=newest,
                models=sizes[newest],
                age_days=(day - newest).days,
                snapshots=len(dates),
            )
        )
    return tuple(sorted(out, key=lambda x: x.metric))
