"""Reading catalog files: golden error cases, limits, the cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from advisor.catalog import load_catalog, validate_catalog
from advisor.catalog_io import MAX_FILE_BYTES, load_file, read_catalog_file
from advisor.cli import main
from advisor.errors import CatalogError

CATALOGS = Path(__file__).resolve().parent / "catalogs"

GOLDEN = sorted(p.stem for p in CATALOGS.glob("bad_*.yaml"))


def test_every_golden_case_has_its_expected_message() -> None:
    assert len(GOLDEN) >= 16
    for name in GOLDEN:
        assert (CATALOGS / f"{name}.txt").is_file(), name


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_error_messages(name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(CATALOGS)
    expected = (CATALOGS / f"{name}.txt").read_text(encoding="utf-8")
    code = main(["catalog", "validate", "--no-bundled", "base.yaml", f"{name}.yaml"])
    err = capsys.readouterr().err
    assert err == expected
    if name == "bad_per_token":  # a warning, not an error
        assert code == 0
    else:
        assert code == 2
        assert err.startswith(f"Error: {name}.yaml")
    assert "Traceback" not in err


def test_missing_file(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(CATALOGS)
    assert main(["catalog", "validate", "--no-bundled", "base.yaml", "no_such.yaml"]) == 2
    assert capsys.readouterr().err == "Error: no_such.yaml: no such file\n"


def test_huge_file_is_refused_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    with big.open("wb") as fh:  # sparse: costs no disk and would take long to parse
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(CatalogError) as info:
        read_catalog_file(big)
    assert str(info.value) == (
        f"{big}: file is {MAX_FILE_BYTES + 1:,} bytes, far larger than any catalog "
        f"(limit {MAX_FILE_BYTES:,}); refusing to read it"
    )


def test_every_problem_is_reported_at_once() -> None:
    report = validate_catalog(CATALOGS / "base.yaml", CATALOGS / "bad_price_values.yaml", bundled=False)
    assert not report.ok
    assert [p.field for p in report.problems] == ["prices[0].input", "prices[1].input", "prices[2].output"]
    assert [p.line for p in report.problems] == [7, 8, 9]
    assert {p.model for p in report.problems} == {"gpt-4o-2024-05-13"}


def test_warning_does_not_stop_loading() -> None:
    cat = load_catalog(CATALOGS / "base.yaml", CATALOGS / "bad_per_token.yaml", bundled=False)
    assert [w.field for w in cat.warnings] == ["prices[0].input", "prices[0].output"]
    assert cat.get("gpt-4o-mini").prices[-1].input == pytest.approx(1.5e-7)


def test_cache_hit_gives_the_same_data_and_is_keyed_by_content(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    text = (CATALOGS / "base.yaml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    first = load_file(path)
    cached = list(Path(os.environ["ADVISOR_CACHE_DIR"]).glob("c.yaml-*.advisor-cache.json"))
    assert cached
    assert load_file(path) == first
    path.write_text(text.replace("input: 5,", "input: 4,"), encoding="utf-8")
    changed = load_file(path)
    assert changed.data.models[0].prices[0].input == 4.0
    assert load_file(path, use_cache=False) == changed


def test_corrupt_cache_entry_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes((CATALOGS / "base.yaml").read_bytes())
    first = load_file(path)
    entries = list(Path(os.environ["ADVISOR_CACHE_DIR"]).glob("c.yaml-*.advisor-cache.json"))
    assert entries
    for entry in entries:
        entry.write_bytes(b"not JSON")
    assert load_file(path) == first


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (CATALOGS / "base.yaml").read_bytes())
    assert len(read_catalog_file(path).models) == 2
