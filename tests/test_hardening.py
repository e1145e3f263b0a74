# ruff: noqa: RUF001  (a Cyrillic look-alike letter is one of the cases)
"""Golden cases (exact messages) for hostile input, one or more per class of failure.

Classes: tracebacks from ordinary mistakes, silent wrong answers, hidden and look-alike names,
numbers that must stay finite, duplicates, bounded resources, validate reporting every stage,
errors as JSON, messages that help. The cache and write semantics have their own files
(tests/test_cache.py, tests/test_io.py). Every input is made here from tests/catalogs/base.yaml
(two real July-2024 models) or written inline.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest

import advisor
from advisor import ratings
from advisor.battles import rate
from advisor.catalog import load_catalog
from advisor.cli import main
from advisor.errors import AdvisorError, ArgumentError, CatalogError, InputFileError, UnknownModelError
from advisor.router import Router
from advisor.select import recommend

CATALOGS = Path(__file__).resolve().parent / "catalogs"
BASE = (CATALOGS / "base.yaml").read_text(encoding="utf-8")
JULY = ["--as-of", "2024-07-24"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def layer(tmp_path: Path, text: str, name: str = "layer.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new, 1)


# --- no tracebacks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2024-02-30", "2024-13-01"])
def test_impossible_dates_name_the_format(tmp_path: Path, capsys: pytest.CaptureFixture[str], day: str) -> None:
    path = layer(tmp_path, edited("since: 2024-05-13", f"since: {day}"))
    expected = f"{path}:16: model 'gpt-4o-2024-05-13': field 'prices[0].since': not a date: {day} (want YYYY-MM-DD)"
    assert run(capsys, "catalog", "validate", "--no-bundled", str(path)) == (2, "", f"Error: {expected}\n")
    with pytest.raises(CatalogError) as info:  # the library too: an AdvisorError, not a bare ValueError
        load_catalog(path, bundled=False)
    assert str(info.value) == expected


def test_huge_numbers_in_a_catalog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = layer(tmp_path, edited("input: 5, output: 15", f"input: 1e308, output: {'9' * 5000}"))
    code, _, err = run(capsys, "catalog", "validate", "--no-bundled", str(path))
    assert code == 2
    assert err.splitlines() == [
        f"Error: {path}:16: model 'gpt-4o-2024-05-13': field 'prices[0].input': must be <= 1e+06, got '1e308'",
        f"Error: {path}:16: model 'gpt-4o-2024-05-13': field 'prices[0].output': must be a finite number, "
        "got '99999999999999999999999999999999999999999999999... (5,000 characters)",
    ]


def test_a_litellm_field_of_the_wrong_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = layer(
        tmp_path,
        json.dumps({"gpt-4o-mini-2024-07-18": {"litellm_provider": "openai", "input_cost_per_token": "cheap"}}),
        "prices.json",
    )
    into = tmp_path / "out.yaml"
    code, _, err = run(capsys, "catalog", "import", "litellm", str(source), "--into", str(into), "--date", "2024-07-25")
    assert code == 2
    assert err.startswith(f"Error: {source}"), err
    assert "input_cost_per_token" in err and len(err.splitlines()) == 1
    assert not into.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "a,b," + "9" * 5000 + ",1,0",
            "column 'wins_a': a 5,000-digit count is more than 1,000,000,000,000,000 battles",
        ),
        (f"a,b,{2**64},1,0", "column 'wins_a': a 20-digit count is more than 1,000,000,000,000,000 battles"),
        (
            f"a,b,{2**63 - 1},1,0",
            "column 'wins_a': a 19-digit count is more than 1,000,000,000,000,000 battles",
        ),
    ],
)
def test_counts_that_overflow(tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, message: str) -> None:
    path = layer(tmp_path, f"model_a,model_b,wins_a,wins_b,ties\n{row}\nb,c,1,1,0\n", "counts.csv")
    assert run(capsys, "rate", str(path), "--no-resolve") == (2, "", f"Error: {path}:2: {message}\n")


def test_a_lone_surrogate_in_a_battle_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = layer(tmp_path, '{"model_a": "a\\ud800", "model_b": "b", "winner": "model_a"}\n', "battles.jsonl")
    assert run(capsys, "rate", str(path), "--no-resolve") == (
        2,
        "",
        f"Error: {path}:1: model_a 'a\\ud800' contains U+D800 (lone surrogate): control, bidirectional "
        "and zero-width characters are not allowed in names\n",
    )


BATTLES = "".join(
    json.dumps({"model_a": a, "model_b": b, "winner": w}) + "\n"
    for a, b, w in [("a", "b", "model_a"), ("b", "a", "model_a"), ("a", "c", "model_a"), ("c", "a", "model_a")]
)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["recommend", "--min-context", "-5", "--target", "gpt-4o"], "advisor recommend: argument --min-context: must be at least 0, got '-5'"),
        (["RATE", "--seed", "-1"], "advisor rate: argument --seed: must be at least 0, got '-1'"),
        (["RATE", "--base", "1"], "advisor rate: argument --base: must be a finite number > 1, got '1'"),
        (["RATE", "--benchmark", "", "--out", "x.yaml"], "advisor rate: argument --benchmark: must not be empty"),
        (["RATE", "--benchmark", "b", "--category", " ", "--out", "x.yaml"], "advisor rate: argument --category: must not be empty"),
        (
            ["plot", "history", "--from", "2025-01-01", "--to", "2024-01-01", "--out", "x.html"],
            "--from 2025-01-01 is after --to 2024-01-01; give --from on or before it",
        ),
        (["rank", "--top", "-1"], "advisor rank: argument --top: must be at least 1, got '-1'"),
        (["recommend", "--min-score", "nan"], "advisor recommend: argument --min-score: must be a finite number, got 'nan'"),
        (["RATE", "--bootstrap", "100000000"], "argument --bootstrap: must be a whole number from 0 to 100,000, got 100000000"),
        (["models", "--provider", "OpenAl"], "argument --provider: names no provider in the catalog: 'OpenAl'; did you mean 'OpenAI'?"),
    ],
)  # fmt: skip
def test_command_line_mistakes_name_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    battles = layer(tmp_path, BATTLES, "battles.jsonl")
    argv = [*(["rate", str(battles), "--no-resolve"] if argv[0] == "RATE" else argv[:1]), *argv[1:]]
    argv = [str(tmp_path / a) if a in ("x.yaml", "x.html") else a for a in argv]
    code, out, err = run(capsys, *argv, *JULY)
    assert (code, out, err) == (2, "", f"Error: {message}\n")
    assert not list(tmp_path.glob("x.*"))


def test_library_arguments_are_named_as_the_library_spells_them() -> None:
    catalog = load_catalog(CATALOGS / "base.yaml", bundled=False).as_of(dt.date(2024, 7, 24))
    cases = [
        (lambda: catalog.filter(min_context=-5), "min_context must be a whole number >= 0, got -5"),
        (lambda: recommend(catalog, min_score=math.nan), "min_score must be a number, got nan"),
        (lambda: recommend(catalog, budget=math.nan), "budget must be a number, got nan"),
        (lambda: recommend(catalog, min_score="1200"), "min_score must be a number, got '1200'"),  # type: ignore[arg-type]
        (lambda: advisor.Workload(input_tokens=math.inf), "input_tokens must be a finite number from 0 to 1e+12, got inf"),
        (lambda: catalog.filter(provider="OpenAl"), "provider names no provider in the catalog: 'OpenAl'; did you mean 'OpenAI'?"),
    ]  # fmt: skip
    for call, message in cases:
        with pytest.raises(ArgumentError) as info:
            call()
        assert str(info.value) == message
        assert isinstance(info.value, ValueError)


def test_rate_knobs_in_the_library(tmp_path: Path) -> None:
    battles = layer(tmp_path, BATTLES, "battles.jsonl")
    for kwargs, message in [
        ({"seed": -1}, "seed must be a whole number >= 0 (or None), got -1"),
        ({"base": 1.0}, "base must be a finite number > 1, got 1.0"),
        ({"bootstrap": 10**8}, "bootstrap must be a whole number from 0 to 100,000, got 100000000"),
        ({"scale": math.nan}, "scale must be a finite number > 0, got nan"),
    ]:
        with pytest.raises(ArgumentError) as info:
            rate(battles, **kwargs)  # type: ignore[arg-type]
        assert str(info.value) == message


# --- silent wrong answers ----------------------------------------------------------------------------


def test_an_empty_host_is_an_error(tmp_path: Path) -> None:
    path = layer(tmp_path, edited("source: litellm-2024-07-25}", "source: litellm-2024-07-25, host: ''}"))
    with pytest.raises(CatalogError) as info:
        load_catalog(path, bundled=False)
    assert str(info.value) == (
        f"{path}:16: model 'gpt-4o-2024-05-13': field 'prices[0].host': string should have at least 1 character, got ''"
    )


def test_the_same_model_twice_in_a_layer(tmp_path: Path) -> None:
    top = layer(
        tmp_path,
        "schema_version: 1\nmodels:\n  - id: gpt-4o-mini-2024-07-18\n    context_window: 1000\n"
        "  - id: gpt-4o-mini\n    context_window: 2000\n",
    )
    with pytest.raises(CatalogError) as info:
        load_catalog(CATALOGS / "base.yaml", top, bundled=False)
    assert str(info.value) == (
        f"{top}:5: model 'gpt-4o-mini': field 'id': names the same model as models[0] "
        "('gpt-4o-mini-2024-07-18'); give each model one entry per file"
    )


def test_retired_before_released_across_files(tmp_path: Path) -> None:
    below = layer(
        tmp_path, edited("    context_window: 128000\n", "    context_window: 128000\n    released: 2024-05-13\n")
    )
    top = layer(
        tmp_path, "schema_version: 1\nmodels:\n  - id: GPT-4o-2024-05-13\n    retired: 2024-01-01\n", "top.yaml"
    )
    with pytest.raises(CatalogError) as info:
        load_catalog(below, top, bundled=False)
    assert str(info.value) == (
        f"{top}:4: model 'GPT-4o-2024-05-13': field 'retired': retired on 2024-01-01, before its release on 2024-05-13"
    )


def test_duplicates_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = layer(tmp_path, "model_a,model_b,winner,winner\na,b,model_a,model_b\n", "battles.csv")
    assert run(capsys, "rate", str(csv), "--no-resolve")[2] == (
        f"Error: {csv}:1: duplicate column 'winner' (which one to use would be a guess)\n"
    )
    jsonl = layer(tmp_path, '{"model_a": "a", "model_b": "b", "winner": "model_a", "winner": "model_b"}\n', "b.jsonl")
    assert run(capsys, "rate", str(jsonl), "--no-resolve")[2] == (
        f"Error: {jsonl}:1: duplicate key 'winner' (JSON would silently keep only the last one)\n"
    )
    # The fast reader must not keep the last of a duplicate either, deep in a file.
    many = layer(
        tmp_path, BATTLES * 50 + '{"winner": "model_b", "model_a": "a", "model_b": "b", "model_b": "c"}\n', "m.jsonl"
    )
    with pytest.raises(InputFileError) as info:
        rate(many)
    assert str(info.value) == f"{many}:201: duplicate key 'model_b' (JSON would silently keep only the last one)"


def test_nan_router_queries_are_errors() -> None:
    catalog = load_catalog(CATALOGS / "base.yaml", bundled=False).as_of(dt.date(2024, 7, 24))
    router = Router(catalog)
    with pytest.raises(AdvisorError, match=r"^min_score must be a finite number, got nan$"):
        router.cheapest(math.nan)
    with pytest.raises(AdvisorError, match=r"^max_cost must be a finite number, got nan$"):
        router.best_within(math.nan)
    with pytest.raises(AdvisorError, match=r"^max_cost must be a number, got 'x'$"):
        router.best_within("x")  # type: ignore[arg-type]
    assert router.cheapest(0.0) is not None


def test_an_import_that_would_not_load_is_not_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A LiteLLM price of 1e300 per token is 1e306 per 1M tokens: it cannot be written as a price.
    source = layer(
        tmp_path,
        json.dumps({"gpt-4o-mini-2024-07-18": {
            "litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e300, "output_cost_per_token": 6e-7,
        }}),
        "prices.json",
    )  # fmt: skip
    into = tmp_path / "out.yaml"
    code, _, err = run(capsys, "catalog", "import", "litellm", str(source), "--into", str(into), "--date", "2024-07-25")
    assert code == 2
    assert err.splitlines()[0] == f"Error: {into}: not written: the new contents would not load:"
    assert "must be <= 1e+06" in err or "not a finite number" in err
    assert not into.exists()


# --- names -------------------------------------------------------------------------------------------


def test_hidden_characters_in_names(tmp_path: Path) -> None:
    path = layer(
        tmp_path,
        edited("  - id: gpt-4o-mini-2024-07-18\n    provider: OpenAI", '  - id: "gpt-4o-mini-2024-07-18\\u200b"\n    provider: "Open\\u202eAI"')
        .replace("aliases: [GPT-4o-2024-05-13]", 'aliases: ["GPT-4o\\n2024-05-13"]'),
    )  # fmt: skip
    with pytest.raises(CatalogError) as info:
        load_catalog(path, bundled=False)
    why = "control, bidirectional and zero-width characters are not allowed in names"
    assert str(info.value).splitlines() == [
        f"{path}:13: model 'gpt-4o-2024-05-13': field 'aliases[0]': contains U+000A (LINE FEED): {why}",
        f"{path}:19: model 'gpt-4o-mini-2024-07-18\\u200b': field 'id': contains U+200B (ZERO WIDTH SPACE): {why}",
        f"{path}:20: model 'gpt-4o-mini-2024-07-18\\u200b': field 'provider': contains U+202E "
        f"(RIGHT-TO-LEFT OVERRIDE): {why}",
    ]


def test_a_look_alike_of_a_model_below_is_a_warning(tmp_path: Path) -> None:
    top = layer(
        tmp_path,
        "schema_version: 1\nsources: {s: {title: a team's prices}}\nmodels:\n"
        "  - id: gpt-4о-mini\n    provider: Someone\n    prices: [{input: 0.01, output: 0.01, source: s}]\n",
    )
    catalog = load_catalog(CATALOGS / "base.yaml", top, bundled=False)
    assert [str(w) for w in catalog.warnings] == [
        f"{top}:4: model 'gpt-4о-mini': field 'id': 'gpt-4о-mini' looks like 'gpt-4o-mini' "
        "of model 'gpt-4o-mini-2024-07-18' (look-alike letters?)"
    ]


def test_names_from_arguments_are_shown_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "models", "gpt-4o\u202e\n", *JULY)
    assert code == 2
    assert err == "Error: advisor: unrecognized arguments: gpt-4o\\u202e\\n\n"


# --- bounded resources -------------------------------------------------------------------------------


def test_a_comparison_graph_too_big_for_dense_matrices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # 100,000 models would need 4 x 74.5 GiB; a lower limit shows the same refusal on 3 models.
    monkeypatch.setattr(ratings, "MAX_DENSE_BYTES", 200)
    battles = layer(tmp_path, BATTLES, "battles.jsonl")
    assert run(capsys, "rate", str(battles), "--no-resolve") == (
        2,
        "",
        "Error: 3 models: the fit needs dense 3 x 3 matrices (0.0 GiB), more than the 1.86265e-07 GiB allowed; "
        "rate fewer models (filter the battles)\n",
    )
    monkeypatch.undo()
    need = 4 * 8 * 100_000**2 / 2**30
    with pytest.raises(
        AdvisorError, match=rf"^100,000 models: the fit needs dense 100,000 x 100,000 matrices \({need:,.1f} GiB\)"
    ):
        ratings._check_memory(100_000, 0)


# --- validate, JSON and messages that help -----------------------------------------------------------


def test_validate_reports_every_stage_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = layer(
        tmp_path,
        "schema_version: 1\nsources:\n  s: {title: x}\n  s: {title: y}\nmodels:\n"
        "  - id: a\n    provider: P\n    released: 2024-02-30\n    prices: [{input: 1, output: 1, source: nope}]\n"
        "  - id: b\n    provider: P\n    released: 2024-05-01\n    retired: 2024-01-01\n"
        "    prices: [{input: -1, output: 1, source: s}]\n"
        "  - id: B\n    provider: Q\n",
    )
    code, _, err = run(capsys, "catalog", "validate", "--no-bundled", str(path))
    assert code == 2
    assert err.splitlines() == [
        f"Error: {path}:4: duplicate key 's' (YAML would silently keep only the last one)",
        f"Error: {path}:8: model 'a': field 'released': not a date: 2024-02-30 (want YYYY-MM-DD)",
        f"Error: {path}:9: model 'a': field 'prices[0].source': unknown source 'nope' (define it under sources:)",
        f"Error: {path}:13: model 'b': field 'retired': retired before it was released",
        f"Error: {path}:14: model 'b': field 'prices[0].input': must be >= 0, got -1",
        f"Error: {path}:15: model 'B': field 'id': duplicate model id (also models[1])",
    ]


def test_json_errors_are_objects_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "--target", "gpt-4x", "--json", *JULY)
    assert code == 2
    doc = json.loads(out)
    assert doc["error"] == "UnknownModelError" and doc["exit_code"] == 2
    assert doc["message"] == err.removeprefix("Error: ").rstrip("\n")
    assert doc["matches"][0] == "gpt-4"
    code, out, _ = run(capsys, "recommend", "--min-score", "1500", "--json", *JULY)
    doc = json.loads(out)
    assert (code, doc["error"], doc["exit_code"]) == (1, "NoCandidateError", 1)
    assert doc["nearest"]["best_within_budget"]["id"]
    assert "budget" not in doc["message"]  # nobody gave one
    code, out, _ = run(capsys, "models", "--min-context", "x", "--json")
    assert (code, json.loads(out)["error"]) == (2, "UsageError")


def test_json_catalog_problems_carry_file_line_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = layer(tmp_path, edited("input: 5,", "input: -5,"))
    code, out, _ = run(capsys, "models", "--no-bundled", "--catalog", str(path), "--json")
    assert code == 2
    assert json.loads(out)["problems"] == [
        {"file": str(path), "line": 16, "model": "gpt-4o-2024-05-13", "field": "prices[0].input",
         "message": "must be >= 0, got -5"},
    ]  # fmt: skip


def test_unknown_model_error_carries_its_matches() -> None:
    catalog = load_catalog(CATALOGS / "base.yaml", bundled=False)
    with pytest.raises(UnknownModelError) as info:
        catalog.get("gpt-4o-mini-2024-07-19")
    assert info.value.matches[0] == "gpt-4o-mini-2024-07-18"
    assert str(info.value).startswith("unknown model 'gpt-4o-mini-2024-07-19'; did you mean 'gpt-4o-mini-2024-07-18'")
