"""What :func:`advisor.replay` returns: the report of a usage log's cost, its profile and the what-if.

Plain frozen dataclasses (``--json`` prints them as they are); money in USD, tokens as counted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = [
    "DailyCost",
    "MeasuredMultiplier",
    "ModelUsage",
    "Profile",
    "ReplayReport",
    "Tokens",
    "Unpriced",
    "WhatIf",
    "WhatIfChoice",
]


@dataclasses.dataclass(frozen=True)
class Tokens:
    """Token counts; ``input`` is the whole prompt (``cached`` and ``cache_write`` are parts of it,
    ``cache_write_1h`` a part of the writes), ``reasoning`` a part of ``output``."""

    input: int
    cached: int
    cache_write: int
    cache_write_1h: int
    output: int
    reasoning: int

    @classmethod
    def of(cls, sums: Sequence[float] | np.ndarray) -> Tokens:
        return cls(*(round(float(x)) for x in sums))


@dataclasses.dataclass(frozen=True)
class Profile:
    """The shape of a model's requests: token percentiles (p50/p90/p99), means and shares."""

    input_p50: float
    input_p90: float
    input_p99: float
    output_p50: float
    output_p90: float
    output_p99: float
    mean_input: float
    mean_output: float
    input_output_ratio: float | None
    """Input tokens per output token over all requests (None when there is no output)."""
    cached_share: float
    """Share of input tokens read from the cache."""
    cache_write_share: float


@dataclasses.dataclass(frozen=True)
class ModelUsage:
    """One model's traffic in the log and what it cost, priced per request on its own date."""

    model: str
    names: tuple[str, ...]
    """The names the log used for it."""
    requests: int
    tokens: Tokens
    usd: float
    long_context_requests: int
    """Requests priced at a long-context tier."""
    first_day: dt.date
    last_day: dt.date
    profile: Profile
    output_multiplier: float
    """Output tokens per request relative to a typical model, as the what-if used it."""
    multiplier_source: str
    """Where ``output_multiplier`` came from: ``measured from N requests``, ``catalog`` or ``assumed``."""


@dataclasses.dataclass(frozen=True)
class Unpriced:
    """Requests that could not be priced (an unknown name, no price on their date): never priced at 0."""

    name: str
    model: str | None
    reason: str
    requests: int
    tokens: Tokens


@dataclasses.dataclass(frozen=True)
class MeasuredMultiplier:
    """A model's output tokens per request relative to the others, on comparable traffic.

    Measured by weighted least squares on log mean output per (model, input-size bucket: powers of
    two), so models are compared on requests of the same size; scaled so the measured models that
    have a catalog multiplier keep their geometric mean, else so that the median model is x1.
    """

    model: str
    multiplier: float
    requests: int
    buckets: int
    catalog_multiplier: float | None


@dataclasses.dataclass(frozen=True)
class WhatIfChoice:
    """Where one context-window class of a model's traffic went in the what-if."""

    model: str
    requests: int
    min_context: int | None
    """The context window the class needed (None: fits every model's known window)."""
    score: float | None
    ci_lower: float | None
    ci_upper: float | None
    reason: str
    """Why this model (the rule met), or why the traffic stayed."""
    output_ratio: float = 1.0
    """Output tokens on this model per output token on the original one: the ratio of their output
    multipliers (measured where the log allows, else the catalog's, else 1)."""


@dataclasses.dataclass(frozen=True)
class WhatIf:
    """One model's traffic re-priced on the rule's choice, with the quality statement."""

    model: str
    criteria: str
    metric: str
    score_as_of: dt.date | None
    score: float | None
    ci_lower: float | None
    ci_upper: float | None
    choices: tuple[WhatIfChoice, ...]
    actual_usd: float
    what_if_usd: float
    savings_usd: float
    savings_pct: float | None
    moved_requests: int
    kept_requests: int
    priced_at_as_of: int
    """Moved requests priced at the ``as_of`` prices because the choice had no price on their date."""


@dataclasses.dataclass(frozen=True)
class DailyCost:
    """Cost of one day's priced requests, actual and in the what-if (None without one)."""

    day: dt.date
    requests: int
    actual_usd: float
    what_if_usd: float | None


@dataclasses.dataclass(frozen=True)
class ReplayReport:
    """What :func:`replay` returns (and ``advisor replay --json`` prints). Money in USD."""

    sources: tuple[str, ...]
    formats: Mapping[str, str]
    """Each source's format (a name from ``advisor.usage.FORMATS``)."""
    as_of: dt.date
    first_day: dt.date | None
    last_day: dt.date | None
    requests: int
    """Requests read (priced or not; skipped records not included)."""
    priced_requests: int
    undated_requests: int
    """Records without a timestamp, priced as of ``as_of``."""
    skipped: Mapping[str, int]
    """Records read but not billed by the provider, by reason (proxy cache hits, failed requests)."""
    tokens: Tokens
    profile: Profile
    """The profile of all priced requests."""
    usd: float
    models: tuple[ModelUsage, ...]
    unpriced: tuple[Unpriced, ...]
    multipliers: tuple[MeasuredMultiplier, ...]
    metric: str
    rule: str | None
    """The target rule of the what-if (None: no what-if)."""
    what_if: tuple[WhatIf, ...]
    what_if_usd: float | None
    savings_usd: float | None
    savings_pct: float | None
    daily: tuple[DailyCost, ...]
