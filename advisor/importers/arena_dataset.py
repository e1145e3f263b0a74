"""Import rows of LMArena's published leaderboard dataset (``lmarena-ai/leaderboard-dataset``, CC-BY-4.0).

A row is one model on one category board of one published leaderboard: ``model_name``,
``organization``, ``license``, ``rating``, ``rating_lower``, ``rating_upper``, ``variance``,
``vote_count``, ``rank``, ``category``, ``leaderboard_publish_date``. Each (category, publish date)
becomes one dated snapshot of scores, with the CI bounds and the vote count kept; the raw board is
benchmark ``arena-text`` and the style-controlled board ``arena-text-style``; a category other
than the overall board (``full``) is the metric ``<benchmark>/<category>``.

Model names are LMArena's internal names (``gemini-3-pro``, ``gpt-5.1-high``), matched through the
catalog's ids and aliases on the publish date; nothing is matched by similarity. Unmatched rows
can become score-only models (``add_new``): the row names the organization and license, which is
enough to place and score a model, never to price it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import math
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from advisor.errors import InputFileError
from advisor.importers._common import ImportReport, ImportResult
from advisor.importers.arena import _Row, import_score_rows
from advisor.importers.arena_names import ArenaJoin, ArenaNames, ArenaSkip
from advisor.schema import Benchmark, CatalogFile, Score, Source

if TYPE_CHECKING:
    from advisor.catalog import Catalog

__all__ = [
    "COLUMNS",
    "DatasetRow",
    "benchmarks",
    "category_name",
    "import_arena_dataset",
    "parse_rows",
]

COLUMNS = (
    "model_name",
    "organization",
    "license",
    "rating",
    "rating_lower",
    "rating_upper",
    "variance",
    "vote_count",
    "rank",
    "category",
    "leaderboard_publish_date",
)
"""The dataset's columns; a row lacking one of the first four or the last two is a format change."""

OVERALL = "full"
"""The dataset's name of the overall board."""

_OWN_BENCHMARKS: Mapping[str, Benchmark] = {
    "arena-text-style": Benchmark(
        name="Arena (text, style control)",
        scale="Bradley-Terry rating, Elo scale",
        elo_scale=400.0,
        elo_base=10.0,
        url="https://lmarena.ai/leaderboard/text",
        description="LMArena text leaderboard with style control: ratings adjusted for answer length and "
        "markdown. A different metric from arena-text; never compare the two.",
    ),
}


def benchmarks() -> Mapping[str, Benchmark]:
    """The definitions of ``arena-text-style`` (and ``arena-text``) for a catalog that lacks them:
    the LMArena JSON importer's where it is part of this build (one definition), else this module's."""
    json_importer = _arena_json()
    return _OWN_BENCHMARKS if json_importer is None else typing.cast(Mapping[str, Benchmark], json_importer.BENCHMARKS)


def _arena_json() -> Any:
    """The LMArena JSON importer module, whose category names and benchmarks every Arena source shares
    (None in a build without it: then the published category names are kept)."""
    try:
        return importlib.import_module("advisor.importers.arena_json")
    except ImportError:
        return None


def category_name(category: str) -> str:
    """The catalog category of a dataset category: ``full`` is ``overall``, the rest as the importer
    of LMArena's leaderboard JSON names them (one naming for every Arena source).

    >>> category_name("full")
    'overall'
    """
    if category == OVERALL:
        return "overall"
    json_importer = _arena_json()
    return str(json_importer.category_name(category)) if json_importer is not None else category


@dataclass(frozen=True)
class DatasetRow:
    """One checked row of the dataset."""

    model: str
    organization: str
    license: str
    rating: float
    lower: float
    upper: float
    votes: int | None
    rank: int | None
    category: str
    published: dt.date


def _number(row: Mapping[str, Any], column: str, where: str, *, required: bool = True) -> float | None:
    value = row.get(column)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputFileError(f"{where}: {column} is not a finite number: {value!r}")
    return float(value)


def _day(value: Any, where: str) -> dt.date:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise InputFileError(f"{where}: leaderboard_publish_date is not a YYYY-MM-DD date: {value!r}")


def parse_rows(rows: Iterable[Mapping[str, Any]], label: str) -> list[DatasetRow]:
    """Check and convert raw rows (``row`` objects of the rows API); the first bad one raises.

    ``label`` names the origin in messages (``URL#row 17``).
    """
    out: list[DatasetRow] = []
    for i, row in enumerate(rows):
        where = f"{label}#row {i}"
        if not isinstance(row, Mapping):
            raise InputFileError(f"{where}: expected an object, got {type(row).__name__}")
        missing = [c for c in ("model_name", "rating", "category", "leaderboard_publish_date") if c not in row]
        if missing:
            raise InputFileError(f"{where}: missing column(s) {', '.join(missing)} (has the format changed?)")
        name = row["model_name"]
        if not isinstance(name, str) or not name.strip():
            raise InputFileError(f"{where}: model_name is empty or not text: {name!r}")
        category = row["category"]
        if not isinstance(category, str) or not category.strip():
            raise InputFileError(f"{where}: category is empty or not text: {category!r}")
        rating = _number(row, "rating", where)
        lower = _number(row, "rating_lower", where, required=False)
        upper = _number(row, "rating_upper", where, required=False)
        assert rating is not None
        if (lower is None) != (upper is None) or (
            lower is not None and upper is not None and not lower <= rating <= upper
        ):
            raise InputFileError(f"{where}: rating {rating:g} is not within [rating_lower, rating_upper]")
        votes = _number(row, "vote_count", where, required=False)
        rank = _number(row, "rank", where, required=False)
        if votes is not None and (votes < 0 or not votes.is_integer()):
            raise InputFileError(f"{where}: vote_count is not a whole number >= 0: {row.get('vote_count')!r}")
        out.append(
            DatasetRow(
                model=name.strip(),
                organization=str(row.get("organization") or "").strip(),
                license=str(row.get("license") or "").strip(),
                rating=rating,
                lower=rating if lower is None else lower,
                upper=rating if upper is None else upper,
                votes=None if votes is None else int(votes),
                rank=None if rank is None else int(rank),
                category=category.strip(),
                published=_day(row["leaderboard_publish_date"], where),
            )
        )
    return out


def import_arena_dataset(
    base: CatalogFile,
    rows: Sequence[DatasetRow],
    *,
    benchmark: str,
    source_key: str,
    source: Source | None = None,
    below: Catalog | None = None,
    label: str = "lmarena-ai/leaderboard-dataset",
    add_new: bool = False,
    names: ArenaNames | None = None,
) -> ImportResult:
    """Merge dataset rows into the layer ``base``: one snapshot per category and publish date.

    Args:
        base: The layer to refresh (an empty ``CatalogFile`` for a new one).
        rows: Checked rows (:func:`parse_rows`) of one board (raw, or style-controlled).
        benchmark: ``arena-text`` for the raw board, ``arena-text-style`` for style control.
        source_key: Key into ``sources`` every score names; ``{date}`` in it is replaced by the
            publish date, so each snapshot names its own source.
        source: The source entry added under each key (``{date}`` in its title is replaced too).
        below: The layered catalog under ``base``: names match against it too.
        label: Names the origin in reports.
        add_new: Add unmatched rows as score-only models (id from the name, provider from the
            organization, license and open weights from the license).
        names: The hand-checked join of Arena names (``catalog/build/arena_names.yaml``): a name
            no alias matches is joined to the catalog option it names there, and a name it skips
            on purpose (not sold, a variant of a joined row, ...) is never added as a new model.

    Returns:
        The new layer and one report summing every snapshot's.
    """
    from advisor.importers._common import Workspace

    ws = Workspace(base, below)
    curated_skips: list[str] = []
    by_day: dict[dt.date, dict[tuple[str, str], list[_Row]]] = {}
    for i, r in enumerate(rows):
        curated = names.get(r.model) if names is not None and not ws.ids(r.model, r.published) else None
        if isinstance(curated, ArenaSkip):
            curated_skips.append(f"{r.model}: {curated.category}: {curated.reason}")
            continue
        if isinstance(curated, ArenaJoin) and len(ws.ids(curated.option)) == 1:
            r = dataclasses.replace(r, model=ws.ids(curated.option)[0])
        boards = by_day.setdefault(r.published, {})
        boards.setdefault((benchmark, category_name(r.category)), []).append(
            _Row(
                line=i + 1, model=r.model, value=r.rating, ci_lower=r.lower, ci_upper=r.upper, votes=r.votes,
                organization=r.organization, license=r.license,
            )
        )  # fmt: skip
    reports: list[ImportReport] = []
    layer = base
    for day in sorted(by_day):
        # The overall board first: a new model is made from its overall row.
        boards = dict(sorted(by_day[day].items(), key=lambda kv: (kv[0][1] != "overall", kv[0][1])))
        key = source_key.replace("{date}", day.isoformat())
        entry = None
        if source is not None:
            entry = dataclasses.replace(source, title=source.title.replace("{date}", day.isoformat()))

        def score(row: _Row, day: dt.date = day, key: str = key) -> Score:
            return Score(
                benchmark=benchmark, value=row.value, as_of=day, source=key, ci_lower=row.ci_lower,
                ci_upper=row.ci_upper, votes=row.votes,
            )  # fmt: skip

        result = import_score_rows(
            layer, [], kind="arena-dataset", file=f"{label} {day}", as_of=day, source_key=key, source=entry,
            below=below, metrics=boards, add_new=add_new, make_score=score,
        )  # fmt: skip
        layer = result.catalog
        reports.append(result.report)
    summed = _summed(reports, file=label, source_key=source_key)
    skipped = tuple(sorted({*summed.skipped, *curated_skips}))
    return ImportResult(layer, dataclasses.replace(summed, skipped=skipped))


def _summed(reports: Sequence[ImportReport], *, file: str, source_key: str) -> ImportReport:
    return ImportReport(
        kind="arena-dataset",
        file=file,
        source_key=source_key,
        matched=sum(r.matched for r in reports),
        added=sum(r.added for r in reports),
        updated=sum(r.updated for r in reports),
        unchanged=sum(r.unchanged for r in reports),
        new_models=tuple(sorted({m for r in reports for m in r.new_models})),
        unmatched=tuple(sorted({m for r in reports for m in r.unmatched})),
        ambiguous=tuple(sorted({m for r in reports for m in r.ambiguous})),
        skipped=tuple(sorted({m for r in reports for m in r.skipped})),
    )
