"""Score tables: many scores in a compact tab-separated file beside a catalog file.

A catalog file lists its tables under ``score_tables`` (paths relative to the file). Each table is
UTF-8 text, one header line and then one score per line::

    model  benchmark  category  as_of  value  ci_lower  ci_upper  votes  source

(tab-separated; empty ``ci_lower``/``ci_upper``/``votes`` mean unknown). The scores belong to the
catalog file that lists the table, exactly as if they were written under its models' ``scores``:
the same layering, references and checks apply. Tens of thousands of scores (every category of
every Arena board) read in milliseconds this way, where YAML takes seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterable
from pathlib import Path

from advisor.errors import CatalogError, Problem
from advisor.schema import Score

__all__ = ["COLUMNS", "dump_score_table", "read_score_table"]

COLUMNS = ("model", "benchmark", "category", "as_of", "value", "ci_lower", "ci_upper", "votes", "source")
"""The header of every score table, in order."""

MAX_TABLE_BYTES = 256 * 1024 * 1024


_new = object.__new__
_DAYS: dict[str, dt.date] = {}


def _score(values: list[str]) -> Score:
    """A Score from one row's cells, checked (a ``ValueError`` says what is wrong).

    Built without the dataclass ``__init__`` (about 3x faster for tens of thousands of rows); every
    field the schema would check is checked here.
    """
    value = float(values[4])
    lower = float(values[5]) if values[5] else None
    upper = float(values[6]) if values[6] else None
    for x in (value, lower, upper):
        if x is not None and not math.isfinite(x):
            raise ValueError("not a finite number")
    if (lower is not None and lower > value) or (upper is not None and upper < value):
        raise ValueError(f"value {values[4]} is outside its interval [{values[5]}, {values[6]}]")
    votes = int(values[7]) if values[7] else None
    if votes is not None and votes < 0:
        raise ValueError("votes is negative")
    if not (values[1] and values[2] and values[8]):
        raise ValueError("benchmark, category and source must not be empty")
    day = _DAYS.get(values[3])
    if day is None:
        day = _DAYS[values[3]] = dt.date.fromisoformat(values[3])
    score: Score = _new(Score)
    score.__dict__.update(
        benchmark=values[1], value=value, as_of=day, source=values[8], category=values[2],
        ci_lower=lower, ci_upper=upper, votes=votes,
    )  # fmt: skip
    return score


def read_score_table(path: str | os.PathLike[str], metric: str | None = None) -> dict[str, list[Score]]:
    """Scores by model id; a malformed table raises :class:`CatalogError` naming file, line and problem.

    With ``metric`` (``benchmark`` or ``benchmark/category``) every row must be of that metric.
    """
    label = os.fspath(path)
    p = Path(path)
    try:
        if p.stat().st_size > MAX_TABLE_BYTES:
            raise CatalogError([Problem(label, f"score table is larger than {MAX_TABLE_BYTES:,} bytes")])
        raw = p.read_bytes()
    except FileNotFoundError:
        raise CatalogError([Problem(label, "no such score table")]) from None
    except OSError as exc:
        raise CatalogError([Problem(label, f"cannot read: {exc.strerror or exc}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError([Problem(label, "not UTF-8 text", bad_line)]) from None
    lines = text.split("\n")
    if lines[0].split("\t") != list(COLUMNS):
        raise CatalogError([Problem(label, f"the header must be the columns {', '.join(COLUMNS)} (tab-separated)", 1)])
    out: dict[str, list[Score]] = {}
    benchmark, _, category = (metric or "").partition("/")
    want = (benchmark, category or "overall")
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        values = line.split("\t")
        if len(values) != len(COLUMNS):
            message = f"expected {len(COLUMNS)} tab-separated cells, got {len(values)}"
            raise CatalogError([Problem(label, message, number)])
        try:
            score = _score(values)
        except ValueError as exc:
            raise CatalogError([Problem(label, f"bad score: {exc}", number, values[0] or None)]) from None
        if metric is not None and want != (score.benchmark, score.category):
            raise CatalogError(
                [Problem(label, f"a score of {score.benchmark}/{score.category} in the table of {metric}", number)]
            )
        out.setdefault(values[0], []).append(score)
    return out


def _cell(x: float | None) -> str:
    return "" if x is None else repr(x)


def dump_score_table(rows: Iterable[tuple[str, Score]]) -> str:
    """The text of a score table holding ``(model id, score)`` rows, sorted for reproducible builds."""
    lines = ["\t".join(COLUMNS)]
    ordered = sorted(rows, key=lambda r: (r[1].benchmark, r[1].category, r[1].as_of, r[0]))
    for model_id, s in ordered:
        cells = (
            model_id, s.benchmark, s.category, s.as_of.isoformat(), repr(s.value), _cell(s.ci_lower),
            _cell(s.ci_upper), "" if s.votes is None else str(s.votes), s.source,
        )  # fmt: skip
        if any("\t" in c or "\n" in c for c in cells):
            raise ValueError(f"a score of {model_id!r} has a tab or newline in a cell")
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"
