"""Reading catalog files: strict YAML, pydantic validation, errors that name file, line and field.

Loading is paid on every CLI call and every service start, so a file that validated once is kept
as plain JSON data in a private cache folder, bound to a digest of the exact bytes it was made
from (see :mod:`advisor._cache`); a hit (same bytes) needs neither YAML parsing nor pydantic. The
cache is only an accelerator: any problem with it falls back to a full load.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import os
import stat
import sys
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from advisor import schema
from advisor.errors import CatalogError, Problem, close_matches
from advisor.money import usd

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Larger files are refused before reading: the bundled catalog is well under 1 MiB."""
MAX_EXPANDED_NODES = 2_000_000
"""YAML aliases may not expand a document beyond this many nodes ("billion laughs")."""
PER_TOKEN_SUSPECT_BELOW = 0.001
"""A nonzero price under $0.001 per 1M tokens was almost surely entered per token."""


@dataclasses.dataclass(frozen=True)
class LoadedFile:
    """A validated catalog file with its label (the path as given) and its warnings."""

    label: str
    data: schema.CatalogFile
    warnings: tuple[Problem, ...] = ()
    positions: tuple[int, ...] | None = None
    """For the valid part of a file with problems: each model's index in the file (else None)."""


def read_catalog_file(path: str | os.PathLike[str]) -> schema.CatalogFile:
    """Read and validate one catalog file on its own; raise :class:`CatalogError` listing every problem."""
    return load_file(path).data


def load_file(path: str | os.PathLike[str], *, use_cache: bool = True) -> LoadedFile:
    """Read one catalog file, from the cache when its bytes were validated before."""
    label = os.fspath(path)
    raw = _read_bytes(Path(path), label)
    if use_cache:
        shipped = _shipped_get(label, raw)
        if shipped is not None:
            return shipped
    cache_file = _cache_path(label) if use_cache else None
    if cache_file is not None:
        cached = _cache_get(cache_file, raw, label)
        if cached is not None:
            return cached
    loaded = parse_catalog_bytes(raw, label)
    if cache_file is not None:
        from advisor import _cache

        _cache.write_entry(cache_file, raw, _cache.to_data((loaded.data, loaded.warnings)))
    return loaded


def parse_catalog_bytes(raw: bytes, label: str) -> LoadedFile:
    """Validate the bytes of a catalog file; ``label`` names it in messages.

    Every stage runs even when an earlier one found problems (duplicate keys, hidden characters,
    schema, cross-field rules), on the part of the file that passed the earlier ones, so one run
    reports everything. On failure the :class:`CatalogError` carries that valid part as
    ``partial`` (for the checks across files).
    """
    text = _decode(raw, label)
    data, problems = _parse_yaml(text, label)
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "nothing"
        raise CatalogError(
            [Problem(label, f"the top level must be a mapping with schema_version and models, not {kind}", 1)]
        )
    _normalise_aliases(data)
    problems += _check_raw_names(data, label)
    catalog_file, positions, schema_problems = _validate(data, label)
    problems += schema_problems
    warnings: list[Problem] = []
    if catalog_file is not None:
        file_problems, warnings = _check_file(catalog_file, label, positions)
        problems += file_problems
    loaded = None
    if catalog_file is not None:
        kept = None if len(positions) == len(data.get("models") or ()) and not problems else positions
        loaded = LoadedFile(label, catalog_file, tuple(_locate(warnings, text)), kept)
    if problems:
        raise CatalogError(_locate(problems, text), partial=loaded)
    assert loaded is not None  # no problems means the whole file validated
    return loaded


# --- reading --------------------------------------------------------------------------------------


def _read_bytes(path: Path, label: str) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise CatalogError([Problem(label, "is a folder, not a catalog file")])
        if size > MAX_FILE_BYTES:
            raise CatalogError(
                [
                    Problem(
                        label,
                        f"file is {size:,} bytes, far larger than any catalog "
                        f"(limit {MAX_FILE_BYTES:,}); refusing to read it",
                    )
                ]
            )
        with path.open("rb") as fh:
            # Read at most one byte past the limit, in case the file grew since stat().
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise CatalogError([Problem(label, "no such file")]) from None
    except PermissionError:
        raise CatalogError([Problem(label, "permission denied")]) from None
    except OSError as exc:
        raise CatalogError([Problem(label, f"cannot read: {exc.strerror or exc}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise CatalogError([Problem(label, f"file is larger than {MAX_FILE_BYTES:,} bytes; refusing to read it")])
    return raw


def _decode(raw: bytes, label: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(
            [Problem(label, f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded", line)]
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        raise CatalogError([Problem(label, "file is empty")])
    return text


def _yaml_loader_class() -> type[Any]:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        """Safe loading that rejects duplicate keys (PyYAML silently keeps the last one)."""

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.tags: dict[str, str] = {}

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            """PyYAML's tag resolution, remembered per plain scalar: a catalog repeats its keys,
            dates and numbers thousands of times, and each costs a few regular expressions."""
            if kind is yaml.ScalarNode and implicit[0] and not self.yaml_path_resolvers:
                tag = self.tags.get(value)
                if tag is None:
                    tag = self.tags[value] = super().resolve(kind, value, implicit)
                return tag
            return super().resolve(kind, value, implicit)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode) and len(node.value) > 1:
                seen: set[str] = set()
                for key_node, _ in node.value:
                    key = key_node.value
                    if not isinstance(key, str) or key == "<<":
                        continue
                    if key in seen:
                        self.duplicates.append((key, key_node.start_mark.line + 1))
                    seen.add(key)
            return super().construct_mapping(node, deep=deep)

    StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
    StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    return StrictLoader


def _construct_map(loader: Any, node: Any) -> Iterator[dict[Any, Any]]:
    data: dict[Any, Any] = {}
    yield data
    data.update(loader.construct_mapping(node))


def _construct_timestamp(loader: Any, node: Any) -> Any:
    """A date YAML cannot build (2024-02-30) stays text, for validation to name it with its field."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return str(node.value)


def _construct_int(loader: Any, node: Any) -> Any:
    """An integer Python will not build (thousands of digits) stays text, for validation to refuse."""
    try:
        return loader.construct_yaml_int(node)
    except ValueError:
        return str(node.value)


@functools.cache
def _loader_class() -> type[Any]:
    return _yaml_loader_class()


def _parse_yaml(text: str, label: str) -> tuple[Any, list[Problem]]:
    """The document and its duplicate keys (later stages still run on the last value of each)."""
    import yaml

    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CatalogError([Problem(label, "file is empty")])
        if "&" in text:  # aliases need anchors; without one there is nothing to expand
            _check_expansion(node, label)
        loader.duplicates = []
        try:
            data = _construct_plain(loader, node) if "&" not in text else _UNUSUAL
        except RecursionError:
            data = _UNUSUAL
        if data is _UNUSUAL:
            data = loader.construct_document(node)
        return data, [
            Problem(label, f"duplicate key {key!r} (YAML would silently keep only the last one)", line)
            for key, line in loader.duplicates
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise CatalogError([Problem(label, f"malformed YAML: {what}", line)]) from None
    except yaml.YAMLError as exc:
        raise CatalogError([Problem(label, f"malformed YAML: {exc}")]) from None
    except RecursionError:
        raise CatalogError([Problem(label, "malformed YAML: nested too deeply")]) from None
    finally:
        loader.dispose()


_UNUSUAL = object()
"""What :func:`_construct_plain` returns for a document it leaves to PyYAML's own construction."""


def _construct_plain(loader: Any, root: Any) -> Any:
    """The document under ``root`` as PyYAML's safe construction builds it, about twice as fast, for
    the plain documents catalogs are: mappings with distinct string keys, sequences, and scalars of
    the core tags (each scalar built by the loader's own constructor). Anything else (anchors,
    merge keys, other tags, a duplicate key) gives :data:`_UNUSUAL`: PyYAML's own construction
    then builds it and reports duplicates exactly as always."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    prefix = "tag:yaml.org,2002:"
    text_tag, seq_tag, map_tag = prefix + "str", prefix + "seq", prefix + "map"
    scalars = {
        prefix + "int": lambda n: _construct_int(loader, n),
        prefix + "float": loader.construct_yaml_float,
        prefix + "timestamp": lambda n: _construct_timestamp(loader, n),
        prefix + "bool": loader.construct_yaml_bool,
        prefix + "null": loader.construct_yaml_null,
    }

    class Unusual(Exception):
        pass

    def build(node: Any) -> Any:
        kind = node.__class__
        if kind is ScalarNode:
            if node.tag == text_tag:
                return node.value
            make = scalars.get(node.tag)
            if make is None:
                raise Unusual
            return make(node)
        if kind is SequenceNode and node.tag == seq_tag:
            return [build(item) for item in node.value]
        if kind is MappingNode and node.tag == map_tag:
            out: dict[str, Any] = {}
            for key, value in node.value:
                if key.__class__ is not ScalarNode or key.tag != text_tag or key.value in out:
                    raise Unusual
                out[key.value] = build(value)
            return out
        raise Unusual

    try:
        return build(root)
    except Unusual:
        return _UNUSUAL


def _check_expansion(root: Any, label: str) -> None:
    """Refuse documents whose aliases expand beyond MAX_EXPANDED_NODES, or refer to themselves."""
    import yaml

    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
            total = 1 + sum(sizes[id(c)] for c in children)
            if total > MAX_EXPANDED_NODES:
                raise CatalogError(
                    [
                        Problem(
                            label,
                            f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
                            "(an alias bomb?); refusing to load it",
                            node.start_mark.line + 1,
                        )
                    ]
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = 1
            continue
        if key in on_path:
            raise CatalogError(
                [Problem(label, "YAML alias refers to itself (recursive structure)", node.start_mark.line + 1)]
            )
        on_path.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.MappingNode):
            stack.extend((c, False) for pair in node.value for c in pair)
        else:
            stack.extend((c, False) for c in node.value)


def _normalise_aliases(data: dict[str, Any]) -> None:
    """Let ``aliases`` list plain strings: ``- gpt-4o`` means ``- {name: gpt-4o}``."""
    models = data.get("models")
    if not isinstance(models, list):
        return
    for entry in models:
        if isinstance(entry, dict):
            aliases = entry.get("aliases")
            if isinstance(aliases, list):
                entry["aliases"] = [{"name": a} if isinstance(a, str) else a for a in aliases]


# --- validation -----------------------------------------------------------------------------------


def _validate(data: dict[str, Any], label: str) -> tuple[schema.CatalogFile | None, tuple[int, ...], list[Problem]]:
    """The validated file, or its valid part: entries with schema problems are left out, and
    ``positions`` gives each remaining model's index in the file. None when nothing is left to check."""
    from pydantic import ValidationError

    models = data.get("models")
    positions = tuple(range(len(models))) if isinstance(models, list) else ()
    try:
        return schema.catalog_file_adapter().validate_python(data), positions, []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    problems = [_problem_from_error(err, data, label) for err in errors]
    # Leave out only what failed (a price period, a field, else the whole entry) and check the rest.
    rest = dict(data)
    cuts: dict[int, set[tuple[str, int | None]]] = {}
    for err in errors:
        loc = tuple(err["loc"])
        if not loc or loc[0] == "schema_version":
            return None, (), problems
        if loc[0] == "models" and len(loc) >= 2 and isinstance(loc[1], int):
            if len(loc) >= 4 and loc[2] in ("prices", "scores", "aliases") and isinstance(loc[3], int):
                cuts.setdefault(loc[1], set()).add((str(loc[2]), loc[3]))
            elif len(loc) >= 3 and isinstance(loc[2], str) and loc[2] != "id":
                cuts.setdefault(loc[1], set()).add((loc[2], None))
            else:
                cuts.setdefault(loc[1], set()).add(("", None))  # the whole entry
        elif loc[0] in ("sources", "benchmarks") and len(loc) >= 2 and isinstance(rest.get(loc[0]), dict):
            rest[loc[0]] = {k: v for k, v in rest[loc[0]].items() if k != loc[1]}
        else:
            rest.pop(str(loc[0]), None)
    models = rest.get("models")
    positions = tuple(range(len(models))) if isinstance(models, list) else ()
    if isinstance(models, list):
        positions = tuple(i for i in positions if ("", None) not in cuts.get(i, ()))
        rest["models"] = [_cut(models[i], cuts.get(i, set())) for i in positions]
    for _ in range(2):  # a cut can uncover another problem (a required field): then drop entries
        try:
            return schema.catalog_file_adapter().validate_python(rest), positions, problems
        except ValidationError as again:
            failing = {e["loc"][1] for e in again.errors() if e["loc"][:1] == ("models",) and len(e["loc"]) > 1}
            if not failing or not all(isinstance(k, int) for k in failing):
                return None, (), problems
            keep = [k for k in range(len(positions)) if k not in failing]
            positions = tuple(positions[k] for k in keep)
            rest["models"] = [rest["models"][k] for k in keep]
    return None, (), problems


def _cut(entry: Any, cuts: set[tuple[str, int | None]]) -> Any:
    """A model entry without the fields and list items named in ``cuts``."""
    if not cuts or not isinstance(entry, dict):
        return entry
    out = dict(entry)
    for field, index in cuts:
        if index is None:
            out.pop(field, None)
    for field in ("prices", "scores", "aliases"):
        gone = {index for f, index in cuts if f == field and index is not None}
        if gone and isinstance(out.get(field), list):
            out[field] = [item for k, item in enumerate(out[field]) if k not in gone]
    return out


def _problem_from_error(err: Any, data: dict[str, Any], label: str) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    model, field = _model_and_field(loc, data)
    value = err.get("input")
    got = _short(value)
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        name = str(loc[-1])
        known = _field_names_at(loc[:-1])
        close = close_matches(name, known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"
        message = f"unknown field {name!r}{hint}"
    elif kind in ("missing", "missing_argument"):
        message = "required field is missing"
    elif kind in _BOUNDS:
        op, key = _BOUNDS[kind]
        message = f"must be {op} {err['ctx'][key]:g}, got {got}"
    elif kind.startswith(("date_", "datetime_")):
        message = f"not a date: {value!s} (want YYYY-MM-DD)"
    elif kind == "finite_number":
        message = f"must be a finite number, got {got}"
    elif kind == "literal_error" and loc == ("schema_version",):
        message = f"schema_version {value!r} is not supported (this advisor reads {schema.SCHEMA_VERSION})"
    else:
        message = err["msg"][0].lower() + err["msg"][1:]
        if not isinstance(value, (dict, list)):
            message += f", got {got}"
    return Problem(label, message, None, model, field, loc=loc)


def _short(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters: a message is one readable line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 12]}... ({len(str(value)):,} characters)"


_BOUNDS = {
    "greater_than_equal": (">=", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("<=", "le"),
    "less_than": ("<", "lt"),
}


def _model_and_field(loc: tuple[Any, ...], data: dict[str, Any]) -> tuple[str | None, str | None]:
    """The model id (when the location is inside a model entry) and the field path to show."""
    model = None
    rest = loc
    if len(loc) >= 2 and loc[0] == "models" and isinstance(loc[1], int):
        models = data.get("models")
        entry = models[loc[1]] if isinstance(models, list) and loc[1] < len(models) else None
        model_id = entry.get("id") if isinstance(entry, dict) else None
        model = str(model_id) if model_id is not None else f"models[{loc[1]}]"
        rest = loc[2:]
    return model, field_path(rest)


def field_path(parts: tuple[Any, ...]) -> str | None:
    """``("prices", 0, "input")`` -> ``"prices[0].input"``; None for an empty path."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or None


def _field_names_at(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the schema type found at ``loc`` (for "did you mean" hints)."""
    tp: Any = schema.CatalogFile
    for part in loc:
        tp = _unwrap(tp)
        if dataclasses.is_dataclass(tp) and isinstance(part, str):
            tp = schema.type_hints(tp)[part]
        elif typing.get_origin(tp) in (tuple, list):
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            return []
    tp = _unwrap(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return [f.name for f in dataclasses.fields(tp)]
    return []


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0]
        else:
            return tp


# --- checks pydantic cannot express ---------------------------------------------------------------


def _check_file(
    cf: schema.CatalogFile, label: str, positions: tuple[int, ...] | None = None
) -> tuple[list[Problem], list[Problem]]:
    """Cross-field rules within one file: unique names, CIs around values, non-overlapping periods.

    ``positions`` maps the index of each model of ``cf`` to its index in the file (when entries
    with schema problems were left out).
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    at = positions if positions is not None else range(len(cf.models))

    def add(msg: str, i: int, model: str | None, *path: Any, warn: bool = False) -> None:
        loc = ("models", at[i], *path)
        field = _model_and_field(loc, {"models": []})[1]
        (warnings if warn else problems).append(Problem(label, msg, None, model, field, loc=loc))

    ids: dict[str, int] = {}
    undated_names: dict[str, tuple[str, int]] = {}
    for i, m in enumerate(cf.models):
        key = m.id.casefold()
        if key in ids:
            add(f"duplicate model id (also models[{at[ids[key]]}])", i, m.id, "id")
        else:
            ids[key] = i
        for j, a in enumerate(m.aliases):
            if a.since is not None and a.until is not None and a.since >= a.until:
                add("alias 'since' must be before 'until'", i, m.id, "aliases", j)
            if a.since is None and a.until is None:
                name = a.name.casefold()
                other = undated_names.get(name)
                if other is not None and other[0] != m.id:
                    add(f"duplicate alias {a.name!r} (also on model {other[0]!r})", i, m.id, "aliases", j)
                undated_names.setdefault(name, (m.id, i))
        if m.released is not None and m.retired is not None and m.retired < m.released:
            add("retired before it was released", i, m.id, "retired")
        _check_prices(m, i, add)
        for j, s in enumerate(m.scores):
            if (s.ci_lower is None) != (s.ci_upper is None):
                add("give both ci_lower and ci_upper, or neither", i, m.id, "scores", j)
            elif s.ci_lower is not None and s.ci_upper is not None and not (s.ci_lower <= s.value <= s.ci_upper):
                add(
                    f"confidence interval [{s.ci_lower:g}, {s.ci_upper:g}] does not contain the value {s.value:g}",
                    i,
                    m.id,
                    "scores",
                    j,
                )
    for name, (model_id, i) in undated_names.items():
        if name in ids and cf.models[ids[name]].id != model_id:
            add(f"alias {name!r} is the id of another model", i, model_id, "aliases")
    _check_look_alikes(cf, label, at, warnings)
    return problems, warnings


_NAME_FIELDS = ("id", "name", "provider", "mode_of", "successor")


def _check_raw_names(data: dict[str, Any], label: str) -> list[Problem]:
    """Names hold no control, bidirectional or zero-width characters (checked on the raw data, so
    that entries with other problems are checked too)."""
    from advisor.text import hidden_char

    problems: list[Problem] = []

    def check(name: Any, loc: tuple[Any, ...]) -> None:
        if not isinstance(name, str) or (name.isascii() and name.isprintable()):
            return  # printable ASCII (U+0020 to U+007E) holds no hidden character: most names, checked in C
        why = hidden_char(name)
        if why is not None:
            model, field = _model_and_field(loc, data)
            problems.append(Problem(label, why, None, model, field, loc=loc))

    for kind in ("sources", "benchmarks"):
        table = data.get(kind)
        for key in table if isinstance(table, dict) else ():
            check(key, (kind, key))
    models = data.get("models")
    for i, entry in enumerate(models if isinstance(models, list) else ()):
        if not isinstance(entry, dict):
            continue
        for field in _NAME_FIELDS:
            check(entry.get(field), ("models", i, field))
        for part, keys in (("aliases", ("name",)), ("prices", ("host",)), ("scores", ("benchmark", "category"))):
            items = entry.get(part)
            for j, item in enumerate(items if isinstance(items, list) else ()):
                for key in keys if isinstance(item, dict) else ():
                    check(item.get(key), ("models", i, part, j) if part == "aliases" else ("models", i, part, j, key))
    return problems


def _check_look_alikes(cf: schema.CatalogFile, label: str, at: Any, warnings: list[Problem]) -> None:
    """An id or alias that looks like another model's (same :func:`advisor.text.skeleton`) is a warning."""
    from advisor.text import skeleton

    looks: dict[str, tuple[str, str]] = {}
    for i, m in enumerate(cf.models):
        for where, name in ((("id",), m.id), *((("aliases", j), a.name) for j, a in enumerate(m.aliases))):
            other = looks.setdefault(skeleton(name), (name, m.id))
            if other[1] != m.id and other[0].casefold() != name.casefold():
                warnings.append(
                    Problem(
                        label,
                        f"{name!r} looks like {other[0]!r} of model {other[1]!r} (look-alike letters?)",
                        None,
                        m.id,
                        field_path(where),
                        loc=("models", at[i], *where),
                    )
                )


PRICE_FIELDS = (
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
)


def _check_prices(m: schema.Model, i: int, add: Any) -> None:
    by_host: dict[str | None, list[tuple[dt.date, dt.date, int]]] = {}
    for j, p in enumerate(m.prices):
        if p.since is not None and p.until is not None and p.since >= p.until:
            add("price period 'since' must be before 'until'", i, m.id, "prices", j)
            continue
        start = p.since or dt.date.min
        end = p.until or dt.date.max
        by_host.setdefault(p.host, []).append((start, end, j))
        for name in PRICE_FIELDS:
            value = getattr(p, name)
            if value is not None and 0 < value < PER_TOKEN_SUSPECT_BELOW:
                add(
                    f"{usd(value, 'mtok')} looks like a per-token price "
                    f"(per 1M tokens that is {usd(value * 1e6)}); prices are USD per 1M tokens",
                    i,
                    m.id,
                    "prices",
                    j,
                    name,
                    warn=True,
                )
    for periods in by_host.values():
        periods.sort()
        for (_, end_a, ja), (start_b, _, jb) in itertools.pairwise(periods):
            if start_b < end_a:
                add(f"price period overlaps prices[{ja}] of the same host", i, m.id, "prices", jb)


# --- locating problems in the source text ---------------------------------------------------------


def _locate(problems: list[Problem], text: str) -> list[Problem]:
    """Fill in line numbers by walking each problem's location through the YAML node tree."""
    if all(p.line is not None or p.loc is None for p in problems):
        return problems
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return problems
    out = []
    for p in problems:
        if p.line is None and p.loc is not None and root is not None:
            p = dataclasses.replace(p, line=_line_of(root, p.loc))
        out.append(p)
    return sorted(out, key=lambda p: p.line or 0)


def _line_of(node: Any, loc: tuple[Any, ...]) -> int:
    import yaml

    line: int = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    line = int(key_node.start_mark.line) + 1
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = int(node.start_mark.line) + 1
        else:
            return line
    return line


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of ``loc`` (a path of keys and indices) in YAML ``text``, if it parses."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    return None if root is None else _line_of(root, loc)


# --- cache ---------------------------------------------------------------------------------------


def cache_dir() -> Path | None:
    """Where validated files are cached: ``$ADVISOR_CACHE_DIR``, else the user cache folder.

    ``ADVISOR_NO_CACHE=1`` turns the cache off.
    """
    from advisor import _cache

    return _cache.cache_dir()


def _cache_path(label: str) -> Path | None:
    from advisor import _cache

    folder = _cache.usable_folder()
    if folder is None:
        return None
    return _cache.entry_path(folder, label, _code_version())


@functools.cache
def _code_digest() -> str:
    """advisor's version plus a digest of the code that decides what a valid file is, so an entry
    made by other validation code (another checkout, an edited schema) is never a hit."""
    from advisor import __version__, _cache, money, schema, text

    digest = _cache.hasher()
    for module in (schema, text, money, _cache, sys.modules[__name__]):  # money: warnings name prices
        digest.update(Path(typing.cast(str, module.__file__)).read_bytes())
    return f"{__version__}-{digest.hexdigest()[:12]}"


@functools.cache
def _code_version() -> str:
    """:func:`_code_digest` with the Python version, in the name of every cache entry."""
    version, _, digest = _code_digest().rpartition("-")
    return f"{version}-py{sys.version_info[0]}{sys.version_info[1]}-{digest}"


SHIPPED_SUFFIX = ".validated.json"


def shipped_entry_path(path: Path) -> Path:
    """Where the validated form of a bundled catalog file ships: beside it, ``<name>.validated.json``."""
    return path.with_name(path.name + SHIPPED_SUFFIX)


def shipped_entry(raw: bytes) -> str:
    """The validated form of the bundled catalog's bytes ``raw``, as it ships beside the file.

    It is a parse-cache entry (data only, see :mod:`advisor._cache`) bound to the exact bytes and
    to the code that validated them (:func:`_code_digest`), made by :mod:`advisor._generate`: the
    first run after install reads it instead of parsing and validating the YAML, and any other
    bytes or code (an edited checkout) are validated as usual.
    """
    from advisor import _cache

    loaded = parse_catalog_bytes(raw, "catalog.yaml")
    return _cache.entry_body(raw, _cache.to_data((loaded.data, loaded.warnings)), _code_digest()).decode("utf-8")


def _shipped_get(label: str, raw: bytes) -> LoadedFile | None:
    """The bundled catalog from the validated form shipped beside it; None for any other file, when
    it does not match ``raw`` and this code, or with ``ADVISOR_NO_CACHE``."""
    from advisor import _cache
    from advisor.catalog import bundled_catalog_path

    bundled = bundled_catalog_path()
    if _cache.cache_dir() is None or os.path.realpath(label) != str(bundled):
        return None
    return _decode_file_entry(_cache.read_shipped(shipped_entry_path(bundled), raw, _code_digest()), label)


def _cache_get(path: Path, raw: bytes, label: str) -> LoadedFile | None:
    from advisor import _cache

    return _decode_file_entry(_cache.read_entry(path, raw), label)


def _decode_file_entry(data: Any, label: str) -> LoadedFile | None:
    """The file held by a file entry's ``data`` (None: a miss, as is an entry of the wrong shape)."""
    if data is None:
        return None
    from advisor import _decoders

    try:
        catalog_file, warnings = _decoders.file_entry(data)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError):
        return None  # an entry of the wrong shape is a miss
    return LoadedFile(label, catalog_file, tuple(dataclasses.replace(w, file=label) for w in warnings))


# --- cache of layered catalogs -------------------------------------------------------------------


def score_table_paths(lf: LoadedFile, metrics: frozenset[str] | None) -> list[tuple[str, Path]]:
    """``(metric, path)`` of each score table of a file that a load of ``metrics`` (None: all) reads
    (the tables :func:`advisor.catalog.merge_layers` reads: an entry is bound to each of them)."""
    folder = Path(lf.label).parent
    return [(m, folder / t) for m, t in sorted(lf.data.score_tables.items()) if metrics is None or m in metrics]


class LayersEntry:
    """The cache entry of one layered catalog: what :func:`advisor.catalog.merge_layers` made of the
    exact bytes of its files and of the score tables it read, for one set of metrics.

    A warm command then needs neither the files' own entries, nor the score tables' parsing, nor the
    merge: one JSON document. The entry is bound to the digest of every file and table (checked on
    every hit, as for a file's entry) and to the code that loads, checks and merges catalogs.
    """

    def __init__(self, path: Path, files: list[tuple[str, str]], metrics: tuple[str, ...] | None) -> None:
        self.path = path
        self.files = files
        self.metrics = metrics
        self.tables: list[tuple[str, str]] | None = None

    @classmethod
    def open(cls, files: Sequence[str | os.PathLike[str]], metrics: Iterable[str] | None) -> LayersEntry | None:
        """The entry for these files (in layer order) and metrics; None when the cache is off or a
        file cannot be read (the full load then says why)."""
        from advisor import _cache

        folder = _cache.usable_folder()
        if folder is None or not files:
            return None
        labels = [os.fspath(f) for f in files]
        digests = _digests(labels)
        if digests is None:
            return None
        wanted = None if metrics is None else tuple(sorted(set(metrics)))
        key = "\0".join([*(os.path.abspath(label) for label in labels), "*" if wanted is None else ",".join(wanted)])
        return cls(_cache.entry_path(folder, key, _layers_version(), name="layers"), digests, wanted)

    def _source(self, tables: list[tuple[str, str]]) -> bytes:
        """What the entry is bound to: the metrics, then each file's and each table's path and digest."""
        return "\n".join(
            ["layers", "*" if self.metrics is None else ",".join(self.metrics)]
            + [f"file\t{label}\t{digest}" for label, digest in self.files]
            + [f"table\t{path}\t{digest}" for path, digest in tables]
        ).encode("utf-8", "surrogateescape")

    def get(self) -> dict[str, Any] | None:
        """The catalog's fields (for :class:`advisor.catalog.Catalog`) on a hit, else None."""
        from advisor import _cache

        stored = _cache.read_entry(self.path, self._bound)
        if stored is None:
            return None
        from advisor import _decoders

        try:
            models, benchmarks, sources, warnings, notices, unloaded = _decoders.layers_entry(stored[1])
        except (TypeError, ValueError, KeyError, AttributeError, IndexError):
            return None  # an entry of the wrong shape is a miss
        return {
            "models": models,
            "benchmarks": benchmarks,
            "sources": sources,
            "files": tuple(label for label, _ in self.files),
            "warnings": warnings,
            "notices": notices,
            "unloaded_metrics": frozenset(unloaded),
        }

    def _bound(self, entry: dict[str, Any]) -> bytes | None:
        """The bytes a stored entry must be bound to: the tables it lists, as they are now."""
        data = entry.get("data")
        if not isinstance(data, list) or len(data) != 2 or not isinstance(data[0], list):
            return None
        if not all(isinstance(t, str) for t in data[0]):
            return None
        tables = _digests(data[0])
        return None if tables is None else self._source(tables)

    def bind(self, loaded: Sequence[LoadedFile]) -> None:
        """Note the score tables the merge of ``loaded`` will read, before it reads them."""
        wanted = None if self.metrics is None else frozenset(self.metrics)
        paths = [os.fspath(path) for lf in loaded for _, path in score_table_paths(lf, wanted)]
        self.tables = _digests(paths)

    def put(self, catalog: Any) -> None:
        """Store the merged ``catalog`` when its files and tables are still the bytes it was made from."""
        from advisor import _cache

        labels = [label for label, _ in self.files]
        if self.tables is None or list(catalog.files) != labels or _digests(labels) != self.files:
            return
        if _digests([path for path, _ in self.tables]) != self.tables:
            return
        payload = (
            tuple(catalog.models),
            dict(catalog.benchmarks),
            dict(catalog.sources),
            tuple(catalog.warnings),
            tuple(catalog.notices),
            tuple(sorted(catalog.unloaded_metrics)),
        )
        data = [[path for path, _ in self.tables], _cache.to_data(payload)]
        _cache.write_entry(self.path, self._source(self.tables), data)


_LayeredData = tuple[
    tuple[schema.Model, ...],
    dict[str, schema.Benchmark],
    dict[str, schema.Source],
    tuple[Problem, ...],
    tuple[str, ...],
    tuple[str, ...],
]
ENTRY_ROOTS: dict[str, Any] = {
    "file_entry": tuple[schema.CatalogFile, tuple[Problem, ...]],
    "layers_entry": _LayeredData,
}
"""What each kind of cache entry holds: :mod:`advisor._generate` writes a decoder for each."""


def _digests(paths: Sequence[str]) -> list[tuple[str, str]] | None:
    """``(path, digest of its bytes)`` of each file; None when one cannot be read as a regular file."""
    from advisor import _cache

    out = []
    for path in paths:
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):  # never open a FIFO or a device
                return None
            with open(path, "rb") as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)
        except OSError:
            return None
        if len(raw) > MAX_FILE_BYTES:
            return None
        out.append((path, _cache.source_digest(raw)))
    return out


@functools.cache
def _layers_version() -> str:
    """:func:`_code_version` plus the code that reads score tables and merges layers."""
    from advisor import _cache, catalog, errors, names, periods, score_table

    files = _code_version()
    digest = _cache.hasher(files.encode("utf-8"))
    for module in (catalog, errors, names, periods, score_table):
        digest.update(Path(typing.cast(str, module.__file__)).read_bytes())
    return f"{files.rpartition('-')[0]}-{digest.hexdigest()[:12]}"
