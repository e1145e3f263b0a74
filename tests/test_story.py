"""The July-2024 story must come out of the bundled catalog (figures from the Arena and price maps)."""

from __future__ import annotations

import datetime as dt

import pytest

from advisor import Workload, compare, load_catalog, rank, recommend

JULY = dt.date(2024, 7, 24)


@pytest.fixture(scope="module")
def july():  # type: ignore[no-untyped-def]
    return load_catalog().as_of(JULY)


def test_gpt4o_mini_is_the_cheapest_model_not_statistically_worse_than_gpt4o(july) -> None:  # type: ignore[no-untyped-def]
    rec = recommend(july, target="gpt-4o")
    assert rec.choice.id == "gpt-4o-mini-2024-07-18"
    assert rec.reference is not None and rec.reference.id == "gpt-4o-2024-05-13"
    # 3:1 blend: (3 x 0.15 + 0.60) / 4 = $0.2625 against (3 x 5 + 15) / 4 = $7.50 per 1M tokens
    assert rec.choice.cost.blended_usd_per_mtok == pytest.approx(0.2625)
    assert rec.reference.cost.blended_usd_per_mtok == pytest.approx(7.5)
    assert rec.price_ratio == pytest.approx(7.5 / 0.2625)


@pytest.mark.parametrize(("i", "o", "ratio"), [(3000, 1000, 28.571), (1000, 1000, 26.667), (1000, 3000, 25.641)])
def test_roughly_a_twentieth_to_a_thirtieth_of_the_price(july, i, o, ratio) -> None:  # type: ignore[no-untyped-def]
    rec = recommend(july, target="gpt-4o", workload=Workload(input_tokens=i, output_tokens=o))
    assert rec.choice.id == "gpt-4o-mini-2024-07-18"
    assert rec.price_ratio == pytest.approx(ratio, abs=1e-3)
    assert 20 <= rec.price_ratio <= 30


def test_they_share_first_place(july) -> None:  # type: ignore[no-untyped-def]
    top = {r.id: r.rank for r in rank(july).rows}
    assert top["gpt-4o-2024-05-13"] == 1
    assert top["gpt-4o-mini-2024-07-18"] == 1
    assert top["claude-3-5-sonnet-20240620"] == 2


def test_less_than_half_of_gpt35_turbo(july) -> None:  # type: ignore[no-untyped-def]
    c = compare(july, "gpt-4o-mini", "gpt-3.5-turbo-0125")
    assert c.price_ratio == pytest.approx(0.2625 / 0.75)
    assert c.price_ratio < 0.5
    assert c.significant is True and c.score_gap is not None and c.score_gap > 150


def test_about_99_percent_cheaper_than_text_davinci_003(july) -> None:  # type: ignore[no-untyped-def]
    c = compare(july, "gpt-4o-mini", "text-davinci-003")
    assert c.price_ratio == pytest.approx(0.2625 / 20)
    assert 98.5 < (1 - c.price_ratio) * 100 < 99.5  # type: ignore[operator]
    assert c.score_b is None  # price-only entry: no Arena score, and no made-up one
