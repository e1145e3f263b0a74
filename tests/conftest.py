"""Shared fixtures: tests never touch the user's cache or files."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
CATALOGS = Path(__file__).resolve().parent / "catalogs"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test session gets its own catalog cache folder, never the user's."""
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "advisor-cache"))
    monkeypatch.delenv("ADVISOR_NO_CACHE", raising=False)


@pytest.fixture
def shared_data() -> Path:
    """The public data the bundled catalog is built from (beside the repo in CI)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
