"""The model listing behind ``advisor models``: prices and scores side by side, one row a model."""

from __future__ import annotations

import dataclasses
import datetime as dt

from advisor.catalog import DEFAULT_METRIC, Catalog, score_of
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
) -> tuple[ModelRow, ...]:
    """List the models of a catalog view with their price and score, best score first.

    Models without a score for ``metric`` come last, then by name; none is dropped for lacking a
    price or a score. A full-history catalog is viewed as of today.
    """
    view = catalog.view()
    benchmark, category = view.check_metric(metric)
    view = view.filter(provider=provider, open_weights=open_weights, min_context=min_context)
    rows = []
    for m in view:
        price = reference_price(m)
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
            )
        )
    higher = view.benchmarks[benchmark].higher_is_better
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0) if higher else (r.score or 0), r.id))
    return tuple(rows)
