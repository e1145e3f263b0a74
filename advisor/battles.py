"""Reading battle files into per-pair outcome counts, and turning ratings into a catalog layer.

Two shapes are read, each as JSON Lines or CSV (with a header row):

- row-level battles: ``model_a``, ``model_b``, ``winner`` (one of ``model_a``, ``model_b``,
  ``tie``, ``tie (bothbad)``); other columns are ignored unless named in ``drop_if``;
- pair counts: ``model_a``, ``model_b``, ``wins_a``, ``wins_b``, ``ties`` and optionally
  ``ties_bothbad`` (both kinds of tie count as ties), the form the Arena's public counts take.

Files are streamed in chunks of ``_CHUNK_BYTES``, so memory depends on the number of distinct
(model_a, model_b, winner) rows, not on the file's length. JSON Lines files with few distinct
lines are counted per raw line and each distinct line parsed once; other files have each line
checked as JSON and reduced to its battle fields in one C call (pydantic-core). Text must be
UTF-8. Every problem raises :class:`~advisor.errors.InputFileError` with a one-line
``FILE:LINE: message``; when the fast pass finds something wrong, a plain line-by-line pass
finds the first offending line.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import json
import os
import re
import stat
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from advisor.errors import AdvisorError, ArgumentError, InputFileError, UnknownModelError
from advisor.ratings import OUTCOMES, Anchor, BattleCounts, Ratings, TieMode, fit_ratings
from advisor.text import hidden_char

if TYPE_CHECKING:
    from pydantic_core import SchemaValidator

__all__ = ["catalog_layer", "rate", "read_battles"]

BATTLE_COLUMNS = ("model_a", "model_b", "winner")
COUNT_COLUMNS = ("model_a", "model_b", "wins_a", "wins_b", "ties")
_OPTIONAL_COUNT_COLUMNS = ("ties_bothbad",)
_OUTCOME_INDEX = {"model_a": 0, "model_b": 1, "tie": 2, "tie (bothbad)": 2}
_TRUE = frozenset({"1", "true", "yes", "y", "t"})
_FALSE = frozenset({"", "0", "false", "no", "n", "f"})
_WHOLE = re.compile(r"\s*\d+\s*")
MAX_COUNT = 10**15
"""Largest count of battles one pair may have (a million times the Arena's whole history), so
that sums stay exact in 64-bit integers."""
_CHUNK_BYTES = 8 << 20  # bytes read at a time
_CACHE_BYTES = 64 << 20  # memory for distinct JSON lines held before they are parsed and counted
_JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")


class _Bad(Exception):
    """A problem in one row; the reader adds file and line."""


def read_battles(
    path: str | os.PathLike[str], *, drop_if: Sequence[str] = (), workers: int | None = None
) -> BattleCounts:
    """Read a battle file (JSONL, CSV or Parquet; row-level battles or pair counts) into counts per pair.

    Args:
        path: the file; ``.jsonl``/``.ndjson``/``.json`` is JSON Lines, ``.csv`` is CSV,
            ``.parquet`` is Parquet (row-level battles; needs the ``advisor[parquet]`` extra), any
            other name is sniffed (a first character ``{`` means JSON Lines).
        drop_if: columns that mark a battle as invalid (e.g. ``identity_revealed``); a row whose
            value is true (``true``/``1``/``yes``) is left out and counted in ``dropped``.
        workers: processes that parse a large JSON Lines file in parallel, each a slice of it;
            None chooses (one per CPU for files over 32 MiB, on Linux, from a single-threaded
            process), 1 reads in this process. The result does not depend on it.

    Raises:
        InputFileError: ``FILE:LINE: ...`` for the first problem (bad UTF-8, missing column,
            unknown winner, a model battling itself, a count that is not a whole number, ...).
    """
    p = Path(path)
    name = str(path)
    if p.suffix.lower() in (".parquet", ".pq"):
        from advisor.battles_by import read_parquet

        return read_parquet(p, drop_if=drop_if)
    try:
        if not stat.S_ISREG(p.stat().st_mode):
            raise InputFileError(f"{name}: not a regular file (a folder, FIFO or device); give a battle file")
        with p.open("rb") as fh:
            head = fh.read(4096)
    except FileNotFoundError:
        raise InputFileError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputFileError(f"{name}: cannot read: {(exc.strerror or str(exc)).lower()}") from None
    if not head.strip():
        raise InputFileError(f"{name}:1: empty file: no battles")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    is_json = p.suffix.lower() in _JSON_SUFFIXES or (p.suffix.lower() != ".csv" and stripped[:1] == b"{")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ArgumentError("workers", f"must be a whole number >= 1 (or None), got {workers!r}")
    if is_json:
        return _read_jsonl(p, name, tuple(drop_if), workers)
    return _read_csv(p, name, tuple(drop_if))


def rate(
    path: str | os.PathLike[str],
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
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Ratings:
    """Read a battle file and fit Bradley-Terry ratings.

    :func:`read_battles`, then :func:`advisor.ratings.fit_ratings` (see there for the knobs).
    ``resolve`` maps a battle's model name to a canonical id (e.g. ``Catalog.resolve``); names
    it rejects with :class:`~advisor.errors.UnknownModelError` are kept as given, and names
    that resolve to one id are merged.
    """
    counts = read_battles(path, drop_if=drop_if, workers=workers)
    return fit_counts(
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
        progress=progress,
    )


def fit_counts(
    counts: BattleCounts,
    *,
    path: str | os.PathLike[str],
    drop_if: Sequence[str] = (),
    resolve: Callable[[str], str] | None = None,
    scale: float = 400.0,
    base: float = 10.0,
    anchor: Anchor = 1000.0,
    bootstrap: int = 100,
    seed: int | None = 0,
    ties: TieMode = "half",
    regularization: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> Ratings:
    """The fitting half of :func:`rate` for counts already read (``path`` only names them in errors)."""
    if counts.total == 0 and counts.dropped:
        raise InputFileError(
            f"{path}: all {counts.dropped} battles are marked invalid by {', '.join(map(repr, drop_if))}"
        )
    if resolve is not None:
        mapping = {}
        for model in counts.models:
            try:
                mapping[model] = resolve(model)
            except UnknownModelError:
                continue
        counts = counts.rename(mapping)
    return fit_ratings(
        counts,
        scale=scale,
        base=base,
        anchor=anchor,
        bootstrap=bootstrap,
        seed=seed,
        ties=ties,
        regularization=regularization,
        progress=progress,
    )


def catalog_layer(
    ratings: Ratings,
    *,
    benchmark: str,
    as_of: dt.date,
    source: str,
    title: str,
    category: str = "overall",
    description: str = "",
    retrieved: dt.date | None = None,
) -> dict[str, Any]:
    """A catalog file (``advisor.schema.CatalogFile`` as plain data) holding one dated score per model.

    Scores are rounded to 0.1 point; the mapping is validated against the schema before it is
    returned. Models are listed best first under the names the battles used.

    Raises:
        ValueError: the result does not validate (e.g. an empty benchmark name).
    """
    from pydantic import TypeAdapter, ValidationError

    from advisor.schema import SCHEMA_VERSION, CatalogFile

    for argument, value in (("benchmark", benchmark), ("category", category), ("source", source)):
        if not isinstance(value, str) or not value.strip():
            raise ArgumentError(argument, f"must be a non-empty name, got {value!r}")
        why = hidden_char(value)
        if why is not None:
            raise ArgumentError(argument, why)

    def point(x: float) -> float | None:
        return None if x != x else round(float(x), 1)  # NaN: no bootstrap, no interval

    models = []
    for k, model in enumerate(ratings.models):
        score: dict[str, Any] = {
            "benchmark": benchmark,
            "category": category,
            "value": point(ratings.scores[k]),
            "ci_lower": point(ratings.ci_lower[k]),
            "ci_upper": point(ratings.ci_upper[k]),
            "votes": int(ratings.votes[k]),
            "as_of": as_of.isoformat(),
            "source": source,
        }
        models.append({"id": model, "scores": [{k2: v for k2, v in score.items() if v is not None}]})
    layer: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "currency": "USD",
        "sources": {source: {"title": title, "retrieved": (retrieved or as_of).isoformat()}},
        "benchmarks": {
            benchmark: {
                "name": benchmark,
                "scale": "Bradley-Terry rating, Elo scale",
                "higher_is_better": True,
                "elo_scale": ratings.scale,
                "elo_base": ratings.base,
                "description": description,
            }
        },
        "models": models,
    }
    try:
        TypeAdapter(CatalogFile).validate_python(layer)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise AdvisorError(f"the catalog layer does not validate: {where}: {first['msg']}") from None
    return layer


# --- JSON Lines ---------------------------------------------------------------------------------


_PARALLEL_MIN_BYTES = 32 << 20  # smaller files are read in this process: forking would cost more
_MAX_WORKERS = 8

_Scan = tuple["Counter[tuple[Any, ...]]", dict[tuple[str, str], list[int]], str | None]


def _read_jsonl(path: Path, name: str, drop_if: tuple[str, ...], workers: int | None = None) -> BattleCounts:
    size = path.stat().st_size
    n = _auto_workers(size) if workers is None else workers
    if n > 1:
        import multiprocessing

        ranges = _split(path, size, n)
        with multiprocessing.get_context("fork").Pool(len(ranges)) as pool:
            scans = pool.starmap(_scan_jsonl, [(path, name, drop_if, a, b) for a, b in ranges])
    else:
        scans = [_scan_jsonl(path, name, drop_if, 0, None)]
    kinds = {kind for _, _, kind in scans if kind is not None}
    if len(kinds) > 1:  # one slice saw battles and another pair counts
        _raise_first_jsonl_problem(path, name, drop_if, None)
    kind = kinds.pop() if kinds else None
    if kind is None:
        raise InputFileError(f"{name}:{_line_count(path)}: empty file: no battles")
    raw: Counter[tuple[Any, ...]] = Counter()
    pairs: dict[tuple[str, str], list[int]] = {}
    for part_raw, part_pairs, _ in scans:
        raw.update(part_raw)
        for pair, row in part_pairs.items():
            total = pairs.setdefault(pair, [0, 0, 0])
            for k in range(3):
                total[k] += row[k]
    return _tally(raw, pairs, drop_if, lambda: _raise_first_jsonl_problem(path, name, drop_if, kind))


def _auto_workers(size: int) -> int:
    """Processes for a file of ``size`` bytes: forking only pays on large files, and is only safe
    on Linux from a process with no other threads."""
    import sys
    import threading

    if size < _PARALLEL_MIN_BYTES or sys.platform != "linux" or threading.active_count() > 1:
        return 1
    return max(1, min(_MAX_WORKERS, len(os.sched_getaffinity(0)), size // _PARALLEL_MIN_BYTES))


def _split(path: Path, size: int, n: int) -> list[tuple[int, int]]:
    """``n`` byte ranges covering the file, each starting at the beginning of a line."""
    cuts = [0]
    with path.open("rb") as fh:
        for k in range(1, n):
            fh.seek(max(cuts[-1], size * k // n))
            fh.readline()
            cuts.append(min(fh.tell(), size))
    cuts.append(size)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _scan_jsonl(path: Path, name: str, drop_if: tuple[str, ...], start: int, end: int | None) -> _Scan:
    """Count the battles (or pair counts) of the lines in bytes ``start`` to ``end`` of the file.

    Raises InputFileError for the file's first bad line (found by a plain pass from the top, so
    line numbers are the file's own whichever slice saw the problem).
    """
    from pydantic_core import ValidationError

    validate = _record_validator(drop_if).validate_json
    getter = itemgetter(*BATTLE_COLUMNS, *drop_if)
    flags = tuple(json.dumps(c).encode() for c in drop_if)
    raw: Counter[tuple[Any, ...]] = Counter()  # (model_a, model_b, winner, *flags) as written
    pairs: dict[tuple[str, str], list[int]] = {}
    kind: str | None = None
    # Files of bare battles repeat a few thousand distinct lines: count the raw lines at C speed
    # and parse each distinct one once. Files with per-battle fields (ids, timestamps) repeat no
    # line; once two chunks in a row are mostly new lines, every line is parsed instead.
    distinct: Counter[bytes] = Counter()
    dedupe, fresh, limit = True, 0, 0

    def tally(lines: Sequence[bytes], times: Sequence[int] | None) -> None:
        # The fast path: one C call per line that checks the whole line is JSON and keeps only the
        # needed fields. Anything it refuses (a blank line, a BOM, an odd value) is retried by the
        # plain per-line checks, which report the first bad line.
        try:
            keys = list(map(getter, map(validate, lines)))
            deque(map(hash, keys), maxlen=0)  # unhashable values go the slow way, before counting
        except (ValidationError, TypeError):
            slow(lines, times)
            return
        if any(map(_suspect, lines, (k[2] for k in keys), repeat(flags))):
            slow(lines, times)
            return
        if times is None:
            raw.update(keys)
        else:
            for key, n in zip(keys, times, strict=True):
                raw[key] += n

    def slow(lines: Sequence[bytes], times: Sequence[int] | None) -> None:
        for line, n in zip(lines, times or repeat(1), strict=False):  # repeat(1) is endless
            try:
                record = _json_record(line)
                if record is None:
                    continue
                fields = _json_fields(record, BATTLE_COLUMNS)
                key = (*fields, *(record.get(c) for c in drop_if))
                raw[key] += n
            except (_Bad, TypeError):  # unhashable values are invalid ones
                _raise_first_jsonl_problem(path, name, drop_if, "battles")

    def flush() -> None:
        if distinct:
            tally(list(distinct), list(distinct.values()))
            distinct.clear()

    for lines in _chunks(path, start, end):
        if kind is None:
            kind = _kind(lines, path, name, drop_if)
            if kind is None:
                continue
        if kind == "counts":
            for line in lines:
                try:
                    record = _json_record(line)
                    if record is not None:
                        _add_counts(pairs, _counts(_json_fields(record, COUNT_COLUMNS), record, "field"), 1)
                except _Bad:
                    _raise_first_jsonl_problem(path, name, drop_if, kind)
            continue
        if not dedupe:
            tally(lines, None)
            continue
        if not limit:  # distinct lines that fit in the budget, from the first chunk's line length
            limit = max(1024, _CACHE_BYTES // (sum(map(len, lines)) // len(lines) + 120))
        before = len(distinct)
        distinct.update(lines)
        fresh = fresh + 1 if 2 * (len(distinct) - before) > len(lines) else 0
        if fresh >= 2 or len(distinct) > limit:
            flush()
            dedupe = fresh < 2
    flush()
    return raw, pairs, kind


@functools.cache
def _record_validator(drop_if: tuple[str, ...]) -> SchemaValidator:
    """Parses one line of JSON into the battle fields (``drop_if`` ones default to None), ignoring others."""
    from pydantic_core import SchemaValidator, core_schema

    value = core_schema.any_schema()
    fields = {c: core_schema.typed_dict_field(value) for c in BATTLE_COLUMNS}
    for c in drop_if:
        fields[c] = core_schema.typed_dict_field(core_schema.with_default_schema(value, default=None), required=False)
    return SchemaValidator(core_schema.typed_dict_schema(fields, extra_behavior="ignore"))


def _chunks(path: Path, start: int = 0, end: int | None = None) -> Iterator[list[bytes]]:
    """The lines in bytes ``start`` to ``end`` (a line start each), without their line ends,
    about ``_CHUNK_BYTES`` at a time."""
    with path.open("rb") as fh:
        fh.seek(start)
        left = -1 if end is None else end - start
        rest = b""
        while left and (block := fh.read(_CHUNK_BYTES if left < 0 else min(_CHUNK_BYTES, left))):
            left = left - len(block) if left > 0 else left
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut:
                lines = block[:cut].split(b"\n")
                lines.pop()
                yield lines
        if rest:
            yield [rest]


def _kind(lines: Sequence[bytes], path: Path, name: str, drop_if: tuple[str, ...]) -> str | None:
    """``"battles"`` or ``"counts"`` from the first non-blank line, None when all are blank."""
    for line in lines:
        try:
            record = _json_record(line)
        except _Bad:
            _raise_first_jsonl_problem(path, name, drop_if, None)
        if record is not None:
            return "counts" if "winner" not in record and "wins_a" in record else "battles"
    return None


def _line_count(path: Path) -> int:
    return max(1, sum(len(lines) for lines in _chunks(path)))


def _json_record(line: bytes) -> dict[str, Any] | None:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Bad(_utf8_message(line, exc)) from None
    text = text.lstrip("\ufeff").strip()
    if not text:
        return None
    try:
        record = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise _Bad(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except ValueError as exc:  # e.g. a number of thousands of digits
        raise _Bad(f"not valid JSON: {str(exc).split(';')[0]}") from None
    if not isinstance(record, dict):
        raise _Bad(f"expected a JSON object per line, got {type(record).__name__}")
    return record


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are unique: JSON parsers silently keep only the last of a duplicate."""
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Bad(f"duplicate key {key!r} (JSON would silently keep only the last one)")
            seen.add(key)
    return record


def _suspect(line: bytes, winner: Any, flags: tuple[bytes, ...]) -> bool:
    """Whether a line the fast parser accepted may repeat a key it uses (it keeps the last silently).

    Each of the three battle keys appears once as a key, and ``winner``'s value once more when it
    names a side; any other count (or a flag key seen twice) sends the line to the exact check.
    """
    seen = line.count(b'"model_a"') + line.count(b'"model_b"') + line.count(b'"winner"')
    return seen != (4 if winner in ("model_a", "model_b") else 3) or any(line.count(f) > 1 for f in flags)


def _json_fields(record: dict[str, Any], columns: Sequence[str]) -> tuple[Any, ...]:
    for column in columns:
        if column not in record:
            raise _Bad(f"missing field {column!r}")
    return tuple(record[c] for c in columns)


def _raise_first_jsonl_problem(path: Path, name: str, drop_if: tuple[str, ...], kind: str | None) -> NoReturn:
    """The plain line-by-line pass: raise for the first bad line."""
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                record = _json_record(line)
                if record is None:
                    continue
                if kind is None:
                    kind = "counts" if "winner" not in record and "wins_a" in record else "battles"
                if kind == "battles":
                    _battle(_json_fields(record, BATTLE_COLUMNS), record, drop_if)
                else:
                    _counts(_json_fields(record, COUNT_COLUMNS), record, "field")
            except _Bad as exc:
                raise InputFileError(f"{name}:{number}: {exc}") from None
    raise InputFileError(f"{name}: unreadable battle file")  # the fast pass saw a problem this one did not


# --- CSV ----------------------------------------------------------------------------------------


def _csv_rows(path: Path, name: str) -> Iterator[tuple[int, list[str]]]:
    """``(line number, row)`` for non-blank rows; bad UTF-8 is an error naming its line."""
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        reader = csv.reader(text)
        try:
            for row in reader:
                if row:
                    yield reader.line_num, row
        except UnicodeDecodeError:
            _raise_bad_utf8(path, name)
        except csv.Error as exc:
            raise InputFileError(f"{name}:{reader.line_num}: not valid CSV: {exc}") from None


def _read_csv(path: Path, name: str, drop_if: tuple[str, ...]) -> BattleCounts:
    rows = _csv_rows(path, name)
    try:
        _, header = next(rows)
    except StopIteration:
        raise InputFileError(f"{name}:1: empty file: no battles") from None
    header = [h.strip() for h in header]
    repeated = [h for k, h in enumerate(header) if h in header[:k]]
    if repeated:
        raise InputFileError(f"{name}:1: duplicate column {repeated[0]!r} (which one to use would be a guess)")
    missing_drop = [c for c in drop_if if c not in header]
    if missing_drop:
        raise InputFileError(f"{name}:1: no column {missing_drop[0]!r} to mark invalid battles by")
    is_counts = "winner" not in header and "wins_a" in header
    wanted = COUNT_COLUMNS if is_counts else BATTLE_COLUMNS
    absent = [c for c in wanted if c not in header]
    if absent:
        raise InputFileError(f"{name}:1: missing column {absent[0]!r} (columns: {', '.join(header)})")
    if is_counts:
        return _read_csv_counts(rows, name, header)

    getter = itemgetter(*(header.index(c) for c in (*BATTLE_COLUMNS, *drop_if)))
    try:
        distinct: Counter[tuple[str, ...]] = Counter(map(getter, (row for _, row in rows)))
    except IndexError:
        _raise_first_csv_problem(path, name, header, drop_if)
    if not distinct:
        raise InputFileError(f"{name}:2: no battles after the header line")
    return _tally(distinct, {}, drop_if, lambda: _raise_first_csv_problem(path, name, header, drop_if))


def _raise_first_csv_problem(path: Path, name: str, header: list[str], drop_if: tuple[str, ...]) -> NoReturn:
    index = {c: header.index(c) for c in (*BATTLE_COLUMNS, *drop_if)}
    rows = _csv_rows(path, name)
    next(rows)
    for number, row in rows:
        try:
            if len(row) < len(header):
                raise _Bad(f"expected {len(header)} columns, got {len(row)}")
            _battle(tuple(row[index[c]] for c in BATTLE_COLUMNS), {c: row[index[c]] for c in drop_if}, drop_if)
        except _Bad as exc:
            raise InputFileError(f"{name}:{number}: {exc}") from None
    raise InputFileError(f"{name}: unreadable battle file")


def _read_csv_counts(rows: Iterable[tuple[int, list[str]]], name: str, header: list[str]) -> BattleCounts:
    columns = [*COUNT_COLUMNS, *(c for c in _OPTIONAL_COUNT_COLUMNS if c in header)]
    index = {c: header.index(c) for c in columns}
    pairs: dict[tuple[str, str], list[int]] = {}
    for number, row in rows:
        try:
            if len(row) < len(header):
                raise _Bad(f"expected {len(header)} columns, got {len(row)}")
            record = {c: row[index[c]] for c in columns}
            _add_counts(pairs, _counts(tuple(record[c] for c in COUNT_COLUMNS), record, "column"), 1)
        except _Bad as exc:
            raise InputFileError(f"{name}:{number}: {exc}") from None
    if not pairs:
        raise InputFileError(f"{name}:2: no pair counts after the header line")
    return _to_counts(Counter(), pairs, 0)


# --- shared row checks --------------------------------------------------------------------------


def _model(value: Any, column: str) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{column} must be a model name, not {value!r}")
    text = value.strip()
    if not text:
        raise _Bad(f"empty {column}")
    why = hidden_char(text)
    if why is not None:
        raise _Bad(f"{column} {text!r} {why}")
    return text


def _battle(fields: Sequence[Any], extra: dict[str, Any], drop_if: tuple[str, ...]) -> tuple[str, str, int, bool]:
    """``(model_a, model_b, outcome index, invalid)`` of one row-level battle."""
    a = _model(fields[0], "model_a")
    b = _model(fields[1], "model_b")
    if a == b:
        raise _Bad(f"model {a!r} battles itself")
    winner = fields[2].strip() if isinstance(fields[2], str) else fields[2]
    if not isinstance(winner, str) or winner not in _OUTCOME_INDEX:
        raise _Bad(f"unknown winner {winner!r} (expected {', '.join(OUTCOMES[:-1])} or {OUTCOMES[-1]})")
    invalid = any(_flag(extra.get(c), c) for c in drop_if)
    return a, b, _OUTCOME_INDEX[winner], invalid


def _flag(value: Any, column: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise _Bad(f"{column} must be true or false, not {value!r}")


def _counts(fields: Sequence[Any], record: dict[str, Any], what: str) -> tuple[str, str, int, int, int]:
    a = _model(fields[0], "model_a")
    b = _model(fields[1], "model_b")
    if a == b:
        raise _Bad(f"model {a!r} battles itself")
    numbers = [_whole(fields[k], COUNT_COLUMNS[k], what) for k in (2, 3, 4)]
    for column in _OPTIONAL_COUNT_COLUMNS:
        if record.get(column) is not None:
            numbers[2] += _whole(record[column], column, what)
    return a, b, numbers[0], numbers[1], numbers[2]


def _whole(value: Any, column: str, what: str) -> int:
    if isinstance(value, str) and _WHOLE.fullmatch(value):
        digits = value.strip().lstrip("0")
        if len(digits) > len(str(MAX_COUNT)):  # never int() thousands of digits
            raise _Bad(f"{what} {column!r}: a {len(digits):,}-digit count is more than {MAX_COUNT:,} battles")
        value = int(digits or "0")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        if value > MAX_COUNT:
            raise _Bad(f"{what} {column!r}: {value:,} is more than {MAX_COUNT:,} battles")
        return value
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    raise _Bad(f"{what} {column!r}: not a whole number >= 0: {shown}")


def _add_counts(pairs: dict[tuple[str, str], list[int]], row: tuple[str, str, int, int, int], times: int) -> None:
    a, b, wa, wb, t = row
    key, wins = ((a, b), (wa, wb)) if a < b else ((b, a), (wb, wa))
    total = pairs.setdefault(key, [0, 0, 0])
    total[0] += wins[0] * times
    total[1] += wins[1] * times
    total[2] += t * times
    if max(total) > MAX_COUNT:
        raise _Bad(f"pair {key[0]!r} - {key[1]!r}: more than {MAX_COUNT:,} battles in all")


def _tally(
    distinct: Counter[tuple[Any, ...]],
    pairs: dict[tuple[str, str], list[int]],
    drop_if: tuple[str, ...],
    report: Callable[[], NoReturn],
) -> BattleCounts:
    """Check each distinct (model_a, model_b, winner, *flags) once and count it; ``report`` raises
    for the file's first bad line when one is not valid."""
    battles: Counter[tuple[str, str, int]] = Counter()
    dropped = 0
    for key, times in distinct.items():
        try:
            a, b, outcome, invalid = _battle(key[:3], dict(zip(drop_if, key[3:], strict=True)), drop_if)
        except _Bad:
            report()
        if invalid:
            dropped += times
        else:
            battles[a, b, outcome] += times
    return _to_counts(battles, pairs, dropped)


def _to_counts(
    battles: Counter[tuple[str, str, int]], pairs: dict[tuple[str, str], list[int]], dropped: int
) -> BattleCounts:
    model_a: list[str] = []
    model_b: list[str] = []
    cells: list[list[int]] = []
    for (a, b, outcome), times in battles.items():
        row = [0, 0, 0]
        row[outcome] = times
        model_a.append(a)
        model_b.append(b)
        cells.append(row)
    for (a, b), row in pairs.items():
        model_a.append(a)
        model_b.append(b)
        cells.append(row)
    return BattleCounts.from_pairs(
        model_a,
        model_b,
        [c[0] for c in cells],
        [c[1] for c in cells],
        [c[2] for c in cells],
        dropped=dropped,
    )


# --- UTF-8 --------------------------------------------------------------------------------------


def _utf8_message(line: bytes, exc: UnicodeDecodeError) -> str:
    return f"not UTF-8 text (byte 0x{line[exc.start]:02x} at column {exc.start + 1}); save the file as UTF-8"


def _raise_bad_utf8(path: Path, name: str) -> NoReturn:
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputFileError(f"{name}:{number}: {_utf8_message(line, exc)}") from None
    raise InputFileError(f"{name}: not UTF-8 text")  # e.g. a multi-byte character cut by the end
