"""The cost of quality over time: the cheapest price that reached a fixed quality bar, per date.

This is the computation behind "the price of GPT-4-level quality fell 99%": for each dated
snapshot of a metric, the catalog as it stood that day (:meth:`Catalog.as_of`), the bar's score,
and the cheapest priced model whose point score reached it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import numpy as np

from advisor.catalog import DEFAULT_METRIC, Catalog, score_of
from advisor.errors import AdvisorError, ArgumentError, UnknownModelError
from advisor.select import pool
from advisor.workload import Workload

DEFAULT_BAR = "gpt-4-0613"
"""GPT-4 as most API users first called it (June 2023); it is rated in every bundled Arena snapshot."""


@dataclasses.dataclass(frozen=True)
class QualityPoint:
    """One date: the bar's score and the cheapest model whose point score reached it.

    ``model`` and its fields are None when no priced model reached the bar that day. Costs are
    blended USD per 1M tokens at the workload. ``bar_usd_per_mtok`` is the bar model's own price
    that day (None for a numeric bar or an unpriced bar model).
    """

    date: dt.date
    bar_score: float
    model: str | None
    name: str | None
    provider: str | None
    usd_per_mtok: float | None
    score: float | None
    qualifying: int
    considered: int
    bar_usd_per_mtok: float | None


@dataclasses.dataclass(frozen=True)
class SkippedDate:
    """A date :func:`cost_of_quality` could not evaluate, and why."""

    date: dt.date
    reason: str


@dataclasses.dataclass(frozen=True)
class CostOfQuality:
    """What :func:`cost_of_quality` returns: one point per date, oldest first."""

    metric: str
    bar: str
    """The bar in words: a model id, or ``"score >= 1200"`` for a numeric bar."""
    bar_model: str | None
    workload: Workload
    points: tuple[QualityPoint, ...]
    skipped: tuple[SkippedDate, ...]

    @property
    def priced(self) -> tuple[QualityPoint, ...]:
        """The points where some model reached the bar."""
        return tuple(p for p in self.points if p.usd_per_mtok is not None)

    @property
    def fall_pct(self) -> float | None:
        """How much the cheapest qualifying price fell from the first such date to the last, in %."""
        found = self.priced
        if len(found) < 2 or not found[0].usd_per_mtok:
            return None
        return (1.0 - float(found[-1].usd_per_mtok or 0.0) / found[0].usd_per_mtok) * 100.0

    @property
    def fall_from_bar_pct(self) -> float | None:
        """The last cheapest qualifying price against the bar model's own price on the first date, in %."""
        found = self.priced
        first_bar = self.points[0].bar_usd_per_mtok if self.points else None
        if not found or not first_bar:
            return None
        return (1.0 - float(found[-1].usd_per_mtok or 0.0) / first_bar) * 100.0


def snapshot_dates(catalog: Catalog, metric: str = DEFAULT_METRIC) -> tuple[dt.date, ...]:
    """The dates on which ``metric`` has scores in the catalog, oldest first."""
    benchmark, category = catalog.check_metric(metric)
    found = {s.as_of for m in catalog for s in m.scores if s.benchmark == benchmark and s.category == category}
    return tuple(sorted(found))


def cost_of_quality(
    catalog: Catalog,
    *,
    metric: str = DEFAULT_METRIC,
    bar: str | float = DEFAULT_BAR,
    dates: Sequence[dt.date] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    workload: Workload | None = None,
) -> CostOfQuality:
    """The cheapest price that reached a fixed quality bar, on each date.

    A model *qualifies* on a date when its point score in that day's snapshot is at least the
    bar's (at most, for lower-is-better metrics); confidence intervals are not used, so the curve
    reads like the familiar "price of GPT-4-level quality" charts. The cheapest qualifying model
    wins, ties in cost going to the higher score (as :func:`advisor.recommend` with ``min_score``).

    ``bar`` is a model (id or alias) or a number. A model's bar is *its own score in each
    snapshot*: Arena ratings of different snapshots sit on drifting scales (the same model gains
    15 points between two leaderboards as weaker models join), so a fixed number compares
    different things over time while a reference model's score at its time does not. A number is
    an absolute score, taken as given on every date. A moving alias resolves as of the catalog's
    date (today for a full catalog); a dated id is explicit. Dates on which the bar model is not
    yet released or not rated are listed in ``skipped``.

    Args:
        catalog: the full catalog with its history (from :func:`advisor.load_catalog`, optionally
            filtered), not a dated view.
        metric: the quality metric, ``benchmark[/category]``.
        bar: a model whose score is the bar at each date, or an absolute score.
        dates: the dates to evaluate; default: every snapshot date of ``metric``.
        start: leave out dates before this one.
        end: leave out dates after this one.
        workload: the request shape that blends input and output prices (default 3:1).

    >>> from advisor import load_catalog
    >>> c = cost_of_quality(load_catalog())
    >>> [(p.date.isoformat(), p.model) for p in c.points[:2]]
    [('2024-06-19', 'claude-3-haiku-20240307'), ('2024-07-24', 'gpt-4o-mini-2024-07-18')]
    >>> round(c.fall_from_bar_pct, 1)
    99.9
    """
    if catalog.date is not None:
        raise AdvisorError(
            f"cost_of_quality needs the catalog's full history, not a view as of {catalog.date}: "
            "pass load_catalog() without .as_of()"
        )
    if start is not None and end is not None and start > end:
        raise AdvisorError(f"start ({start}) is after end ({end})")
    benchmark, category = catalog.check_metric(metric)
    higher = catalog.benchmarks[benchmark].higher_is_better
    w = workload or Workload()
    bar_model: str | None = None
    fixed: float | None = None
    if isinstance(bar, bool) or not isinstance(bar, (str, int, float)):
        raise TypeError(f"bar must be a model name or a number, not {type(bar).__name__}")
    if isinstance(bar, str):
        bar_model = catalog.get(bar).id
        label = bar_model
    else:
        fixed = float(bar)
        if not np.isfinite(fixed):
            raise ArgumentError("bar", f"must be a finite score, got {bar!r}")
        label = f"score {'>=' if higher else '<='} {fixed:g}"
    days = sorted(set(dates)) if dates is not None else list(snapshot_dates(catalog, metric))
    days = [d for d in days if (start is None or d >= start) and (end is None or d <= end)]

    sign = 1.0 if higher else -1.0
    points: list[QualityPoint] = []
    skipped: list[SkippedDate] = []
    for day in days:
        view = catalog.as_of(day)
        if fixed is not None:
            bar_score = fixed
        else:
            try:
                reference = view.get(label)
            except UnknownModelError:
                skipped.append(SkippedDate(day, f"{label} was not released yet"))
                continue
            s = score_of(reference, benchmark, category)
            if s is None:
                skipped.append(SkippedDate(day, f"{label} has no {metric} score in this snapshot"))
                continue
            bar_score = s.value
        p = pool(view, metric=metric, workload=w)
        if not p.options:
            skipped.append(SkippedDate(day, f"no model has both a price and a {metric} score"))
            continue
        ok = np.flatnonzero(p.score >= sign * bar_score)
        bar_cost = next((o.cost.blended_usd_per_mtok for o in p.options if o.id == bar_model), None)
        if ok.size == 0:
            points.append(QualityPoint(day, bar_score, None, None, None, None, None, 0, len(p.options), bar_cost))
            continue
        best = p.options[int(ok[np.lexsort((-p.score[ok], p.cost[ok]))[0]])]
        points.append(
            QualityPoint(
                date=day,
                bar_score=bar_score,
                model=best.id,
                name=best.name,
                provider=best.provider,
                usd_per_mtok=best.cost.blended_usd_per_mtok,
                score=best.score,
                qualifying=int(ok.size),
                considered=len(p.options),
                bar_usd_per_mtok=bar_cost,
            )
        )
    return CostOfQuality(metric, label, bar_model, w, tuple(points), tuple(skipped))


__all__ = ["DEFAULT_BAR", "CostOfQuality", "QualityPoint", "SkippedDate", "cost_of_quality", "snapshot_dates"]
