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
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from advisor.errors import AdvisorError, InputFileError
from advisor.importers._common import (
    Counts,
    ImportResult,
    Input,
    Workspace,
    decode,
    read_input,
    set_score,
)
from advisor.schema import Alias, Benchmark, CatalogFile, Model, Score, Source

if TYPE_CHECKING:
    from advisor.catalog import Catalog
    from advisor.importers.registry import ImportRequest

__all__ = [
    "BENCHMARKS",
    "MAKERS",
    "ORGANIZATIONS",
    "import_arena",
    "import_arena_hard",
    "import_score_rows",
    "maker_of",
    "model_id_for",
]

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


def _csv(src: Input, label: str | None) -> tuple[csv.DictReader[str], str]:
    data, file = read_input(src, label)
    return csv.DictReader(io.StringIO(decode(data, file), newline="")), file


def _float(text: str, column: str, where: str) -> float:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise InputFileError(f"{where}: {column} is not a number: {text!r}") from None
    if not math.isfinite(value):
        raise InputFileError(f"{where}: {column} is not a finite number: {text!r}")
    return value


def read_leaderboard(src: Input, label: str | None = None) -> tuple[list[_Row], str]:
    """``(rows, label)``: every row of a leaderboard CSV, checked; the first bad one raises."""
    reader, file = _csv(src, label)
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
    return rows, file


def model_id_for(display_name: str) -> str:
    """The id given to a model created from an Arena display name: lower-case, dashes, no brackets.

    >>> model_id_for("Claude 3.7 Sonnet (thinking-32k)")
    'claude-3.7-sonnet-thinking-32k'
    """
    text = re.sub(r"[()\[\]]", " ", display_name.casefold())
    text = re.sub(r"[\s_]+", "-", text.strip())
    return re.sub(r"-{2,}", "-", text).strip("-")


MAKERS: tuple[tuple[str, str], ...] = (
    ("chatgpt", "OpenAI"), ("gpt", "OpenAI"), ("o1", "OpenAI"), ("o3", "OpenAI"), ("o4", "OpenAI"),
    ("claude", "Anthropic"), ("gemini", "Google"), ("gemma", "Google"), ("grok", "xAI"),
    ("llama", "Meta"), ("meta-llama", "Meta"), ("qwen", "Alibaba"), ("qwq", "Alibaba"),
    ("deepseek", "DeepSeek"), ("mistral", "Mistral"), ("mixtral", "Mistral"), ("magistral", "Mistral"),
    ("codestral", "Mistral"), ("ministral", "Mistral"), ("glm", "Zhipu AI"), ("chatglm", "Zhipu AI"),
    ("kimi", "Moonshot"), ("minimax", "MiniMax"), ("command", "Cohere"), ("c4ai", "Cohere"),
    ("amazon", "Amazon"), ("nova", "Amazon"), ("phi", "Microsoft"), ("hunyuan", "Tencent"),
    ("ernie", "Baidu"), ("step", "StepFun"), ("yi-", "01 AI"), ("athene", "NexusFlow"),
    ("jamba", "AI21 Labs"), ("nemotron", "NVIDIA"), ("llama-3.1-nemotron", "NVIDIA"), ("olmo", "Ai2"),
)  # fmt: skip
"""Name prefixes of model makers, for a new model whose source gives no organization."""


def maker_of(name: str) -> str:
    """The maker a model name's prefix points to (longest prefix wins), else ``"unknown"``.

    >>> maker_of("claude-opus-4-5-20251101-thinking-32k")
    'Anthropic'
    """
    folded = name.casefold()
    best = max((p for p in MAKERS if folded.startswith(p[0])), key=lambda p: len(p[0]), default=None)
    return best[1] if best else "unknown"


def _new_model(row: _Row, source_key: str) -> Model:
    license_ = row.license or None
    open_weights = None if license_ is None else license_.casefold() not in _PROPRIETARY
    provider = ORGANIZATIONS.get(row.organization, row.organization) or maker_of(row.model)
    return Model(
        id=model_id_for(row.model),
        name=row.model,
        provider=provider,
        aliases=(Alias(row.model),) if row.model != model_id_for(row.model) else (),
        license=license_,
        open_weights=open_weights,
        source=source_key,
    )


def import_score_rows(
    base: CatalogFile,
    rows: list[_Row],
    *,
    kind: str,
    file: str,
    as_of: dt.date,
    source_key: str,
    source: Source | None,
    below: Catalog | None,
    metrics: Mapping[tuple[str, str], list[_Row]] | None = None,
    benchmark: str = "arena-text",
    category: str = "overall",
    add_new: bool,
    make_score: Callable[[_Row], Score],
    benchmarks: Mapping[str, Benchmark] | None = None,
    superseded: Mapping[str, str] | None = None,
) -> ImportResult:
    """Match leaderboard rows to models and merge their scores (shared by the Arena importers).

    ``metrics`` gives rows per ``(benchmark, category)``; without it ``rows`` are one metric.
    Names are matched on ``as_of``; rows no model claims become new models with ``add_new``.
    ``benchmarks`` are added to the layer where the catalog lacks them (default :data:`BENCHMARKS`).
    When several rows with different figures name one model, :class:`_ModelsRow` picks the row
    that gives its score (rows whose name is in ``superseded``, name -> reason, give way first).
    """
    ws = Workspace(base, below, source_key=source_key, source=source, benchmarks=benchmarks or BENCHMARKS)
    boards = dict(metrics) if metrics is not None else {(benchmark, category): rows}
    for bench, _cat in boards:
        if bench not in ws.known_benchmarks:
            known = ", ".join(sorted(ws.known_benchmarks)) or "none"
            raise AdvisorError(f"benchmark {bench!r} is not in the catalog's benchmarks (known: {known})")
    unmatched: set[str] = set()
    ambiguous: set[str] = set()
    skipped: list[str] = []
    new_models: list[str] = []
    resolved: dict[str, list[str]] = {}

    def resolve(row: _Row) -> list[str]:
        if row.model in resolved:
            return resolved[row.model]
        hits = ws.ids(row.model, as_of)
        if not hits and add_new:
            model = _new_model(row, source_key)
            if ws.ids(model.id):
                ambiguous.add(f"{row.model} (its new id {model.id!r} is already a name of another model)")
            else:
                ws.put(model)
                new_models.append(model.id)
                hits = [model.id]
        if not hits:
            unmatched.add(row.model)
        elif len(hits) > 1:
            ambiguous.add(f"{row.model} (names {', '.join(hits)})")
        resolved[row.model] = hits
        return hits

    gives_way = {name.casefold(): why for name, why in (superseded or {}).items()}
    counts = Counts()
    matched = 0
    per_board: dict[tuple[str, str], dict[str, list[_Row]]] = {}
    for metric, board in boards.items():
        by_model = per_board[metric] = {}
        for row in board:
            hits = resolve(row)
            if len(hits) == 1:
                by_model.setdefault(hits[0], []).append(row)
    # The row name the catalog's own score of this day picks on one board, for the file's other boards.
    chosen: dict[str, str] = {}
    for (bench, cat), by_model in per_board.items():
        for model_id, model_rows in by_model.items():
            if len({_figures(r) for r in model_rows}) > 1:
                rule = _ModelsRow(ws.models[model_id], bench, cat, as_of, make_score)
                agree = [r.model for r in model_rows if rule.known(r)]
                if len(agree) == 1:
                    chosen.setdefault(model_id, agree[0])
    for (bench, cat), by_model in per_board.items():
        for model_id, model_rows in by_model.items():
            if len({_figures(r) for r in model_rows}) > 1:
                rule = _ModelsRow(ws.models[model_id], bench, cat, as_of, make_score, chosen.get(model_id))
                model_rows = rule.choose(model_rows, gives_way, skipped)
            figures = {_figures(r) for r in model_rows}
            if len(figures) > 1:
                names = sorted({r.model for r in model_rows})
                ambiguous.add(f"{' / '.join(names)} (several rows for {model_id} with different figures)")
                continue
            if len(model_rows) > 1:
                lines = ", ".join(str(r.line) for r in model_rows[1:])
                skipped.append(f"{model_rows[0].model}: duplicate row(s) at line {lines} with the same figures")
            matched += 1
            score = dataclasses.replace(make_score(model_rows[0]), benchmark=bench, category=cat)
            model = ws.models[model_id]
            scores, outcome = set_score(model.scores, score)
            if scores != model.scores:
                ws.put(dataclasses.replace(model, scores=scores))
            counts.bump(outcome)

    report = counts.report(
        kind, file, source_key, matched,
        new_models=new_models, unmatched=unmatched, ambiguous=ambiguous, skipped=skipped,
    )  # fmt: skip
    return ImportResult(ws.layer(), report)


def _figures(row: _Row) -> tuple[float, float | None, float | None, int | None]:
    return (row.value, row.ci_lower, row.ci_upper, row.votes)


@dataclass(frozen=True)
class _ModelsRow:
    """Which of several rows of one board, naming one model with different figures, gives its score.

    A board can rate two releases behind names that the catalog joins to one model (LMArena rates
    ``phi-3-mini-4k-instruct``, the April-2024 weights, beside ``phi-3-mini-4k-instruct-june-2024``,
    the update that replaced them, which is the catalog's ``phi-3-mini-4k-instruct``). Nothing is
    guessed: a row gives way only when

    1. its name is given as ``superseded`` (the catalog build's hand-made joins), or
    2. another row's figures are the catalog's own score of this metric on this date (the board
       was joined before: the catalog already chose that row), or
    3. another row has the name that rule 2 picked on another board of the same file (``chosen``:
       the catalog holds only some categories of a board it has seen).

    Each rule narrows the rows the one before kept; when one row is left, the others are reported
    as skipped with the reason. Otherwise the caller reports the model as ambiguous.
    """

    model: Model
    benchmark: str
    category: str
    as_of: dt.date
    make_score: Callable[[_Row], Score]
    chosen: str | None = None

    def known(self, row: _Row) -> bool:
        """Whether the row's figures are the catalog's own score of this metric on this date."""
        figures = self._figures(row)
        return any(
            (s.value, s.ci_lower, s.ci_upper, s.votes) == figures
            for s in self.model.scores
            if (s.benchmark, s.category, s.as_of) == (self.benchmark, self.category, self.as_of)
        )

    def choose(self, rows: list[_Row], gives_way: Mapping[str, str], skipped: list[str]) -> list[_Row]:
        day, model_id = self.as_of, self.model.id
        rules: tuple[tuple[Callable[[_Row], bool], Callable[[_Row], str]], ...] = (
            (lambda r: r.model.casefold() not in gives_way, lambda r: gives_way[r.model.casefold()]),
            (self.known, lambda r: f"left out: the catalog's {day} score of {model_id} is another row's"),
            (
                lambda r: r.model == self.chosen,
                lambda r: f"left out: the catalog's {day} scores of {model_id} are the {self.chosen} row's",
            ),
        )
        left_out: list[str] = []
        for keep, why in rules:
            kept = [r for r in rows if keep(r)]
            if kept:
                left_out.extend(f"{r.model}: {why(r)}" for r in rows if r not in kept)
                rows = kept
            if len(rows) == 1:
                skipped.extend(left_out)
                break
        return rows

    def _figures(self, row: _Row) -> tuple[float, float | None, float | None, int | None]:
        """The row's figures as the score it would import (the importer may convert them)."""
        s = self.make_score(row)
        return (s.value, s.ci_lower, s.ci_upper, s.votes)


def import_arena(
    base: CatalogFile,
    src: Input,
    *,
    below: Catalog | None = None,
    label: str | None = None,
    as_of: dt.date,
    source_key: str,
    source: Source | None = None,
    benchmark: str = "arena-text",
    category: str = "overall",
    add_new: bool = False,
    superseded: Mapping[str, str] | None = None,
) -> ImportResult:
    """Merge one Arena leaderboard snapshot into ``base`` as scores dated ``as_of``.

    Args:
        base: The layer to refresh; names valid on ``as_of`` (in it and ``below``) decide which rows match.
        src: A leaderboard CSV (bytes or a path) (``model``, ``arena_score``/``arena_elo``, ``95_pct_ci``, ``votes``).
        as_of: The snapshot's date; each score's ``as_of``.
        source_key: Key into ``sources`` that every new score names.
        source: Adds or replaces ``sources[source_key]``; without it the key must exist.
        benchmark: Key into ``benchmarks`` (must exist).
        category: The leaderboard category.
        add_new: Create a model for each unmatched row (id from :func:`model_id_for`, provider
            from ``organization``, license and ``open_weights`` from ``license``) instead of only
            reporting it.
        superseded: Names (any case) of rows that give way when another row names the same model
            with different figures (an older version behind a name that moved), with the reason.

    Returns:
        The new catalog and a report. A name matching several models, or several rows matching
        one model with different figures that no rule of :class:`_ModelsRow` tells apart, is
        reported as ambiguous and imports nothing.
    """
    rows, file = read_leaderboard(src, label)

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

    return import_score_rows(
        base, rows, kind="arena", file=file, as_of=as_of, source_key=source_key, source=source, below=below,
        benchmark=benchmark, category=category, add_new=add_new, make_score=score, superseded=superseded,
    )  # fmt: skip


def read_arena_hard(src: Input, label: str | None = None) -> tuple[list[_Row], list[dt.date | None], str]:
    """Rows of an Arena-Hard-Auto leaderboard CSV, each row's ``date`` column (if any), and the label."""
    reader, file = _csv(src, label)
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
    return rows, dates, file


def import_arena_hard(
    base: CatalogFile,
    src: Input,
    *,
    below: Catalog | None = None,
    label: str | None = None,
    source_key: str,
    as_of: dt.date | None = None,
    source: Source | None = None,
    benchmark: str = "arena-hard-auto",
    add_new: bool = False,
) -> ImportResult:
    """Merge an Arena-Hard-Auto leaderboard (win rate %, bootstrap 95% bounds) into ``base``.

    Args:
        base: The catalog to refresh; names are API-like ids (``gpt-4o-2024-05-13``).
        src: A leaderboard CSV (bytes or a path) with ``model, score, rating_q025, rating_q975`` (and ``date``).
        source_key: Key into ``sources`` that every new score names.
        as_of: The scores' date; by default the file's ``date`` column, which must then be one date.
        source: Adds or replaces ``sources[source_key]``; without it the key must exist.
        benchmark: Key into ``benchmarks`` (must exist).
        add_new: Create models for unmatched rows (provider unknown) instead of only reporting them.
    """
    rows, dates, file = read_arena_hard(src, label)
    if as_of is None:
        distinct = {d for d in dates if d is not None}
        if len(distinct) != 1 or None in dates:
            raise InputFileError(f"{file}:1: the date column does not give one date; pass as_of")
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

    return import_score_rows(
        base, rows, kind="arena-hard", file=file, as_of=day, source_key=source_key, source=source, below=below,
        benchmark=benchmark, category="overall", add_new=add_new, make_score=score,
    )  # fmt: skip


def run_arena(request: ImportRequest) -> ImportResult:
    """The registry's entry point for a leaderboard CSV dated ``request.date``."""
    from advisor.importers.registry import source_of

    if request.date is None:
        raise InputFileError(f"{request.label}: no date in the file name; give --date YYYY-MM-DD")
    from advisor.importers.arena_names import bundled_superseded

    key, source = source_of("arena", request, request.date)
    return import_arena(
        request.base, request.data, as_of=request.date, source_key=key, source=source, below=request.below,
        label=request.label, add_new=request.add_new, superseded=bundled_superseded(),
    )  # fmt: skip


def run_arena_hard(request: ImportRequest) -> ImportResult:
    """The registry's entry point for an Arena-Hard-Auto leaderboard CSV."""
    from advisor.importers.registry import source_of

    key, source = source_of("arena-hard", request, request.date)
    return import_arena_hard(
        request.base, request.data, as_of=request.date, source_key=key, source=source, below=request.below,
        label=request.label, add_new=request.add_new,
    )  # fmt: skip
