"""The parse cache: validated catalog files kept as plain JSON data, never as code.

A cache entry is a JSON document holding the BLAKE2b digest and size of the exact source bytes it was made
from and the validated file as nested lists (each dataclass as its fields in order). Reading it
back is ``json.loads`` plus constructing the schema's dataclasses by decoders written out from their
type hints (:mod:`advisor._decoders`, generated), so an entry can hold nothing but data: no class
or function named by the file is ever looked up, unlike pickle.

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
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 5
"""Bumped whenever the entry layout or the schema's field order changes."""

try:  # hashlib.blake2b is this same type; importing hashlib also loads OpenSSL (2-3 ms of every start)
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - a Python without the module
    from hashlib import blake2b as _blake2b
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
    where = _blake2b(os.path.abspath(label).encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    name = (name or Path(label).name).encode("ascii", "replace").decode("ascii").replace("?", "_")
    return folder / f"{name}-{where}-{version}-f{FORMAT}{SUFFIX}"


def source_digest(raw: bytes) -> str:
    """What an entry is bound to: the BLAKE2b digest (256 bits) of the exact source bytes."""
    return hasher(raw).hexdigest()


def hasher(data: bytes = b"") -> _blake2b:
    """A BLAKE2b hash (256 bits) of ``data``, to be fed more: the digest of every entry and version."""
    return _blake2b(data, digest_size=32)


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
        if not isinstance(entry, dict) or not _bound_to(entry, raw(entry) if callable(raw) else raw):
            return None
        with contextlib.suppress(OSError):
            os.utime(fd)  # most recently used: eviction removes the oldest first
        return entry.get("data")
    except (OSError, ValueError, RecursionError):
        return None
    finally:
        os.close(fd)


def _bound_to(entry: Any, source: bytes | None, code: str | None = None) -> bool:
    """Whether ``entry`` is of this format, made from exactly ``source`` (and by ``code``)."""
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or source is None:
        return False
    if code is not None and entry.get("code") != code:
        return False
    return entry.get("source_size") == len(source) and entry.get("source_digest") == source_digest(source)


def read_shipped(path: Path, raw: bytes, code: str) -> Any | None:
    """The ``data`` of an entry shipped inside the package (see :func:`entry_body`) when it was made
    from exactly ``raw`` by code ``code``, else None. The package's folder is trusted as its code
    is: no owner check, and it is never touched."""
    try:
        with open(path, "rb") as fh:
            entry = json.loads(fh.read(MAX_ENTRY_BYTES + 1))
    except (OSError, ValueError, RecursionError):
        return None
    return entry.get("data") if _bound_to(entry, raw, code) else None


def entry_body(raw: bytes, data: Any, code: str | None = None) -> bytes:
    """An entry's bytes: ``data`` bound to the size and digest of ``raw`` (and to ``code``, the
    version of the code that made it, for an entry that ships with the package)."""
    entry: dict[str, Any] = {"format": FORMAT}
    if code is not None:
        entry["code"] = code
    entry.update(source_size=len(raw), source_digest=source_digest(raw), data=data)
    return json.dumps(entry, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def write_entry(path: Path, raw: bytes, data: Any) -> None:
    """Store ``data`` for ``raw`` at ``path`` (mode 0600, atomically), then trim the folder."""
    body = entry_body(raw, data)
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
    """A dataclass tree as JSON-ready lists: each dataclass as its field values in field order, less
    the trailing ``None`` values (most optional prices are unset; a decoder restores them)."""
    kind: type = obj.__class__
    if kind in _PLAIN:
        return obj
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(kind):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(obj))
    if names is not None:
        values = [to_data(getattr(obj, name)) for name in names]
        while values and values[-1] is None:
            values.pop()
        return values
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
