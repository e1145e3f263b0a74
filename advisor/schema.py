"""The catalog schema: what one YAML catalog file may say, validated by pydantic.

The types are frozen standard-library dataclasses that pydantic validates through a
``TypeAdapter`` when a file is read. Plain dataclasses keep ``import advisor`` and cached loads free
of pydantic's import cost, which matters because the CLI and routing services load the catalog on
every start. Unknown keys are rejected (``extra="forbid"``); NaN and infinity are rejected
everywhere.

Units: every price is USD per 1M tokens. Dates are ISO dates; a period's ``since`` is inclusive and
its ``until`` exclusive, and a missing bound is open.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

if TYPE_CHECKING:
    from annotated_types import Ge, Gt, Le, MinLen
    from pydantic import TypeAdapter

SCHEMA_VERSION = 1
"""The ``schema_version`` this advisor reads and writes."""

_CONFIG = {"extra": "forbid", "allow_inf_nan": False, "str_strip_whitespace": True}

MAX_USD = 1_000_000.0
"""Largest price per 1M tokens a catalog may give: a thousand times the dearest model ever sold,
and small enough that no cost computed from it overflows to infinity."""
MAX_SCORE = 1e9
"""Largest magnitude of a score or a bound of its confidence interval."""

if TYPE_CHECKING:
    Usd = Annotated[float, Ge(0), Le(MAX_USD)]
    """USD per 1M tokens, never negative, at most :data:`MAX_USD`."""
    Figure = Annotated[float, Ge(-MAX_SCORE), Le(MAX_SCORE)]
    """A score or a confidence bound."""
    Tokens = Annotated[int, Gt(0)]
    Name = Annotated[str, MinLen(1)]


def define_constraints() -> None:
    """Define the names the type hints below use for their constraints (``Usd``, ``Ge`` ...).

    The hints are strings, evaluated in this module only when something reads them: pydantic when it
    builds the validator, :mod:`advisor._generate` when it writes the cache decoders. Defining the
    constraint names then, not at import, keeps ``annotated_types`` out of every run that loads a
    catalog from the cache (about 8 ms of a warm start).
    """
    if "Usd" in globals():
        return
    from annotated_types import Ge, Gt, Le, MinLen

    globals().update(
        Ge=Ge,
        Gt=Gt,
        Le=Le,
        MinLen=MinLen,
        Usd=Annotated[float, Ge(0), Le(MAX_USD)],
        Figure=Annotated[float, Ge(-MAX_SCORE), Le(MAX_SCORE)],
        Tokens=Annotated[int, Gt(0)],
        Name=Annotated[str, MinLen(1)],
    )


@functools.cache
def catalog_file_adapter() -> TypeAdapter[CatalogFile]:
    """The pydantic validator of a catalog file, built once per process (about 60 ms)."""
    from pydantic import TypeAdapter

    define_constraints()
    return TypeAdapter(CatalogFile)


def type_hints(cls: Any) -> dict[str, Any]:
    """The evaluated type hints of a schema dataclass (constraints kept)."""
    define_constraints()
    return typing.get_type_hints(cls, include_extras=True)


@dataclass(frozen=True)
class Source:
    """Where figures came from: referenced by key from every price period and score."""

    __pydantic_config__ = _CONFIG

    title: Name
    url: str | None = None
    license: str | None = None
    retrieved: dt.date | None = None
    """When the source was copied; the figures' own dates live on the prices and scores."""
    note: str | None = None


@dataclass(frozen=True)
class Benchmark:
    """A quality metric: what its numbers mean and which way is better."""

    __pydantic_config__ = _CONFIG

    name: Name
    scale: Name
    """Human description of the unit, e.g. "Bradley-Terry rating, Elo scale" or "win rate, %"."""
    description: str = ""
    higher_is_better: bool = True
    url: str | None = None
    elo_scale: Annotated[float, Gt(0)] | None = None
    """For Bradley-Terry ratings: points per factor ``elo_base`` in the odds of winning (400)."""
    elo_base: Annotated[float, Gt(1)] = 10.0


@dataclass(frozen=True)
class Alias:
    """Another name of a model (LiteLLM key, OpenRouter id, Arena display name).

    A moving alias such as ``gpt-4o`` points to different dated snapshots over time: give it
    ``since``/``until`` on each model it pointed to. In a file, a plain string means "always".
    """

    __pydantic_config__ = _CONFIG

    name: Name
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class LongContextTier:
    """Prices for requests whose prompt exceeds ``above_input_tokens``.

    As providers bill it, a tier re-prices the *whole* request (every input and output token), not
    only the tokens past the threshold.
    """

    __pydantic_config__ = _CONFIG

    above_input_tokens: Tokens
    input: Usd
    output: Usd
    cached_input: Usd | None = None


@dataclass(frozen=True)
class PricePeriod:
    """List prices in force from ``since`` (inclusive) to ``until`` (exclusive), USD per 1M tokens."""

    __pydantic_config__ = _CONFIG

    input: Usd
    output: Usd
    source: Name
    """Key into the catalog's ``sources``."""
    since: dt.date | None = None
    until: dt.date | None = None
    host: Name | None = None
    """Who serves it when not the model's own provider (open-weights models have many hosts)."""
    cached_input: Usd | None = None
    """Price of input tokens read from the provider's prompt cache."""
    cache_write: Usd | None = None
    """Price of input tokens written to the prompt cache (5-minute lifetime), where charged."""
    cache_write_1h: Usd | None = None
    """Price of input tokens written to the prompt cache with a 1-hour lifetime, where offered."""
    batch_input: Usd | None = None
    batch_output: Usd | None = None
    flex_input: Usd | None = None
    """Service tier ``flex`` (slower, cheaper), where the provider sells it."""
    flex_output: Usd | None = None
    priority_input: Usd | None = None
    """Service tier ``priority`` (faster, dearer), where the provider sells it."""
    priority_output: Usd | None = None
    long_context: tuple[LongContextTier, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Score:
    """One benchmark result of one model in one dated snapshot, with its 95% confidence interval."""

    __pydantic_config__ = _CONFIG

    benchmark: Name
    value: Figure
    as_of: dt.date
    source: Name
    category: Name = "overall"
    ci_lower: Figure | None = None
    ci_upper: Figure | None = None
    votes: Annotated[int, Ge(0)] | None = None


@dataclass(frozen=True)
class Model:
    """A model as one catalog file describes it.

    In a layer on top of other files only ``id`` is required: an entry naming a model already
    known (by id or alias) overrides the fields it gives; see :func:`advisor.load_catalog`.
    """

    __pydantic_config__ = _CONFIG

    id: Name
    name: str | None = None
    """Display name; defaults to the id."""
    provider: Name | None = None
    """Who makes the model (OpenAI, Meta, ...). Required for a model no lower layer defines."""
    aliases: tuple[Alias, ...] = ()
    released: dt.date | None = None
    retired: dt.date | None = None
    """First day the provider no longer serves the model; decisions leave it out from then on."""
    retired_source: str | None = None
    """Key into ``sources`` (or a URL) that announced the retirement."""
    successor: str | None = None
    """The model the provider names as its replacement (a catalog id or the provider's name)."""
    knowledge_cutoff: str | None = None
    """Training-data cutoff as ``YYYY-MM`` (or ``YYYY-MM-DD``), as the source gives it."""
    mode_of: str | None = None
    """For a reasoning mode the Arena rates separately (``-thinking``, ``-high``): the id of the base
    model whose token prices it pays. Its own ``output_multiplier`` says how many more output tokens
    it spends; when that is unknown, outputs mark the cost as a lower bound."""
    license: str | None = None
    open_weights: bool | None = None
    context_window: Tokens | None = None
    max_output_tokens: Tokens | None = None
    output_multiplier: Annotated[float, Gt(0), Le(1000)] | None = None
    """Output tokens this model spends per answer relative to a typical model (reasoning models > 1)."""
    prices: tuple[PricePeriod, ...] = ()
    scores: tuple[Score, ...] = ()
    source: str | None = None
    """Key into ``sources`` for the descriptive fields (context window, release date, license)."""
    notes: str | None = None


@dataclass(frozen=True)
class CatalogFile:
    """One YAML catalog file: the bundled catalog or a team's layer on top of it."""

    __pydantic_config__ = _CONFIG

    schema_version: Literal[1]
    currency: Literal["USD"] = "USD"
    sources: dict[str, Source] = field(default_factory=dict)
    benchmarks: dict[str, Benchmark] = field(default_factory=dict)
    score_tables: dict[str, str] = field(default_factory=dict)
    """Score tables (:mod:`advisor.score_table`) whose scores belong to this file: metric
    (``benchmark`` or ``benchmark/category``) -> path relative to the file. A table is read only
    when its metric is used (see :func:`advisor.load_catalog`)."""
    models: tuple[Model, ...] = ()
    notice: str | None = None
    """License notices the data requires, kept with the data."""


__all__ = [
    "SCHEMA_VERSION",
    "Alias",
    "Benchmark",
    "CatalogFile",
    "LongContextTier",
    "Model",
    "PricePeriod",
    "Score",
    "Source",
]
