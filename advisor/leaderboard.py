"""Rank and compare: the leaderboard of a view and two models side by side.

Statistical rule (the Arena's, as in :mod:`advisor.select`): A is better than B only when A's lower
95% bound is above B's upper bound, so ranks are tie-aware (rank = 1 + models statistically better).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from advisor.catalog import DEFAULT_METRIC, Catalog, score_of
from advisor.errors import AdvisorError
from advisor.ratings import tie_aware_ranks, win_probability
from advisor.select import LeftOut, _gate, _ordered
from advisor.workload import ModelCost, Workload, model_costs

if TYPE_CHECKING:
    from advisor.freshness import Freshness


@dataclasses.dataclass(frozen=True)
class RankRow:
    """A model's place on the leaderboard: rank = 1 + models statistically better."""

    rank: int
    id: str
    name: str
    provider: str | None
    score: float
    ci_lower: float
    ci_upper: float
    votes: int | None
    blended_usd_per_mtok: float | None


@dataclasses.dataclass(frozen=True)
class Leaderboard:
    """What :func:`rank` returns. Ranks are computed among the models of the view; ``scope`` names
    the filters that made it (``provider OpenAI``), since a filter changes ranks."""

    metric: str
    as_of: dt.date
    rows: tuple[RankRow, ...]
    unscored: tuple[str, ...]
    left_out: tuple[LeftOut, ...]
    freshness: Freshness
    scope: tuple[str, ...] = ()


def rank(catalog: Catalog, *, metric: str = DEFAULT_METRIC, workload: Workload | None = None) -> Leaderboard:
    """The leaderboard of a view with tie-aware ranks (rank = 1 + number statistically better).

    Models pass the decisions' funnel (retired ones and those too small for the workload are left
    out, with reasons, in ``left_out``); unpriced models are ranked too (their cost is None);
    models without a score are listed in ``unscored``.

    >>> from advisor import load_catalog
    >>> import datetime as dt
    >>> top = rank(load_catalog().as_of(dt.date(2024, 7, 24))).rows[:2]
    >>> [(r.rank, r.id) for r in top]
    [(1, 'gpt-4o-2024-05-13'), (1, 'gpt-4o-mini-2024-07-18')]
    """
    from advisor.freshness import freshness

    view = catalog.view()
    benchmark, _ = view.check_metric(metric)
    higher = view.benchmarks[benchmark].higher_is_better
    w = workload or Workload()
    kept, left = _gate(view, None, w, metric, checked=True)
    scored = [(m, s) for m, s in kept if s is not None]
    costs, _ = model_costs([m for m, _ in scored], w)
    by_id = {c.id: c.blended_usd_per_mtok for c in costs}
    lo = np.array([s.ci_lower if s.ci_lower is not None else s.value for _, s in scored], dtype=float)
    hi = np.array([s.ci_upper if s.ci_upper is not None else s.value for _, s in scored], dtype=float)
    ranks = tie_aware_ranks(lo, hi) if higher else tie_aware_ranks(-hi, -lo)
    rows = [
        RankRow(int(r), m.id, m.name or m.id, m.provider, s.value, float(a), float(b), s.votes, by_id.get(m.id))
        for (m, s), r, a, b in zip(scored, ranks, lo, hi, strict=False)
    ]
    rows.sort(key=lambda r: (r.rank, -r.score if higher else r.score, r.id))
    ordered = _ordered(left)
    return Leaderboard(
        metric,
        view.date or dt.date.today(),
        tuple(rows),
        tuple(sorted(x.id for x in ordered if x.kind in ("unscored", "unpriced"))),
        ordered,
        freshness(view, [m for m, _ in scored if m.id in by_id], metric),
        view.scope,
    )


@dataclasses.dataclass(frozen=True)
class Comparison:
    """Two models side by side at one workload.

    ``price_ratio`` = cost of ``a`` / cost of ``b``; ``score_gap`` = a - b; ``significant`` when
    their 95% intervals separate; ``p_a_beats_b`` under Bradley-Terry (None for other metrics).
    """

    a: str
    b: str
    metric: str
    as_of: dt.date
    blend: str
    cost_a: ModelCost | None
    cost_b: ModelCost | None
    price_ratio: float | None
    score_a: float | None
    score_b: float | None
    ci_a: tuple[float, float] | None
    ci_b: tuple[float, float] | None
    score_gap: float | None
    significant: bool | None
    p_a_beats_b: float | None
    rank_a: int | None
    rank_b: int | None
    notes: tuple[str, ...]
    """Why a model would be left out of a decision (retired, too small for the request), per model."""
    freshness: Freshness
    scope: tuple[str, ...] = ()


def compare(
    catalog: Catalog, a: str, b: str, *, metric: str = DEFAULT_METRIC, workload: Workload | None = None
) -> Comparison:
    """Compare two models: price ratio at the workload, score gap and its significance, P(a beats b).

    A model without a price or a score gets None in those fields rather than a made-up value.

    >>> from advisor import load_catalog
    >>> import datetime as dt
    >>> c = compare(load_catalog().as_of(dt.date(2024, 7, 24)), "gpt-4o-mini", "gpt-4o")
    >>> round(c.price_ratio, 3), c.score_gap, c.significant
    (0.035, -7.0, False)
    """
    from advisor.freshness import freshness

    view = catalog.view()
    benchmark, category = view.check_metric(metric)
    w = workload or Workload()
    ma, mb = view.get(a), view.get(b)
    if ma.id == mb.id:
        raise AdvisorError(f"{a!r} and {b!r} are the same model ({ma.id})")
    costs, _ = model_costs([ma, mb], w)
    _, gated = _gate(view, [ma, mb], w, None)
    notes = tuple(f"{x.id}: {x.reason}" for x, _ in gated)
    by_id = {c.id: c for c in costs}
    ca, cb = by_id.get(ma.id), by_id.get(mb.id)
    ratio = ca.usd_per_request / cb.usd_per_request if ca and cb and cb.usd_per_request > 0 else None
    sa, sb = score_of(ma, benchmark, category), score_of(mb, benchmark, category)
    board = {r.id: r.rank for r in rank(view, metric=metric, workload=w).rows}
    bench = view.benchmarks[benchmark]
    gap = sig = prob = None
    ci_a = ci_b = None
    if sa is not None and sb is not None:
        ci_a = (
            sa.ci_lower if sa.ci_lower is not None else sa.value,
            sa.ci_upper if sa.ci_upper is not None else sa.value,
        )
        ci_b = (
            sb.ci_lower if sb.ci_lower is not None else sb.value,
            sb.ci_upper if sb.ci_upper is not None else sb.value,
        )
        gap = sa.value - sb.value
        sig = ci_a[0] > ci_b[1] or ci_b[0] > ci_a[1]
        if bench.elo_scale:
            sign = 1.0 if bench.higher_is_better else -1.0
            prob = float(win_probability(sign * sa.value, sign * sb.value, scale=bench.elo_scale, base=bench.elo_base))
    return Comparison(
        a=ma.id,
        b=mb.id,
        metric=metric,
        as_of=view.date or dt.date.today(),
        blend=w.blend,
        cost_a=ca,
        cost_b=cb,
        price_ratio=ratio,
        score_a=sa.value if sa else None,
        score_b=sb.value if sb else None,
        ci_a=ci_a,
        ci_b=ci_b,
        score_gap=gap,
        significant=sig,
        p_a_beats_b=prob,
        rank_a=board.get(ma.id),
        rank_b=board.get(mb.id),
        notes=notes,
        freshness=freshness(view, [ma, mb], metric),
        scope=view.scope,
    )
