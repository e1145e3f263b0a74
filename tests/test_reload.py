"""Hot reload: a router source follows its files, swaps atomically, and survives bad data."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.errors import AdvisorError, CatalogError
from advisor.reload import RouterSource

DAY = dt.date(2025, 1, 1)
HEAD = (
    "schema_version: 1\n"
    "sources: {s: {title: written by tests/test_reload.py}}\n"
    "benchmarks: {arena-text: {name: Arena, scale: Elo, elo_scale: 400}}\n"
    "models:\n"
)


def layer(cheap_price: float) -> str:
    """Two models; the cheaper one's price is the knob the tests turn."""
    return HEAD + (
        f"  - {{id: a, provider: P, prices: [{{input: {cheap_price}, output: {cheap_price}, source: s}}],"
        " scores: [{benchmark: arena-text, value: 1200, ci_lower: 1190, ci_upper: 1210, as_of: 2024-12-01, source: s}]}\n"
        "  - {id: b, provider: Q, prices: [{input: 2, output: 2, source: s}],"
        " scores: [{benchmark: arena-text, value: 1250, ci_lower: 1240, ci_upper: 1260, as_of: 2024-12-01, source: s}]}\n"
    )


def write(path: Path, text: str) -> None:
    """Replace the file as editors and ``advisor catalog update`` do: a new file renamed over it."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def test_rebuilds_when_a_file_changes_and_keeps_serving_on_bad_data(tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    write(path, layer(1.0))
    errors: list[Exception] = []
    source = RouterSource(path, bundled=False, as_of=DAY, every=0, on_error=errors.append)
    first = source.get()
    assert first.cheapest(1100).cost == pytest.approx(1.0)  # type: ignore[union-attr]
    assert source.get() is first  # nothing changed: the same router
    write(path, layer(0.5))
    second = source.get()
    assert second is not first and second.cheapest(1100).cost == pytest.approx(0.5)  # type: ignore[union-attr]
    assert source.status.reloads == 1 and source.status.error is None
    write(path, layer(0.5).replace("value: 1200", "value: 1200, votes: -3"))
    assert source.get() is second  # bad data: the previous router stays in service
    status = source.status
    assert status.error is not None and "ours.yaml" in status.error and "votes" in status.error
    assert len(errors) == 1 and isinstance(errors[0], CatalogError)
    assert source.get() is second and len(errors) == 1  # the same bad file is not retried
    write(path, layer(0.25))
    assert source.get().cheapest(1100).cost == pytest.approx(0.25)  # type: ignore[union-attr]
    assert source.status.error is None and source.status.reloads in (1, 2)  # a version may be skipped
    path.unlink()
    assert source.get().cheapest(1100).cost == pytest.approx(0.25)  # type: ignore[union-attr]
    assert "no such file" in (source.status.error or "")


def test_checks_at_most_every_n_seconds(tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    write(path, layer(1.0))
    source = RouterSource(path, bundled=False, as_of=DAY, every=3600)
    first = source.get()
    write(path, layer(0.5))
    assert source.get() is first  # not due yet
    assert source.check() is True  # an explicit check sees it at once
    assert source.get() is not first


def test_first_build_must_succeed(tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    write(path, "schema_version: 1\nmodels: [{id: x}]\n")
    with pytest.raises(CatalogError, match=r"ours\.yaml"):
        RouterSource(path, bundled=False, as_of=DAY)
    with pytest.raises(AdvisorError, match="every must be"):
        RouterSource(path, bundled=False, every=float("nan"))


def test_many_threads_query_while_the_files_change(tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    prices = [1.0, 0.5, 0.25, 0.125]
    write(path, layer(prices[0]))
    source = RouterSource(path, bundled=False, as_of=DAY, every=0)
    seen: list[list[float]] = [[] for _ in range(8)]
    failures: list[BaseException] = []
    stop = threading.Event()

    def query(mine: list[float]) -> None:
        try:
            while not stop.is_set():
                route = source.get().cheapest(1100, input_tokens=2000, output_tokens=500)
                assert route is not None and route.id == "a"
                mine.append(route.usd_per_mtok)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=query, args=(mine,)) for mine in seen]

    def wait_until(done: Callable[[], bool]) -> None:  # a loaded machine may starve a thread for a while
        deadline = time.monotonic() + 30
        while not done() and not failures and time.monotonic() < deadline:
            time.sleep(0.01)

    for t in threads:
        t.start()
    wait_until(lambda: all(seen))  # every thread has answered once before the files change
    for price in prices[1:]:
        time.sleep(0.05)
        write(path, layer(price).replace("value: 1250", "value: 1250, votes: -1") if price == 0.25 else layer(price))
    wait_until(lambda: all(mine[-1] == 0.125 for mine in seen))  # and each has seen the last data
    stop.set()
    for t in threads:
        t.join()
    assert not failures
    order = {1.0: 0, 0.5: 1, 0.125: 2}
    for mine in seen:
        assert mine and set(mine) <= set(order)  # never the bad file's data, never a half-built router
        versions = [order[x] for x in mine]
        assert versions == sorted(versions)  # each thread sees the data move forward only
    assert source.get().cheapest(1100).cost == 0.125  # type: ignore[union-attr]
    assert source.status.error is None and source.status.reloads in (1, 2)  # a version may be skipped


def test_background_thread(tmp_path: Path) -> None:
    path = tmp_path / "ours.yaml"
    write(path, layer(1.0))
    with RouterSource(path, bundled=False, as_of=DAY, every=0.01, thread=True) as source:
        first = source.get()
        write(path, layer(0.5))
        deadline = time.monotonic() + 5
        while source.get() is first and time.monotonic() < deadline:
            time.sleep(0.01)
        assert source.get().cheapest(1100).cost == pytest.approx(0.5)  # type: ignore[union-attr]
    assert source._thread is not None and not source._thread.is_alive()


def test_the_bundled_catalog_is_watched() -> None:
    from advisor.catalog import bundled_catalog_path

    source = RouterSource(every=0)
    assert str(bundled_catalog_path()) in source.status.files
    assert source.get() is source.get()


def test_the_update_layer_is_watched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A layer written where ``advisor catalog update`` writes (here a temp data folder) goes into service."""
    from advisor.catalog import load_catalog, updates_layer_path

    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    newest = max(s.as_of for m in load_catalog(updates=False) for s in m.scores if s.benchmark == "arena-text")
    source = RouterSource(every=0)
    assert str(updates_layer_path()) in source.status.files
    assert source.get().cheapest(1999) is None
    write(
        updates_layer_path(),
        "schema_version: 1\n"
        "sources: {u: {title: written by tests/test_reload.py}}\n"
        "models:\n"
        "  - {id: zz-updated, provider: Z, prices: [{input: 0.01, output: 0.01, source: u}],"
        f" scores: [{{benchmark: arena-text, value: 2000, as_of: {newest}, source: u}}]}}\n",
    )
    route = source.get().cheapest(1999)
    assert route is not None and route.id == "zz-updated"
