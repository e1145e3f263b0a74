"""CLI manners: what a person sees before any command runs (usage, help, which options exist where)."""

from __future__ import annotations

import argparse
import re

import pytest
from cli_parsers import every_parser

from advisor.cli import build_parser, main

WORKLOAD = {"--input-tokens", "--output-tokens", "--cached-share", "--batch", "--requests", "--output-multiplier"}


PARSERS = dict(every_parser(build_parser()))
"""Every parser, groups (``advisor plot``) included, by its command line."""


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions for s in a.option_strings}


@pytest.mark.parametrize("path", sorted(PARSERS))
def test_every_argument_has_help(path: str) -> None:
    missing = [
        a.metavar or a.dest
        for a in PARSERS[path]._actions
        if not isinstance(a, argparse._HelpAction | argparse._VersionAction) and not a.help
    ]
    assert missing == [], f"{path}: no help for {missing}"


@pytest.mark.parametrize("path", sorted(PARSERS))
def test_help_text_shows_no_doubled_percent(path: str) -> None:
    text = PARSERS[path].format_help()
    assert "%%" not in text
    if path == "advisor catalog import arena-hard":
        assert "(win rate %, 95% bounds)" in text


@pytest.mark.parametrize(
    ("argv", "group", "commands"),
    [([], "advisor", ["models", "recommend", "plot"]), (["plot"], "advisor plot", ["frontier", "history", "winrates"])],
)
def test_bare_group_prints_usage_and_commands(
    capsys: pytest.CaptureFixture[str], argv: list[str], group: str, commands: list[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert err.startswith(f"usage: {group} ")
    for name in commands:
        assert f"\n    {name} " in err or f"\n    {name}\n" in err
    assert err.rstrip().endswith(f"Error: {group}: choose a {'chart' if argv else 'command'}")


def test_compare_names_its_two_models() -> None:
    text = PARSERS["advisor compare"].format_help()
    assert re.search(r"\n  A +the first model \(id or alias\)\n", text)
    assert re.search(r"\n  B +the model A is measured against \(id or alias\)\n", text)


@pytest.mark.parametrize(
    ("path", "absent"),
    [
        ("advisor plot winrates", WORKLOAD | {"--per"}),
        ("advisor rank", {"--requests", "--per"}),
        ("advisor compare", {"--requests", "--per"}),
        ("advisor plot history", {"--requests", "--per"}),
    ],
)
def test_options_only_where_they_do_something(path: str, absent: set[str]) -> None:
    assert options(PARSERS[path]) & absent == set()


@pytest.mark.parametrize(
    ("path", "present"),
    [
        ("advisor rank", WORKLOAD - {"--requests"}),
        ("advisor cost", WORKLOAD),
        ("advisor frontier", WORKLOAD | {"--per"}),
        ("advisor plot frontier", WORKLOAD | {"--per"}),
    ],
)
def test_workload_options_where_cost_is_shown(path: str, present: set[str]) -> None:
    assert present <= options(PARSERS[path])


def test_every_command_with_filters_has_exclude() -> None:
    """The README: commands that filter the catalog (--provider ...) take --exclude too."""
    readers = [p for p, parser in PARSERS.items() if "--provider" in options(parser)]
    assert "advisor models" in readers
    assert [p for p in readers if "--exclude" not in options(PARSERS[p])] == []


def test_models_exclude_leaves_the_model_out(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["models", "--as-of", "2024-07-24", "--provider", "OpenAI"]
    assert main(argv) == 0
    before = capsys.readouterr().out
    assert main([*argv, "--exclude", "gpt-4o-mini"]) == 0
    after = capsys.readouterr().out
    assert any(line.startswith("gpt-4o-mini-2024-07-18 ") for line in before.splitlines())
    assert not any(line.startswith("gpt-4o-mini-2024-07-18 ") for line in after.splitlines())
    assert "excluding gpt-4o-mini-2024-07-18" in after.splitlines()[0]  # the header names the filter
    assert len(after.splitlines()) == len(before.splitlines()) - 1


def test_wide_only_on_commands_that_print_tables() -> None:
    tables = {
        "advisor models",
        "advisor cost",
        "advisor frontier",
        "advisor compare",
        "advisor rank",
        "advisor rate",
        "advisor replay",
    }
    have = {p for p, parser in PARSERS.items() if "--wide" in options(parser)}
    assert have == tables
