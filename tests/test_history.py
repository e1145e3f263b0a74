"""cost_of_quality: the cheapest price that reached a fixed bar, per snapshot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import advisor
from advisor.errors import AdvisorError
from advisor.history import DEFAULT_BAR, CostOfQuality, cost_of_quality, snapshot_dates

TINY = """\
schema_version: 1
sources:
  s: {title: hand-made}
benchmarks:
  q: {name: Quality, scale: points}
  err: {name: Error rate, scale: '%', higher_is_better: false}
models:
- id: ref
  provider: A
  prices: [{input: 30, output: 60, source: s}]
  scores:
  - {benchmark: q, as_of: 2024-01-01, value: 100, source: s}
  - {benchmark: q, as_of: 2024-06-01, value: 110, source: s}
  - {benchmark: err, as_of: 2024-01-01, value: 10, source: s}
- id: cheap
  provider: B
  prices:
  - {input: 1, output: 1, source: s, until: 2024-03-01}
  - {input: 0.5, output: 0.5, source: s, since: 2024-03-01}
  scores:
  - {benchmark: q, as_of: 2024-01-01, value: 99, source: s}
  - {benchmark: q, as_of: 2024-06-01, value: 111, source: s}
  - {benchmark: err, as_of: 2024-01-01, value: 9, source: s}
- id: mid
  provider: C
  released: 2024-02-01
  prices: [{input: 2, output: 2, source: s}]
  scores:
  - {benchmark: q, as_of: 2024-06-01, value: 120, source: s}
"""


@pytest.fixture
def tiny(tmp_path: Path) -> advisor.Catalog:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    return advisor.load_catalog(path, bundled=False)


def test_hand_solved(tiny: advisor.Catalog) -> None:
    c = cost_of_quality(tiny, metric="q", bar="ref")
    assert [p.date for p in c.points] == [dt.date(2024, 1, 1), dt.date(2024, 6, 1)]
    first, last = c.points
    # 2024-01-01: cheap (99) misses ref's 100, so ref itself is the cheapest reaching it.
    assert (first.bar_score, first.model, first.usd_per_mtok, first.qualifying, first.considered) == (
        100.0,
        "ref",
        37.5,
        1,
        2,
    )
    # 2024-06-01: cheap (111) beats ref's 110 at its new price; mid (120) qualifies too but costs more.
    assert (last.bar_score, last.model, last.usd_per_mtok, last.qualifying, last.considered) == (
        110.0,
        "cheap",
        0.5,
        3,
        3,
    )
    assert first.bar_usd_per_mtok == last.bar_usd_per_mtok == 37.5
    assert c.fall_pct == pytest.approx((1 - 0.5 / 37.5) * 100)
    assert c.fall_from_bar_pct == pytest.approx((1 - 0.5 / 37.5) * 100)
    assert c.bar == c.bar_model == "ref"


def test_a_number_is_an_absolute_bar_and_lower_is_better_is_respected(tiny: advisor.Catalog) -> None:
    c = cost_of_quality(tiny, metric="q", bar=115)
    assert c.bar == "score >= 115" and c.bar_model is None
    assert [(p.model, p.qualifying) for p in c.points] == [(None, 0), ("mid", 1)]
    assert c.fall_pct is None  # only one date had a qualifying model
    assert [p.bar_usd_per_mtok for p in c.points] == [None, None]
    err = cost_of_quality(tiny, metric="err", bar=9.5)
    assert err.bar == "score <= 9.5"
    assert [p.model for p in err.points] == ["cheap"]


def test_bar_model_not_released_or_not_rated_is_skipped(tiny: advisor.Catalog) -> None:
    c = cost_of_quality(tiny, metric="q", bar="mid")
    assert [p.date for p in c.points] == [dt.date(2024, 6, 1)]
    assert [(s.date, s.reason) for s in c.skipped] == [(dt.date(2024, 1, 1), "mid was not released yet")]


def test_dates_and_bounds(tiny: advisor.Catalog) -> None:
    # A date between snapshots: prices of that day, scores of the newest snapshot before it.
    c = cost_of_quality(tiny, metric="q", bar="ref", dates=[dt.date(2024, 4, 1), dt.date(2024, 1, 1)])
    assert [(p.date, p.model) for p in c.points] == [(dt.date(2024, 1, 1), "ref"), (dt.date(2024, 4, 1), "ref")]
    later = cost_of_quality(tiny, metric="q", bar="ref", start=dt.date(2024, 2, 1))
    assert [p.date for p in later.points] == [dt.date(2024, 6, 1)]
    with pytest.raises(ValueError, match="start"):
        cost_of_quality(tiny, metric="q", start=dt.date(2024, 6, 1), end=dt.date(2024, 1, 1))


@pytest.mark.parametrize(("bar", "error"), [(True, TypeError), (float("nan"), ValueError), ([1], TypeError)])
def test_bad_bars(tiny: advisor.Catalog, bar: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        cost_of_quality(tiny, metric="q", bar=bar)  # type: ignore[arg-type]


def test_needs_the_full_history_not_a_view(tiny: advisor.Catalog) -> None:
    with pytest.raises(AdvisorError, match="full history"):
        cost_of_quality(tiny.as_of(dt.date(2024, 6, 1)), metric="q")


def test_unknown_bar_model_lists_close_matches(tiny: advisor.Catalog) -> None:
    with pytest.raises(advisor.UnknownModelError, match="did you mean 'ref'"):
        cost_of_quality(tiny, metric="q", bar="reff")


def test_bundled_catalog_agrees_with_recommend_on_every_snapshot() -> None:
    catalog = advisor.load_catalog()
    c = cost_of_quality(catalog)
    assert isinstance(c, CostOfQuality)
    assert c.bar_model == DEFAULT_BAR
    # The default bar is rated in every Arena snapshot, so no date is skipped.
    assert [p.date for p in c.points] == list(snapshot_dates(catalog)) and not c.skipped
    for p in c.points:
        rec = advisor.recommend(catalog.as_of(p.date), min_score=p.bar_score)
        assert (p.model, p.usd_per_mtok, p.qualifying, p.considered) == (
            rec.choice.id,
            rec.choice.cost.blended_usd_per_mtok,
            rec.qualifying,
            rec.considered,
        )
    assert c.fall_from_bar_pct is not None and c.fall_from_bar_pct > 99
