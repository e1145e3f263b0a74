"""Screenshot of the explorable frontier after moving the slider (docs/explore.png, in the README).

    python docs/explore_screenshot.py

Writes the page for July 2024 with a target and a budget, opens it in Debian's Chromium through
playwright (no browser download), moves the blend slider to 1:1 and picks the metric menu's first
entry, and saves what the window shows.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import advisor
from advisor.explore import write_explorer

OUT = Path(__file__).resolve().parent / "explore.png"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def main() -> None:
    from playwright.sync_api import sync_playwright

    view = advisor.load_catalog().as_of(dt.date(2024, 7, 24))
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        page_path = write_explorer(view, Path(folder) / "explore.html", target="gpt-4o", budget=5.0)
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(page_path.as_uri())
        page.wait_for_function("window.advisorExplorer && window.advisorExplorer.state() !== null")
        page.locator("#blend").focus()
        while page.locator("#blend-label").inner_text() != "1:1 input:output":
            page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT))
        browser.close()
    print(f"Wrote {OUT}")


if __name__ == "__main__":
    main()
