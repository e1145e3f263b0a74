"""Importers on tiny files written by the tests, plus the CLI around them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.errors import InputFileError
from advisor.importers import import_arena, import_arena_hard, import_litellm, import_price_history
from advisor.importers.arena import BENCHMARKS
from advisor.importers.registry import IMPORTERS
from advisor.schema import Alias, CatalogFile, Model, Source
from advisor.writer import dump_catalog_file

D = dt.date


def _base(*models: Model) -> CatalogFile:
    return CatalogFile(
        schema_version=1,
        sources={k: Source(title=k) for k in ("ll", "ll2", "hist", "arena", "ah")},
        benchmarks=dict(BENCHMARKS),
        models=models,
    )


GPT4O_0513 = Model(
    id="gpt-4o-2024-05-13",
    provider="OpenAI",
    aliases=(Alias("gpt-4o", since=D(2024, 5, 13), until=D(2024, 10, 2)),),
)
GPT4O_0806 = Model(id="gpt-4o-2024-08-06", provider="OpenAI", aliases=(Alias("gpt-4o", since=D(2024, 10, 2)),))
LLAMA = Model(id="llama-3-70b", provider="Meta", aliases=(Alias("groq/llama3-70b-8192"), Alias("Llama-3-70b-Instruct")))
GEMINI = Model(id="gemini-1.5-pro-001", provider="Google", aliases=(Alias("gemini/gemini-1.5-pro"),))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _map(tmp_path: Path, entries: dict[str, dict[str, object]], name: str = "map.json") -> Path:
    return _write(tmp_path / name, json.dumps(entries, indent=4))


# --- LiteLLM map -----------------------------------------------------------------------------------


def test_litellm_converts_units_and_detail(tmp_path: Path) -> None:
    path = _map(
        tmp_path,
        {
            "sample_spec": {"input_cost_per_token": 0},
            "gemini/gemini-1.5-pro": {
                "litellm_provider": "gemini", "mode": "chat", "input_cost_per_token": 3.5e-06,
                "output_cost_per_token": 1.05e-05, "input_cost_per_token_above_128k_tokens": 7e-06,
                "output_cost_per_token_above_128k_tokens": 2.1e-05, "cache_read_input_token_cost": 8.75e-07,
                "input_cost_per_token_batches": 1.75e-06, "output_cost_per_token_batches": 5.25e-06,
            },
            "groq/llama3-70b-8192": {
                "litellm_provider": "groq", "mode": "chat", "input_cost_per_token": 5.9e-07,
                "output_cost_per_token": 7.9e-07,
            },
            "unknown-model": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-06},
            "text-embedding-3-small": {
                "litellm_provider": "openai", "mode": "embedding", "input_cost_per_token": 1e-08,
            },
        },
    )  # fmt: skip
    result = import_litellm(_base(GEMINI, LLAMA), path, as_of=D(2024, 7, 25), source_key="ll")
    gemini, llama = result.catalog.models
    (p,) = gemini.prices
    assert (p.since, p.until, p.host, p.input, p.output) == (D(2024, 7, 25), None, None, 3.5, 10.5)
    assert (p.cached_input, p.batch_input, p.batch_output) == (0.875, 1.75, 5.25)
    assert [(t.above_input_tokens, t.input, t.output) for t in p.long_context] == [(128_000, 7.0, 21.0)]
    assert [(q.host, q.input, q.output) for q in llama.prices] == [("groq", 0.59, 0.79)]
    r = result.report
    assert (r.matched, r.added, r.updated, r.unchanged) == (2, 2, 0, 0)
    assert r.unmatched == ("unknown-model",)
    again = import_litellm(result.catalog, path, as_of=D(2024, 7, 25), source_key="ll")
    assert again.catalog == result.catalog
    assert (again.report.added, again.report.updated, again.report.unchanged) == (0, 0, 2)


def _priced(tmp_path: Path, key: str, inp: float, out: float, name: str) -> Path:
    entry = {
        "litellm_provider": "openai",
        "mode": "chat",
        "input_cost_per_token": inp,
        "output_cost_per_token": out,
    }
    return _map(tmp_path, {key: entry}, name)


def test_litellm_new_price_closes_period_and_same_price_extends(tmp_path: Path) -> None:
    model = Model(id="gpt-4o-mini-2024-07-18", provider="OpenAI")
    first = import_litellm(
        _base(model),
        _priced(tmp_path, model.id, 1.5e-07, 6e-07, "a.json"),
        as_of=D(2024, 7, 18),
        source_key="ll",
    )
    same = import_litellm(
        first.catalog,
        _priced(tmp_path, model.id, 1.5e-07, 6e-07, "b.json"),
        as_of=D(2025, 1, 1),
        source_key="ll2",
    )
    assert same.catalog == first.catalog and same.report.unchanged == 1
    cut = import_litellm(
        same.catalog,
        _priced(tmp_path, model.id, 1e-07, 4e-07, "c.json"),
        as_of=D(2025, 3, 1),
        source_key="ll2",
    )
    periods = [(p.since, p.until, p.input, p.output, p.source) for p in cut.catalog.models[0].prices]
    assert periods == [
        (D(2024, 7, 18), D(2025, 3, 1), 0.15, 0.6, "ll"),
        (D(2025, 3, 1), None, 0.1, 0.4, "ll2"),
    ]
    assert cut.report.updated == 1


def test_litellm_moving_alias_follows_its_dates(tmp_path: Path) -> None:
    path = _priced(tmp_path, "gpt-4o", 5e-06, 1.5e-05, "m.json")
    early = import_litellm(_base(GPT4O_0513, GPT4O_0806), path, as_of=D(2024, 7, 25), source_key="ll")
    assert [len(m.prices) for m in early.catalog.models] == [1, 0]
    late = import_litellm(_base(GPT4O_0513, GPT4O_0806), path, as_of=D(2024, 11, 1), source_key="ll")
    assert [len(m.prices) for m in late.catalog.models] == [0, 1]


def test_litellm_own_key_wins_and_disagreeing_alias_is_reported(tmp_path: Path) -> None:
    model = Model(id="gpt-3.5-turbo-0125", provider="OpenAI", aliases=(Alias("gpt-3.5-turbo"),))
    entry = {"litellm_provider": "openai", "mode": "chat"}
    path = _map(
        tmp_path,
        {
            "gpt-3.5-turbo": {**entry, "input_cost_per_token": 1.5e-06, "output_cost_per_token": 2e-06},
            "gpt-3.5-turbo-0125": {**entry, "input_cost_per_token": 5e-07, "output_cost_per_token": 1.5e-06},
        },
    )
    result = import_litellm(_base(model), path, as_of=D(2024, 7, 25), source_key="ll")
    assert [(p.input, p.output) for p in result.catalog.models[0].prices] == [(0.5, 1.5)]
    assert result.report.ambiguous == (
        "gpt-3.5-turbo (differs from gpt-3.5-turbo-0125's own key; kept the id's price)",
    )


def test_litellm_zero_prices_are_never_imported(tmp_path: Path) -> None:
    path = _priced(tmp_path, "gpt-4o-2024-05-13", 0, 0, "z.json")
    result = import_litellm(_base(GPT4O_0513), path, as_of=D(2024, 7, 25), source_key="ll")
    assert result.catalog.models[0].prices == ()
    assert result.report.skipped == ("gpt-4o-2024-05-13: price 0/0 (free tier or unknown)",)


def _limits(inp: object, out: object, provider: str = "openai") -> dict[str, object]:
    return {
        "litellm_provider": provider, "mode": "chat", "input_cost_per_token": 1.5e-07,
        "output_cost_per_token": 6e-07, "max_input_tokens": inp, "max_output_tokens": out,
    }  # fmt: skip


MINI = Model(
    id="gpt-4o-mini-2024-07-18",
    provider="OpenAI",
    aliases=(Alias("openai/gpt-4o-mini-2024-07-18"), Alias("azure/gpt-4o-mini-2024-07-18"), Alias("gpt-4o-mini")),
)


def test_litellm_limits_come_from_the_own_key_never_a_host(tmp_path: Path) -> None:
    path = _map(
        tmp_path,
        {
            "sample_spec": {"max_input_tokens": "max input tokens, if the provider specifies it"},
            # A host caps the context lower; an azure/<id> key has the id's shape but is a host.
            "azure/gpt-4o-mini-2024-07-18": {**_limits(64_000, 4_096, "azure"), "max_tokens": 999},
            "gpt-4o-mini": _limits(32_000, 1_000),  # an alias, not the model's own key
            "openai/gpt-4o-mini-2024-07-18": _limits(128_000, 16_384),
            "groq/llama3-70b-8192": _limits(8_192, 8_192, "groq"),
            "gemini/gemini-1.5-pro": {**_limits("2M", 0, "gemini"), "max_tokens": 8_192},
            "gpt-4o-2024-05-13": _limits(True, -1),
        },
    )
    result = import_litellm(_base(MINI, LLAMA, GEMINI, GPT4O_0513), path, as_of=D(2025, 9, 2), source_key="ll")
    mini, llama, gemini, gpt4o = result.catalog.models
    assert (mini.context_window, mini.max_output_tokens, mini.source) == (128_000, 16_384, "ll")
    # Only host keys, or figures that are not positive integers (max_tokens is never read): nothing.
    for m in (llama, gemini, gpt4o):
        assert (m.context_window, m.max_output_tokens, m.source) == (None, None, None), m.id
    assert result.report.limits == 1
    again = import_litellm(result.catalog, path, as_of=D(2025, 9, 2), source_key="ll")
    assert again.catalog == result.catalog and again.report.limits == 0
    off = import_litellm(_base(MINI), path, as_of=D(2025, 9, 2), source_key="ll", limits=False)
    assert off.catalog.models[0].context_window is None and off.report.limits == 0


def test_litellm_limits_precedence(tmp_path: Path) -> None:
    """The last map that gives a model's figures wins; a map without them keeps the earlier ones."""
    gpt35 = Model(id="gpt-3.5-turbo-0125", provider="OpenAI")
    hand = Model(id="gpt-4o-2024-08-06", provider="OpenAI", context_window=100_000, source="hist")
    old = _map(
        tmp_path,
        {
            MINI.id: _limits(128_000, 4_096),
            gpt35.id: _limits(16_385, 4_096),
            hand.id: _limits(128_000, 16_384),
        },
        "old.json",
    )
    new = _map(
        tmp_path,
        {MINI.id: _limits(128_000, 16_384), gpt35.id: _limits(None, None), hand.id: _limits(1, 1)},
        "new.json",
    )
    base = _base(MINI, gpt35, hand)
    first = import_litellm(base, old, as_of=D(2024, 7, 25), source_key="ll", keep_limits={hand.id})
    second = import_litellm(first.catalog, new, as_of=D(2025, 9, 2), source_key="ll2", keep_limits={hand.id})
    got = [(m.id, m.context_window, m.max_output_tokens, m.source) for m in second.catalog.models]
    assert got == [
        (MINI.id, 128_000, 16_384, "ll2"),  # the newer map wins, both figures and the source
        (gpt35.id, 16_385, 4_096, "ll"),  # the newer map has no figures: the older ones stay
        (hand.id, 100_000, None, "hist"),  # hand-set: never touched
    ]
    assert (first.report.limits, second.report.limits) == (2, 1)
    # Without keep_limits the import replaces whatever the model had.
    plain = import_litellm(base, old, as_of=D(2024, 7, 25), source_key="ll")
    assert plain.catalog.models[2].context_window == 128_000


def test_litellm_disagreeing_provider_keys_leave_limits_alone(tmp_path: Path) -> None:
    model = Model(
        id="mistral-large-2407",
        provider="Mistral",
        aliases=(Alias("mistral/mistral-large-2407"), Alias("codestral/mistral-large-2407")),
    )
    path = _map(
        tmp_path,
        {
            "mistral/mistral-large-2407": _limits(128_000, 128_000, "mistral"),
            "codestral/mistral-large-2407": _limits(32_000, 8_191, "codestral"),
        },
    )
    result = import_litellm(_base(model), path, as_of=D(2024, 7, 25), source_key="ll")
    assert result.catalog.models[0].context_window is None
    assert any("disagree" in s for s in result.report.skipped)


def test_litellm_bad_input(tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.json", '{\n  "a": {\n    "input_cost_per_token": 1e-06,\n  }\n}\n')
    with pytest.raises(InputFileError) as exc:
        import_litellm(_base(), bad, as_of=D(2024, 1, 1), source_key="ll")
    assert str(exc.value) == f"{bad}:4: malformed JSON: Expecting property name enclosed in double quotes"
    wrong = _map(tmp_path, {"x": {"mode": "chat"}, "gpt-4o-2024-05-13": {"input_cost_per_token": "cheap"}}, "w.json")
    with pytest.raises(InputFileError) as exc:
        import_litellm(_base(GPT4O_0513), wrong, as_of=D(2024, 1, 1), source_key="ll")
    assert str(exc.value) == f"{wrong}:5: input_cost_per_token is not a non-negative number: 'cheap'"
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{\n"caf\xe9": {}\n}\n')
    with pytest.raises(InputFileError) as exc:
        import_litellm(_base(), latin, as_of=D(2024, 1, 1), source_key="ll")
    assert str(exc.value) == f"{latin}:2: not UTF-8 text (byte 0xe9)"
    with pytest.raises(ValueError, match="source_key 'nope' is not in the catalog's sources"):
        import_litellm(_base(), latin, as_of=D(2024, 1, 1), source_key="nope")


# --- price history ---------------------------------------------------------------------------------

HISTORY_HEADER = (
    "model_key,litellm_provider,mode,input_usd_per_mtok,output_usd_per_mtok,first_seen_date,"
    "last_seen_date,superseded_on,removed_on,first_seen_commit\n"
)


def test_history_periods_skips_and_moving_alias(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "h.csv",
        HISTORY_HEADER
        + "gpt-4o,openai,chat,5,15,2024-05-14,2024-11-08,2024-11-15,,c1\n"
        + "gpt-4o,openai,chat,2.5,10,2024-11-15,2025-09-01,,,c2\n"
        + "gemini/gemini-1.5-pro,gemini,chat,0,0,2024-03-25,2024-06-05,2024-06-17,,c3\n"
        + "gemini/gemini-1.5-pro,gemini,chat,0.35,1.05,2024-06-17,2024-06-30,2024-07-18,,c4\n"
        + "gemini/gemini-1.5-pro,gemini,chat,3.5,10.5,2024-07-18,2025-09-01,,,c5\n"
        + "groq/llama3-70b-8192,groq,chat,0.64,0.8,2024-04-22,2024-06-24,,2024-06-30,c6\n"
        + "other-key,openai,chat,1,1,2024-01-30,2025-09-01,,,c7\n",
    )
    skip = {("gemini/gemini-1.5-pro", D(2024, 6, 17)): "LiteLLM error"}
    result = import_price_history(_base(GPT4O_0513, GPT4O_0806, GEMINI, LLAMA), path, source_key="hist", skip=skip)
    g0513, g0806, gemini, llama = result.catalog.models

    def spans(m: Model) -> list[tuple[object, ...]]:
        return [(p.since, p.until, p.host, p.input, p.output) for p in m.prices]

    assert spans(g0513) == [(D(2024, 5, 14), D(2024, 10, 2), None, 5.0, 15.0)]
    assert spans(g0806) == [
        (D(2024, 10, 2), D(2024, 11, 15), None, 5.0, 15.0),
        (D(2024, 11, 15), None, None, 2.5, 10.0),
    ]
    assert spans(gemini) == [(D(2024, 7, 18), None, None, 3.5, 10.5)]
    assert spans(llama) == [(D(2024, 4, 22), D(2024, 6, 30), "groq", 0.64, 0.8)]
    assert result.report.unmatched == ("other-key",)
    assert result.report.skipped == (
        "gemini/gemini-1.5-pro from 2024-03-25: price 0/0 (free tier or unknown)",
        "gemini/gemini-1.5-pro from 2024-06-17: LiteLLM error",
    )
    again = import_price_history(result.catalog, path, source_key="hist", skip=skip)
    assert again.catalog == result.catalog
    assert (again.report.added, again.report.updated) == (0, 0)


def test_history_own_key_wins_other_keys_fill_gaps(tmp_path: Path) -> None:
    model = Model(id="gemini-1.5-pro-001", provider="Google", aliases=(
        Alias("gemini/gemini-1.5-pro", until=D(2024, 9, 24)), Alias("gemini/gemini-1.5-pro-001"),
    ))  # fmt: skip
    path = _write(
        tmp_path / "h.csv",
        HISTORY_HEADER
        + "gemini/gemini-1.5-pro,gemini,chat,3.5,10.5,2024-07-18,2025-09-01,,,c1\n"
        + "gemini/gemini-1.5-pro-001,gemini,chat,3.5,10.6,2024-10-13,2025-09-01,,,c2\n",
    )
    result = import_price_history(_base(model), path, source_key="hist")
    assert [(p.since, p.until, p.output) for p in result.catalog.models[0].prices] == [
        (D(2024, 7, 18), D(2024, 9, 24), 10.5),
        (D(2024, 10, 13), None, 10.6),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("model_key,input_usd_per_mtok\nx,1\n",
         "1: missing column(s): litellm_provider, output_usd_per_mtok, first_seen_date, superseded_on, "
         "removed_on"),
        ("x,openai,chat,one,2,2024-01-01,2024-01-02,,,c\n", "2: input_usd_per_mtok is not a number: 'one'"),
        ("x,openai,chat,1,2,2024-13-01,2024-01-02,,,c\n",
         "2: first_seen_date is not a date (YYYY-MM-DD): '2024-13-01'"),
        ("x,openai,chat,1,2,2024-02-01,2024-01-02,2024-01-05,,c\n",
         "2: the price ends (2024-01-05) before it starts (2024-02-01)"),
    ],
)  # fmt: skip
def test_history_bad_input(tmp_path: Path, body: str, message: str) -> None:
    text = body if body.startswith("model_key") else HISTORY_HEADER + body
    path = _write(tmp_path / "h.csv", text)
    with pytest.raises(InputFileError) as exc:
        import_price_history(_base(), path, source_key="hist")
    assert str(exc.value) == f"{path}:{message}"


# --- Arena -----------------------------------------------------------------------------------------

ARENA = (
    "rank,model,arena_score,95_pct_ci,votes,organization,license,knowledge_cutoff,url\n"
    "1,GPT-4o-2024-05-13,1287,+3/-3,64700,OpenAI,Proprietary,2023/10,https://openai.com\n"
    "2,Claude 3.5 Sonnet,1272,+4/-3,34591,Anthropic,Proprietary,2024/4,https://anthropic.com\n"
    "9,Llama-3-70b-Instruct,1207,+2/-2,154914,Meta,Llama 3 Community,2023/12,https://llama.meta.com\n"
    "10,Yi-34B-Chat,1134,+6/-6,15917,01 AI,Yi License,2023/6,https://hf.co\n"
    "10,Yi-34B-Chat,1134,+6/-6,15917,01 AI,Yi License,2023/6,https://hf.co\n"
)


def test_arena_scores_unmatched_and_duplicates(tmp_path: Path) -> None:
    path = _write(tmp_path / "lmsys_arena_2024-07-24.csv", ARENA)
    result = import_arena(_base(GPT4O_0513, LLAMA), path, as_of=D(2024, 7, 24), source_key="arena")
    gpt, llama = result.catalog.models
    (s,) = gpt.scores
    assert (s.benchmark, s.category, s.value, s.ci_lower, s.ci_upper, s.votes, s.as_of, s.source) == (
        "arena-text", "overall", 1287.0, 1284.0, 1290.0, 64700, D(2024, 7, 24), "arena",
    )  # fmt: skip
    assert llama.scores[0].value == 1207.0
    assert result.report.unmatched == ("Claude 3.5 Sonnet", "Yi-34B-Chat")
    again = import_arena(result.catalog, path, as_of=D(2024, 7, 24), source_key="arena")
    assert again.catalog == result.catalog and again.report.unchanged == 2


def test_arena_add_new_and_dated_alias(tmp_path: Path) -> None:
    sonnet = Model(id="claude-3-5-sonnet-20240620", provider="Anthropic", aliases=(
        Alias("Claude 3.5 Sonnet", until=D(2024, 10, 22)),
    ))  # fmt: skip
    path = _write(tmp_path / "a.csv", ARENA)
    result = import_arena(_base(sonnet), path, as_of=D(2024, 7, 24), source_key="arena", add_new=True)
    ids = [m.id for m in result.catalog.models]
    assert ids == ["claude-3-5-sonnet-20240620", "gpt-4o-2024-05-13", "llama-3-70b-instruct", "yi-34b-chat"]
    yi = result.catalog.models[3]
    assert (yi.name, yi.provider, yi.license, yi.open_weights, yi.aliases) == (
        "Yi-34B-Chat", "01 AI", "Yi License", True, (Alias("Yi-34B-Chat"),),
    )  # fmt: skip
    assert result.catalog.models[1].open_weights is False
    assert result.report.skipped == ("Yi-34B-Chat: duplicate row(s) at line 6 with the same figures",)
    assert result.report.new_models == ("gpt-4o-2024-05-13", "llama-3-70b-instruct", "yi-34b-chat")
    # After the alias's until date the name no longer denotes the 2024-06-20 model.
    later = import_arena(_base(sonnet), path, as_of=D(2025, 1, 29), source_key="arena")
    assert "Claude 3.5 Sonnet" in later.report.unmatched


def test_arena_ambiguous_rows_import_nothing(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "a.csv",
        "rank,model,arena_elo,95_pct_ci,votes\n1,Llama-3-70b-Instruct,1207,+2/-2,10\n2,llama-3-70b,1100,+2/-2,10\n",
    )
    result = import_arena(_base(LLAMA), path, as_of=D(2024, 6, 19), source_key="arena")
    assert result.catalog.models[0].scores == ()
    assert result.report.ambiguous == (
        "Llama-3-70b-Instruct / llama-3-70b (several rows for llama-3-70b with different figures)",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rank,model,95_pct_ci,votes\n", "1: missing column(s): arena_score (or arena_elo)"),
        ("model,arena_score,votes\n", "1: missing column(s): 95_pct_ci"),
        ("model,arena_score,95_pct_ci,votes\nA,high,+1/-1,5\n", "2: arena_score is not a number: 'high'"),
        ("model,arena_score,95_pct_ci,votes\nA,1200,+1,5\n", "2: 95_pct_ci is not '+U/-L': '+1'"),
        ("model,arena_score,95_pct_ci,votes\nA,1200,+1/-1,many\n", "2: votes is not a whole number: 'many'"),
        ("model,arena_score,95_pct_ci,votes\n,1200,+1/-1,5\n", "2: empty model name"),
    ],
)
def test_arena_bad_input(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path / "a.csv", text)
    with pytest.raises(InputFileError) as exc:
        import_arena(_base(), path, as_of=D(2024, 1, 1), source_key="arena")
    assert str(exc.value) == f"{path}:{message}"


def test_arena_hard(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "ah.csv",
        "model,score,rating_q025,rating_q975,CI,avg_tokens,date\n"
        'gpt-4o-2024-05-13,79.21,77.42,80.71,"(-1.79, +1.50)",696.0,2024-07-31\n'
        'someone-else,10.0,9.0,11.0,"(-1, +1)",100.0,2024-07-31\n',
    )
    result = import_arena_hard(_base(GPT4O_0513), path, source_key="ah")
    (s,) = result.catalog.models[0].scores
    assert (s.benchmark, s.value, s.ci_lower, s.ci_upper, s.as_of, s.votes) == (
        "arena-hard-auto", 79.21, 77.42, 80.71, D(2024, 7, 31), None,
    )  # fmt: skip
    assert result.report.unmatched == ("someone-else",)


# --- CLI -------------------------------------------------------------------------------------------


def test_cli_import_writes_reports_and_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _write(tmp_path / "lmsys_arena_2024-07-24.csv", ARENA)
    into = tmp_path / "cat.yaml"
    assert main(["catalog", "import", "arena", str(src), "--into", str(into), "--add-new", "--no-bundled"]) == 0
    out, err = capsys.readouterr()
    assert out == (
        f"Imported {src} into {into} (source arena-2024-07-24): matched 4, added 4, updated 0, unchanged 0, "
        "new models 4\n"
    )
    assert err == "1 skipped:\n  Yi-34B-Chat: duplicate row(s) at line 6 with the same figures\n"
    first = into.read_bytes()
    assert main(["catalog", "import", "arena", str(src), "--into", str(into), "--json", "--no-bundled"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["matched"], report["added"], report["unchanged"], report["unmatched"]) == (4, 0, 4, [])
    assert into.read_bytes() == first


def test_cli_failing_import_leaves_file_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    into = tmp_path / "cat.yaml"
    into.write_text(dump_catalog_file(_base(LLAMA)), encoding="utf-8")
    before = into.read_bytes()
    bad = _write(tmp_path / "bad_2024-07-24.csv", "model,arena_score,95_pct_ci,votes\nA,1200,+1/-x,5\n")
    assert main(["catalog", "import", "arena", str(bad), "--into", str(into), "--no-bundled"]) == 2
    assert capsys.readouterr().err == f"Error: {bad}:2: 95_pct_ci is not '+U/-L': '+1/-x'\n"
    assert into.read_bytes() == before
    good = _write(tmp_path / "good.csv", ARENA)
    assert (
        main(
            [
                "catalog",
                "import",
                "arena",
                str(good),
                "--into",
                str(into),
                "--date",
                "2024-07-24",
                "--dry-run",
                "--no-bundled",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith(f"Would import {good} into {into}")
    assert into.read_bytes() == before


def test_cli_import_litellm_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _map(tmp_path, {MINI.id: _limits(128_000, 16_384)})
    into = tmp_path / "cat.yaml"
    into.write_text(dump_catalog_file(_base(MINI)), encoding="utf-8")
    args = ["catalog", "import", "litellm", str(src), "--into", str(into), "--date", "2025-09-02", "--source-key", "ll"]
    args.append("--no-bundled")
    assert main([*args, "--no-limits", "--dry-run"]) == 0
    assert capsys.readouterr().out == (
        f"Would import {src} into {into} (source ll): matched 1, added 1, updated 0, unchanged 0\n"
    )
    assert main(args) == 0
    assert capsys.readouterr().out == (
        f"Imported {src} into {into} (source ll): matched 1, added 1, updated 0, unchanged 0, "
        "context windows and max output tokens of 1 model(s)\n"
    )
    assert "context_window: 128000\n  max_output_tokens: 16384\n" in into.read_text(encoding="utf-8")


def test_cli_import_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for kind in IMPORTERS:
        try:  # main returns argparse's exit code for --help (older versions let SystemExit through)
            code = main(["catalog", "import", kind, "--help"])
        except SystemExit as exc:
            code = exc.code
        assert code == 0
        assert f"Example:\n  advisor catalog import {kind} " in capsys.readouterr().out
