"""LMArena's model names joined to catalog ids by hand, and the names people type for current models.

Two curated files beside ``models.yaml`` feed the catalog rebuild:

- ``catalog/build/arena_names.yaml``: every model name of the LMArena leaderboards, either joined to a
  catalog id (with the reasoning mode the Arena rated, if any) or skipped with a reason. The format is
  documented in the file's header.
- ``catalog/build/current_names.yaml``: names people type (``gpt-5``, ``anthropic/claude-sonnet-4.5``)
  that the automatic aliases of the price sources do not produce, with ``since``/``until`` where a
  name moved between snapshots.

:func:`join_rate` measures how many of a board's sold models are joined; the rebuild prints it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import CatalogError, Problem
from advisor.schema import Alias

__all__ = [
    "SKIP_CATEGORIES",
    "ArenaJoin",
    "ArenaNames",
    "ArenaSkip",
    "JoinRate",
    "join_rate",
    "priced_by_sources",
    "read_arena_names",
    "read_current_names",
]

SKIP_CATEGORIES: tuple[str, ...] = ("not sold", "experimental", "superseded", "variant", "doubtful")
"""Why an Arena name is not joined. Only ``doubtful`` names are sold by a price source (they count
against the join rate); ``variant`` names are rows of a model that another row joins."""

_JOIN_FIELDS = ("model", "mode", "mode_id", "output_multiplier", "note")
_REQUIRED = ("model", "mode", "mode_id", "output_multiplier")


@dataclass(frozen=True)
class ArenaJoin:
    """One Arena name joined to the catalog: the model it rated and, for a rated reasoning mode, that mode."""

    name: str
    model: str
    """Catalog id of the model (for a mode: its base model, whose token prices the mode pays)."""
    mode: str | None = None
    mode_id: str | None = None
    """Catalog id of the mode as a decision option (``mode_of: model``); None when ``mode`` is None."""
    output_multiplier: float | None = None
    """Output tokens relative to the base model where a source gives it; None means unknown."""
    note: str | None = None

    @property
    def option(self) -> str:
        """The catalog id whose scores this Arena row gives: the mode's id, else the model's."""
        return self.mode_id or self.model


@dataclass(frozen=True)
class ArenaSkip:
    """One Arena name deliberately left unjoined, with its category (one of :data:`SKIP_CATEGORIES`)."""

    name: str
    category: str
    reason: str


@dataclass(frozen=True)
class ArenaNames:
    """The joins and skips of ``arena_names.yaml``, keyed by Arena name."""

    joins: Mapping[str, ArenaJoin]
    skips: Mapping[str, ArenaSkip]

    @functools.cached_property
    def _folded(self) -> dict[str, ArenaJoin | ArenaSkip]:
        folded: dict[str, ArenaJoin | ArenaSkip] = {n.casefold(): j for n, j in self.joins.items()}
        folded.update((n.casefold(), s) for n, s in self.skips.items())
        return folded

    def get(self, name: str) -> ArenaJoin | ArenaSkip | None:
        """The join or skip of an Arena name, ignoring case (LMArena's CSV capitalises its names)."""
        return self._folded.get(name.casefold())

    def covers(self, name: str) -> bool:
        """Whether ``name`` is joined or skipped (ignoring case)."""
        return name.casefold() in self._folded


@dataclass(frozen=True)
class JoinRate:
    """How many of one board's models that a price source sells are joined to their price.

    A name counts as sold when it is joined to a model ``is_priced`` accepts, skipped as ``doubtful``,
    or neither joined nor skipped (unknown names count against the rate, never for it).
    """

    board: int
    """Names on the board."""
    sold: int
    joined: int
    unjoined: tuple[str, ...]
    """Sold names not joined, sorted: doubtful skips and names the file does not cover."""
    uncovered: tuple[str, ...]
    """Names neither joined nor skipped, sorted."""

    @property
    def rate(self) -> float:
        """``joined / sold`` (1.0 when nothing on the board is sold)."""
        return self.joined / self.sold if self.sold else 1.0

    def __str__(self) -> str:
        text = f"{self.joined} of {self.sold} sold models joined ({self.rate:.1%}; {self.board} names on the board)"
        return text + (f"; unjoined: {', '.join(self.unjoined)}" if self.unjoined else "")


def join_rate(board: Iterable[str], names: ArenaNames, is_priced: Callable[[str], bool]) -> JoinRate:
    """The join rate of the Arena names in ``board`` (one snapshot's model names).

    Args:
        board: the model names of one leaderboard snapshot (duplicates are counted once).
        names: the joins and skips read by :func:`read_arena_names`.
        is_priced: whether a catalog id (a join's ``model``) has a price from a price source.
    """
    on_board = sorted(set(board))
    entries = {n: names.get(n) for n in on_board}
    joined = [n for n, e in entries.items() if isinstance(e, ArenaJoin) and is_priced(e.model)]
    uncovered = tuple(n for n, e in entries.items() if e is None)
    doubtful = [n for n, e in entries.items() if isinstance(e, ArenaSkip) and e.category == "doubtful"]
    unjoined = tuple(sorted([*doubtful, *uncovered]))
    return JoinRate(len(on_board), len(joined) + len(unjoined), len(joined), unjoined, uncovered)


def read_arena_names(path: str | os.PathLike[str]) -> ArenaNames:
    """Read and check ``arena_names.yaml``; every problem is reported with file and line.

    Raises:
        CatalogError: the file is malformed, an entry lacks a field or has an unknown one, a mode
            and its ``mode_id`` disagree, a multiplier is not positive, a skip reason has no known
            category, or a name is both joined and skipped.
    """
    label, text, data = _load(path)
    problems: list[Problem] = []

    def add(message: str, loc: tuple[str, ...], name: str | None = None, fld: str | None = None) -> None:
        problems.append(Problem(label, message, _line(text, loc), name, fld))

    if not isinstance(data, dict) or set(data) - {"arena_names", "skip"}:
        extra = sorted(set(data) - {"arena_names", "skip"}) if isinstance(data, dict) else []
        add(f"expected the keys arena_names and skip{f', got {extra}' if extra else ''}", ())
        raise CatalogError(problems)
    joins_raw, skips_raw = data.get("arena_names") or {}, data.get("skip") or {}
    for key, value in (("arena_names", joins_raw), ("skip", skips_raw)):
        if not isinstance(value, dict):
            add("expected a mapping of Arena names", (key,), fld=key)
    if problems:
        raise CatalogError(problems)
    first: dict[str, str] = {}
    for section, raw in (("arena_names", joins_raw), ("skip", skips_raw)):
        for name in raw:
            other = first.setdefault(str(name).casefold(), str(name))
            if other != str(name):
                add(
                    f"{name!r} differs from {other!r} only in case; names are matched ignoring case",
                    (section, name),
                    name,
                )
    joins = {}
    for name, entry in joins_raw.items():
        loc = ("arena_names", name)
        if not isinstance(entry, dict):
            add("expected {model, mode, mode_id, output_multiplier, note}", loc, name)
            continue
        bad = [f for f in entry if f not in _JOIN_FIELDS] + [f for f in _REQUIRED if f not in entry]
        for f in bad:
            add("unknown field" if f in entry else "missing field (write null for none)", loc, name, f)
        if bad:
            continue
        join = _join(str(name), entry, functools.partial(_add_at, add, loc, str(name)))
        if join is not None:
            joins[join.name] = join
    skips = {}
    for name, reason in skips_raw.items():
        loc = ("skip", name)
        category, _, why = str(reason).partition(":") if isinstance(reason, str) else ("", "", "")
        if category not in SKIP_CATEGORIES or not why.strip():
            add(f"expected 'CATEGORY: reason' with CATEGORY one of {', '.join(SKIP_CATEGORIES)}", loc, name)
            continue
        if name in joins_raw:
            add("name is both joined (arena_names) and skipped", loc, name)
            continue
        skips[str(name)] = ArenaSkip(str(name), category, why.strip())
    if problems:
        raise CatalogError(problems)
    return ArenaNames(joins, skips)


def _add_at(add: Callable[..., None], loc: tuple[str, ...], name: str, message: str, fld: str) -> None:
    add(message, (*loc, fld), name, fld)


def _join(name: str, entry: Mapping[str, Any], add: Callable[[str, str], None]) -> ArenaJoin | None:
    model, mode, mode_id, mult, note = (entry.get(f) for f in _JOIN_FIELDS)
    ok = True
    for f, value in (("model", model), ("mode", mode), ("mode_id", mode_id), ("note", note)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            add("expected a non-empty string", f)
            ok = False
    if not isinstance(model, str):
        add("a catalog id is required", "model")
        return None
    if ok and (mode is None) != (mode_id is None):
        add("mode and mode_id go together: both null, or both set", "mode_id")
        ok = False
    elif ok and mode is not None and mode_id != f"{model}-{mode}":
        add(f"expected {model}-{mode} (MODEL-MODE)", "mode_id")
        ok = False
    if mult is not None:
        if isinstance(mult, bool) or not isinstance(mult, (int, float)) or not math.isfinite(mult) or mult <= 0:
            add("expected a positive number or null", "output_multiplier")
            ok = False
        elif mode is None:
            add("a multiplier belongs to a rated mode (mode is null)", "output_multiplier")
            ok = False
    if not ok:
        return None
    return ArenaJoin(name, model, mode, mode_id, None if mult is None else float(mult), note)


def bundled_superseded() -> dict[str, str]:
    """Arena names (any case) that give way to another row of their model, with the reason: the
    ``superseded`` skips of the bundled catalog's ``build/arena_names.yaml`` (shipped in the wheel).

    An import of a board the project has not seen then settles two rows of one model (the April-2024
    Phi-3-mini-4k beside its June-2024 update) the way the bundled catalog did. Empty when the file
    is not there (a source tree without ``catalog/build``).
    """
    from advisor.catalog import bundled_catalog_path

    path = bundled_catalog_path().parent / "build" / "arena_names.yaml"
    return superseded_names(path) if path.is_file() else {}


def superseded_names(path: str | os.PathLike[str]) -> dict[str, str]:
    """The ``superseded`` skips of an ``arena_names.yaml``: name -> why its row gives way."""
    return {
        name: f"left out: {skip.reason}"
        for name, skip in read_arena_names(path).skips.items()
        if skip.category == "superseded"
    }


def read_current_names(path: str | os.PathLike[str]) -> dict[str, tuple[Alias, ...]]:
    """Read ``current_names.yaml``: ``names: {CATALOG_ID: [name, {name, since, until}, ...]}``.

    Raises:
        CatalogError: the file is malformed, an alias has unknown fields or bad dates, ``since`` is
            not before ``until``, or one name is given twice for overlapping dates.
    """
    label, text, data = _load(path)
    problems: list[Problem] = []
    if not isinstance(data, dict) or list(data) != ["names"] or not isinstance(data["names"], dict):
        raise CatalogError([Problem(label, "expected one key, names: {CATALOG_ID: [alias, ...]}", 1)])
    out: dict[str, tuple[Alias, ...]] = {}
    spans: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    for model, aliases in data["names"].items():
        loc: tuple[str | int, ...] = ("names", model)
        if not isinstance(aliases, list) or not aliases:
            problems.append(Problem(label, "expected a list of names", _line(text, loc), str(model)))
            continue
        got = []
        for i, raw in enumerate(aliases):
            alias = _alias(raw)
            if alias is None:
                problems.append(
                    Problem(
                        label,
                        "expected a name or {name, since, until} with ISO dates, since before until",
                        _line(text, (*loc, i)),
                        str(model),
                        "names",
                    )
                )
                continue
            lo, hi = alias.since or dt.date.min, alias.until or dt.date.max
            for lo2, hi2, other in spans.get(alias.name.casefold(), []):
                if lo < hi2 and lo2 < hi:
                    msg = f"name {alias.name!r} also names {other!r} on overlapping dates"
                    problems.append(Problem(label, msg, _line(text, (*loc, i)), str(model), "names"))
            spans.setdefault(alias.name.casefold(), []).append((lo, hi, str(model)))
            got.append(alias)
        out[str(model)] = tuple(got)
    if problems:
        raise CatalogError(problems)
    return out


def _alias(raw: object) -> Alias | None:
    if isinstance(raw, str):
        return Alias(raw.strip()) if raw.strip() else None
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or set(raw) - {"name", "since", "until"}:
        return None
    since, until = raw.get("since"), raw.get("until")
    if any(d is not None and (not isinstance(d, dt.date) or isinstance(d, dt.datetime)) for d in (since, until)):
        return None
    if since is not None and until is not None and since >= until:
        return None
    name = raw["name"].strip()
    return Alias(name, since, until) if name else None


def _load(path: str | os.PathLike[str]) -> tuple[str, str, Any]:
    from advisor.catalog_io import _parse_yaml

    label = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError([Problem(label, f"cannot read: {exc}")]) from None
    data, duplicates = _parse_yaml(text, label)
    if duplicates:
        raise CatalogError(duplicates)
    return label, text, data


def _line(text: str, loc: tuple[str | int, ...]) -> int | None:
    from advisor.catalog_io import line_of

    return line_of(text, loc)


# --- which names the price sources sell -------------------------------------------------------------

PRICE_FILES = (
    "prices/litellm_model_prices_and_context_window_pypi-1.110.2.json",
    "prices/litellm_model_prices_and_context_window_pypi-1.109.1.json",
    "prices/genai_prices_pypi-0.2.3_data.derived.json",
)
"""The price sources whose models count as sold, under the shared data folder."""


def priced_by_sources(
    data_dir: str | os.PathLike[str], names: Mapping[str, Iterable[str]] = {}, *, match_rules: bool = True
) -> Callable[[str], bool]:
    """A test of whether a catalog id is sold by a price source of :data:`PRICE_FILES`.

    An id is sold when it, or one of its ``names`` (e.g. from ``current_names.yaml`` or the curated
    aliases), ignoring case, is a LiteLLM key with a token price (with or without its provider
    prefix) or a genai-prices model with a price (its id, or a name its ``match`` rule accepts).
    With ``match_rules=False`` only exact names count (genai-prices' prefix rules can be loose:
    ``starts_with: gemini-1.5-flash`` also accepts Flash-8B). This is how the join rate is measured
    before the rebuilt catalog holds the prices.
    """
    root = Path(data_dir)
    keys: set[str] = set()
    rules: list[Any] = []
    for rel in PRICE_FILES:
        with open(root / rel, encoding="utf-8") as fh:
            data = json.load(fh)
        if isinstance(data, dict):  # a LiteLLM map
            for key, entry in data.items():
                if isinstance(entry, dict) and _has_token_price(entry):
                    keys.update((key.casefold(), key.rpartition("/")[2].casefold()))
        else:  # genai-prices: providers with models
            for provider in data:
                for model in provider.get("models", ()):
                    if _genai_priced(model.get("prices")):
                        keys.update((model["id"].casefold(), model["id"].rpartition("/")[2].casefold()))
                        rules.append(model.get("match", {}))
                        keys.update(n.casefold() for n in _equals(model.get("match", {})))
    extra = {k: tuple(v) for k, v in names.items()}

    def sold(name: str) -> bool:
        return name.casefold() in keys or (match_rules and any(_matches(rule, name) for rule in rules))

    def is_priced(model_id: str) -> bool:
        return any(sold(n) for n in (model_id, *extra.get(model_id, ())))

    return is_priced


def _has_token_price(entry: Mapping[str, Any]) -> bool:
    if entry.get("mode") not in ("chat", "responses", "completion"):
        return False
    tiers = entry.get("tiered_pricing")  # dashscope: prices by prompt length
    rows = [entry, *(t for t in tiers if isinstance(t, dict))] if isinstance(tiers, list) else [entry]
    prices = [r.get(f) for r in rows for f in ("input_cost_per_token", "output_cost_per_token")]
    return any(isinstance(p, (int, float)) and p > 0 for p in prices)


def _genai_priced(prices: Any) -> bool:
    if isinstance(prices, list):
        return any(_genai_priced(p.get("prices")) for p in prices if isinstance(p, dict))
    if not isinstance(prices, dict):
        return False
    tokens = (prices.get("input_mtok"), prices.get("output_mtok"))
    return any(isinstance(p, dict) or (isinstance(p, (int, float)) and p > 0) for p in tokens)


def _equals(rule: Any) -> Iterable[str]:
    """The names an ``equals`` clause of a genai-prices ``match`` rule (or its ``or``) names."""
    if isinstance(rule, dict):
        if isinstance(rule.get("equals"), str):
            yield rule["equals"]
        for sub in rule.get("or", ()):
            yield from _equals(sub)


def _matches(rule: Any, name: str) -> bool:
    """genai-prices' ``match`` language: equals, starts_with, ends_with, contains, regex, or, and."""
    if not isinstance(rule, dict) or len(rule) != 1:
        return False
    ((op, arg),) = rule.items()
    if op == "or":
        return any(_matches(r, name) for r in arg)
    if op == "and":
        return all(_matches(r, name) for r in arg)
    if not isinstance(arg, str):
        return False
    if op == "equals":
        return name == arg
    if op == "starts_with":
        return name.startswith(arg)
    if op == "ends_with":
        return name.endswith(arg)
    if op == "contains":
        return arg in name
    if op == "regex":
        return re.search(arg, name) is not None
    return False


def main(argv: Sequence[str] | None = None) -> int:
    """Print the join rate of leaderboard JSON files (``python -m advisor.importers.arena_names``)."""
    import argparse

    from advisor.catalog_io import read_catalog_file

    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(
        prog="python -m advisor.importers.arena_names",
        description="Join rate of LMArena leaderboard JSON files: the share of sold models joined to their price.",
        epilog="example: python -m advisor.importers.arena_names "
        "../shared/data/arena/lmarena_leaderboard-text_2025-12-11.json",
    )
    parser.add_argument("boards", nargs="+", type=Path, help="LMArena leaderboard JSON files")
    parser.add_argument("--data", type=Path, default=repo.parent / "shared" / "data", help="the shared data folder")
    parser.add_argument("--build", type=Path, default=repo / "catalog" / "build", help="folder of the curated files")
    args = parser.parse_args(argv)
    try:
        names = read_arena_names(args.build / "arena_names.yaml")
        aliases: dict[str, list[str]] = {
            k: [a.name for a in v] for k, v in read_current_names(args.build / "current_names.yaml").items()
        }
        for m in read_catalog_file(args.build / "models.yaml").models:
            aliases.setdefault(m.id, []).extend(a.name for a in m.aliases)
        is_priced = priced_by_sources(args.data, aliases)
        for board in args.boards:
            with open(board, encoding="utf-8") as fh:
                categories = json.load(fh)
            on_board = {n for cat in categories.values() for n in cat}
            print(f"{board.name}: {join_rate(on_board, names, is_priced)}")
    except (OSError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
