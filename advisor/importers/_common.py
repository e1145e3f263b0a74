"""What every importer shares: the report, name matching, and merging dated prices and scores.

Matching is by id or alias, exact and case-insensitive, honouring an alias's ``since``/``until``:
a name that points to two models on the date in question is ambiguous and is reported, never
guessed. Merging is idempotent: importing the same figures twice changes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from advisor.catalog_io import PRICE_FIELDS as _PRICE_FIELDS
from advisor.errors import InputFileError
from advisor.schema import CatalogFile, Model, PricePeriod, Score


@dataclass(frozen=True)
class ImportReport:
    """What an import did, for people (the CLI summary) and scripts (``--json``).

    Counts are of catalog entries (price periods, scores, models); name lists are sorted.
    """

    kind: str
    file: str
    source_key: str
    matched: int = 0
    """Source rows or keys that matched a catalog model."""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    new_models: tuple[str, ...] = ()
    """Ids of models created from unmatched rows (``add_new=True``)."""
    unmatched: tuple[str, ...] = ()
    """Source names that match no id or alias; nothing was imported for them."""
    ambiguous: tuple[str, ...] = ()
    """Source names that match several models (or one model several times); nothing imported."""
    skipped: tuple[str, ...] = ()
    """Rows left out on purpose, each with the reason."""
    limits: int = 0
    """Models whose context window and max output tokens this import set or changed."""


@dataclass(frozen=True)
class ImportResult:
    """The catalog after the import and the report of what changed."""

    catalog: CatalogFile
    report: ImportReport


class NameIndex:
    """Case-insensitive lookup of model ids and (dated) aliases."""

    def __init__(self, models: Sequence[Model]) -> None:
        self._names: dict[str, list[tuple[int, dt.date | None, dt.date | None]]] = {}
        for i, model in enumerate(models):
            self.add(i, model)

    def add(self, index: int, model: Model) -> None:
        """Register ``model`` (at position ``index``) under its id and every alias."""
        self._names.setdefault(model.id.casefold(), []).append((index, None, None))
        for alias in model.aliases:
            self._names.setdefault(alias.name.casefold(), []).append((index, alias.since, alias.until))

    def lookup(self, name: str, on: dt.date | None = None) -> list[tuple[int, dt.date | None, dt.date | None]]:
        """Entries ``(model index, since, until)`` named ``name``, valid on ``on`` if given."""
        hits = self._names.get(name.strip().casefold(), [])
        if on is not None:
            hits = [h for h in hits if (h[1] is None or h[1] <= on) and (h[2] is None or on < h[2])]
        return hits

    def resolve(self, name: str, on: dt.date | None = None) -> list[int]:
        """Distinct model indices that ``name`` denotes on ``on``."""
        return sorted({h[0] for h in self.lookup(name, on)})


def read_text(path: str | os.PathLike[str]) -> str:
    """The file's text; a file that is not UTF-8 is an :class:`InputFileError` naming the line."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{p}: cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(f"{p}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x})") from None


def price_detail(p: PricePeriod) -> tuple[object, ...]:
    """The figures of a price period, without its dates, host, source and note."""
    return (*(getattr(p, f) for f in _PRICE_FIELDS), p.long_context)


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


def _enrich(old: PricePeriod, new: PricePeriod, detail_source: str) -> PricePeriod:
    changes: dict[str, object] = {f: getattr(new, f) for f in _PRICE_FIELDS if getattr(old, f) is None}
    if not old.long_context and new.long_context:
        changes["long_context"] = new.long_context
    if detail_source != old.source:
        note = f"cache, batch and long-context prices from {detail_source}"
        changes["note"] = note if not old.note else f"{old.note}; {note}"
    return dataclasses.replace(old, **changes)  # type: ignore[arg-type]


class Counts:
    """Mutable tallies an importer fills in while it works."""

    def __init__(self) -> None:
        self.added = 0
        self.updated = 0
        self.unchanged = 0

    def bump(self, outcome: str) -> None:
        """Count one merge outcome (``added``/``updated``/``unchanged``)."""
        setattr(self, outcome, getattr(self, outcome) + 1)


def set_price(
    periods: Sequence[PricePeriod], new: PricePeriod, *, backfill_detail: bool = False
) -> tuple[tuple[PricePeriod, ...], str]:
    """Merge a price known to hold from ``new.since`` into one model's periods.

    The period of the same host in force on ``new.since`` is kept when the figures agree, closed at
    ``new.since`` when they differ (the new period then runs until the next known period), or, with
    ``backfill_detail``, completed in place when the new figures only add detail (cache, batch or
    long-context prices) the old period lacked. Returns the periods and ``added``, ``updated`` or
    ``unchanged``.
    """
    assert new.since is not None  # importers always date what they merge
    day = new.since
    same_host = [p for p in periods if p.host == new.host]
    current = next(
        (p for p in same_host if (p.since is None or p.since <= day) and (p.until is None or day < p.until)),
        None,
    )
    others = [p for p in periods if p is not current]
    if current is None:
        later = [p.since for p in same_host if p.since is not None and p.since > day]
        until = min(later) if later else None
        if new.until is not None and until is not None:
            until = min(until, new.until)
        elif new.until is not None:
            until = new.until
        return _sorted([*others, dataclasses.replace(new, until=until)]), "added"
    relation = _relation(current, new)
    if relation in ("same", "less"):
        return tuple(periods), "unchanged"
    if relation == "more" and backfill_detail:
        return _sorted([*others, _enrich(current, new, new.source)]), "updated"
    if current.since == day:
        replaced = dataclasses.replace(new, until=current.until)
        return _sorted([*others, replaced]), "updated"
    closed = dataclasses.replace(current, until=day)
    opened = dataclasses.replace(new, until=current.until)
    return _sorted([*others, closed, opened]), "updated"


def end_price(periods: Sequence[PricePeriod], host: str | None, day: dt.date) -> tuple[tuple[PricePeriod, ...], str]:
    """Close the period of ``host`` in force on ``day`` at ``day`` (the price was withdrawn)."""
    out: list[PricePeriod] = []
    outcome = "unchanged"
    for p in periods:
        if p.host == host and (p.since is None or p.since < day) and (p.until is None or day < p.until):
            p = dataclasses.replace(p, until=day)
            outcome = "updated"
        out.append(p)
    return _sorted(out), outcome


def _sorted(periods: Iterable[PricePeriod]) -> tuple[PricePeriod, ...]:
    return tuple(sorted(periods, key=lambda p: (p.host or "", p.since or dt.date.min)))


def set_score(scores: Sequence[Score], new: Score) -> tuple[tuple[Score, ...], str]:
    """Add or replace the score of the same benchmark, category and date."""
    key = (new.benchmark, new.category, new.as_of)
    old = [s for s in scores if (s.benchmark, s.category, s.as_of) == key]
    if old == [new]:
        return tuple(scores), "unchanged"
    rest = [s for s in scores if (s.benchmark, s.category, s.as_of) != key]
    out = sorted([*rest, new], key=lambda s: (s.benchmark, s.category, s.as_of))
    return tuple(out), "updated" if old else "added"


def usd_per_mtok(per_token: float) -> float:
    """USD per token to USD per 1M tokens, rounded to 10 significant digits to drop float noise.

    >>> usd_per_mtok(1.5e-07)
    0.15
    """
    return float(f"{per_token * 1e6:.10g}")


def require_source(base: CatalogFile, source_key: str) -> None:
    """Every figure must name a known source: fail early, before any work, if it does not."""
    if not source_key or not source_key.strip():
        raise ValueError("source_key must be a non-empty string")
    if source_key not in base.sources:
        known = ", ".join(sorted(base.sources)) or "none"
        raise ValueError(f"source_key {source_key!r} is not in the catalog's sources (known: {known})")
