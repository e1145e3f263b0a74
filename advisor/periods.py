"""Dated price periods: which period is in force on a day, and how new dated prices merge into old ones.

One home for these rules, used by catalog layering (:mod:`advisor.catalog`) and every importer.
A period's ``since`` is inclusive and its ``until`` exclusive; a missing bound is open. Periods are
kept per ``host`` (None: the maker's own API), sorted by host and start.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from advisor.catalog_io import PRICE_FIELDS
from advisor.names import overlaps
from advisor.schema import PricePeriod

__all__ = [
    "end_price",
    "in_force",
    "overlay_prices",
    "price_detail",
    "set_price",
    "sorted_prices",
]


def in_force(p: PricePeriod, day: dt.date) -> bool:
    """Whether period ``p`` holds on ``day``."""
    return (p.since is None or p.since <= day) and (p.until is None or day < p.until)


def sorted_prices(prices: Iterable[PricePeriod]) -> tuple[PricePeriod, ...]:
    """Periods in the catalog's order: by host (own API first), then start."""
    return tuple(sorted(prices, key=lambda p: (p.host or "", p.since or dt.date.min)))


def overlay_prices(base: Sequence[PricePeriod], top: Sequence[PricePeriod]) -> tuple[PricePeriod, ...]:
    """Base periods clipped around the top layer's periods of the same host, then the top's periods."""
    if not top:
        return tuple(base)
    by_host: dict[str | None, list[PricePeriod]] = {}
    for q in top:
        by_host.setdefault(q.host, []).append(q)
    kept: list[PricePeriod] = []
    for p in base:
        pieces = [p]
        for q in by_host.get(p.host, ()):
            next_pieces = []
            for piece in pieces:
                if not overlaps(piece.since, piece.until, q.since, q.until):
                    next_pieces.append(piece)
                    continue
                if q.since is not None and (piece.since is None or piece.since < q.since):
                    next_pieces.append(dataclasses.replace(piece, until=q.since))
                if q.until is not None and (piece.until is None or q.until < piece.until):
                    next_pieces.append(dataclasses.replace(piece, since=q.until))
            pieces = next_pieces
        kept.extend(pieces)
    return sorted_prices((*kept, *top))


def price_detail(p: PricePeriod) -> tuple[object, ...]:
    """The figures of a price period, without its dates, host, source and note."""
    return (*(getattr(p, f) for f in PRICE_FIELDS), p.long_context)


def _relation(old: PricePeriod, new: PricePeriod) -> str:
    """``same``, ``less`` (new says less, agrees), ``more`` (new only adds detail) or ``differs``."""
    a, b = price_detail(old), price_detail(new)
    if a == b:
        return "same"
    agree = all(x == y or x is None or y is None for x, y in zip(a[:-1], b[:-1], strict=True))
    tiers_agree = a[-1] == b[-1] or not a[-1] or not b[-1]
    if not (agree and tiers_agree):
        return "differs"
    new_has_all = all(y is not None or x is None for x, y in zip(a[:-1], b[:-1], strict=True)) and (b[-1] or not a[-1])
    return "more" if new_has_all else "less"


def _enrich(old: PricePeriod, new: PricePeriod) -> PricePeriod:
    changes: dict[str, object] = {f: getattr(new, f) for f in PRICE_FIELDS if getattr(old, f) is None}
    if not old.long_context and new.long_context:
        changes["long_context"] = new.long_context
    if new.source != old.source:
        note = f"cache, batch and long-context prices from {new.source}"
        changes["note"] = note if not old.note else f"{old.note}; {note}"
    return dataclasses.replace(old, **changes)  # type: ignore[arg-type]


def set_price(
    periods: Sequence[PricePeriod], new: PricePeriod, *, backfill_detail: bool = False, exact: bool = False
) -> tuple[tuple[PricePeriod, ...], str]:
    """Merge a price known to hold from ``new.since`` into one model's periods.

    The period of the same host in force on ``new.since`` is kept when the figures agree, closed at
    ``new.since`` when they differ (the new period then runs until the next known period), or, with
    ``backfill_detail``, completed in place when the new figures only add detail (cache, batch or
    long-context prices) the old period lacked. With ``exact`` (a source that states every figure
    of each period, e.g. a tier that was withdrawn) any difference in the figures starts a new
    period. Returns the periods and ``added``, ``updated`` or ``unchanged``. Cost is linear in the
    model's periods.
    """
    if new.since is None:
        raise ValueError("set_price needs a dated period (new.since is None)")
    if not periods:  # a model's first price (every key of a new model): nothing to close or clip
        return (new,), "added"
    day = new.since
    same_host = [p for p in periods if p.host == new.host]
    current = next((p for p in same_host if in_force(p, day)), None)
    others = [p for p in periods if p is not current]
    if current is None:
        later = [p.since for p in same_host if p.since is not None and p.since > day]
        until = min(later) if later else None
        if new.until is not None:
            until = new.until if until is None else min(until, new.until)
        opened = new if new.until == until else dataclasses.replace(new, until=until)
        return sorted_prices([*others, opened]), "added"
    relation = _relation(current, new)
    if exact and relation != "same":
        relation = "differs"
    if relation in ("same", "less"):
        return tuple(periods), "unchanged"
    if relation == "more" and backfill_detail:
        return sorted_prices([*others, _enrich(current, new)]), "updated"
    if current.since == day:
        return sorted_prices([*others, dataclasses.replace(new, until=current.until)]), "updated"
    closed = dataclasses.replace(current, until=day)
    opened = dataclasses.replace(new, until=current.until)
    return sorted_prices([*others, closed, opened]), "updated"


def end_price(periods: Sequence[PricePeriod], host: str | None, day: dt.date) -> tuple[tuple[PricePeriod, ...], str]:
    """Close the period of ``host`` in force on ``day`` at ``day`` (the price was withdrawn)."""
    out: list[PricePeriod] = []
    outcome = "unchanged"
    for p in periods:
        if p.host == host and (p.since is None or p.since < day) and (p.until is None or day < p.until):
            p = dataclasses.replace(p, until=day)
            outcome = "updated"
        out.append(p)
    return sorted_prices(out), outcome


def end_all(periods: Sequence[PricePeriod], day: dt.date) -> tuple[PricePeriod, ...]:
    """Every period cut to end by ``day`` (the model was retired): later periods are dropped."""
    out: list[PricePeriod] = []
    for p in periods:
        if p.since is not None and p.since >= day:
            continue
        out.append(p if p.until is not None and p.until <= day else dataclasses.replace(p, until=day))
    return sorted_prices(out)
