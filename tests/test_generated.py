"""Generated files are current, and the validated catalog that ships is what validation makes.

``advisor/_decoders.py`` and ``catalog/catalog.yaml.validated.json`` are written by
``python -m advisor._generate``; these tests remake them in memory and compare.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor import _cache, _generate, catalog_io
from advisor.catalog import bundled_catalog_path, load_catalog


def test_generated_files_are_current() -> None:
    stale = [str(p) for p, text in _generate.outputs().items() if p.read_text(encoding="utf-8") != text]
    assert not stale, f"stale: {stale}; run python -m advisor._generate"


def test_check_mode_names_a_stale_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "_decoders.py"
    stale.write_text("# an older generation\n", encoding="utf-8")
    monkeypatch.setattr(_generate, "DECODERS", stale)
    assert _generate.main(["--check"]) == 1
    assert f"{stale} is out of date: run python -m advisor._generate" in capsys.readouterr().err
    assert stale.read_text(encoding="utf-8") == "# an older generation\n"  # --check writes nothing


def test_shipped_entry_is_bound_to_the_bytes_and_the_code() -> None:
    bundled = bundled_catalog_path()
    raw = bundled.read_bytes()
    shipped = catalog_io.shipped_entry_path(bundled)
    doc = json.loads(shipped.read_bytes())
    assert doc["format"] == _cache.FORMAT
    assert doc["code"] == catalog_io._code_digest()
    assert doc["source_size"] == len(raw) and doc["source_digest"] == _cache.source_digest(raw)
    assert _cache.read_shipped(shipped, raw, catalog_io._code_digest()) == doc["data"]
    edited = raw.replace(b"input: 5, output: 15", b"input: 4, output: 15", 1)  # one price cut
    assert edited != raw
    assert _cache.read_shipped(shipped, edited, catalog_io._code_digest()) is None  # other bytes: validate them
    assert _cache.read_shipped(shipped, raw, "0.0.0-000000000000") is None  # other code: validate again


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The label of every catalog file parsed from its YAML (not read from a validated form) from now on."""
    labels: list[str] = []
    real = catalog_io.parse_catalog_bytes

    def counting(raw: bytes, label: str) -> catalog_io.LoadedFile:
        labels.append(label)
        return real(raw, label)

    monkeypatch.setattr(catalog_io, "parse_catalog_bytes", counting)
    return labels


def test_first_run_reads_the_shipped_catalog_and_equals_a_full_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed: list[str]
) -> None:
    """With an empty cache folder the bundled file is not parsed; what it gives equals parsing it."""
    cache = tmp_path / "cache"  # a first run: the cache folder does not exist yet
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(cache))
    bundled = bundled_catalog_path()
    first = catalog_io.load_file(bundled)
    assert parsed == []
    fresh = catalog_io.load_file(bundled, use_cache=False)
    assert parsed == [str(bundled)]
    assert first == fresh  # every model, price, score and warning
    # a first run writes no entry for the bundled file itself, only the layered catalog's
    view = load_catalog(metrics=["arena-text"])
    assert len(view.models) > 600
    assert [p.name.split("-")[0] for p in cache.glob(f"*{_cache.SUFFIX}")] == ["layers"]


def test_no_cache_validates_the_bundled_yaml(monkeypatch: pytest.MonkeyPatch, parsed: list[str]) -> None:
    """``ADVISOR_NO_CACHE=1`` means parse everything: the shipped form is not read either."""
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    catalog_io.load_file(bundled_catalog_path())
    assert parsed == [str(bundled_catalog_path())]


def test_shipped_form_is_only_for_the_bundled_file(tmp_path: Path, parsed: list[str]) -> None:
    """A copy of the bundled catalog elsewhere, with the shipped form beside it, is validated itself."""
    bundled = bundled_catalog_path()
    copy = tmp_path / "catalog.yaml"
    copy.write_bytes(bundled.read_bytes())
    catalog_io.shipped_entry_path(copy).write_bytes(catalog_io.shipped_entry_path(bundled).read_bytes())
    catalog_io.load_file(copy)
    assert parsed == [str(copy)]
