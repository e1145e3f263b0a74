"""Keeping the catalog current: ``advisor.update_catalog`` and ``advisor.catalog_status``.

An update downloads the live sources (:mod:`advisor.live_sources`), merges what each says into the
catalog as it stands (the bundled catalog with the previous update layer on top), and writes the
difference to the bundled catalog as a generated layer in the user data folder, which
:func:`advisor.load_catalog` then uses by default. Beside the layer sit a state file (each source's
validators and fetch times) and a lock file.

Safety rules:

* one source failing leaves that source's previous figures in the layer (they are never removed);
  the report names the source and the reason in one line, and the update fails as a whole only when
  no source could be read;
* the layer is checked before it is written: it must validate on its own and, layered on the
  bundled catalog, reproduce the merged catalog exactly; it is replaced atomically;
* updates are serialised by an exclusive lock on the lock file, so two running at once cannot lose
  each other's work: the second waits, then finds the sources unchanged (one request each).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from advisor.errors import AdvisorError, CatalogError, InputFileError
from advisor.schema import CatalogFile, Model, PricePeriod, Score

__all__ = [
    "CatalogStatus",
    "PriceChange",
    "ScoreSnapshot",
    "SourceResult",
    "SourceStatus",
    "UpdateError",
    "UpdateReport",
    "catalog_status",
    "update_catalog",
]

STATE_SUFFIX = ".state.json"
LOCK_SUFFIX = ".lock"
_STATE_FORMAT = 1


class UpdateError(AdvisorError):
    """No source could be updated (offline, every source failing) or the layer cannot be used."""

    def __init__(self, message: str, report: UpdateReport | None = None) -> None:
        self.report = report
        super().__init__(message)


@dataclass(frozen=True)
class SourceResult:
    """What one source did in an update."""

    name: str
    url: str
    status: Literal["updated", "unchanged", "failed"]
    reason: str | None = None
    """Why it failed, one line."""
    fetched_at: dt.datetime | None = None
    """When its content was last downloaded (this update, or an earlier one when unchanged)."""
    data_date: dt.date | None = None
    """The newest date its figures carry (the leaderboard's publish date), if any."""
    requests: int = 0
    received_bytes: int = 0
    matched: int = 0
    added: int = 0
    """Price periods or scores added."""
    updated: int = 0
    new_models: tuple[str, ...] = ()
    unmatched: tuple[str, ...] = ()
    """Source names that match no catalog id or alias and were not added as models."""
    ambiguous: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    """Source names left out on purpose, each with the reason."""


@dataclass(frozen=True)
class PriceChange:
    """A price period the update starts; ``old_*`` None when the model had no price for the host."""

    model: str
    host: str | None
    since: dt.date | None
    new_input: float
    new_output: float
    old_input: float | None = None
    old_output: float | None = None
    source: str = ""
    changed: tuple[str, ...] = ()
    """The price fields that differ from the period before (``input``, ``cached_input``, ...)."""


@dataclass(frozen=True)
class ScoreSnapshot:
    """A dated snapshot of a metric the update adds, with how many models it scores."""

    metric: str
    as_of: dt.date
    models: int
    source: str


@dataclass(frozen=True)
class UpdateReport:
    """What :func:`update_catalog` did (or, with ``dry_run``, would do). USD per 1M tokens."""

    layer: str
    dry_run: bool
    written: bool
    """Whether the layer file was (re)written."""
    sources: tuple[SourceResult, ...]
    models_added: tuple[str, ...] = ()
    price_changes: tuple[PriceChange, ...] = ()
    """Prices that replace another price in force (old and new given)."""
    prices_added: tuple[PriceChange, ...] = ()
    """Prices of models (or hosts) that had none."""
    score_snapshots: tuple[ScoreSnapshot, ...] = ()

    @property
    def ok(self) -> bool:
        """True when at least one source was read (updated or found unchanged)."""
        return any(s.status != "failed" for s in self.sources)


# --- state and lock -------------------------------------------------------------------------------------


def _state_path(layer: Path) -> Path:
    return layer.with_name(layer.name + STATE_SUFFIX)


def _read_state(layer: Path) -> dict[str, Any]:
    """The state file's content; a missing or unreadable one is empty (the next fetch is a full one)."""
    try:
        data = json.loads(_state_path(layer).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _STATE_FORMAT or not isinstance(data.get("sources"), dict):
        return {}
    return data


def _source_state(entry: Mapping[str, Any] | None) -> Any:
    from advisor.live_sources import SourceState

    if not isinstance(entry, Mapping):
        return None
    names = {f.name for f in dataclasses.fields(SourceState)}
    try:
        return SourceState(**{k: v for k, v in entry.get("validators", {}).items() if k in names})
    except TypeError:
        return None


@contextlib.contextmanager
def _locked(layer: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on the layer's lock file; wait up to ``timeout`` seconds for it."""
    path = layer.with_name(layer.name + LOCK_SUFFIX)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise UpdateError(f"{path}: another update has held the lock for over {timeout:g} s; try again later")
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


# --- the layer ------------------------------------------------------------------------------------------


def _check_layer(text: str, label: str, bundled: Any, layer: CatalogFile) -> Any:
    """The layer text must validate, layer on the bundled catalog, and read back as ``layer``."""
    from advisor.catalog import merge_layers
    from advisor.catalog_io import parse_catalog_bytes

    try:
        loaded = parse_catalog_bytes(text.encode("utf-8"), label)
        merge_layers([bundled, loaded])
    except CatalogError as exc:
        raise UpdateError(f"{label}: the new layer does not validate, nothing written: {exc.problems[0]}") from None
    wrong = sorted(
        {m.id for m in layer.models} ^ {m.id for m in loaded.data.models}
        | {a.id for a, b in zip(layer.models, loaded.data.models, strict=False) if _canonical(a) != _canonical(b)}
    )
    if wrong:
        raise UpdateError(
            f"{label}: the new layer does not read back as written for {len(wrong)} model(s) "
            f"({', '.join(wrong[:5])}); nothing written"
        )
    return loaded


def _canonical(m: Model | None) -> Any:
    if m is None:
        return None
    return dataclasses.replace(
        m,
        aliases=tuple(sorted(m.aliases, key=repr)),
        prices=tuple(sorted(m.prices, key=repr)),
        scores=tuple(sorted(m.scores, key=repr)),
    )


# --- what changed ---------------------------------------------------------------------------------------


def _changes(
    before: Any, after: Any
) -> tuple[tuple[str, ...], tuple[PriceChange, ...], tuple[PriceChange, ...], tuple[ScoreSnapshot, ...]]:
    from advisor.catalog import metric_key
    from advisor.catalog_io import PRICE_FIELDS

    old = {m.id: m for m in before.models}
    added = tuple(sorted(m.id for m in after.models if m.id not in old))
    changed: list[PriceChange] = []
    first: list[PriceChange] = []
    old_keys = {(s.benchmark, s.category, s.as_of) for m in before.models for s in m.scores}
    snapshots: dict[tuple[str, str, dt.date], list[Score]] = {}
    for m in after.models:
        prior = old.get(m.id)
        prior_prices = prior.prices if prior else ()
        starts = {(p.host, p.since): p for p in prior_prices}
        for p in m.prices:
            same = starts.get((p.host, p.since))
            if same is not None and _figures(same) == _figures(p):
                continue  # the same period, perhaps closed by a later one
            day = p.since or dt.date.min
            was = next(
                (
                    q
                    for q in prior_prices
                    if q.host == p.host and (q.since or dt.date.min) <= day < (q.until or dt.date.max)
                ),
                None,
            )
            change = PriceChange(m.id, p.host, p.since, p.input, p.output, source=p.source)
            if was is None:
                first.append(change)
            elif _figures(was) != _figures(p):
                fields = tuple(f for f in (*PRICE_FIELDS, "long_context") if getattr(was, f) != getattr(p, f))
                changed.append(dataclasses.replace(change, old_input=was.input, old_output=was.output, changed=fields))
        for s in m.scores:
            key = (s.benchmark, s.category, s.as_of)
            if key not in old_keys:
                snapshots.setdefault(key, []).append(s)
    snaps = tuple(
        ScoreSnapshot(metric_key(b, c), day, len(scores), scores[0].source)
        for (b, c, day), scores in sorted(
            snapshots.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1] != "overall", kv[0][1])
        )
    )

    def order(c: PriceChange) -> tuple[str, str, dt.date]:
        return (c.model, c.host or "", c.since or dt.date.min)

    return added, tuple(sorted(changed, key=order)), tuple(sorted(first, key=order)), snaps


def _figures(p: PricePeriod) -> tuple[Any, ...]:
    from advisor.periods import price_detail

    return price_detail(p)


# --- update ---------------------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def update_catalog(
    *,
    sources: Sequence[str] | None = None,
    urls: Mapping[str, str] | None = None,
    into: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
    timeout: float = 30.0,
    retries: int = 2,
    force: bool = False,
    today: dt.date | None = None,
    lock_timeout: float = 300.0,
) -> UpdateReport:
    """Fetch the live sources and write the update layer that keeps the catalog current.

    Args:
        sources: Names from :data:`advisor.live_sources.SOURCES` to update (default: all). The
            others keep what the layer has from them.
        urls: ``{source name: URL}`` overriding the public URLs, e.g. for a mirror.
        into: The layer file (default: :func:`advisor.catalog.updates_layer_path`). Its state
            (``<layer>.state.json``) and lock (``<layer>.lock``) files sit beside it.
        dry_run: Fetch and merge, report what would change, write nothing.
        timeout: Seconds per network operation.
        retries: Retries per request after a failure a retry can fix.
        force: Ignore the validators of the last download (fetch everything again).
        today: The day new prices are dated from (default: today); for tests and replays.
        lock_timeout: Seconds to wait for another update of the same layer to finish.

    Returns:
        The report. Raises :class:`UpdateError` when no source could be read (nothing is
        written then) and :class:`~advisor.errors.CatalogError` when the existing layer does not
        validate.
    """
    from advisor.catalog import updates_layer_path
    from advisor.live_sources import SOURCES

    names = list(dict.fromkeys(sources)) if sources else list(SOURCES)
    unknown = [n for n in [*names, *(urls or {})] if n not in SOURCES]
    if unknown:
        raise AdvisorError(f"unknown source {unknown[0]!r} (known: {', '.join(SOURCES)})")
    for name, url in (urls or {}).items():
        if not url.startswith(("http://", "https://")):
            raise AdvisorError(f"source {name}: URL must start with http:// or https://, got {url!r}")
    if timeout <= 0 or retries < 0:
        raise ValueError("timeout must be > 0 and retries >= 0")
    layer = Path(into) if into is not None else updates_layer_path()
    if layer.is_dir():
        raise AdvisorError(f"{layer}: is a folder; give the layer file's path")
    day = today or dt.date.today()
    if dry_run:
        return _update(layer, names, urls or {}, day, timeout, retries, force, dry_run=True)
    try:
        layer.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UpdateError(f"{layer.parent}: cannot create the data folder: {exc.strerror or exc}") from None
    with _locked(layer, lock_timeout):
        return _update(layer, names, urls or {}, day, timeout, retries, force, dry_run=False)


def _update(
    layer: Path,
    names: Sequence[str],
    urls: Mapping[str, str],
    day: dt.date,
    timeout: float,
    retries: int,
    force: bool,
    *,
    dry_run: bool,
) -> UpdateReport:
    from advisor import _http
    from advisor.catalog import bundled_catalog_path, merge_layers
    from advisor.catalog_io import LoadedFile, load_file
    from advisor.live_sources import SOURCES, MergeContext

    previous = load_file(layer) if layer.exists() else None
    # Without the layer, the validators of the last download are worthless: fetch everything.
    state = {} if force or previous is None else _read_state(layer)
    old_sources: Mapping[str, Any] = state.get("sources", {})
    new_sources: dict[str, Any] = dict(old_sources)

    def fetch(
        url: str, *, etag: str | None = None, last_modified: str | None = None, max_bytes: int = _http.DEFAULT_MAX_BYTES
    ) -> _http.Response:
        return _http.fetch(
            url, etag=etag, last_modified=last_modified, timeout=timeout, retries=retries, max_bytes=max_bytes
        )

    bundled: LoadedFile | None = None
    below = None
    current = previous.data if previous is not None else CatalogFile(schema_version=1)
    results: list[SourceResult] = []
    offline = 0
    for name in names:
        source = SOURCES[name]
        url = urls.get(name, source.url)
        prior = old_sources.get(name) if isinstance(old_sources.get(name), Mapping) else None
        fetched_before = _parse_time(prior.get("fetched_at")) if prior else None
        data_before = _parse_day(prior.get("data_date")) if prior else None
        try:
            got = source.download(source, url, _source_state(prior), fetch)
            if got.not_modified:
                result = SourceResult(
                    name,
                    url,
                    "unchanged",
                    fetched_at=fetched_before,
                    data_date=data_before,
                    requests=got.requests,
                    received_bytes=got.received,
                )
            else:
                if below is None:  # read only when some source has news
                    bundled = load_file(bundled_catalog_path())
                    below = _below(bundled, layer)
                current, rep = source.merge(source, current, got, MergeContext(below, day, url))
                result = SourceResult(
                    name, url, "updated", fetched_at=_now(), data_date=got.data_date or data_before,
                    requests=got.requests, received_bytes=got.received, matched=rep.matched, added=rep.added,
                    updated=rep.updated, new_models=rep.new_models, unmatched=rep.unmatched, ambiguous=rep.ambiguous,
                    skipped=rep.skipped,
                )  # fmt: skip
        except _http.FetchError as exc:
            offline += exc.offline
            result = SourceResult(
                name, url, "failed", reason=exc.reason, fetched_at=fetched_before, data_date=data_before
            )
        except (InputFileError, CatalogError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            result = SourceResult(name, url, "failed", reason=reason, fetched_at=fetched_before, data_date=data_before)
        if result.status == "failed":
            if prior is not None:
                new_sources[name] = {**prior, "last_error": result.reason, "last_error_at": _now().isoformat()}
        else:
            new_sources[name] = {
                "url": url,
                "fetched_at": result.fetched_at.isoformat() if result.fetched_at else None,
                "checked_at": _now().isoformat(),
                "data_date": result.data_date.isoformat() if result.data_date else None,
                "validators": _jsonable_state(got.state),
            }
        results.append(result)

    report = UpdateReport(str(layer), dry_run, False, tuple(results))
    if not report.ok:
        first = results[0]
        if offline == len(results):
            raise UpdateError(
                f"offline: no source could be reached ({first.name}: {first.reason}); nothing changed", report
            )
        reasons = "; ".join(f"{r.name}: {r.reason}" for r in results)
        raise UpdateError(f"no source could be updated ({reasons}); nothing changed", report)
    if bundled is None:  # every source unchanged: nothing to merge or write but the check times
        if not dry_run:
            _write_state(layer, new_sources)
        return report

    from advisor.writer import dump_catalog_file

    used = {r.name for r in results if r.status == "updated"} | {n for n in old_sources if n in SOURCES}
    notice = "\n".join(SOURCES[n].attribution for n in SOURCES if n in used) or None
    current = dataclasses.replace(current, notice=notice)
    text = dump_catalog_file(current, fast=True)
    checked = _check_layer(text, str(layer), bundled, current)
    before = merge_layers([bundled] if previous is None else [bundled, previous])
    added, changed, first_prices, snaps = _changes(before, merge_layers([bundled, checked]))
    report = dataclasses.replace(
        report, models_added=added, price_changes=changed, prices_added=first_prices, score_snapshots=snaps
    )
    if dry_run:
        return report
    raw = text.encode("utf-8")
    written = previous is None or layer.read_bytes() != raw
    if written:
        from advisor._io import atomic_write_bytes

        atomic_write_bytes(layer, raw)
        _remember(layer, raw, checked)
    _write_state(layer, new_sources)
    return dataclasses.replace(report, written=written)


def _below(bundled: Any, layer: Path) -> Any:
    """The catalog under the update layer: the bundled one (a broken bundled catalog is not ours to fix)."""
    from advisor.catalog import merge_layers

    return merge_layers([bundled])


def _remember(layer: Path, raw: bytes, loaded: Any) -> None:
    """Put the just-validated layer in the parse cache, so the next command need not parse it again."""
    from advisor import catalog_io

    try:
        from advisor import _cache

        entry = catalog_io._cache_path(str(layer))
        if entry is not None:
            _cache.write_entry(entry, raw, _cache.to_data((loaded.data, loaded.warnings)))
    except Exception:  # the cache only ever costs speed
        pass


def _jsonable_state(state: Any) -> dict[str, Any]:
    from advisor._jsonable import jsonable

    out: dict[str, Any] = jsonable(state)
    return out


def _write_state(layer: Path, sources: Mapping[str, Any]) -> None:
    from advisor._io import atomic_write_text

    text = json.dumps({"format": _STATE_FORMAT, "sources": sources}, indent=2, sort_keys=True)
    atomic_write_text(_state_path(layer), text + "\n")


def _parse_time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _parse_day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# --- status ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceStatus:
    """One live source as the update layer's state records it."""

    name: str
    url: str | None
    license: str
    fetched_at: dt.datetime | None
    """When its content was last downloaded."""
    checked_at: dt.datetime | None
    """When it was last found current (a download or a 304)."""
    data_date: dt.date | None
    last_error: str | None = None


@dataclass(frozen=True)
class CatalogStatus:
    """What the catalog is made of and how old its figures are (ages in days, as of ``today``)."""

    today: dt.date
    bundled: str
    bundled_newest_price: dt.date | None
    bundled_newest_score: dt.date | None
    layer: str
    layer_present: bool
    sources: tuple[SourceStatus, ...]
    newest_price: dt.date | None
    """The newest start of a price period in force by today, bundled catalog and layer together."""
    newest_score: dt.date | None
    """The newest score snapshot, bundled catalog and layer together."""
    price_age_days: int | None
    score_age_days: int | None
    models: int
    priced: int = 0
    """Models with a price in force today (reasoning modes the Arena rates separately not counted)."""
    priced_with_context: int = 0
    """Of those, the ones with a known context window."""
    scored: int = 0
    """Models with at least one score (any date, any metric)."""
    metrics: int = 0
    """Metrics (``benchmark`` or ``benchmark/category``) with at least one score."""
    snapshots: int = 0
    """Dated score snapshots: distinct (benchmark, date) pairs."""
    newest_price_change: dt.date | None = None
    """The newest start of any price period, announced future changes included."""


def _newest(models: Sequence[Model], today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    prices = [p.since for m in models for p in m.prices if p.since is not None and p.since <= today]
    scores = [s.as_of for m in models for s in m.scores if s.as_of <= today]
    return (max(prices) if prices else None), (max(scores) if scores else None)


def catalog_status(*, into: str | os.PathLike[str] | None = None, today: dt.date | None = None) -> CatalogStatus:
    """The bundled catalog's dates, the update layer's sources and fetch times, and the data's age.

    Args:
        into: The update layer (default: :func:`advisor.catalog.updates_layer_path`).
        today: The day ages are counted to (default: today).
    """
    from advisor.catalog import bundled_catalog_path, merge_layers
    from advisor.catalog_io import load_file
    from advisor.live_sources import SOURCES

    day = today or dt.date.today()
    from advisor.catalog import updates_layer_path

    layer = Path(into) if into is not None else updates_layer_path()
    bundled = load_file(bundled_catalog_path())
    files = [bundled]
    if layer.is_file():
        files.append(load_file(layer))
    on_its_own = merge_layers([bundled])  # with its score tables, which hold most scores
    catalog = merge_layers(files) if len(files) > 1 else on_its_own
    b_price, b_score = _newest(on_its_own.models, day)
    price, score = _newest(catalog.models, day)
    view = catalog.as_of(day)
    priced = [m for m in view.models if m.prices and m.mode_of is None]
    starts = [p.since for m in catalog.models for p in m.prices if p.since is not None]
    recorded = _read_state(layer).get("sources", {})
    statuses = []
    for name, source in SOURCES.items():
        entry = recorded.get(name) if isinstance(recorded.get(name), Mapping) else {}
        statuses.append(
            SourceStatus(
                name=name,
                url=entry.get("url") or source.url,
                license=source.license,
                fetched_at=_parse_time(entry.get("fetched_at")),
                checked_at=_parse_time(entry.get("checked_at")),
                data_date=_parse_day(entry.get("data_date")),
                last_error=entry.get("last_error") if isinstance(entry.get("last_error"), str) else None,
            )
        )
    return CatalogStatus(
        today=day,
        bundled=str(bundled_catalog_path()),
        bundled_newest_price=b_price,
        bundled_newest_score=b_score,
        layer=str(layer),
        layer_present=layer.is_file(),
        sources=tuple(statuses),
        newest_price=price,
        newest_score=score,
        price_age_days=(day - price).days if price else None,
        score_age_days=(day - score).days if score else None,
        models=len(catalog),
        priced=len(priced),
        priced_with_context=sum(1 for m in priced if m.context_window),
        scored=sum(1 for m in catalog.models if m.scores),
        metrics=len(catalog.metrics()),
        snapshots=len({(s.benchmark, s.as_of) for m in catalog.models for s in m.scores}),
        newest_price_change=max(starts) if starts else None,
    )
