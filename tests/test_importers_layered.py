"""Importers write layers over the bundled catalog: names match the whole stack, layers validate."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from advisor.catalog import load_catalog, validate_catalog
from advisor.catalog_io import load_file
from advisor.cli import main
from advisor.importers import import_litellm
from advisor.importers.registry import IMPORTERS, ImportRequest
from advisor.names import NameIndex
from advisor.periods import end_all, set_price
from advisor.schema import Alias, CatalogFile, Model, PricePeriod, Source

D = dt.date


def test_readme_arena_import_layer_validates(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's own command: every 2024-07-24 row names a bundled model, so nothing new is created."""
    into = tmp_path / "scores.yaml"
    src = shared_data / "arena" / "lmsys_arena_2024-07-24.csv"
    assert main(["catalog", "import", "arena", str(src), "--into", str(into), "--add-new", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # 117 rows, 116 models: the board rates the April-2024 Phi-3-mini-4k beside the June-2024 update
    # that the bundled phi-3-mini-4k-instruct is (its 2024-07-24 score is the June row's 1062).
    assert (report["matched"], report["unchanged"], report["new_models"]) == (116, 116, [])
    assert (report["unmatched"], report["ambiguous"]) == ([], [])
    assert report["skipped"] == [
        "Phi-3-Mini-4k-Instruct: left out: the April-2024 weights, replaced in place by the June-2024 update "
        "(joined as phi-3-mini-4k-instruct-june-2024)"
    ]
    assert validate_catalog(into).ok
    # Every row agrees with the bundled scores, so the layer adds no model.
    assert len(load_catalog(into)) == len(load_catalog())


def test_litellm_import_layers_on_bundled(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A map imported into a new file prices bundled models through override entries, and adds new ones."""
    # The real 1.110.2 map (the bundled catalog is built from it) with two entries made by this test:
    # a copy of gpt-5's key as "gpt-9-test" (a model the bundled catalog lacks, with flex, priority,
    # batch prices, a retirement and a successor), and a retirement for claude-opus-4-5-20251101
    # (bundled, not retired).
    price_map = json.loads(
        (shared_data / "prices" / "litellm_model_prices_and_context_window_pypi-1.110.2.json").read_text("utf-8")
    )
    price_map["gpt-9-test"] = price_map["gpt-5"]
    price_map["claude-opus-4-5-20251101"] |= {
        "deprecation_date": "2027-06-01",
        "deprecation_source": "https://example.org/deprecations",
    }
    src = tmp_path / "model_prices_and_context_window.json"
    src.write_text(json.dumps(price_map), encoding="utf-8")
    into = tmp_path / "new.yaml"
    args = ["catalog", "import", "litellm", str(src), "--into", str(into), "--date", "2026-11-30", "--add-new"]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # Besides the test's model, the keys of a maker's own API that the bundled catalog leaves out.
    assert report["new_models"] == ["command-nightly", "gpt-3.5-turbo-instruct-0914", "gpt-9-test", "j2-light",
                                    "j2-mid", "j2-ultra"]  # fmt: skip
    assert report["matched"] > 300
    assert validate_catalog(into).ok
    cat = load_catalog(into)
    bundled_ids = {m.id for m in load_catalog()}
    # Never a second model beside a bundled one: each name still denotes one model.
    assert len(cat) == len(bundled_ids) + len(report["new_models"])
    gpt9 = cat.as_of(D(2026, 11, 30)).get("openai/gpt-9-test")
    (price,) = gpt9.prices
    assert (price.since, price.input, price.output, price.cached_input) == (D(2026, 11, 30), 1.25, 10.0, 0.125)
    assert (price.flex_input, price.flex_output, price.priority_input, price.priority_output) == (0.625, 5.0, 2.5, 20.0)
    assert (price.batch_input, price.batch_output) == (0.625, 5.0)
    # gpt-5's key retires it on 2026-12-11 with gpt-5.6-sol as its successor.
    assert (gpt9.provider, gpt9.retired, gpt9.successor) == ("OpenAI", D(2026, 12, 11), "gpt-5.6-sol")
    assert gpt9.retired_source == "https://developers.openai.com/api/docs/deprecations"
    # A bundled model gets an override entry carrying the retirement, not a copy of the model.
    text = into.read_text(encoding="utf-8")
    assert text.count("- id: claude-opus-4-5-20251101\n") == 1
    (entry,) = [m for m in load_file(into).data.models if m.id == "claude-opus-4-5-20251101"]
    assert (entry.provider, entry.aliases, entry.scores) == (None, (), ())
    # Its own price periods now end on the retirement day (the bundled ones run on).
    assert [(p.host, p.since, p.until) for p in entry.prices] == [
        (None, D(2025, 11, 1), D(2026, 10, 14)),
        (None, D(2026, 10, 14), D(2027, 6, 1)),
    ]
    opus = cat.get("claude-opus-4-5-20251101")
    assert (opus.retired, opus.retired_source, opus.provider) == (
        D(2027, 6, 1),
        "https://example.org/deprecations",
        "Anthropic",
    )
    # Importing again changes nothing.
    before = into.read_bytes()
    assert main([*args, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["new_models"], again["retired"]) == ([], 0)
    assert into.read_bytes() == before


def test_readme_history_import_layer_validates(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's history example writes a layer that loads; a key that is a model's id and also its
    alias (claude-instant-1, alias Claude-Instant-1, bundled without a price) prices it once."""
    into = tmp_path / "prices.yaml"
    src = shared_data / "prices" / "litellm_price_history_via_tokencost.derived.csv"
    assert main(["catalog", "import", "history", str(src), "--into", str(into), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["matched"], report["added"], report["updated"], report["unchanged"]) == (524, 39, 3, 405)
    assert validate_catalog(into).ok
    cat = load_catalog(into)
    assert [(p.since, p.until, p.input, p.output) for p in cat.get("claude-instant-1").prices] == [
        (D(2024, 1, 30), None, 1.63, 5.51)
    ]
    # The history's three vertex_ai periods of gemini-1.0-pro-001, each once.
    assert [(p.since, p.until, p.input) for p in cat.get("gemini-1.0-pro-001").prices] == [
        (D(2024, 4, 11), D(2024, 6, 17), 0.25),
        (D(2024, 6, 17), D(2024, 6, 30), 0.03125),
        (D(2024, 6, 30), None, 0.5),
    ]


def test_import_matches_catalog_layers_below(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A name defined only in a --catalog layer matches; the new file gets an override, not a new model."""
    lower = tmp_path / "lower.yaml"
    lower.write_text(
        "schema_version: 1\nmodels:\n- id: acme-chat-1\n  provider: Acme\n  aliases: [acme/acme-chat-1]\n",
        encoding="utf-8",
    )
    price_map = tmp_path / "map.json"
    price_map.write_text(
        json.dumps({"acme/acme-chat-1": {"litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1e-6,
                                          "output_cost_per_token": 2e-6}}),
        encoding="utf-8",
    )  # fmt: skip
    into = tmp_path / "prices.yaml"
    args = ["catalog", "import", "litellm", str(price_map), "--into", str(into), "--catalog", str(lower)]
    assert main([*args, "--date", "2026-01-01"]) == 0
    assert "matched 1, added 1" in capsys.readouterr().out
    assert validate_catalog(lower, into).ok
    model = load_catalog(lower, into).as_of(D(2026, 1, 2)).get("acme-chat-1")
    assert [(p.host, p.input, p.output) for p in model.prices] == [("acme", 1.0, 2.0)]
    # Without the layer below, the name matches nothing.
    assert main(["catalog", "import", "litellm", str(price_map), "--into", str(tmp_path / "x.yaml"), "--dry-run"]) == 0
    assert "matched 0" in capsys.readouterr().out


def test_registry_runs_on_bytes() -> None:
    """A live update can run an importer on fetched bytes: no file is read or written."""
    data = json.dumps(
        {"gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1.5e-7,
                         "output_cost_per_token": 6e-7}}
    ).encode()  # fmt: skip
    request = ImportRequest(
        base=CatalogFile(schema_version=1), data=data, label="https://example.org/map.json",
        below=load_catalog(), date=D(2026, 11, 30),
    )  # fmt: skip
    result = IMPORTERS["litellm"].run(request)
    assert (result.report.matched, result.report.unchanged, result.report.file) == (
        1,
        1,
        "https://example.org/map.json",
    )
    assert result.catalog.models == ()  # the bundled price already says 0.15/0.60


def test_undated_map_starts_at_release_date(tmp_path: Path) -> None:
    """A price seen only in an undated map starts on the model's release date, never a made-up day."""
    base = CatalogFile(
        schema_version=1,
        models=(
            Model(id="m-1", provider="X", released=D(2025, 3, 1)),
            Model(id="m-2", provider="X"),
        ),
    )
    src = json.dumps(
        {k: {"litellm_provider": "x", "mode": "chat", "input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6}
         for k in ("m-1", "m-2")}
    ).encode()  # fmt: skip
    from advisor.schema import Source

    result = import_litellm(
        base, src, as_of=None, source_key="map", source=Source(title="map"), since_of=lambda m: m.released
    )
    m1, m2 = result.catalog.models
    assert [p.since for p in m1.prices] == [D(2025, 3, 1)]
    assert m2.prices == ()
    assert result.report.skipped == ("m-2: undated map and model m-2 has no release date to start the price from",)


def test_name_index_dates_and_replacement() -> None:
    old = Model(id="a", provider="X", aliases=(Alias("moving", until=D(2024, 10, 2)),))
    new = Model(id="b", provider="X", aliases=(Alias("moving", since=D(2024, 10, 2)),))
    index = NameIndex([old, new])
    assert index.ids("MOVING") == ["a", "b"]
    assert index.ids("moving", D(2024, 10, 1)) == ["a"]
    assert index.resolve("moving", D(2024, 10, 2)) == ["b"]
    index.add(Model(id="a", provider="X"))  # re-adding replaces what "a" was known as
    assert index.ids("moving") == ["b"]
    assert index.clash(Alias("b"), "a") == "alias 'b' is the id of model 'b'"


def test_periods_set_and_retire() -> None:
    first = PricePeriod(input=1, output=2, source="s", since=D(2025, 1, 1))
    periods, outcome = set_price((first,), PricePeriod(input=1, output=2, source="t", since=D(2025, 6, 1)))
    assert (periods, outcome) == ((first,), "unchanged")
    periods, outcome = set_price(periods, PricePeriod(input=0.5, output=1, source="t", since=D(2025, 6, 1)))
    assert outcome == "updated"
    assert [(p.since, p.until, p.input) for p in periods] == [
        (D(2025, 1, 1), D(2025, 6, 1), 1),
        (D(2025, 6, 1), None, 0.5),
    ]
    retired = end_all(periods, D(2025, 3, 1))
    assert [(p.since, p.until) for p in retired] == [(D(2025, 1, 1), D(2025, 3, 1))]
    with pytest.raises(ValueError, match="dated period"):
        set_price(periods, PricePeriod(input=1, output=1, source="t"))


# --- LMArena leaderboard JSON ------------------------------------------------------------------


def test_arena_json_categories_and_style(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each category is its own metric; style control is its own benchmark; no votes, CIs kept."""
    raw = shared_data / "arena" / "lmarena_leaderboard-text_2025-12-11.json"
    style = shared_data / "arena" / "lmarena_leaderboard-text-style-control_2025-12-11.json"
    into = tmp_path / "boards.yaml"
    phi_notes = []
    for src in (raw, style):
        assert main(["catalog", "import", "arena-json", str(src), "--into", str(into), "--add-new", "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        # Every row of every category lands on a catalog id (new models for names no model claims).
        assert (report["unmatched"], report["ambiguous"]) == ([], [])
        phi_notes.append(Counter(n for n in report["skipped"] if n.startswith("phi-3-mini-4k-instruct:")))
    # Both boards rate the April-2024 phi-3-mini-4k-instruct beside the June-2024 update that the
    # catalog's phi-3-mini-4k-instruct is (27 categories each): the April row gives way on every
    # board, as the bundled catalog's hand-made joins (build/arena_names.yaml, shipped with it) say.
    superseded = (
        "phi-3-mini-4k-instruct: left out: the April-2024 weights, replaced in place by the June-2024 update "
        "(joined as phi-3-mini-4k-instruct-june-2024)"
    )
    assert phi_notes == [Counter({superseded: 27}), Counter({superseded: 27})]
    assert validate_catalog(into).ok
    cat = load_catalog(into).as_of(D(2025, 12, 11))
    metrics = set(cat.metrics())
    assert {"arena-text/coding", "arena-text/math", "arena-text/hard-prompts", "arena-text/creative-writing",
            "arena-text/instruction-following", "arena-text/multi-turn", "arena-text/longer-query",
            "arena-text/english", "arena-text/industry-software", "arena-text-style"} <= metrics  # fmt: skip
    # The June-2024 row gives phi-3-mini-4k-instruct's scores.
    phi = {(s.benchmark, s.category): s for s in cat.get("phi-3-mini-4k-instruct").scores if s.as_of == D(2025, 12, 11)}
    assert round(phi[("arena-text", "overall")].value, 2) == 1080.62
    gemini = cat.get("gemini-2.5-pro")
    by_metric = {(s.benchmark, s.category): s for s in gemini.scores}
    # The 2025-12-11 board: gemini-2.5-pro 1464.46 overall (1461.02 .. 1467.90), no vote counts.
    overall = by_metric[("arena-text", "overall")]
    assert (round(overall.value, 2), round(overall.ci_lower or 0, 2), round(overall.ci_upper or 0, 2)) == (
        1464.46,
        1461.02,
        1467.9,
    )
    assert overall.votes is None
    assert by_metric[("arena-text-style", "overall")].value != overall.value


PHI_APRIL_0619 = "Phi-3-Mini-4k-Instruct,1067,+6/-5,18604,Microsoft,MIT\n"
PHI_APRIL_0724 = "Phi-3-Mini-4k-Instruct,1066,+5/-4,21159,Microsoft,MIT\n"
PHI_JUNE_0724 = "Phi-3-Mini-4k-Instruct-June-24,1062,+9/-6,6268,Microsoft,MIT\n"


@pytest.mark.parametrize(
    ("day", "rows", "kept", "skipped"),
    [
        # A board the catalog holds: its own score of that day decides (the catalog's 2024-06-19
        # score is that board's 1067 +6/-5, 18,604 votes; on 2024-07-24 it is the June row's).
        (D(2024, 6, 19), PHI_APRIL_0619 + PHI_JUNE_0724, (1067.0, 18604),
         "Phi-3-Mini-4k-Instruct-June-24: left out: the catalog's 2024-06-19 score of phi-3-mini-4k-instruct "
         "is another row's"),
        (D(2024, 7, 24), PHI_APRIL_0724 + PHI_JUNE_0724, (1062.0, 6268),
         "Phi-3-Mini-4k-Instruct: left out: the catalog's 2024-07-24 score of phi-3-mini-4k-instruct is another "
         "row's"),
        # A board the catalog has not seen: nothing tells the rows apart, so nothing is guessed.
        (D(2026, 11, 1), PHI_APRIL_0724 + PHI_JUNE_0724, None, None),
    ],
)  # fmt: skip
def test_arena_rows_naming_one_model(
    day: dt.date, rows: str, kept: tuple[float, int] | None, skipped: str | None
) -> None:
    """Two rows of one board naming one model with different figures: the catalog's own score of that
    day picks one, the other is reported. Rows are the real Phi-3-mini-4k rows of the 2024-06-19 and
    2024-07-24 CSVs, put together on one board by the test."""
    from advisor.importers.arena import import_arena

    board = ("model,arena_elo,95_pct_ci,votes,organization,license\n" + rows).encode()
    result = import_arena(
        CatalogFile(schema_version=1), board, below=load_catalog(metrics=["arena-text"]), label="board.csv",
        as_of=day, source_key=f"arena-{day}", source=Source(title="a board"),
    )  # fmt: skip
    report = result.report
    if kept is None:
        assert (report.matched, report.skipped, result.catalog.models) == (0, (), ())
        assert report.ambiguous == (
            "Phi-3-Mini-4k-Instruct / Phi-3-Mini-4k-Instruct-June-24 (several rows for phi-3-mini-4k-instruct "
            "with different figures)",
        )
        return
    assert (report.matched, report.unchanged, report.ambiguous, report.skipped) == (1, 1, (), (skipped,))
    # The catalog holds that day's score already: nothing to write.
    (score,) = [s for s in load_catalog().get("phi-3-mini-4k-instruct").scores if s.as_of == day]
    assert ((score.value, score.votes), result.catalog.models) == (kept, ())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[1, 2]", "expected a JSON object of categories"),
        ('{"full": [1]}', "category 'full' is not an object of models"),
        ('{"full": {"m": {"rating": 1200, "rating_q025": 1190}}}', "full: m: missing rating_q975"),
        ('{"full": {"m": {"rating": 1200, "rating_q025": 1210, "rating_q975": 1220}}}', "outside its bounds"),
        ('{"full": {"m": {"rating": "x", "rating_q025": 1, "rating_q975": 2}}}', "rating is not a finite number"),
        ('{"full": {"m": ', "malformed JSON"),
    ],
)
def test_arena_json_bad_input(tmp_path: Path, body: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "leaderboard-text_2025-12-11.json"
    src.write_text(body, encoding="utf-8")
    into = tmp_path / "x.yaml"
    assert main(["catalog", "import", "arena-json", str(src), "--into", str(into)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {src}:") and message in err and err.count("\n") == 1
    assert not into.exists()


# --- models.dev --------------------------------------------------------------------------------


def test_models_dev_fills_metadata(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Release dates from the entry the id names; limits and cutoffs fill what the catalog lacks."""
    into = tmp_path / "meta.yaml"
    src = shared_data / "models" / "models_dev_f3fc692.derived.json"
    assert main(["catalog", "import", "models-dev", str(src), "--into", str(into), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # One entry of the file has a malformed date: it is left out and named, the rest imports.
    assert report["skipped"] == ["scaleway/qwen3-embedding-8b: release_date is not a date (YYYY-MM-DD): '2025-25-11'"]
    assert validate_catalog(into).ok
    cat = load_catalog(into)
    sonnet = cat.get("claude-3-5-sonnet-20240620")
    assert (sonnet.released, sonnet.knowledge_cutoff) == (D(2024, 6, 20), "2024-04-30")
    # gpt-4-turbo's models.dev entry is the 2023-11-06 preview family: never the 2024-04-09 snapshot's release.
    assert cat.get("gpt-4-turbo-2024-04-09").released is None


def test_models_dev_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "api.json"
    src.write_text('{"openai": {"name": "OpenAI"}}', encoding="utf-8")
    assert main(["catalog", "import", "models-dev", str(src), "--into", str(tmp_path / "x.yaml")]) == 2
    assert capsys.readouterr().err == f"Error: {src}: provider 'openai' has no 'models' object\n"


# --- genai-prices ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def genai_layer(tmp_path_factory: pytest.TempPathFactory) -> CatalogFile:
    """genai-prices 0.2.3 imported with --add-new, undated prices as of 2026-11-30, into a catalog of its
    own: the bundled catalog is built from the same file, so over it the layer would hold none of
    these prices (layering is tested with the LiteLLM map above)."""
    from conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    from advisor.importers.genai_prices import import_genai_prices
    from advisor.schema import Source

    result = import_genai_prices(
        CatalogFile(schema_version=1), SHARED_DATA / "prices" / "genai_prices_pypi-0.2.3_data.derived.json",
        as_of=D(2026, 11, 30), source_key="gp", source=Source(title="genai-prices"), add_new=True,
    )  # fmt: skip
    return result.catalog


def test_genai_prices_announced_change_and_tiers(genai_layer: CatalogFile) -> None:
    by_id = {m.id: m for m in genai_layer.models}
    # gemini-3.8-flash: 0.75/3.75 now, doubling on the announced date 2027-01-01.
    own = [(p.since, p.until, p.input, p.output) for p in by_id["gemini-3.8-flash"].prices if p.host is None]
    assert own == [(D(2026, 11, 30), D(2027, 1, 1), 0.75, 3.75), (D(2027, 1, 1), None, 1.5, 7.5)]
    # claude-opus-4-6 since its dated 2026-03-13 price; batch prices join from 2026-10-14; 1-hour cache writes.
    opus = [p for p in by_id["claude-opus-4-6"].prices if p.host is None]
    assert [(p.since, p.until, p.batch_input) for p in opus] == [
        (D(2026, 3, 13), D(2026, 10, 14), None),
        (D(2026, 10, 14), None, 2.5),
    ]
    assert (opus[-1].cache_write, opus[-1].cache_write_1h) == (6.25, 10.0)
    # gpt-5's flex and priority tiers (from 2026-10-12) are on today's price.
    (gpt5,) = [p for p in by_id["gpt-5"].prices if p.host is None]
    assert (gpt5.flex_input, gpt5.flex_output, gpt5.priority_input, gpt5.priority_output) == (0.625, 5.0, 2.5, 20.0)


def test_genai_prices_undated_start_is_the_release(shared_data: Path) -> None:
    """Without a known day, an undated price starts at the model's release date and says so."""
    from advisor.importers.genai_prices import import_genai_prices
    from advisor.schema import Source

    base = CatalogFile(
        schema_version=1, models=(Model(id="claude-opus-4-6", provider="Anthropic", released=D(2026, 2, 5)),)
    )
    result = import_genai_prices(
        base, shared_data / "prices" / "genai_prices_pypi-0.2.3_data.derived.json", as_of=None,
        source_key="gp", source=Source(title="genai-prices"), since_of=lambda m: m.released,
        providers={"anthropic": None},
    )  # fmt: skip
    (model,) = result.catalog.models
    first = model.prices[0]
    # Before 2026-03-13 a prompt over 200k tokens re-priced the whole request at 10/37.5.
    assert (first.since, first.until, first.input) == (D(2026, 2, 5), D(2026, 3, 13), 5.0)
    assert [(t.above_input_tokens, t.input, t.output) for t in first.long_context] == [(200_000, 10.0, 37.5)]
    assert first.note is not None and "not known exactly" in first.note


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{}", "expected a JSON list of providers"),
        ('[{"id": "openai"}]', "a provider is not an object with 'id' and a 'models' list"),
        ('[{"id": "openai", "models": [{"id": "gpt-4o", "prices": {"input_mtok": -1, "output_mtok": 1}}]}]',
         "input_mtok is not a non-negative number: -1"),
        ('[{"id": "openai", "models": [{"id": "gpt-4o", "prices": [{"constraint": {"start_date": "soon"},'
         ' "prices": {"input_mtok": 1, "output_mtok": 1}}]}]}]', "constraint.start_date is not a date"),
    ],
)  # fmt: skip
def test_genai_prices_bad_input(tmp_path: Path, body: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "data.json"
    src.write_text(body, encoding="utf-8")
    assert main(["catalog", "import", "genai-prices", str(src), "--into", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {src}") and message in err and err.count("\n") == 1


def test_a_board_the_catalog_has_not_seen_lands_every_row(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 2025-11-06 leaderboard JSON: the bundled catalog holds only its overall board, none of its
    27 category boards. Every row lands on a model; the April-2024 Phi-3-mini-4k rows give way to the
    June-2024 update on every board, as the bundled catalog's hand-made joins (shipped with it) say."""
    into = tmp_path / "scores.yaml"
    src = shared_data / "arena" / "lmarena_leaderboard-text_2025-11-06.json"
    board = json.loads(src.read_text(encoding="utf-8"))
    rows = sum(len(models) for models in board.values())
    assert main(["catalog", "import", "arena-json", str(src), "--into", str(into), "--add-new", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["unmatched"], report["ambiguous"]) == ([], [])
    both = [b for b in board.values() if {"phi-3-mini-4k-instruct", "phi-3-mini-4k-instruct-june-2024"} <= set(b)]
    assert len(report["skipped"]) == len(both) == 27
    assert {s.split(":")[0] for s in report["skipped"]} == {"phi-3-mini-4k-instruct"}
    assert report["matched"] + len(report["skipped"]) == rows
    assert validate_catalog(into).ok
