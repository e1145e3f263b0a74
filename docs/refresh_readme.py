"""Re-run every ``$ advisor ...`` command in README.md's console blocks and paste its real output.

    python docs/refresh_readme.py          # rewrite README.md in place (atomically)
    python docs/refresh_readme.py --check  # exit 1 if any transcript is stale (what the tests check)

Only stdout is pasted, as a terminal would show it without stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def run(command: str) -> str:
    """stdout of one ``advisor ...`` command line, run in-process."""
    from advisor.cli import main

    argv = shlex.split(command)
    if argv[:1] != ["advisor"]:
        raise SystemExit(f"README console commands must start with 'advisor': {command!r}")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(argv[1:])
    return out.getvalue()


def refresh(text: str) -> str:
    """README text with every console block's outputs regenerated."""

    def block(match: re.Match[str]) -> str:
        commands = [ln[2:] for ln in match.group(1).splitlines() if ln.startswith("$ ")]
        body = "".join(f"$ {c}\n{run(c)}" for c in commands)
        return f"```console\n{body}```"

    return BLOCK.sub(block, text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report whether the README is current")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    new = refresh(text)
    if args.check:
        if new != text:
            print("README.md transcripts are stale: run python docs/refresh_readme.py", file=sys.stderr)
            return 1
        return 0
    from advisor._io import atomic_write_text

    atomic_write_text(README, new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
