#!/usr/bin/env bash
# Regenerate the README's figures with advisor itself, from the bundled catalog.
# Needs the PNG extra and a Chrome or Chromium for plotly's static export:
#   pip install -e '.[png]'    (and e.g. apt-get install chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

advisor plot frontier --as-of 2024-07-24 --target gpt-4o --out docs/frontier.png
advisor plot history --out docs/cost-of-quality.png
# The explorable frontier after moving its slider (needs playwright and Debian's chromium).
python docs/explore_screenshot.py
