"""advisor.replay (advisor/traffic.py): per-request pricing on each request's date, the what-if, measured multipliers."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import numpy as np
import pytest
import usage_gen

from advisor.catalog import Catalog, load_catalog
from advisor.errors import AdvisorError
from advisor.multipliers import measured_layer
from advisor.traffic import replay
from advisor.usage import Usage

# A catalog made by this test: a moving alias, a price change, a long-context tier with cache
# prices, 5-minute and 1-hour cache writes, two hosts, context windows and scores with CIs.
LAYER = """\
schema_version: 1
sources:
  s: {title: made by the test}
benchmarks:
  arena-text: {name: Arena, scale: Elo, elo_scale: 400}
models:
  - id: big-2025-01
    provider: Lab
    aliases:
      - {name: big, since: 2025-01-01, until: 2025-03-01}
      - lab/big-2025-01
    context_window: 200000
    prices:
      - {since: 2025-01-01, until: 2025-02-15, input: 4, output: 16, cached_input: 1, cache_write: 5, cache_write_1h: 8, source: s}
      - since: 2025-02-15
        input: 2
        output: 8
        cached_input: 0.5
        cache_write: 2.5
        source: s
        long_context:
          - {above_input_tokens: 100000, input: 4, output: 12, cached_input: 1}
    scores:
      - {benchmark: arena-text, as_of: 2025-01-01, value: 1300, ci_lower: 1295, ci_upper: 1305, source: s}
  - id: big-2025-03
    provider: Lab
    aliases:
      - {name: big, since: 2025-03-01}
    context_window: 200000
    prices:
      - {since: 2025-03-01, input: 3, output: 9, source: s}
    scores:
      - {benchmark: arena-text, as_of: 2025-01-01, value: 1310, ci_lower: 1305, ci_upper: 1315, source: s}
  - id: small
    provider: Lab
    context_window: 16000
    prices:
      - {since: 2024-06-01, input: 0.1, output: 0.4, source: s}
    scores:
      - {benchmark: arena-text, as_of: 2025-01-01, value: 1298, ci_lower: 1290, ci_upper: 1306, source: s}
  - id: medium
    provider: Other
    context_window: 128000
    prices:
      - {since: 2024-06-01, input: 1, output: 2, host: dear, source: s}
      - {since: 2024-06-01, input: 0.5, output: 1, host: cheap, source: s}
    scores:
      - {benchmark: arena-text, as_of: 2025-01-01, value: 1300, ci_lower: 1294, ci_upper: 1306, source: s}
  - id: weak
    provider: Other
    context_window: 1000000
    prices:
      - {since: 2024-06-01, input: 0.01, output: 0.02, source: s}
    scores:
      - {benchmark: arena-text, as_of: 2025-01-01, value: 1100, ci_lower: 1095, ci_upper: 1105, source: s}
  - id: unpriced-model
    provider: Other
"""


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    path = tmp_path / "layer.yaml"
    path.write_text(LAYER, encoding="utf-8")
    return load_catalog(path, bundled=False)


def naive_usd(catalog: Catalog, u: Usage) -> float:
    """The reference: one request priced by hand from the catalog as of its date (cheapest host)."""
    day = u.timestamp if isinstance(u.timestamp, dt.date) else None
    assert day is not None
    view = catalog.as_of(day)
    model = view.get(u.model)
    best = None
    for p in model.prices:
        rates = (p.input, p.output, p.cached_input, p.cache_write, p.cache_write_1h)
        tiers = [t for t in p.long_context if u.input_tokens > t.above_input_tokens]
        if tiers:
            t = max(tiers, key=lambda t: t.above_input_tokens)
            f = t.input / p.input
            rates = (
                t.input,
                t.output,
                t.cached_input,
                None if p.cache_write is None else p.cache_write * f,
                None if p.cache_write_1h is None else p.cache_write_1h * f,
            )
        i, o, c, w, w1 = rates
        c = i if c is None else c
        w = i if w is None else w
        w1 = w if w1 is None else w1
        plain = u.input_tokens - u.cached_tokens - u.cache_write_tokens
        usd = (
            plain * i
            + u.cached_tokens * c
            + (u.cache_write_tokens - u.cache_write_1h_tokens) * w
            + u.cache_write_1h_tokens * w1
            + u.output_tokens * o
        ) / 1e6
        best = usd if best is None else min(best, usd)
    assert best is not None
    return best


def test_each_request_is_priced_on_its_own_date(catalog: Catalog) -> None:
    records = [
        # before the price cut: cached at 1, 5-minute writes at 5, 1-hour writes at 8
        Usage(
            "big",
            10_000,
            1_000,
            dt.date(2025, 2, 1),
            cached_tokens=4_000,
            cache_write_tokens=3_000,
            cache_write_1h_tokens=1_000,
        ),
        # after it: the alias still names big-2025-01; a long prompt pays the tier for every token
        Usage("big", 150_000, 2_000, dt.date(2025, 2, 20), cached_tokens=50_000, cache_write_tokens=10_000),
        # from March the moving alias names the new snapshot
        Usage("big", 1_000, 100, dt.date(2025, 3, 2)),
        Usage("medium", 1_000, 1_000, dt.date(2025, 3, 2)),
    ]
    r = replay(records, catalog, what_if=False, as_of=dt.date(2025, 4, 1))
    by = {m.model: m for m in r.models}
    assert by["big-2025-01"].requests == 2
    assert by["big-2025-01"].usd == pytest.approx(
        (3_000 * 4 + 4_000 * 1 + 2_000 * 5 + 1_000 * 8 + 1_000 * 16) / 1e6
        + (90_000 * 4 + 50_000 * 1 + 10_000 * 2.5 * 2 + 2_000 * 12) / 1e6
    )
    assert by["big-2025-01"].long_context_requests == 1
    assert by["big-2025-03"].usd == pytest.approx((1_000 * 3 + 100 * 9) / 1e6)
    assert by["medium"].usd == pytest.approx((1_000 * 0.5 + 1_000 * 1) / 1e6)  # the cheaper host
    assert r.usd == pytest.approx(sum(naive_usd(catalog, u) for u in records))
    assert by["big-2025-01"].names == ("big",)
    assert r.tokens.input == 162_000 and r.tokens.cache_write_1h == 1_000


def test_agrees_with_the_naive_reference_on_random_requests(catalog: Catalog) -> None:
    rng = random.Random(7)
    names = ["big", "lab/big-2025-01", "medium", "small", "big-2025-03"]
    records = []
    for _ in range(3000):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(120))
        name = rng.choice(names)
        if name == "big-2025-03" and day < dt.date(2025, 3, 1):
            day = dt.date(2025, 3, 1)
        if name == "lab/big-2025-01" or (name == "big" and day >= dt.date(2025, 3, 1)):
            pass
        inp = rng.choice([rng.randrange(1, 5000), rng.randrange(90_000, 190_000)])
        cached = rng.randrange(0, inp // 2 + 1)
        write = rng.randrange(0, (inp - cached) // 2 + 1)
        out = rng.randrange(0, 4000)
        records.append(
            Usage(name, inp, out, day, cached, write, rng.randrange(0, write + 1), rng.randrange(0, out + 1))
        )
    r = replay(records, catalog, what_if=False, as_of=dt.date(2025, 6, 1))
    expected: dict[str, float] = {}
    for u in records:
        model = catalog.as_of(u.timestamp).get(u.model).id  # type: ignore[arg-type]
        expected[model] = expected.get(model, 0.0) + naive_usd(catalog, u)
    assert {m.model: m.usd for m in r.models} == pytest.approx(expected, rel=1e-12)
    # shuffling the records changes nothing
    rng.shuffle(records)
    again = replay(records, catalog, what_if=False, as_of=dt.date(2025, 6, 1))
    assert {m.model: m.usd for m in again.models} == pytest.approx(expected, rel=1e-12)


def test_unresolved_and_unpriced_names_are_listed_never_priced_at_zero(catalog: Catalog) -> None:
    records = [
        Usage("mystery-model", 100, 10, dt.date(2025, 3, 1)),
        Usage("mystery-model", 300, 30, dt.date(2025, 3, 2)),
        Usage("unpriced-model", 50, 5, dt.date(2025, 3, 1)),
        Usage("big-2025-03", 10, 1, dt.date(2025, 2, 1)),  # before it existed
        Usage("small", 1000, 100, dt.date(2025, 3, 1)),
    ]
    r = replay(records, catalog, what_if=False, as_of=dt.date(2025, 4, 1))
    assert r.requests == 5 and r.priced_requests == 1
    assert r.usd == pytest.approx((1000 * 0.1 + 100 * 0.4) / 1e6)
    lost = {u.name: u for u in r.unpriced}
    assert lost["mystery-model"].requests == 2 and lost["mystery-model"].model is None
    assert lost["mystery-model"].reason == "unknown model"
    assert lost["mystery-model"].tokens.input == 400 and lost["mystery-model"].tokens.output == 40
    assert lost["unpriced-model"].reason == "no price on its date (2025-03-01)"
    assert lost["big-2025-03"].reason == "no price on its date (2025-02-01)"


def test_profile_percentiles_match_numpy(catalog: Catalog) -> None:
    rng = np.random.default_rng(3)
    inputs = rng.integers(1, 1000, 501)
    outputs = rng.integers(0, 900, 501)
    records = [Usage("small", int(i), int(o), dt.date(2025, 3, 1)) for i, o in zip(inputs, outputs, strict=True)]
    whole = replay(
        [*records, Usage("medium", 5, 5, dt.date(2025, 3, 1))], catalog, what_if=False, as_of=dt.date(2025, 4, 1)
    )
    assert whole.profile.input_p50 == np.percentile([*inputs, 5], 50, method="inverted_cdf")  # all models together
    p = replay(records, catalog, what_if=False, as_of=dt.date(2025, 4, 1)).models[0].profile
    for q, got in ((50, p.input_p50), (90, p.input_p90), (99, p.input_p99)):
        assert got == np.percentile(inputs, q, method="inverted_cdf")
    assert p.output_p90 == np.percentile(outputs, 90, method="inverted_cdf")
    assert p.input_output_ratio == pytest.approx(inputs.sum() / outputs.sum())
    big = [Usage("small", int(i) * 1000, 1, dt.date(2025, 3, 1)) for i in inputs[:100] if i > 2]
    q = replay(big, catalog, what_if=False, as_of=dt.date(2025, 4, 1)).models[0].profile
    exact = np.percentile([u.input_tokens for u in big], 90, method="inverted_cdf")
    assert abs(q.input_p90 - exact) / exact < 0.006  # within half a bin above 1,024 tokens


def test_what_if_moves_traffic_to_the_cheapest_model_not_worse_and_respects_context(catalog: Catalog) -> None:
    day = dt.date(2025, 3, 10)
    records = [Usage("big", 10_000, 1_000, day) for _ in range(10)] + [
        Usage("big", 50_000, 1_000, day) for _ in range(5)
    ]
    records += [Usage("big", 150_000, 1_000, day)]  # fits only the 200k and 1M windows
    r = replay(records, catalog, as_of=dt.date(2025, 4, 1), measure=False)
    (w,) = r.what_if
    assert w.model == "big-2025-03" and w.score == 1310 and w.score_as_of == dt.date(2025, 1, 1)
    # small (16k window) ties with big-2025-03 and is cheapest for the requests that fit it;
    # medium (128k, cheaper host) takes those up to 128k; the longest request stays (no cheaper model
    # not statistically worse has a window that holds it).
    where = {c.model: c.requests for c in w.choices}
    assert where == {"small": 10, "medium": 5, "big-2025-03": 1}
    expected = 10 * (10_000 * 0.1 + 1_000 * 0.4) / 1e6 + 5 * (50_000 * 0.5 + 1_000 * 1) / 1e6
    expected += (150_000 * 3 + 1_000 * 9) / 1e6
    assert w.what_if_usd == pytest.approx(expected)
    assert w.moved_requests == 15 and w.kept_requests == 1
    assert w.savings_usd == pytest.approx(w.actual_usd - expected)
    assert r.savings_pct == pytest.approx((r.usd - expected) / r.usd * 100)
    assert [d.what_if_usd for d in r.daily] == [pytest.approx(expected)]


def test_min_score_and_budget_rules(catalog: Catalog) -> None:
    day = dt.date(2025, 3, 10)
    records = [Usage("small", 1000, 100, day) for _ in range(4)]
    r = replay(records, catalog, as_of=dt.date(2025, 4, 1), min_score=1000, measure=False)
    assert {c.model for c in r.what_if[0].choices} == {"weak"}
    assert r.what_if_usd == pytest.approx(4 * (1000 * 0.01 + 100 * 0.02) / 1e6)
    r = replay(records, catalog, as_of=dt.date(2025, 4, 1), budget=1.0, measure=False)
    assert r.rule is not None and "within 1 USD per 1M tokens" in r.rule
    assert {c.model for c in r.what_if[0].choices} == {"small"}  # best within budget: stays


def test_measured_multipliers_compare_models_on_same_size_requests(catalog: Catalog, tmp_path: Path) -> None:
    rng = random.Random(1)
    day = dt.date(2025, 3, 10)
    records = []
    for _ in range(3000):
        inp = int(rng.lognormvariate(7, 1))
        typical = 30 * inp**0.25
        model = rng.choice(["small", "medium", "big"])
        verbosity = {"small": 1.0, "medium": 1.5, "big": 3.0}[model]
        # medium sees longer prompts: a naive mean ratio would overstate it
        if model == "medium":
            inp *= 4
            typical = 30 * inp**0.25
        records.append(Usage(model, inp, int(verbosity * typical * rng.uniform(0.9, 1.1)), day))
    r = replay(records, catalog, as_of=dt.date(2025, 4, 1), what_if=False)
    got = {m.model: m.multiplier for m in r.multipliers}
    assert got["big-2025-03"] / got["small"] == pytest.approx(3.0, rel=0.03)
    assert got["medium"] / got["small"] == pytest.approx(1.5, rel=0.03)
    assert got["medium"] == 1.0  # the median model is the typical one
    layer = measured_layer(r)
    (source,) = layer.sources.values()
    assert source.title == f"measured from {sum(m.requests for m in r.multipliers):,} requests"
    assert source.retrieved == day
    from advisor.writer import write_catalog_file

    out = tmp_path / "measured.yaml"
    write_catalog_file(out, layer)
    layered = load_catalog(tmp_path / "layer.yaml", out, bundled=False) if (tmp_path / "layer.yaml").exists() else None
    assert layered is not None
    assert layered.get("big-2025-03").output_multiplier == got["big-2025-03"]


def test_no_multiplier_without_comparable_traffic(catalog: Catalog) -> None:
    r = replay([Usage("small", 100, 10, dt.date(2025, 3, 1))] * 50, catalog, what_if=False)
    assert r.multipliers == ()
    with pytest.raises(AdvisorError, match="no output multipliers measured"):
        measured_layer(r)


def test_a_dated_view_is_refused(catalog: Catalog) -> None:
    with pytest.raises(AdvisorError, match="pass the full catalog"):
        replay([Usage("small", 1, 1)], catalog.as_of(dt.date(2025, 3, 1)))


def test_undated_records_are_priced_as_of(catalog: Catalog) -> None:
    r = replay([Usage("big", 1000, 0)], catalog, what_if=False, as_of=dt.date(2025, 2, 1))
    assert r.undated_requests == 1 and r.models[0].model == "big-2025-01"
    assert r.usd == pytest.approx(1000 * 4 / 1e6)


def test_generated_log_end_to_end_on_the_bundled_catalog(tmp_path: Path) -> None:
    """The README's example log (tests/usage_gen.py), replayed on the bundled catalog."""
    log = usage_gen.write(tmp_path / "usage.jsonl", 3000, seed=1)
    r = replay(log, load_catalog(), as_of=dt.date(2025, 11, 1))
    assert r.formats == {str(log): "openai-chat"}
    assert r.requests == r.priced_requests == 3000
    assert r.first_day == dt.date(2025, 10, 1) and r.last_day == dt.date(2025, 10, 30)
    assert sum(d.actual_usd for d in r.daily) == pytest.approx(r.usd)
    assert sum(d.what_if_usd or 0 for d in r.daily) == pytest.approx(r.what_if_usd)
    assert r.what_if_usd is not None and r.what_if_usd <= r.usd
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert r.tokens.input == sum(x["usage"]["prompt_tokens"] for x in lines)


def test_the_readme_example_log_is_the_generators(tmp_path: Path) -> None:
    """docs/usage-example.jsonl is `python tests/usage_gen.py docs/usage-example.jsonl --requests 600 --seed 1`."""
    fresh = usage_gen.write(tmp_path / "u.jsonl", 600, seed=1)
    assert fresh.read_bytes() == (Path(__file__).resolve().parents[1] / "docs" / "usage-example.jsonl").read_bytes()


def test_cli_json_is_the_library_report_and_the_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from advisor._jsonable import jsonable
    from advisor.cli import main

    log = usage_gen.write(tmp_path / "usage.jsonl", 400, seed=3)
    assert main(["replay", str(log), "--as-of", "2025-11-01", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    report = replay(log, load_catalog(), as_of=dt.date(2025, 11, 1))
    assert printed == json.loads(json.dumps(jsonable(report)))
    out = tmp_path / "replay.html"
    assert main(["plot", "replay", str(log), "--as-of", "2025-11-01", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Cost per day: actual and what-if" in html and "what-if" in html
    from advisor.replay_plot import plot_replay

    fig = plot_replay(report)
    actual, what_if = fig.data
    assert sum(actual.y) == pytest.approx(report.usd)
    assert sum(what_if.y) == pytest.approx(report.what_if_usd)
    assert len(actual.x) == len(report.daily) == 30


def test_a_choice_without_a_price_on_the_requests_date_is_priced_as_of(catalog: Catalog) -> None:
    # big-2025-03 (the only model scoring >= 1305) has no price before 2025-03-01
    records = [Usage("small", 1000, 100, dt.date(2025, 2, 1))] * 3
    r = replay(records, catalog, as_of=dt.date(2025, 4, 1), min_score=1305, measure=False)
    (w,) = r.what_if
    assert [c.model for c in w.choices] == ["big-2025-03"]
    assert w.priced_at_as_of == 3 and w.moved_requests == 3
    assert w.what_if_usd == pytest.approx(3 * (1000 * 3 + 100 * 9) / 1e6)


def test_the_what_if_scales_output_by_the_multipliers_ratio(tmp_path: Path) -> None:
    (tmp_path / "layer.yaml").write_text(LAYER, encoding="utf-8")
    (tmp_path / "verbose.yaml").write_text("schema_version: 1\nmodels:\n  - {id: small, output_multiplier: 2}\n")
    catalog = load_catalog(tmp_path / "layer.yaml", tmp_path / "verbose.yaml", bundled=False)
    records = [Usage("big", 10_000, 1_000, dt.date(2025, 3, 10))] * 4
    r = replay(records, catalog, as_of=dt.date(2025, 4, 1), measure=False)
    (w,) = r.what_if
    (choice,) = w.choices
    assert (choice.model, choice.output_ratio) == ("small", 2.0)  # small x2 (catalog), big x1 (assumed)
    assert w.what_if_usd == pytest.approx(4 * (10_000 * 0.1 + 2_000 * 0.4) / 1e6)
    assert {m.model: m.multiplier_source for m in r.models} == {
        "big-2025-03": "assumed (no measurement, none in the catalog)"
    }


def test_mix_rule_prices_each_part_at_its_share(catalog: Catalog) -> None:
    from advisor.mix import recommend_mix
    from advisor.workload import Workload

    day = dt.date(2025, 3, 10)
    records = [Usage("big", 10_000, 1_000, day)] * 10
    r = replay(records, catalog, as_of=dt.date(2025, 4, 1), mix=0.45, measure=False)
    (w,) = r.what_if
    view = catalog.as_of(dt.date(2025, 4, 1))
    m = recommend_mix(view, min_win_rate=0.45, vs="big-2025-03", workload=Workload(10_000, 1_000))
    assert {c.model for c in w.choices} == {p.id for p in m.parts}
    expected = sum(p.share * naive_usd(catalog, Usage(p.id, 10_000, 1_000, day)) for p in m.parts) * 10
    assert w.what_if_usd == pytest.approx(expected)
    assert (
        r.rule == "the cheapest mix of at most two models with expected P(beats the model itself) >= 0.45 on arena-text"
    )
    with pytest.raises(AdvisorError, match="a mix has its own bar"):
        replay(records, catalog, mix=0.45, min_score=1000)
    with pytest.raises(AdvisorError, match=r"mix must be a number between 0 and 1 \(exclusive\), got 1.5"):
        replay(records, catalog, mix=1.5)
