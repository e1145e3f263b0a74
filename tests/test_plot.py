"""Charts: figure structure, escaping of names from user files, offline HTML, static export, CLI."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
import types
from pathlib import Path

import pytest

import advisor
from advisor._chart import _CHAR_PX, _LABEL_H
from advisor.cli import main
from advisor.errors import AdvisorError, OptionalDependencyError
from advisor.plot import (
    plot_frontier,
    plot_history,
    plot_winrates,
    write_figure,
)
from advisor.select import pool

JULY = dt.date(2024, 7, 24)
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_LAYER = Path(__file__).resolve().parent / "catalogs" / "hostile.yaml"


@pytest.fixture(scope="module")
def july() -> advisor.Catalog:
    return advisor.load_catalog().as_of(JULY)


@pytest.fixture
def hostile(tmp_path: Path) -> advisor.Catalog:
    return advisor.load_catalog(HOSTILE_LAYER).as_of(JULY)


def by_name(fig: object, start: str) -> object:
    hits = [t for t in fig.data if (t.name or "").startswith(start)]  # type: ignore[attr-defined]
    assert len(hits) == 1, [t.name for t in fig.data]  # type: ignore[attr-defined]
    return hits[0]


def test_importing_the_library_and_cli_never_imports_plotly() -> None:
    code = (
        "import sys, advisor, advisor.plot, advisor.history, advisor.cli.plot_cmds\n"
        "from advisor.cli import build_parser; build_parser()\n"
        "print('plotly' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_frontier_figure(july: advisor.Catalog) -> None:
    fig = plot_frontier(july, target="gpt-4o", budget=1.0)
    p = pool(july)
    front = advisor.frontier(july)
    rec = advisor.recommend(july, target="gpt-4o", budget=1.0)
    providers = sorted({o.provider for o in p.options})
    points = [t for t in fig.data if t.name in providers]
    # every priced and scored model is drawn once, in its provider's trace, with its 95% CI
    assert [t.name for t in points] == providers
    assert sum(len(t.x) for t in points) == len(p.options) == 36
    by_id = {o.id: o for o in p.options}
    for t in points:
        drawn = {(x, y) for x, y in zip(t.x, t.y, strict=True)}
        mine = [o for o in p.options if o.provider == t.name]
        assert drawn == {(o.cost.blended_usd_per_mtok, o.score) for o in mine}
        assert t.error_y.type == "data" and t.error_y.symmetric is False
        assert sorted(t.error_y.array) == sorted(o.ci_upper - o.score for o in mine)
        assert sorted(t.error_y.arrayminus) == sorted(o.score - o.ci_lower for o in mine)
        assert all("votes" in h and "source: LMSYS" in h and "blended" in h for h in t.hovertext)
    # the Pareto frontier is a step line through its models, extended to the dearest model
    step = by_name(fig, "Pareto frontier")
    assert step.mode == "lines" and step.line.shape == "hv"  # type: ignore[attr-defined]
    pareto = front.pareto
    assert list(step.x[:-1]) == [o.cost.blended_usd_per_mtok for o in pareto]  # type: ignore[attr-defined]
    assert list(step.y[:-1]) == [o.score for o in pareto]  # type: ignore[attr-defined]
    assert step.x[-1] == max(o.cost.blended_usd_per_mtok for o in p.options)  # type: ignore[attr-defined]
    ring = by_name(fig, "Uncertainty-aware frontier")
    assert len(ring.x) == len(front.statistical)  # type: ignore[attr-defined]
    assert ring.marker.symbol == "circle-open"  # type: ignore[attr-defined]
    # what you need: the budget line, the target's CI band, the recommended model
    budget = by_name(fig, "Budget $1.00")
    assert list(budget.x) == [1.0, 1.0]  # type: ignore[attr-defined]
    band = by_name(fig, "Target: GPT-4o (2024-05-13)")
    target = by_id["gpt-4o-2024-05-13"]
    assert set(band.y) == {target.ci_lower, target.ci_upper} and band.fill == "toself"  # type: ignore[attr-defined]
    star = by_name(fig, "Recommended: ")
    assert star.name == f"Recommended: {rec.choice.name}"  # type: ignore[attr-defined]
    assert (star.x[0], star.y[0]) == (rec.choice.cost.blended_usd_per_mtok, rec.choice.score)  # type: ignore[attr-defined]
    # axes: log cost with units, score with its scale; titles
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.xaxis.title.text == "Cost, USD per 1M tokens (blended at 3:1 input:output), log scale"
    assert fig.layout.yaxis.title.text == "Arena (text) score (Bradley-Terry rating, Elo scale)"
    assert fig.layout.title.text == "<b>Cost vs Arena (text) as of 2024-07-24</b>"
    assert "Recommended: <b>gpt-4o-mini-2024-07-18</b>" in fig.layout.title.subtitle.text
    # one label per frontier model, the recommended one in bold
    labels = [a.text for a in fig.layout.annotations if a.xref == "x"]  # the rest: the key of numbered points
    assert len(labels) == len(front.points)
    assert f"<b>{rec.choice.name}</b>" in labels


def test_frontier_labels_do_not_overlap() -> None:
    for day in (JULY, dt.date(2025, 8, 4)):
        fig = plot_frontier(advisor.load_catalog().as_of(day), target="gpt-4o")
        xr, yr = fig.layout.xaxis.range, fig.layout.yaxis.range
        pw = fig.layout.width - fig.layout.margin.l - fig.layout.margin.r
        ph = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
        boxes = []
        labels = [a for a in fig.layout.annotations if a.xref == "x"]
        for a in labels:
            cx = (a.x - xr[0]) / (xr[1] - xr[0]) * pw + a.ax
            cy = (yr[1] - a.y) / (yr[1] - yr[0]) * ph + a.ay
            half = (len(a.text.replace("<b>", "").replace("</b>", "")) * _CHAR_PX + 8) / 2
            boxes.append((cx - half, cy - _LABEL_H / 2, cx + half, cy + _LABEL_H / 2))
        for i, a in enumerate(boxes):
            assert a[0] >= -10 and a[2] <= pw + 10, (day, labels[i].text)
            for b in boxes[:i]:
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, (day, a, b)


def test_frontier_min_score_per_request_and_nothing_qualifies(july: advisor.Catalog) -> None:
    fig = plot_frontier(july, min_score=1250, per="request")
    assert by_name(fig, "Minimum score 1250").y == (1250, 1250)  # type: ignore[attr-defined]
    assert fig.layout.xaxis.title.text == "Cost, USD per request, log scale"
    fig = plot_frontier(july, target="gpt-4o", budget=0.01)
    assert not [t for t in fig.data if (t.name or "").startswith("Recommended")]
    assert "nothing qualifies: no model meets" in fig.layout.title.subtitle.text


def test_hostile_names_are_text(hostile: advisor.Catalog, tmp_path: Path) -> None:
    fig = plot_frontier(hostile, target="gpt-4o")
    text = json.dumps(fig.to_plotly_json(), default=str)
    for raw in ("<img", "<script", "<b onmouseover"):
        assert raw not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;script&gt;alert(&#x27;source&#x27;)&lt;/script&gt;" in text  # the source title in hover text
    assert "&lt;b onmouseover=alert(2)&gt;Evil&lt;/b&gt;" in [t.name for t in fig.data]
    out = write_figure(fig, tmp_path / "f.html")
    page = _without_plotlyjs(out.read_text(encoding="utf-8"))
    assert "<img" not in page and "onerror=alert(1)>" not in page
    win = plot_winrates(hostile, top=3)
    assert win.data[0].y[0] == "evil-1"  # axes show catalog ids; the name is in the hover text
    assert "<b>&lt;img src=x onerror=alert(1)&gt;</b>" in win.data[0].hovertext[0][0]
    assert "<img" not in json.dumps(win.to_plotly_json(), default=str)


def _without_plotlyjs(page: str) -> str:
    from plotly.offline import get_plotlyjs

    bundle = get_plotlyjs()
    assert bundle in page, "plotly.js is not embedded"
    return page.replace(bundle, "")


def test_html_is_self_contained(july: advisor.Catalog, tmp_path: Path) -> None:
    out = write_figure(plot_frontier(july), tmp_path / "f.html")
    page = _without_plotlyjs(out.read_text(encoding="utf-8"))
    assert "cdn.plot.ly" not in page and "https://cdn" not in page
    assert "<script src" not in page.replace(" ", "").replace("<scriptsrc", "<script src")
    assert '"displaylogo": false' in page
    assert [p.name for p in tmp_path.iterdir()] == ["f.html"]  # no temporary file left behind


def test_unknown_format(july: advisor.Catalog, tmp_path: Path) -> None:
    with pytest.raises(AdvisorError, match=r"must end in \.html, \.png or \.svg"):
        write_figure(plot_frontier(july), tmp_path / "f.pdf")


def test_png_without_kaleido_names_the_fix_and_keeps_the_old_file(
    july: advisor.Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "kaleido", None)  # makes `import kaleido` fail
    old = tmp_path / "f.png"
    old.write_bytes(b"old")
    with pytest.raises(OptionalDependencyError) as info:
        write_figure(plot_frontier(july), old)
    assert str(info.value) == (
        "PNG and SVG export need kaleido and a Chrome or Chromium: pip install 'advisor[png]' (HTML needs neither)"
    )
    assert isinstance(info.value, ImportError)
    assert old.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["f.png"]


def test_png_without_a_browser_names_the_fix(
    july: advisor.Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import plotly.io as pio

    def no_chrome(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("\n\nKaleido requires Google Chrome to be installed.\n")

    # Patch to_image first: reading it imports plotly's kaleido bridge, which must see the real
    # kaleido (else later tests in this process would export through the stand-in).
    monkeypatch.setattr(pio, "to_image", no_chrome)
    monkeypatch.setitem(sys.modules, "kaleido", types.ModuleType("kaleido"))
    with pytest.raises(OptionalDependencyError, match="need a Chrome or Chromium for kaleido: install one"):
        write_figure(plot_frontier(july), tmp_path / "f.svg")
    assert not list(tmp_path.iterdir())


def test_real_static_export(july: advisor.Catalog, tmp_path: Path) -> None:
    import os
    import shutil

    required = bool(os.environ.get("ADVISOR_REQUIRE_BROWSER"))  # CI: fail rather than skip
    try:
        import kaleido  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("kaleido is not installed, and CI must run the real PNG/SVG export")
        pytest.skip("kaleido is not installed (pip install 'advisor[png]')")
    if not any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome", "chrome")):
        if required:
            pytest.fail("no Chrome or Chromium for kaleido, and CI must run the real PNG/SVG export")
        pytest.skip("no Chrome or Chromium for kaleido")
    png = write_figure(plot_frontier(july, target="gpt-4o"), tmp_path / "f.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = write_figure(plot_history(advisor.load_catalog()), tmp_path / "h.svg")
    assert "<svg" in svg.read_text(encoding="utf-8")[:500]


def test_history_figure() -> None:
    catalog = advisor.load_catalog()
    fig = plot_history(catalog)
    data = advisor.history.cost_of_quality(catalog)
    curve = by_name(fig, "Cheapest model reaching the bar")
    assert list(curve.y) == [p.usd_per_mtok for p in data.points]  # type: ignore[attr-defined]
    assert curve.line.shape == "hv"  # type: ignore[attr-defined]
    own = by_name(fig, "gpt-4-0613's own price")
    assert set(own.y) == {37.5}  # type: ignore[attr-defined]
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.yaxis.title.text.startswith("Cheapest qualifying cost, USD per 1M tokens")
    assert "down 95.5% from 2024-06-19 to 2025-12-11" in fig.layout.title.text
    changes = len({p.model for p in data.points})
    assert len(fig.layout.annotations) == changes
    absolute = plot_history(catalog, bar=1250)
    assert [t.name for t in absolute.data] == ["Cheapest model reaching the bar"]


def test_winrates_figure(july: advisor.Catalog) -> None:
    fig = plot_winrates(july, top=4)
    heat = fig.data[0]
    board = advisor.rank(july).rows[:4]
    assert list(heat.y) == [r.id for r in board]  # catalog ids throughout, never a mix with display names
    z = heat.z
    for i, a in enumerate(board):
        assert z[i][i] is None
        for j, b in enumerate(board):
            if i != j:
                expected = float(advisor.win_probability(a.score, b.score))
                assert z[i][j] == pytest.approx(expected)
                assert z[i][j] + z[j][i] == pytest.approx(1.0)
    assert fig.layout.yaxis.autorange == "reversed"
    two = plot_winrates(july, models=["gpt-4o-mini", "gpt-4o"])
    assert list(two.data[0].x) == ["gpt-4o-2024-05-13", "gpt-4o-mini-2024-07-18"]
    assert fig.data[0].colorbar.title.side == "right"  # beside the bar, clear of the tick labels
    with pytest.raises(AdvisorError, match="not a Bradley-Terry rating"):
        plot_winrates(advisor.load_catalog().as_of(dt.date(2024, 8, 1)), metric="arena-hard-auto")
    with pytest.raises(ValueError, match="top must be an integer >= 2"):
        plot_winrates(july, top=1)


# --- the CLI --------------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "chart"),
    [
        (["frontier", "--as-of", "2024-07-24", "--target", "gpt-4o", "--budget", "1"], "frontier"),
        (["history", "--bar", "gpt-4-0613", "--from", "2024-07-01"], "cost-of-quality"),
        (["winrates", "--as-of", "2024-07-24", "--top", "5"], "win-rate"),
    ],
)
def test_cli_writes_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], chart: str
) -> None:
    out_file = tmp_path / "chart.html"
    code, out, err = run(capsys, "plot", *argv, "--out", str(out_file))
    assert (code, err) == (0, "")
    assert out == f"Wrote {out_file} ({chart} chart, self-contained HTML, opens offline)\n"
    assert out_file.stat().st_size > 1_000_000  # plotly.js is in the file


def test_cli_json_is_the_library_figure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, july: advisor.Catalog
) -> None:
    code, out, _ = run(capsys, "plot", "frontier", "--as-of", "2024-07-24", "--json", "--out", str(tmp_path / "f.html"))
    assert code == 0
    assert json.loads(out) == json.loads(plot_frontier(july).to_json())


def test_cli_history_options_reach_the_library(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        capsys,
        "plot",
        "history",
        "--bar",
        "1250",
        "--from",
        "2024-07-01",
        "--to",
        "2025-01-31",
        "--json",
        "--out",
        str(tmp_path / "h.html"),
    )
    assert code == 0
    fig = json.loads(out)
    curve = next(t for t in fig["data"] if t["name"] == "Cheapest model reaching the bar")
    assert curve["x"] == ["2024-07-24", "2024-10-16", "2025-01-29"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["frontier", "--out", "f.pdf"],
            "Error: advisor plot frontier: argument --out: the file name must end in .html, .png or .svg, got 'f.pdf'",
        ),
        (["frontier"], "Error: advisor plot frontier: the following arguments are required: --out"),
        (
            ["winrates", "--top", "1", "--out", "w.html"],
            "Error: advisor plot winrates: argument --top: must be at least 2, got '1'",
        ),
        (
            ["frontier", "--as-of", "2024-07-24", "--target", "gpt-4p", "--out", "f.html"],
            "Error: unknown model 'gpt-4p'; did you mean",
        ),
        (
            ["winrates", "--metric", "arena-hard-auto", "--as-of", "2024-08-01", "--out", "w.html"],
            "Error: metric 'arena-hard-auto' is not a Bradley-Terry rating",
        ),
    ],
)
def test_cli_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "plot", *argv)
    assert code == 2 and out == ""
    assert err.startswith(message), err
    assert len(err.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_cli_png_without_kaleido(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "kaleido", None)
    code, out, err = run(capsys, "plot", "frontier", "--as-of", "2024-07-24", "--out", str(tmp_path / "f.png"))
    assert (code, out) == (2, "")
    assert (
        err
        == "Error: PNG and SVG export need kaleido and a Chrome or Chromium: pip install 'advisor[png]' (HTML needs neither)\n"
    )


def test_log_ticks_are_money() -> None:
    from advisor._chart import _log_ticks

    vals, text = _log_ticks(math.log10(0.04), math.log10(60))
    assert text == ["$0.05", "$0.1", "$0.2", "$0.5", "$1", "$2", "$5", "$10", "$20", "$50"]
    assert vals[0] == pytest.approx(0.05)


def test_the_figure_script_runs_valid_commands() -> None:
    import shlex

    from advisor.cli import build_parser

    script = Path(__file__).resolve().parents[1] / "docs" / "make_figures.sh"
    lines = [line for line in script.read_text(encoding="utf-8").splitlines() if line.startswith("advisor ")]
    assert any("--out docs/frontier.png" in line for line in lines)
    for line in lines:
        build_parser().parse_args(shlex.split(line)[1:])
    png = (script.parent / "frontier.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
