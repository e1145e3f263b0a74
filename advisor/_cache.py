"""The parse cache: validated catalog files kept as plain JSON data, never as code.

A cache entry is a JSON document holding the SHA-256 and size of the exact source bytes it was made
from and the validated file as nested lists (each dataclass as its fields in order). Reading it
back is ``json.loads`` plus constructing the schema's dataclasses from a table derived from their
type hints, so an entry can hold nothing but data: no class or function named by the file is ever
looked up, unlike pickle.

Who can plant an entry is bounded by the folder: advisor creates it mode 0700, writes entries mode
0600, and uses a folder only when the current user owns it and nobody else can write to it;
otherwise it says so once on stderr and carries on uncached. Anything in the folder that is not a
regular file owned by the user (a FIFO, a device, a symlink) is ignored without being opened for
blocking reads. The folder's total size is bounded: after a write, the least recently used entries
(a hit refreshes an entry's modification time) are removed until the total fits.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import stat
import sys
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 3
"""Bumped whenever the entry layout or the schema's field order changes."""
MAX_TOTAL_BYTES = 256 * 1024 * 1024
"""The cache folder is trimmed to this many bytes of entries, least recently used first."""
MAX_ENTRY_BYTES = 512 * 1024 * 1024
"""An entry larger than this is not read (a catalog file is at most 64 MiB of YAML)."""
SUFFIX = ".advisor-cache.json"

_warned: set[str] = set()


def cache_dir() -> Path | None:
    """Where validated files are cached: ``$ADVISOR_CACHE_DIR``, else the user cache folder.

    ``ADVISOR_NO_CACHE=1`` turns the cache off.
    """
    if os.environ.get("ADVISOR_NO_CACHE"):
        return None
    explicit = os.environ.get("ADVISOR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "advisor"


def _say_once(folder: Path, why: str) -> None:
    key = str(folder)
    if key not in _warned:
        _warned.add(key)
        print(f"advisor: not using the cache folder {key}: {why}; running without the cache", file=sys.stderr)


def usable_folder() -> Path | None:
    """The cache folder, created private (0700) if missing; None when there is none we can trust."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.stat(folder)
    except OSError as exc:
        _say_once(folder, exc.strerror or str(exc))
        return None
    if not stat.S_ISDIR(st.st_mode):
        _say_once(folder, "it is not a folder")
        return None
    uid = _uid()
    if uid is not None and st.st_uid != uid:
        _say_once(folder, f"it is owned by user id {st.st_uid}, not by you ({uid})")
        return None
    if st.st_mode & 0o022:
        _say_once(folder, f"others can write to it (mode {stat.S_IMODE(st.st_mode):04o})")
        return None
    return folder


def _uid() -> int | None:
    geteuid = getattr(os, "geteuid", None)
    return geteuid() if geteuid is not None else None


def entry_path(folder: Path, label: str, version: str, name: str | None = None) -> Path:
    """One entry per source path and advisor version; the name shows which file it caches
    (``name`` instead of the file's name, for an entry of several files)."""
    where = hashlib.sha256(os.path.abspath(label).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = (name or Path(label).name).encode("ascii", "replace").decode("ascii").replace("?", "_")
    return folder / f"{name}-{where}-{version}-f{FORMAT}{SUFFIX}"


def source_digest(raw: bytes) -> str:
    """What an entry is bound to: the SHA-256 of the exact source bytes."""
    return hashlib.sha256(raw).hexdigest()


def read_entry(path: Path, raw: bytes | Callable[[dict[str, Any]], bytes | None]) -> Any | None:
    """The ``data`` stored for ``raw`` at ``path``, or None (missing, stale, foreign, not a file).

    ``raw`` may be a function giving the bytes the entry must be bound to from the entry itself (for
    an entry bound to files it names: their bytes as they are now); None from it is a miss.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        uid = _uid()
        if not stat.S_ISREG(st.st_mode) or (uid is not None and st.st_uid != uid) or st.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            text = fh.read(MAX_ENTRY_BYTES + 1)
        entry = json.loads(text)
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return None
        source = raw(entry) if callable(raw) else raw
        if source is None or entry.get("source_size") != len(source):
            return None
        if entry.get("source_sha256") != source_digest(source):
            return None
        with contextlib.suppress(OSError):
            os.utime(fd)  # most recently used: eviction removes the oldest first
        return entry.get("data")
    except (OSError, ValueError, RecursionError):
        return None
    finally:
        os.close(fd)


def write_entry(path: Path, raw: bytes, data: Any) -> None:
    """Store ``data`` for ``raw`` at ``path`` (mode 0600, atomically), then trim the folder."""
    entry = {"format": FORMAT, "source_size": len(raw), "source_sha256": source_digest(raw), "data": data}
    body = json.dumps(entry, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    import tempfile  # only writes need it (and its imports): a warm start only reads

    try:
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)  # mkstemp: mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        evict(path.parent)
    except OSError:
        pass  # a full or read-only cache folder only costs speed


def evict(folder: Path, limit: int | None = None) -> None:
    """Remove least recently used entries until the folder's entries total at most ``limit`` bytes.

    Entries of the old pickle format are removed outright: no advisor reads them any more.
    """
    limit = MAX_TOTAL_BYTES if limit is None else limit
    entries: list[tuple[float, int, str]] = []
    with os.scandir(folder) as it:
        for item in it:
            try:
                if not item.is_file(follow_symlinks=False):
                    continue
                if item.name.endswith(".pickle"):
                    os.unlink(item.path)
                elif item.name.endswith(SUFFIX):
                    st = item.stat(follow_symlinks=False)
                    entries.append((st.st_mtime, st.st_size, item.path))
            except OSError:
                continue
    total = sum(size for _, size, _ in entries)
    for _, size, name in sorted(entries):
        if total <= limit:
            break
        with contextlib.suppress(OSError):
            os.unlink(name)
            total -= size


# --- data <-> JSON ---------------------------------------------------------------------------------


def to_data(obj: Any) -> Any:
    """A dataclass tree as JSON-ready lists: each dataclass as its field values in field order."""
    kind: type = obj.__class__
    if kind in _PLAIN:
        return obj
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(kind):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(obj))
    if names is not None:
        return [to_data(getattr(obj, name)) for name in names]
    if isinstance(obj, (tuple, list)):
        return [to_data(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_data(v) for k, v in obj.items()}
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


_PLAIN = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}
"""Field names of each dataclass met (``dataclasses.fields`` builds a tuple on every call)."""


Decoder = Callable[[Any], Any]


@functools.cache
def decoder(tp: Any) -> Decoder | None:
    """A function turning :func:`to_data` output back into ``tp``; None where the value is as is.

    Only the types named by the schema's hints are ever built, whatever the data says.
    """
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return decoder(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = [decoder(a) for a in args]
        if all(d is None for d in inner):
            return None
        if len(args) != 1:
            raise TypeError(f"cannot decode a union of {args}")
        one = typing.cast(Decoder, inner[0])
        return lambda v: None if v is None else one(v)
    if origin is tuple and typing.get_args(tp)[-1] is not Ellipsis:
        parts = [decoder(a) or _same for a in typing.get_args(tp)]
        return lambda v: tuple([d(x) for d, x in zip(parts, v, strict=True)])
    if origin in (tuple, list):
        item = decoder(typing.get_args(tp)[0])
        if item is None:
            return tuple
        return lambda v: tuple([item(x) for x in v])
    if origin is dict:
        value = decoder(typing.get_args(tp)[1])
        if value is None:
            return dict
        return lambda v: {k: value(x) for k, x in v.items()}
    if tp is dt.date:
        return _date
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_decoder(tp)
    return None


_date = functools.lru_cache(maxsize=8192)(dt.date.fromisoformat)
"""A catalog repeats a few thousand dates many times: each is parsed once."""


def _same(value: Any) -> Any:
    return value


def _optional_of(tp: Any) -> Any:
    """``X`` for ``X | None`` (also under ``Annotated``), else ``tp``."""
    if typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _dataclass_decoder(cls: type[Any]) -> Decoder:
    """A decoder made for ``cls``: one function per dataclass, built from its field names and types
    (never from the data), as ``dataclasses`` builds ``__init__``; about twice as fast as a loop
    over the fields, and a warm start decodes thousands of objects."""
    hints = typing.get_type_hints(cls, include_extras=True)
    names = [f.name for f in dataclasses.fields(cls)]
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls, "list": list}
    items = []
    for i, name in enumerate(names):
        if not name.isidentifier():  # pragma: no cover - dataclass fields are identifiers
            raise TypeError(f"cannot decode field {name!r}")
        d = decoder(_optional_of(hints[name]))  # the code below lets None through itself
        if d is None:
            items.append(f"{name!r}: v[{i}]")
        else:
            scope[f"d{i}"] = d
            items.append(f"{name!r}: None if v[{i}] is None else d{i}(v[{i}])")
    # The values were validated when the entry was made; skip the frozen __init__'s setattrs.
    source = (
        "def decode(v):\n"
        f"    if v.__class__ is not list or len(v) != {len(names)}:\n"
        f"        raise ValueError('{cls.__name__}: expected a list of {len(names)} fields')\n"
        "    obj = new(cls)\n"
        f"    obj.__dict__.update({{{', '.join(items)}}})\n"
        "    return obj\n"
    )
    exec(compile(source, f"<advisor._cache decoder of {cls.__name__}>", "exec"), scope)
    return typing.cast(Decoder, scope["decode"])
