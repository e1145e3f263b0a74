"""How old an answer's data is: the score snapshot and the prices it used, and their age.

Every decision and listing carries a :class:`Freshness`, so the human output and the JSON say the
same thing: which dated snapshot of the metric was used (and how many models it holds), the newest
date on which a price used took effect, how many days both lie before the as-of date, and warnings
when the scores are old or a small newer snapshot hides a fuller older one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from advisor.errors import Problem

if TYPE_CHECKING:
    from advisor.catalog import Catalog
    from advisor.catalog_io import LoadedFile
    from advisor.schema import Model

STALE_AFTER_DAYS = 90
"""Scores older than this many days before the as-of date get a warning."""

FRESHER_DATA = "`advisor catalog update`, or `advisor catalog import arena FILE --into scores.yaml --add-new`"
"""Where newer data comes from, named in every staleness warning."""

HIDDEN_SHARE = 0.5
"""A snapshot holding fewer than this share of the models of the one before it is reported as hiding it."""


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The dated snapshot of a metric a view uses: its date, size, age, and the one before it."""

    metric: str
    as_of: dt.date
    models: int
    """Models scored in this snapshot, across the whole catalog (filters do not change it)."""
    age_days: int
    """Days between the snapshot and the as-of date."""
    previous_as_of: dt.date | None
    previous_models: int | None


@dataclasses.dataclass(frozen=True)
class Freshness:
    """The dates of the scores and prices an answer used, relative to its as-of date.

    ``scores`` is None when the answer used no scores (``cost``), or when the view has no
    snapshot of the metric. ``prices_as_of`` is the newest date on which a price used took effect
    (None when every price used is undated); ``warnings`` are whole sentences for people.
    """

    as_of: dt.date
    scores: Snapshot | None
    prices_as_of: dt.date | None
    prices_age_days: int | None
    priced_models: int
    """How many models' prices the answer used."""
    warnings: tuple[str, ...]

    def lines(self) -> list[str]:
        """The human lines: ``Scores:`` (when scores were used), ``Prices:``, one ``Warning:`` each."""
        out = []
        if self.scores is not None:
            s = self.scores
            out.append(
                f"Scores: {s.metric} as of {s.as_of} ({_age(s.age_days, self.as_of)}), "
                f"{s.models:,} model{'s' if s.models != 1 else ''} in that snapshot"
            )
        if self.prices_as_of is not None and self.prices_age_days is not None:
            out.append(
                f"Prices: in force on {self.as_of}, newest dated {self.prices_as_of} "
                f"({_age(self.prices_age_days, self.as_of)})"
            )
        else:
            why = "none dated" if self.priced_models else "no model priced"
            out.append(f"Prices: in force on {self.as_of} ({why})")
        return out + [f"Warning: {w}" for w in self.warnings]

    def caption(self) -> str:
        """One plain-text sentence for a chart's subtitle: the dates of the data and, when old, a warning."""
        parts = []
        if self.scores is not None:
            s = self.scores
            parts.append(f"Scores: {s.metric} as of {s.as_of} ({_age(s.age_days, self.as_of)}, {s.models:,} models)")
        if self.prices_as_of is not None and self.prices_age_days is not None:
            parts.append(f"prices in force on {self.as_of}, newest dated {self.prices_as_of}")
        else:
            parts.append(f"prices in force on {self.as_of}")
        text = "; ".join(parts) + "."
        if self.scores is not None and self.scores.age_days > STALE_AFTER_DAYS:
            text += f" Scores over {STALE_AFTER_DAYS} days old: see `advisor catalog update`."
        return text


def _age(days: int, as_of: dt.date) -> str:
    if days == 0:
        return f"same day as {as_of}"
    if days < 0:
        return f"{-days:,} day{'s' if days != -1 else ''} after {as_of}"
    return f"{days:,} day{'s' if days != 1 else ''} before {as_of}"


def snapshot(view: Catalog, metric: str) -> Snapshot | None:
    """The snapshot of ``metric`` that the dated ``view`` uses (the newest not after its date)."""
    from advisor.catalog import parse_metric

    day = view.date or dt.date.today()
    key = parse_metric(metric)
    sizes = view.snapshot_sizes.get(key, {})
    dates = sorted((d for d in sizes if d <= day), reverse=True)
    if not dates:
        return None
    used = dates[0]
    prev = dates[1] if len(dates) > 1 else None
    return Snapshot(
        metric=metric,
        as_of=used,
        models=sizes[used],
        age_days=(day - used).days,
        previous_as_of=prev,
        previous_models=sizes[prev] if prev is not None else None,
    )


def freshness(view: Catalog, priced: Iterable[Model], metric: str | None) -> Freshness:
    """The freshness of an answer made from ``view``, whose prices came from the models ``priced``.

    ``metric`` None: an answer without scores (a cost table). Prices are the periods the models
    carry in the view (those in force that day).
    """
    day = view.date or dt.date.today()
    snap = snapshot(view, metric) if metric is not None else None
    priced = [m for m in priced if m.prices]
    dated = [p.since for m in priced for p in m.prices if p.since is not None]
    newest_price = max(dated) if dated else None
    warnings = []
    if snap is not None and snap.age_days > STALE_AFTER_DAYS:
        warnings.append(
            f"the scores are {snap.age_days:,} days old (more than {STALE_AFTER_DAYS}): models and rating "
            f"changes since {snap.as_of} are missing from this answer. Fresher data: {FRESHER_DATA}."
        )
    if (
        snap is not None
        and snap.previous_models is not None
        and snap.previous_as_of is not None
        and snap.models < HIDDEN_SHARE * snap.previous_models
    ):
        warnings.append(
            f"the {snap.metric} snapshot of {snap.as_of} holds {snap.models:,} model{'s' if snap.models != 1 else ''}; "
            f"it hides the snapshot of {snap.previous_as_of} ({snap.previous_models:,} models), because "
            f"scores of different snapshots are not mixed. Use --as-of before {snap.as_of}, or date the "
            f"newer scores {snap.previous_as_of} to add them to that snapshot."
        )
    return Freshness(
        as_of=day,
        scores=snap,
        prices_as_of=newest_price,
        prices_age_days=(day - newest_price).days if newest_price is not None else None,
        priced_models=len(priced),
        warnings=tuple(warnings),
    )


def hidden_snapshots(files: Sequence[LoadedFile]) -> list[Problem]:
    """Warnings for layers whose new, small snapshot hides a fuller snapshot of a file below.

    A view uses the newest snapshot of each metric, so one model's score dated after the bundled
    snapshot makes every other model of that metric unscored from that date. Counts are score
    entries per ``(benchmark, category, date)``, layered in file order.
    """
    sizes: dict[tuple[str, str], dict[dt.date, int]] = {}
    warnings: list[Problem] = []
    for n, lf in enumerate(files):
        below = {key: max(days) for key, days in sizes.items() if days}
        first: dict[tuple[str, str, dt.date], tuple[str, int, int]] = {}
        for i, m in enumerate(lf.data.models):
            for j, s in enumerate(m.scores):
                key = (s.benchmark, s.category)
                days = sizes.setdefault(key, {})
                days[s.as_of] = days.get(s.as_of, 0) + 1
                first.setdefault((*key, s.as_of), (m.id, i, j))
        if n == 0:
            continue
        for (benchmark, category, day), (model_id, i, j) in sorted(first.items(), key=lambda kv: kv[1][1:]):
            newest = below.get((benchmark, category))
            if newest is None or day <= newest:
                continue
            held, full = sizes[(benchmark, category)][day], sizes[(benchmark, category)][newest]
            if held >= HIDDEN_SHARE * full:
                continue
            from advisor.catalog import metric_key

            metric = metric_key(benchmark, category)
            warnings.append(
                Problem(
                    lf.label,
                    f"the {metric} snapshot of {day} holds {held:,} model{'s' if held != 1 else ''}; from {day} "
                    f"on it hides the snapshot of {newest} below ({full:,} models), because snapshots are "
                    f"not mixed. Date these scores {newest} to add them to that snapshot, or give a whole "
                    "leaderboard",
                    None,
                    model_id,
                    f"scores[{j}].as_of",
                    loc=("models", i, "scores", j, "as_of"),
                )
            )
    return warnings
