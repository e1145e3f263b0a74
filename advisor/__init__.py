"""advisor: which LLM should we call, given what we can pay and the quality we need?

The public API. Names are imported on first use, so ``import advisor`` stays cheap for the CLI
and for services that only need part of it (numpy loads with the engine, plotly with a chart).

>>> import advisor, datetime as dt
>>> july = advisor.load_catalog().as_of(dt.date(2024, 7, 24))
>>> advisor.recommend(july, target="gpt-4o").choice.id
'gpt-4o-mini-2024-07-18'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "AdvisorError": "advisor.errors",
    "CatalogStatus": "advisor.update",
    "BattleCounts": "advisor.ratings",
    "Catalog": "advisor.catalog",
    "CatalogError": "advisor.errors",
    "Comparison": "advisor.leaderboard",
    "CostOfQuality": "advisor.history",
    "CostReport": "advisor.workload",
    "Fallbacks": "advisor.router",
    "Freshness": "advisor.freshness",
    "Frontier": "advisor.select",
    "GatewayConfig": "advisor.export",
    "Leaderboard": "advisor.leaderboard",
    "Listing": "advisor.listing",
    "Mix": "advisor.mix",
    "ModelCost": "advisor.workload",
    "NoCandidateError": "advisor.errors",
    "Ratings": "advisor.ratings",
    "Recommendation": "advisor.select",
    "ReloadStatus": "advisor.reload",
    "ReplayReport": "advisor.replay_report",
    "Route": "advisor.router",
    "Router": "advisor.router",
    "RouterSource": "advisor.reload",
    "UnknownMetricError": "advisor.errors",
    "UnknownModelError": "advisor.errors",
    "Usage": "advisor.usage",
    "UpdateError": "advisor.update",
    "UpdateReport": "advisor.update",
    "Workload": "advisor.workload",
    "WriteError": "advisor.errors",
    "compare": "advisor.leaderboard",
    "catalog_status": "advisor.update",
    "cost": "advisor.workload",
    "cost_of_quality": "advisor.history",
    "explorer_html": "advisor.explore",
    "export_config": "advisor.export",
    "fit_ratings": "advisor.ratings",
    "frontier": "advisor.select",
    "load_catalog": "advisor.catalog",
    "metrics": "advisor.listing",
    "models": "advisor.listing",
    "pareto_front": "advisor.pareto",
    "pareto_front_nd": "advisor.pareto",
    "plot_frontier": "advisor.plot",
    "plot_history": "advisor.plot",
    "plot_replay": "advisor.replay_plot",
    "plot_winrates": "advisor.plot",
    "rank": "advisor.leaderboard",
    "rate": "advisor.battles",
    "read_battles": "advisor.battles",
    "recommend": "advisor.select",
    "recommend_mix": "advisor.mix",
    "replay": "advisor.traffic",
    "tie_aware_ranks": "advisor.ratings",
    "uncertain_pareto_front": "advisor.pareto",
    "update_catalog": "advisor.update",
    "usd": "advisor.money",
    "validate_catalog": "advisor.catalog",
    "win_probability": "advisor.ratings",
    "write_explorer": "advisor.explore",
    "write_figure": "advisor.plot",
}

__all__ = [
    "AdvisorError",
    "BattleCounts",
    "Catalog",
    "CatalogError",
    "CatalogStatus",
    "Comparison",
    "CostOfQuality",
    "CostReport",
    "Fallbacks",
    "Freshness",
    "Frontier",
    "GatewayConfig",
    "Leaderboard",
    "Listing",
    "Mix",
    "ModelCost",
    "NoCandidateError",
    "Ratings",
    "Recommendation",
    "ReloadStatus",
    "ReplayReport",
    "Route",
    "Router",
    "RouterSource",
    "UnknownMetricError",
    "UnknownModelError",
    "UpdateError",
    "UpdateReport",
    "Usage",
    "Workload",
    "WriteError",
    "catalog_status",
    "compare",
    "cost",
    "cost_of_quality",
    "explorer_html",
    "export_config",
    "fit_ratings",
    "frontier",
    "load_catalog",
    "metrics",
    "models",
    "pareto_front",
    "pareto_front_nd",
    "plot_frontier",
    "plot_history",
    "plot_replay",
    "plot_winrates",
    "rank",
    "rate",
    "read_battles",
    "recommend",
    "recommend_mix",
    "replay",
    "tie_aware_ranks",
    "uncertain_pareto_front",
    "update_catalog",
    "usd",
    "validate_catalog",
    "win_probability",
    "write_explorer",
    "write_figure",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'advisor' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:
    from advisor.battles import rate, read_battles
    from advisor.catalog import Catalog, load_catalog, validate_catalog
    from advisor.errors import (
        AdvisorError,
        CatalogError,
        NoCandidateError,
        UnknownMetricError,
        UnknownModelError,
        WriteError,
    )
    from advisor.explore import explorer_html, write_explorer
    from advisor.export import GatewayConfig, export_config
    from advisor.freshness import Freshness
    from advisor.history import CostOfQuality, cost_of_quality
    from advisor.leaderboard import Comparison, Leaderboard, compare, rank
    from advisor.listing import Listing, metrics, models
    from advisor.mix import Mix, recommend_mix
    from advisor.money import usd
    from advisor.pareto import pareto_front, pareto_front_nd, uncertain_pareto_front
    from advisor.plot import plot_frontier, plot_history, plot_winrates, write_figure
    from advisor.ratings import BattleCounts, Ratings, fit_ratings, tie_aware_ranks, win_probability
    from advisor.reload import ReloadStatus, RouterSource
    from advisor.replay_plot import plot_replay
    from advisor.replay_report import ReplayReport
    from advisor.router import Fallbacks, Route, Router
    from advisor.select import Frontier, Recommendation, frontier, recommend
    from advisor.traffic import replay
    from advisor.update import CatalogStatus, UpdateError, UpdateReport, catalog_status, update_catalog
    from advisor.usage import Usage
    from advisor.workload import CostReport, ModelCost, Workload, cost
