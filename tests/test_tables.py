"""Tables fit the terminal: names shortened with an ellipsis, columns left out in DROP_ORDER, --wide for all."""

from __future__ import annotations

import json

import pytest

from advisor.cli import main
from advisor.cli._output import DROP_ORDER, set_wide, table, terminal_width

HEADERS = ["model", "provider", "$/1M tok", "score", "95% CI", "votes"]
ROWS = [
    ["claude-3-5-sonnet-20240620", "Anthropic", "$6.00", "1,272", "+4/-3", "34,591"],
    ["meta-llama-3-8b-instruct", "Meta", "$0.0575", "1,152", "+3/-3", "102,317"],
]
RIGHT = [False, False, True, True, False, True]


def test_a_table_that_fits_is_left_alone() -> None:
    text = table(HEADERS, ROWS, RIGHT, width=200)
    assert text == table(HEADERS, ROWS, RIGHT, width=None)
    assert text.splitlines() == [
        "model                       provider   $/1M tok  score  95% CI    votes",
        "--------------------------  ---------  --------  -----  ------  -------",
        "claude-3-5-sonnet-20240620  Anthropic   $6.00    1,272  +4/-3    34,591",
        "meta-llama-3-8b-instruct    Meta        $0.0575  1,152  +3/-3   102,317",
    ]


def test_columns_go_in_the_stated_order_then_names_shorten() -> None:
    assert DROP_ORDER.index("votes") < DROP_ORDER.index("95% CI") < DROP_ORDER.index("provider")
    # 60 columns: votes and the CI go; the name keeps its full width
    assert table(HEADERS, ROWS, RIGHT, width=60).splitlines() == [
        "model                       provider   $/1M tok  score",
        "--------------------------  ---------  --------  -----",
        "claude-3-5-sonnet-20240620  Anthropic   $6.00    1,272",
        "meta-llama-3-8b-instruct    Meta        $0.0575  1,152",
        "(left out to fit 60 columns: votes, 95% CI; --wide shows them)",
    ]
    # 40 columns: the provider goes too, then names are cut with an ellipsis
    assert table(HEADERS, ROWS, RIGHT, width=40).splitlines() == [
        "model                    $/1M tok  score",
        "-----------------------  --------  -----",
        "claude-3-5-sonnet-2024…   $6.00    1,272",
        "meta-llama-3-8b-instru…   $0.0575  1,152",
        "(left out to fit 40 columns: votes, 95% CI, provider; --wide shows them)",
    ]


def test_width_comes_from_columns_or_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "97")
    assert terminal_width() == 97
    set_wide(True)
    try:
        assert terminal_width() is None
    finally:
        set_wide(False)
    monkeypatch.delenv("COLUMNS")
    assert terminal_width() is None  # output to a pipe or file is never cut


COMMANDS = [
    (["models", "--as-of", "2025-08-04"], lambda d: len(d)),
    (["cost", "--as-of", "2025-08-04", "--requests", "1000"], lambda d: len(d["costs"])),
    (["frontier", "--as-of", "2025-08-04"], lambda d: len(d["points"])),
    (["rank", "--as-of", "2025-08-04"], lambda d: len(d["rows"])),
    (["compare", "gpt-4o-mini", "claude-3-5-haiku-20241022", "--as-of", "2025-08-04"], lambda d: 5),
]


def _table_lines(out: str, rows: int) -> list[str]:
    lines = out.splitlines()
    dashes = next(i for i, line in enumerate(lines) if line.startswith("---"))
    return lines[dashes - 1 : dashes + 1 + rows]


@pytest.mark.parametrize(("argv", "count"), COMMANDS, ids=[c[0][0] for c in COMMANDS])
@pytest.mark.parametrize("columns", [80, 200])
def test_every_table_fits(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], count: object, columns: int
) -> None:
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = count(data)  # type: ignore[operator]
    if isinstance(data, dict) and "listing" in data:  # pragma: no cover - listing shape varies
        rows = len(data["listing"])
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(argv) == 0
    out = capsys.readouterr().out
    lines = _table_lines(out, rows)
    assert len(lines) == rows + 2
    assert max(len(line.rstrip()) for line in lines) <= columns
    assert main([*argv, "--wide"]) == 0
    wide = capsys.readouterr().out
    if "left out to fit" not in out and "…" not in out:
        assert out == wide  # it fitted as it was
    else:
        assert "left out to fit" not in wide and "…" not in wide
        assert max(len(line) for line in _table_lines(wide, rows)) > columns
    if columns == 80 and argv[0] != "compare":
        assert "left out to fit 80 columns: " in out


def test_names_are_shortened_with_an_ellipsis_at_80(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    assert main(["frontier", "--as-of", "2025-08-04"]) == 0
    out = capsys.readouterr().out
    assert "…" in out
    assert "(left out to fit 60 columns: votes, 95% CI, provider" in out
