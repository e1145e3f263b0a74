"""Rendering shared by the CLI commands: tables with units in headers, JSON; money via :mod:`advisor.money`."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from advisor._jsonable import jsonable
from advisor.money import usd

__all__ = ["num", "print_json", "table", "usd"]


def print_json(obj: Any, out: TextIO | None = None) -> None:
    """Print exactly the library's return value as indented JSON."""
    out = out or sys.stdout
    json.dump(jsonable(obj), out, indent=2, ensure_ascii=False)
    out.write("\n")


def num(value: float | int | None, digits: int = 0) -> str:
    """A number for a table cell; ``-`` when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int) or digits == 0:
        return f"{round(value):,}"
    return f"{value:,.{digits}f}"


def _point_aligned(cells: list[str]) -> list[str]:
    """Money cells padded on the right so their decimal points line up when right-aligned.

    Called for columns whose header names a dollar unit (``$/1M tok``); a column of other values
    (``compare``'s, one row per measure) is left as it is.
    """
    fracs = [len(c) - c.rindex(".") - 1 if "." in c else -1 for c in cells]
    widest = max(fracs, default=-1)
    return [c + " " * (widest - f) for c, f in zip(cells, fracs, strict=True)]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool] | None = None) -> str:
    """A plain-text table; ``right[i]`` right-aligns column i (numbers; money columns by the point)."""
    if right is None:
        right = [False] * len(headers)
    columns = [[str(row[i]) for row in rows] for i in range(len(headers))]
    columns = [
        _point_aligned(col) if r and "$" in h else col for h, col, r in zip(headers, columns, right, strict=True)
    ]
    body = [list(cells) for cells in zip(*columns, strict=True)] if rows else []
    widths = [max([len(h), *(len(c) for c in col)]) for h, col in zip(headers, columns, strict=True)]

    def fmt(cells: Sequence[str]) -> str:
        parts = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)]
        line = "  ".join(parts)
        # A right-aligned last column keeps its padding: it is what lines the decimal points up.
        return line if right[-1] else line.rstrip()

    lines = [fmt(headers), "  ".join("-" * w for w in widths)]
    lines.extend(fmt(r) for r in body)
    return "\n".join(lines)
