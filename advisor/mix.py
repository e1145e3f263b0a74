"""Mixes of two models: the cheapest way to reach an expected win rate against a reference.

Assumption (stated wherever mixes are shown): quality is the expected Bradley-Terry probability of
beating one reference model R. Sending a share p of requests to A and the rest to B costs
``p·c_A + (1-p)·c_B`` and wins against R with probability ``p·P(A beats R) + (1-p)·P(B beats R)``;
both are linear in p, so the mixes reachable from a set of models fill their convex hull in
(cost, win rate) space and the cheapest way to reach a win rate lies on the hull's upper edge,
between two adjacent vertices. It can be much cheaper than the cheapest single model at the bar.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence

import numpy as np

from advisor.catalog import DEFAULT_METRIC, Catalog
from advisor.errors import AdvisorError, NoCandidateError
from advisor.workload import PER_UNITS, Per, Workload


def upper_hull(cost: np.ndarray, win: np.ndarray) -> np.ndarray:
    """Indices of the upper-left hull from the cheapest point to the best one, cheapest first.

    These are the vertices of "the highest expected win rate any mix reaches for a given cost".
    Among equal costs the higher win rate counts, among equal win rates the lower cost; exact
    duplicates keep the lowest index. NaN must not occur.

    >>> upper_hull(np.array([1.0, 2.0, 3.0, 10.0]), np.array([0.2, 0.3, 0.6, 0.7])).tolist()
    [0, 2, 3]
    """
    n = len(cost)
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    order = np.lexsort((np.arange(n), -win, cost))
    hull: list[int] = []
    best = -math.inf
    for i in order.tolist():
        if win[i] <= best:  # a dearer (or equal-cost later) point that wins no more is never used
            continue
        best = float(win[i])
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            # b on or under the chord from a to i is never the cheapest way to its win rate.
            cross = (cost[b] - cost[a]) * (win[i] - win[a]) - (win[b] - win[a]) * (cost[i] - cost[a])
            if cross >= 0:
                hull.pop()
            else:
                break
        hull.append(i)
    return np.array(hull, dtype=np.intp)


def cheapest_mix(cost: np.ndarray, win: np.ndarray, target: float) -> tuple[int, int, float] | None:
    """The cheapest mix reaching expected win rate ``target``: ``(i, j, share of i)``, or None.

    ``i == j`` (share 1) when one model is the cheapest way. Otherwise ``cost[i] < cost[j]`` and
    ``win[i] < target < win[j]``. O(n log n); see :func:`upper_hull`.

    >>> i, j, share = cheapest_mix(np.array([1.0, 2.0, 3.0, 10.0]), np.array([0.2, 0.3, 0.6, 0.7]), 0.4)
    >>> i, j, round(share, 9)
    (0, 2, 0.5)
    """
    return mix_on_hull(cost, win, upper_hull(cost, win), target)


def mix_on_hull(cost: np.ndarray, win: np.ndarray, hull: np.ndarray, target: float) -> tuple[int, int, float] | None:
    """:func:`cheapest_mix` on a hull computed before (a router keeps it per reference)."""
    if len(hull) == 0 or win[hull[-1]] < target:
        return None
    wins = win[hull]
    k = int(np.searchsorted(wins, target, side="left"))
    j = int(hull[k])
    if k == 0 or wins[k] == target:
        return j, j, 1.0
    i = int(hull[k - 1])
    share = float((win[j] - target) / (win[j] - win[i]))
    return i, j, share


def cheapest_mix_naive(cost: Sequence[float], win: Sequence[float], target: float) -> tuple[float, float] | None:
    """Reference for tests: ``(expected cost, expected win rate)`` of the cheapest mix, by trying every pair."""
    best: tuple[float, float] | None = None
    n = len(cost)
    for i in range(n):
        if win[i] >= target and (best is None or cost[i] < best[0]):
            best = (cost[i], win[i])
        for j in range(n):
            if win[i] < target < win[j]:
                share = (win[j] - target) / (win[j] - win[i])
                c = share * cost[i] + (1 - share) * cost[j]
                if best is None or c < best[0] - 1e-12:
                    best = (c, target)
    return best


@dataclasses.dataclass(frozen=True)
class MixPart:
    """One model of a mix: the share of requests it gets, its cost and its P(beats the reference)."""

    id: str
    provider: str | None
    host: str | None
    litellm_model: str | None
    share: float
    cost: float
    score: float
    win_rate: float


@dataclasses.dataclass(frozen=True)
class Mix:
    """The cheapest mix of at most two models whose expected win rate against ``vs`` reaches the bar.

    ``cost`` and ``win_rate`` are the expected values per request (cost in the unit ``per``
    names); ``single`` is the cheapest single model reaching the bar, and ``savings_pct`` how much
    cheaper the mix is than it. The assumption: quality as the expected Bradley-Terry win rate
    against one reference model.
    """

    parts: tuple[MixPart, ...]
    cost: float
    win_rate: float
    min_win_rate: float
    vs: str
    metric: str
    per: str
    as_of: dt.date
    single: MixPart | None
    savings_pct: float | None
    assumption: str = (
        "quality is the expected Bradley-Terry probability of beating the reference model; a mix sends "
        "each request to one model at random in the shares given"
    )


def check_win_rate(p: object, name: str = "min_win_rate") -> float:
    """``p`` as a float strictly between 0 and 1, or an AdvisorError naming ``name``."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 < float(p) < 1.0:
        raise AdvisorError(f"{name} must be a number between 0 and 1 (exclusive), got {p!r}")
    return float(p)


def assemble(
    parts: Sequence[tuple[MixPart, float]],
    single: MixPart | None,
    *,
    min_win_rate: float,
    vs: str,
    metric: str,
    per: str,
    as_of: dt.date,
) -> Mix:
    """A :class:`Mix` from its parts (each with its share) and the cheapest single model at the bar."""
    shaped = tuple(dataclasses.replace(p, share=share) for p, share in parts)
    cost = sum(p.share * p.cost for p in shaped)
    win = sum(p.share * p.win_rate for p in shaped)
    savings = None
    if single is not None and single.cost > 0:
        savings = (1.0 - cost / single.cost) * 100.0
    return Mix(shaped, cost, win, min_win_rate, vs, metric, per, as_of, single, savings)


def recommend_mix(
    catalog: Catalog,
    *,
    min_win_rate: float,
    vs: str,
    metric: str = DEFAULT_METRIC,
    workload: Workload | None = None,
    per: Per = "mtok",
) -> Mix:
    """The cheapest mix of at most two models whose expected P(beats ``vs``) reaches ``min_win_rate``.

    Reads the same options as :func:`advisor.recommend` (each model at its cheapest host). Raises
    :class:`~advisor.errors.NoCandidateError` when no model, and so no mix, reaches the bar.

    >>> import datetime as dt
    >>> from advisor import load_catalog
    >>> m = recommend_mix(load_catalog().as_of(dt.date(2024, 7, 24)), min_win_rate=0.45, vs="gpt-4o")
    >>> [(p.id, round(p.share, 2)) for p in m.parts]
    [('meta-llama-3-8b-instruct', 0.23), ('gpt-4o-mini-2024-07-18', 0.77)]
    >>> m.single.id, round(m.savings_pct, 1)
    ('gpt-4o-mini-2024-07-18', 17.8)
    """
    from advisor.endpoints import api_names
    from advisor.ratings import win_probability
    from advisor.select import _index_in, pool

    p_bar = check_win_rate(min_win_rate)
    view = catalog.view()
    p = pool(view, metric=metric, workload=workload, per=per)
    if p.elo is None:
        raise AdvisorError(f"metric {metric!r} is not a Bradley-Terry rating; a mix needs one")
    if not p.options:
        raise NoCandidateError(f"no model has both a price and a {metric} score as of {p.as_of}")
    ref = _index_in(p, view, vs)
    scale, base = p.elo
    win = np.asarray(win_probability(p.score, p.score[ref], scale=scale, base=base))
    found = cheapest_mix(p.cost, win, p_bar)
    ref_id = p.options[ref].id
    if found is None:
        top = int(np.argmax(win))
        raise NoCandidateError(
            f"no model, and so no mix, reaches P(beats {ref_id}) >= {p_bar:g} on {metric} as of {p.as_of}; "
            f"the best is {p.options[top].id} at {float(win[top]):.3f}"
        )

    def part(k: int) -> MixPart:
        o = p.options[k]
        _, lite = api_names(view.get(o.id), o.host)
        return MixPart(o.id, o.provider, o.host, lite, 1.0, float(p.cost[k]), o.score, float(win[k]))

    i, j, share = found
    parts = [(part(i), 1.0)] if i == j else [(part(i), share), (part(j), 1.0 - share)]
    meets = np.flatnonzero(win >= p_bar)
    single_k = int(meets[np.lexsort((-p.score[meets], p.cost[meets]))[0]])
    return assemble(
        parts,
        part(single_k),
        min_win_rate=p_bar,
        vs=ref_id,
        metric=metric,
        per=PER_UNITS[per],
        as_of=p.as_of,
    )
