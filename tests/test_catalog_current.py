"""The bundled catalog on 2026-11-30: current models priced, findable, dated truly, retired, scored by category.

Every expected figure is read from the public files in ../shared/data (named in each test) or from
the catalog's own sources; the catalog is the committed one (checked against a rebuild elsewhere).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from advisor.catalog import Catalog, load_catalog, validate_catalog

TODAY = dt.date(2026, 11, 30)
D = dt.date


@pytest.fixture(scope="module")
def full() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def today(full: Catalog) -> Catalog:
    return full.as_of(TODAY)


def test_hundreds_of_current_models_are_priced(today: Catalog) -> None:
    priced = [m for m in today if m.prices and m.mode_of is None]
    assert len(priced) >= 450  # 493 on 2026-11-30
    makers = {m.provider for m in priced}
    for maker in ("OpenAI", "Anthropic", "Google", "xAI", "Meta", "Mistral", "DeepSeek", "Alibaba", "Moonshot",
                  "Zhipu AI", "MiniMax", "Cohere", "Amazon"):  # fmt: skip
        assert maker in makers, maker
    # At least 90% carry a context window (models.dev, the maker's own LiteLLM key, genai-prices'
    # listing, else the smallest window its hosts list): 455 of 493 on 2026-11-30.
    with_context = sum(1 for m in priced if m.context_window)
    assert with_context / len(priced) >= 0.90


def test_a_window_only_hosts_list_is_the_smallest_of_them(today: Catalog, shared_data: Path) -> None:
    """zephyr-7b-beta: no maker listing, no models.dev entry; two hosts the catalog prices it at list a window."""
    with open(
        shared_data / "prices" / "litellm_model_prices_and_context_window_pypi-1.110.2.json", encoding="utf-8"
    ) as fh:
        keys = json.load(fh)
    listed = {
        "anyscale": keys["anyscale/HuggingFaceH4/zephyr-7b-beta"]["max_input_tokens"],
        "fireworks_ai": keys["fireworks_ai/accounts/fireworks/models/zephyr-7b-beta"]["max_input_tokens"],
    }
    assert listed == {"anyscale": 16384, "fireworks_ai": 32768}
    model = today.get("zephyr-7b-beta")
    assert {p.host for p in model.prices} >= set(listed)
    assert model.context_window == 16384
    assert model.notes is not None and "anyscale 16,384, fireworks_ai 32,768" in model.notes


@pytest.mark.parametrize(
    ("name", "model_id"),
    [
        ("gpt-5", "gpt-5"),
        ("openai/gpt-5", "gpt-5"),
        ("claude-sonnet-4-5", "claude-sonnet-4-5-20250929"),
        ("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5-20250929"),
        ("gemini-3-pro", "gemini-3-pro-preview"),
        ("deepseek-v3.2", "deepseek-v3.2"),
        ("qwen3-max", "qwen3-max"),
    ],
)
def test_names_people_type(today: Catalog, name: str, model_id: str) -> None:
    assert today.get(name).id == model_id


def test_gpt5_price_from_the_newest_map(today: Catalog, shared_data: Path) -> None:
    with open(
        shared_data / "prices" / "litellm_model_prices_and_context_window_pypi-1.110.2.json", encoding="utf-8"
    ) as fh:
        entry = json.load(fh)["gpt-5"]
    own = next(p for p in today.get("gpt-5").prices if p.host is None)
    assert (own.input, own.output) == (entry["input_cost_per_token"] * 1e6, entry["output_cost_per_token"] * 1e6)
    assert (own.input, own.output, own.flex_input, own.priority_output) == (1.25, 10.0, 0.625, 20.0)


def test_announced_price_change_keeps_its_date(full: Catalog) -> None:
    """genai-prices 0.2.3: gemini-3.8-flash doubles on 2027-01-01 (an announced change)."""
    model = full.get("gemini-3.8-flash")
    own = [(p.since, p.until, p.input, p.output) for p in model.prices if p.host is None]
    assert own[-2:][0][1:] == (D(2027, 1, 1), 0.75, 3.75)
    assert own[-1] == (D(2027, 1, 1), None, 1.5, 7.5)
    assert [p.input for p in full.as_of(D(2027, 1, 2)).get("gemini-3.8-flash").prices if p.host is None] == [1.5]


def test_retired_model_date_and_successor(full: Catalog) -> None:
    """The 1.110.2 map: gpt-4o-2024-05-13 retires on 2026-10-23, successor gpt-5.6-sol."""
    model = full.get("gpt-4o-2024-05-13")
    assert (model.retired, model.successor) == (D(2026, 10, 23), "gpt-5.6-sol")
    assert model.retired_source == "https://developers.openai.com/api/docs/deprecations"
    assert all(p.until is not None and p.until <= D(2026, 10, 23) for p in model.prices if p.host is None)


def test_undated_prices_never_start_before_release(full: Catalog) -> None:
    """A price seen only in an undated map starts no earlier than the release date, and says so."""
    undated = ("litellm-1.109.1", "litellm-1.110.2")
    checked = 0
    for m in full:
        for p in m.prices:
            if p.source in undated and m.released is not None:
                assert p.since is not None and p.since >= m.released, (m.id, p)
                checked += 1
    assert checked >= 300
    assert "not known exactly" in (full.sources["litellm-1.110.2"].note or "")
    # The old made-up map date is gone: no 2026 model has a price from 2025-09-02.
    gpt55 = full.get("gpt-5.5")
    assert gpt55.released is not None and gpt55.released.year == 2026
    assert min(p.since for p in gpt55.prices if p.since) >= gpt55.released


def test_category_metrics_and_style_control(today: Catalog) -> None:
    metrics = set(today.metrics())
    for category in ("coding", "math", "hard-prompts", "creative-writing", "instruction-following", "multi-turn",
                     "longer-query", "english", "chinese", "industry-software"):  # fmt: skip
        assert f"arena-text/{category}" in metrics
    assert "arena-text-style" in metrics
    assert len(metrics) >= 59


def test_lazy_score_tables() -> None:
    """The CLI reads only its metric's table; a metric not read says how to read it."""
    from advisor.errors import UnknownMetricError

    cat = load_catalog(metrics=["arena-text"]).as_of(TODAY)
    assert "arena-text/coding" in cat.metrics()
    with pytest.raises(UnknownMetricError, match=r"score table was not read; load_catalog\(metrics="):
        cat.check_metric("arena-text/coding")
    coding = load_catalog(metrics=["arena-text/coding"]).as_of(TODAY)
    assert coding.check_metric("arena-text/coding") == ("arena-text", "coding")
    scores = [s for m in coding for s in m.scores if s.category == "coding"]
    assert len(scores) >= 240 and {s.as_of for s in scores} == {D(2025, 12, 11)}
    assert all(s.votes is None and s.ci_lower is not None for s in scores)


def test_reasoning_modes_are_options(full: Catalog) -> None:
    mode = full.get("claude-opus-4-5-20251101-thinking-32k")
    assert (mode.mode_of, mode.output_multiplier) == ("claude-opus-4-5-20251101", None)


# --- score tables: bad input --------------------------------------------------------------------

HEADER = "model\tbenchmark\tcategory\tas_of\tvalue\tci_lower\tci_upper\tvotes\tsource\n"


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("model,benchmark\n", 1, "the header must be the columns model, benchmark"),
        (HEADER + "gpt-4o-mini-2024-07-18\tarena-text\tcoding\t2025-12-11\t1300\n", 2, "expected 9 tab-separated cells, got 5"),
        (HEADER + "gpt-4o-mini-2024-07-18\tarena-text\tcoding\t2025-13-11\t1300\t1290\t1310\t\tmine\n", 2, "bad score: month must be in 1..12"),
        (HEADER + "gpt-4o-mini-2024-07-18\tarena-text\tcoding\t2025-12-11\t1300\t1310\t1320\t\tmine\n", 2, "outside its interval"),
        (HEADER + "gpt-4o-mini-2024-07-18\tarena-text\tcoding\t2025-12-11\tnan\t\t\t\tmine\n", 2, "not a finite number"),
        (HEADER + "gpt-4o-mini-2024-07-18\tarena-text\tmath\t2025-12-11\t1300\t\t\t\tmine\n", 2, "a score of arena-text/math in the table of arena-text/coding"),
    ],
)  # fmt: skip
def test_score_table_bad_input(tmp_path: Path, body: str, line: int, message: str) -> None:
    """A layer's score table is checked like its YAML: file, line and what is wrong, exit 2 in the CLI."""
    from advisor.cli import main

    (tmp_path / "t.tsv").write_text(body, encoding="utf-8")
    layer = tmp_path / "layer.yaml"
    layer.write_text(
        "schema_version: 1\nsources: {mine: {title: my evals}}\nscore_tables: {arena-text/coding: t.tsv}\n",
        encoding="utf-8",
    )
    report = validate_catalog(layer)
    (problem,) = report.problems
    assert (problem.file, problem.line) == (str(tmp_path / "t.tsv"), line)
    assert message in problem.message
    assert main(["models", "--catalog", str(layer), "--metric", "arena-text/coding"]) == 2


def test_layer_score_table_adds_scores(tmp_path: Path) -> None:
    """A team's own table of scores layers on the bundled catalog like scores written in YAML."""
    (tmp_path / "t.tsv").write_text(
        HEADER + "gpt-4o-mini-2024-07-18\tarena-text\tcoding\t2026-11-01\t1301.5\t1290\t1310\t12\tmine\n",
        encoding="utf-8",
    )
    layer = tmp_path / "layer.yaml"
    layer.write_text(
        "schema_version: 1\nsources: {mine: {title: my evals}}\nscore_tables: {arena-text/coding: t.tsv}\n",
        encoding="utf-8",
    )
    cat = load_catalog(layer, metrics=["arena-text/coding"]).as_of(TODAY)
    (score,) = [s for s in cat.get("gpt-4o-mini").scores if s.category == "coding"]
    assert (score.value, score.ci_lower, score.votes, score.as_of) == (1301.5, 1290.0, 12, D(2026, 11, 1))


@pytest.mark.parametrize(
    ("rows", "line", "message"),
    [
        ("gpt-4o-mini\tarena-text\tcoding\t2026-11-01\t1301.5\t\t\t\tmine\nno-such-model-xyz\tarena-text\tcoding\t2026-11-01\t1200\t\t\t\tmine\n",
         3, "model 'no-such-model-xyz': names no model of the catalogs below this file"),
        ("gpt-4o-mini\tarena-text\tcoding\t2026-11-01\t1301.5\t\t\t\tmine\ngpt-4o-mini\tarena-text\tcoding\t2026-11-02\t1301.5\t\t\t\ttheirs\n",
         3, "unknown source 'theirs' (define it under sources:)"),
        ("gpt-4o-mini\tarena-text\tcoding\t2026-11-01\t1301.5\t\t\t\tmine\ngpt-4o-mini-2024-07-18\tarena-text\tcoding\t2026-11-02\t1300\t\t\t\tmine\n",
         3, "names the same model as 'gpt-4o-mini' ('gpt-4o-mini-2024-07-18'); use one name per model in a file"),
    ],
)  # fmt: skip
def test_layer_score_table_names_checked_at_its_row(tmp_path: Path, rows: str, line: int, message: str) -> None:
    """A score table's own rows are checked against the catalogs below it; the problem names the table and row."""
    (tmp_path / "t.tsv").write_text(HEADER + rows, encoding="utf-8")
    layer = tmp_path / "layer.yaml"
    layer.write_text(
        "schema_version: 1\nsources: {mine: {title: my evals}}\nscore_tables: {arena-text/coding: t.tsv}\n",
        encoding="utf-8",
    )
    (problem,) = validate_catalog(layer).problems
    assert (problem.file, problem.line) == (str(tmp_path / "t.tsv"), line)
    assert message in str(problem)


def test_layer_score_table_benchmark_must_be_defined(tmp_path: Path) -> None:
    (tmp_path / "t.tsv").write_text(
        HEADER + "gpt-4o-mini\tmy-evals\toverall\t2026-11-01\t71.5\t\t\t\tmine\n", encoding="utf-8"
    )
    layer = tmp_path / "layer.yaml"
    layer.write_text(
        "schema_version: 1\nsources: {mine: {title: my evals}}\nscore_tables: {my-evals: t.tsv}\n", encoding="utf-8"
    )
    (problem,) = validate_catalog(layer).problems
    assert (problem.file, problem.line, problem.field) == (str(layer), 3, "score_tables.my-evals")
    assert problem.message == "unknown benchmark 'my-evals' (define it under benchmarks:)"
    layer.write_text(
        layer.read_text(encoding="utf-8") + "benchmarks: {my-evals: {name: my evals, scale: percent}}\n",
        encoding="utf-8",
    )
    cat = load_catalog(layer, metrics=["my-evals"]).as_of(TODAY)
    assert [(s.value, s.as_of) for s in cat.get("gpt-4o-mini").scores if s.benchmark == "my-evals"] == [
        (71.5, D(2026, 11, 1))
    ]


def test_status_counts_what_the_catalog_holds(today: Catalog, tmp_path: Path) -> None:
    """`advisor catalog status` on the bundled catalog alone: the figures the README gives."""
    from advisor.update import catalog_status

    status = catalog_status(into=tmp_path / "no-layer.yaml", today=TODAY)
    priced = [m for m in today if m.prices and m.mode_of is None]
    assert (status.priced, status.priced_with_context) == (len(priced), sum(1 for m in priced if m.context_window))
    assert (status.priced, status.priced_with_context, status.metrics, status.snapshots) == (493, 455, 59, 32)
    # the score tables count: the newest scores are the 2025-12-17 style-control board's, bundled or not
    assert status.bundled_newest_score == status.newest_score == D(2025, 12, 17)
    assert status.newest_price_change == D(2027, 1, 1)  # genai-prices' announced gemini-3.8-flash change
