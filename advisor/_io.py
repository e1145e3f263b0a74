"""Writing files the way a careful user would: atomically, through links, within permissions.

Every file advisor writes for the user (catalog layers, charts) goes through
:func:`atomic_write_bytes`:

* the new bytes go to a temporary file beside the target and are renamed over it, so readers see
  the old file or the new one, never half of one; the temporary file is removed on any failure,
  on Ctrl-C (SIGINT) and on SIGTERM/SIGHUP;
* a symlink is written through: the file it points to is replaced, in its own folder, and the link
  stays a link;
* a folder, FIFO, device or socket at the path is refused, as is a file the user cannot write
  (or one with no write permission for anyone, even for root);
* a new file gets the mode the umask allows (as ``open()`` would); an existing file keeps its
  mode (and, where permitted, its owner and group);
* every error is a :class:`~advisor.errors.WriteError` naming the path as given.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from advisor.errors import WriteError

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at ``path`` (or the file a symlink there points to) with ``data``, atomically.

    Raises:
        WriteError: the path is a folder or not a regular file, cannot be written, or the write
            failed (disk full, ...); the message names ``path``. Nothing is left behind.
    """
    label = os.fspath(path)
    real = Path(os.path.realpath(label))
    old = _existing(real, label)
    folder = real.parent
    if not folder.is_dir():
        shown = folder if real != Path(os.path.abspath(label)) else (os.path.dirname(label) or ".")
        raise WriteError(label, f"no such folder: {shown}")
    tmp = folder / f".{real.name}.{secrets.token_hex(4)}.tmp"
    try:
        # 0o666 for a new file lets the umask decide, as open() does; an existing file's mode is
        # applied below, before the rename, so the target is never briefly wider than it was.
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666 if old is None else 0o600
        )
    except OSError as exc:
        raise WriteError(label, _reason(exc)) from None
    with _removed_unless_renamed(tmp):
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
                if old is not None:
                    _keep_mode_and_owner(fh.fileno(), old)
            os.replace(tmp, real)
        except OSError as exc:
            raise WriteError(label, _reason(exc)) from None


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same file (through links, ``..`` and hard links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_same_file(out: str | os.PathLike[str], inputs: dict[str, str | os.PathLike[str]], name: str) -> None:
    """Raise :class:`WriteError` when the output ``out`` (argument ``name``) is one of the ``inputs``.

    ``inputs`` maps each input's argument name to its path; the message names both arguments.
    """
    for what, path in inputs.items():
        if same_file(out, path):
            raise WriteError(
                os.fspath(out), f"{name} is the same file as {what} ({os.fspath(path)}); refusing to overwrite an input"
            )


def _existing(real: Path, label: str) -> os.stat_result | None:
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteError(label, _reason(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise WriteError(label, "is a folder; give a file name")
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise WriteError(label, f"is {kind}, not a regular file; refusing to replace it")
    if not os.access(real, os.W_OK) or not st.st_mode & 0o222:
        raise WriteError(label, "permission denied: the file is read-only; refusing to replace it")
    return st


def _keep_mode_and_owner(fd: int, old: os.stat_result) -> None:
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    if hasattr(os, "fchown") and (old.st_uid, old.st_gid) != (os.fstat(fd).st_uid, os.fstat(fd).st_gid):
        with contextlib.suppress(PermissionError):  # only root may give a file away
            os.fchown(fd, old.st_uid, old.st_gid)


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror.lower() if exc.strerror else str(exc)


class _Terminated(SystemExit):
    """SIGTERM/SIGHUP during a write: unwind (removing the temporary file), then exit 128+signal."""


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise _Terminated(128 + signum)


@contextlib.contextmanager
def _removed_unless_renamed(tmp: Path) -> Iterator[None]:
    """Remove ``tmp`` if the block fails or the process is told to stop while it runs.

    SIGINT already arrives as KeyboardInterrupt; SIGTERM and SIGHUP would kill the process without
    unwinding, so while the block runs they raise instead (only where they had their default
    action, and only in the main thread, where Python delivers signals).
    """
    saved: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
                saved[sig] = signal.signal(sig, _on_signal)
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
