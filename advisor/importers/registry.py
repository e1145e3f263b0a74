"""The importer registry: one entry per outside format, which ``advisor catalog import`` iterates.

Adding a format is adding an :class:`Importer` entry here and a module with a ``run`` function.
Entries hold only metadata and the dotted name of their ``run`` function, so building the CLI
imports no importer module. ``run`` takes an :class:`ImportRequest` (the source's bytes, the layer
to refresh and the catalog below it) and returns the new layer with a report; it reads and writes
no file, so a live update can feed it bytes fetched from the network.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.catalog import Catalog
    from advisor.importers._common import ImportResult
    from advisor.schema import CatalogFile, Source

__all__ = ["IMPORTERS", "ImportRequest", "Importer", "Option", "run_import"]


@dataclass(frozen=True)
class ImportRequest:
    """One import: the source's bytes and what to merge them into."""

    base: CatalogFile
    """The layer to refresh (an empty ``CatalogFile`` for a new one)."""
    data: bytes
    label: str
    """Names the source in messages and reports (its path or URL)."""
    below: Catalog | None = None
    """The layered catalog under ``base``: names are matched against it too."""
    date: dt.date | None = None
    """The importer's date (see :attr:`Importer.date_help`); None: its default."""
    source_key: str | None = None
    """Key into ``sources``; None: :meth:`Importer.key_for`."""
    add_new: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    """Importer-specific options (:attr:`Importer.options`), by ``dest``."""


@dataclass(frozen=True)
class Option:
    """An importer-specific command-line flag (``store_true``/``store_false``)."""

    flag: str
    dest: str
    help: str
    default: bool = False


@dataclass(frozen=True)
class Importer:
    """One outside format: what it reads, how its figures are dated, and the function that imports it."""

    name: str
    """The ``advisor catalog import`` subcommand."""
    help: str
    example: str
    url: str
    license: str
    runner: str
    """``module:function`` taking an :class:`ImportRequest` and returning an ``ImportResult``."""
    date_help: str | None = None
    """What ``--date`` means for this format; None: the format carries its own dates."""
    date_in_name: bool = False
    """The date defaults to a ``YYYY-MM-DD`` in the file name."""
    date_required: bool = False
    """Without a date (given or in the name) the import is refused."""
    key_prefix: str = ""
    """Default source key: ``PREFIX-DATE`` (or just ``PREFIX`` without a date)."""
    options: tuple[Option, ...] = ()
    metrics: tuple[str, ...] | None = ()
    """The metrics whose score tables the catalog below is read with, so that a score it already
    holds counts as unchanged: None for all of them (a format of many categories); a price or
    metadata import reads none (faster)."""

    def key_for(self, date: dt.date | None) -> str:
        """The default source key of an import dated ``date``."""
        prefix = self.key_prefix or self.name
        return f"{prefix}-{date.isoformat()}" if date is not None else prefix

    def source_for(self, label: str) -> Source:
        """The ``sources`` entry an import of ``label`` adds when its key is new."""
        from advisor.schema import Source

        return Source(title=f"{self.name} import of {label.rsplit('/', 1)[-1]}", url=self.url, license=self.license)

    def run(self, request: ImportRequest) -> ImportResult:
        """Import ``request`` with this format's function."""
        module, _, func = self.runner.partition(":")
        result: ImportResult = getattr(importlib.import_module(module), func)(request)
        return result


IMPORTERS: Mapping[str, Importer] = {
    imp.name: imp
    for imp in (
        Importer(
            name="litellm",
            help="prices, context windows, max output tokens and retirement dates from LiteLLM's "
            "model_prices_and_context_window.json (USD per token)",
            example="advisor catalog import litellm model_prices_and_context_window.json --into prices.yaml",
            url="https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json",
            license="MIT",
            runner="advisor.importers.litellm:run",
            date_help="day the map's prices are known to be in force (default: today; the map has no date)",
            options=(
                Option(
                    "--no-limits",
                    "limits",
                    "leave context windows and max output tokens alone (by default a model's own key, never a "
                    "host's, replaces them and the model's source becomes the import's)",
                    default=True,
                ),
            ),
        ),
        Importer(
            name="history",
            help="dated prices from a LiteLLM price history CSV (USD per 1M tokens)",
            example="advisor catalog import history litellm_price_history_via_tokencost.derived.csv --into prices.yaml",
            url="https://github.com/AgentOps-AI/tokencost",
            license="MIT",
            runner="advisor.importers.price_history:run",
            key_prefix="litellm-history",
        ),
        Importer(
            name="genai-prices",
            help="dated prices (incl. announced changes), batch/flex/priority, cache writes, long-context tiers "
            "and deprecations from pydantic's genai-prices data.json (v2)",
            example="advisor catalog import genai-prices data.json --into prices.yaml",
            url="https://github.com/pydantic/genai-prices",
            license="MIT",
            runner="advisor.importers.genai_prices:run",
            date_help="day undated prices are known to be in force (default: today); dated prices keep their dates",
        ),
        Importer(
            name="models-dev",
            help="release dates, context windows, max output tokens, knowledge cutoffs and open-weights flags "
            "from models.dev (api.json)",
            example="advisor catalog import models-dev api.json --into metadata.yaml",
            url="https://models.dev",
            license="MIT",
            runner="advisor.importers.models_dev:run",
        ),
        Importer(
            name="arena",
            help="scores from an Arena leaderboard CSV (fboulnois/llm-leaderboard-csv columns)",
            example="advisor catalog import arena lmsys_arena_2024-07-24.csv --into scores.yaml --add-new",
            url="https://github.com/fboulnois/llm-leaderboard-csv",
            license="MPL-2.0",
            runner="advisor.importers.arena:run_arena",
            metrics=("arena-text",),
            date_help="snapshot date (default: a YYYY-MM-DD in the file name)",
            date_in_name=True,
            date_required=True,
        ),
        Importer(
            name="arena-json",
            help="scores of every category from an LMArena leaderboard JSON (arena-catalog "
            "leaderboard-text*.json; style control is the benchmark arena-text-style)",
            example="advisor catalog import arena-json leaderboard-text_2025-12-11.json --into scores.yaml --add-new",
            url="https://github.com/lmarena/arena-catalog",
            license="CC-BY-4.0",
            runner="advisor.importers.arena_json:run",
            metrics=None,
            date_help="board date (default: a YYYY-MM-DD in the file name)",
            date_in_name=True,
            date_required=True,
        ),
        Importer(
            name="arena-hard",
            help="scores from an Arena-Hard-Auto leaderboard CSV (win rate %%, 95%% bounds)",
            example="advisor catalog import arena-hard arena_hard_auto_leaderboard_20240731.csv --into scores.yaml",
            url="https://github.com/lmarena/arena-hard-auto",
            license="Apache-2.0",
            runner="advisor.importers.arena:run_arena_hard",
            metrics=("arena-hard-auto",),
            date_help="leaderboard date (default: the file's date column, or a YYYY-MM-DD in its name)",
            date_in_name=True,
            key_prefix="arena-hard-auto",
        ),
    )
}
"""Every import format, by subcommand name."""


def run_import(name: str, request: ImportRequest) -> ImportResult:
    """Run the importer ``name`` (a key of :data:`IMPORTERS`) on ``request``."""
    try:
        importer = IMPORTERS[name]
    except KeyError:
        raise ValueError(f"unknown import format {name!r} (known: {', '.join(IMPORTERS)})") from None
    return importer.run(request)


def source_of(name: str, request: ImportRequest, date: dt.date | None) -> tuple[str, Source | None]:
    """``(source key, source to add or None)`` for an import by ``name`` dated ``date``."""
    importer = IMPORTERS[name]
    key = request.source_key or importer.key_for(date)
    known = key in request.base.sources or (request.below is not None and key in request.below.sources)
    return key, None if known else importer.source_for(request.label)
