"""The charts as a person sees them: the HTML opened in headless Chromium (Debian's ``chromium``).

Chromium runs in its command-line modes only (``--dump-dom`` after the page's scripts ran, and
``--screenshot``), so no driver or npm package is needed. Console messages go to stderr with
``--enable-logging=stderr``; any of them fails the test. Without Chromium the tests are skipped
with a loud reason, or fail when ``ADVISOR_REQUIRE_BROWSER`` is set (CI sets it).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import advisor
from advisor._chart import HEIGHT, WIDTH
from advisor.plot import plot_frontier, plot_history, plot_winrates, write_figure

HOSTILE = "<img src=x onerror=alert(1)>"
LAYER = Path(__file__).resolve().parent / "catalogs" / "hostile.yaml"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=10000",
)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    reason = (
        "CHROMIUM NOT FOUND: the browser tests of the charts were SKIPPED. Install Debian's chromium "
        "(apt-get install chromium); .ci/run does, and CI sets ADVISOR_REQUIRE_BROWSER=1 to fail here instead."
    )
    if os.environ.get("ADVISOR_REQUIRE_BROWSER"):
        pytest.fail(reason.replace("were SKIPPED", "cannot run"))
    pytest.skip(reason)


@dataclass(frozen=True)
class Seen:
    """What Chromium made of a page: the DOM after scripts ran, console lines, a screenshot."""

    dom: str
    console: list[str]
    png: bytes


def _open(browser: str, page: Path, size: tuple[int, int]) -> Seen:
    def run(*mode: str) -> subprocess.CompletedProcess[bytes]:
        with tempfile.TemporaryDirectory() as profile:
            return subprocess.run(
                [
                    browser,
                    *FLAGS,
                    f"--user-data-dir={profile}",
                    f"--window-size={size[0]},{size[1]}",
                    *mode,
                    page.as_uri(),
                ],
                capture_output=True,
                timeout=90,
                cwd=page.parent,
                check=False,
            )

    shot = page.with_suffix(".png")
    dumped = run("--dump-dom", f"--screenshot={shot}")  # one launch does both
    console = [line for line in dumped.stderr.decode(errors="replace").splitlines() if ":CONSOLE" in line]
    dom = dumped.stdout.decode("utf-8", errors="replace")
    # The embedded plotly.js bundle is page source, not something drawn: leave it out of the checks.
    drawn = re.sub(r"<script\b[^>]*>.*?</script>", "", dom, flags=re.DOTALL)
    return Seen(drawn, console, shot.read_bytes() if shot.exists() else b"")


def _pixels(png: bytes) -> np.ndarray:
    """Decode an 8-bit RGB/RGBA PNG (what Chromium writes) into an (h, w, channels) array."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    height = depth = colour = 0
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        body = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and colour in (2, 6), (depth, colour)
    bpp = 3 if colour == 2 else 4
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + width * bpp)
    out = np.zeros((height, width * bpp), dtype=np.int32)
    prev = np.zeros(width * bpp, dtype=np.int32)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if kind == 0:
            row = line
        elif kind == 2:
            row = (line + prev) % 256
        elif kind == 1:
            row = line.reshape(width, bpp).cumsum(axis=0).reshape(-1) % 256
        else:  # average (3) and Paeth (4) depend on the reconstructed left pixel: go pixel by pixel
            row = np.zeros_like(line)
            for x in range(width * bpp):
                a = int(row[x - bpp]) if x >= bpp else 0
                b = int(prev[x])
                c = int(prev[x - bpp]) if x >= bpp else 0
                if kind == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[x] = (int(line[x]) + pred) % 256
        out[y], prev = row, row
    return out.reshape(height, width, bpp)[:, :, :3].astype(np.uint8)


def _colours(img: np.ndarray) -> set[tuple[int, int, int]]:
    flat = img.reshape(-1, 3)
    return {tuple(int(v) for v in c) for c in np.unique(flat, axis=0)}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _markers(fig: object) -> int:
    return sum(len(t.x) for t in fig.data if "markers" in (t.mode or ""))  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[object, Seen]]:
    browser = _chromium()
    folder = tmp_path_factory.mktemp("browser")
    july = advisor.load_catalog(LAYER).as_of(dt.date(2024, 7, 24))
    figures = {
        "frontier": plot_frontier(july, target="gpt-4o", budget=1.0),
        "history": plot_history(advisor.load_catalog()),
        "winrates": plot_winrates(july, top=6),
    }
    pages = {name: write_figure(fig, folder / f"{name}.html") for name, fig in figures.items()}
    broken = folder / "broken.html"
    # A page whose chart cannot draw (plotly.js missing): the checks below must catch it.
    broken.write_text(
        pages["frontier"]
        .read_text(encoding="utf-8")
        .replace("window.Plotly", "window.NoPlotly", 1)
        .replace("Plotly.newPlot(", "Plotly.nonexistent(", 1),
        encoding="utf-8",
    )
    with ThreadPoolExecutor(2) as pool:
        jobs = {
            name: pool.submit(_open, browser, path, (int(fig.layout.width or WIDTH), int(fig.layout.height or HEIGHT)))
            for name, path, fig in [(n, pages[n], figures[n]) for n in pages]
            + [("broken", broken, figures["frontier"])]
        }
        return {name: (figures.get(name, figures["frontier"]), job.result()) for name, job in jobs.items()}


def _check_drawn(fig: object, s: Seen) -> None:
    assert 'class="main-svg"' in s.dom, "plotly drew no SVG"
    assert not s.console, s.console
    img = _pixels(s.png)
    assert img.shape[:2] == (fig.layout.height or HEIGHT, fig.layout.width or WIDTH)  # type: ignore[attr-defined]
    assert len(_colours(img)) > 50, "the screenshot is (nearly) uniform: a blank page"
    ink = (img.astype(int).sum(axis=2) < 600).mean()
    assert 0.01 < ink < 0.5, f"share of non-white pixels {ink:.3f} is not a chart's"


def test_frontier_page(seen: dict[str, tuple[object, Seen]]) -> None:
    fig, s = seen["frontier"]
    _check_drawn(fig, s)
    assert s.dom.count('class="point"') == _markers(fig)  # every model, ring and star drawn
    assert 'data-unformatted="Pareto frontier (point scores)"' in s.dom
    assert s.dom.count('class="js-line"') >= 1
    # the hostile names are there, as text, and nothing they describe was created
    assert ">&lt;img src=x onerror=alert(1)&gt;<" in s.dom
    assert "&lt;b onmouseover=alert(2)&gt;Evil&lt;/b&gt;" in s.dom
    assert "<img" not in s.dom and "<b onmouseover" not in s.dom
    colours = np.array(sorted(_colours(_pixels(s.png))), dtype=int)
    providers = [t for t in fig.data if t.legendgroup == "providers"]  # type: ignore[attr-defined]
    for t in providers:  # each provider's colour is on screen, opaque or at the 0.65 opacity of the rest
        rgb = np.array(_rgb(t.marker.color))
        wanted = [rgb, np.rint(rgb * 0.65 + 255 * 0.35)]
        assert any((np.abs(colours - w).max(axis=1) <= 3).any() for w in wanted), t.name


def test_history_page(seen: dict[str, tuple[object, Seen]]) -> None:
    fig, s = seen["history"]
    _check_drawn(fig, s)
    assert s.dom.count('class="point"') == _markers(fig)
    assert 'data-unformatted="Cheapest model reaching the bar"' in s.dom
    assert "Llama 3.1 8B Instruct" in s.dom


def test_winrates_page(seen: dict[str, tuple[object, Seen]]) -> None:
    fig, s = seen["winrates"]
    _check_drawn(fig, s)
    assert s.dom.count('class="hm"') == 1 or "heatmaplayer" in s.dom
    assert ">evil-1<" in s.dom  # the hostile model leads the board, by its catalog id
    assert "<img" not in s.dom.replace("<image", "")


def test_the_checks_catch_a_broken_page(seen: dict[str, tuple[object, Seen]]) -> None:
    fig, s = seen["broken"]
    assert s.console and any("Uncaught" in line for line in s.console), s.console
    with pytest.raises(AssertionError):
        _check_drawn(fig, s)
