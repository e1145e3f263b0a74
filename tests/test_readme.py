"""The README is true: its transcripts are real output and its Python runs."""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))
import refresh_readme  # noqa: E402

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_console_transcripts_are_current() -> None:
    blocks = refresh_readme.BLOCK.findall(README)
    assert len(blocks) >= 5
    for block in blocks:
        fresh = refresh_readme.refresh(f"```console\n{block}```")
        assert fresh == f"```console\n{block}```", "stale transcript: run python docs/refresh_readme.py"


@pytest.mark.parametrize("index", range(len(re.findall(r"```python\n", README))))
def test_python_examples_run(index: int) -> None:
    code = re.findall(r"```python\n(.*?)```", README, re.S)[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"README.md python block {index + 1}", "exec"), {"__name__": "__readme__"})
    assert out.getvalue().strip(), "each README example prints something"


def test_cli_reference_is_generated_from_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", refresh_readme.HELP_COLUMNS)
    expected = refresh_readme.cli_reference()
    assert refresh_readme.CLI_REFERENCE.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is stale: run python docs/refresh_readme.py"
    )


def test_the_routing_example_is_a_short_service_with_fallbacks_and_reload() -> None:
    block = next(b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "RouterSource(" in b)
    assert ".fallbacks(" in block and "routes.get()" in block
    assert len([ln for ln in block.splitlines() if ln.strip()]) <= 20


def test_quick_start_matches_ci() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install = "pip install . && advisor models"
    tests = "pip install -e '.[test]' && pytest"
    assert install in README and tests in README
    assert install in ci and tests in ci
