"""The parse cache holds data only, in a private folder, bounded, and never trusts what it did not write."""

from __future__ import annotations

import json
import os
import pickle
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from advisor import _cache
from advisor.catalog import load_catalog
from advisor.catalog_io import load_file
from advisor.errors import CatalogError

CATALOGS = Path(__file__).resolve().parent / "catalogs"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own (not yet created), and a fresh "said once" memory."""
    folder = tmp_path / "cache" / "advisor"
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(folder))
    monkeypatch.setattr(_cache, "_warned", set())
    return folder


@pytest.fixture
def layer(tmp_path: Path) -> Path:
    """tests/catalogs/base.yaml copied to a file of the test's own."""
    path = tmp_path / "layer.yaml"
    path.write_bytes((CATALOGS / "base.yaml").read_bytes())
    return path


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{_cache.SUFFIX}"))


def test_folder_is_private_and_entries_are_owner_only_json(cache: Path, layer: Path) -> None:
    old = os.umask(0)  # even a permissive umask must not widen the folder or the entries
    try:
        first = load_file(layer)
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    [entry] = entries(cache)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    doc = json.loads(entry.read_bytes())
    assert doc["format"] == _cache.FORMAT
    assert doc["source_size"] == layer.stat().st_size
    assert doc["source_digest"] == _cache.source_digest(layer.read_bytes())
    assert load_file(layer) == first == load_file(layer, use_cache=False)


def test_the_bundled_catalog_round_trips_through_the_cache(cache: Path) -> None:
    fresh = load_catalog()
    again = load_catalog()
    assert entries(cache)
    assert again.files == fresh.files
    assert again.get("gpt-4o-mini-2024-07-18") == fresh.get("gpt-4o-mini-2024-07-18")


def test_a_planted_entry_with_the_real_bytes_and_an_edited_price_is_used_only_if_we_own_it(
    cache: Path, layer: Path
) -> None:
    # The attack the cache must resist: a third party writes an entry bound to the real source
    # bytes but carrying another price. The folder being ours and private is what stops it; an
    # entry that is not a regular file of ours is never read.
    load_file(layer)
    [entry] = entries(cache)
    doc = json.loads(entry.read_bytes())
    text = json.dumps(doc).replace("[5, 15", "[0.01, 0.02").replace("[5.0, 15.0", "[0.01, 0.02")
    assert text != json.dumps(doc)
    entry.unlink()
    entry.symlink_to(_write(cache.parent / "elsewhere.json", text))
    assert load_file(layer).data.models[0].prices[0].input == 5.0  # a symlink is not followed


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pickle_in_the_folder_is_never_loaded_and_is_removed(cache: Path, layer: Path) -> None:
    ran = cache.parent / "ran"

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.mkdir, (str(ran),))

    cache.mkdir(parents=True, mode=0o700)
    (cache / "layer.yaml-0-0.1.0-py311-f2.pickle").write_bytes(pickle.dumps((layer.read_bytes(), Boom())))
    load_file(layer)
    assert not ran.exists()
    assert not list(cache.glob("*.pickle"))


def test_an_entry_of_the_wrong_shape_is_a_miss(cache: Path, layer: Path) -> None:
    first = load_file(layer)
    [entry] = entries(cache)
    doc = json.loads(entry.read_bytes())
    for data in ([1, 2, 3], {"a": 1}, "x", [[1], []], None):
        entry.write_text(json.dumps({**doc, "data": data}), encoding="utf-8")
        assert load_file(layer) == first


def test_a_fifo_in_place_of_an_entry_does_not_hang(cache: Path, layer: Path) -> None:
    load_file(layer)
    [entry] = entries(cache)
    entry.unlink()
    os.mkfifo(entry)
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(load_file(layer)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert result, "load_file hung on a FIFO in the cache folder"
    assert stat.S_ISREG(entry.lstat().st_mode)  # renamed over, never opened for writing


def test_a_folder_others_can_write_is_not_used_and_said_once(
    cache: Path, layer: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache.mkdir(parents=True)
    cache.chmod(0o777)
    first = load_file(layer)
    load_file(layer)
    assert not entries(cache)
    assert capsys.readouterr().err == (
        f"advisor: not using the cache folder {cache}: others can write to it (mode 0777); running without the cache\n"
    )
    assert load_file(layer, use_cache=False) == first


def test_a_folder_owned_by_someone_else_is_not_used(
    tmp_path: Path, layer: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_cache, "_warned", set())
    if os.geteuid() == 0:
        folder = tmp_path / "theirs"
        folder.mkdir(mode=0o755)
        os.chown(folder, 4242, -1)
        owner = 4242
    else:
        folder = Path("/")  # owned by root, not by an unprivileged test user
        owner = 0
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(folder))
    load_file(layer)
    load_file(layer)
    assert not entries(folder)
    assert capsys.readouterr().err == (
        f"advisor: not using the cache folder {folder}: it is owned by user id {owner}, "
        f"not by you ({os.geteuid()}); running without the cache\n"
    )


def test_least_recently_used_entries_are_evicted(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = []
    for i in range(4):
        path = tmp_path / f"l{i}.yaml"
        path.write_bytes((CATALOGS / "base.yaml").read_bytes())
        paths.append(path)
    load_file(paths[0])
    size = entries(cache)[0].stat().st_size
    monkeypatch.setattr(_cache, "MAX_TOTAL_BYTES", 3 * size)
    for i, path in enumerate(paths[:3]):
        load_file(path)
        for entry in cache.glob(f"l{i}.yaml-*"):
            os.utime(entry, (1_000_000 + i, 1_000_000 + i))  # l0 oldest
    load_file(paths[0])  # a hit makes l0 the most recently used
    load_file(paths[3])  # over the limit: l1, now the least recently used, goes
    names = sorted(e.name.split("-")[0] for e in entries(cache))
    assert names == ["l0.yaml", "l2.yaml", "l3.yaml"]


def test_cache_off(monkeypatch: pytest.MonkeyPatch, cache: Path, layer: Path) -> None:
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    load_file(layer)
    assert not cache.exists()


def test_the_suite_runs_with_private_folders(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    from conftest import REAL_HOME, SESSION_HOME

    for name in ("HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "ADVISOR_DATA_DIR"):
        assert Path(os.environ[name]).is_relative_to(SESSION_HOME), name
    assert not SESSION_HOME.is_relative_to(REAL_HOME)
    assert Path(os.environ["ADVISOR_CACHE_DIR"]).is_relative_to(tmp_path_factory.getbasetemp())
    # A CLI run in a subprocess that drops ADVISOR_CACHE_DIR still caches under the session's HOME,
    # never the user's: a layer with a name of its own shows where its entry went.
    marker = tmp_path / f"marker-{os.getpid()}-{tmp_path.name}.yaml"
    marker.write_bytes((CATALOGS / "base.yaml").read_bytes())
    env = {k: v for k, v in os.environ.items() if k != "ADVISOR_CACHE_DIR"}
    command = [sys.executable, "-m", "advisor", "models", "--no-bundled", "--catalog", str(marker)]
    subprocess.run(command, env=env, check=True, capture_output=True)
    assert list((SESSION_HOME / ".cache" / "advisor").glob(f"{marker.name}-*"))
    assert not list((REAL_HOME / ".cache" / "advisor").glob(f"{marker.name}-*"))


@pytest.fixture
def tabled(tmp_path: Path) -> Path:
    """tests/catalogs/base.yaml with an Arena coding score table beside it (figures made up by this
    fixture: 1270 and 1250, as_of 2024-07-24), the way the bundled catalog keeps its categories."""
    folder = tmp_path / "tabled"
    folder.mkdir()
    path = folder / "catalog.yaml"
    text = (CATALOGS / "base.yaml").read_text(encoding="utf-8")
    path.write_text(text + "score_tables:\n  arena-text/coding: coding.tsv\n", encoding="utf-8")
    (folder / "coding.tsv").write_text(
        "model\tbenchmark\tcategory\tas_of\tvalue\tci_lower\tci_upper\tvotes\tsource\n"
        "gpt-4o-2024-05-13\tarena-text\tcoding\t2024-07-24\t1270.0\t1260.0\t1280.0\t\tarena-2024-07-24\n"
        "gpt-4o-mini-2024-07-18\tarena-text\tcoding\t2024-07-24\t1250.0\t1240.0\t1260.0\t\tarena-2024-07-24\n",
        encoding="utf-8",
    )
    return path


def _coding(catalog: Any) -> list[float]:
    return [s.value for s in catalog.get("gpt-4o-mini").scores if s.category == "coding"]


def _same_catalog(a: object, b: object) -> None:
    """Every field of two catalogs is equal (a field merge_layers sets must come back from the cache)."""
    import dataclasses

    from advisor.catalog import Catalog

    for field in dataclasses.fields(Catalog):
        mine, theirs = getattr(a, field.name), getattr(b, field.name)
        if field.name in ("benchmarks", "sources"):
            mine, theirs = dict(mine), dict(theirs)
        assert mine == theirs, field.name


def test_a_warm_load_of_layers_is_one_entry_equal_to_a_fresh_load(
    cache: Path, tabled: Path, layer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor import catalog as catalog_mod

    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    fresh = load_catalog(tabled, layer, bundled=False, metrics=["arena-text/coding"])
    everything = load_catalog(tabled, layer, bundled=False)
    monkeypatch.delenv("ADVISOR_NO_CACHE")
    first = load_catalog(tabled, layer, bundled=False, metrics=["arena-text/coding"])
    assert [e.name.split("-")[0] for e in entries(cache)] == ["catalog.yaml", "layer.yaml", "layers"]
    layers = next(cache.glob("layers-*"))
    assert stat.S_IMODE(layers.stat().st_mode) == 0o600

    def no_file_reads(*args: object, **kwargs: object) -> None:
        raise AssertionError("a warm load read a file's own entry")

    monkeypatch.setattr(catalog_mod, "load_file", no_file_reads)
    second = load_catalog(tabled, layer, bundled=False, metrics=["arena-text/coding"])
    for loaded in (first, second):
        _same_catalog(loaded, fresh)
    assert _coding(second) == [1250.0]
    monkeypatch.undo()
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(cache))
    _same_catalog(load_catalog(tabled, layer, bundled=False), everything)  # other metrics: its own entry
    _same_catalog(load_catalog(tabled, layer, bundled=False), everything)
    assert len(list(cache.glob("layers-*"))) == 2


def test_an_edited_score_table_or_layer_is_a_miss(cache: Path, tabled: Path, layer: Path) -> None:
    load_catalog(tabled, layer, bundled=False, metrics=["arena-text/coding"])
    table = tabled.parent / "coding.tsv"
    table.write_text(table.read_text(encoding="utf-8").replace("1250.0\t1240.0", "1255.0\t1240.0"), encoding="utf-8")
    again = load_catalog(tabled, layer, bundled=False, metrics=["arena-text/coding"])
    assert _coding(again) == [1255.0]
    layer.write_text(layer.read_text(encoding="utf-8").replace("output: 0.6,", "output: 0.65,"), encoding="utf-8")
    again = load_catalog(tabled, layer, bundled=False, metrics=["arena-text/coding"])
    assert again.get("gpt-4o-mini").prices[-1].output == 0.65
    table.unlink()
    with pytest.raises(CatalogError, match="no such score table"):
        load_catalog(tabled, layer, bundled=False, metrics=["arena-text/coding"])


def test_a_layers_entry_of_the_wrong_shape_or_binding_is_a_miss(cache: Path, tabled: Path) -> None:
    first = load_catalog(tabled, bundled=False, metrics=["arena-text/coding"])
    [entry] = cache.glob("layers-*")
    doc = json.loads(entry.read_bytes())
    tables = doc["data"][0]
    for data in ([1, 2], {"a": 1}, None, [tables, [1]], [[str(tabled)], doc["data"][1]], [[7], doc["data"][1]]):
        entry.write_text(json.dumps({**doc, "data": data}), encoding="utf-8")
        _same_catalog(load_catalog(tabled, bundled=False, metrics=["arena-text/coding"]), first)
    # A planted price with the true binding is used only because the folder is private and ours:
    # the same entry as a symlink, or owned by another user, is never read.
    text = json.dumps(doc).replace("0.15, 0.6", "0.01, 0.02")
    assert text != json.dumps(doc)
    entry.unlink()
    entry.symlink_to(_write(cache.parent / "planted.json", text))
    assert load_catalog(tabled, bundled=False, metrics=["arena-text/coding"]).get("gpt-4o-mini").prices[0].input == 0.15
