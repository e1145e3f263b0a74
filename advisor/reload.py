"""A router a service keeps for its lifetime: rebuilt when the catalog files change, never broken by them.

:class:`RouterSource` watches the files a router was built from (the bundled catalog, the update
layer ``advisor catalog update`` writes, the team's own layers) and, when one changes or the day
changes (prices in force are dated), builds a new router and swaps it in atomically. Data that does
not validate leaves the previous router in service, and :attr:`RouterSource.status` says why.
Checks cost one clock read per call and a ``stat`` of each file at most every ``every`` seconds,
in the calling thread; ``thread=True`` moves checks and rebuilds to a background thread instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from advisor.errors import AdvisorError
from advisor.router import Router

_Signature = tuple[object, ...]


@dataclasses.dataclass(frozen=True)
class ReloadStatus:
    """What a :class:`RouterSource` serves: when it was built, from which files, and the last failure."""

    built_at: dt.datetime
    as_of: dt.date
    files: tuple[str, ...]
    reloads: int
    error: str | None
    """Why the newest data is not in service (None when it is): the catalog's own error message."""
    failed_at: dt.datetime | None


class RouterSource:
    """Serves a :class:`~advisor.router.Router` that follows its catalog files.

    ``paths`` are catalog layers on top of the bundled catalog (as for
    :func:`advisor.load_catalog`); ``as_of`` fixes the view's date (default: today, followed as
    days pass); the remaining keywords go to :class:`~advisor.router.Router`. :meth:`get` returns
    the router in service; at most every ``every`` seconds it first checks the files' size, time
    and inode and, if they changed, rebuilds in the calling thread (one thread rebuilds, the others
    keep the current router meanwhile). With ``thread=True`` a background thread does the checks
    and :meth:`get` only returns the router; call :meth:`close` (or use ``with``) to stop it.
    ``on_error`` is called with the error when new data does not validate. Raises the catalog's
    error if the first build fails: there is nothing to serve yet.
    """

    def __init__(
        self,
        *paths: str | os.PathLike[str],
        bundled: bool = True,
        as_of: dt.date | None = None,
        every: float = 5.0,
        thread: bool = False,
        on_error: Callable[[Exception], None] | None = None,
        prepare: bool = False,
        **router_options: Any,
    ) -> None:
        if isinstance(every, bool) or not isinstance(every, (int, float)) or not 0 <= every < float("inf"):
            raise AdvisorError(f"every must be a number of seconds >= 0, got {every!r}")
        self._paths = tuple(Path(p) for p in paths)
        self._bundled = bundled
        self._as_of = as_of
        self._every = float(every)
        self._options = router_options
        self._prepare = prepare
        self._on_error = on_error
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._failed: _Signature | None = None
        self._error: str | None = None
        self._failed_at: dt.datetime | None = None
        self._reloads = 0
        signature = self._signature()
        self._router, self._built_at = self._build(), dt.datetime.now(dt.timezone.utc)
        self._signature_in_service = signature
        self._next = time.monotonic() + self._every
        self._thread: threading.Thread | None = None
        if thread:
            self._next = float("inf")  # get() never checks; the thread does
            self._thread = threading.Thread(target=self._watch, name="advisor-router-reload", daemon=True)
            self._thread.start()

    # --- serving ----------------------------------------------------------------------------------

    def get(self) -> Router:
        """The router in service, after a check of the files when one is due."""
        if time.monotonic() < self._next:
            return self._router
        self.check()
        return self._router

    def check(self) -> bool:
        """Check the files now and rebuild if they changed; True when a new router went into service."""
        if not self._lock.acquire(blocking=False):
            return False  # another thread is checking or rebuilding; serve the current router
        try:
            self._next = time.monotonic() + self._every if self._thread is None else float("inf")
            signature = self._signature()
            if signature == self._signature_in_service or signature == self._failed:
                return False
            try:
                router = self._build()
            except (AdvisorError, OSError) as exc:
                self._failed = signature
                self._error = str(exc)
                self._failed_at = dt.datetime.now(dt.timezone.utc)
                if self._on_error is not None:
                    self._on_error(exc)
                return False
            self._router = router  # one reference assignment: readers see the old or the new router
            self._built_at = dt.datetime.now(dt.timezone.utc)
            self._signature_in_service = signature
            self._failed = None
            self._error = None
            self._failed_at = None
            self._reloads += 1
            return True
        finally:
            self._lock.release()

    @property
    def status(self) -> ReloadStatus:
        """When the router in service was built, from which files, and why newer data is not in service."""
        return ReloadStatus(
            built_at=self._built_at,
            as_of=self._router.as_of,
            files=tuple(str(p) for p in self._files()),
            reloads=self._reloads,
            error=self._error,
            failed_at=self._failed_at,
        )

    def close(self) -> None:
        """Stop the background thread, if any (the router stays usable)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> RouterSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals --------------------------------------------------------------------------------

    def _watch(self) -> None:
        while not self._stop.wait(self._every or 0.05):
            self.check()

    def _files(self) -> Iterable[Path]:
        from advisor.catalog import bundled_catalog_path, updates_layer_path

        if self._bundled:
            yield bundled_catalog_path()
            yield updates_layer_path()  # load_catalog layers it on the bundled catalog when it exists
        yield from self._paths

    def _signature(self) -> _Signature:
        parts: list[object] = [self._as_of or dt.date.today()]
        for path in self._files():
            try:
                st = os.stat(path)
                parts.append((st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns))
            except OSError as exc:
                parts.append(exc.errno)
        return tuple(parts)

    def _build(self) -> Router:
        from advisor.catalog import load_catalog

        catalog = load_catalog(*self._paths, bundled=self._bundled)
        view = catalog.as_of(self._as_of or dt.date.today())
        router = Router(view, **self._options)
        return router.prepare() if self._prepare else router
