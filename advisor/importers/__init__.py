"""Importers: build or refresh catalog entries from the formats people already have.

One module per outside format, each a function ``(base, path, *, ...) -> ImportResult``:

* :func:`import_litellm`: LiteLLM ``model_prices_and_context_window.json`` (USD per token);
* :func:`import_price_history`: a LiteLLM price history CSV (dated, USD per 1M tokens);
* :func:`import_arena`: an Arena leaderboard CSV snapshot (``fboulnois/llm-leaderboard-csv``);
* :func:`import_arena_hard`: the Arena-Hard-Auto leaderboard CSV;
* :func:`import_arena_json`: LMArena's leaderboard JSON (every category a metric, style control apart);
* :func:`import_genai_prices`: pydantic's genai-prices ``data.json`` (dated prices, tiers, variants);
* :func:`import_models_dev`: models.dev metadata (release dates, limits, knowledge cutoff, open weights).

Names are matched through the layered catalog's ids and aliases only (:mod:`advisor.names`);
whatever does not match is reported. :data:`~advisor.importers.registry.IMPORTERS` lists every
format for the CLI; its entries run on bytes, so a live update can reuse them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Importer modules load on first use, so building the CLI (which reads only the registry) stays cheap.
_EXPORTS: dict[str, str] = {
    "ImportReport": "advisor.importers._common",
    "ImportResult": "advisor.importers._common",
    "import_arena": "advisor.importers.arena",
    "import_arena_hard": "advisor.importers.arena",
    "import_arena_json": "advisor.importers.arena_json",
    "import_genai_prices": "advisor.importers.genai_prices",
    "import_litellm": "advisor.importers.litellm",
    "import_models_dev": "advisor.importers.models_dev",
    "import_price_history": "advisor.importers.price_history",
}

__all__ = [
    "ImportReport",
    "ImportResult",
    "import_arena",
    "import_arena_hard",
    "import_arena_json",
    "import_genai_prices",
    "import_litellm",
    "import_models_dev",
    "import_price_history",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'advisor.importers' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from advisor.importers._common import ImportReport, ImportResult
    from advisor.importers.arena import import_arena, import_arena_hard
    from advisor.importers.arena_json import import_arena_json
    from advisor.importers.genai_prices import import_genai_prices
    from advisor.importers.litellm import import_litellm
    from advisor.importers.models_dev import import_models_dev
    from advisor.importers.price_history import import_price_history
