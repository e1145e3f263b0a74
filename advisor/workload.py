"""What a workload costs on each model: blended USD per 1M tokens, per request, per month."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from advisor.catalog import Catalog
from advisor.errors import AdvisorError, ArgumentError
from advisor.schema import Model, PricePeriod

if TYPE_CHECKING:
    from advisor.freshness import Freshness
    from advisor.select import LeftOut

Per = Literal["mtok", "request", "month"]
PER_UNITS: Mapping[str, str] = {
    "mtok": "USD per 1M tokens",
    "request": "USD per request",
    "month": "USD per month",
}


ServiceTier = Literal["standard", "flex", "priority"]
SERVICE_TIERS: tuple[str, ...] = ("standard", "flex", "priority")
CacheTtl = Literal["5m", "1h"]


MAX_TOKENS = 1e12
"""Most tokens one request may have on either side: far beyond any context window, and small enough
that every cost stays a finite number (prices are at most 1e6 USD per 1M tokens)."""
MAX_REQUESTS = 1e15
"""Most requests per month a workload may have (for the same reason)."""
MAX_MULTIPLIER = 1000.0
"""Largest output multiplier: a model spending 1,000 times the output tokens of a typical one."""


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclasses.dataclass(frozen=True)
class Workload:
    """What one request looks like, and how many there are.

    The default, 3,000 input and 1,000 output tokens, is the industry's 3:1 input:output blend,
    so a model's blended price at this workload is the usual "blended price per 1M tokens".

    Attributes:
        input_tokens: prompt tokens per request.
        output_tokens: answer tokens per request for a typical model (before any multiplier).
        cached_share: share of the input read from the provider's prompt cache (0 to 1); priced at
            the cached-input price where the catalog has one, else at the full input price (marked).
        cache_write_share: share of the input written to the prompt cache (0 to 1, with
            ``cached_share`` at most 1 in all); priced at the cache-write price of ``cache_ttl``.
        cache_ttl: lifetime of cache writes: ``"5m"`` (the default write price) or ``"1h"``.
        batch: use batch-API prices (models without one keep their normal price, marked).
        service_tier: ``"flex"`` (slower, cheaper) or ``"priority"`` (faster, dearer) prices
            where a model has them (others keep their standard price, marked); not with ``batch``.
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
    service_tier: ServiceTier = "standard"
    cache_write_share: float = 0.0
    cache_ttl: CacheTtl = "5m"

    def __post_init__(self) -> None:
        for name, top in (("input_tokens", MAX_TOKENS), ("output_tokens", MAX_TOKENS)):
            value = getattr(self, name)
            if not (_number(value) and 0 <= value <= top):
                raise ArgumentError(name, f"must be a finite number from 0 to {top:g}, got {value!r}")
        if self.input_tokens + self.output_tokens <= 0:
            raise AdvisorError("a request needs input_tokens or output_tokens above 0")
        for name in ("cached_share", "cache_write_share"):
            value = getattr(self, name)
            if not (_number(value) and 0.0 <= value <= 1.0):
                raise ArgumentError(name, f"must be between 0 and 1, got {value!r}")
        if self.cached_share + self.cache_write_share > 1.0 + 1e-12:
            raise AdvisorError(
                f"cached_share + cache_write_share must be at most 1, got "
                f"{self.cached_share:g} + {self.cache_write_share:g}"
            )
        if self.service_tier not in SERVICE_TIERS:
            raise ArgumentError("service_tier", f"must be one of {', '.join(SERVICE_TIERS)}, got {self.service_tier!r}")
        if self.cache_ttl not in ("5m", "1h"):
            raise ArgumentError("cache_ttl", f"must be '5m' or '1h', got {self.cache_ttl!r}")
        if self.batch and self.service_tier != "standard":
            raise AdvisorError(f"batch and service_tier {self.service_tier!r} are two ways to buy; choose one")
        rpm = self.requests_per_month
        if rpm is not None and not (_number(rpm) and 0 <= rpm <= MAX_REQUESTS):
            raise ArgumentError(
                "requests_per_month", f"must be a finite number from 0 to {MAX_REQUESTS:g}, got {rpm!r}"
            )
        for model_id, m in self.output_multipliers.items():
            if not (_number(m) and 0 < m <= MAX_MULTIPLIER):
                raise ArgumentError(
                    "output_multipliers", f"for {model_id!r} must be > 0 and at most {MAX_MULTIPLIER:g}, got {m!r}"
                )

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

    @property
    def pricing(self) -> str:
        """The ways of buying this workload asks for, in words (empty for plain standard prices)."""
        parts = []
        if self.batch:
            parts.append("batch prices")
        if self.service_tier != "standard":
            parts.append(f"{self.service_tier} tier prices")
        if self.cached_share:
            parts.append(f"{self.cached_share:.0%} of input cached")
        if self.cache_write_share:
            parts.append(f"{self.cache_write_share:.0%} of input written to a {self.cache_ttl} cache")
        return ", ".join(parts)

    def too_large_for(self, model: Model) -> str | None:
        """Why a request of this workload does not fit ``model``'s limits, or None if it fits.

        Output tokens count after the model's multiplier (a reasoning model's answer is longer).
        Unknown limits fit.
        """
        out = self.output_tokens * self.output_multipliers.get(model.id, model.output_multiplier or 1.0)
        if model.context_window is not None and self.input_tokens + out > model.context_window:
            return f"context {model.context_window:,} < {self.input_tokens:,.0f} input + {out:,.0f} output tokens"
        if model.max_output_tokens is not None and out > model.max_output_tokens:
            return f"max output {model.max_output_tokens:,} < {out:,.0f} output tokens"
        return None


@dataclasses.dataclass(frozen=True)
class ModelCost:
    """The cost of one workload on one model, at the cheapest way the catalog offers to call it.

    Rates are USD per 1M tokens as applied (after batch, service-tier and long-context prices).
    ``missing`` names the prices the workload asked for that this model has not, and what was
    charged instead (``"no batch price: standard price charged"``); ``output_tokens_unknown`` marks a
    reasoning mode whose output-token multiplier is not known (its cost is then a lower bound,
    at multiplier 1).
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
    cache_write_rate: float | None = None
    service_tier: str = "standard"
    """The service tier whose prices were charged (``standard`` when the asked-for tier is missing)."""
    missing: tuple[str, ...] = ()
    output_tokens_unknown: bool = False
    mode_of: str | None = None
    """For a reasoning mode: the base model whose token prices it pays."""

    def amount(self, per: Per) -> float | None:
        """The cost in the unit ``per`` names (None for ``month`` without a request count)."""
        if per == "mtok":
            return self.blended_usd_per_mtok
        if per == "request":
            return self.usd_per_request
        return self.usd_per_month

    @property
    def marks(self) -> tuple[str, ...]:
        """What a person should know about this price, in words (empty when nothing)."""
        notes = list(self.missing)
        if self.output_tokens_unknown:
            notes.append("output tokens unknown (a lower bound at 1x output)")
        return tuple(notes)


@dataclasses.dataclass(frozen=True, eq=False)
class RateTable:
    """The rates one price period charges, USD per 1M tokens, one row per long-context tier.

    Row 0 holds the rates below every tier, row ``k`` the tier with the k-th lowest threshold
    (``above[k - 1]``). NaN marks a price the period does not have: cached input and cache writes
    then cost the row's input rate, and 1-hour cache writes the 5-minute write rate. A tier's
    cache-write rates are the base ones scaled by the tier's input factor (tiers carry no write
    price of their own; providers scale writes with input). With ``batch`` the batch prices form
    the single row (batch APIs have no tiers or cache prices here); with a ``service_tier`` (flex,
    priority) its prices do, with the standard cache prices.
    """

    above: np.ndarray
    input: np.ndarray
    output: np.ndarray
    cached: np.ndarray
    cache_write: np.ndarray
    cache_write_1h: np.ndarray
    batch: bool
    service_tier: str = "standard"
    """The tier whose prices the table holds (``standard`` when the period sells no other)."""

    def rows(self, input_tokens: np.ndarray | float) -> np.ndarray:
        """The row that prices each request: a tier applies once the prompt is *above* its threshold."""
        return np.searchsorted(self.above, input_tokens, side="left")

    def tier_above(self, row: int) -> int | None:
        """The threshold of the tier a row is, None for row 0."""
        return int(self.above[row - 1]) if row else None


def _nan(x: float | None) -> float:
    return math.nan if x is None else x


@functools.lru_cache(maxsize=4096)
def rate_table(p: PricePeriod, batch: bool = False, service_tier: str = "standard") -> RateTable:
    """The :class:`RateTable` of one price period (cached: periods are immutable).

    ``batch`` or ``service_tier`` ask for those prices; a period without them gives its standard
    table (``batch`` False, ``service_tier`` ``"standard"``), so callers can mark what was missing.
    """
    tier_in = p.flex_input if service_tier == "flex" else p.priority_input if service_tier == "priority" else None
    tier_out = p.flex_output if service_tier == "flex" else p.priority_output if service_tier == "priority" else None
    if tier_in is not None or tier_out is not None:
        return RateTable(
            above=np.zeros(0),
            input=np.array([tier_in if tier_in is not None else p.input]),
            output=np.array([tier_out if tier_out is not None else p.output]),
            cached=np.array([_nan(p.cached_input)]),
            cache_write=np.array([_nan(p.cache_write)]),
            cache_write_1h=np.array([_nan(p.cache_write_1h)]),
            batch=False,
            service_tier=service_tier,
        )
    if batch and (p.batch_input is not None or p.batch_output is not None):
        one = np.array
        return RateTable(
            above=np.zeros(0),
            input=one([p.batch_input if p.batch_input is not None else p.input]),
            output=one([p.batch_output if p.batch_output is not None else p.output]),
            cached=one([math.nan]),
            cache_write=one([math.nan]),
            cache_write_1h=one([math.nan]),
            batch=True,
        )
    tiers = sorted(p.long_context, key=lambda t: t.above_input_tokens)
    rows = [(p.input, p.output, _nan(p.cached_input), _nan(p.cache_write), _nan(p.cache_write_1h))]
    for t in tiers:
        factor = t.input / p.input if p.input > 0 else math.nan
        rows.append(
            (t.input, t.output, _nan(t.cached_input), _nan(p.cache_write) * factor, _nan(p.cache_write_1h) * factor)
        )
    cols = np.array(rows, dtype=float).T
    return RateTable(
        above=np.array([t.above_input_tokens for t in tiers], dtype=float),
        input=cols[0],
        output=cols[1],
        cached=cols[2],
        cache_write=cols[3],
        cache_write_1h=cols[4],
        batch=False,
    )


def request_costs(
    input_rate: np.ndarray,
    output_rate: np.ndarray,
    cached_rate: np.ndarray,
    *,
    input_tokens: np.ndarray | float,
    output_tokens: np.ndarray | float,
    cached_tokens: np.ndarray | float = 0.0,
    cache_write_rate: np.ndarray | float = math.nan,
    cache_write_1h_rate: np.ndarray | float = math.nan,
    cache_write_tokens: np.ndarray | float = 0.0,
    cache_write_1h_tokens: np.ndarray | float = 0.0,
) -> np.ndarray:
    """USD per request, elementwise over arrays of rates (USD per 1M tokens) and token counts.

    ``input_tokens`` is the whole prompt: ``cached_tokens`` (read from the cache) and
    ``cache_write_tokens`` (written to it, the 1-hour ones included) are parts of it. A NaN rate is
    a price the catalog does not have (see :class:`RateTable`). The one pricing rule of advisor:
    assumed workloads and replayed requests both go through it.

    >>> float(request_costs(np.array([5.0]), np.array([15.0]), np.array([np.nan]),
    ...     input_tokens=3000, output_tokens=np.array([1000.0]))[0])
    0.03
    """
    cached = np.where(np.isnan(cached_rate), input_rate, cached_rate)
    write = np.where(np.isnan(cache_write_rate), input_rate, cache_write_rate)
    write_1h = np.where(np.isnan(cache_write_1h_rate), write, cache_write_1h_rate)
    plain = np.subtract(np.subtract(input_tokens, cached_tokens), cache_write_tokens)
    usd = (
        plain * input_rate
        + np.multiply(cached_tokens, cached)
        + np.subtract(cache_write_tokens, cache_write_1h_tokens) * write
        + np.multiply(cache_write_1h_tokens, write_1h)
        + np.multiply(output_tokens, output_rate)
    )
    return np.asarray(usd / 1e6)


def _missing(table: RateTable, k: int, w: Workload) -> tuple[str, ...]:
    """What the workload asked for that this rate table lacks, and what was charged instead."""
    notes = []
    if w.batch and not table.batch:
        notes.append("no batch price: standard price charged")
    if w.service_tier != "standard" and table.service_tier != w.service_tier:
        notes.append(f"no {w.service_tier} price: standard price charged")
    if w.cached_share and math.isnan(table.cached[k]):
        kind = "batch cached-input" if table.batch else "cached-input"
        notes.append(f"no {kind} price: input price charged")
    if w.cache_write_share:
        five, hour = table.cache_write[k], table.cache_write_1h[k]
        if w.cache_ttl == "5m" and math.isnan(five):
            notes.append("no cache-write price: input price charged")
        elif w.cache_ttl == "1h" and math.isnan(hour):
            instead = "input price" if math.isnan(five) else "5-minute write price"
            notes.append(f"no 1h cache-write price: {instead} charged")
    return tuple(notes)


def model_costs(models: Iterable[Model], workload: Workload) -> tuple[tuple[ModelCost, ...], tuple[str, ...]]:
    """Cost of the workload per model (priced models) and the ids of models without a price.

    Each model takes the cheapest of the price periods it carries (in a view: the hosts in force);
    see :func:`host_costs` for the rules.
    """
    models = list(models)
    rows, unpriced = host_costs(models, workload)
    best: dict[str, ModelCost] = {}
    for _, c in rows:
        current = best.get(c.id)
        if current is None or c.usd_per_request < current.usd_per_request:
            best[c.id] = c
    return tuple(best[m.id] for m in models if m.id in best), unpriced


def host_costs(models: Sequence[Model], workload: Workload) -> tuple[list[tuple[int, ModelCost]], tuple[str, ...]]:
    """Cost of the workload on every way to call each model (one per price period, i.e. per host).

    Returns ``(index of the model in models, its cost there)`` pairs in the models' order, and
    the ids of models without a price. A reasoning mode (``mode_of``) is priced at its base
    model's prices (the view gives it those) times its own output multiplier; without one, its
    cost is marked ``output_tokens_unknown``.
    Prices the workload asks for that a model lacks (batch, a service tier, cache prices) are
    charged at the standard rate and named in ``missing``.
    """
    w = workload
    rows: list[tuple[Model, PricePeriod, RateTable, int, float]] = []
    unpriced = []
    for m in models:
        if not m.prices:
            unpriced.append(m.id)
            continue
        mult = w.output_multipliers.get(m.id, m.output_multiplier or 1.0)
        for p in m.prices:
            table = rate_table(p, w.batch, w.service_tier)
            rows.append((m, p, table, int(table.rows(w.input_tokens)), mult))
    if not rows:
        return [], tuple(unpriced)
    at = [(r[2], r[3]) for r in rows]
    inp = np.array([t.input[k] for t, k in at])
    cached = np.array([t.cached[k] for t, k in at])
    multipliers = np.array([r[4] for r in rows])
    written = w.input_tokens * w.cache_write_share
    writes: dict[str, np.ndarray | float] = {}
    if written:  # the write rates are only gathered when the workload writes to the cache
        writes = {
            "cache_write_rate": np.array([t.cache_write[k] for t, k in at]),
            "cache_write_1h_rate": np.array([t.cache_write_1h[k] for t, k in at]),
            "cache_write_tokens": written,
            "cache_write_1h_tokens": written if w.cache_ttl == "1h" else 0.0,
        }
    usd = request_costs(
        inp,
        np.array([t.output[k] for t, k in at]),
        cached,
        input_tokens=w.input_tokens,
        output_tokens=w.output_tokens * multipliers,
        cached_tokens=w.input_tokens * w.cached_share,
        **writes,
    )
    asks = bool(w.batch or w.service_tier != "standard" or w.cached_share or w.cache_write_share)
    nominal = w.input_tokens + w.output_tokens
    index = {id(m): i for i, m in enumerate(models)}
    out: list[tuple[int, ModelCost]] = []
    for (m, p, table, k, mult), cost in zip(rows, usd.tolist(), strict=True):
        rc = float(table.cached[k])
        rw = float(table.cache_write_1h[k] if w.cache_ttl == "1h" else table.cache_write[k]) if written else math.nan
        cost_here = ModelCost(
            id=m.id,
            name=m.name or m.id,
            provider=m.provider,
            host=p.host,
            input_rate=float(table.input[k]),
            output_rate=float(table.output[k]),
            cached_input_rate=None if math.isnan(rc) else rc,
            blended_usd_per_mtok=cost / nominal * 1e6,
            usd_per_request=cost,
            usd_per_month=None if w.requests_per_month is None else cost * w.requests_per_month,
            long_context_above=table.tier_above(k),
            batch_priced=table.batch,
            output_multiplier=mult,
            cache_write_rate=None if math.isnan(rw) else rw,
            service_tier=table.service_tier,
            missing=_missing(table, k, w) if asks else (),
            output_tokens_unknown=(
                m.mode_of is not None and m.output_multiplier is None and m.id not in w.output_multipliers
            ),
            mode_of=m.mode_of,
        )
        out.append((index[id(m)], cost_here))
    return out, tuple(unpriced)


@dataclasses.dataclass(frozen=True)
class CostReport:
    """What :func:`cost` returns: the workload, its cost per model (cheapest first), the unpriced,
    the models left out (retired, too small for the request) with reasons, and the prices' dates."""

    as_of: dt.date
    workload: Workload
    costs: tuple[ModelCost, ...]
    unpriced: tuple[str, ...]
    left_out: tuple[LeftOut, ...]
    freshness: Freshness


def cost(
    catalog: Catalog,
    models: Sequence[str] = (),
    *,
    workload: Workload | None = None,
) -> CostReport:
    """The cost of a workload on the named models (all priced models when none are named).

    Models go through the same funnel as every decision (:func:`advisor.select.pool`): retired
    models and models whose context window cannot hold the request are left out with the reason;
    models without a price are listed in ``unpriced``, never priced at 0.

    >>> from advisor import load_catalog
    >>> import datetime as dt
    >>> r = cost(load_catalog().as_of(dt.date(2024, 7, 24)), ["gpt-4o-mini-2024-07-18"])
    >>> round(r.costs[0].blended_usd_per_mtok, 4)
    0.2625
    """
    from advisor.select import pool

    view = catalog.view()
    w = workload or Workload()
    chosen = [view.get(name) for name in models] if models else list(view)
    p = pool(view, metric=None, workload=w, models=chosen)
    ordered = tuple(sorted((o.cost for o in p.options), key=lambda c: (c.usd_per_request, c.id)))
    unpriced = tuple(x.id for x in p.left_out if x.kind == "unpriced")
    left = tuple(x for x in p.left_out if x.kind != "unpriced")
    return CostReport(as_of=p.as_of, workload=w, costs=ordered, unpriced=unpriced, left_out=left, freshness=p.freshness)
