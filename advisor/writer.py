"""Write catalog files as compact, diff-friendly YAML that reads back to the same objects.

Layout choices, all for small reviewable diffs and fast loading:

* keys follow a fixed order per type (dates first, ``source`` last on prices and scores);
* fields equal to their defaults are left out (``currency`` is kept: a file should state its unit);
* every alias, price period, long-context tier and score is a one-line flow mapping, so a new price
  or score is a one-line change;
* dates are plain (``2024-07-18``) so YAML reads them as dates, floats are the shortest text that
  reads back exactly (``0.15``), and integral floats are written as integers (``15``);
* strings are quoted only where YAML would otherwise misread them.

The pure-Python PyYAML emitter is used on purpose (not libyaml) so the bytes do not depend on how
PyYAML was built: the bundled catalog is checked to rebuild byte for byte.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from collections.abc import Callable
from typing import Any

import yaml

from advisor._io import atomic_write_bytes
from advisor.errors import AdvisorError, CatalogError, Problem
from advisor.schema import (
    Alias,
    Benchmark,
    CatalogFile,
    LongContextTier,
    Model,
    PricePeriod,
    Score,
    Source,
)

__all__ = ["dump_catalog_file", "write_catalog_file"]

# Field order per type. Every field of the schema must appear (checked by the tests), so a field
# added to the schema cannot be silently dropped by the writer.
_ORDER: dict[type[Any], tuple[str, ...]] = {
    CatalogFile: ("schema_version", "currency", "notice", "sources", "benchmarks", "score_tables", "models"),
    Source: ("title", "url", "license", "retrieved", "note"),
    Benchmark: ("name", "scale", "higher_is_better", "elo_scale", "elo_base", "url", "description"),
    Alias: ("name", "since", "until"),
    LongContextTier: ("above_input_tokens", "input", "output", "cached_input"),
    PricePeriod: (
        "since",
        "until",
        "host",
        "input",
        "output",
        "cached_input",
        "cache_write",
        "cache_write_1h",
        "batch_input",
        "batch_output",
        "flex_input",
        "flex_output",
        "priority_input",
        "priority_output",
        "long_context",
        "source",
        "note",
    ),
    Score: ("benchmark", "category", "as_of", "value", "ci_lower", "ci_upper", "votes", "source"),
    Model: (
        "id",
        "name",
        "provider",
        "aliases",
        "released",
        "retired",
        "retired_source",
        "successor",
        "mode_of",
        "license",
        "open_weights",
        "context_window",
        "max_output_tokens",
        "knowledge_cutoff",
        "output_multiplier",
        "source",
        "notes",
        "prices",
        "scores",
    ),
}
_FLOW = (Alias, LongContextTier, PricePeriod, Score)
_ALWAYS = {(CatalogFile, "currency")}


def _defaults(cls: type[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            out[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            out[f.name] = f.default_factory()
    return out


_DEFAULTS = {cls: _defaults(cls) for cls in _ORDER}


class _Dumper(yaml.SafeDumper):
    """SafeDumper with the catalog's representers; never used for anything else."""

    def ignore_aliases(self, data: Any) -> bool:
        # Shared objects (the same date on a price and a score) must not become &anchors.
        return True


def _represent_float(dumper: yaml.SafeDumper, value: float) -> yaml.ScalarNode:
    if not math.isfinite(value):  # the schema forbids these; fail loudly rather than write junk
        raise AdvisorError(f"cannot write non-finite number {value!r}")
    if value.is_integer() and abs(value) < 1e15:
        # Tagged as an int so it stays plain; validation turns it back into the same float.
        return dumper.represent_scalar("tag:yaml.org,2002:int", str(int(value)))
    text = repr(value)
    if "e" in text and "." not in text.split("e")[0]:
        # YAML 1.1 (PyYAML) reads "1e-07" as a string; "1.0e-07" is a float.
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line text (license notices) reads best as a literal block.
    style = "|" if "\n" in value.rstrip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_dataclass(cls: type[Any]) -> Callable[[yaml.SafeDumper, Any], yaml.Node]:
    order = _ORDER[cls]
    defaults = _DEFAULTS[cls]
    flow = cls in _FLOW

    def represent(dumper: yaml.SafeDumper, obj: Any) -> yaml.Node:
        items: list[tuple[str, Any]] = []
        for name in order:
            value = getattr(obj, name)
            if name in defaults and value == defaults[name] and (cls, name) not in _ALWAYS:
                continue
            if cls is Alias and name == "name" and obj.since is None and obj.until is None:
                return dumper.represent_data(value)  # an undated alias is a plain string
            items.append((name, list(value) if isinstance(value, tuple) else value))
        node = dumper.represent_mapping("tag:yaml.org,2002:map", items)
        node.flow_style = flow
        return node

    return represent


def _represent_tuple(dumper: yaml.SafeDumper, value: tuple[Any, ...]) -> yaml.Node:
    return dumper.represent_list(list(value))


class _FastDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """The same representers on libyaml's emitter: many times faster, bytes may differ by build."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


for _dumper in (_Dumper, _FastDumper):
    _dumper.add_representer(float, _represent_float)
    _dumper.add_representer(str, _represent_str)
    _dumper.add_representer(tuple, _represent_tuple)
    for _cls in _ORDER:
        _dumper.add_representer(_cls, _represent_dataclass(_cls))


def _check_dates(cf: CatalogFile) -> None:
    # A datetime would be written with a time part and read back as a datetime, not a date.
    for model in cf.models:
        for item in (*model.prices, *model.scores, *model.aliases):
            for name in ("since", "until", "as_of"):
                value = getattr(item, name, None)
                if isinstance(value, dt.datetime):
                    raise TypeError(f"model {model.id!r}: {name} must be a date, not a datetime")


def dump_catalog_file(cf: CatalogFile, *, fast: bool = False) -> str:
    """Return ``cf`` as YAML text that :func:`yaml.safe_load` plus validation turns back into ``cf``.

    Args:
        cf: A validated catalog file.
        fast: Use libyaml's emitter when PyYAML has it: far faster for large generated files (the
            catalog update layer), but the exact bytes may depend on the libyaml build, so files
            checked byte for byte (the bundled catalog) use the default.

    Returns:
        UTF-8-ready text ending in a newline.

    >>> print(dump_catalog_file(CatalogFile(schema_version=1)), end="")
    schema_version: 1
    currency: USD
    """
    if not isinstance(cf, CatalogFile):
        raise TypeError(f"cf must be a CatalogFile, not {type(cf).__name__}")
    _check_dates(cf)
    text: str = yaml.dump(
        cf,
        Dumper=_FastDumper if fast else _Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # one line per flow mapping, however long
        indent=2,
    )
    return text


def _non_finite(cf: CatalogFile) -> list[tuple[str | None, str, float]]:
    """``(model id, field path, value)`` of every NaN or infinity in ``cf`` (an importer's overflow)."""
    from advisor.catalog_io import field_path

    found: list[tuple[str | None, str, float]] = []

    def walk(obj: Any, model: str | None, path: tuple[str | int, ...]) -> None:
        if isinstance(obj, float):
            if not math.isfinite(obj):
                found.append((model, field_path(path) or "?", obj))
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            for f in dataclasses.fields(obj):
                walk(getattr(obj, f.name), model, (*path, f.name))
        elif isinstance(obj, tuple):
            for k, item in enumerate(obj):
                walk(item, model, (*path, k))
        elif isinstance(obj, dict):
            for key, item in obj.items():
                walk(item, model, (*path, str(key)))

    for m in cf.models:
        walk(m, m.id, ())
    walk(dataclasses.replace(cf, models=()), None, ())
    return found


def write_catalog_file(path: str | os.PathLike[str], cf: CatalogFile) -> None:
    """Write ``cf`` to ``path`` atomically: readers see the old file or the new one, never half.

    The text is read back through the same checks as :func:`advisor.load_catalog` first, so a file
    that would not load is never written (the old one stays).

    Args:
        path: Destination; its folder must exist. A symlink is written through; an existing file
            keeps its permissions (see :func:`advisor._io.atomic_write_bytes`).
        cf: The catalog file to write.

    Raises:
        CatalogError: the contents would not load; the first line says nothing was written.
        WriteError: the path cannot be written.
    """
    from advisor.catalog_io import parse_catalog_bytes

    label = os.fspath(path)
    bad = _non_finite(cf)
    if bad:
        head = Problem(label, "not written: the new contents would not load:")
        raise CatalogError([head, *(Problem(label, f"not a finite number: {v!r}", None, m, f) for m, f, v in bad)])
    data = dump_catalog_file(cf).encode("utf-8")
    try:
        parse_catalog_bytes(data, label)
    except CatalogError as exc:
        head = Problem(label, "not written: the new contents would not load:")
        raise CatalogError([head, *exc.problems]) from None
    atomic_write_bytes(path, data)
