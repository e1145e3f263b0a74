"""``advisor.update_catalog`` / ``advisor catalog update|status`` against a real HTTP server on 127.0.0.1.

Fixtures (made in tests/live_server.py from ../shared/data, see its docstring):

* LiteLLM: the PyPI maps 1.109.1 and 1.110.2 served byte for byte;
* LMArena dataset: the rows API pages made from LMArena's own exports (text board of 2025-12-11,
  style-control board of 2025-12-17), published dates moved to late 2026 and votes, ranks and
  organizations filled in as that module says.

Every test writes its layer under ``tmp_path`` (the session's HOME and data folders are temporary
too: tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import (
    LITELLM_NEW,
    LITELLM_OLD,
    NEW_KEY,
    STYLE_BOARD,
    STYLE_PUBLISHED,
    TEXT_BOARD,
    TEXT_PUBLISHED,
    LiveServer,
    Route,
    serve,
    standard_routes,
    urls_for,
)

import advisor
from advisor.catalog import load_catalog, score_of
from advisor.errors import CatalogError
from advisor.importers._common import usd_per_mtok
from advisor.live_sources import SOURCES
from advisor.periods import in_force
from advisor.update import UpdateError, catalog_status, update_catalog

REPO = Path(__file__).resolve().parents[1]
DAY = dt.date(2026, 11, 30)
TEXT_DAY, STYLE_DAY = dt.date.fromisoformat(TEXT_PUBLISHED), dt.date.fromisoformat(STYLE_PUBLISHED)

pytestmark = pytest.mark.skipif(not LITELLM_NEW.exists(), reason="shared data not found beside the repository")


@pytest.fixture(scope="module")
def routes() -> dict[str, Route]:
    return standard_routes()


def fresh(routes: dict[str, Route]) -> dict[str, Route]:
    """The routes with their content, none failing (each test may break its own copy)."""
    return {path: Route(body=r.body, pages=r.pages) for path, r in routes.items()}


@pytest.fixture(scope="module")
def live(routes: dict[str, Route]) -> Iterator[LiveServer]:
    """One server (one port, so the URLs in the state files stay the same) for the module."""
    yield from serve(LiveServer(routes=fresh(routes)))


@pytest.fixture
def server(live: LiveServer, routes: dict[str, Route]) -> LiveServer:
    """The module's server with its routes reset and its counters at zero."""
    live.routes.clear()
    live.routes.update(fresh(routes))
    live.hits.clear()
    live.encodings.clear()
    return live


@pytest.fixture(scope="module")
def full(live: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """One full update from an empty data folder (shared: it is the slow part)."""
    folder = tmp_path_factory.mktemp("full")
    report = update_catalog(urls=urls_for(live), into=folder / "layer.yaml", today=DAY, timeout=10)
    return report, folder


def copy_layer(folder: Path, into: Path) -> Path:
    """The full update's layer and state, copied so a test may update them further."""
    for name in ("layer.yaml", "layer.yaml.state.json"):
        shutil.copy(folder / name, into / name)
    return into / "layer.yaml"


def board(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_full_update_adds_scores_prices_and_models(full: tuple[Any, Path]) -> None:
    report, folder = full
    assert report.written and report.ok
    lm, lite = report.sources[:2]
    assert (lm.name, lm.status, lite.name, lite.status) == ("lmarena", "updated", "litellm", "updated")
    assert [s.status for s in report.sources] == ["updated"] * len(SOURCES)
    text, style = board(TEXT_BOARD), board(STYLE_BOARD)
    # Every page of both boards, 100 rows a page, one request each.
    pages = sum(-(-sum(len(v) for v in b.values()) // 100) for b in (text, style))
    assert lm.requests == pages and lite.requests == 1
    assert lm.data_date == STYLE_DAY
    snaps = {(s.metric, s.as_of): s.models for s in report.score_snapshots}
    noted = {name for note in lm.ambiguous for name in note.split(" (", 1)[0].split(" / ")}
    noted |= {note.split(":", 1)[0] for note in lm.skipped} | set(lm.unmatched)
    left_out = {n for n in text["full"] if n in noted}
    # Every row scores its model except those left out; an ambiguous note may stand for two rows that a
    # curated join sent to one model (it names the model, not both rows).
    scored = snaps[("arena-text", TEXT_DAY)]
    assert len(text["full"]) - len(left_out) - len(lm.ambiguous) <= scored <= len(text["full"]) - len(left_out)
    assert any("not sold" in note for note in lm.skipped)  # curated skips are never added as models
    assert ("arena-text-style", STYLE_DAY) in snaps
    assert len(snaps) == len(text) + len(style)  # one snapshot per board category

    cat = load_catalog(updates=folder / "layer.yaml")
    published = text["full"]["gemini-3-pro"]
    s = score_of(cat.get("gemini-3-pro"), "arena-text")
    assert s is not None and s.as_of == TEXT_DAY
    assert (s.value, s.ci_lower, s.ci_upper) == (
        published["rating"],
        published["rating_q025"],
        published["rating_q975"],
    )
    assert s.votes == round(1e6 / (published["rating_q975"] - published["rating_q025"]) ** 2)
    coding = score_of(cat.get("gemini-3-pro"), "arena-text-style", "coding")
    assert coding is not None and coding.value == style["coding"]["gemini-3-pro"]["rating"]
    assert "CC-BY-4.0" in "\n".join(cat.notices)

    # A model no catalog has (the fixture's added key), added from its maker's own key and priced from it.
    assert NEW_KEY in lite.new_models
    model = cat.get(NEW_KEY)
    (period,) = [p for p in model.prices if p.host is None]
    mini = board(LITELLM_NEW)["gpt-4o-mini"]
    retired = dt.date.fromisoformat(mini["deprecation_date"])  # the copied entry's retirement comes along
    assert model.provider == "OpenAI" and model.retired == retired
    assert period.since == DAY and period.until == retired
    assert (period.input, period.output) == (
        usd_per_mtok(mini["input_cost_per_token"]),
        usd_per_mtok(mini["output_cost_per_token"]),
    )
    assert set(report.models_added) == {m for s in report.sources for m in s.new_models}
    assert (NEW_KEY, DAY) in {(c.model, c.since) for c in report.prices_added}


@pytest.mark.skipif("genai-prices" not in SOURCES, reason="no genai-prices importer in this build's registry")
def test_genai_prices_and_models_dev(full: tuple[Any, Path]) -> None:
    """genai-prices keeps its own start dates (an announced change); models.dev fills in metadata."""
    report, folder = full
    by_name = {s.name: s for s in report.sources}
    assert by_name["genai-prices"].status == "updated" and by_name["genai-prices"].matched > 0
    assert by_name["models-dev"].status == "updated" and by_name["models-dev"].matched > 0
    cat = load_catalog(updates=folder / "layer.yaml")
    # The shared file announces gemini-3.6-flash at 1.5 / 7.5 per 1M tokens from 2027-01-01.
    announced = [p for p in cat.get("gemini-3.6-flash").prices if p.host is None and p.since == dt.date(2027, 1, 1)]
    assert [(p.input, p.output) for p in announced] == [(1.5, 7.5)]
    assert "models.dev" in "\n".join(cat.notices) and "genai-prices" in "\n".join(cat.notices)


def test_status_after_update(full: tuple[Any, Path]) -> None:
    folder = full[1]
    status = catalog_status(into=folder / "layer.yaml", today=DAY)
    assert status.layer_present and status.newest_score == STYLE_DAY
    assert status.newest_price == DAY and status.price_age_days == 0
    assert status.score_age_days == (DAY - STYLE_DAY).days
    fetched = {s.name: s for s in status.sources}
    assert fetched["lmarena"].fetched_at is not None and fetched["lmarena"].data_date == STYLE_DAY
    assert fetched["litellm"].license == "MIT" and fetched["lmarena"].license == "CC-BY-4.0"
    assert status.bundled_newest_score is not None and status.bundled_newest_score < status.newest_score


def test_unchanged_update_costs_one_request_per_board(
    full: tuple[Any, Path], server: LiveServer, tmp_path: Path
) -> None:
    layer = copy_layer(full[1], tmp_path)
    before = layer.read_bytes()
    report = update_catalog(urls=urls_for(server), into=layer, today=DAY + dt.timedelta(days=1))
    assert [(s.name, s.status, s.requests) for s in report.sources] == [
        ("lmarena", "unchanged", 2),
        *((name, "unchanged", 1) for name in list(SOURCES)[1:]),
    ]
    assert not report.written and layer.read_bytes() == before
    assert server.total_hits() == len(SOURCES) + 1
    state = json.loads((tmp_path / "layer.yaml.state.json").read_text())
    assert state["sources"]["litellm"]["checked_at"] > state["sources"]["litellm"]["fetched_at"]


def test_changed_price_starts_the_day_it_is_first_seen(server: LiveServer, tmp_path: Path) -> None:
    layer = tmp_path / "layer.yaml"
    day1, day2 = dt.date(2026, 11, 2), DAY
    server.routes["/litellm.json"] = Route(body=LITELLM_OLD.read_bytes())
    update_catalog(sources=["litellm"], urls=urls_for(server), into=layer, today=day1)
    before = load_catalog(updates=shutil.copy(layer, tmp_path / "day1.yaml"))
    server.routes["/litellm.json"] = Route(body=LITELLM_NEW.read_bytes())
    report = update_catalog(sources=["litellm"], urls=urls_for(server), into=layer, today=day2)
    old, new = board(LITELLM_OLD), board(LITELLM_NEW)
    cat = load_catalog(updates=layer)

    def keys(model_id: str, in_map: dict[str, Any]) -> list[str]:
        model = cat.get(model_id)
        return [k for k in (model.id, *(a.name for a in model.aliases)) if k in in_map]

    # Some own-key prices differ between LiteLLM 1.109.1 and 1.110.2 (e.g. gemma-4-31b-it at deepinfra,
    # 0.13 -> 0.2); a change may also be the bundled catalog's price of another source giving way to the
    # map's (deepseek-flash: genai-prices' 0.15 from 2026-11-30, the map's 0.3).
    by_maps = [
        c for c in report.price_changes
        if any(usd_per_mtok(old[k]["input_cost_per_token"]) != usd_per_mtok(new[k]["input_cost_per_token"])
               for k in keys(c.model, old) if k in new)
    ]  # fmt: skip
    assert ("gemma-4-31b-it", "deepinfra", 0.13, 0.2) in {(c.model, c.host, c.old_input, c.new_input) for c in by_maps}
    eve = day2 - dt.timedelta(days=1)
    for change in report.price_changes:
        assert change.since == day2 and change.changed

        def on(catalog: Any, day: dt.date, change: Any = change) -> tuple[Any, ...]:
            (p,) = [p for p in catalog.get(change.model).prices if p.host == change.host and in_force(p, day)]
            return (p.since, p.input, p.output)

        # The old figures are the price in force on day2 before this update, the new ones the new map's.
        assert on(before, day2)[1:] == (change.old_input, change.old_output), change
        assert change.new_input in {usd_per_mtok(new[k]["input_cost_per_token"]) for k in keys(change.model, new)}
        # From day2 on the new price is in force; the day before, the price is what it was.
        assert on(cat, day2) == (day2, change.new_input, change.new_output)
        assert on(cat, eve) == on(before, eve)


BROKEN = [
    ("404", "HTTP 404 Not Found"),
    ("500", "HTTP 500 Internal Server Error (after 2 attempts)"),
    ("slow", "timed out"),
    ("truncate", "truncated body"),
    ("malformed", "malformed or truncated JSON"),
    ("format", "only 0 keys with input_cost_per_token and litellm_provider (has the format changed?)"),
]


@pytest.mark.parametrize(("fail", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_failing_source_keeps_its_data(
    fail: str, reason: str, full: tuple[Any, Path], server: LiveServer, tmp_path: Path
) -> None:
    layer = copy_layer(full[1], tmp_path)
    before = layer.read_bytes()
    route = server.routes["/litellm.json"]
    if fail == "format":  # valid JSON, but not a price map any more
        route.body = json.dumps({"models": [{"id": "gpt-4o", "price": 2.5}]}).encode()
    else:  # the source changed (so no 304) and fails to deliver it
        route.body, route.fail, route.delay = LITELLM_OLD.read_bytes(), fail, 1.5
    report = update_catalog(urls=urls_for(server), into=layer, today=DAY, timeout=0.3, retries=1)
    lm, lite = report.sources[:2]
    assert report.ok and lm.status == "unchanged"
    assert lite.status == "failed" and reason in (lite.reason or "")
    assert layer.read_bytes() == before
    state = json.loads((tmp_path / "layer.yaml.state.json").read_text())
    assert reason in state["sources"]["litellm"]["last_error"]
    assert catalog_status(into=layer).sources[1].last_error == lite.reason


def test_dataset_format_change_and_short_pages(server: LiveServer, tmp_path: Path) -> None:
    rows = server.routes["/rows"].pages
    assert rows is not None
    server.routes["/rows"].pages = {k: [{**r, "rating": "high"} for r in v] for k, v in rows.items()}
    report = update_catalog(urls=urls_for(server), into=tmp_path / "a.yaml", today=DAY)
    lm = report.sources[0]
    assert lm.status == "failed" and "rating is not a finite number: 'high'" in (lm.reason or "")
    assert report.sources[1].status == "updated"  # the other sources still update
    server.routes["/rows"].pages = {k: [{"model": r["model_name"]} for r in v] for k, v in rows.items()}
    with pytest.raises(
        UpdateError, match=r"missing column\(s\) model_name, rating, category, leaderboard_publish_date"
    ):
        update_catalog(sources=["lmarena"], urls=urls_for(server), into=tmp_path / "b.yaml", today=DAY)
    assert not (tmp_path / "b.yaml").exists()
    server.routes["/rows"].pages, server.routes["/rows"].fail = rows, "short"
    with pytest.raises(UpdateError, match=r"truncated: no rows at offset 7461 of 7561"):
        update_catalog(sources=["lmarena"], urls=urls_for(server), into=tmp_path / "c.yaml", today=DAY)


def test_redirect_is_followed(server: LiveServer, tmp_path: Path) -> None:
    server.routes["/moved.json"] = Route(fail="redirect", redirect="/litellm.json")
    urls = {"litellm": server.url("/moved.json")}
    report = update_catalog(sources=["litellm"], urls=urls, into=tmp_path / "layer.yaml", today=DAY)
    assert report.sources[0].status == "updated" and report.written
    assert server.hits == {"/moved.json": 1, "/litellm.json": 1}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_offline_is_one_line_and_touches_nothing(full: tuple[Any, Path], tmp_path: Path) -> None:
    layer = copy_layer(full[1], tmp_path)
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    dead = f"http://127.0.0.1:{closed_port()}"
    urls = {name: f"{dead}/{name}" for name in SOURCES}
    with pytest.raises(UpdateError) as info:
        update_catalog(urls=urls, into=layer, retries=0)
    assert str(info.value) == "offline: no source could be reached (lmarena: connection refused); nothing changed"
    # The data untouched; only the (empty) lock file the update held is new.
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.suffix != ".lock"} == files


def test_nothing_updated_fails(server: LiveServer, tmp_path: Path) -> None:
    for route in server.routes.values():
        route.fail = "404"
    with pytest.raises(UpdateError, match=r"^no source could be updated \(lmarena: HTTP 404 Not Found; litellm"):
        update_catalog(urls=urls_for(server), into=tmp_path / "layer.yaml")
    assert not (tmp_path / "layer.yaml").exists()


def test_dry_run_writes_nothing(server: LiveServer, tmp_path: Path) -> None:
    into = tmp_path / "new" / "layer.yaml"
    dry = update_catalog(sources=["litellm"], urls=urls_for(server), into=into, dry_run=True, today=DAY)
    assert dry.dry_run and not dry.written and not into.parent.exists()
    real = update_catalog(sources=["litellm"], urls=urls_for(server), into=into, today=DAY)
    assert real.written and (dry.models_added, dry.prices_added) == (real.models_added, real.prices_added)


def test_load_catalog_uses_the_data_folder_layer(
    full: tuple[Any, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    shutil.copy(full[1] / "layer.yaml", tmp_path / "catalog-updates.yaml")
    # NEW_KEY: a model only the update adds (the served map's own key, no bundled catalog has it).
    assert NEW_KEY in load_catalog()
    assert NEW_KEY not in load_catalog(updates=False)
    assert NEW_KEY in advisor.load_catalog(updates=tmp_path / "catalog-updates.yaml")
    with pytest.raises(CatalogError, match="no such file"):
        load_catalog(updates=tmp_path / "missing.yaml")


def test_bad_arguments() -> None:
    with pytest.raises(advisor.AdvisorError, match=r"unknown source 'arena' \(known: lmarena, litellm"):
        update_catalog(sources=["arena"])
    with pytest.raises(advisor.AdvisorError, match="URL must start with http:// or https://"):
        update_catalog(urls={"litellm": "ftp://example.org/x.json"})


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        check=False,
    )


def test_two_updates_racing(server: LiveServer, tmp_path: Path) -> None:
    """Two processes update one layer at once: the lock makes the second wait, then find it current."""
    args = [
        "catalog", "update", "--source", "litellm", "--into", str(tmp_path / "layer.yaml"),
        "--url", f"litellm={server.url('/litellm.json')}", "--json",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = [
        subprocess.Popen([sys.executable, "-m", "advisor", *args], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    outs = [json.loads(p.communicate(timeout=600)[0]) for p in runs]
    assert [p.returncode for p in runs] == [0, 0]
    assert sorted(o["sources"][0]["status"] for o in outs) == ["unchanged", "updated"]
    assert sorted(o["written"] for o in outs) == [False, True]
    assert server.hits["/litellm.json"] == 2  # one download, one 304
    assert advisor.validate_catalog(tmp_path / "layer.yaml", updates=False).ok


def test_cli_update_status_and_no_updates(server: LiveServer, tmp_path: Path) -> None:
    env = {"ADVISOR_DATA_DIR": str(tmp_path)}
    url = f"litellm={server.url('/litellm.json')}"
    done = cli("catalog", "update", "--source", "litellm", "--url", url, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Updated {tmp_path / 'catalog-updates.yaml'}\n")
    assert "litellm  updated" in done.stdout and "Models added (" in done.stdout
    again = cli("catalog", "update", "--source", "litellm", "--url", url, "--json", env=env)
    assert json.loads(again.stdout)["sources"][0]["status"] == "unchanged"
    status = cli("catalog", "status", env=env)
    assert status.returncode == 0 and f"Update layer: {tmp_path / 'catalog-updates.yaml'}" in status.stdout
    assert json.loads(cli("catalog", "status", "--json", env=env).stdout)["layer_present"] is True
    models = json.loads(cli("models", "--json", env=env).stdout)
    shipped = json.loads(cli("models", "--json", "--no-updates", env=env).stdout)
    added = {r["id"] for r in models["rows"]} - {r["id"] for r in shipped["rows"]}
    assert NEW_KEY in added and len(models["rows"]) == len(shipped["rows"]) + len(added)
    # Priced from the day the update first saw them: today, the newest price date with the layer.
    # (The bundled catalog's newest price may be today too: it holds prices to 2026-11-30 and later.)
    assert models["freshness"]["priced_models"] == shipped["freshness"]["priced_models"] + len(added)
    assert models["freshness"]["prices_as_of"] == models["freshness"]["as_of"]
    assert shipped["freshness"]["prices_as_of"] <= models["freshness"]["prices_as_of"]


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    bad = cli("catalog", "update", "--url", "litellm", "--into", str(tmp_path / "x.yaml"))
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0 and "want SOURCE=URL" in bad.stderr
    dead = f"http://127.0.0.1:{closed_port()}"
    off = cli(
        "catalog", "update", "--source", "litellm", "--retries", "0", "--into", str(tmp_path / "x.yaml"),
        "--url", f"litellm={dead}/x.json",
    )  # fmt: skip
    assert off.returncode == 2
    assert off.stderr.splitlines()[-1] == (
        "Error: offline: no source could be reached (litellm: connection refused); nothing changed"
    )
    assert not (tmp_path / "x.yaml").exists()


def test_the_cli_names_every_live_source_without_importing_them() -> None:
    """The parser's --source choices are the live-source table's keys, in its order."""
    from advisor.cli.update_cmd import SOURCE_NAMES
    from advisor.live_sources import SOURCES

    assert tuple(SOURCES) == SOURCE_NAMES
