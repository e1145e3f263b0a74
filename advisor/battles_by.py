"""Battles from Parquet, and one leaderboard per value of a column (quality per task).

Public battle data (LMArena's human-preference sets) ships as Parquet: it is read in record
batches (``pyarrow``, the ``advisor[parquet]`` extra) and only the distinct
(model_a, model_b, winner, flags, group) combinations are kept, so memory stays bounded by the
number of distinct battles, not the file's size, as for JSON Lines and CSV.

``--by COLUMN`` splits row-level battles by that column's value (a category tag such as
``coding``) and fits one leaderboard per value; :func:`advisor.battles.catalog_layer` then writes
each as ``BENCHMARK/VALUE`` scores, so ``--metric team-eval/coding`` works on every command.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from advisor.battles import BATTLE_COLUMNS, _Bad, _battle, _csv_rows, _tally, fit_counts
from advisor.errors import InputFileError, OptionalDependencyError
from advisor.ratings import Anchor, BattleCounts, Ratings, TieMode

__all__ = ["PARQUET_FIX", "rate_by", "read_battles_by", "read_parquet"]

PARQUET_FIX = "pip install 'advisor[parquet]'"
PARQUET_SUFFIXES = (".parquet", ".pq")
BATCH_ROWS = 65_536
"""Rows per Parquet record batch: a few MiB of Python objects at a time."""


def _parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise OptionalDependencyError(f"reading Parquet battle files needs pyarrow: {PARQUET_FIX}") from None
    return pq


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in PARQUET_SUFFIXES


def _parquet_file(path: Path, name: str, columns: Sequence[str]) -> Any:
    pq = _parquet()
    import pyarrow as pa

    try:
        f = pq.ParquetFile(path)
    except OSError as exc:
        raise InputFileError(f"{name}: cannot read: {exc.strerror or exc}") from None
    except pa.ArrowException as exc:
        raise InputFileError(f"{name}: not a Parquet file: {exc}") from None
    names = list(f.schema_arrow.names)
    absent = [c for c in columns if c not in names]
    if absent:
        raise InputFileError(f"{name}: missing column {absent[0]!r} (columns: {', '.join(names)})")
    return f


def _parquet_rows(path: Path, name: str, columns: Sequence[str]) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of rows (tuples of the wanted columns' values), read a record batch at a time."""
    f = _parquet_file(path, name, columns)
    for batch in f.iter_batches(batch_size=BATCH_ROWS, columns=list(columns)):
        yield list(zip(*(batch.column(i).to_pylist() for i in range(len(columns))), strict=True))


def read_parquet(path: str | os.PathLike[str], *, drop_if: Sequence[str] = ()) -> BattleCounts:
    """Row-level battles (model_a, model_b, winner) from a Parquet file, counted per pair.

    Raises:
        OptionalDependencyError: pyarrow is not installed (the message names the extra).
        InputFileError: ``FILE: row N: ...`` for the first bad row, or a missing column.
    """
    p, name = Path(path), str(path)
    columns = (*BATTLE_COLUMNS, *drop_if)
    distinct: Counter[tuple[Any, ...]] = Counter()
    for rows in _parquet_rows(p, name, columns):
        distinct.update(rows)
    if not distinct:
        raise InputFileError(f"{name}: no battles (the file has no rows)")
    return _tally(distinct, {}, tuple(drop_if), lambda: _first_bad_row(_numbered(p, name, columns), name, drop_if))


def _numbered(path: Path, name: str, columns: Sequence[str]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """``(where, row)`` of every row of a battle file, ``where`` as an error names it."""
    if _is_parquet(path):
        n = 0
        for batch in _parquet_rows(path, name, columns):
            for row in batch:
                n += 1
                yield f"row {n}", row
        return
    if _is_json(path):
        with path.open("rb") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except (ValueError, UnicodeDecodeError):
                    raise InputFileError(f"{name}:{number}: not a JSON object") from None
                if not isinstance(record, dict):
                    raise InputFileError(f"{name}:{number}: not a JSON object")
                absent = [c for c in columns if c not in record]
                if absent:
                    raise InputFileError(f"{name}:{number}: missing field {absent[0]!r}")
                yield str(number), tuple(record[c] for c in columns)
        return
    csv_rows = _csv_rows(path, name)
    try:
        _, header = next(csv_rows)
    except StopIteration:
        raise InputFileError(f"{name}:1: empty file: no battles") from None
    header = [h.strip() for h in header]
    absent = [c for c in columns if c not in header]
    if absent:
        raise InputFileError(f"{name}:1: missing column {absent[0]!r} (columns: {', '.join(header)})")
    index = [header.index(c) for c in columns]
    for number, cells in csv_rows:
        if len(cells) < len(header):
            raise InputFileError(f"{name}:{number}: expected {len(header)} columns, got {len(row)}")
        yield str(number), tuple(cells[i] for i in index)


def _is_json(path: Path) -> bool:
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return True
    if path.suffix.lower() == ".csv":
        return False
    with path.open("rb") as fh:
        return fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _first_bad_row(rows: Iterator[tuple[str, tuple[Any, ...]]], name: str, drop_if: Sequence[str]) -> NoReturn:
    flags = tuple(drop_if)
    sep = ": " if not name.endswith(":") else " "
    for where, row in rows:
        try:
            _battle(row[:3], dict(zip(flags, row[3 : 3 + len(flags)], strict=True)), flags)
        except _Bad as exc:
            glue = ":" if where[:1].isdigit() else sep
            raise InputFileError(f"{name}{glue}{where}: {exc}") from None
    raise InputFileError(f"{name}: unreadable battle file")


def read_battles_by(
    path: str | os.PathLike[str], by: str, *, drop_if: Sequence[str] = ()
) -> tuple[dict[str, BattleCounts], int]:
    """Row-level battles split by the value of column ``by``: ``({value: counts}, rows without a value)``.

    JSON Lines, CSV or Parquet (by suffix; JSON Lines is also sniffed). Values are compared as
    text after stripping; rows with an empty or missing value are left out and counted. Memory
    holds the distinct (model_a, model_b, winner, flags, value) combinations only.
    """
    p, name = Path(path), str(path)
    if not p.is_file():
        raise InputFileError(f"{name}: cannot read: no such file")
    columns = (*BATTLE_COLUMNS, *drop_if, by)
    distinct: Counter[tuple[Any, ...]] = Counter()
    if _is_parquet(p):
        for rows in _parquet_rows(p, name, columns):
            distinct.update(rows)
    else:
        distinct.update(row for _, row in _numbered(p, name, columns))
    groups: dict[str, Counter[tuple[Any, ...]]] = {}
    unlabelled = 0
    for key, times in distinct.items():
        value = key[-1]
        text = "" if value is None else str(value).strip()
        if not text:
            unlabelled += times
            continue
        groups.setdefault(text, Counter())[key[:-1]] += times
    if not groups:
        raise InputFileError(f"{name}: no battle has a value in column {by!r}")
    flags = tuple(drop_if)

    def report() -> NoReturn:
        _first_bad_row(_numbered(p, name, columns), name, flags)

    return {value: _tally(groups[value], {}, flags, report) for value in sorted(groups)}, unlabelled


def rate_by(
    path: str | os.PathLike[str],
    by: str,
    *,
    drop_if: Sequence[str] = (),
    scale: float = 400.0,
    base: float = 10.0,
    anchor: Anchor = 1000.0,
    bootstrap: int = 100,
    seed: int | None = 0,
    ties: TieMode = "half",
    regularization: float = 0.0,
    resolve: Callable[[str], str] | None = None,
) -> tuple[dict[str, Ratings], int]:
    """One Bradley-Terry leaderboard per value of column ``by`` (see :func:`advisor.rate` for the knobs).

    Returns ``({value: ratings}, rows without a value)``. A value whose battles cannot be fitted
    (a model that never lost, groups never compared) is an error naming the value.
    """
    groups, unlabelled = read_battles_by(path, by, drop_if=drop_if)
    out: dict[str, Ratings] = {}
    for value, counts in groups.items():
        try:
            out[value] = fit_counts(
                counts,
                path=path,
                drop_if=drop_if,
                resolve=resolve,
                scale=scale,
                base=base,
                anchor=anchor,
                bootstrap=bootstrap,
                seed=seed,
                ties=ties,
                regularization=regularization,
            )
        except ValueError as exc:
            raise InputFileError(f"{path}: {by} = {value!r}: {exc}") from None
    return out, unlabelled
