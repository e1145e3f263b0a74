"""The decisions: frontier, cheapest model meeting a target, best within a budget (rank and compare:
:mod:`advisor.leaderboard`).

Statistical rule throughout (the Arena's): A is better than B only when A's lower 95% bound is
above B's upper bound. A score without a confidence interval counts as exact.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from advisor.catalog import DEFAULT_METRIC, Catalog, parse_metric, score_of
from advisor.errors import AdvisorError, ArgumentError, NoCandidateError
from advisor.money import usd
from advisor.pareto import pareto_front, uncertain_pareto_front
from advisor.schema import Model, Score
from advisor.workload import PER_UNITS, ModelCost, Per, Workload, model_costs

if TYPE_CHECKING:
    from advisor.freshness import Freshness
    from advisor.router import Route


LEFT_OUT_KINDS: tuple[str, ...] = ("unscored", "retired", "too-large", "unpriced")
"""Why models are left out, in the order people should read them: priced current models without a
score (the ones a user would miss), then retired ones, then those too small for the request, then
those without a price."""


@dataclasses.dataclass(frozen=True)
class LeftOut:
    """A model a decision could not consider, why (``reason``, for people) and ``kind``, one of
    :data:`LEFT_OUT_KINDS`."""

    id: str
    reason: str
    kind: str = "unpriced"


@dataclasses.dataclass(frozen=True)
class Option:
    """A model as a decision sees it: its cost at the workload and its score with 95% CI.

    Without a metric (a cost table) the score fields are NaN and ``score_as_of`` is None.
    """

    id: str
    name: str
    provider: str | None
    host: str | None
    cost: ModelCost
    score: float
    ci_lower: float
    ci_upper: float
    votes: int | None
    score_as_of: dt.date | None


@dataclasses.dataclass(frozen=True)
class Pool:
    """The options a decision chooses from, as parallel numpy arrays (score oriented higher=better)."""

    options: tuple[Option, ...]
    cost: np.ndarray
    score: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    left_out: tuple[LeftOut, ...]
    metric: str | None
    higher_is_better: bool
    elo: tuple[float, float] | None
    as_of: dt.date
    freshness: Freshness
    scope: tuple[str, ...] = ()


def pool(
    catalog: Catalog,
    *,
    metric: str | None = DEFAULT_METRIC,
    workload: Workload | None = None,
    per: Per = "mtok",
    models: Sequence[Model] | None = None,
) -> Pool:
    """The one funnel from a catalog view to arrays: every model with a price and a score, the rest
    in ``left_out`` with the reason, and the dates of the data used.

    The same rules for every decision and for cost tables (``metric=None``: no score needed):
    a model retired on or before the view's date is left out ("retired on DATE (successor: X)");
    a request larger than its context window or output limit leaves it out; then models without
    a price or without a score. ``left_out`` is ordered by :data:`LEFT_OUT_KINDS` (priced but
    unscored models newest first, retired ones most recent first, then by id). Scores of
    lower-is-better metrics are negated in the arrays so that higher is always better; ``Option``
    keeps the catalog's own values. Reasoning modes are priced as the view gives them (their base
    model's prices; see :func:`~advisor.workload.model_costs`).
    """
    w = workload or Workload()
    return _pool(catalog.view(), metric, w, per, models, lambda ms: model_costs(ms, w))


CostsOf = Callable[[list[Model]], tuple[Sequence[ModelCost], Sequence[str]]]
"""Costs of the workload for some models, and the ids of the unpriced ones (:func:`model_costs`)."""


def _pool(
    view: Catalog, metric: str | None, w: Workload, per: Per, models: Sequence[Model] | None, costs_of: CostsOf
) -> Pool:
    """:func:`pool` with the costs from ``costs_of`` (the explorer prices every model once per
    blend and shares that across metrics)."""
    from advisor.freshness import freshness

    benchmark = view.check_metric(metric)[0] if metric is not None else ""
    if per not in PER_UNITS:
        raise AdvisorError(f"per must be one of {', '.join(PER_UNITS)}, got {per!r}")
    if per == "month" and w.requests_per_month is None:
        raise AdvisorError("costs per month need the number of requests per month (--requests)")
    day = view.date or dt.date.today()
    kept, left = _gate(view, models, w, metric, checked=True)
    costs, unpriced = costs_of([m for m, _ in kept])
    left.extend((LeftOut(mid, "no price", "unpriced"), (0, mid)) for mid in unpriced)
    by_id = {c.id: c for c in costs}
    options = []
    nan = math.nan
    for m, s in kept:
        c = by_id.get(m.id)
        if c is None:
            continue
        options.append(
            Option(
                id=m.id,
                name=m.name or m.id,
                provider=m.provider,
                host=c.host,
                cost=c,
                score=s.value if s else nan,
                ci_lower=(s.ci_lower if s.ci_lower is not None else s.value) if s else nan,
                ci_upper=(s.ci_upper if s.ci_upper is not None else s.value) if s else nan,
                votes=s.votes if s else None,
                score_as_of=s.as_of if s else None,
            )
        )
    bench = view.benchmarks[benchmark] if metric is not None else None
    higher = bench.higher_is_better if bench is not None else True
    sign = 1.0 if higher else -1.0
    amounts = [o.cost.amount(per) for o in options]
    lower = np.array([o.ci_lower for o in options], dtype=float)
    upper = np.array([o.ci_upper for o in options], dtype=float)
    priced = [m for m, _ in kept if m.id in by_id]
    return Pool(
        options=tuple(options),
        cost=np.array(amounts, dtype=float),
        score=sign * np.array([o.score for o in options], dtype=float),
        lower=lower if sign > 0 else -upper,
        upper=upper if sign > 0 else -lower,
        left_out=_ordered(left),
        metric=metric,
        higher_is_better=higher,
        elo=(bench.elo_scale, bench.elo_base) if bench is not None and bench.elo_scale else None,
        as_of=day,
        freshness=freshness(view, priced, metric),
        scope=view.scope,
    )


_SortKey = tuple[int, str]


def _gate(
    view: Catalog, models: Sequence[Model] | None, w: Workload, metric: str | None, *, checked: bool = False
) -> tuple[list[tuple[Model, Score | None]], list[tuple[LeftOut, _SortKey]]]:
    """The funnel's rules before prices: retirement, request size, score (when ``metric``;
    ``checked`` when the caller has already checked that the view knows it)."""
    if metric is None:
        benchmark, category = "", ""
    else:
        benchmark, category = parse_metric(metric) if checked else view.check_metric(metric)
    day = view.date or dt.date.today()
    left: list[tuple[LeftOut, _SortKey]] = []
    kept: list[tuple[Model, Score | None]] = []
    scored = view.scores_for(benchmark, category) if metric is not None else {}
    own = view._by_id
    for m in models if models is not None else view.models:
        if m.retired is not None and m.retired <= day:
            succ = f" (successor: {m.successor})" if m.successor else ""
            left.append((LeftOut(m.id, f"retired on {m.retired}{succ}", "retired"), (-m.retired.toordinal(), m.id)))
            continue
        too_large = w.too_large_for(m)
        if too_large is not None:
            left.append((LeftOut(m.id, too_large, "too-large"), (0, m.id)))
            continue
        if metric is None:
            s = None
        elif own.get(m.id) is m:  # the view's own model: its score is indexed
            s = scored.get(m.id)
        else:
            s = score_of(m, benchmark, category)
        if metric is not None and s is None:
            if m.prices:
                newest = -(m.released or dt.date.min).toordinal()
                left.append((LeftOut(m.id, f"no {metric} score", "unscored"), (newest, m.id)))
            else:
                left.append((LeftOut(m.id, f"no price and no {metric} score", "unpriced"), (0, m.id)))
            continue
        kept.append((m, s))
    return kept, left


def _ordered(left: list[tuple[LeftOut, _SortKey]]) -> tuple[LeftOut, ...]:
    order = {kind: i for i, kind in enumerate(LEFT_OUT_KINDS)}
    return tuple(x for x, _ in sorted(left, key=lambda x: (order[x[0].kind], x[1])))


# --- frontier -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FrontierPoint:
    """A model on a frontier: ``pareto`` = on the point frontier, ``statistical`` = not beaten
    statistically by any cheaper-or-equal model."""

    option: Option
    pareto: bool
    statistical: bool


@dataclasses.dataclass(frozen=True)
class Frontier:
    """Models on either frontier, cheapest first, and what was left out."""

    metric: str
    per: str
    as_of: dt.date
    workload: Workload
    points: tuple[FrontierPoint, ...]
    left_out: tuple[LeftOut, ...]
    freshness: Freshness
    scope: tuple[str, ...] = ()

    @property
    def pareto(self) -> tuple[Option, ...]:
        """The point Pareto frontier (cost vs score), cheapest first."""
        return tuple(p.option for p in self.points if p.pareto)

    @property
    def statistical(self) -> tuple[Option, ...]:
        """The uncertainty-aware frontier, cheapest first."""
        return tuple(p.option for p in self.points if p.statistical)


def frontier(
    catalog: Catalog,
    *,
    metric: str = DEFAULT_METRIC,
    workload: Workload | None = None,
    per: Per = "mtok",
) -> Frontier:
    """The cost-quality frontiers of a catalog view for a metric and workload.

    The point frontier holds models no other model beats on both cost and score; the
    uncertainty-aware one holds models that no cheaper-or-equal model beats *statistically*
    (lower bound above their upper bound): a superset, showing which cheap models are as good as
    the leaders within the data's precision.

    >>> from advisor import load_catalog
    >>> import datetime as dt
    >>> f = frontier(load_catalog().as_of(dt.date(2024, 7, 24)))
    >>> [o.id for o in f.pareto][-2:]
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-2024-05-13']
    >>> "claude-3-5-sonnet-20240620" in [o.id for o in f.statistical]
    True
    """
    w = workload or Workload()
    p = pool(catalog, metric=metric, workload=w, per=per)
    points: list[FrontierPoint] = []
    if p.options:
        front = pareto_front(p.cost, p.score)
        stat = uncertain_pareto_front(p.cost, p.lower, p.upper)
        order = np.lexsort((-p.score, p.cost))
        points = [FrontierPoint(p.options[i], bool(front[i]), bool(stat[i])) for i in order if front[i] or stat[i]]
    return Frontier(metric, PER_UNITS[per], p.as_of, w, tuple(points), p.left_out, p.freshness, p.scope)


# --- recommend ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Recommendation:
    """The chosen model, why, and how it compares with the reference (the target or ``vs``).

    ``price_ratio`` is reference cost / chosen cost (28.6 = "1/28.6 of the price") and
    ``savings_pct`` is how much cheaper the choice is, in percent; both at ``workload.blend``.
    ``tied`` lists other qualifying models statistically tied with the best score (budget mode).
    ``fallbacks`` are routes to retry when the choice's provider fails: other ways to call a model
    that also meets the bar (and budget), other providers and hosts first (see :class:`advisor.Router`).
    """

    choice: Option
    criteria: str
    metric: str
    per: str
    as_of: dt.date
    workload: Workload
    blend: str
    reference: Option | None
    price_ratio: float | None
    savings_pct: float | None
    tied: tuple[Option, ...]
    qualifying: int
    considered: int
    left_out: tuple[LeftOut, ...]
    freshness: Freshness
    scope: tuple[str, ...] = ()
    fallbacks: tuple[Route, ...] = ()


@dataclasses.dataclass(frozen=True)
class Nearest:
    """When nothing qualifies: the nearest option on each side."""

    meets_target_over_budget: Option | None
    best_within_budget: Option | None
    left_out: tuple[LeftOut, ...]
    freshness: Freshness | None = None


def recommend(
    catalog: Catalog,
    *,
    metric: str = DEFAULT_METRIC,
    workload: Workload | None = None,
    per: Per = "mtok",
    target: str | None = None,
    min_score: float | None = None,
    min_win_rate: float | None = None,
    vs: str | None = None,
    budget: float | None = None,
    fallbacks: int = 0,
) -> Recommendation:
    """The cheapest model meeting a quality bar, or the best model within a budget, or both.

    Quality bars (at most one): ``target`` = not statistically worse than that model (its upper
    bound reaches the target's lower bound); ``min_score`` = score at least this; ``min_win_rate``
    with ``vs`` = Bradley-Terry probability of beating ``vs`` at least this. With a bar, the
    cheapest qualifying model wins (ties in cost: the higher score). With only ``budget`` (in the
    unit ``per`` names), the best score within budget wins, and statistical ties with it go to the
    cheapest. Raises :class:`~advisor.errors.NoCandidateError` (carrying :class:`Nearest`) when
    nothing qualifies. ``fallbacks`` asks for up to that many alternative routes.

    >>> from advisor import load_catalog
    >>> import datetime as dt
    >>> july = load_catalog().as_of(dt.date(2024, 7, 24))
    >>> recommend(july, target="gpt-4o").choice.id
    'gpt-4o-mini-2024-07-18'
    """
    bars = [x is not None for x in (target, min_score, min_win_rate)]
    if sum(bars) > 1:
        raise AdvisorError("give one quality bar: target, min_score or min_win_rate")
    if min_win_rate is not None and vs is None:
        raise AdvisorError("min_win_rate needs vs (the model to beat)")
    if vs is not None and min_win_rate is None:
        raise AdvisorError("vs goes with min_win_rate")
    for argument, value in (("min_score", min_score), ("min_win_rate", min_win_rate), ("budget", budget)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value != value):
            raise ArgumentError(argument, f"must be a number, got {value!r}")  # NaN: never "nothing qualifies"
    if min_score is not None and not math.isfinite(min_score):
        raise ArgumentError("min_score", f"must be a finite number, got {min_score!r}")
    if min_win_rate is not None and not 0.0 < min_win_rate < 1.0:
        raise ArgumentError("min_win_rate", f"must be between 0 and 1, got {min_win_rate}")
    if budget is not None and not budget >= 0:
        raise ArgumentError("budget", f"must be >= 0, got {budget}")
    if not any(bars) and budget is None:
        raise AdvisorError("say what you need: a quality bar (target, min_score, min_win_rate) and/or a budget")

    view = catalog.view()
    w = workload or Workload()
    p = pool(view, metric=metric, workload=w, per=per)
    if not p.options:
        raise NoCandidateError(
            f"no model has both a price and a {metric} score as of {p.as_of}",
            Nearest(None, None, p.left_out, p.freshness),
        )
    sign = 1.0 if p.higher_is_better else -1.0
    reference: Option | None = None
    meets = np.ones(len(p.options), dtype=bool)
    criteria = []
    if target is not None:
        ref_i = _index_in(p, view, target)
        reference = p.options[ref_i]
        meets = p.upper >= p.lower[ref_i]
        criteria.append(f"not statistically worse than {reference.id} on {metric}")
    elif min_score is not None:
        meets = p.score >= sign * min_score
        criteria.append(f"{metric} score >= {min_score:g}")
    elif min_win_rate is not None:
        if p.elo is None:
            raise AdvisorError(f"metric {metric!r} is not a Bradley-Terry rating; min_win_rate needs one")
        ref_i = _index_in(p, view, str(vs))
        reference = p.options[ref_i]
        scale, base = p.elo
        from advisor.ratings import win_probability  # only this bar needs the ratings module

        prob = win_probability(p.score, p.score[ref_i], scale=scale, base=base)
        meets = prob >= min_win_rate
        criteria.append(f"P(beats {reference.id}) >= {min_win_rate:g}")
    within = np.ones(len(p.options), dtype=bool) if budget is None else p.cost <= budget
    if budget is not None:
        criteria.append(f"cost <= {usd(budget, per)}")
    ok = meets & within
    has_bar = any(bars)
    if not ok.any():
        raise _nothing(p, meets, within, has_bar, budget is not None, criteria, per)

    idx = np.flatnonzero(ok)
    tied: tuple[Option, ...] = ()
    if has_bar:
        best = idx[np.lexsort((-p.score[idx], p.cost[idx]))[0]]
    else:
        top = idx[np.argmax(p.score[idx])]
        tie = idx[p.upper[idx] >= p.lower[top]]
        order = tie[np.lexsort((-p.score[tie], p.cost[tie]))]
        best = order[0]
        tied = tuple(p.options[i] for i in order[1:])
        if reference is None:
            reference = p.options[top] if top != best else None
    choice = p.options[best]
    ratio = savings = None
    if reference is not None and reference.id != choice.id:
        ref_cost = reference.cost.amount(per)
        my_cost = choice.cost.amount(per)
        if ref_cost is not None and my_cost is not None and my_cost > 0:
            ratio = ref_cost / my_cost
            savings = (1.0 - my_cost / ref_cost) * 100.0 if ref_cost > 0 else None
    return Recommendation(
        choice=choice,
        criteria="; ".join(criteria),
        metric=metric,
        per=PER_UNITS[per],
        as_of=p.as_of,
        workload=w,
        blend=w.blend,
        reference=reference,
        price_ratio=ratio,
        savings_pct=savings,
        tied=tied,
        qualifying=int(ok.sum()),
        considered=len(p.options),
        left_out=p.left_out,
        freshness=p.freshness,
        scope=p.scope,
        fallbacks=_fallbacks(view, choice, metric, w, per, target, min_score, min_win_rate, vs, budget, fallbacks),
    )


def _fallbacks(
    view: Catalog,
    choice: Option,
    metric: str,
    w: Workload,
    per: Per,
    target: str | None,
    min_score: float | None,
    min_win_rate: float | None,
    vs: str | None,
    budget: float | None,
    n: int,
) -> tuple[Route, ...]:
    """Up to ``n`` routes other than the choice that meet the same bar and budget (the router's order)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise AdvisorError(f"fallbacks must be a whole number >= 0, got {n!r}")
    if not n:
        return ()
    from advisor.router import Router

    many = Router(view, metric=metric, metrics=[metric], workload=w, per=per).fallbacks(n + 1)
    if target is not None:
        routes = many.not_worse_than(target)
    elif min_score is not None:
        routes = many.cheapest(min_score)
    elif min_win_rate is not None and vs is not None:
        routes = many.min_win_rate(min_win_rate, vs=vs)
    else:
        assert budget is not None
        routes = many.best_within(budget)
    keep = [r for r in routes if (r.id, r.host) != (choice.id, choice.host)]
    if budget is not None:
        keep = [r for r in keep if r.cost <= budget]
    return tuple(keep[:n])


def _index_in(p: Pool, view: Catalog, name: str) -> int:
    model = view.get(name)
    for i, o in enumerate(p.options):
        if o.id == model.id:
            return i
    reason = next((x.reason for x in p.left_out if x.id == model.id), "not in the filtered set")
    raise AdvisorError(f"reference model {model.id!r} cannot be used as of {p.as_of}: {reason}")


def _nothing(
    p: Pool, meets: np.ndarray, within: np.ndarray, has_bar: bool, has_budget: bool, criteria: list[str], per: Per
) -> NoCandidateError:
    over = None
    if has_bar and meets.any():
        i = np.flatnonzero(meets)
        over = p.options[i[np.argmin(p.cost[i])]]
    best_in = None
    if within.any():
        i = np.flatnonzero(within)
        best_in = p.options[i[np.argmax(p.score[i])]]
    parts = [f"no model meets {' and '.join(criteria)} as of {p.as_of}"]
    if over is not None:
        parts.append(f"cheapest meeting the bar: {over.id} at {usd(over.cost.amount(per), per)}")
    if best_in is not None and has_bar:
        best = "best within budget" if has_budget else "best scoring"  # never a budget nobody gave
        parts.append(f"{best}: {best_in.id} ({best_in.score:g})")
    if best_in is None and over is None and not has_bar:
        cheapest = p.options[int(np.argmin(p.cost))]
        parts.append(f"cheapest model: {cheapest.id} at {usd(cheapest.cost.amount(per), per)}")
    return NoCandidateError("; ".join(parts), Nearest(over, best_in, p.left_out, p.freshness))
