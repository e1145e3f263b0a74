"""The bundled catalog: valid, big enough, and faithful to the public files it is built from."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from advisor.catalog_io import load_file
from advisor.schema import CatalogFile, Model, PricePeriod, Score

REPO = Path(__file__).resolve().parents[1]
CATALOG = REPO / "catalog" / "catalog.yaml"
JULY = dt.date(2024, 7, 24)

# Arena display name on 2024-07-24 -> catalog id: the July-2024 story.
STORY = {
    "GPT-4o-2024-05-13": "gpt-4o-2024-05-13",
    "GPT-4o-mini-2024-07-18": "gpt-4o-mini-2024-07-18",
    "GPT-3.5-Turbo-0125": "gpt-3.5-turbo-0125",
    "GPT-4-Turbo-2024-04-09": "gpt-4-turbo-2024-04-09",
    "Claude 3.5 Sonnet": "claude-3-5-sonnet-20240620",
    "Claude 3 Haiku": "claude-3-haiku-20240307",
    "Claude 3 Opus": "claude-3-opus-20240229",
    "Gemini-1.5-Pro-API-0514": "gemini-1.5-pro-001",
    "Gemini-1.5-Flash-API-0514": "gemini-1.5-flash-001",
    "Llama-3-70b-Instruct": "meta-llama-3-70b-instruct",
    "Llama-3-8b-Instruct": "meta-llama-3-8b-instruct",
    "Mixtral-8x22b-Instruct-v0.1": "mixtral-8x22b-instruct-v0.1",
}


@pytest.fixture(scope="module")
def catalog() -> CatalogFile:
    loaded = load_file(CATALOG, use_cache=False)
    assert loaded.warnings == ()
    return loaded.data


def _model(cf: CatalogFile, model_id: str) -> Model:
    return next(m for m in cf.models if m.id == model_id)


def _price(m: Model, day: dt.date, host: str | None = None) -> PricePeriod | None:
    hits = [
        p for p in m.prices
        if p.host == host and (p.since is None or p.since <= day) and (p.until is None or day < p.until)
    ]  # fmt: skip
    assert len(hits) <= 1
    return hits[0] if hits else None


def _score(m: Model, day: dt.date, benchmark: str = "arena-text") -> Score | None:
    return next((s for s in m.scores if s.as_of == day and s.benchmark == benchmark), None)


def test_key_july_2024_figures(catalog: CatalogFile) -> None:
    gpt4o = _model(catalog, "gpt-4o-2024-05-13")
    s, p = _score(gpt4o, JULY), _price(gpt4o, JULY)
    assert s is not None and p is not None
    assert (s.value, s.ci_upper, s.ci_lower, s.votes) == (1287, 1290, 1284, 64_700)
    assert (p.input, p.output) == (5, 15)
    mini = _model(catalog, "gpt-4o-mini-2024-07-18")
    s, p = _score(mini, JULY), _price(mini, JULY)
    assert s is not None and p is not None
    assert (s.value, s.ci_upper, s.ci_lower, s.votes) == (1280, 1288, 1271, 4_449)
    assert (p.input, p.output) == (0.15, 0.6)
    p = _price(_model(catalog, "gpt-3.5-turbo-0125"), JULY)
    assert p is not None and (p.input, p.output) == (0.5, 1.5)
    s = _score(_model(catalog, "claude-3-5-sonnet-20240620"), JULY)
    assert s is not None and s.value == 1272
    p = _price(_model(catalog, "gemini-1.5-pro-001"), JULY)
    assert p is not None and (p.input, p.output) == (3.5, 10.5)
    assert [(t.above_input_tokens, t.input, t.output) for t in p.long_context] == [(128_000, 7, 21)]


def test_july_2024_against_the_source_files(catalog: CatalogFile, shared_data: Path) -> None:
    with open(shared_data / "arena" / "lmsys_arena_2024-07-24.csv", encoding="utf-8") as fh:
        arena = {row["model"]: row for row in csv.DictReader(fh)}
    with open(shared_data / "prices" / "verified_prices_2024-07.derived.csv", encoding="utf-8") as fh:
        verified = {row["model"].split(" ")[0]: row for row in csv.DictReader(fh)}
    with open(shared_data / "prices" / "tokencost_litellm_model_prices_2024-07-25.json", encoding="utf-8") as fh:
        litellm = json.load(fh)
    for name, model_id in STORY.items():
        m = _model(catalog, model_id)
        row, s = arena[name], _score(m, JULY)
        assert s is not None, model_id
        plus, minus = (float(x) for x in row["95_pct_ci"].lstrip("+").split("/-"))
        assert (s.value, s.ci_upper, s.ci_lower, s.votes) == (
            float(row["arena_score"]), float(row["arena_score"]) + plus, float(row["arena_score"]) - minus,
            int(row["votes"]),
        ), model_id  # fmt: skip
        own = _price(m, JULY)
        hosted = [p for p in m.prices if p.host and _price(m, JULY, p.host) is p]
        assert own is not None or hosted, f"{model_id} has no price on {JULY}"
        if own is not None and model_id.split("-00")[0] in verified:
            v = verified[model_id.split("-00")[0]]
            assert (own.input, own.output) == (
                float(v["input_usd_per_mtok"]),
                float(v["output_usd_per_mtok"]),
            )
    # Llama 3 70B at groq: the 2024-07-25 map's per-token price, per 1M.
    entry = litellm["groq/llama3-70b-8192"]
    p = _price(_model(catalog, "meta-llama-3-70b-instruct"), JULY, "groq")
    assert p is not None
    assert (p.input, p.output) == (
        entry["input_cost_per_token"] * 1e6,
        round(entry["output_cost_per_token"] * 1e6, 10),
    )


def test_context_windows_from_the_models_own_litellm_keys(catalog: CatalogFile, shared_data: Path) -> None:
    from advisor.importers.litellm import host_for, is_own_key

    maps = {}
    for key, name in (
        ("litellm-1.110.2", "litellm_model_prices_and_context_window_pypi-1.110.2.json"),
        ("litellm-1.109.1", "litellm_model_prices_and_context_window_pypi-1.109.1.json"),
        ("litellm-2024-07-25", "tokencost_litellm_model_prices_2024-07-25.json"),
    ):
        with open(shared_data / "prices" / name, encoding="utf-8") as fh:
            maps[key] = json.load(fh)
    newest = maps["litellm-1.110.2"]
    # Spot checks read straight from the files.
    mini = _model(catalog, "gpt-4o-mini-2024-07-18")
    entry = newest["gpt-4o-mini-2024-07-18"]
    assert (entry["max_input_tokens"], entry["max_output_tokens"]) == (128_000, 16_384)
    assert (mini.context_window, mini.max_output_tokens, mini.source) == (128_000, 16_384, "litellm-1.110.2")
    # Gone from the newest maps: the 2024-07-25 map's figures.
    sonnet = _model(catalog, "claude-3-5-sonnet-20240620")
    entry = maps["litellm-2024-07-25"]["claude-3-5-sonnet-20240620"]
    assert "claude-3-5-sonnet-20240620" not in newest
    assert (sonnet.context_window, sonnet.max_output_tokens, sonnet.source) == (
        entry["max_input_tokens"], entry["max_output_tokens"], "litellm-2024-07-25",
    )  # fmt: skip
    # Every figure taken from a LiteLLM map is that of a maker's own key in the map its source names.
    from_maps = [m for m in catalog.models if m.context_window is not None and m.source in maps]
    assert len(from_maps) >= 300
    for m in from_maps:
        assert m.source is not None
        own = [
            (e.get("max_input_tokens"), e.get("max_output_tokens"))
            for k, e in maps[m.source].items()
            if k != "sample_spec" and is_own_key(k, m.id) and host_for(e.get("litellm_provider", ""), k, m) is None
        ]
        assert (m.context_window, m.max_output_tokens) in own, m.id


def test_text_davinci_003_is_price_only(catalog: CatalogFile, shared_data: Path) -> None:
    with open(shared_data / "prices" / "verified_prices_2024-07.derived.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["model"] == "text-davinci-003")
    m = _model(catalog, "text-davinci-003")
    assert m.scores == ()
    assert [(p.input, p.output) for p in m.prices] == [
        (float(row["input_usd_per_mtok"]), float(row["output_usd_per_mtok"]))
    ]


def test_size_and_coverage(catalog: CatalogFile) -> None:
    both = [
        m for m in catalog.models
        if m.prices and any(s.benchmark == "arena-text" and s.ci_lower is not None for s in m.scores)
    ]  # fmt: skip
    assert len(both) >= 60
    assert len({m.provider for m in both}) >= 10
    for model_id in ("mistral-large-2407", "open-mistral-nemo-2407", "meta-llama-3.1-405b-instruct"):
        assert _price(_model(catalog, model_id), dt.date(2024, 7, 25)) or _model(catalog, model_id).prices
    # Today's frontier models of the newest snapshot have a price today.
    today = dt.date(2025, 9, 2)
    for model_id in ("gemini-2.5-pro", "grok-4-0709", "glm-4.5", "o3-2025-04-16", "claude-opus-4-20250514",
                     "deepseek-r1-0528", "kimi-k2-0711-preview", "gpt-4.1-2025-04-14"):  # fmt: skip
        m = _model(catalog, model_id)
        assert _score(m, dt.date(2025, 8, 4)) is not None, model_id
        assert any(_price(m, today, p.host) for p in m.prices), model_id


def test_every_arena_row_of_every_snapshot_is_in(catalog: CatalogFile, shared_data: Path) -> None:
    for path in sorted((shared_data / "arena").glob("*_20*.csv")):
        day = dt.date.fromisoformat(path.stem.rsplit("_", 1)[1])
        with open(path, encoding="utf-8") as fh:
            names = {row["model"] for row in csv.DictReader(fh)}
        scored = sum(1 for m in catalog.models for s in m.scores if s.as_of == day and s.benchmark == "arena-text")
        # The April-2024 Phi-3-Mini row gives way to the June-2024 one that holds its id (arena_names.yaml:
        # superseded); every other row is in.
        superseded = 1 if {"Phi-3-Mini-4k-Instruct", "Phi-3-Mini-4k-Instruct-June-24"} <= names or {
            "Phi-3-Mini-4k-Instruct", "Phi-3-Mini-4K-Instruct-June-24"} <= names else 0  # fmt: skip
        assert scored == len(names) - superseded, path.name


def test_no_zero_prices_and_every_figure_sourced(catalog: CatalogFile) -> None:
    for m in catalog.models:
        for p in m.prices:
            assert p.input > 0 or p.output > 0, m.id
            assert p.source in catalog.sources
        for s in m.scores:
            assert s.source in catalog.sources
            assert s.benchmark in catalog.benchmarks


def test_license_notices(catalog: CatalogFile) -> None:
    assert catalog.notice is not None and "MPL-2.0" in catalog.notice
    assert "LMArena (lmarena.ai), leaderboard data, CC-BY-4.0" in catalog.notice
    assert "genai-prices (MIT)" in catalog.notice.replace("pydantic/", "") and "models.dev" in catalog.notice
    notice = (REPO / "catalog" / "NOTICE.md").read_text(encoding="utf-8")
    assert "Mozilla Public License" in notice and "https://github.com/fboulnois/llm-leaderboard-csv" in notice
    for text in ("LMArena (lmarena.ai), leaderboard data, CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/",
                 "https://github.com/lmarena/arena-catalog", "pydantic/genai-prices", "models.dev"):  # fmt: skip
        assert text in notice
    for key, src in catalog.sources.items():
        if key.startswith("arena-20"):
            assert src.license == "MPL-2.0" and src.url and "fboulnois/llm-leaderboard-csv" in src.url
        if key.startswith("lmarena-"):
            assert src.license == "CC-BY-4.0" and src.url and "lmarena/arena-catalog" in src.url


def test_rebuild_reproduces_the_committed_catalog(shared_data: Path) -> None:
    """The committed catalog.yaml and score tables are exactly what rebuild.sh makes (--check)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "advisor.importers.rebuild", "--check", "--data", str(shared_data)],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
        env={**__import__("os").environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    # The build reports the join rate of the 2025-12-11 board and what stayed unjoined.
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("join rate"))
    joined, sold = (int(x) for x in line.split(": ", 1)[1].split(" sold")[0].split(" of "))
    assert sold >= 190 and joined / sold >= 0.9
    assert "unjoined (" in line
