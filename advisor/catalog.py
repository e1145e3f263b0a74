"""The layered, time-aware catalog: what models exist, what they cost and how good they are.

A catalog is built from one or more files, bundled first: later files (a team's own) override
fields of the models they name, add models, prices and scores. ``Catalog.as_of(date)`` is the
catalog as it stood that day, which is what every decision works on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from advisor.catalog_io import LayersEntry, LoadedFile, field_path, load_file
from advisor.errors import (
    ArgumentError,
    CatalogError,
    Problem,
    UnknownMetricError,
    UnknownModelError,
    close_matches,
)
from advisor.names import NameIndex
from advisor.periods import in_force, overlay_prices, sorted_prices
from advisor.schema import Alias, Benchmark, CatalogFile, Model, Score, Source

DEFAULT_METRIC = "arena-text"
"""The Arena's overall text score: the default quality metric."""


def bundled_catalog_path() -> Path:
    """The catalog file shipped with advisor (in the wheel, or the source checkout's ``catalog/``)."""
    here = Path(__file__).resolve().parent
    installed = here / "catalog_data" / "catalog.yaml"
    return installed if installed.exists() else here.parent / "catalog" / "catalog.yaml"


UPDATES_FILE = "catalog-updates.yaml"
"""File name of the layer ``advisor catalog update`` writes in the user data folder."""


def updates_layer_path() -> Path:
    """Where ``advisor catalog update`` keeps its layer: ``<data folder>/catalog-updates.yaml``.

    The data folder is ``$ADVISOR_DATA_DIR``, else ``$XDG_DATA_HOME/advisor``, else
    ``~/.local/share/advisor`` (a relative ``XDG_DATA_HOME`` is ignored, as the XDG spec says).
    """
    explicit = os.environ.get("ADVISOR_DATA_DIR")
    if explicit:
        return Path(explicit) / UPDATES_FILE
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "advisor" / UPDATES_FILE


def metric_key(benchmark: str, category: str = "overall") -> str:
    """The metric name used on the command line: ``arena-text`` or ``arena-text/coding``."""
    return benchmark if category == "overall" else f"{benchmark}/{category}"


def parse_metric(metric: str) -> tuple[str, str]:
    """``"arena-text/coding"`` -> ``("arena-text", "coding")``; no category means ``overall``.

    >>> parse_metric("arena-text")
    ('arena-text', 'overall')
    """
    benchmark, _, category = metric.partition("/")
    return benchmark, category or "overall"


Updates = bool | str | os.PathLike[str]


def load_catalog(
    *paths: str | os.PathLike[str],
    bundled: bool = True,
    updates: Updates = True,
    metrics: Iterable[str] | None = None,
) -> Catalog:
    """Load the bundled catalog, the update layer, then ``paths`` layered on top, in order.

    ``updates``: True uses the layer ``advisor catalog update`` wrote (:func:`updates_layer_path`)
    when there is one; False leaves it out; a path names another update layer (it must exist). The
    update layer is only used on top of the bundled catalog (``bundled=True``).

    ``metrics`` (``benchmark`` or ``benchmark/category`` names) limits which score tables are read
    (the bundled catalog keeps every LMArena category in tables): None reads all of them, which is
    complete but slower; the CLI reads only the metric a command uses. Scores written in YAML are
    always read.

    A later file's entry for a known model (named by id or alias) overrides the fields it gives:
    its price periods take precedence on the dates they cover, its scores are added beside the
    others (replacing one of the same benchmark, category and date), its aliases are added. An
    entry naming no known model must be complete (give ``provider``). Raises
    :class:`~advisor.errors.CatalogError` listing every problem in every file.

    >>> cat = load_catalog()
    >>> cat.get("gpt-4o-mini-2024-07-18").provider
    'OpenAI'
    """
    metrics = None if metrics is None else list(metrics)
    cached = LayersEntry.open(_layer_files(paths, bundled, updates), metrics)  # None: no cache
    hit = cached.get() if cached is not None else None
    if hit is not None:
        return Catalog(**hit)
    loaded, problems = _load_files(paths, bundled, updates)
    if not loaded and not problems:
        raise CatalogError([Problem("<none>", "no catalog files given (bundled=False and no paths)")])
    if problems:
        raise CatalogError(problems)
    if cached is not None:
        cached.bind(loaded)
    catalog = merge_layers(loaded, metrics)
    if cached is not None:
        cached.put(catalog)
    return catalog


def _layer_files(
    paths: Sequence[str | os.PathLike[str]], bundled: bool, updates: Updates
) -> list[str | os.PathLike[str]]:
    """The files to layer, in order: bundled catalog, update layer, then ``paths``."""
    files: list[str | os.PathLike[str]] = [bundled_catalog_path()] if bundled else []
    if bundled and updates is not False:
        layer = updates_layer_path() if updates is True else Path(updates)
        if updates is not True or layer.is_file():
            files.append(layer)
    files.extend(paths)
    return files


def _load_files(
    paths: Sequence[str | os.PathLike[str]], bundled: bool, updates: Updates = True, *, keep_partial: bool = False
) -> tuple[list[LoadedFile], list[Problem]]:
    """Read every file (bundled first), collecting the problems of all of them; with
    ``keep_partial``, a file with problems contributes its valid part (for checks across files)."""
    files = _layer_files(paths, bundled, updates)
    loaded: list[LoadedFile] = []
    problems: list[Problem] = []
    for path in files:
        try:
            loaded.append(load_file(path))
        except CatalogError as exc:
            problems.extend(exc.problems)
            if keep_partial and isinstance(exc.partial, LoadedFile):
                loaded.append(exc.partial)
    return loaded, problems


def check_layer(
    cf: CatalogFile, path: str | os.PathLike[str], *below: str | os.PathLike[str], bundled: bool = True
) -> None:
    """Raise :class:`CatalogError` when ``cf``, written to ``path``, would not load on top of ``below``.

    For writers of layers (importers): a layer that does not load must not be written.
    """
    from advisor.catalog_io import parse_catalog_bytes
    from advisor.writer import dump_catalog_file

    label = os.fspath(path)
    try:
        loaded = parse_catalog_bytes(dump_catalog_file(cf).encode("utf-8"), f"{label} (as it would be written)")
        lower, problems = _load_files(below, bundled)
        if not problems:
            # Only the score tables of the metrics the layer scores can clash with it (snapshots a
            # layer hides); the others were checked when their own file was loaded.
            own = {metric_key(s.benchmark, s.category) for m in cf.models for s in m.scores}
            merge_layers([*lower, loaded], own | set(cf.score_tables))
    except CatalogError as exc:
        head = Problem(label, "not written: the new contents would not load:")
        raise CatalogError([head, *exc.problems]) from None


def merge_layers(files: Sequence[LoadedFile], metrics: Iterable[str] | None = None) -> Catalog:
    """Layer validated files into one catalog (see :func:`load_catalog` for the rules)."""
    wanted = frozenset(metrics) if metrics is not None else None
    unloaded: set[str] = set()
    models: dict[str, Model] = {}
    names = NameIndex()
    sources: dict[str, Source] = {}
    benchmarks: dict[str, Benchmark] = {}
    problems: list[Problem] = []
    warnings: list[Problem] = []
    notices: list[str] = []

    for lf in files:
        cf = lf.data
        label = lf.label
        sources.update(cf.sources)
        benchmarks.update(cf.benchmarks)
        warnings.extend(lf.warnings)
        if cf.notice:
            notices.append(cf.notice)
        file_problems: list[Problem] = []

        at = lf.positions if lf.positions is not None else range(len(cf.models))
        # Entries past the file's own models are made by its score tables: their problems are
        # reported at the table's first row of the model, not in the YAML.
        tables = _TableScores(lf, file_problems, wanted, sources, benchmarks)
        entries = tables.entries

        def bad(i: int, model_id: str, msg: str, *path: str | int) -> None:
            if i >= len(at):  # noqa: B023
                file_problems.append(tables.where(model_id, msg))  # noqa: B023
                return
            loc = ("models", at[i], *path)  # noqa: B023
            field = field_path(path)
            file_problems.append(Problem(label, msg, None, model_id, field, loc=loc))  # noqa: B023

        seen: dict[str, int] = {}  # model id -> the entry of this file that named it
        look_alikes: list[Problem] = []
        looks = _LookAlikes(models) if lf is not files[0] else None
        unloaded.update(m for m in cf.score_tables if wanted is not None and m not in wanted)
        for i, entry in enumerate(entries):
            if i < len(at):  # a table's scores are checked as the table is read
                _check_references(cf.models[i], i, sources, benchmarks, bad)
            target, ambiguity = _existing_target(entry, models, names)
            if ambiguity:
                bad(i, entry.id, ambiguity, "id")
                continue
            if target is not None and target in seen:
                first = seen[target]
                if i >= len(at) or entries[first].id.casefold() != entry.id.casefold():  # else reported already
                    other = f"models[{at[first]}]" if first < len(at) else repr(entries[first].id)
                    why = f"names the same model as {other} ({target!r}); " + (
                        "give each model one entry per file" if i < len(at) else "use one name per model in a file"
                    )
                    bad(i, entry.id, why, "id")
                continue
            if target is None:
                if entry.provider is None:
                    close = names.close(entry.id, n=1)
                    hint = f"did you mean {close[0]!r}?" if close else "is it misspelled?"
                    bad(
                        i,
                        entry.id,
                        f"names no model of the catalogs below this file, and a new model needs 'provider' ({hint})",
                        "id",
                    )
                    continue
                merged = dataclasses.replace(entry, prices=sorted_prices(entry.prices))
            else:
                merged = overlay_model(models[target], entry)
            for j, alias in enumerate(entry.aliases):
                clash = names.clash(alias, merged.id)
                if clash:
                    bad(i, entry.id, clash, "aliases", j)
            own = entry.released is not None and entry.retired is not None  # checked with the file itself
            if (
                not own
                and merged.released is not None
                and merged.retired is not None
                and merged.retired < merged.released
            ):
                field = "retired" if entry.retired is not None else "released"
                bad(i, entry.id, f"retired on {merged.retired}, before its release on {merged.released}", field)
            if looks is not None and i < len(at):
                look_alikes.extend(looks.check(entry, merged.id, label, at[i]))
            elif looks is not None:
                look_alikes.extend(tables.where(entry.id, p.message) for p in looks.check(entry, merged.id, label, i))
            seen[merged.id] = i
            names.add(merged)
            models[merged.id] = merged
        if file_problems:
            problems.extend(_with_lines(lf.label, file_problems))
        if look_alikes:
            warnings.extend(_with_lines(lf.label, look_alikes))
    if problems:
        raise CatalogError(sorted(problems, key=lambda p: (p.file, p.line or 0)))
    return Catalog(
        models=tuple(models.values()),
        benchmarks=benchmarks,
        sources=sources,
        files=tuple(lf.label for lf in files),
        warnings=tuple(warnings),
        notices=tuple(notices),
        unloaded_metrics=frozenset(unloaded),
    )


class _LookAlikes:
    """Names of the models below a layer by what they look like, to warn of a look-alike new name."""

    def __init__(self, models: Mapping[str, Model]) -> None:
        from advisor.text import skeleton

        self.skeleton = skeleton
        self.index: dict[str, tuple[str, str]] = {}
        for m in models.values():
            for name in (m.id, *(a.name for a in m.aliases)):
                self.index.setdefault(skeleton(name), (name, m.id))

    def check(self, entry: Model, model_id: str, label: str, i: int) -> list[Problem]:
        out = []
        for path, name in ((("id",), entry.id), *((("aliases", j), a.name) for j, a in enumerate(entry.aliases))):
            other = self.index.get(self.skeleton(name))
            if other is not None and other[1] != model_id and other[0].casefold() != name.casefold():
                message = f"{name!r} looks like {other[0]!r} of model {other[1]!r} (look-alike letters?)"
                out.append(Problem(label, message, None, entry.id, field_path(path), loc=("models", i, *path)))
        return out


class _TableScores:
    """A file's model entries with the scores of its score tables for ``metrics`` (None: all) added.

    ``entries`` holds the file's own models first (with their table scores), then one entry per
    model only the tables name. Each table's sources and benchmark are checked here, once per
    distinct value, so a problem names the table (and the line) that uses them.
    """

    def __init__(
        self,
        lf: LoadedFile,
        problems: list[Problem],
        metrics: frozenset[str] | None,
        sources: Mapping[str, Source],
        benchmarks: Mapping[str, Benchmark],
    ) -> None:
        from advisor.score_table import read_score_table

        self.first_table: dict[str, Path] = {}  # model id -> the first table that scores it
        self.entries: tuple[Model, ...] = lf.data.models
        if not lf.data.score_tables:
            return
        folder = Path(lf.label).parent
        by_model: dict[str, list[Score]] = {}
        for metric, table in sorted(lf.data.score_tables.items()):
            if metrics is not None and metric not in metrics:
                continue
            benchmark = parse_metric(metric)[0]
            if benchmark not in benchmarks:
                message = f"unknown benchmark {benchmark!r} (define it under benchmarks:)"
                problems.append(
                    Problem(lf.label, message, None, None, f"score_tables.{metric}", ("score_tables", metric))
                )
                continue
            path = folder / table
            try:
                rows = read_score_table(path, metric)
            except CatalogError as exc:
                problems.extend(exc.problems)
                continue
            for source in sorted({s.source for scores in rows.values() for s in scores} - sources.keys()):
                message = f"unknown source {source!r} (define it under sources:)"
                problems.append(Problem(os.fspath(path), message, _table_line(path, 8, source)))
            for model_id, scores in rows.items():
                by_model.setdefault(model_id, []).extend(scores)
                self.first_table.setdefault(model_id, path)
        entries = []
        for entry in lf.data.models:
            extra = by_model.pop(entry.id, None)
            entries.append(dataclasses.replace(entry, scores=entry.scores + tuple(extra)) if extra else entry)
        entries.extend(Model(id=model_id, scores=tuple(scores)) for model_id, scores in by_model.items())
        self.entries = tuple(entries)

    def where(self, model_id: str, message: str) -> Problem:
        """A problem of the entry the tables made for ``model_id``, at its first row."""
        path = self.first_table[model_id]
        return Problem(os.fspath(path), message, _table_line(path, 0, model_id), model_id)


def _table_line(path: Path, column: int, value: str) -> int | None:
    """The number of the first line of a score table whose cell ``column`` is ``value``: a problem
    found after reading is rare, so the table is read again only then."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) > column and cells[column] == value:
            return number
    return None


def _with_lines(label: str, problems: list[Problem]) -> list[Problem]:
    """Find the lines of cross-file problems (rare: re-reads the file's text only then)."""
    from advisor.catalog_io import line_of

    try:
        text = Path(label).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return problems
    return [dataclasses.replace(p, line=line_of(text, p.loc)) if p.loc is not None else p for p in problems]


_Report = Callable[..., None]


def _check_references(
    entry: Model, i: int, sources: Mapping[str, Source], benchmarks: Mapping[str, Benchmark], report: _Report
) -> None:
    """Every source and benchmark a file uses must be defined in it or in a file below it."""
    if entry.source is not None and entry.source not in sources:
        report(i, entry.id, f"unknown source {entry.source!r} (define it under sources:)", "source")
    for j, p in enumerate(entry.prices):
        if p.source not in sources:
            report(i, entry.id, f"unknown source {p.source!r} (define it under sources:)", "prices", j, "source")
    for j, s in enumerate(entry.scores):
        if s.source not in sources:
            report(i, entry.id, f"unknown source {s.source!r} (define it under sources:)", "scores", j, "source")
        if s.benchmark not in benchmarks:
            report(
                i,
                entry.id,
                f"unknown benchmark {s.benchmark!r} (define it under benchmarks:)",
                "scores",
                j,
                "benchmark",
            )


def _existing_target(entry: Model, models: Mapping[str, Model], names: NameIndex) -> tuple[str | None, str]:
    """The id of the already-known model an entry overrides (None for a new model), or why not."""
    if entry.id in models:
        return entry.id, ""
    ids = names.ids(entry.id)
    if len(ids) > 1:
        return None, f"{entry.id!r} names several models ({', '.join(ids)}); use the model's id"
    return (ids[0] if ids else None), ""


OVERRIDABLE = tuple(f for f in dataclasses.fields(Model) if f.name not in ("id", "aliases", "prices", "scores"))


def overlay_model(base: Model, entry: Model) -> Model:
    """``base`` with a layer's ``entry`` on top (see :func:`load_catalog` for the rules)."""
    changes: dict[str, Any] = {}
    for f in OVERRIDABLE:
        value = getattr(entry, f.name)
        if value != f.default:
            changes[f.name] = value
    aliases = base.aliases + tuple(a for a in entry.aliases if a not in base.aliases)
    if entry.id != base.id and all(a.name != entry.id for a in aliases):
        aliases += (Alias(entry.id),)
    keys = {(s.benchmark, s.category, s.as_of) for s in entry.scores}
    scores = tuple(s for s in base.scores if (s.benchmark, s.category, s.as_of) not in keys) + entry.scores
    return dataclasses.replace(
        base, **changes, aliases=aliases, prices=overlay_prices(base.prices, entry.prices), scores=scores
    )


def _first_seen(m: Model) -> dt.date | None:
    if m.released is not None:
        return m.released
    dates = [p.since for p in m.prices if p.since is not None] + [s.as_of for s in m.scores]
    if any(p.since is None for p in m.prices):
        return None
    return min(dates) if dates else None


def _as_mode(mode: Model, base: Model | None) -> Model:
    """A reasoning mode as decisions see it: its base model's prices, limits and retirement where it
    gives none of its own (its own ``output_multiplier`` stays: None means output tokens unknown)."""
    if base is None:
        return mode
    return dataclasses.replace(
        mode,
        prices=mode.prices or base.prices,
        context_window=mode.context_window or base.context_window,
        max_output_tokens=mode.max_output_tokens or base.max_output_tokens,
        retired=mode.retired or base.retired,
        successor=mode.successor or (None if mode.retired else base.successor),
    )


@dataclasses.dataclass(frozen=True, eq=False)
class Catalog:
    """Models with their prices and scores; either the full history or a view at one date.

    Iterate over it for the models. In a view (``date`` set, from :meth:`as_of`) each model keeps
    only the price periods in force that day (one per host) and, per metric, the score of the
    newest snapshot not after that day: models missing from that snapshot have no score for it,
    because ratings of different snapshots are not on the same scale.
    """

    models: tuple[Model, ...]
    benchmarks: Mapping[str, Benchmark]
    sources: Mapping[str, Source]
    files: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()
    notices: tuple[str, ...] = ()
    date: dt.date | None = None
    full: Catalog | None = None
    """The whole-history catalog a view or filtered catalog came from (snapshot sizes are counted there)."""
    scope: tuple[str, ...] = ()
    """The filters applied, in words (``provider OpenAI``): ranks and frontiers are computed within them."""
    unloaded_metrics: frozenset[str] = frozenset()
    """Metrics of score tables that were not read (``load_catalog(metrics=...)``)."""

    def __iter__(self) -> Iterator[Model]:
        return iter(self.models)

    def __len__(self) -> int:
        return len(self.models)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def as_of(self, day: dt.date) -> Catalog:
        """The catalog as it stood on ``day``: released models, prices in force, newest snapshots."""
        if not isinstance(day, dt.date):
            raise TypeError(f"day must be a datetime.date, not {type(day).__name__}")
        if isinstance(day, dt.datetime):
            day = day.date()
        # The newest snapshot of each metric from the (cached) snapshot table of the whole
        # catalog, so a filtered catalog uses the same snapshot as the unfiltered one.
        newest: dict[tuple[str, str], dt.date] = {}
        for key, days in self.snapshot_sizes.items():
            usable = [d for d in days if d <= day]
            if usable:
                newest[key] = max(usable)
        models = []
        for m in self.models:
            first = _first_seen(m)
            if first is not None and first > day:
                continue
            if m.mode_of is not None:
                m = _as_mode(m, self._by_id.get(m.mode_of) or (self.full or self)._by_id.get(m.mode_of))
            prices = tuple(p for p in m.prices if in_force(p, day))
            scores = tuple(s for s in m.scores if newest.get((s.benchmark, s.category)) == s.as_of)
            models.append(dataclasses.replace(m, prices=prices, scores=scores))
        return dataclasses.replace(self, models=tuple(models), date=day, full=self.full or self)

    def first_date(self) -> dt.date | None:
        """The earliest day on which any model of the catalog existed, if any has a date."""
        dates = [d for d in (_first_seen(m) for m in self.models) if d is not None]
        return min(dates) if dates else None

    def view(self) -> Catalog:
        """This catalog if it is already a dated view, else the view as of today."""
        return self if self.date is not None else self.as_of(dt.date.today())

    def get(self, name: str, *, on: dt.date | None = None) -> Model:
        """The model a name (id or alias, any case) denotes; moving aliases resolve on ``on``
        (default: the view's date, else today)."""
        ids = self._names.resolve(name, on or self.date or dt.date.today())
        if len(ids) == 1:
            return self._by_id[ids[0]]
        if len(ids) > 1:
            raise UnknownModelError(name, suggestions=ids)
        raise UnknownModelError(name, suggestions=self._names.close(name))

    def resolve(self, name: str) -> str:
        """The canonical id of the model ``name`` denotes."""
        return self.get(name).id

    def metrics(self) -> tuple[str, ...]:
        """Metric names with at least one score in this catalog (``benchmark`` or ``benchmark/category``),
        including those of score tables not read (load them with ``load_catalog(metrics=[...])``)."""
        return tuple(sorted(self._scored_metrics | self.unloaded_metrics))

    def check_metric(self, metric: str) -> tuple[str, str]:
        """Split ``metric`` and make sure the catalog knows it; raise UnknownMetricError if not."""
        benchmark, category = parse_metric(metric)
        key = metric_key(benchmark, category)
        if key in self.unloaded_metrics:
            err = UnknownMetricError(metric)
            err.args = (f"metric {metric!r}: its score table was not read; load_catalog(metrics=[{key!r}]) reads it",)
            raise err
        known = self._scored_metrics
        if key in known and benchmark in self.benchmarks:
            return benchmark, category
        if benchmark in self.benchmarks and self.date is not None and category == "overall":
            raise UnknownMetricError(metric, known, note=f"no {metric} scores as of {self.date}")
        raise UnknownMetricError(metric, set(self.metrics()))

    def filter(
        self,
        *,
        provider: str | Sequence[str] | None = None,
        open_weights: bool | None = None,
        min_context: int | None = None,
        exclude: Iterable[str] = (),
    ) -> Catalog:
        """Models matching every criterion given; ``exclude`` takes ids or aliases."""
        if min_context is not None and (
            isinstance(min_context, bool) or not isinstance(min_context, int) or min_context < 0
        ):
            raise ArgumentError("min_context", f"must be a whole number >= 0, got {min_context!r}")
        providers = None
        scope = list(self.scope)
        if provider is not None:
            wanted = [provider] if isinstance(provider, str) else list(provider)
            providers = {p.casefold() for p in wanted}
            scope.append("provider " + ", ".join(wanted))
            known = {(m.provider or "").casefold(): m.provider or "" for m in self.models}
            for name in wanted:
                if name.casefold() not in known:
                    close = close_matches(name, sorted(set(known.values())), n=3, cutoff=0.6)
                    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                    error = ArgumentError("provider", f"names no provider in the catalog: {name!r}{hint}")
                    error.matches = tuple(close)  # type: ignore[attr-defined]
                    raise error
        dropped = {self.resolve(name) for name in exclude}
        if open_weights is not None:
            scope.append("open weights" if open_weights else "closed weights")
        if min_context is not None:
            scope.append(f"context >= {min_context:,} tokens")
        if dropped:
            scope.append("excluding " + ", ".join(sorted(dropped)))
        kept = tuple(
            m
            for m in self.models
            if m.id not in dropped
            and (providers is None or (m.provider or "").casefold() in providers)
            and (open_weights is None or bool(m.open_weights) == open_weights)
            and (min_context is None or (m.context_window or 0) >= min_context)
        )
        return dataclasses.replace(self, models=kept, full=self.full or self, scope=tuple(scope))

    @functools.cached_property
    def snapshot_sizes(self) -> Mapping[tuple[str, str], Mapping[dt.date, int]]:
        """Models per dated snapshot of each ``(benchmark, category)`` over the whole history.

        Counted on :attr:`full` (unfiltered, every date), so a view can say how many models the
        snapshot it uses holds, and whether a newer, smaller one hides an older, fuller one.
        """
        if self.full is not None:
            return self.full.snapshot_sizes
        sizes: dict[tuple[str, str], dict[dt.date, int]] = {}
        for m in self.models:
            for s in m.scores:
                by_day = sizes.setdefault((s.benchmark, s.category), {})
                by_day[s.as_of] = by_day.get(s.as_of, 0) + 1
        return sizes

    def scores_for(self, benchmark: str, category: str = "overall") -> Mapping[str, Score]:
        """Model id -> its newest score on a metric (what :func:`score_of` finds), built once per
        metric: a decision looks up every model's score, and a view keeps dozens per model."""
        return self._score_index.get((benchmark, category), {})

    @functools.cached_property
    def _score_index(self) -> dict[tuple[str, str], dict[str, Score]]:
        index: dict[tuple[str, str], dict[str, Score]] = {}
        for m in self.models:
            for s in m.scores:
                by_model = index.setdefault((s.benchmark, s.category), {})
                best = by_model.get(m.id)
                if best is None or s.as_of > best.as_of:  # as score_of: the first of the newest
                    by_model[m.id] = s
        return index

    @functools.cached_property
    def _scored_metrics(self) -> frozenset[str]:
        """Metric keys with at least one score here (computed once: a router checks every metric)."""
        return frozenset(metric_key(s.benchmark, s.category) for m in self.models for s in m.scores)

    @functools.cached_property
    def _by_id(self) -> dict[str, Model]:
        return {m.id: m for m in self.models}

    @functools.cached_property
    def _names(self) -> NameIndex:
        return NameIndex(self.models)


def score_of(model: Model, benchmark: str, category: str = "overall") -> Score | None:
    """The newest score of ``model`` on a metric (in a view: the one of the view's snapshot)."""
    best: Score | None = None
    for s in model.scores:
        if s.benchmark == benchmark and s.category == category and (best is None or s.as_of > best.as_of):
            best = s
    return best


@dataclasses.dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate_catalog` found: every problem of every file, and the warnings."""

    files: tuple[str, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    models: int

    @property
    def ok(self) -> bool:
        """True when the files can be used (warnings allowed)."""
        return not self.problems


def validate_catalog(*paths: str | os.PathLike[str], bundled: bool = True, updates: Updates = True) -> ValidationReport:
    """Check catalog files: each on its own, then layered in order on the bundled catalog and update layer.

    Never raises for bad files: the problems are in the report, one per line when printed.
    """
    loaded, problems = _load_files(paths, bundled, updates, keep_partial=True)
    count = 0
    warnings: tuple[Problem, ...] = tuple(w for lf in loaded for w in lf.warnings)
    partial = any(lf.positions is not None for lf in loaded)
    try:
        merged = merge_layers(loaded)
    except CatalogError as exc:
        # With an entry of a file left out, a later entry naming its model finds none: not news.
        problems.extend(p for p in exc.problems if not (partial and p.message.startswith("names no model")))
    else:
        warnings = merged.warnings  # the files' own and the look-alikes across them
        if not problems:
            count = len(merged)
            from advisor.freshness import hidden_snapshots

            hidden = hidden_snapshots(loaded)
            for label in dict.fromkeys(h.file for h in hidden):
                warnings += tuple(_with_lines(label, [h for h in hidden if h.file == label]))
    files = [os.fspath(f) for f in _layer_files(paths, bundled, updates)]
    order = {f: k for k, f in enumerate(files)}
    # One problem per place: a later stage may see again what an earlier one reported there.
    unique = {(p.file, p.line, p.model, p.field): p for p in reversed(problems) if p.line is not None}
    problems = [p for p in problems if p.line is None or unique[(p.file, p.line, p.model, p.field)] is p]
    problems.sort(key=lambda p: (order.get(p.file, len(order)), p.line or 0))
    return ValidationReport(files=tuple(files), problems=tuple(problems), warnings=warnings, models=count)
