"""Honest answers: data dates and age, left-out order, retirement, context windows, service tiers,
cache writes, reasoning modes, hidden snapshots, filtered ranks and dated aliases.

Every catalog here is written by the test (LAYER below: made-up models "alpha", "beta", ... with
round prices so costs can be checked by hand); a few checks use the bundled catalog's July-2024
data, whose figures the README's story quotes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from advisor.catalog import load_catalog, validate_catalog
from advisor.cli import main
from advisor.freshness import STALE_AFTER_DAYS
from advisor.leaderboard import compare, rank
from advisor.listing import metrics, models
from advisor.select import frontier, pool, recommend
from advisor.workload import Workload, cost

# Prices are input = output, so a model's blended price at 3:1 is that number. The arena-text
# snapshots: 2025-01-01 (alpha, beta, retiree) and 2025-06-01 (six models).
LAYER = """\
schema_version: 1
sources:
  s: {title: made by the test}
benchmarks:
  arena-text: {name: Arena, scale: Elo, elo_scale: 400}
models:
  - id: alpha
    provider: A
    context_window: 128000
    aliases: [{name: flagship, until: 2025-03-01}]
    prices:
      - {since: 2024-01-01, input: 2, output: 2, cached_input: 0.5, cache_write: 2.5, cache_write_1h: 4,
         flex_input: 1, flex_output: 1, priority_input: 4, priority_output: 4, source: s}
    scores:
      - {benchmark: arena-text, as_of: 2025-01-01, value: 1300, ci_lower: 1295, ci_upper: 1305, source: s}
      - {benchmark: arena-text, as_of: 2025-06-01, value: 1310, ci_lower: 1305, ci_upper: 1315, source: s}
  - id: beta
    provider: B
    context_window: 1000000
    aliases: [{name: flagship, since: 2025-03-01}]
    prices: [{since: 2024-06-01, input: 1, output: 1, source: s}]
    scores:
      - {benchmark: arena-text, as_of: 2025-01-01, value: 1250, ci_lower: 1245, ci_upper: 1255, source: s}
      - {benchmark: arena-text, as_of: 2025-06-01, value: 1290, ci_lower: 1285, ci_upper: 1295, source: s}
  - id: retiree
    provider: A
    retired: 2025-03-01
    successor: alpha
    prices: [{since: 2024-01-01, input: 5, output: 5, source: s}]
    scores:
      - {benchmark: arena-text, as_of: 2025-01-01, value: 1280, ci_lower: 1275, ci_upper: 1285, source: s}
      - {benchmark: arena-text, as_of: 2025-06-01, value: 1285, ci_lower: 1280, ci_upper: 1290, source: s}
  - id: alpha-thinking
    provider: A
    mode_of: alpha
    scores:
      - {benchmark: arena-text, as_of: 2025-06-01, value: 1330, ci_lower: 1325, ci_upper: 1335, source: s}
  - id: alpha-high
    provider: A
    mode_of: alpha
    output_multiplier: 3
    scores:
      - {benchmark: arena-text, as_of: 2025-06-01, value: 1320, ci_lower: 1315, ci_upper: 1325, source: s}
  - id: fresh-unscored
    provider: C
    released: 2025-05-01
    prices: [{since: 2025-05-01, input: 0.5, output: 0.5, source: s}]
  - id: old-unscored
    provider: C
    released: 2024-02-01
    prices: [{since: 2024-02-01, input: 0.4, output: 0.4, source: s}]
  - id: unpriced
    provider: D
    scores:
      - {benchmark: arena-text, as_of: 2025-06-01, value: 1200, ci_lower: 1195, ci_upper: 1205, source: s}
"""

# One model's score dated after the 2025-06-01 snapshot: from 2025-06-15 on it hides that snapshot.
HIDING_LAYER = """\
schema_version: 1
models:
  - id: beta
    scores:
      - {benchmark: arena-text, as_of: 2025-06-15, value: 1295, ci_lower: 1290, ci_upper: 1300, source: s}
"""

JULY_2025 = dt.date(2025, 7, 1)


@pytest.fixture
def layer(tmp_path: Path) -> Path:
    path = tmp_path / "honest.yaml"
    path.write_text(LAYER, encoding="utf-8")
    return path


@pytest.fixture
def view(layer: Path):  # type: ignore[no-untyped-def]
    return load_catalog(layer, bundled=False).as_of(JULY_2025)


def cli(capsys: pytest.CaptureFixture[str], layer: Path, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--catalog", str(layer), "--no-bundled"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- the funnel: left-out order, retirement, context windows ---------------------------------------


def test_left_out_puts_priced_unscored_models_first_then_retired_then_the_rest(view) -> None:  # type: ignore[no-untyped-def]
    p = pool(view)
    assert [(x.id, x.kind, x.reason) for x in p.left_out] == [
        ("fresh-unscored", "unscored", "no arena-text score"),  # newest release first
        ("old-unscored", "unscored", "no arena-text score"),
        ("retiree", "retired", "retired on 2025-03-01 (successor: alpha)"),
        ("unpriced", "unpriced", "no price"),
    ]
    assert sorted(o.id for o in p.options) == ["alpha", "alpha-high", "alpha-thinking", "beta"]


def test_retired_models_are_left_out_only_from_their_retirement_day(layer: Path) -> None:
    cat = load_catalog(layer, bundled=False)
    before = pool(cat.as_of(dt.date(2025, 2, 28)))
    assert "retiree" in [o.id for o in before.options]
    on_the_day = pool(cat.as_of(dt.date(2025, 3, 1)))
    assert "retiree" not in [o.id for o in on_the_day.options]
    board = rank(cat.as_of(dt.date(2025, 3, 1)))
    assert "retiree" not in [r.id for r in board.rows]
    assert [x.reason for x in board.left_out if x.kind == "retired"] == ["retired on 2025-03-01 (successor: alpha)"]


def test_a_request_larger_than_the_context_window_leaves_the_model_out(view) -> None:  # type: ignore[no-untyped-def]
    w = Workload(input_tokens=300_000, output_tokens=1_000)
    p = pool(view, workload=w)
    assert [o.id for o in p.options] == ["beta"]
    assert [(x.id, x.reason) for x in p.left_out if x.kind == "too-large"] == [
        ("alpha", "context 128,000 < 300,000 input + 1,000 output tokens"),
        # a reasoning mode spends its multiplier's output tokens, and has its base model's window
        ("alpha-high", "context 128,000 < 300,000 input + 3,000 output tokens"),
        ("alpha-thinking", "context 128,000 < 300,000 input + 1,000 output tokens"),
    ]
    # cost goes through the same funnel
    report = cost(view, ["alpha", "beta"], workload=w)
    assert [c.id for c in report.costs] == ["beta"]
    assert [(x.id, x.reason) for x in report.left_out] == [
        ("alpha", "context 128,000 < 300,000 input + 1,000 output tokens")
    ]
    with pytest.raises(Exception, match="cannot be used as of 2025-07-01: context 128,000"):
        recommend(view, workload=w, target="alpha")


def test_cost_leaves_out_a_retired_model_even_when_named(layer: Path) -> None:
    view = load_catalog(layer, bundled=False).as_of(dt.date(2025, 4, 1))
    report = cost(view, ["retiree", "alpha"])
    assert [c.id for c in report.costs] == ["alpha"]
    assert [x.reason for x in report.left_out] == ["retired on 2025-03-01 (successor: alpha)"]


# --- prices: tiers, cache writes, batch, reasoning modes -------------------------------------------


def test_service_tiers_use_their_prices_and_mark_models_without_them(view) -> None:  # type: ignore[no-untyped-def]
    flex = {c.id: c for c in cost(view, ["alpha", "beta"], workload=Workload(service_tier="flex")).costs}
    assert flex["alpha"].blended_usd_per_mtok == pytest.approx(1.0)
    assert (flex["alpha"].service_tier, flex["alpha"].missing) == ("flex", ())
    assert flex["beta"].blended_usd_per_mtok == pytest.approx(1.0)  # its standard price ...
    assert (flex["beta"].service_tier, flex["beta"].missing) == (
        "standard",
        ("no flex price: standard price charged",),
    )  # ... marked
    priority = cost(view, ["alpha"], workload=Workload(service_tier="priority")).costs[0]
    assert priority.usd_per_request == pytest.approx((3000 * 4 + 1000 * 4) / 1e6)


def test_one_hour_cache_writes(view) -> None:  # type: ignore[no-untyped-def]
    w1h = Workload(cache_write_share=0.5, cache_ttl="1h")
    w5m = Workload(cache_write_share=0.5)
    by_id = {c.id: c for c in cost(view, ["alpha", "beta"], workload=w1h).costs}
    # alpha: 1,500 input tokens at 2, 1,500 written at 4 (1h), 1,000 output at 2
    assert by_id["alpha"].usd_per_request == pytest.approx((1500 * 2 + 1500 * 4 + 1000 * 2) / 1e6)
    assert by_id["alpha"].cache_write_rate == 4
    assert cost(view, ["alpha"], workload=w5m).costs[0].usd_per_request == pytest.approx(
        (1500 * 2 + 1500 * 2.5 + 1000 * 2) / 1e6
    )
    assert by_id["beta"].missing == ("no 1h cache-write price: input price charged",)
    assert by_id["beta"].usd_per_request == pytest.approx(4000 / 1e6)


def test_batch_without_a_batch_price_is_marked(view) -> None:  # type: ignore[no-untyped-def]
    c = cost(view, ["alpha"], workload=Workload(batch=True)).costs[0]
    assert (c.batch_priced, c.missing, c.blended_usd_per_mtok) == (
        False,
        ("no batch price: standard price charged",),
        2.0,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch": True, "service_tier": "flex"}, "batch and service_tier 'flex' are two ways to buy"),
        ({"service_tier": "fast"}, "service_tier must be one of standard, flex, priority"),
        ({"cached_share": 0.6, "cache_write_share": 0.5}, "cached_share + cache_write_share must be at most 1"),
        ({"cache_ttl": "2h"}, "cache_ttl must be '5m' or '1h'"),
    ],
)
def test_bad_price_structure(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Workload(**kwargs)  # type: ignore[arg-type]


def test_reasoning_modes_pay_their_base_prices_times_their_own_multiplier(view) -> None:  # type: ignore[no-untyped-def]
    by_id = {c.id: c for c in cost(view, ["alpha", "alpha-high", "alpha-thinking"]).costs}
    assert by_id["alpha"].usd_per_request == pytest.approx(0.008)
    assert by_id["alpha-high"].usd_per_request == pytest.approx((3000 * 2 + 3000 * 2) / 1e6)
    assert (by_id["alpha-high"].mode_of, by_id["alpha-high"].output_tokens_unknown) == ("alpha", False)
    # No multiplier known: priced at 1x (a lower bound) and marked.
    assert by_id["alpha-thinking"].usd_per_request == pytest.approx(0.008)
    assert by_id["alpha-thinking"].output_tokens_unknown is True
    assert by_id["alpha-thinking"].marks == ("output tokens unknown (a lower bound at 1x output)",)
    # A multiplier given by the user makes it known.
    given = cost(view, ["alpha-thinking"], workload=Workload(output_multipliers={"alpha-thinking": 2.0})).costs[0]
    assert (given.usd_per_request, given.output_tokens_unknown) == (pytest.approx(0.01), False)


# --- freshness --------------------------------------------------------------------------------------


def test_freshness_names_the_snapshot_its_size_and_the_prices_dates(view) -> None:  # type: ignore[no-untyped-def]
    f = frontier(view).freshness
    assert f.scores is not None
    assert (f.scores.as_of, f.scores.models, f.scores.age_days) == (dt.date(2025, 6, 1), 6, 30)
    assert (f.scores.previous_as_of, f.scores.previous_models) == (dt.date(2025, 1, 1), 3)
    assert (f.prices_as_of, f.prices_age_days, f.warnings) == (dt.date(2024, 6, 1), 395, ())
    assert f.lines() == [
        "Scores: arena-text as of 2025-06-01 (30 days before 2025-07-01), 6 models in that snapshot",
        "Prices: in force on 2025-07-01, newest dated 2024-06-01 (395 days before 2025-07-01)",
    ]


def test_old_scores_get_a_warning_naming_the_way_to_fresher_data(layer: Path) -> None:
    view = load_catalog(layer, bundled=False).as_of(dt.date(2025, 12, 1))
    f = recommend(view, target="alpha").freshness
    assert f.scores is not None and f.scores.age_days == 183 > STALE_AFTER_DAYS
    assert f.warnings == (
        "the scores are 183 days old (more than 90): models and rating changes since 2025-06-01 are missing "
        "from this answer. Fresher data: `advisor catalog update`, or `advisor catalog import arena FILE "
        "--into scores.yaml --add-new`.",
    )
    # Exactly 90 days is not yet old.
    assert pool(load_catalog(layer, bundled=False).as_of(dt.date(2025, 8, 30))).freshness.warnings == ()


def test_every_answer_carries_its_freshness(view) -> None:  # type: ignore[no-untyped-def]
    answers = [
        frontier(view),
        recommend(view, budget=5),
        rank(view),
        compare(view, "alpha", "beta"),
        cost(view),
        models(view),
    ]
    for answer in answers:
        assert answer.freshness.as_of == JULY_2025, type(answer).__name__
    assert cost(view).freshness.scores is None  # a cost table uses no scores


def test_bundled_july_2024_freshness() -> None:
    view = load_catalog().as_of(dt.date(2024, 7, 24))
    f = recommend(view, target="gpt-4o").freshness
    assert f.lines() == [
        "Scores: arena-text as of 2024-07-24 (same day as 2024-07-24), 116 models in that snapshot",
        "Prices: in force on 2024-07-24, newest dated 2024-07-18 (6 days before 2024-07-24)",
    ]


# --- hidden snapshots ---------------------------------------------------------------------------------


def test_a_small_newer_snapshot_in_a_layer_is_reported(layer: Path, tmp_path: Path) -> None:
    top = tmp_path / "one-score.yaml"
    top.write_text(HIDING_LAYER, encoding="utf-8")
    report = validate_catalog(layer, top, bundled=False)
    assert report.ok
    assert [str(w) for w in report.warnings] == [
        f"{top}:5: model 'beta': field 'scores[0].as_of': the arena-text snapshot of 2025-06-15 holds 1 model; "
        "from 2025-06-15 on it hides the snapshot of 2025-06-01 below (6 models), because snapshots are not "
        "mixed. Date these scores 2025-06-01 to add them to that snapshot, or give a whole leaderboard"
    ]
    f = pool(load_catalog(layer, top, bundled=False).as_of(JULY_2025)).freshness
    assert f.scores is not None and (f.scores.as_of, f.scores.models) == (dt.date(2025, 6, 15), 1)
    assert f.warnings[-1].startswith(
        "the arena-text snapshot of 2025-06-15 holds 1 model; it hides the snapshot of 2025-06-01 (6 models)"
    )
    # Without the layer, no warning.
    assert validate_catalog(layer, bundled=False).warnings == ()


# --- filters and names ---------------------------------------------------------------------------------


def test_ranks_within_a_filter_say_so(view, capsys, layer) -> None:  # type: ignore[no-untyped-def]
    board = rank(view.filter(provider="A"))
    assert board.scope == ("provider A",)
    assert [(r.rank, r.id) for r in board.rows] == [(1, "alpha-thinking"), (1, "alpha-high"), (2, "alpha")]
    code, out, _ = cli(capsys, layer, "rank", "--provider", "A", "--as-of", "2025-07-01")
    assert code == 0
    assert out.splitlines()[0] == (
        "Leaderboard as of 2025-07-01, metric arena-text, ranks computed among provider A only "
        "(rank = 1 + models statistically better)"
    )


@pytest.mark.parametrize(("day", "meant"), [("2025-02-01", "alpha"), ("2025-07-01", "beta")])
def test_dated_aliases_resolve_on_the_as_of_date_in_every_command(
    capsys: pytest.CaptureFixture[str], layer: Path, day: str, meant: str
) -> None:
    other = "retiree" if meant == "beta" else "beta"
    runs = {
        "compare": ["compare", "flagship", other, "--as-of", day, "--json"],
        "cost": ["cost", "flagship", "--as-of", day, "--json"],
        "recommend": ["recommend", "--target", "flagship", "--as-of", day, "--json"],
        "exclude": ["frontier", "--exclude", "flagship", "--as-of", day, "--json"],
    }
    seen = {}
    for name, argv in runs.items():
        code, out, err = cli(capsys, layer, *argv)
        assert code == 0, (name, err)
        data = json.loads(out)
        if name == "compare":
            seen[name] = data["a"]
        elif name == "cost":
            seen[name] = data["costs"][0]["id"]
        elif name == "recommend":
            seen[name] = data["reference"]["id"] if data["reference"] else data["choice"]["id"]
        else:
            assert data["scope"] == [f"excluding {meant}"]
            seen[name] = data["scope"][0].removeprefix("excluding ")
    assert seen == dict.fromkeys(runs, meant)


# --- listings -------------------------------------------------------------------------------------------


def test_models_marks_retired_models_and_modes(capsys: pytest.CaptureFixture[str], layer: Path) -> None:
    rows = {r.id: r for r in models(load_catalog(layer, bundled=False).as_of(JULY_2025)).rows}
    assert (rows["retiree"].retired, rows["retiree"].successor) == (dt.date(2025, 3, 1), "alpha")
    assert rows["alpha"].retired is None
    assert (rows["alpha-thinking"].mode_of, rows["alpha-thinking"].input_usd_per_mtok) == ("alpha", 2.0)
    assert rows["alpha-thinking"].output_tokens_unknown is True
    code, out, _ = cli(capsys, layer, "models", "--as-of", "2025-07-01")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert lines["retiree"].endswith("retired on 2025-03-01 (successor: alpha)")
    assert lines["alpha-thinking"].endswith("mode of alpha, its prices; output tokens unknown")
    assert lines["alpha-high"].endswith("mode of alpha, its prices; output x3")
    assert out.splitlines()[0] == (
        "Scores: arena-text as of 2025-06-01 (30 days before 2025-07-01), 6 models in that snapshot"
    )
    assert "1 retired (decisions leave them out)" in out


def test_models_metrics_lists_every_metric_with_its_newest_snapshot(
    capsys: pytest.CaptureFixture[str], layer: Path
) -> None:
    found = metrics(load_catalog(layer, bundled=False).as_of(JULY_2025))
    assert [(m.metric, m.as_of, m.models, m.snapshots, m.age_days) for m in found] == [
        ("arena-text", dt.date(2025, 6, 1), 6, 2, 30)
    ]
    code, out, _ = cli(capsys, layer, "models", "--metrics", "--as-of", "2025-02-01")
    assert code == 0
    assert out.splitlines()[2].split() == ["arena-text", "Arena", "2025-01-01", "3", "1", "31"]


# --- the CLI's human output -------------------------------------------------------------------------------


def test_cli_marks_rows_priced_without_what_was_asked(capsys: pytest.CaptureFixture[str], layer: Path) -> None:
    code, out, _ = cli(
        capsys,
        layer,
        "cost",
        "alpha",
        "beta",
        "alpha-high",
        "alpha-thinking",
        "--service-tier",
        "flex",
        "--as-of",
        "2025-07-01",
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Cost as of 2025-07-01, workload 3,000 input + 1,000 output tokens per request (3:1 input:output), "
        "flex tier prices"
    )
    assert lines[1] == "Prices: in force on 2025-07-01, newest dated 2024-06-01 (395 days before 2025-07-01)"
    assert lines[2] == ("Output multipliers applied (output tokens spent vs a typical model): 1: alpha-high x3")
    assert lines[3].startswith("Output tokens unknown (reasoning modes priced at 1x output, a lower bound; ")
    beta = next(line for line in lines if line.startswith("beta "))
    assert beta.split()[-2:] == ["$1.00*", "$0.004*"]
    assert "* no flex price: standard price charged: 1: beta" in lines
    assert "* output tokens unknown, cost is a lower bound: 1: alpha-thinking" in lines


def test_cli_left_out_lists_in_order(capsys: pytest.CaptureFixture[str], layer: Path) -> None:
    code, out, _ = cli(capsys, layer, "frontier", "--as-of", "2025-07-01", "--input-tokens", "300000")
    assert code == 0
    left = [line for line in out.splitlines() if line.startswith("Left out")]
    assert left == [
        "Left out (priced, no arena-text score): 2: fresh-unscored, old-unscored",
        "Left out (retired): 1: retiree on 2025-03-01 (successor: alpha)",
        "Left out (request too large): 3: alpha (context 128,000 < 300,000 input + 1,000 output tokens), "
        "alpha-high (context 128,000 < 300,000 input + 3,000 output tokens), "
        "alpha-thinking (context 128,000 < 300,000 input + 1,000 output tokens)",
        "Left out (no price): 1: unpriced",
    ]


def test_json_carries_the_freshness_fields(capsys: pytest.CaptureFixture[str], layer: Path) -> None:
    code, out, _ = cli(capsys, layer, "recommend", "--budget", "5", "--as-of", "2025-12-01", "--json")
    assert code == 0
    f = json.loads(out)["freshness"]
    assert f["scores"] == {
        "metric": "arena-text",
        "as_of": "2025-06-01",
        "models": 6,
        "age_days": 183,
        "previous_as_of": "2025-01-01",
        "previous_models": 3,
    }
    assert (f["as_of"], f["prices_as_of"], f["prices_age_days"], len(f["warnings"])) == (
        "2025-12-01",
        "2024-06-01",
        548,
        1,
    )
    code, out, _ = cli(capsys, layer, "recommend", "--budget", "5", "--as-of", "2025-12-01")
    assert "Warning: the scores are 183 days old (more than 90)" in out


def test_charts_name_the_dates_of_their_data(view) -> None:  # type: ignore[no-untyped-def]
    from advisor.plot import plot_frontier, plot_winrates

    caption = "Scores: arena-text as of 2025-06-01 (30 days before 2025-07-01, 6 models); prices in force on "
    caption += "2025-07-01, newest dated 2024-06-01."
    assert caption in plot_frontier(view).layout.title.subtitle.text
    assert caption in plot_winrates(view, top=3).layout.title.subtitle.text


def test_a_missing_one_hour_write_price_falls_back_to_the_five_minute_one(tmp_path: Path) -> None:
    path = tmp_path / "five-minute-only.yaml"
    path.write_text(
        "schema_version: 1\nsources:\n  s: {title: made by the test}\nmodels:\n"
        "  - id: m\n    provider: P\n"
        "    prices: [{since: 2025-01-01, input: 2, output: 2, cache_write: 2.5, source: s}]\n",
        encoding="utf-8",
    )
    view = load_catalog(path, bundled=False).as_of(JULY_2025)
    c = cost(view, ["m"], workload=Workload(cache_write_share=0.5, cache_ttl="1h")).costs[0]
    assert c.missing == ("no 1h cache-write price: 5-minute write price charged",)
    assert c.usd_per_request == pytest.approx((1500 * 2 + 1500 * 2.5 + 1000 * 2) / 1e6)


@pytest.mark.parametrize(("day", "meant"), [("2024-09-01", "gpt-4o-2024-05-13"), ("2024-11-01", "gpt-4o-2024-08-06")])
def test_the_bundled_moving_alias_gpt_4o_means_its_model_of_the_day(
    capsys: pytest.CaptureFixture[str], day: str, meant: str
) -> None:
    """The catalog says `gpt-4o` moved to the 2024-08-06 snapshot on 2024-10-02: every command agrees."""
    answers = []
    for argv in (
        ["cost", "gpt-4o"],
        ["compare", "gpt-4o", "gpt-4o-mini"],
        ["recommend", "--target", "gpt-4o"],
        ["frontier", "--exclude", "gpt-4o"],
    ):
        assert main([*argv, "--as-of", day, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        answers.append(
            data["costs"][0]["id"]
            if "costs" in data
            else data["a"]
            if "a" in data
            else data["reference"]["id"]
            if "reference" in data
            else data["scope"][0].removeprefix("excluding ")
        )
    assert answers == [meant] * 4


def test_a_category_metric_has_its_own_snapshot_and_freshness(tmp_path: Path) -> None:
    path = tmp_path / "coding.yaml"
    path.write_text(
        "schema_version: 1\nsources:\n  s: {title: made by the test}\n"
        "benchmarks:\n  arena-text: {name: Arena, scale: Elo, elo_scale: 400}\nmodels:\n"
        + "".join(
            f"  - id: m{i}\n    provider: P\n    prices: [{{since: 2025-01-01, input: {i}, output: {i}, source: s}}]\n"
            "    scores:\n"
            f"      - {{benchmark: arena-text, as_of: 2025-06-01, value: {1200 + i}, source: s}}\n"
            + (
                f"      - {{benchmark: arena-text, category: coding, as_of: 2025-03-01, value: {1300 - i}, source: s}}\n"
                if i < 3
                else ""
            )
            for i in range(1, 5)
        ),
        encoding="utf-8",
    )
    view = load_catalog(path, bundled=False).as_of(JULY_2025)
    rec = recommend(view, metric="arena-text/coding", budget=10)
    assert rec.choice.id == "m1"
    assert rec.freshness.lines()[0] == (
        "Scores: arena-text/coding as of 2025-03-01 (122 days before 2025-07-01), 2 models in that snapshot"
    )
    assert [m.metric for m in metrics(view)] == ["arena-text", "arena-text/coding"]


def test_the_history_chart_names_its_snapshots_and_their_age(layer: Path) -> None:
    from advisor.plot import plot_history

    fig = plot_history(load_catalog(layer, bundled=False), bar=1200.0, end=dt.date(2025, 12, 1))
    assert (
        "Snapshots 2025-01-01 to 2025-06-01 (the newest 183 days before 2025-12-01), each with the prices in "
        "force that day. Over 90 days old: see `advisor catalog update`." in fig.layout.title.subtitle.text
    )
