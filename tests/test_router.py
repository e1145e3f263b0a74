"""The router: answers equal to the library's decisions, sized to the request, by task, with fallbacks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import fractions
import itertools
import math
import random
import sys
import threading
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from advisor import load_catalog, recommend
from advisor import router as router_module
from advisor.catalog import Catalog
from advisor.endpoints import api_names, endpoint
from advisor.errors import AdvisorError, UnknownMetricError, UnknownModelError
from advisor.mix import cheapest_mix, cheapest_mix_naive, recommend_mix, upper_hull
from advisor.router import Fallbacks, Route, Router, _Queries
from advisor.schema import Benchmark, LongContextTier, Model, PricePeriod, Score, Source
from advisor.workload import Workload

TODAY = dt.date(2026, 11, 30)
JULY = dt.date(2024, 7, 24)


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize(
    ("day", "metric"),
    [(JULY, "arena-text"), (dt.date(2025, 8, 4), "arena-text"), (TODAY, "arena-text"), (TODAY, "arena-hard-auto")],
)
def test_not_worse_than_is_recommend_target_for_every_model(bundled: Catalog, day: dt.date, metric: str) -> None:
    view = bundled.as_of(day)
    router = Router(view)
    agreed = 0
    for model in view:
        try:
            expected = recommend(view, metric=metric, target=model.id).choice.id
        except AdvisorError as exc:
            with pytest.raises(AdvisorError) as got:
                router.not_worse_than(model.id, metric=metric)
            assert model.id in str(got.value) and model.id in str(exc)
            continue
        assert router.not_worse_than(model.id, metric=metric).id == expected, model.id
        agreed += 1
    assert agreed >= 10


def test_not_worse_than_at_a_request_size_is_recommend_at_that_workload(bundled: Catalog) -> None:
    view = bundled.view()
    for work in (
        Workload(input_tokens=150_000, output_tokens=2_000),
        Workload(input_tokens=250_000, output_tokens=500),
    ):
        router = Router(view, workload=work)
        plain = Router(view)
        total = work.input_tokens + work.output_tokens
        # The models a request of this size fits (an unknown window is not a reason to leave a model out).
        fits = dataclasses.replace(
            view, models=tuple(m for m in view if m.context_window is None or m.context_window >= total)
        )
        for model in fits:
            try:
                expected = recommend(fits, target=model.id, workload=work).choice.id
            except AdvisorError:
                continue
            assert router.not_worse_than(model.id).id == expected
            sized = plain.not_worse_than(model.id, input_tokens=work.input_tokens, output_tokens=work.output_tokens)
            assert sized.long_context_above == router.not_worse_than(model.id).long_context_above


def test_cheapest_and_min_win_rate_match_recommend(bundled: Catalog) -> None:
    view = bundled.view()
    router = Router(view)
    scores = sorted({r.score for r in router.frontier} | {1200.0, 1300.5, 1350.0, 1400.0, 1500.0})
    for bar in scores:
        route = router.cheapest(bar)
        try:
            expected = recommend(view, min_score=bar).choice.id
        except AdvisorError:
            assert route is None
            continue
        assert route is not None and route.id == expected
    rng = random.Random(3)
    for vs in ("gpt-4o", "gemma-3-27b-it", "o3-2025-04-16"):
        for p in [rng.uniform(0.05, 0.95) for _ in range(12)]:
            got = router.min_win_rate(p, vs=vs)
            try:
                expected = recommend(view, min_win_rate=p, vs=vs).choice.id
            except AdvisorError:
                assert got is None
                continue
            assert got is not None and got.id == expected


def test_best_within_is_the_best_score_in_budget(bundled: Catalog) -> None:
    router = Router(bundled.view())
    costs = sorted(r.cost for r in router.frontier)
    for budget in [0.0, *costs, *(c * 1.01 for c in costs), 1e9]:
        got = router.best_within(budget)
        fitting = [r for r in router.frontier if r.cost <= budget]
        if not fitting:
            assert got is None
        else:
            assert got is not None and got.score == max(r.score for r in fitting)


def test_a_route_says_who_where_what_name_price_score_and_why(bundled: Catalog) -> None:
    router = Router(bundled.view())
    route = router.cheapest(1350)
    assert route is not None
    # gpt-oss-120b is cheapest via quicksilverpro in the bundled catalog: genai-prices 0.2.3 prices it
    # there at $0.03 in, $0.15 out per 1M tokens from 2026-10-19; arena-text 1365.17 on the 2025-12-11 board
    assert (route.id, route.provider, route.host) == ("gpt-oss-120b", "OpenAI", "quicksilverpro")
    # its name there is known, but quicksilverpro is a genai-prices provider id LiteLLM cannot call
    assert (route.host_model, route.litellm_model) == ("gpt-oss-120b", None)
    assert route.usd_per_mtok == pytest.approx((3000 * 0.03 + 1000 * 0.15) / 4000)
    assert route.usd_per_request == pytest.approx((3000 * 0.03 + 1000 * 0.15) / 1e6)
    assert route.cost == route.usd_per_mtok
    assert (route.score, route.ci_lower, route.ci_upper, route.metric) == (
        1365.1673237680434,
        1360.791834439859,
        1369.5428130962277,
        "arena-text",
    )
    assert "cheapest route meeting the arena-text bar" in route.reason and "quicksilverpro" in route.reason
    # the same object every time: nothing is allocated per query
    assert router.cheapest(1351) is route
    # the next host is one LiteLLM names: wandb at $0.03 in, $0.17 out (LiteLLM map 1.109.1, unchanged in 1.110.2)
    (_, hosted) = router.fallbacks(1).cheapest(1350)
    assert (hosted.host, hosted.host_model, hosted.litellm_model) == (
        "wandb",
        "openai/gpt-oss-120b",
        "wandb/openai/gpt-oss-120b",
    )
    assert hosted.usd_per_mtok == pytest.approx((3000 * 0.03 + 1000 * 0.17) / 4000)
    own = Router(bundled.view().filter(provider="Google", open_weights=False)).cheapest(1280)
    assert own is not None and own.host is None and own.litellm_model == f"gemini/{own.id}"
    assert own.id == "gemini-2.0-flash-lite" and "via its maker" in own.reason
    # a reasoning mode the Arena rates separately has no API id of its own: no name is made up for it
    mode = Router(bundled.view().filter(provider="OpenAI", open_weights=False)).cheapest(1280)
    assert mode is not None and (mode.id, mode.host, mode.host_model, mode.litellm_model) == (
        "gpt-5-nano-high",
        None,
        None,
        None,
    )


def test_api_names(bundled: Catalog) -> None:
    view = bundled.view()
    gpt = view.get("gpt-4o-mini-2024-07-18")
    assert api_names(gpt, None) == ("gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini-2024-07-18")
    assert endpoint(gpt, None) == "openai"
    flash = view.get("gemini-2.5-flash")
    assert api_names(flash, None) == ("gemini-2.5-flash", "gemini/gemini-2.5-flash")
    llama = view.get("meta-llama-3-70b-instruct")
    assert api_names(llama, "bedrock") == ("meta.llama3-70b-instruct-v1:0", "bedrock/meta.llama3-70b-instruct-v1:0")
    assert api_names(llama, "fireworks_ai")[1] == "fireworks_ai/accounts/fireworks/models/llama-v3-70b-instruct"
    assert api_names(llama, "nowhere") == (None, None)
    # a genai-prices host id is no LiteLLM provider: its name is known, no LiteLLM string is made up
    gemma = view.get("gemma-3n-e4b-it")
    assert api_names(gemma, "huggingface_together") == ("google/gemma-3n-E4B-it", None)
    # OpenRouter ids are spelled alike everywhere: a genai-prices OpenRouter name is a LiteLLM string
    assert api_names(gemma, "openrouter") == ("google/gemma-3n-e4b-it", "openrouter/google/gemma-3n-e4b-it")
    # a reasoning mode: the alias under its maker's LiteLLM provider, else no name at all
    assert api_names(view.get("deepseek-v3.2-thinking"), None) == ("deepseek-reasoner", "deepseek/deepseek-reasoner")
    assert api_names(view.get("gpt-5.1-high"), None) == (None, None)
    assert endpoint(llama, "groq") == "groq"


# --- a small catalog the tests write: sizes, tiers, tasks ------------------------------------------

DAY = dt.date(2025, 1, 1)


def _model(
    mid: str,
    provider: str,
    price: tuple[float, float],
    scores: dict[str, tuple[float, float]],
    *,
    context: int | None = None,
    host: str | None = None,
    tiers: tuple[LongContextTier, ...] = (),
    more_hosts: tuple[tuple[str, float, float], ...] = (),
) -> Model:
    periods = [PricePeriod(input=price[0], output=price[1], source="s", host=host, long_context=tiers)]
    periods += [PricePeriod(input=i, output=o, source="s", host=h) for h, i, o in more_hosts]
    return Model(
        id=mid,
        provider=provider,
        context_window=context,
        prices=tuple(periods),
        scores=tuple(
            Score(
                benchmark="arena-text",
                category=cat,
                value=v,
                ci_lower=v - hw,
                ci_upper=v + hw,
                as_of=DAY,
                source="s",
            )
            for cat, (v, hw) in scores.items()
        ),
    )


def small_catalog() -> Catalog:
    """Made here: five models with chosen context windows, one long-context tier, two categories."""
    models = (
        _model("tiny", "A", (0.1, 0.1), {"overall": (1100, 5), "coding": (1000, 5)}, context=8_000),
        _model("mid", "B", (1.0, 1.0), {"overall": (1200, 5), "coding": (1250, 5)}, context=128_000),
        _model(
            "long",
            "C",
            (2.0, 2.0),
            {"overall": (1250, 5), "coding": (1150, 5)},
            context=1_000_000,
            tiers=(LongContextTier(above_input_tokens=200_000, input=4.0, output=6.0),),
        ),
        _model(
            "open",
            "D",
            (0.5, 0.5),
            {"overall": (1220, 5)},
            context=None,
            host="deepinfra",
            more_hosts=(("together_ai", 0.6, 0.6), ("groq", 0.55, 0.55)),
        ),
        _model("top", "E", (10.0, 10.0), {"overall": (1300, 5), "coding": (1300, 5)}, context=200_000),
    )
    return Catalog(
        models=models,
        benchmarks={"arena-text": Benchmark(name="Arena", scale="Elo", elo_scale=400)},
        sources={"s": Source(title="made by tests/test_router.py")},
    ).as_of(DAY)


def test_request_size_skips_small_windows_and_reprices_long_prompts() -> None:
    router = Router(small_catalog())
    assert router.size_limits == ((200_000,), (8_000, 128_000, 200_000, 1_000_000))
    assert router.cheapest(1000).id == "tiny"  # type: ignore[union-attr]
    assert router.cheapest(1000, input_tokens=7_000, output_tokens=1_000).id == "tiny"  # type: ignore[union-attr]
    assert router.cheapest(1000, input_tokens=7_000, output_tokens=1_001).id == "open"  # type: ignore[union-attr]
    # open's window is unknown: it stays; mid (128k) is out above 128,000 tokens
    big = router.cheapest(1200, input_tokens=150_000, output_tokens=1_000)
    assert big is not None and big.id == "open"
    assert router.cheapest(1230, input_tokens=150_000, output_tokens=1_000).id == "long"  # type: ignore[union-attr]
    assert router.cheapest(1230, input_tokens=120_000, output_tokens=1_000).id == "long"  # type: ignore[union-attr]
    huge = router.cheapest(1230, input_tokens=300_000, output_tokens=1_000)
    assert huge is not None and huge.id == "long" and huge.long_context_above == 200_000
    # the tier re-prices every token: the bucket's request is 200,001 input + 1,000 output tokens
    assert huge.usd_per_request == pytest.approx((200_001 * 4.0 + 1_000 * 6.0) / 1e6)
    assert (huge.input_usd_per_mtok, huge.output_usd_per_mtok) == (4.0, 6.0)
    assert "long-context price (prompt over 200,000 tokens)" in huge.reason
    # top's 200,000-token window is too small for 300,000 input tokens
    assert router.cheapest(1290, input_tokens=300_000, output_tokens=1_000) is None
    assert router.cheapest(1290, input_tokens=190_000, output_tokens=1_000).id == "top"  # type: ignore[union-attr]


def test_tasks_and_metrics() -> None:
    router = Router(small_catalog())
    assert router.metrics == ("arena-text", "arena-text/coding")
    assert router.tasks == {"coding": "arena-text/coding"}
    assert router.cheapest(1200).id == "open"  # type: ignore[union-attr]
    assert router.cheapest(1200, task="coding").id == "mid"  # type: ignore[union-attr]
    assert router.cheapest(1260, task="coding").id == "top"  # type: ignore[union-attr]
    assert router.cheapest(1260, metric="arena-text/coding") is router.cheapest(1260, task="coding")
    coding = router.cheapest(1100, task="coding")
    assert coding is not None and coding.metric == "arena-text/coding" and (coding.id, coding.score) == ("mid", 1250)
    with pytest.raises(AdvisorError, match=r"unknown task 'maths' \(known: coding\)"):
        router.cheapest(1200, task="maths")
    with pytest.raises(UnknownMetricError, match="arena-txt"):
        router.cheapest(1200, metric="arena-txt")
    with pytest.raises(AdvisorError, match="a metric or a task, not both"):
        router.cheapest(1200, metric="arena-text", task="coding")


def test_fallbacks_prefer_other_endpoints_and_all_meet_the_bar() -> None:
    router = Router(small_catalog())
    fb = router.fallbacks(3)
    got = fb.cheapest(1210)
    # open is cheapest at deepinfra; its other hosts come next (other endpoints), then long
    assert [(r.id, r.host) for r in got] == [
        ("open", "deepinfra"),
        ("open", "groq"),
        ("open", "together_ai"),
        ("long", None),
    ]
    assert got[0] is router.cheapest(1210)
    assert [r.reason.startswith("fallback") for r in got] == [False, True, True, True]
    assert all(r.score >= 1210 for r in got)
    assert router.fallbacks(1).cheapest(1210) == got[:2]
    assert fb.cheapest(1400) == ()
    within = fb.best_within(1.0)
    # the best score within budget at each endpoint, best first: open at its three hosts, then mid
    assert [(r.id, r.host) for r in within] == [
        ("open", "deepinfra"),
        ("open", "groq"),
        ("open", "together_ai"),
        ("mid", None),
    ]
    nwt = fb.not_worse_than("long")
    assert [r.id for r in nwt] == ["long", "top"] and all(r.ci_upper >= 1245 for r in nwt)
    assert fb.min_win_rate(0.5, vs="mid")[0] is router.min_win_rate(0.5, vs="mid")


def _naive_fallbacks(rows: list[tuple[float, float, str, str, int]], bar: float, n: int) -> list[tuple[str, str]]:
    """Reference: qualifying rows cheapest first; one per endpoint first, then the rest by cost."""
    ok = sorted((r for r in rows if r[1] >= bar), key=lambda r: (r[0], -r[1], r[4]))
    seen: set[str] = set()
    first = []
    for r in ok:
        if r[3] not in seen:
            seen.add(r[3])
            first.append(r)
    rest = [r for r in ok if r not in first]
    return [(r[2], r[3]) for r in (first + rest)[: n + 1]]


@pytest.mark.parametrize("seed", range(8))
def test_fallbacks_match_a_naive_reference(seed: int) -> None:
    rng = random.Random(seed)
    hosts = ["deepinfra", "groq", "together_ai", "fireworks_ai"]
    models = []
    for i in range(30):
        extra = tuple((h, rng.choice([0.1, 0.2, 0.5, 1.0]), 1.0) for h in rng.sample(hosts, rng.randint(0, 2)))
        models.append(
            _model(
                f"m{i}",
                rng.choice("PQRS"),
                (rng.choice([0.1, 0.2, 0.5, 1.0, 2.0]), 1.0),
                {"overall": (rng.choice(range(1100, 1300, 10)), 5)},
                more_hosts=extra,
            )
        )
    view = Catalog(
        models=tuple(models),
        benchmarks={"arena-text": Benchmark(name="Arena", scale="Elo", elo_scale=400)},
        sources={"s": Source(title="generated by the test")},
    ).as_of(DAY)
    router = Router(view)
    rows = []
    k = 0
    for m in view:
        for p in m.prices:
            rows.append((4000 * p.input + 0 * p.output, m.scores[0].value, m.id, p.host or m.provider or "", k))
            k += 1
    for bar in range(1090, 1310, 10):
        for n in (0, 1, 3):
            got = [(r.id, r.host or r.provider) for r in router.fallbacks(n).cheapest(bar)]
            assert got == _naive_fallbacks([(3000 * r[0] / 4000 + 1000 * 1.0, *r[1:]) for r in rows], bar, n), (bar, n)


@pytest.mark.parametrize(
    "call",
    [
        lambda r: r.cheapest(math.nan),
        lambda r: r.cheapest(math.inf),
        lambda r: r.cheapest("1200"),
        lambda r: r.cheapest(decimal.Decimal("NaN")),
        lambda r: r.cheapest(np.float64("nan")),
        lambda r: r.best_within(1.0, input_tokens=decimal.Decimal("sNaN")),
        lambda r: r.best_within(math.nan),
        lambda r: r.best_within(-math.inf),
        lambda r: r.best_within(None),
        lambda r: r.cheapest(1200, input_tokens=math.nan),
        lambda r: r.cheapest(1200, output_tokens=math.inf),
        lambda r: r.best_within(1.0, input_tokens="300k"),
        lambda r: r.not_worse_than("mid", input_tokens=-5),
        lambda r: r.not_worse_than("mid", output_tokens=math.nan),
        lambda r: r.min_win_rate(math.nan, vs="mid"),
        lambda r: r.min_win_rate(1.0, vs="mid"),
        lambda r: r.min_win_rate(0.5, vs="mid", input_tokens=math.inf),
        lambda r: r.mix(math.nan, vs="mid"),
        lambda r: r.fallbacks(-1),
        lambda r: r.fallbacks(2).cheapest(math.nan),
        lambda r: r.fallbacks(2).best_within(math.inf, task="coding"),
    ],
)
def test_bad_numbers_raise_a_clear_error(call) -> None:  # type: ignore[no-untyped-def]
    router = Router(small_catalog())
    with pytest.raises(AdvisorError) as exc:
        call(router)
    text = str(exc.value)
    assert any(
        name in text
        for name in ("min_score", "max_cost", "input_tokens", "output_tokens", "p ", "min_win_rate", "fallbacks")
    )


def test_unknown_and_unusable_references() -> None:
    router = Router(small_catalog())
    with pytest.raises(UnknownModelError, match="'mdi'"):
        router.not_worse_than("mdi")
    with pytest.raises(AdvisorError, match=r"reference model 'open' cannot be used .*: no arena-text/coding score"):
        router.not_worse_than("open", task="coding")
    # the target is the quality reference: it need not fit the request itself
    big = router.not_worse_than("mid", input_tokens=150_000, output_tokens=100)
    assert big is not None and (big.id, big.host) == ("open", "deepinfra")
    assert router.not_worse_than("top", input_tokens=300_000, output_tokens=100) is None


def test_router_is_immutable_and_thread_safe_while_buckets_build() -> None:
    router = Router(small_catalog())
    with pytest.raises(AttributeError):
        router.metric = "x"  # type: ignore[misc]
    sizes = [(1_000, 500), (7_000, 2_000), (150_000, 1_000), (300_000, 1_000), (190_000, 5_000)]
    expected = {s: router.cheapest(1200, input_tokens=s[0], output_tokens=s[1]) for s in sizes}
    fresh = Router(small_catalog())
    errors: list[BaseException] = []
    results: list[tuple[tuple[int, int], Route | None]] = []

    def work() -> None:
        try:
            for s in sizes * 50:
                results.append((s, fresh.cheapest(1200, input_tokens=s[0], output_tokens=s[1])))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for s, r in results:
        e = expected[s]
        assert ((r.id, r.host) if r else None) == ((e.id, e.host) if e else None)


def test_prepare_builds_every_bucket_and_frontier() -> None:
    router = Router(small_catalog()).prepare()
    # mid (1200 for $1) is beaten by open (1220 for $0.5)
    assert [r.id for r in router.frontier] == ["tiny", "open", "long", "top"]
    assert [r.id for r in router.frontier_of(task="coding")] == ["tiny", "mid", "top"]


# --- mixes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(30))
def test_cheapest_mix_matches_the_pairwise_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 25))
    cost = np.round(rng.lognormal(0, 1.5, n), 3)
    win = np.clip(0.2 + 0.1 * np.log(cost + 0.01) + rng.normal(0, 0.08, n), 0.01, 0.99)
    for target in np.linspace(0.05, 0.95, 19):
        got = cheapest_mix(cost, win, float(target))
        ref = cheapest_mix_naive(cost.tolist(), win.tolist(), float(target))
        if ref is None:
            assert got is None
            continue
        assert got is not None
        i, j, share = got
        c = share * cost[i] + (1 - share) * cost[j]
        w = share * win[i] + (1 - share) * win[j]
        assert c == pytest.approx(ref[0], rel=1e-9, abs=1e-12)
        assert w >= target - 1e-12
    # invariances: shuffling rows and adding a dominated point change nothing
    perm = rng.permutation(n)
    h = upper_hull(cost, win)
    assert sorted(perm[upper_hull(cost[perm], win[perm])].tolist()) == sorted(h.tolist())
    more_cost = np.append(cost, cost.max() + 1)
    more_win = np.append(win, win.min() / 2)
    assert upper_hull(more_cost, more_win).tolist() == h.tolist()


def test_mix_is_cheaper_than_any_single_model_and_router_agrees(bundled: Catalog) -> None:
    view = bundled.view()
    m = recommend_mix(view, min_win_rate=0.45, vs="gpt-4o")
    assert m.win_rate == pytest.approx(0.45)
    assert len(m.parts) == 2 and sum(p.share for p in m.parts) == pytest.approx(1.0)
    assert m.single is not None and m.cost < m.single.cost and m.savings_pct is not None and m.savings_pct > 0
    assert m.single.id == recommend(view, min_win_rate=0.45, vs="gpt-4o").choice.id
    r = Router(view).mix(0.45, vs="gpt-4o")
    assert r is not None
    assert [(p.id, round(p.share, 9)) for p in r.parts] == [(p.id, round(p.share, 9)) for p in m.parts]
    assert r.cost == pytest.approx(m.cost)
    assert "Bradley-Terry" in m.assumption
    assert Router(view).mix(0.999, vs="gpt-4o") is None


def test_routes_are_shared_between_queries_of_one_bucket() -> None:
    router = Router(small_catalog())
    a = [router.cheapest(b) for b in range(1000, 1300, 7)]
    b = [router.cheapest(b, input_tokens=3000, output_tokens=1000) for b in range(1000, 1300, 7)]
    assert all(x is y for x, y in zip(a, b, strict=True))
    assert len({id(x) for x in a if x is not None}) == len({x.id for x in a if x is not None})


def test_layer_written_to_disk_routes_like_the_in_memory_one(tmp_path: Path) -> None:
    path = tmp_path / "layer.yaml"
    path.write_text(
        "schema_version: 1\n"
        "sources: {s: {title: written by test_router}}\n"
        "benchmarks: {arena-text: {name: Arena, scale: Elo, elo_scale: 400}}\n"
        "models:\n"
        "  - {id: a, provider: P, context_window: 8000, prices: [{input: 1, output: 1, source: s}],"
        " scores: [{benchmark: arena-text, value: 1200, ci_lower: 1190, ci_upper: 1210, as_of: 2025-01-01, source: s}]}\n"
        "  - {id: b, provider: Q, prices: [{input: 2, output: 2, source: s}],"
        " scores: [{benchmark: arena-text, value: 1250, ci_lower: 1240, ci_upper: 1260, as_of: 2025-01-01, source: s}]}\n",
        encoding="utf-8",
    )
    router = Router(load_catalog(path, bundled=False).as_of(DAY))
    assert [r.id for r in router.frontier] == ["a", "b"]
    assert router.cheapest(1100, input_tokens=9000, output_tokens=0).id == "b"  # type: ignore[union-attr]
    assert list(itertools.islice((r.id for r in router.fallbacks(5).cheapest(0)), 5)) == ["a", "b"]


def test_the_frontier_chart_draws_the_mix_hull(bundled: Catalog) -> None:
    from advisor.plot import plot_frontier

    view = bundled.view()
    fig = plot_frontier(view, mix_vs="gpt-4o")
    (curve,) = [t for t in fig.data if t.name and t.name.startswith("Cheapest two-model mixes vs gpt-4o")]
    m = recommend_mix(view, min_win_rate=0.45, vs="gpt-4o")
    # the mix's two models are hull vertices: the curve passes through both at their own cost and score
    points = set(zip(curve.x, curve.y, strict=True))
    for part in m.parts:
        assert any(abs(x - part.cost) < 1e-12 and abs(y - part.score) < 1e-6 for x, y in points)
    with pytest.raises(AdvisorError, match="not a Bradley-Terry rating"):
        plot_frontier(view, metric="arena-hard-auto", mix_vs="gpt-4o")


def test_a_bar_equal_to_a_score_qualifies_in_either_direction() -> None:
    """The query tables turn each ladder into one ascending search; a bar at a score, just past it,
    or on a lower-is-better metric must still answer as recommend does (made here: two models
    scored on Arena and on a latency metric where lower is better)."""
    view = Catalog(
        models=(
            Model(
                id="fast",
                provider="A",
                prices=(PricePeriod(input=2.0, output=2.0, source="s"),),
                scores=(
                    Score(benchmark="latency", value=200.0, as_of=DAY, source="s"),
                    Score(benchmark="arena-text", value=1250.0, ci_lower=1245, ci_upper=1255, as_of=DAY, source="s"),
                ),
            ),
            Model(
                id="slow",
                provider="B",
                prices=(PricePeriod(input=1.0, output=1.0, source="s"),),
                scores=(
                    Score(benchmark="latency", value=900.0, as_of=DAY, source="s"),
                    Score(benchmark="arena-text", value=1200.0, ci_lower=1195, ci_upper=1205, as_of=DAY, source="s"),
                ),
            ),
        ),
        benchmarks={
            "arena-text": Benchmark(name="Arena", scale="Elo", elo_scale=400),
            "latency": Benchmark(name="Latency", scale="ms", higher_is_better=False),
        },
        sources={"s": Source(title="made by tests/test_router.py")},
    ).as_of(DAY)
    router = Router(view)
    fb = router.fallbacks(1)
    for metric, bar, want in [
        ("latency", 900.0, ["slow", "fast"]),
        ("latency", math.nextafter(900.0, 0), ["fast"]),
        ("latency", 200, ["fast"]),
        ("latency", math.nextafter(200.0, 0), []),
        ("arena-text", 1200, ["slow", "fast"]),
        ("arena-text", math.nextafter(1200.0, 2000), ["fast"]),
        ("arena-text", 1250.0, ["fast"]),
        ("arena-text", math.nextafter(1250.0, 2000), []),
    ]:
        got = router.cheapest(bar, metric=metric)
        assert (got.id if got else None) == (want[0] if want else None), (metric, bar)
        assert [r.id for r in fb.cheapest(bar, metric=metric)] == want, (metric, bar)
        if want:
            assert recommend(view, metric=metric, min_score=bar).choice.id == want[0]
    # a bar that is not a float is compared as the float it rounds to, as recommend does
    just_over = fractions.Fraction(1250) + fractions.Fraction(1, 10**20)
    assert router.cheapest(just_over).id == recommend(view, min_score=float(just_over)).choice.id == "fast"  # type: ignore[union-attr]
    assert [r.id for r in fb.cheapest(fractions.Fraction(900) - fractions.Fraction(1, 10**20), metric="latency")] == [
        "slow",
        "fast",
    ]
    # budgets: a budget equal to a cost buys it
    slow_cost = router.cheapest(1200).cost  # type: ignore[union-attr]
    assert router.best_within(slow_cost).id == "slow"  # type: ignore[union-attr]
    assert router.best_within(math.nextafter(slow_cost, 0)) is None
    assert [r.id for r in fb.best_within(100.0)] == ["fast", "slow"]


# --- the fast path and the checked path agree, at every sentinel and boundary ------------------

_FLOAT32_MAX = float(np.finfo(np.float32).max)  # the ends of the router's answer tables
_BARS = [
    1000,
    1199.5,
    1200,
    math.nextafter(1200.0, 0),
    1250.0,
    1300,
    math.nextafter(1300.0, 2000),
    -sys.float_info.max,
    sys.float_info.max,
    -_FLOAT32_MAX,
    _FLOAT32_MAX,
    10**400,
    -(10**400),
]
_BUDGETS = [0, -1.0, 0.5, 0.55, 1.0, math.nextafter(1.0, 0), 2.0, 10.0, 11.0, *_BARS[7:]]
_SIZES = [
    (None, None),
    (0, 0),
    (7_000, 1_000),  # exactly tiny's 8,000-token window
    (7_000, 1_001),
    (128_000, 0),  # exactly mid's window
    (128_000.5, 0),  # half a token over it
    (127_999.5, 0.5),
    (199_000, 1_000),  # 200,000: long's tier threshold and top's window
    (200_000, 0),  # a prompt at the threshold is not over it
    (200_000, 1_000),  # nor with a total over it
    (200_000.5, 0),  # a fractional prompt just over it
    (200_001, 0),
    (199_999, 2),  # the total crosses the threshold, the prompt does not
    (1_000_000, 0),
    (10**30, 0),  # beyond every window and the router's last size edge
    (7_000, None),
    (None, 1_000),
]


def _key(answer: Route | tuple[Route, ...] | None) -> object:
    if isinstance(answer, tuple):
        return tuple(_key(r) for r in answer)
    return None if answer is None else (answer.id, answer.host, answer.cost, answer.long_context_above, answer.reason)


def test_answers_do_not_depend_on_the_path_that_gave_them() -> None:
    """A query on a fresh router (its table not yet filled: the checked path answers and fills it)
    and the same query on a router that answered it before (the fast path) agree, for bars and
    budgets at and past the tables' sentinels and sizes at every window and tier edge (made here:
    small_catalog)."""
    view = small_catalog()
    warm = Router(view)
    for n in (None, 2):
        queries = [("cheapest", x) for x in _BARS] + [("best_within", x) for x in _BUDGETS]
        queries += [("not_worse_than", x) for x in ("mid", "open", "top")]
        for (kind, x), (i, o) in itertools.product(queries, _SIZES):
            fresh = Router(view)
            ask_fresh = getattr(fresh if n is None else fresh.fallbacks(n), kind)
            ask_warm = getattr(warm if n is None else warm.fallbacks(n), kind)
            first = _key(ask_fresh(x, input_tokens=i, output_tokens=o))
            ask_warm(x, input_tokens=i, output_tokens=o)
            assert _key(ask_warm(x, input_tokens=i, output_tokens=o)) == first, (n, kind, x, i, o)
            assert _key(ask_fresh(x, input_tokens=i, output_tokens=o)) == first, (n, kind, x, i, o)


def test_sentinel_and_boundary_answers() -> None:
    router = Router(small_catalog())
    fb = router.fallbacks(4)
    # a bar or budget at the tables' ends, or beyond every float, takes the end answer
    for low in (-sys.float_info.max, -_FLOAT32_MAX, -(10**400), decimal.Decimal("-1e400")):
        assert router.cheapest(low).id == "tiny"  # type: ignore[union-attr]
        assert router.best_within(low) is None
    for high in (sys.float_info.max, _FLOAT32_MAX, 10**400, fractions.Fraction(10**400), decimal.Decimal("1e400")):
        assert router.cheapest(high) is None
        assert router.best_within(high).id == "top"  # type: ignore[union-attr]
    # a total exactly at a context window fits it; half a token more does not
    assert "mid" in {r.id for r in fb.cheapest(1200, input_tokens=128_000, output_tokens=0)}
    assert "mid" not in {r.id for r in fb.cheapest(1200, input_tokens=128_000.5, output_tokens=0)}
    assert "mid" not in {r.id for r in fb.cheapest(1200, input_tokens=127_999.5, output_tokens=0.5 + 1e-9)}
    # a prompt at the tier threshold pays the base price; any amount over it, the long-context price
    for out in (0, 1_000):
        at = router.cheapest(1250, input_tokens=200_000, output_tokens=out)
        assert at is not None and at.id == "long" and at.long_context_above is None
    for over in (200_000.5, 200_001, decimal.Decimal("200000.001"), fractions.Fraction(400_001, 2)):
        got = router.cheapest(1250, input_tokens=over, output_tokens=0)
        assert got is not None and got.long_context_above == 200_000, over
    # a total past the router's last size edge fits no known window: only the unknown one is left
    assert [r.id for r in fb.cheapest(0, input_tokens=10**30, output_tokens=0)] == ["open", "open", "open"]


@pytest.mark.parametrize(
    ("odd", "plain"),
    [
        (fractions.Fraction(2401, 2), 1200.5),
        (decimal.Decimal("1200.5"), 1200.5),
        (np.float64(1200.5), 1200.5),
        (np.float32(1200.5), 1200.5),
        (np.int64(1250), 1250),
        (True, 1),  # a bool is the int it is, as in Python arithmetic
    ],
)
def test_numbers_of_other_types_answer_as_the_float_or_int(odd: object, plain: float) -> None:
    """Every real number works, cold or warm, and answers as the float (or int) it equals; token
    counts too, Decimal and float counts mixed."""
    view = small_catalog()
    for router in (Router(view), Router(view).prepare()):
        assert _key(router.cheapest(odd)) == _key(router.cheapest(plain))  # type: ignore[arg-type]
        assert _key(router.best_within(odd)) == _key(router.best_within(plain))  # type: ignore[arg-type]
        sized = {"input_tokens": odd, "output_tokens": odd}
        both = {"input_tokens": plain, "output_tokens": plain}
        assert _key(router.cheapest(1250, **sized)) == _key(router.cheapest(1250, **both))  # type: ignore[arg-type]
        assert _key(router.not_worse_than("mid", **sized)) == _key(router.not_worse_than("mid", **both))  # type: ignore[arg-type]
    router = Router(view)
    mixed = router.cheapest(1250, input_tokens=decimal.Decimal("200000.5"), output_tokens=0.5)
    assert mixed is not None and mixed.long_context_above == 200_000


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda r: r.cheapest(math.nan), "min_score"),
        (lambda r: r.cheapest(-math.inf), "min_score"),
        (lambda r: r.cheapest(math.inf), "min_score"),
        (lambda r: r.cheapest(np.float32("nan")), "min_score"),
        (lambda r: r.cheapest(decimal.Decimal("sNaN")), "min_score"),
        (lambda r: r.cheapest(decimal.Decimal("-Infinity")), "min_score"),
        (lambda r: r.cheapest(b"1200"), "min_score"),
        (lambda r: r.best_within(math.nan), "max_cost"),
        (lambda r: r.best_within(math.inf), "max_cost"),
        (lambda r: r.best_within(-math.inf), "max_cost"),
        (lambda r: r.best_within(np.float64("nan")), "max_cost"),
        (lambda r: r.best_within(decimal.Decimal("Infinity")), "max_cost"),
        (lambda r: r.cheapest(1200, input_tokens=math.inf, output_tokens=-math.inf), "input_tokens"),
        (lambda r: r.cheapest(1200, input_tokens=5_000, output_tokens=math.inf), "output_tokens"),
        (lambda r: r.cheapest(1200, input_tokens=5_000, output_tokens=-1), "output_tokens"),
        (lambda r: r.cheapest(1200, input_tokens=-0.5, output_tokens=1_000), "input_tokens"),
        (lambda r: r.cheapest(1200, input_tokens=decimal.Decimal("NaN"), output_tokens=1), "input_tokens"),
        (lambda r: r.cheapest(1200, input_tokens="5000", output_tokens="1"), "input_tokens"),
        (lambda r: r.not_worse_than("mid", input_tokens=5_000, output_tokens=math.nan), "output_tokens"),
        (lambda r: r.not_worse_than(["mid"], input_tokens=5_000, output_tokens=1_000), "model name"),
        (lambda r: r.fallbacks(2).cheapest(math.nan, input_tokens=5_000, output_tokens=1_000), "min_score"),
        (lambda r: r.fallbacks(2).best_within(-math.inf, input_tokens=5_000, output_tokens=1_000), "max_cost"),
    ],
)
def test_bad_numbers_raise_on_a_warm_router_too(call, name: str) -> None:  # type: ignore[no-untyped-def]
    """The fast path sends NaN, infinities, negative counts and non-numbers to the checks, also
    once every table they would read is filled (prepare, then each query kind asked with good
    numbers at the same size)."""
    router = Router(small_catalog()).prepare()
    for ask in (router, router.fallbacks(2)):
        for size in ({}, {"input_tokens": 5_000, "output_tokens": 1_000}):
            ask.cheapest(1200, **size)
            ask.best_within(1.0, **size)
            ask.not_worse_than("mid", **size)
    with pytest.raises(AdvisorError, match=name):
        call(router)


# --- the queries compiled for a router's size edges --------------------------------------------


def _outcome(ask: Any, *args: object, **kw: object) -> object:
    try:
        return _key(ask(*args, **kw))
    except AdvisorError as e:
        return ("error", str(e))


def test_compiled_queries_answer_as_the_generic_ones(bundled: Catalog) -> None:
    """A router's queries are compiled for its size edges (comparisons with the edges as constants
    in place of a bisect over them). On the bundled catalog they answer as the generic queries of
    ``_Queries`` do, for totals at, just below and just above every edge, prompts around every
    tier threshold (a threshold between prompt and total reads the exact bucket), fractional,
    Decimal and numpy counts, and bad counts (every size made here from the router's own edges)."""
    router = Router(bundled.as_of(TODAY), metrics=["arena-text", "arena-text/coding"])
    assert type(router) is not Router and isinstance(router, Router)
    edges, thresholds = router._edges, router.size_limits[0]
    sizes: list[tuple[object, object]] = [(None, None), (0, 0), (5, None), (None, 5)]
    for e in edges[:-1]:
        for t in (e - 1, e, e + 1):
            sizes += [(t, 0), (t - 1_000, 1_000), (t - 0.5, 0.5)]
    for th in thresholds:
        sizes += [(th - 10, 20), (th, 1), (th + 0.5, 0), (th + 1, 4_000), (decimal.Decimal(th) + 1, 0)]
        sizes += [(np.int64(th - 10), np.int64(20)), (float(th), 4_000.0)]
    for k, e in enumerate(edges):  # a request in slot k whose prompt is the whole total
        assert router._hi[k] == router._exact(e, e), k
        assert router._floor[k] == max([x + 1 for x in thresholds if x < e], default=0), k
    top = edges[-1]
    sizes += [(top - 5, 5), (top, 1), (10**30, 0), (-1, 5), (5, -1), (math.nan, 1), (1, math.inf), ("5", 1)]
    fb = router.fallbacks(2)
    queries = [("cheapest", 1250.0), ("cheapest", 1400), ("best_within", 2.0), ("not_worse_than", "gpt-4o")]
    checked = 0
    for ask, (kind, x), metric, (i, o) in itertools.product((router, fb), queries, router.metrics, sizes):
        compiled, generic = getattr(ask, kind), types.MethodType(getattr(_Queries, kind), ask)
        for _ in range(2):  # the first call may fill the slot: the second reads it
            want = _outcome(generic, x, metric=metric, input_tokens=i, output_tokens=o)
            assert _outcome(compiled, x, metric=metric, input_tokens=i, output_tokens=o) == want, (kind, x, i, o)
        checked += 1
    assert checked == 2 * len(queries) * 2 * len(sizes)


def _one_model_catalog(window: int) -> Catalog:
    """Made here: one model whose context window sets the router's size edges."""
    return Catalog(
        models=(_model("only", "A", (1.0, 1.0), {"overall": (1200, 5)}, context=window),),
        benchmarks={"arena-text": Benchmark(name="Arena", scale="Elo", elo_scale=400)},
        sources={"s": Source(title="made by tests/test_router.py")},
    ).as_of(DAY)


def test_queries_are_compiled_once_per_edge_set_and_subclasses_keep_theirs() -> None:
    view = small_catalog()
    a, b = Router(view), Router(view)
    assert type(a) is type(b) and type(a).__name__ == "Router" and type(a).__mro__[1] is Router
    assert type(a.fallbacks(2)) is type(b.fallbacks(3)) and isinstance(a.fallbacks(2), Fallbacks)
    assert type(a).cheapest.__doc__ == _Queries.cheapest.__doc__
    assert type(a).cheapest.__code__.co_filename.startswith("<advisor.router: cheapest")

    class Mine(Router):
        __slots__ = ()

    mine = Mine(view)
    assert type(mine) is Mine and Mine.cheapest is _Queries.cheapest  # a subclass keeps its queries
    assert _key(mine.cheapest(1250, input_tokens=7_000, output_tokens=1_001)) == _key(
        a.cheapest(1250, input_tokens=7_000, output_tokens=1_001)
    )
    # one compiled class per edge set, the last few kept
    for w in range(router_module._SPECIALIZED_KEEP + 5):
        small = Router(_one_model_catalog(10_000 + w))
        assert small.cheapest(1200, input_tokens=5_000, output_tokens=5_000 + w).id == "only"  # type: ignore[union-attr]
        assert small.cheapest(1200, input_tokens=5_000, output_tokens=5_001 + w) is None
    assert len(router_module._specialized_cache) <= router_module._SPECIALIZED_KEEP
