"""Workload cost: blends, tiers, cache, batch, multipliers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from advisor.catalog import load_catalog
from advisor.workload import Workload, cost, model_costs

LAYER = """\
schema_version: 1
sources:
  s: {title: made by the test}
benchmarks:
  arena-text: {name: Arena, scale: Elo, elo_scale: 400}
models:
  - id: tiered
    provider: Google
    prices:
      - since: 2024-05-01
        input: 3.5
        output: 10.5
        cached_input: 0.875
        source: s
        long_context:
          - {above_input_tokens: 128000, input: 7, output: 21, cached_input: 1.75}
  - id: batchable
    provider: OpenAI
    output_multiplier: 3
    prices:
      - {since: 2024-05-01, input: 2, output: 8, batch_input: 1, batch_output: 4, source: s}
  - id: hosted
    provider: Meta
    prices:
      - {since: 2024-05-01, input: 3, output: 3, host: cheap-host, source: s}
      - {since: 2024-05-01, input: 5, output: 15, host: dear-host, source: s}
  - id: unpriced
    provider: Acme
"""


@pytest.fixture
def catalog(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "c.yaml"
    path.write_text(LAYER, encoding="utf-8")
    return load_catalog(path, bundled=False).as_of(dt.date(2024, 7, 1))


def test_default_workload_is_the_three_to_one_blend(catalog) -> None:  # type: ignore[no-untyped-def]
    r = cost(catalog, ["tiered"])
    c = r.costs[0]
    assert r.workload.blend == "3:1 input:output"
    assert c.blended_usd_per_mtok == pytest.approx((3 * 3.5 + 10.5) / 4)
    assert c.usd_per_request == pytest.approx((3000 * 3.5 + 1000 * 10.5) / 1e6)
    assert c.usd_per_month is None
    assert c.long_context_above is None


def test_long_context_tier_reprices_the_whole_request(catalog) -> None:  # type: ignore[no-untyped-def]
    w = Workload(input_tokens=200_000, output_tokens=1000)
    c = cost(catalog, ["tiered"], workload=w).costs[0]
    assert c.long_context_above == 128_000
    assert c.usd_per_request == pytest.approx((200_000 * 7 + 1000 * 21) / 1e6)
    at_threshold = cost(catalog, ["tiered"], workload=Workload(input_tokens=128_000)).costs[0]
    assert at_threshold.long_context_above is None  # "passes" the threshold means above it


def test_cached_share_uses_the_cache_price(catalog) -> None:  # type: ignore[no-untyped-def]
    w = Workload(input_tokens=4000, output_tokens=0, cached_share=0.5)
    c = cost(catalog, ["tiered"], workload=w).costs[0]
    assert c.usd_per_request == pytest.approx((2000 * 3.5 + 2000 * 0.875) / 1e6)
    # a model without a cache price pays full price for cached tokens
    b = cost(catalog, ["batchable"], workload=w).costs[0]
    assert b.usd_per_request == pytest.approx(4000 * 2 / 1e6)


def test_batch_prices_and_output_multiplier(catalog) -> None:  # type: ignore[no-untyped-def]
    normal = cost(catalog, ["batchable"]).costs[0]
    assert normal.output_multiplier == 3
    assert normal.usd_per_request == pytest.approx((3000 * 2 + 3000 * 8) / 1e6)
    batch = cost(catalog, ["batchable"], workload=Workload(batch=True)).costs[0]
    assert batch.batch_priced
    assert batch.usd_per_request == pytest.approx((3000 * 1 + 3000 * 4) / 1e6)
    user = cost(catalog, ["batchable"], workload=Workload(output_multipliers={"batchable": 1.0})).costs[0]
    assert user.usd_per_request == pytest.approx((3000 * 2 + 1000 * 8) / 1e6)


def test_cheapest_host_is_used_and_named(catalog) -> None:  # type: ignore[no-untyped-def]
    c = cost(catalog, ["hosted"], workload=Workload(requests_per_month=1000)).costs[0]
    assert c.host == "cheap-host"
    assert c.usd_per_month == pytest.approx(1000 * (3000 * 3 + 1000 * 3) / 1e6)


def test_unpriced_model_is_reported_not_priced_at_zero(catalog) -> None:  # type: ignore[no-untyped-def]
    r = cost(catalog, ["unpriced", "hosted"])
    assert [c.id for c in r.costs] == ["hosted"]
    assert r.unpriced == ("unpriced",)
    costs, unpriced = model_costs(list(catalog), Workload())
    assert all(c.usd_per_request > 0 for c in costs)
    assert unpriced == ("unpriced",)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_tokens": -1}, "input_tokens must be a finite number from 0 to 1e+12, got -1"),
        ({"input_tokens": float("nan")}, "input_tokens must be a finite number from 0 to 1e+12, got nan"),
        ({"output_tokens": "1000"}, "output_tokens must be a finite number from 0 to 1e+12, got '1000'"),
        ({"input_tokens": 0, "output_tokens": 0}, "a request needs input_tokens or output_tokens above 0"),
        ({"cached_share": 1.5}, "cached_share must be between 0 and 1, got 1.5"),
        ({"cached_share": float("nan")}, "cached_share must be between 0 and 1, got nan"),
        ({"requests_per_month": -3.0}, "requests_per_month must be a finite number from 0 to 1e+15, got -3.0"),
        ({"output_multipliers": {"x": 0.0}}, "output_multipliers for 'x' must be > 0 and at most 1000, got 0.0"),
    ],
)
def test_bad_workloads(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        Workload(**kwargs)  # type: ignore[arg-type]
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("i", "o", "blend"),
    [
        (3000, 1000, "3:1 input:output"),
        (1000, 1000, "1:1 input:output"),
        (500, 1500, "1:3 input:output"),
        (1000, 0, "input only"),
        (2500, 1000, "2.50:1 input:output"),
    ],
)
def test_blend_words(i: float, o: float, blend: str) -> None:
    assert Workload(input_tokens=i, output_tokens=o).blend == blend
