"""The CLI as a whole: every command documented, --json is the library's data, exit codes, start-up."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_parsers import every_parser

import advisor
from advisor._jsonable import jsonable
from advisor.cli import build_parser, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
JULY = dt.date(2024, 7, 24)


def commands() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    def walk(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, argparse.ArgumentParser]]:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            yield path, parser
        for action in subs:
            for name, child in action.choices.items():
                yield from walk(child, f"{path} {name}")

    yield from walk(build_parser(), "advisor")


COMMANDS = dict(commands())


def test_the_commands() -> None:
    assert set(COMMANDS) >= {
        "advisor models",
        "advisor cost",
        "advisor frontier",
        "advisor recommend",
        "advisor compare",
        "advisor rank",
        "advisor rate",
        "advisor catalog validate",
        "advisor catalog import litellm",
        "advisor catalog import arena",
        "advisor catalog import arena-hard",
        "advisor catalog import history",
    }


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_has_help_ending_in_a_runnable_example(path: str) -> None:
    parser = COMMANDS[path]
    text = parser.format_help()
    assert parser.description, path
    tail = text.rstrip().splitlines()
    assert tail[-2].strip() == "Example:", path
    example = tail[-1].strip()
    assert example.startswith(path + " "), (path, example)
    # the example parses (it is copy-pasteable), and the command is in the README
    build_parser().parse_args(shlex.split(example)[1:])
    assert path in README, f"{path} is not in the README"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "call"),
    [
        (["recommend", "--target", "gpt-4o"], lambda c: advisor.recommend(c, target="gpt-4o")),
        (["recommend", "--budget", "1", "--per", "mtok"], lambda c: advisor.recommend(c, budget=1)),
        (["frontier"], lambda c: advisor.frontier(c)),
        (["rank"], lambda c: advisor.rank(c)),
        (["compare", "gpt-4o-mini", "gpt-4o"], lambda c: advisor.compare(c, "gpt-4o-mini", "gpt-4o")),
        (
            ["cost", "gpt-4o-mini", "claude-3-haiku-20240307"],
            lambda c: advisor.cost(c, ["gpt-4o-mini", "claude-3-haiku-20240307"]),
        ),
        (["models", "--provider", "OpenAI"], lambda c: advisor.models(c, provider=["OpenAI"])),
    ],
)
def test_json_is_exactly_the_library_result(capsys, argv, call) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, *argv, "--as-of", "2024-07-24", "--json")
    assert code == 0 and err == ""
    expected = call(advisor.load_catalog().as_of(JULY))
    assert json.loads(out) == json.loads(json.dumps(jsonable(expected)))


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["recommend", "--target", "gpt-4p"], 2, "Error: unknown model 'gpt-4p'; did you mean"),
        (
            ["recommend", "--budget", "-1"],
            2,
            "Error: advisor recommend: argument --budget: must be a finite number >= 0, got '-1'",
        ),
        (
            ["recommend", "--budget", "1", "--metric", "arena-txt"],
            2,
            "Error: unknown metric 'arena-txt'; did you mean 'arena-text', 'arena-text/math', 'arena-text-style'?",
        ),
        (
            ["recommend", "--target", "gpt-4o", "--min-score", "1200"],
            2,
            "Error: give one quality bar: target, min_score or min_win_rate",
        ),
        (["recommend", "--vs", "gpt-4o"], 2, "Error: vs goes with min_win_rate"),
        (
            ["recommend", "--budget", "1", "--as-of", "2019-01-01"],
            2,
            "Error: no arena-text scores as of 2019-01-01 (is the date before the benchmark's first snapshot?)",
        ),
        (
            ["recommend", "--budget", "0.01"],
            1,
            "Error: no model meets cost <= $0.01 per 1M tokens as of 2024-07-24; cheapest model: meta-llama-3-8b-instruct at $0.0575 per 1M tokens",
        ),
        (
            ["recommend", "--budget", "1", "--as-of", "2024-13-01"],
            2,
            "Error: advisor recommend: argument --as-of: not a date (want YYYY-MM-DD): '2024-13-01'",
        ),
        (
            ["cost", "--input-tokens", "-5"],
            2,
            "Error: advisor cost: argument --input-tokens: must be a finite number >= 0, got '-5'",
        ),
        (["compare", "gpt-4o", "gpt-4o-2024-05-13"], 2, "Error: 'gpt-4o' and 'gpt-4o-2024-05-13' are the same model"),
        (["models", "--catalog", "no-such.yaml"], 2, "Error: no-such.yaml: no such file"),
        (
            ["plot", "frontier", "--out", "no-such-folder/f.html"],
            2,
            "Error: no-such-folder/f.html: cannot write: no such folder: no-such-folder",
        ),
        (
            ["frontier", "--per", "month"],
            2,
            "Error: costs per month need the number of requests per month (--requests)",
        ),
    ],
)
def test_bad_input_is_one_line_and_an_exit_code(capsys, argv, code, message) -> None:  # type: ignore[no-untyped-def]
    if "--as-of" not in argv:
        argv = [*argv, "--as-of", "2024-07-24"]
    got, out, err = run(capsys, *argv)
    assert got == code
    assert err.startswith(message), err
    assert "Traceback" not in err
    if code == 2:
        assert out == ""
        assert len(err.strip().splitlines()) == 1


def test_nothing_qualifies_names_the_nearest_options(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, "recommend", "--target", "gpt-4o", "--budget", "0.2", "--as-of", "2024-07-24")
    assert code == 1
    # The data's dates and what was left out still go to stdout; the verdict is the error.
    assert out.splitlines()[1:4] == [
        "Scores: arena-text as of 2024-07-24 (same day as 2024-07-24), 116 models in that snapshot",
        "Prices: in force on 2024-07-24, newest dated 2024-07-18 (6 days before 2024-07-24)",
        "  nothing qualifies (see the error below)",
    ]
    assert err == (
        "Error: no model meets not statistically worse than gpt-4o-2024-05-13 on arena-text and "
        "cost <= $0.20 per 1M tokens as of 2024-07-24; cheapest meeting the bar: gpt-4o-mini-2024-07-18 "
        "at $0.2625 per 1M tokens; best within budget: meta-llama-3-8b-instruct (1152)\n"
    )


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return set(out)


def test_import_advisor_is_light() -> None:
    loaded = _modules_after("import advisor")
    assert not loaded & {"plotly", "numpy", "pydantic", "yaml", "scipy", "pandas"}


def test_the_cli_never_imports_plotly_and_models_needs_no_numpy() -> None:
    models = _modules_after("from advisor.cli import main; main(['models', '--as-of', '2024-07-24'])")
    assert "plotly" not in models and "numpy" not in models
    for argv in (
        "['recommend', '--target', 'gpt-4o', '--as-of', '2024-07-24']",
        "['frontier']",
        "['rank']",
        "['compare', 'gpt-4o', 'gpt-4o-mini']",
    ):
        assert "plotly" not in _modules_after(f"from advisor.cli import main; main({argv})"), argv


def test_building_the_parser_imports_no_importer_or_network_code() -> None:
    """Every command pays for building the parser: it must not load importers, live sources or HTTP."""
    loaded = _modules_after("from advisor.cli import build_parser; build_parser()")
    heavy = {"advisor.live_sources", "advisor._http", "advisor.importers._common", "advisor.importers.litellm"}
    assert not loaded & heavy, loaded & heavy


def test_the_command_table_lists_every_command_in_help_order() -> None:
    from advisor.cli import COMMANDS as TABLE

    top = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert list(TABLE) == list(top.choices)


@pytest.mark.parametrize("command", ["models", "catalog", "recommend", "export", "rate", "replay", "plot"])
def test_a_command_parser_built_alone_is_the_one_of_the_full_parser(command: str) -> None:
    """Runs build only the invoked command's module: its help, usage and errors must not change."""
    full = dict(every_parser(build_parser()))
    alone = dict(every_parser(build_parser(command)))
    mine = {path for path in alone if path != "advisor"}
    assert mine and all(path.startswith("advisor ") for path in mine)
    assert f"advisor {command}" in mine
    for path in mine:
        assert alone[path].format_help() == full[path].format_help(), path
        assert alone[path].format_usage() == full[path].format_usage(), path


def test_a_command_builds_no_other_commands_parser() -> None:
    loaded = _modules_after(
        "from advisor.cli import main; main(['recommend', '--target', 'gpt-4o', '--as-of', '2024-07-24'])"
    )
    others = {"advisor.cli.export_cmd", "advisor.cli.plot_cmds", "advisor.cli.rate", "advisor.cli.replay_cmd"}
    assert not loaded & (others | {"advisor.export"}), loaded & others


def test_public_api_is_sorted_and_complete() -> None:
    assert advisor.__all__ == sorted(advisor.__all__)
    for name in advisor.__all__:
        assert getattr(advisor, name) is not None
    with pytest.raises(AttributeError):
        advisor.no_such_thing  # noqa: B018
