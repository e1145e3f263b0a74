"""Import LMArena's own leaderboard exports (``lmarena/arena-catalog`` ``data/leaderboard-text*.json``).

A file is one JSON object ``{CATEGORY: {MODEL: {"rating", "rating_q025", "rating_q975"}}}``: ``full``
is the overall board, every other key a category board. Each category becomes its own metric under
the name a user would guess (:data:`CATEGORIES`: ``arena-text/coding``, ``arena-text/hard-prompts``,
...). A style-controlled file (``leaderboard-text-style-control*.json``) is a different quantity and
fills the benchmark ``arena-text-style``, never ``arena-text``. The files carry no vote counts and
no ranks: scores have ``votes=None`` and keep the bootstrap 95% bounds. The file has no date either:
the caller gives the board's date (the commit date of the file in arena-catalog).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from advisor.errors import InputFileError
from advisor.importers._common import ImportResult, Input, json_line_of, parse_json
from advisor.importers.arena import BENCHMARKS as CSV_BENCHMARKS
from advisor.importers.arena import _Row, import_score_rows
from advisor.schema import Benchmark, CatalogFile, Score, Source

if TYPE_CHECKING:
    from advisor.catalog import Catalog
    from advisor.importers.registry import ImportRequest

__all__ = ["BENCHMARKS", "CATEGORIES", "category_name", "import_arena_json", "is_style_control", "read_board"]

CATEGORIES: Mapping[str, str] = {
    "full": "overall",
    "coding": "coding",
    "math": "math",
    "hard_6": "hard-prompts",
    "hard_english_6": "hard-prompts-english",
    "creative_writing": "creative-writing",
    "if": "instruction-following",
    "multiturn": "multi-turn",
    "long_user": "longer-query",
    "no_tie": "no-ties",
    "no_short": "no-short-queries",
    "no_refusal": "no-refusals",
    "expert": "expert",
    "english": "english",
    "chinese": "chinese",
    "french": "french",
    "german": "german",
    "japanese": "japanese",
    "korean": "korean",
    "russian": "russian",
    "spanish": "spanish",
    "industry_business_and_management_and_financial_operations": "industry-business",
    "industry_entertainment_and_sports_and_media": "industry-entertainment",
    "industry_legal_and_government": "industry-legal",
    "industry_life_and_physical_and_social_science": "industry-science",
    "industry_mathematical": "industry-math",
    "industry_medicine_and_healthcare": "industry-medicine",
    "industry_software_and_it_services": "industry-software",
    "industry_writing_and_literature_and_language": "industry-writing",
}
"""LMArena's category keys -> the category of the metric ``arena-text/<category>`` (``full`` is overall)."""

BENCHMARKS: Mapping[str, Benchmark] = {
    "arena-text": CSV_BENCHMARKS["arena-text"],
    "arena-text-style": Benchmark(
        name="Arena (text, style control)",
        scale="Bradley-Terry rating, Elo scale",
        elo_scale=400.0,
        elo_base=10.0,
        url="https://lmarena.ai/leaderboard/text",
        description="LMArena text leaderboard with style control: ratings adjusted for answer length and "
        "markdown, a different quantity from the raw arena-text scores; never compare the two.",
    ),
}
"""The benchmarks this importer fills, for catalogs that lack them."""

_KEY = re.compile(r"^[a-z0-9_]+$")


def category_name(key: str) -> str:
    """The metric category of an LMArena category key; an unknown key keeps its name, dashed.

    >>> category_name("hard_6"), category_name("industry_new_board")
    ('hard-prompts', 'industry-new-board')
    """
    return CATEGORIES.get(key) or key.replace("_", "-")


def is_style_control(label: str) -> bool:
    """Whether a file is a style-controlled board, from its name (``...-style-control...``)."""
    return "style-control" in label.rsplit("/", 1)[-1].casefold() or "style_control" in label.casefold()


def _number(value: Any, what: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputFileError(f"{where}: {what} is not a finite number: {value!r}")
    return float(value)


def _well_formed(entry: Mapping[str, Any]) -> bool:
    """A quick check that lets the common case skip finding line numbers."""
    try:
        return entry["rating_q025"] <= entry["rating"] <= entry["rating_q975"] and all(
            type(entry[f]) in (int, float) and math.isfinite(entry[f]) for f in ("rating", "rating_q025", "rating_q975")
        )
    except (KeyError, TypeError):
        return False


def read_board(data: Any, text: str, label: str) -> dict[str, list[_Row]]:
    """Rows per LMArena category key, checked; the first bad entry raises :class:`InputFileError`."""
    if not isinstance(data, dict) or not data:
        raise InputFileError(f"{label}:1: expected a JSON object of categories ({{'full': {{MODEL: ...}}}})")
    boards: dict[str, list[_Row]] = {}
    for key, board in data.items():
        if not isinstance(key, str) or not _KEY.match(key):
            raise InputFileError(f"{label}:{json_line_of(text, str(key))}: category {key!r} is not a category key")
        if not isinstance(board, dict):
            raise InputFileError(f"{label}:{json_line_of(text, key)}: category {key!r} is not an object of models")
        rows: list[_Row] = []
        line = -1
        for name, entry in board.items():
            if line < 0 and not (isinstance(entry, dict) and _well_formed(entry)):
                line = json_line_of(text, key)
            if not isinstance(entry, dict) or not str(name).strip():
                raise InputFileError(f"{label}:{line}: {key}: model {name!r} is not an object")
            where = f"{label}:{line}: {key}: {name}"
            missing = [f for f in ("rating", "rating_q025", "rating_q975") if f not in entry]
            if missing:
                raise InputFileError(f"{where}: missing {', '.join(missing)}")
            value = _number(entry["rating"], "rating", where)
            lower = _number(entry["rating_q025"], "rating_q025", where)
            upper = _number(entry["rating_q975"], "rating_q975", where)
            if not lower <= value <= upper:
                raise InputFileError(f"{where}: rating {value} is outside its bounds [{lower}, {upper}]")
            rows.append(_Row(0, str(name).strip(), value, lower, upper, None, "", ""))
        boards[key] = rows
    return boards


def import_arena_json(
    base: CatalogFile,
    src: Input,
    *,
    as_of: dt.date,
    source_key: str,
    source: Source | None = None,
    below: Catalog | None = None,
    label: str | None = None,
    style_control: bool | None = None,
    add_new: bool = False,
    categories: Mapping[str, str] | None = None,
    superseded: Mapping[str, str] | None = None,
) -> ImportResult:
    """Merge every category board of one LMArena leaderboard JSON into ``base`` as scores dated ``as_of``.

    Args:
        base: The layer to refresh; names valid on ``as_of`` (in it and ``below``) decide which rows match.
        src: The JSON (bytes or a path).
        as_of: The board's date.
        source_key: Key into ``sources`` that every new score names.
        source: Adds or replaces ``sources[source_key]``; without it the key must exist.
        below: The layered catalog under ``base``.
        label: Names the source in messages when ``src`` is bytes; its file name tells style control.
        style_control: Whether the scores are style-controlled (benchmark ``arena-text-style``);
            None: from the file name (:func:`is_style_control`).
        add_new: Create models for names no model claims (provider from the name's prefix).
        categories: LMArena key -> metric category, replacing :data:`CATEGORIES`; keys not in it
            are named by :func:`category_name`.
        superseded: Names (any case) of rows that give way when another row names the same model
            with different figures, with the reason (see :func:`~advisor.importers.arena.import_arena`).
    """
    data, text, file = parse_json(src, label)
    boards = read_board(data, text, file)
    style = is_style_control(file) if style_control is None else style_control
    benchmark = "arena-text-style" if style else "arena-text"
    names = dict(CATEGORIES if categories is None else categories)
    metrics = {(benchmark, names.get(key) or category_name(key)): rows for key, rows in boards.items()}

    def score(r: _Row) -> Score:
        return Score(
            benchmark=benchmark,
            value=r.value,
            as_of=as_of,
            source=source_key,
            ci_lower=r.ci_lower,
            ci_upper=r.ci_upper,
        )

    return import_score_rows(
        base, [], kind="arena-json", file=file, as_of=as_of, source_key=source_key, source=source, below=below,
        metrics=metrics, add_new=add_new, make_score=score, benchmarks=BENCHMARKS, superseded=superseded,
    )  # fmt: skip


def run(request: ImportRequest) -> ImportResult:
    """The registry's entry point for a leaderboard JSON dated ``request.date``."""
    from advisor.importers.registry import source_of

    day = request.date
    if day is None:
        raise InputFileError(f"{request.label}: no date in the file name; give --date YYYY-MM-DD")
    if is_style_control(request.label) and not request.source_key:
        request = dataclasses.replace(request, source_key=f"arena-json-style-{day.isoformat()}")
    from advisor.importers.arena_names import bundled_superseded

    key, source = source_of("arena-json", request, request.date)
    return import_arena_json(
        request.base, request.data, as_of=day, source_key=key, source=source, below=request.below,
        label=request.label, add_new=request.add_new, superseded=bundled_superseded(),
    )  # fmt: skip
