"""Rendering shared by the CLI commands: tables with units in headers, JSON; money via :mod:`advisor.money`."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from advisor._jsonable import jsonable
from advisor.money import usd
from advisor.text import shown

__all__ = ["num", "print_json", "set_wide", "table", "terminal_width", "usd"]


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


DROP_ORDER: tuple[str, ...] = (
    "votes",
    "95% CI",
    "host",
    "context (tokens)",
    "provider",
    "notes",
    "input ($/1M tok)",
    "output ($/1M tok)",
    "$/request",
    "statistical",
)
"""Columns a table leaves out, in this order, when it does not fit the terminal (``--wide`` keeps all)."""
NAME_COLUMN = "model"
"""The column shortened with an ellipsis before any column is dropped."""
NAME_MIN = 28
"""Names are shortened to this many characters before a column is dropped, and to fewer only if nothing else helps."""
NAME_FLOOR = 12

_wide = False


def set_wide(wide: bool) -> None:
    """``--wide``: tables show every column in full whatever the terminal's width (set per command run)."""
    global _wide
    _wide = wide


def terminal_width() -> int | None:
    """The width tables fit: ``COLUMNS``, else the terminal's; None (no limit) for ``--wide`` or a pipe."""
    if _wide:
        return None
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    if sys.stdout.isatty():
        import shutil  # only a terminal needs it (and its imports)

        return shutil.get_terminal_size().columns
    return None


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Sequence[bool] | None = None,
    *,
    width: int | None = -1,
) -> str:
    """A plain-text table; ``right[i]`` right-aligns column i (numbers; money columns by the point).

    It fits ``width`` characters (default: :func:`terminal_width`; None: no limit): the ``model``
    column is shortened with an ellipsis to :data:`NAME_MIN` characters, then columns named in
    :data:`DROP_ORDER` are left out in that order (a last line says which), then names shorten to
    :data:`NAME_FLOOR`. Other columns are never cut.
    """
    if right is None:
        right = [False] * len(headers)
    limit = terminal_width() if width == -1 else width
    # Names come from files: a newline or a bidi override in one must not forge or reorder a row.
    columns = [[shown(str(row[i])) for row in rows] for i in range(len(headers))]
    columns = [
        _point_aligned(col) if r and "$" in h else col for h, col, r in zip(headers, columns, right, strict=True)
    ]
    widths = [max([len(h), *(len(c) for c in col)]) for h, col in zip(headers, columns, strict=True)]
    keep = list(range(len(headers)))
    dropped: list[str] = []
    if limit is not None:
        name = headers.index(NAME_COLUMN) if NAME_COLUMN in headers else None

        def others() -> int:
            return sum(widths[i] + 2 for i in keep if i != name) - (2 if name is None else 0)

        droppable = [headers.index(h) for h in DROP_ORDER if h in headers]
        while droppable:
            need = min(widths[name], NAME_MIN) if name is not None else 0
            if limit - others() >= need:
                break
            i = droppable.pop(0)
            keep.remove(i)
            dropped.append(headers[i])
        if name is not None:
            room = limit - others()
            widths[name] = min(widths[name], max(room, NAME_FLOOR))
            columns[name] = [_shorten(c, widths[name]) for c in columns[name]]
    heads = [_shorten(headers[i], widths[i]) for i in keep]
    body = [[columns[i][k] for i in keep] for k in range(len(rows))]
    ws = [widths[i] for i in keep]
    rs = [right[i] for i in keep]

    def fmt(cells: Sequence[str]) -> str:
        parts = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, ws, rs, strict=True)]
        line = "  ".join(parts)
        # A right-aligned last column keeps its padding: it is what lines the decimal points up.
        return line if rs[-1] else line.rstrip()

    lines = [fmt(heads), "  ".join("-" * w for w in ws)]
    lines.extend(fmt(r) for r in body)
    if dropped:
        lines.append(f"(left out to fit {limit} columns: {', '.join(dropped)}; --wide shows them)")
    return "\n".join(lines)
