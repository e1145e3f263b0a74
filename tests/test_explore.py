"""The explorable frontier: the page's data is the library's, and driven in a real browser its
points, frontiers and recommendation equal what the library computes for the same blend and metric.

The browser is Debian's Chromium driven by playwright (its own driver, no browser download).
Without either the browser tests are skipped loudly, or fail when ADVISOR_REQUIRE_BROWSER is set
(CI sets it).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import advisor
from advisor.catalog import Catalog
from advisor.cli import main
from advisor.errors import AdvisorError, NoCandidateError
from advisor.explore import BLEND_STOPS, blend_workloads, explorer_data, explorer_html, write_explorer
from advisor.select import frontier, pool, recommend
from advisor.workload import Workload

CATALOGS = Path(__file__).resolve().parent / "catalogs"
# Category and style-control scores written for these tests (the file says how), and names that
# would run as HTML if the page did not escape them.
LAYERS = (CATALOGS / "categories.yaml", CATALOGS / "hostile.yaml")
JULY = dt.date(2024, 7, 24)
NEEDS = {"target": "gpt-4o", "budget": 10.0}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def july() -> Catalog:
    return advisor.load_catalog(*LAYERS).as_of(JULY)


def expected(view: Catalog, metric: str, w: Workload) -> dict[str, Any]:
    """What the library says for one metric and blend, in the page's terms."""
    p = pool(view, metric=metric, workload=w)
    f = frontier(view, metric=metric, workload=w)
    try:
        choice: str | None = recommend(view, metric=metric, workload=w, **NEEDS).choice.id  # type: ignore[arg-type]
    except (NoCandidateError, AdvisorError):
        choice = None
    return {
        "points": {o.id: (float(c), o.score) for o, c in zip(p.options, p.cost.tolist(), strict=True)},
        "pareto": [o.id for o in f.pareto],
        "statistical": [o.id for o in f.statistical],
        "recommended": choice,
    }


# --- the data, without a browser ------------------------------------------------------------------


def test_the_slider_keeps_tokens_per_request_and_has_the_workloads_own_blend() -> None:
    w = Workload(input_tokens=2000, output_tokens=700)
    blends = blend_workloads(w)
    assert len(blends) == len(BLEND_STOPS) + 1
    assert w in blends
    assert all(math.isclose(b.input_tokens + b.output_tokens, 2700) for b in blends)
    shares = [b.input_tokens / 2700 for b in blends]
    assert shares == sorted(shares)
    assert blends[0].blend == "1:10 input:output" and blends[-1].blend == "50:1 input:output"
    assert len(blend_workloads(Workload())) == len(BLEND_STOPS)  # 3:1 is already a stop


def test_every_metric_of_the_catalog_is_offered_default_first(july: Catalog) -> None:
    data = explorer_data(july, metric="arena-text/coding")
    # arena-hard-auto's first snapshot (2024-07-31) is after the view's date: nothing to offer.
    assert [m["key"] for m in data["metrics"]] == ["arena-text/coding", "arena-text", "arena-text-style"]
    later = explorer_data(advisor.load_catalog(*LAYERS).as_of(dt.date(2024, 8, 1)))
    assert [m["key"] for m in later["metrics"]] == [
        "arena-text",
        "arena-hard-auto",
        "arena-text-style",
        "arena-text/coding",
    ]
    labels = {m["key"]: m["label"] for m in data["metrics"]}
    assert labels["arena-text/coding"] == "Arena (text): coding"
    assert labels["arena-text-style"] == "Arena (text, style control)"


def test_page_prices_are_the_library_prices(july: Catalog) -> None:
    data = explorer_data(july, **NEEDS)  # type: ignore[arg-type]
    blends = blend_workloads(Workload())
    assert data["blends"][data["blend"]]["label"] == "3:1 input:output"
    for m in data["metrics"]:
        for b, w in enumerate(blends):
            want = expected(july, m["key"], w)["points"]
            got = {i: c for i, c in zip(m["ids"], m["cost"][b], strict=True) if c is not None}
            assert got == {i: c for i, (c, _) in want.items()}, (m["key"], w.blend)
    assert data["needs"] == {"target": "gpt-4o-2024-05-13", "min_score": None, "budget": 10.0}


def test_the_page_is_self_contained_and_cannot_be_broken_out_of(july: Catalog) -> None:
    from plotly.offline import get_plotlyjs

    page = explorer_html(july)
    ours = page.replace(get_plotlyjs(), "")  # plotly.js itself is embedded whole
    assert len(ours) < len(page) - 1_000_000
    assert "<script src" not in ours and "http" not in ours
    start = ours.index('id="advisor-data">')
    payload = ours[start : ours.index("</script>", start)]
    # The hostile provider "<b ...>Evil</b>" would close the script element if left as it is.
    assert "evil-1" in payload and "Evil<\\/b>" in payload
    assert payload.count("</") == 0


def test_write_explorer_wants_html(tmp_path: Path, july: Catalog) -> None:
    with pytest.raises(AdvisorError, match=r"must end in \.html"):
        write_explorer(july, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
    path = write_explorer(july, tmp_path / "x.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "explore.html"
    argv = ["plot", "explore", "--as-of", "2024-07-24", "--target", "gpt-4o", "--out", str(out)]
    assert main(argv) == 0
    assert capsys.readouterr().out == f"Wrote {out} (explorable frontier, self-contained HTML, opens offline)\n"
    assert main([*argv[:-1], str(tmp_path / "explore.png")]) == 2
    assert "must end in .html" in capsys.readouterr().err


# --- in a real browser ----------------------------------------------------------------------------


def _need(what: str) -> None:
    reason = f"{what}: the explorable-chart browser tests were SKIPPED (CI sets ADVISOR_REQUIRE_BROWSER=1 to fail)"
    if os.environ.get("ADVISOR_REQUIRE_BROWSER"):
        pytest.fail(reason.replace("were SKIPPED", "cannot run"))
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need("playwright is not installed (pip install -e '.[test]')")
    executable = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
    if executable is None:
        _need("Chromium not found (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, tmp_path_factory: pytest.TempPathFactory, july: Catalog) -> Iterator[Any]:
    path = write_explorer(july, tmp_path_factory.mktemp("explore") / "explore.html", **NEEDS)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("window.advisorExplorer && window.advisorExplorer.state() !== null")
    page.evaluate("window.advisorExplorer.ready")
    yield page
    page.close()
    assert errors == []


def seen(page: Any) -> dict[str, Any]:
    """The page's state, checked against what plotly drew."""
    state = page.evaluate("window.advisorExplorer.state()")
    drawn = page.evaluate(
        """() => document.getElementById('chart').data.map(t => ({
            provider: t.meta && t.meta.provider, frontier: t.meta && t.meta.frontier,
            ids: t.meta && t.meta.ids, recommended: t.meta && t.meta.recommended,
            visible: t.visible, x: t.x, y: t.y, customdata: t.customdata,
            ci: t.error_y ? t.error_y.visible : null}))"""
    )
    visible = {}
    for t in drawn:
        if t["provider"] and t["visible"] is True:
            visible.update({i: (x, y) for i, x, y in zip(t["customdata"], t["x"], t["y"], strict=True)})
    assert visible == {p["id"]: (p["cost"], p["score"]) for p in state["points"]}
    fronts = {t["frontier"]: t["ids"] for t in drawn if t["frontier"]}
    assert fronts.get("pareto", []) == state["pareto"]
    assert fronts["statistical"] == state["statistical"]
    stars = [t["recommended"] for t in drawn if t["recommended"]]
    assert stars == ([state["recommended"]] if state["recommended"] else [])
    state["ci"] = {t["ci"] for t in drawn if t["provider"]}
    return state


def check(page: Any, view: Catalog, metric: str, w: Workload) -> dict[str, Any]:
    state = seen(page)
    want = expected(view, metric, w)
    assert state["metric"] == metric
    assert state["blend"] == w.blend
    got = {p["id"]: (p["cost"], p["score"]) for p in state["points"]}
    assert got.keys() == want["points"].keys()
    for model_id, (cost, score) in want["points"].items():
        assert math.isclose(got[model_id][0], cost, rel_tol=1e-12) and got[model_id][1] == score
    assert state["pareto"] == want["pareto"]
    assert state["statistical"] == want["statistical"]
    assert state["recommended"] == want["recommended"]
    text = page.locator("#recommendation").inner_text()
    if want["recommended"]:
        assert f"({want['recommended']})" in text
    else:
        assert text.startswith("Nothing recommended")
    return state


def test_moving_the_slider_and_picking_metrics_matches_the_library(page: Any, july: Catalog) -> None:
    blends = blend_workloads(Workload())
    check(page, july, "arena-text", blends[blend_workloads(Workload()).index(Workload())])
    recommendations = set()
    for option in page.locator("#metric option").all():
        metric = option.get_attribute("data-metric")
        page.select_option("#metric", label=option.inner_text())
        slider = page.locator("#blend")
        slider.focus()
        page.keyboard.press("Home")
        for b, w in enumerate(blends):
            if b:
                page.keyboard.press("ArrowRight")
            state = check(page, july, metric, w)
            recommendations.add(state["recommended"])
            assert page.locator("#blend-label").inner_text() == w.blend
    # The controls really change the answer: several frontiers and choices were seen.
    assert len(recommendations) >= 3


def test_ci_bars_switch_off_and_on(page: Any) -> None:
    assert seen(page)["ci"] == {True}
    page.uncheck("#ci")
    assert seen(page)["ci"] == {False}
    page.check("#ci")
    assert seen(page)["ci"] == {True}


def legend_item(page: Any, name: str) -> Any:
    return page.locator("g.traces", has=page.locator(".legendtext", has_text=name)).locator(".legendtoggle")


def test_a_provider_toggled_from_the_legend(page: Any, july: Catalog) -> None:
    legend_item(page, "OpenAI").click()
    state = seen(page)
    assert state["hidden"] == ["OpenAI"]
    others = sorted({m.provider for m in july if m.provider and m.provider != "OpenAI"})
    check(page, july.filter(provider=others), "arena-text", Workload())
    assert all(not p["id"].startswith("gpt-") for p in state["points"])
    legend_item(page, "OpenAI").click()
    assert seen(page)["hidden"] == []
    check(page, july, "arena-text", Workload())


def test_hostile_names_are_text(page: Any) -> None:
    html = page.content()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert page.locator("img").count() == 0 and page.locator("b[onmouseover]").count() == 0


@pytest.mark.parametrize("size", [(1400, 900), (800, 600), (480, 800)])
def test_the_page_fits_the_window(page: Any, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.wait_for_timeout(300)  # plotly's resize handler is debounced
    width, scroll = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollWidth]")
    assert scroll <= width
    svg = page.locator("#chart .main-svg").first.bounding_box()
    assert abs(svg["width"] - size[0]) <= 2


def test_every_metric_of_the_real_catalog_is_offered() -> None:
    """Generic over the catalog: each Arena category and style control there is offered as it lands."""
    view = advisor.load_catalog().view()
    data = explorer_data(view)
    offered = [m["key"] for m in data["metrics"]]
    wanted = [m for m in view.metrics() if len(pool(view, metric=m).options) >= 2]
    assert offered[0] == "arena-text" and sorted(offered) == sorted(wanted)
    assert {m for m in view.metrics() if m.startswith(("arena-text/", "arena-text-style"))} <= set(offered)


def test_the_real_catalog_page_matches_the_library(browser: Any, tmp_path: Path) -> None:
    view = advisor.load_catalog().view()
    path = write_explorer(view, tmp_path / "today.html", target="gemini-2.5-pro", budget=2.0)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(path.as_uri())
    page.wait_for_function("window.advisorExplorer && window.advisorExplorer.state() !== null")
    blends = blend_workloads(Workload())
    # every benchmark's overall board and two categories of each Arena benchmark (every metric is
    # offered: test_every_metric_of_the_real_catalog_is_offered; each costs a browser round trip)
    sample = {"arena-text", "arena-text/coding", "arena-text/math", "arena-text-style", "arena-text-style/coding",
              "arena-text-style/hard-prompts", "arena-hard-auto"}  # fmt: skip
    checked = set()
    for option in page.locator("#metric option").all():
        metric = option.get_attribute("data-metric")
        if metric not in sample:
            continue
        checked.add(metric)
        page.select_option("#metric", label=option.inner_text())
        page.locator("#blend").focus()
        page.keyboard.press("End")
        state = seen(page)
        want = expected_for(view, metric, blends[-1], target="gemini-2.5-pro", budget=2.0)
        assert state["pareto"] == want["pareto"] and state["statistical"] == want["statistical"]
        assert state["recommended"] == want["recommended"]
        assert {p["id"] for p in state["points"]} == set(want["points"])
    assert checked == sample
    page.close()


def expected_for(view: Catalog, metric: str, w: Workload, **needs: Any) -> dict[str, Any]:
    p = pool(view, metric=metric, workload=w)
    f = frontier(view, metric=metric, workload=w)
    try:
        choice: str | None = recommend(view, metric=metric, workload=w, **needs).choice.id
    except (NoCandidateError, AdvisorError):
        choice = None
    return {
        "points": {o.id: float(c) for o, c in zip(p.options, p.cost.tolist(), strict=True)},
        "pareto": [o.id for o in f.pareto],
        "statistical": [o.id for o in f.statistical],
        "recommended": choice,
    }
