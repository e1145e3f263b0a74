"""Dated model names: the one index from ids and aliases to model ids, used by the catalog and every importer.

A name is matched exactly and case-insensitively. An alias may be dated (``since`` inclusive,
``until`` exclusive): a moving name such as ``gpt-4o`` denotes different snapshots over time, so
resolving a name takes the day it is meant on. A name that still denotes several models on that
day is ambiguous: callers report it, never guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from advisor.errors import close_matches

if TYPE_CHECKING:
    from advisor.schema import Alias, Model

__all__ = ["NameIndex", "alias_valid_on", "overlaps"]

NameHit = tuple[str, "Alias | None"]
"""``(model id, alias)``: the alias the name came from, or None when the name is the model's id."""


def overlaps(a0: dt.date | None, a1: dt.date | None, b0: dt.date | None, b1: dt.date | None) -> bool:
    """Whether the half-open spans ``[a0, a1)`` and ``[b0, b1)`` share a day (None is open).

    >>> overlaps(dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 2, 1), None)
    False
    """
    return (a0 or dt.date.min) < (b1 or dt.date.max) and (b0 or dt.date.min) < (a1 or dt.date.max)


def alias_valid_on(alias: Alias | None, day: dt.date) -> bool:
    """Whether a name denotes its model on ``day`` (an id, ``alias=None``, always does)."""
    return alias is None or ((alias.since or dt.date.min) <= day < (alias.until or dt.date.max))


class NameIndex:
    """Case-insensitive lookup of model ids and (dated) aliases; models can be added and replaced."""

    def __init__(self, models: Iterable[Model] = ()) -> None:
        self._names: dict[str, list[NameHit]] = {}
        self._keys: dict[str, tuple[str, ...]] = {}
        for model in models:
            self.add(model)

    def add(self, model: Model) -> None:
        """Register ``model`` under its id and every alias (after removing what it was known as)."""
        self.remove(model.id)
        keys = [model.id.casefold()]
        self._names.setdefault(keys[0], []).append((model.id, None))
        for alias in model.aliases:
            key = alias.name.casefold()
            keys.append(key)
            self._names.setdefault(key, []).append((model.id, alias))
        self._keys[model.id] = tuple(dict.fromkeys(keys))

    def remove(self, model_id: str) -> None:
        """Forget every name of ``model_id`` (nothing happens for an unknown id)."""
        for key in self._keys.pop(model_id, ()):
            kept = [hit for hit in self._names.get(key, []) if hit[0] != model_id]
            if kept:
                self._names[key] = kept
            else:
                self._names.pop(key, None)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.strip().casefold() in self._names

    def __iter__(self) -> Iterator[str]:
        """The known names, case-folded."""
        return iter(self._names)

    def lookup(self, name: str, on: dt.date | None = None) -> list[NameHit]:
        """Every ``(model id, alias)`` named ``name``, only those valid on ``on`` if given."""
        hits = self._names.get(name.strip().casefold(), [])
        if on is not None:
            hits = [h for h in hits if alias_valid_on(h[1], on)]
        return list(hits)

    def ids(self, name: str, on: dt.date | None = None) -> list[str]:
        """The distinct model ids ``name`` denotes (on ``on`` if given), sorted."""
        hits = self._names.get(name.strip().casefold())
        if not hits:
            return []
        if len(hits) == 1:  # the usual case, answered without building a list of hits and a set
            model_id, alias = hits[0]
            return [model_id] if on is None or alias_valid_on(alias, on) else []
        return sorted({model_id for model_id, alias in hits if on is None or alias_valid_on(alias, on)})

    def resolve(self, name: str, day: dt.date) -> list[str]:
        """The ids ``name`` denotes on ``day``; a dated alias used outside its dates still finds its model.

        Dates only choose between models: a name that denotes one model at any time denotes it on
        every day, and a moving name used before or after every one of its spans is left ambiguous.
        """
        every = self.ids(name)
        if len(every) <= 1:
            return every
        return self.ids(name, day) or every

    def close(self, name: str, n: int = 3) -> list[str]:
        """Ids of models with names close to ``name``, best first, for "did you mean" messages."""
        keys = close_matches(name.strip().casefold(), list(self._names), n=2 * n, cutoff=0.6)
        found = dict.fromkeys(model_id for key in keys for model_id, _ in self._names[key])
        return list(found)[:n]

    def clash(self, alias: Alias, model_id: str) -> str:
        """Why ``alias`` cannot name ``model_id`` (another model's id, or its alias on overlapping dates), or ``""``."""
        for other_id, other in self._names.get(alias.name.casefold(), []):
            if other_id == model_id:
                continue
            if other is None:
                return f"alias {alias.name!r} is the id of model {other_id!r}"
            if overlaps(alias.since, alias.until, other.since, other.until):
                dated = alias.since or alias.until or other.since or other.until
                when = " at overlapping dates" if dated else ""
                return f"alias {alias.name!r} is already an alias of {other_id!r}{when}"
        return ""
