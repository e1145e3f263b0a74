"""Decisions on catalogs made by the tests: exact choices, ties, nothing-qualifies, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from advisor.catalog import load_catalog
from advisor.errors import AdvisorError, NoCandidateError, UnknownMetricError, UnknownModelError
from advisor.leaderboard import compare, rank
from advisor.router import Router
from advisor.select import frontier, recommend

# Costs at the default 3:1 blend equal the input=output price given here.
LAYER = """\
schema_version: 1
sources:
  s: {title: made by the test}
benchmarks:
  arena-text: {name: Arena, scale: Elo, elo_scale: 400}
  latency: {name: Latency, scale: ms, higher_is_better: false}
models:
"""
MODELS = [
    # id, price, score, ci
    ("top", 10.0, 1300, 5),
    ("near-top", 4.0, 1296, 6),  # tied with top (1302 >= 1295)
    ("mid", 1.0, 1250, 4),
    ("cheap", 0.1, 1200, 10),
    ("dominated", 5.0, 1240, 3),  # dearer than mid and worse
    ("no-price", None, 1350, 5),
    ("no-score", 0.01, None, None),
]


@pytest.fixture
def catalog(tmp_path: Path):  # type: ignore[no-untyped-def]
    lines = [LAYER]
    for mid, price, score, ci in MODELS:
        lines.append(f"  - id: {mid}\n    provider: P-{mid}\n")
        if price is not None:
            lines.append(f"    prices: [{{since: 2024-01-01, input: {price}, output: {price}, source: s}}]\n")
        if score is not None:
            lines.append(
                f"    scores: [{{benchmark: arena-text, as_of: 2024-06-01, value: {score}, "
                f"ci_lower: {score - ci}, ci_upper: {score + ci}, votes: 1000, source: s}}]\n"
            )
    path = tmp_path / "c.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return load_catalog(path, bundled=False).as_of(dt.date(2024, 7, 1))


def test_frontier_point_and_statistical(catalog) -> None:  # type: ignore[no-untyped-def]
    f = frontier(catalog)
    assert [o.id for o in f.pareto] == ["cheap", "mid", "near-top", "top"]
    # top (1295..1305) is statistically tied with the cheaper near-top, so it stays on the
    # statistical frontier; dominated (1237..1243) is beaten by mid (1246..1254) at lower cost.
    assert [o.id for o in f.statistical] == ["cheap", "mid", "near-top", "top"]
    assert {(x.id, x.reason) for x in f.left_out} == {
        ("no-price", "no price"),
        ("no-score", "no arena-text score"),
    }


def test_statistical_frontier_keeps_a_dearer_model_within_the_ci(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        LAYER + "  - {id: a, provider: P, prices: [{input: 1, output: 1, source: s}], scores: [{benchmark: arena-text, "
        "as_of: 2024-06-01, value: 1250, ci_lower: 1240, ci_upper: 1260, source: s}]}\n"
        + "  - {id: b, provider: P, prices: [{input: 2, output: 2, source: s}], scores: [{benchmark: arena-text, "
        "as_of: 2024-06-01, value: 1245, ci_lower: 1235, ci_upper: 1255, source: s}]}\n",
        encoding="utf-8",
    )
    f = frontier(load_catalog(path, bundled=False).as_of(dt.date(2024, 7, 1)))
    assert [o.id for o in f.pareto] == ["a"]
    assert [o.id for o in f.statistical] == ["a", "b"]


def test_cheapest_not_statistically_worse_than_target(catalog) -> None:  # type: ignore[no-untyped-def]
    rec = recommend(catalog, target="top")
    assert rec.choice.id == "near-top"
    assert rec.reference is not None and rec.reference.id == "top"
    assert rec.price_ratio == pytest.approx(2.5)
    assert rec.savings_pct == pytest.approx(60.0)
    assert rec.blend == "3:1 input:output"
    assert rec.qualifying == 2 and rec.considered == 5


def test_min_score_and_min_win_rate(catalog) -> None:  # type: ignore[no-untyped-def]
    assert recommend(catalog, min_score=1245).choice.id == "mid"
    # P(mid beats top) = 1/(1+10^(50/400)) = 0.4285; P(near-top beats top) = 0.4942
    assert recommend(catalog, min_win_rate=0.45, vs="top").choice.id == "near-top"
    assert recommend(catalog, min_win_rate=0.42, vs="top").choice.id == "mid"


def test_budget_ties_go_to_the_cheaper_model(catalog) -> None:  # type: ignore[no-untyped-def]
    rec = recommend(catalog, budget=20)
    assert rec.choice.id == "near-top"
    assert [o.id for o in rec.tied] == ["top"]
    assert recommend(catalog, budget=2).choice.id == "mid"
    # per request (4,000 tokens): near-top $0.016, mid $0.004
    assert recommend(catalog, budget=0.02, per="request").choice.id == "near-top"
    assert recommend(catalog, budget=0.01, per="request").choice.id == "mid"


def test_budget_and_target_together(catalog) -> None:  # type: ignore[no-untyped-def]
    assert recommend(catalog, target="mid", budget=2).choice.id == "mid"
    with pytest.raises(NoCandidateError) as info:
        recommend(catalog, target="top", budget=2)
    assert str(info.value) == (
        "no model meets not statistically worse than top on arena-text and cost <= $2.00 per 1M tokens "
        "as of 2024-07-01; cheapest meeting the bar: near-top at $4.00 per 1M tokens; best within budget: mid (1250)"
    )
    nearest = info.value.nearest
    assert nearest.meets_target_over_budget.id == "near-top"  # type: ignore[union-attr]
    assert nearest.best_within_budget.id == "mid"  # type: ignore[union-attr]


def test_rank_is_tie_aware(catalog) -> None:  # type: ignore[no-untyped-def]
    board = rank(catalog)
    assert [(r.rank, r.id) for r in board.rows] == [
        (1, "no-price"),
        (2, "top"),
        (2, "near-top"),
        (4, "mid"),
        (5, "dominated"),
        (6, "cheap"),
    ]
    assert board.unscored == ("no-score",)
    assert board.rows[0].blended_usd_per_mtok is None


def test_compare(catalog) -> None:  # type: ignore[no-untyped-def]
    c = compare(catalog, "near-top", "top")
    assert c.price_ratio == pytest.approx(0.4)
    assert c.score_gap == -4
    assert c.significant is False
    assert c.p_a_beats_b == pytest.approx(1 / (1 + 10 ** (4 / 400)))
    assert (c.rank_a, c.rank_b) == (2, 2)
    assert compare(catalog, "mid", "cheap").significant is True
    missing = compare(catalog, "no-price", "top")
    assert missing.price_ratio is None and missing.cost_a is None


def test_lower_is_better_metric(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        LAYER + "  - {id: fast, provider: P, prices: [{input: 2, output: 2, source: s}], scores: [{benchmark: latency, "
        "as_of: 2024-06-01, value: 200, source: s}]}\n"
        + "  - {id: slow, provider: P, prices: [{input: 1, output: 1, source: s}], scores: [{benchmark: latency, "
        "as_of: 2024-06-01, value: 900, source: s}]}\n",
        encoding="utf-8",
    )
    cat = load_catalog(path, bundled=False).as_of(dt.date(2024, 7, 1))
    assert [o.id for o in frontier(cat, metric="latency").pareto] == ["slow", "fast"]
    assert recommend(cat, metric="latency", min_score=500).choice.id == "fast"
    assert [r.id for r in rank(cat, metric="latency").rows] == ["fast", "slow"]
    assert Router(cat, metric="latency").cheapest(500).id == "fast"  # type: ignore[union-attr]


def test_router_matches_recommend(catalog) -> None:  # type: ignore[no-untyped-def]
    router = Router(catalog)
    assert [r.id for r in router.frontier] == ["cheap", "mid", "near-top", "top"]
    for bar in (1100, 1200, 1201, 1250, 1296, 1300):
        assert router.cheapest(bar).id == recommend(catalog, min_score=bar).choice.id  # type: ignore[union-attr]
    assert router.cheapest(1301) is None
    for budget in (0.1, 0.5, 1.0, 4.0, 9.99, 10.0, 100.0):
        assert (
            router.best_within(budget).id
            == max(  # type: ignore[union-attr]
                (o for o in router.frontier if o.cost <= budget), key=lambda o: o.score
            ).id
        )
    assert router.best_within(0.05) is None
    with pytest.raises(AttributeError):
        router.metric = "x"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"target": "topp"}, UnknownModelError, "unknown model 'topp'; did you mean 'top'?"),
        (
            {"target": "top", "min_score": 3},
            AdvisorError,
            "give one quality bar: target, min_score or min_win_rate",
        ),
        ({"min_win_rate": 0.5}, AdvisorError, "min_win_rate needs vs (the model to beat)"),
        ({"budget": -1}, AdvisorError, "budget must be >= 0, got -1"),
        (
            {},
            AdvisorError,
            "say what you need: a quality bar (target, min_score, min_win_rate) and/or a budget",
        ),
        (
            {"budget": 1, "metric": "arena-txt"},
            UnknownMetricError,
            "unknown metric 'arena-txt'; did you mean 'arena-text'?",
        ),
        (
            {"target": "no-price"},
            AdvisorError,
            "reference model 'no-price' cannot be used as of 2024-07-01: no price",
        ),
        (
            {"budget": 1, "per": "month"},
            AdvisorError,
            "costs per month need the number of requests per month (--requests)",
        ),
    ],
)
def test_bad_requests(catalog, kwargs, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        recommend(catalog, **kwargs)
    assert str(info.value) == message
