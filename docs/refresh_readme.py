"""Keep the docs true: README transcripts and the CLI reference come from the real program.

    python docs/refresh_readme.py          # rewrite README.md's transcripts and docs/cli.md (atomically)
    python docs/refresh_readme.py --check  # exit 1 if either is stale (what the tests check)

README.md: every ``$ advisor ...`` line of a ``console`` block is re-run and its stdout pasted below
it, as a terminal would show it without stderr. docs/cli.md: the ``--help`` of every command.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
CLI_REFERENCE = Path(__file__).resolve().parent / "cli.md"
HELP_COLUMNS = "100"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def run(command: str) -> str:
    """stdout of one ``advisor ...`` command line, run in-process."""
    from advisor.cli import main

    argv = shlex.split(command)
    if argv[:1] != ["advisor"]:
        raise SystemExit(f"README console commands must start with 'advisor': {command!r}")
    out = io.StringIO()
    # Tables fit COLUMNS when it is set; transcripts show them whole, as in a file or a pipe.
    columns = os.environ.pop("COLUMNS", None)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            main(argv[1:])
    finally:
        if columns is not None:
            os.environ["COLUMNS"] = columns
    return out.getvalue()


def refresh(text: str) -> str:
    """README text with every console block's outputs regenerated."""

    def block(match: re.Match[str]) -> str:
        commands = [ln[2:] for ln in match.group(1).splitlines() if ln.startswith("$ ")]
        body = "".join(f"$ {c}\n{run(c)}" for c in commands)
        return f"```console\n{body}```"

    return BLOCK.sub(block, text)


def cli_reference() -> str:
    """docs/cli.md: the ``--help`` text of every command, in command order."""
    import argparse
    import os

    from advisor.cli import build_parser

    os.environ["COLUMNS"] = HELP_COLUMNS  # argparse wraps to the terminal; fix it for a stable file
    parts = [
        "# advisor command reference\n",
        "Generated from each command's `--help` by `python docs/refresh_readme.py`; a test checks it.\n",
    ]

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        parts.append(f"## `{path}`\n\n```text\n{parser.format_help().rstrip()}\n```\n")
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, f"{path} {name}")

    walk(build_parser(), "advisor")
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report whether the README is current")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    new = refresh(text)
    reference = cli_reference()
    old_reference = CLI_REFERENCE.read_text(encoding="utf-8") if CLI_REFERENCE.exists() else ""
    if args.check:
        stale = [p.name for p, a, b in ((README, text, new), (CLI_REFERENCE, old_reference, reference)) if a != b]
        if stale:
            print(f"stale: {', '.join(stale)}; run python docs/refresh_readme.py", file=sys.stderr)
            return 1
        return 0
    from advisor._io import atomic_write_text

    atomic_write_text(README, new)
    atomic_write_text(CLI_REFERENCE, reference)
    return 0


if __name__ == "__main__":
    sys.exit(main())
