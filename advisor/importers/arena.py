"""Import Arena leaderboard snapshots and the Arena-Hard-Auto leaderboard as dated scores.

Leaderboard CSVs are those of ``fboulnois/llm-leaderboard-csv``: ``model``, ``arena_score`` (or
``arena_elo`` in older files), ``95_pct_ci`` as ``+U/-L`` rating points, ``votes``, and optional
``organization`` and ``license``. Display names (``Claude 3.5 Sonnet``) are matched through the
catalog's aliases on the snapshot date; nothing is matched by similarity.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from advisor.errors import InputFileError
from advisor.importers._common import (
    Counts,
    ImportReport,
    ImportResult,
    NameIndex,
    read_text,
    require_source,
    set_score,
)
from advisor.schema import Alias, Benchmark, CatalogFile, Model, Score, Source

__all__ = ["BENCHMARKS", "ORGANIZATIONS", "import_arena", "import_arena_hard", "model_id_for"]

BENCHMARKS: Mapping[str, Benchmark] = {
    "arena-text": Benchmark(
        name="Arena (text)",
        scale="Bradley-Terry rating, Elo scale",
        elo_scale=400.0,
        elo_base=10.0,
        url="https://lmarena.ai/leaderboard/text",
        description="Chatbot Arena / LMArena text leaderboard: ratings fitted to crowd-sourced votes.",
    ),
    "arena-hard-auto": Benchmark(
        name="Arena-Hard-Auto",
        scale="win rate vs baseline, %",
        url="https://github.com/lmarena/arena-hard-auto",
        description="Win rate against a baseline model on hard prompts, judged by an LLM.",
    ),
}
"""Definitions of the benchmarks these importers fill, for catalogs that lack them."""

_CI = re.compile(r"^\+\s*(\d+(?:\.\d+)?)\s*/\s*-\s*(\d+(?:\.\d+)?)$")
_PROPRIETARY = frozenset({"proprietary", "propretary"})

ORGANIZATIONS: Mapping[str, str] = {
    "DeepSeek AI": "DeepSeek",
    "Zhipu": "Zhipu AI",
    "Z.ai": "Zhipu AI",
    "Nexusflow": "NexusFlow",
    "Allen AI": "Ai2",
    "Mistral": "Mistral",
    "Nvidia": "NVIDIA",
}
"""Spelling variants of ``organization`` across snapshots, mapped to one provider name."""


@dataclass(frozen=True)
class _Row:
    line: int
    model: str
    value: float
    ci_lower: float | None
    ci_upper: float | None
    votes: int | None
    organization: str
    license: str


def _csv(path: str | os.PathLike[str]) -> tuple[csv.DictReader[str], str]:
    return csv.DictReader(io.StringIO(read_text(path), newline="")), str(Path(path))


def _float(text: str, column: str, where: str) -> float:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise InputFileError(f"{where}: {column} is not a number: {text!r}") from None
    if not math.isfinite(value):
        raise InputFileError(f"{where}: {column} is not a finite number: {text!r}")
    return value


def read_leaderboard(path: str | os.PathLike[str]) -> list[_Row]:
    """Parse and check every row of a leaderboard CSV; the first bad one raises."""
    reader, file = _csv(path)
    columns = reader.fieldnames or []
    score_col = next((c for c in ("arena_score", "arena_elo") if c in columns), "")
    missing = [c for c in ("model", "95_pct_ci", "votes") if c not in columns]
    if not score_col:
        missing.insert(1, "arena_score (or arena_elo)")
    if missing:
        raise InputFileError(f"{file}:1: missing column(s): {', '.join(missing)}")
    rows: list[_Row] = []
    for record in reader:
        where = f"{file}:{reader.line_num}"
        if None in record:
            raise InputFileError(f"{where}: more fields than columns")
        name = (record["model"] or "").strip()
        if not name:
            raise InputFileError(f"{where}: empty model name")
        value = _float(record[score_col] or "", score_col, where)
        ci = (record["95_pct_ci"] or "").strip()
        m = _CI.match(ci)
        if not m:
            raise InputFileError(f"{where}: 95_pct_ci is not '+U/-L': {ci!r}")
        plus, minus = float(m.group(1)), float(m.group(2))
        votes_text = (record["votes"] or "").strip().replace(",", "")
        if not votes_text.isdigit():
            raise InputFileError(f"{where}: votes is not a whole number: {record['votes']!r}")
        rows.append(
            _Row(
                line=reader.line_num,
                model=name,
                value=value,
                ci_lower=value - minus,
                ci_upper=value + plus,
                votes=int(votes_text),
                organization=(record.get("organization") or "").strip(),
                license=(record.get("license") or "").strip(),
            )
        )
    return rows


def model_id_for(display_name: str) -> str:
    """The id given to a model created from an Arena display name: lower-case, dashes, no brackets.

    >>> model_id_for("Claude 3.7 Sonnet (thinking-32k)")
    'claude-3.7-sonnet-thinking-32k'
    """
    text = re.sub(r"[()\[\]]", " ", display_name.casefold())
    text = re.sub(r"[\s_]+", "-", text.strip())
    return re.sub(r"-{2,}", "-", text).strip("-")


def _new_model(row: _Row, source_key: str) -> Model:
    license_ = row.license or None
    open_weights = None if license_ is None else license_.casefold() not in _PROPRIETARY
    provider = ORGANIZATIONS.get(row.organization, row.organization) or None
    return Model(
        id=model_id_for(row.model),
        name=row.model,
        provider=provider,
        aliases=(Alias(row.model),) if row.model != model_id_for(row.model) else (),
        license=license_,
        open_weights=open_weights,
        source=source_key,
    )


def _import_scores(
    base: CatalogFile,
    rows: list[_Row],
    *,
    kind: str,
    file: str,
    as_of: dt.date,
    source_key: str,
    source: Source | None,
    benchmark: str,
    category: str,
    add_new: bool,
    make_score: Callable[[_Row], Score],
) -> ImportResult:
    catalog = dataclasses.replace(base, sources={**base.sources, source_key: source}) if source else base
    require_source(catalog, source_key)
    if benchmark not in catalog.benchmarks:
        known = ", ".join(sorted(catalog.benchmarks)) or "none"
        raise ValueError(f"benchmark {benchmark!r} is not in the catalog's benchmarks (known: {known})")
    models = list(catalog.models)
    index = NameIndex(models)
    by_model: dict[int, list[_Row]] = {}
    unmatched: list[str] = []
    ambiguous: list[str] = []
    skipped: list[str] = []
    new_models: list[str] = []
    for row in rows:
        hits = index.resolve(row.model, as_of)
        if not hits and add_new:
            model = _new_model(row, source_key)
            if index.resolve(model.id):
                ambiguous.append(f"{row.model} (its new id {model.id!r} is already a name of another model)")
                continue
            models.append(model)
            index.add(len(models) - 1, model)
            new_models.append(model.id)
            hits = [len(models) - 1]
        if not hits:
            unmatched.append(row.model)
        elif len(hits) > 1:
            ambiguous.append(f"{row.model} (names {', '.join(models[i].id for i in hits)})")
        else:
            by_model.setdefault(hits[0], []).append(row)

    counts = Counts()
    matched = 0
    for i, model_rows in by_model.items():
        figures = {(r.value, r.ci_lower, r.ci_upper, r.votes) for r in model_rows}
        if len(figures) > 1:
            names = sorted({r.model for r in model_rows})
            ambiguous.append(f"{' / '.join(names)} (several rows for {models[i].id} with different figures)")
            continue
        if len(model_rows) > 1:
            lines = ", ".join(str(r.line) for r in model_rows[1:])
            skipped.append(f"{model_rows[0].model}: duplicate row(s) at line {lines} with the same figures")
        matched += 1
        score = dataclasses.replace(make_score(model_rows[0]), benchmark=benchmark, category=category)
        scores, outcome = set_score(models[i].scores, score)
        models[i] = dataclasses.replace(models[i], scores=scores)
        counts.bump(outcome)

    report = ImportReport(
        kind=kind,
        file=file,
        source_key=source_key,
        matched=matched,
        added=counts.added,
        updated=counts.updated,
        unchanged=counts.unchanged,
        new_models=tuple(sorted(new_models)),
        unmatched=tuple(sorted(set(unmatched))),
        ambiguous=tuple(sorted(set(ambiguous))),
        skipped=tuple(sorted(skipped)),
    )
    return ImportResult(dataclasses.replace(catalog, models=tuple(models)), report)


def import_arena(
    base: CatalogFile,
    path: str | os.PathLike[str],
    *,
    as_of: dt.date,
    source_key: str,
    source: Source | None = None,
    benchmark: str = "arena-text",
    category: str = "overall",
    add_new: bool = False,
) -> ImportResult:
    """Merge one Arena leaderboard snapshot into ``base`` as scores dated ``as_of``.

    Args:
        base: The catalog to refresh; aliases valid on ``as_of`` decide which rows match.
        path: A leaderboard CSV (``model``, ``arena_score``/``arena_elo``, ``95_pct_ci``, ``votes``).
        as_of: The snapshot's date; each score's ``as_of``.
        source_key: Key into ``sources`` that every new score names.
        source: Adds or replaces ``sources[source_key]``; without it the key must exist.
        benchmark: Key into ``benchmarks`` (must exist).
        category: The leaderboard category.
        add_new: Create a model for each unmatched row (id from :func:`model_id_for`, provider
            from ``organization``, license and ``open_weights`` from ``license``) instead of only
            reporting it.

    Returns:
        The new catalog and a report. A name matching several models, or several rows matching
        one model with different figures, is reported as ambiguous and imports nothing.
    """
    rows = read_leaderboard(path)

    def score(r: _Row) -> Score:
        return Score(
            benchmark=benchmark,
            value=r.value,
            as_of=as_of,
            source=source_key,
            ci_lower=r.ci_lower,
            ci_upper=r.ci_upper,
            votes=r.votes,
        )

    return _import_scores(
        base, rows, kind="arena", file=str(Path(path)), as_of=as_of, source_key=source_key, source=source,
        benchmark=benchmark, category=category, add_new=add_new, make_score=score,
    )  # fmt: skip


def read_arena_hard(path: str | os.PathLike[str]) -> tuple[list[_Row], list[dt.date | None]]:
    """Rows of an Arena-Hard-Auto leaderboard CSV and each row's ``date`` column (if any)."""
    reader, file = _csv(path)
    columns = reader.fieldnames or []
    missing = [c for c in ("model", "score", "rating_q025", "rating_q975") if c not in columns]
    if missing:
        raise InputFileError(f"{file}:1: missing column(s): {', '.join(missing)}")
    rows: list[_Row] = []
    dates: list[dt.date | None] = []
    for record in reader:
        where = f"{file}:{reader.line_num}"
        if None in record:
            raise InputFileError(f"{where}: more fields than columns")
        name = (record["model"] or "").strip()
        if not name:
            raise InputFileError(f"{where}: empty model name")
        value = _float(record["score"] or "", "score", where)
        lower = _float(record["rating_q025"] or "", "rating_q025", where)
        upper = _float(record["rating_q975"] or "", "rating_q975", where)
        if not lower <= value <= upper:
            raise InputFileError(f"{where}: score {value} is outside its bounds [{lower}, {upper}]")
        day_text = (record.get("date") or "").strip()
        try:
            dates.append(dt.date.fromisoformat(day_text) if day_text else None)
        except ValueError:
            raise InputFileError(f"{where}: date is not YYYY-MM-DD: {day_text!r}") from None
        rows.append(_Row(reader.line_num, name, value, lower, upper, None, "", ""))
    return rows, dates


def import_arena_hard(
    base: CatalogFile,
    path: str | os.PathLike[str],
    *,
    source_key: str,
    as_of: dt.date | None = None,
    source: Source | None = None,
    benchmark: str = "arena-hard-auto",
    add_new: bool = False,
) -> ImportResult:
    """Merge an Arena-Hard-Auto leaderboard (win rate %, bootstrap 95% bounds) into ``base``.

    Args:
        base: The catalog to refresh; names are API-like ids (``gpt-4o-2024-05-13``).
        path: A leaderboard CSV with ``model, score, rating_q025, rating_q975`` (and ``date``).
        source_key: Key into ``sources`` that every new score names.
        as_of: The scores' date; by default the file's ``date`` column, which must then be one date.
        source: Adds or replaces ``sources[source_key]``; without it the key must exist.
        benchmark: Key into ``benchmarks`` (must exist).
        add_new: Create models for unmatched rows (provider unknown) instead of only reporting them.
    """
    rows, dates = read_arena_hard(path)
    if as_of is None:
        distinct = {d for d in dates if d is not None}
        if len(distinct) != 1 or None in dates:
            raise InputFileError(f"{Path(path)}:1: the date column does not give one date; pass as_of")
        as_of = distinct.pop()
    day = as_of

    def score(r: _Row) -> Score:
        return Score(
            benchmark=benchmark,
            value=r.value,
            as_of=day,
            source=source_key,
            ci_lower=r.ci_lower,
            ci_upper=r.ci_upper,
        )

    return _import_scores(
        base, rows, kind="arena-hard", file=str(Path(path)), as_of=day, source_key=source_key, source=source,
        benchmark=benchmark, category="overall", add_new=add_new, make_score=score,
    )  # fmt: skip
