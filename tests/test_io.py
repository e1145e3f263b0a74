"""Writing files: atomic, through links, within permissions, never leaving temporary files."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from advisor._io import atomic_write_bytes, refuse_same_file
from advisor.cli import main
from advisor.errors import WriteError


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = real_dir / "layer.yaml"
    real.write_bytes(b"old")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"
    assert listing(real_dir) == ["layer.yaml"]  # the temporary file lived beside the target
    assert listing(tmp_path) == ["link.yaml", "real"]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(tmp_path / "made.yaml")
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and (tmp_path / "made.yaml").read_bytes() == b"new"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: os.mkfifo(p), "is a FIFO, not a regular file; refusing to replace it"),
        (lambda p: p.mkdir(), "is a folder; give a file name"),
    ],
)
def test_special_files_are_refused(tmp_path: Path, make: object, expected: str) -> None:
    target = tmp_path / "out"
    make(target)  # type: ignore[operator]
    with pytest.raises(WriteError) as info:
        atomic_write_bytes(target, b"x")
    assert str(info.value) == f"{target}: cannot write: {expected}"
    assert listing(tmp_path) == ["out"]


def test_a_device_is_refused() -> None:
    with pytest.raises(WriteError) as info:
        atomic_write_bytes("/dev/null", b"x")
    assert (
        str(info.value) == "/dev/null: cannot write: is a character device, not a regular file; refusing to replace it"
    )


def test_a_read_only_file_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "locked.yaml"
    target.write_bytes(b"old")
    target.chmod(0o444)
    with pytest.raises(WriteError) as info:
        atomic_write_bytes(target, b"new")
    assert (
        str(info.value) == f"{target}: cannot write: permission denied: the file is read-only; refusing to replace it"
    )
    assert target.read_bytes() == b"old"
    assert listing(tmp_path) == ["locked.yaml"]


def test_new_files_honour_the_umask_and_existing_files_keep_their_mode(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        atomic_write_bytes(tmp_path / "new.yaml", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o600
    old = os.umask(0o002)
    try:
        atomic_write_bytes(tmp_path / "shared.yaml", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared.yaml").stat().st_mode) == 0o664
    private = tmp_path / "private.yaml"
    private.write_bytes(b"old")
    private.chmod(0o600)
    atomic_write_bytes(private, b"new")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_a_failed_write_names_the_target_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "c.yaml"
    target.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteError) as info:
        atomic_write_bytes(target, b"new")
    assert str(info.value) == f"{target}: cannot write: no space left on device"
    assert listing(tmp_path) == ["c.yaml"] and target.read_bytes() == b"old"


def test_ctrl_c_during_a_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "c.yaml"

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"new")
    assert listing(tmp_path) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_write_leaves_no_temporary_file(tmp_path: Path, sig: signal.Signals) -> None:
    target = tmp_path / "c.yaml"
    target.write_bytes(b"old")
    # A child process blocks inside the write (fsync made slow) and is signalled there.
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from advisor import _io
        def slow(fd):
            print("writing", flush=True)
            time.sleep(60)
        os.fsync = slow
        _io.atomic_write_bytes({str(target)!r}, b"new")
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdout.readline() == b"writing\n"
    assert len(listing(tmp_path)) == 2  # the target and the temporary file
    child.send_signal(sig)
    child.communicate(timeout=30)
    # SIGTERM: unwound and exited 128+15; SIGINT: KeyboardInterrupt, which Python ends as -SIGINT.
    assert child.returncode == (128 + signal.SIGTERM if sig == signal.SIGTERM else -signal.SIGINT)
    assert listing(tmp_path) == ["c.yaml"]
    assert target.read_bytes() == b"old"


def test_an_output_that_is_an_input_is_refused(tmp_path: Path) -> None:
    battles = tmp_path / "battles.jsonl"
    battles.write_text("", encoding="utf-8")
    link = tmp_path / "alias.jsonl"
    link.symlink_to(battles)
    with pytest.raises(WriteError) as info:
        refuse_same_file(link, {"FILE": battles}, "--out")
    assert str(info.value) == (
        f"{link}: cannot write: --out is the same file as FILE ({battles}); refusing to overwrite an input"
    )
    refuse_same_file(tmp_path / "other.yaml", {"FILE": battles}, "--out")


def test_rate_out_may_not_overwrite_its_battles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    battles = tmp_path / "battles.jsonl"
    lines = ['{"model_a": "a", "model_b": "b", "winner": "model_a"}'] * 3
    battles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = battles.read_bytes()
    code = main(["rate", str(battles), "--no-resolve", "--benchmark", "mine", "--out", str(battles)])
    assert code == 2
    assert capsys.readouterr().err == (
        f"Error: {battles}: cannot write: --out is the same file as FILE ({battles}); refusing to overwrite an input\n"
    )
    assert battles.read_bytes() == before
