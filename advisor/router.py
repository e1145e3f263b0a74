"""A precomputed frontier for routing code that asks on every request."""

from __future__ import annotations

import bisect
import dataclasses

import numpy as np

from advisor.catalog import DEFAULT_METRIC, Catalog
from advisor.money import usd
from advisor.pareto import pareto_front
from advisor.select import pool
from advisor.workload import Per, Workload


@dataclasses.dataclass(frozen=True)
class Route:
    """A model a router picks: its id, cost (in the router's unit) and score."""

    id: str
    cost: float
    score: float

    def __repr__(self) -> str:
        # The cost for a person (``$0.036``, not ``0.036000000000000004``); the exact float is ``.cost``.
        return f"Route(id={self.id!r}, cost={usd(self.cost)}, score={self.score:g})"


class Router:
    """Answers "cheapest model with score >= x" and "best model costing <= y" in O(log n).

    Built once from a catalog view, a metric and a workload: the Pareto frontier is computed up
    front and kept as two sorted lists, so a query is one ``bisect`` and an index. Instances are
    immutable and safe to share across threads. Queries return a precomputed :class:`Route` (no
    allocation) or None when nothing qualifies. Scores are point scores in the metric's own
    direction (for a lower-is-better metric, ``cheapest(x)`` means score <= x).

    >>> import datetime as dt
    >>> from advisor import load_catalog
    >>> router = Router(load_catalog().as_of(dt.date(2024, 7, 24)))
    >>> router.cheapest(1250).id
    'gpt-4o-mini-2024-07-18'
    """

    __slots__ = ("_costs", "_routes", "_scores", "_sign", "metric", "per", "workload")
    _routes: tuple[Route, ...]
    _costs: list[float]
    _scores: list[float]
    _sign: float
    metric: str
    per: Per
    workload: Workload

    def __init__(
        self,
        catalog: Catalog,
        *,
        metric: str = DEFAULT_METRIC,
        workload: Workload | None = None,
        per: Per = "mtok",
    ) -> None:
        p = pool(catalog, metric=metric, workload=workload, per=per)
        sign = 1.0 if p.higher_is_better else -1.0
        routes: list[Route] = []
        if p.options:
            mask = pareto_front(p.cost, p.score)
            idx = np.flatnonzero(mask)
            idx = idx[np.argsort(p.cost[idx], kind="stable")]
            routes = [Route(p.options[i].id, float(p.cost[i]), p.options[i].score) for i in idx]
        object.__setattr__(self, "_routes", tuple(routes))
        # Along the frontier cost and (oriented) score both increase strictly.
        object.__setattr__(self, "_costs", [r.cost for r in routes])
        object.__setattr__(self, "_scores", [sign * r.score for r in routes])
        object.__setattr__(self, "_sign", sign)
        object.__setattr__(self, "metric", metric)
        object.__setattr__(self, "per", per)
        object.__setattr__(self, "workload", workload or Workload())

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Router is immutable")

    @property
    def frontier(self) -> tuple[Route, ...]:
        """The frontier the router chooses from, cheapest first."""
        return self._routes

    def cheapest(self, min_score: float) -> Route | None:
        """The cheapest model whose score reaches ``min_score``, or None."""
        i = bisect.bisect_left(self._scores, self._sign * min_score)
        return self._routes[i] if i < len(self._routes) else None

    def best_within(self, max_cost: float) -> Route | None:
        """The best-scoring model costing at most ``max_cost`` (in the router's unit), or None."""
        i = bisect.bisect_right(self._costs, max_cost)
        return self._routes[i - 1] if i else None
