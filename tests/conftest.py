"""Shared fixtures: tests never touch the user's cache or files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
CATALOGS = Path(__file__).resolve().parent / "catalogs"

REAL_HOME = Path(os.path.expanduser("~"))
"""The user's home before this session moved it: a test checks nothing is written under it."""
SESSION_HOME = Path(tempfile.mkdtemp(prefix="advisor-test-home-"))
"""HOME, the XDG folders and advisor's own folders for the whole session and every subprocess it
starts (set here, at collection, so that nothing can run with the user's real folders first)."""
# CI's ADVISOR_REQUIRE_* switches (a test fails instead of skipping when its component is missing) stay.
for _name in [n for n in os.environ if n.startswith("ADVISOR_") and not n.startswith("ADVISOR_REQUIRE_")]:
    del os.environ[_name]
os.environ["HOME"] = str(SESSION_HOME)
for _name, _sub in (
    ("XDG_CACHE_HOME", ".cache"),
    ("XDG_DATA_HOME", ".local/share"),
    ("XDG_CONFIG_HOME", ".config"),
    ("XDG_STATE_HOME", ".local/state"),
    ("ADVISOR_CACHE_DIR", ".cache/advisor"),
    ("ADVISOR_DATA_DIR", ".local/share/advisor"),
):
    os.environ[_name] = str(SESSION_HOME / _sub)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets the session's own catalog cache folder, never the user's (and the cache on)."""
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "advisor-cache"))
    monkeypatch.delenv("ADVISOR_NO_CACHE", raising=False)


@pytest.fixture
def shared_data() -> Path:
    """The public data the bundled catalog is built from (beside the repo in CI)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
