"""Rendering shared by the CLI commands: tables with units in headers, JSON, money."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from advisor._jsonable import jsonable


def print_json(obj: Any, out: TextIO | None = None) -> None:
    """Print exactly the library's return value as indented JSON."""
    out = out or sys.stdout
    json.dump(jsonable(obj), out, indent=2, ensure_ascii=False)
    out.write("\n")


def usd(value: float | None, digits: int = 4) -> str:
    """Money for humans: ``$0.15``, ``$12.50``, ``$0.000375``; ``-`` when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if value == 0:
        return "$0"
    if abs(value) >= 1000:
        return f"${value:,.0f}"
    if abs(value) >= 1:
        return f"${value:,.2f}"
    if abs(value * 100 - round(value * 100)) < 1e-9:
        return f"${value:.2f}"
    # Small amounts keep `digits` significant figures so per-request costs stay readable.
    text = f"{value:.{digits}g}"
    if "e" in text:
        text = f"{value:.{digits + 6}f}".rstrip("0")
    return f"${text}"


def num(value: float | int | None, digits: int = 0) -> str:
    """A number for a table cell; ``-`` when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int) or digits == 0:
        return f"{round(value):,}"
    return f"{value:,.{digits}f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool] | None = None) -> str:
    """A plain-text table; ``right[i]`` right-aligns column i (numbers)."""
    if right is None:
        right = [False] * len(headers)
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def fmt(cells: Sequence[str]) -> str:
        parts = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=False)]
        return "  ".join(parts).rstrip()

    lines = [fmt(headers), "  ".join("-" * w for w in widths)]
    lines.extend(fmt(r) for r in rows)
    return "\n".join(lines)
