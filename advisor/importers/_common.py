"""What every importer shares: the report, the layered workspace, reading input bytes, merging scores.

An import writes one catalog file (the *layer*) that sits on top of other catalogs (*below*: the
bundled catalog and any ``--catalog`` layers). Names in the source are matched against the whole
layered catalog (ids and dated aliases, exact and case-insensitive, see :mod:`advisor.names`); a
name denoting two models on the date in question is ambiguous and is reported, never guessed. The
layer receives only what the import changes: a model known below gets an override entry holding the
new prices, scores or fields; a new model is written in full. Importing the same figures twice
changes nothing.

The importers' cores take bytes (or a path, read here at the edge) and return the new layer with a
report; they write nothing, so a live update can run them on bytes fetched from the network.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from advisor.errors import AdvisorError, InputFileError
from advisor.names import NameIndex
from advisor.schema import Benchmark, CatalogFile, Model, Score, Source

if TYPE_CHECKING:
    from advisor.catalog import Catalog

Input = bytes | str | os.PathLike[str]
"""What an importer reads: the source's bytes, or a path to read them from."""

_P = ParamSpec("_P")
_R = TypeVar("_R")
_D = TypeVar("_D")


def bulk(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run an importer with the cyclic garbage collector paused (restored on return or error).

    An import builds a few container objects per source key or row and frees none of them until
    it returns, and it makes no reference cycles; the collections its allocations would trigger
    walk every live object (the parsed source, the catalog below, the new layer) again and again,
    for nothing: a third of a 100,000-key LiteLLM map's import. Paused, the objects it made are
    collected once, at the first allocation after it returns. The pause is process-wide: another
    thread allocating meanwhile is collected then too.
    """

    @functools.wraps(fn)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return run


_REQUIRED: Any = object()
"""Stands for a required field's value in a :func:`make` template."""
_TEMPLATES: dict[type[Any], tuple[dict[str, Any], tuple[str, ...]]] = {}


def _template(cls: type[Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """``(every field -> its default or _REQUIRED, in field order; the required names)`` of a dataclass."""
    found = _TEMPLATES.get(cls)
    if found is None:
        fields = dataclasses.fields(cls)
        if any(f.default_factory is not dataclasses.MISSING for f in fields):
            raise TypeError(f"{cls.__name__} has a default_factory: build it with its constructor")
        template = {f.name: _REQUIRED if f.default is dataclasses.MISSING else f.default for f in fields}
        found = _TEMPLATES[cls] = (template, tuple(n for n, v in template.items() if v is _REQUIRED))
    return found


def make(cls: type[_D], **fields: Any) -> _D:
    """``cls(**fields)`` for the schema's frozen dataclasses (those without default factories), cheaper.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``: building a
    model (twenty-three fields) that way was an eighth of a LiteLLM key's import. This fills the
    instance's fields directly, in field order, as the cache loader does. A missing required field
    or an unknown name is a :class:`TypeError`, as with the constructor.
    """
    template, required = _template(cls)
    obj = object.__new__(cls)
    values = obj.__dict__
    values.update(template)
    values.update(fields)
    missing = [name for name in required if values[name] is _REQUIRED]
    if missing or len(values) != len(template):
        wrong = sorted({*missing, *(fields.keys() - template.keys())})
        raise TypeError(f"{cls.__name__}: missing or unknown field(s) {', '.join(wrong)}")
    return obj


def evolve(obj: _D, **changes: Any) -> _D:
    """``dataclasses.replace`` for the schema's frozen dataclasses without re-running ``__init__``.

    The schema's dataclasses hold their fields in ``__dict__`` and do nothing else on creation,
    so a copy of the fields with ``changes`` applied is the same object ``replace`` would build,
    at a fifth of the cost (an importer makes one per changed model). A name that is not a field
    is a :class:`TypeError`, as with ``replace``.
    """
    fields = obj.__dict__
    if not changes.keys() <= fields.keys():
        unknown = ", ".join(sorted(changes.keys() - fields.keys()))
        raise TypeError(f"{type(obj).__name__} has no field(s) {unknown}")
    new = object.__new__(type(obj))
    new.__dict__.update(fields, **changes)
    return new


@dataclass(frozen=True)
class ImportReport:
    """What an import did, for people (the CLI summary) and scripts (``--json``).

    Counts are of catalog entries (price periods, scores, models); name lists are sorted.
    """

    kind: str
    file: str
    source_key: str
    matched: int = 0
    """Source rows or keys that matched a catalog model."""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    new_models: tuple[str, ...] = ()
    """Ids of models created from unmatched rows (``add_new=True``)."""
    unmatched: tuple[str, ...] = ()
    """Source names that match no id or alias; nothing was imported for them."""
    ambiguous: tuple[str, ...] = ()
    """Source names that match several models (or one model several times); nothing imported."""
    skipped: tuple[str, ...] = ()
    """Rows left out on purpose, each with the reason."""
    limits: int = 0
    """Models whose context window and max output tokens (or other metadata) this import set or changed."""
    retired: int = 0
    """Models whose retirement date this import set or changed."""


@dataclass(frozen=True)
class ImportResult:
    """The layer after the import and the report of what changed."""

    catalog: CatalogFile
    report: ImportReport


def read_input(src: Input, label: str | None = None) -> tuple[bytes, str]:
    """``(bytes, label)`` of an import source: bytes are taken as given, a path is read (the only file I/O)."""
    if isinstance(src, bytes):
        return src, label or "<bytes>"
    p = Path(src)
    try:
        return p.read_bytes(), label or str(p)
    except OSError as exc:
        raise InputFileError(f"{p}: cannot read: {exc.strerror or exc}") from None


def decode(data: bytes, label: str) -> str:
    """The text of source bytes; bytes that are not UTF-8 are an :class:`InputFileError` naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(f"{label}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x})") from None


def read_text(src: Input, label: str | None = None) -> str:
    """The decoded text of an import source (see :func:`read_input`)."""
    data, where = read_input(src, label)
    return decode(data, where)


def parse_json(src: Input, label: str | None = None) -> tuple[Any, str, str]:
    """``(parsed JSON, text, label)`` of a source; malformed JSON is an :class:`InputFileError` with the line."""
    import json

    data, where = read_input(src, label)
    text = decode(data, where)
    try:
        return json.loads(text), text, where
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{where}:{exc.lineno}: malformed JSON: {exc.msg}") from None


def json_line_of(text: str, key: str) -> int:
    """The line where ``"key"`` first appears in JSON text (1 if absent); only called for error messages."""
    import json

    at = text.find(json.dumps(key))
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


class Counts:
    """Mutable tallies an importer fills in while it works."""

    def __init__(self) -> None:
        self.added = 0
        self.updated = 0
        self.unchanged = 0

    def bump(self, outcome: str) -> None:
        """Count one merge outcome (``added``/``updated``/``unchanged``)."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def report(
        self,
        kind: str,
        file: str,
        source_key: str,
        matched: int,
        *,
        new_models: Iterable[str] = (),
        unmatched: Iterable[str] = (),
        ambiguous: Iterable[str] = (),
        skipped: Iterable[str] = (),
        **extra: int,
    ) -> ImportReport:
        """The import's report: these tallies, with every name list sorted."""
        return ImportReport(
            kind=kind,
            file=file,
            source_key=source_key,
            matched=matched,
            added=self.added,
            updated=self.updated,
            unchanged=self.unchanged,
            new_models=tuple(sorted(new_models)),
            unmatched=tuple(sorted(unmatched)),
            ambiguous=tuple(sorted(ambiguous)),
            skipped=tuple(sorted(skipped)),
            **extra,
        )


class Workspace:
    """The layer being written (``base``) over the catalog below it: importers edit whole models here.

    ``models`` maps ids to the *effective* models (below overlaid with the layer), in order; an
    importer replaces entries of it and adds new models, then :meth:`layer` turns the differences
    into the layer's entries. ``index`` resolves names over all of it.
    """

    def __init__(
        self,
        base: CatalogFile,
        below: Catalog | None = None,
        *,
        source_key: str | None = None,
        source: Source | None = None,
        benchmarks: Mapping[str, Benchmark] | None = None,
    ) -> None:
        from advisor.catalog import overlay_model

        sources = dict(base.sources)
        if source is not None and source_key is not None:
            sources[source_key] = source
        known_benchmarks = dict(below.benchmarks) if below is not None else {}
        known_benchmarks.update(base.benchmarks)
        missing = {k: b for k, b in (benchmarks or {}).items() if k not in known_benchmarks}
        self.base = dataclasses.replace(base, sources=sources, benchmarks={**base.benchmarks, **missing})
        self.known_sources = {**(below.sources if below is not None else {}), **sources}
        self.known_benchmarks = {**known_benchmarks, **missing}
        if source_key is not None:
            require_source(self.known_sources, source_key)
        self._below: dict[str, Model] = {m.id: m for m in below.models} if below is not None else {}
        self.models: dict[str, Model] = dict(self._below)
        self.index = NameIndex(self.models.values())
        self._entry_of: dict[str, int] = {}
        for i, entry in enumerate(base.models):
            if entry.id in self.models:
                target = entry.id
            else:
                ids = self.index.ids(entry.id)
                target = ids[0] if len(ids) == 1 else entry.id
            self._entry_of[target] = i
            self.models[target] = overlay_model(self.models[target], entry) if target in self.models else entry
            self.index.add(self.models[target])
        self._before = dict(self.models)

    def ids(self, name: str, on: dt.date | None = None) -> list[str]:
        """The ids ``name`` denotes (on ``on``, if given: dated aliases count only within their dates)."""
        return self.index.ids(name, on)

    def put(self, model: Model) -> None:
        """Replace a model (same id) or add a new one."""
        old = self.models.get(model.id)
        self.models[model.id] = model
        if old is None or old.aliases != model.aliases:
            self.index.add(model)

    def is_new(self, model_id: str) -> bool:
        """Whether the model exists only in the layer (so the layer must describe it in full)."""
        return model_id not in self._below

    def layer(self) -> CatalogFile:
        """The layer file: its own entries updated with what changed, and override entries for the rest."""
        entries = list(self.base.models)
        for model_id, model in self.models.items():
            old = self._before.get(model_id)
            if old is not None and (old is model or old == model):
                continue
            at = self._entry_of.get(model_id)
            if self.is_new(model_id):
                entry = model
            else:
                start = entries[at] if at is not None else Model(id=model_id)
                entry = _delta(start, old if old is not None else self._below[model_id], model)
            if at is None:
                self._entry_of[model_id] = len(entries)
                entries.append(entry)
            else:
                entries[at] = entry
        return dataclasses.replace(self.base, models=tuple(entries))


def _delta(entry: Model, old: Model, new: Model) -> Model:
    """``entry`` (a layer's override of ``old``) changed so that the layered result becomes ``new``."""
    from advisor.catalog import OVERRIDABLE

    changes: dict[str, Any] = {}
    for f in OVERRIDABLE:
        value = getattr(new, f.name)
        if value != getattr(old, f.name) and value != f.default:
            changes[f.name] = value
    aliases = entry.aliases + tuple(a for a in new.aliases if a not in old.aliases and a not in entry.aliases)
    prices = entry.prices
    hosts = {p.host for p in new.prices} | {p.host for p in old.prices}
    changed = {h for h in hosts if [p for p in new.prices if p.host == h] != [p for p in old.prices if p.host == h]}
    if changed:
        from advisor.periods import sorted_prices

        prices = sorted_prices(
            [*(p for p in entry.prices if p.host not in changed), *(p for p in new.prices if p.host in changed)]
        )
    old_scores = set(old.scores)
    fresh = [s for s in new.scores if s not in old_scores]
    scores = entry.scores
    if fresh:
        keys = {(s.benchmark, s.category, s.as_of) for s in fresh}
        scores = tuple(s for s in entry.scores if (s.benchmark, s.category, s.as_of) not in keys) + tuple(fresh)
    return dataclasses.replace(entry, **changes, aliases=aliases, prices=prices, scores=scores)


def set_score(scores: Sequence[Score], new: Score) -> tuple[tuple[Score, ...], str]:
    """Add or replace the score of the same benchmark, category and date."""
    key = (new.benchmark, new.category, new.as_of)
    old = [s for s in scores if (s.benchmark, s.category, s.as_of) == key]
    if old == [new]:
        return tuple(scores), "unchanged"
    rest = [s for s in scores if (s.benchmark, s.category, s.as_of) != key]
    out = sorted([*rest, new], key=lambda s: (s.benchmark, s.category, s.as_of))
    return tuple(out), "updated" if old else "added"


def usd_per_mtok(per_token: float) -> float:
    """USD per token to USD per 1M tokens, rounded to 10 significant digits to drop float noise.

    >>> usd_per_mtok(1.5e-07)
    0.15
    """
    return float(f"{per_token * 1e6:.10g}")


def rounded(usd: float) -> float:
    """A USD-per-1M figure with float noise removed (10 significant digits)."""
    return float(f"{usd:.10g}")


def require_source(sources: Mapping[str, Source] | CatalogFile, source_key: str) -> None:
    """Every figure must name a known source: fail early, before any work, if it does not."""
    known = sources.sources if isinstance(sources, CatalogFile) else sources
    if not source_key or not source_key.strip():
        raise AdvisorError("source_key must be a non-empty string")
    if source_key not in known:
        names = ", ".join(sorted(known)) or "none"
        raise AdvisorError(f"source_key {source_key!r} is not in the catalog's sources (known: {names})")
