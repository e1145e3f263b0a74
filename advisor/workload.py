"""What a workload costs on each model: blended USD per 1M tokens, per request, per month."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import numpy as np

from advisor.catalog import Catalog
from advisor.schema import Model, PricePeriod

Per = Literal["mtok", "request", "month"]
PER_UNITS: Mapping[str, str] = {
    "mtok": "USD per 1M tokens",
    "request": "USD per request",
    "month": "USD per month",
}


@dataclasses.dataclass(frozen=True)
class Workload:
    """What one request looks like, and how many there are.

    The default, 3,000 input and 1,000 output tokens, is the industry's 3:1 input:output blend,
    so a model's blended price at this workload is the usual "blended price per 1M tokens".

    Attributes:
        input_tokens: prompt tokens per request.
        output_tokens: answer tokens per request for a typical model (before any multiplier).
        cached_share: share of the input read from the provider's prompt cache (0 to 1); priced at
            the cached-input price where the catalog has one, else at the full input price.
        batch: use batch-API prices where the catalog has them (others keep their normal price).
        requests_per_month: for the monthly cost; None leaves it out.
        output_multipliers: per model id, output tokens spent relative to a typical model
            (a reasoning model might spend 3x); overrides the catalog's ``output_multiplier``.
    """

    input_tokens: float = 3000.0
    output_tokens: float = 1000.0
    cached_share: float = 0.0
    batch: bool = False
    requests_per_month: float | None = None
    output_multipliers: Mapping[str, float] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("input_tokens", "output_tokens"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if self.input_tokens + self.output_tokens <= 0:
            raise ValueError("a request needs input_tokens or output_tokens above 0")
        if not 0.0 <= self.cached_share <= 1.0:
            raise ValueError(f"cached_share must be between 0 and 1, got {self.cached_share!r}")
        if self.requests_per_month is not None and not (
            math.isfinite(self.requests_per_month) and self.requests_per_month >= 0
        ):
            raise ValueError(f"requests_per_month must be >= 0, got {self.requests_per_month!r}")
        for model_id, m in self.output_multipliers.items():
            if not (math.isfinite(m) and m > 0):
                raise ValueError(f"output multiplier for {model_id!r} must be > 0, got {m!r}")

    @property
    def blend(self) -> str:
        """The input:output ratio in words, e.g. ``"3:1 input:output"``."""
        i, o = self.input_tokens, self.output_tokens
        if o == 0:
            return "input only"
        if i == 0:
            return "output only"
        ratio = i / o
        text = f"{ratio:.0f}:1" if abs(ratio - round(ratio)) < 1e-9 else f"{ratio:.2f}:1"
        if ratio < 1:
            inv = o / i
            text = f"1:{inv:.0f}" if abs(inv - round(inv)) < 1e-9 else f"1:{inv:.2f}"
        return f"{text} input:output"


@dataclasses.dataclass(frozen=True)
class ModelCost:
    """The cost of one workload on one model, at the cheapest way the catalog offers to call it.

    Rates are USD per 1M tokens as applied (after batch and long-context tiers).
    """

    id: str
    name: str
    provider: str | None
    host: str | None
    input_rate: float
    output_rate: float
    cached_input_rate: float | None
    blended_usd_per_mtok: float
    usd_per_request: float
    usd_per_month: float | None
    long_context_above: int | None
    """The threshold of the long-context tier that re-priced this request, if any."""
    batch_priced: bool
    output_multiplier: float

    def amount(self, per: Per) -> float | None:
        """The cost in the unit ``per`` names (None for ``month`` without a request count)."""
        if per == "mtok":
            return self.blended_usd_per_mtok
        if per == "request":
            return self.usd_per_request
        return self.usd_per_month


def request_costs(
    input_rate: np.ndarray,
    output_rate: np.ndarray,
    cached_rate: np.ndarray,
    *,
    input_tokens: float,
    output_tokens: np.ndarray,
    cached_share: float,
) -> np.ndarray:
    """USD per request for arrays of rates (USD per 1M tokens); NaN cached rate = no cache price.

    >>> float(request_costs(np.array([5.0]), np.array([15.0]), np.array([np.nan]),
    ...     input_tokens=3000, output_tokens=np.array([1000.0]), cached_share=0.0)[0])
    0.03
    """
    cached = np.where(np.isnan(cached_rate), input_rate, cached_rate)
    input_usd = input_tokens * ((1.0 - cached_share) * input_rate + cached_share * cached)
    return np.asarray((input_usd + output_tokens * output_rate) / 1e6)


def _rates(p: PricePeriod, w: Workload) -> tuple[float, float, float, int | None, bool]:
    """Rates for one price period under a workload: (input, output, cached, tier, batch)."""
    if w.batch and (p.batch_input is not None or p.batch_output is not None):
        return (
            p.batch_input if p.batch_input is not None else p.input,
            p.batch_output if p.batch_output is not None else p.output,
            math.nan,
            None,
            True,
        )
    tier = None
    for t in p.long_context:
        if w.input_tokens > t.above_input_tokens and (tier is None or t.above_input_tokens > tier.above_input_tokens):
            tier = t
    if tier is not None:
        cached = tier.cached_input if tier.cached_input is not None else math.nan
        return tier.input, tier.output, cached, tier.above_input_tokens, False
    cached = p.cached_input if p.cached_input is not None else math.nan
    return p.input, p.output, cached, None, False


def model_costs(models: Iterable[Model], workload: Workload) -> tuple[tuple[ModelCost, ...], tuple[str, ...]]:
    """Cost of the workload per model (priced models) and the ids of models without a price.

    Each model takes the cheapest of the price periods it carries (in a view: the hosts in force).
    """
    models = list(models)
    rows: list[tuple[Model, PricePeriod, tuple[float, float, float, int | None, bool], float]] = []
    unpriced = []
    for m in models:
        if not m.prices:
            unpriced.append(m.id)
            continue
        mult = workload.output_multipliers.get(m.id, m.output_multiplier or 1.0)
        for p in m.prices:
            rows.append((m, p, _rates(p, workload), mult))
    if not rows:
        return (), tuple(unpriced)
    inp = np.array([r[2][0] for r in rows])
    out = np.array([r[2][1] for r in rows])
    cached = np.array([r[2][2] for r in rows])
    multipliers = np.array([r[3] for r in rows])
    usd = request_costs(
        inp,
        out,
        cached,
        input_tokens=workload.input_tokens,
        output_tokens=workload.output_tokens * multipliers,
        cached_share=workload.cached_share,
    )
    nominal = workload.input_tokens + workload.output_tokens
    best: dict[str, ModelCost] = {}
    for (m, p, (ri, ro, rc, tier, batch), k), cost in zip(rows, usd.tolist(), strict=False):
        current = best.get(m.id)
        if current is not None and current.usd_per_request <= cost:
            continue
        best[m.id] = ModelCost(
            id=m.id,
            name=m.name or m.id,
            provider=m.provider,
            host=p.host,
            input_rate=ri,
            output_rate=ro,
            cached_input_rate=None if math.isnan(rc) else rc,
            blended_usd_per_mtok=cost / nominal * 1e6,
            usd_per_request=cost,
            usd_per_month=None if workload.requests_per_month is None else cost * workload.requests_per_month,
            long_context_above=tier,
            batch_priced=batch,
            output_multiplier=k,
        )
    return tuple(best[m.id] for m in models if m.id in best), tuple(unpriced)


@dataclasses.dataclass(frozen=True)
class CostReport:
    """What :func:`cost` returns: the workload, its cost per model (cheapest first), the unpriced."""

    as_of: object
    workload: Workload
    costs: tuple[ModelCost, ...]
    unpriced: tuple[str, ...]


def cost(
    catalog: Catalog,
    models: Sequence[str] = (),
    *,
    workload: Workload | None = None,
) -> CostReport:
    """The cost of a workload on the named models (all priced models when none are named).

    Models named but without a price are listed in ``unpriced``; never priced at 0.

    >>> from advisor import load_catalog
    >>> import datetime as dt
    >>> r = cost(load_catalog().as_of(dt.date(2024, 7, 24)), ["gpt-4o-mini-2024-07-18"])
    >>> round(r.costs[0].blended_usd_per_mtok, 4)
    0.2625
    """
    view = catalog.view()
    w = workload or Workload()
    chosen = [view.get(name) for name in models] if models else list(view)
    costs, unpriced = model_costs(chosen, w)
    ordered = tuple(sorted(costs, key=lambda c: (c.usd_per_request, c.id)))
    return CostReport(as_of=view.date, workload=w, costs=ordered, unpriced=unpriced)
