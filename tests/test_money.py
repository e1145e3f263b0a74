"""advisor.money: the one money formatter, and that every face (CLI, charts, reprs, messages) uses it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from advisor import load_catalog
from advisor.cli._output import table
from advisor.cli._output import usd as cli_usd
from advisor.money import usd, usd_column, usd_tick
from advisor.router import Router

ADVISOR = Path(__file__).resolve().parents[1] / "advisor"


@pytest.mark.parametrize(
    ("value", "per", "text"),
    [
        # The pairs the issue saw side by side now read alike.
        (85, None, "$85.00"),
        (1600, None, "$1,600.00"),
        (0.5, None, "$0.50"),
        (0.262, None, "$0.262"),
        (0.03007, None, "$0.03007"),
        (0.0301, None, "$0.0301"),
        (0.036000000000000004, None, "$0.036"),
        (0.2625, "mtok", "$0.2625 per 1M tokens"),
        (1600, "month", "$1,600.00 per month"),
        (7500, "month", "$7,500.00 per month"),
        (0.00105, "request", "$0.00105 per request"),
        (0.000375, None, "$0.000375"),
        (1.5e-7, None, "$0.00000015"),
        (0.99999, None, "$1.00"),
        (1234567.891, None, "$1,234,567.89"),
        (0, None, "$0.00"),
        (-2.5, None, "-$2.50"),
        (None, "mtok", "-"),
        (float("nan"), None, "-"),
        (float("inf"), None, "-"),
    ],
)
def test_usd(value: float | None, per: str | None, text: str) -> None:
    assert usd(value, per) == text


def test_cli_name_is_the_same_function() -> None:
    assert cli_usd is usd


def test_ticks_drop_cents_on_whole_dollars() -> None:
    assert [usd_tick(v) for v in (10000, 200, 2, 1.5, 0.5, 0.05, 0.001)] == [
        "$10,000",
        "$200",
        "$2",
        "$1.5",
        "$0.5",
        "$0.05",
        "$0.001",
    ]


def test_column_lines_up_decimal_points() -> None:
    cells = usd_column([7.5, 0.2625, None, 1600, 0.05])
    widest = max(len(c) for c in cells)
    points = {c.rjust(widest).index(".") for c in cells if "." in c}
    assert len(points) == 1
    assert cells == ["$7.50  ", "$0.2625", "-     ", "$1,600.00  ", "$0.05  "]


def test_table_aligns_money_columns_only() -> None:
    text = table(
        ["model", "$/1M tok", "score"],
        [["a", usd(7.5), "1,287"], ["b", usd(0.2625), "1,280"], ["c", usd(None), "-"]],
        right=[False, True, True],
    )
    assert text.splitlines() == [
        "model  $/1M tok  score",
        "-----  --------  -----",
        "a       $7.50    1,287",
        "b       $0.2625  1,280",
        "c        -           -",
    ]


def test_route_repr_reads_as_money() -> None:
    router = Router(load_catalog().as_of(dt.date(2024, 7, 24)))
    route = router.cheapest(1250)
    assert route is not None
    assert repr(route) == "Route(id='gpt-4o-mini-2024-07-18', cost=$0.2625, score=1280)"
    odd = dataclasses.replace(route, id="m", host="deepinfra", cost=0.036000000000000004, score=1250.0)
    assert repr(odd) == "Route(id='m', host='deepinfra', cost=$0.036, score=1250)"


def test_no_other_money_formatting_in_the_package() -> None:
    """Every ``$`` a person reads comes from advisor.money: no f-string puts a ``$`` before a number."""
    pattern = re.compile(r"""f["'][^"']*\$\{""")
    offenders = [
        f"{path.relative_to(ADVISOR.parent)}:{n}"
        for path in ADVISOR.rglob("*.py")
        if path.name != "money.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
