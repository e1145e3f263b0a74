"""The importers' linear-time paths agree with the obviously-correct step-by-step versions they replace.

The references below are the earlier implementations (quadratic: every step re-sorts and rescans a
model's whole period list); the fast versions must give the same periods and the same tallies on
many seeded random inputs made here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import random

import pytest

from advisor.catalog import load_catalog
from advisor.importers._common import Counts, bulk, evolve, make
from advisor.importers.price_history import _merge
from advisor.names import NameIndex
from advisor.periods import end_price, set_price, sorted_prices
from advisor.schema import Model, PricePeriod

HOST_CHOICES = (None, "groq")


def merge_reference(
    prices: tuple[PricePeriod, ...], host: str | None, new: list[PricePeriod], counts: Counts
) -> tuple[PricePeriod, ...]:
    """One ``set_price`` (then ``end_price`` at its end) per new period over the whole list."""
    same_host = [p for p in prices if p.host == host]
    if not same_host:
        counts.added += len(new)
        return sorted_prices([*prices, *new])
    present = set(same_host)
    for period in sorted(new, key=lambda p: p.since or dt.date.min):
        if period in present:
            counts.unchanged += 1
            continue
        prices, outcome = set_price(prices, period)
        if period.until is not None and outcome != "added":
            prices, closed = end_price(prices, host, period.until)
            outcome = "updated" if closed == "updated" else outcome
        counts.bump(outcome)
    return prices


def _disjoint(rng: random.Random, n: int, host: str | None, source: str, open_ends: bool) -> list[PricePeriod]:
    """``n`` disjoint periods of ``host`` at random days (gaps allowed), prices from a small set so runs repeat."""
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(30))
    out = []
    for i in range(n):
        length = rng.randrange(1, 20)
        since: dt.date | None = day
        until: dt.date | None = day + dt.timedelta(days=length)
        if open_ends and i == 0 and rng.random() < 0.3:
            since = None
        if (open_ends or rng.random() < 0.5) and i == n - 1 and rng.random() < 0.5:
            until = None
        cached = rng.choice((None, None, 0.5))
        out.append(
            PricePeriod(
                input=rng.choice((1.0, 2.0, 3.0)),
                output=rng.choice((4.0, 8.0)),
                source=source,
                since=since,
                until=until,
                host=host,
                cached_input=cached,
            )
        )
        day += dt.timedelta(days=length + rng.choice((0, 0, 0, rng.randrange(1, 15))))
    return out


@pytest.mark.parametrize("seed", range(300))
def test_history_merge_matches_reference(seed: int) -> None:
    rng = random.Random(seed)
    host = rng.choice(HOST_CHOICES)
    existing = _disjoint(rng, rng.randrange(0, 6), host, "old", open_ends=True)
    other_host = _disjoint(rng, rng.randrange(0, 3), "together_ai", "old", open_ends=True)
    new = _disjoint(rng, rng.randrange(1, 25), host, "new", open_ends=False)
    # Some new periods repeat an existing one exactly (a second import of the same history).
    new += [p for p in existing if p.since is not None and rng.random() < 0.3]
    new = sorted({(p.since, p): p for p in new if p.since is not None}.values(), key=lambda p: p.since or dt.date.min)
    kept: list[PricePeriod] = []
    for p in new:  # keep them disjoint: drop any that overlaps the last one kept
        if not kept or (kept[-1].until is not None and p.since is not None and kept[-1].until <= p.since):
            kept.append(p)
    prices = sorted_prices([*existing, *other_host])
    fast_counts, ref_counts = Counts(), Counts()
    fast = _merge(prices, host, kept, fast_counts)
    ref = merge_reference(prices, host, kept, ref_counts)
    assert fast == ref
    assert vars(fast_counts) == vars(ref_counts)


def test_history_merge_into_existing_periods_example() -> None:
    """A model priced 5/9 from 2024 gets three history runs: the old period closes, the runs follow."""
    old = PricePeriod(input=5, output=9, source="old", since=dt.date(2024, 1, 1))
    runs = [
        PricePeriod(input=1, output=2, source="new", since=dt.date(2024, 3, 1), until=dt.date(2024, 4, 1)),
        PricePeriod(input=5, output=9, source="new", since=dt.date(2024, 4, 1), until=dt.date(2024, 5, 1)),
        PricePeriod(input=3, output=6, source="new", since=dt.date(2024, 5, 1)),
    ]
    counts = Counts()
    out = _merge((old,), None, runs, counts)
    assert [(p.input, p.since, p.until, p.source) for p in out] == [
        (5, dt.date(2024, 1, 1), dt.date(2024, 3, 1), "old"),
        (1, dt.date(2024, 3, 1), dt.date(2024, 4, 1), "new"),
        (5, dt.date(2024, 4, 1), dt.date(2024, 5, 1), "new"),
        (3, dt.date(2024, 5, 1), None, "new"),
    ]
    assert (counts.added, counts.updated, counts.unchanged) == (2, 1, 0)


def test_name_ids_match_the_lookup_on_the_bundled_catalog() -> None:
    """``ids`` (with its one-hit shortcut) equals the distinct sorted ids of ``lookup``, for every name and date."""
    models = load_catalog(bundled=True, updates=False).models
    index = NameIndex(models)
    days = [None, dt.date(2023, 1, 1), dt.date(2024, 8, 6), dt.date(2025, 6, 1), dt.date(2026, 11, 30)]
    names = [*index, "GPT-4o ", "no-such-model"]
    assert len(names) > 1000
    for name in names:
        for day in days:
            assert index.ids(name, day) == sorted({i for i, _ in index.lookup(name, day)}), (name, day)


def test_make_and_evolve_build_what_the_constructors_build() -> None:
    """``make`` is the constructor and ``evolve`` is ``dataclasses.replace``, for every bundled model and
    price period, fields in the same order; both refuse unknown fields, ``make`` a missing required one."""
    for model in load_catalog(bundled=True, updates=False).models:
        fields = {f.name: getattr(model, f.name) for f in dataclasses.fields(Model)}
        built = make(Model, **fields)
        assert built == model and list(vars(built)) == list(vars(model))
        for period in model.prices:
            given = {f.name: getattr(period, f.name) for f in dataclasses.fields(PricePeriod) if f.name != "note"}
            built_period = make(PricePeriod, **given)
            assert built_period == PricePeriod(**given) and list(vars(built_period)) == list(vars(period))
        changes = {"prices": model.prices[:1], "context_window": 1234, "source": "s"}
        assert evolve(model, **changes) == dataclasses.replace(model, **changes)
        assert evolve(model) == model
    assert make(Model, id="x") == Model(id="x")
    with pytest.raises(TypeError, match="no field"):
        evolve(model, price=())
    with pytest.raises(TypeError, match=r"unknown field\(s\) price"):
        make(Model, id="x", price=())
    with pytest.raises(TypeError, match=r"missing or unknown field\(s\) output, source"):
        make(PricePeriod, input=1.0)


def test_bulk_pauses_and_restores_the_collector() -> None:
    seen: list[bool] = []

    @bulk
    def work(fail: bool) -> int:
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("boom")
        return 7

    assert gc.isenabled()
    assert work(False) == 7
    with pytest.raises(ValueError):
        work(True)
    assert gc.isenabled()
    gc.disable()
    try:
        work(False)
        assert not gc.isenabled()  # a caller's own pause is left as it was
    finally:
        gc.enable()
    assert seen == [False, False, False]
