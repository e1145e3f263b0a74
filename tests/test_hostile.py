# ruff: noqa: RUF001  (Cyrillic look-alike letters are among the hostile inputs)
"""Property-based hostile input: mutated catalogs, battle files, import files and command lines.

Whatever hypothesis makes of them, advisor answers with exit code 0, 1 or 2, never a traceback,
and every problem is one printable line of its own (``Error: ...`` or ``Warning: ...``). The
seeds are real files: tests/catalogs/base.yaml (a two-model slice of the bundled catalog), a
battle file of three models written here, a LiteLLM map entry and an Arena CSV in the shapes of
tests/test_importers.py. Budgets are fixed (``max_examples``) so the run stays short.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.catalog import load_catalog
from advisor.cli import main
from advisor.errors import AdvisorError

CATALOGS = Path(__file__).resolve().parent / "catalogs"
BASE = (CATALOGS / "base.yaml").read_text(encoding="utf-8")

EXAMPLES = 100
"""Examples per property; the four properties run EXAMPLES each (400 cases in all, about 20 s)."""
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run: a failure here is reproducible in CI
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values that broke or fooled earlier versions, and their relatives.
HOSTILE = [
    "",
    "''",
    '""',
    "nan",
    ".nan",
    ".inf",
    "-.inf",
    "1e308",
    "-1",
    "0",
    "-0.0",
    "1e-320",
    "9" * 5000,
    str(2**64),
    "2024-02-30",
    "2024-13-01",
    "2024-1-1",
    "true",
    "null",
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "&x 1",
    "*x",
    '"gpt-4o\\u200b"',
    '"a\\nb"',
    '"\\0"',
    '"\\u202eevil"',
    '"\\ud800"',
    '"gpt-4о"',
    "'  '",
    "!!python/object:os.system 'echo pwned'",
    "<<: *x",
    "|",
    "- x",
    "x: y: z",
    "'unterminated",
    "\t",
]


def _run(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _assert_manners(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), code
    assert "Traceback" not in out + err
    for line in err.splitlines():
        if line.startswith("  "):  # the indented list under "N unmatched:" and the like
            continue
        assert line.startswith(("Error: ", "Warning: ", "advisor: ")) or line.endswith(":"), line
        assert line.isprintable(), line
    if code == 2:
        assert err.startswith("Error: "), err


def _mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    lines = text.splitlines()
    for kind, where, value in edits:
        if not lines:
            break
        i = where % len(lines)
        line = lines[i]
        if kind == 0 and ":" in line:  # replace the value after the last colon
            head = line[: line.rindex(":") + 1]
            lines[i] = f"{head} {value}"
        elif kind == 1:  # replace a flow-mapping value
            start = line.find(": ")
            end = line.find(",", start + 2)
            if start >= 0 and end > start:
                lines[i] = line[: start + 2] + value + line[end:]
        elif kind == 2:
            del lines[i]
        elif kind == 3:
            lines.insert(i, line)  # a duplicated line: duplicate keys, entries or list items
        else:
            lines.insert(i, " " * (where % 7) + value)
    return "\n".join(lines) + "\n"


_edits = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 10_000), st.sampled_from(HOSTILE)), min_size=1, max_size=4
)


def _in_tmp(write: Callable[[Path], list[str]]) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="advisor-hostile-") as folder:
        return write(Path(folder))


@SETTINGS
@given(edits=_edits)
def test_mutated_catalogs(edits: list[tuple[int, int, str]], capsys: pytest.CaptureFixture[str]) -> None:
    text = _mutate(BASE, edits)
    with tempfile.TemporaryDirectory(prefix="advisor-hostile-") as folder:
        path = Path(folder) / "layer.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        code, out, err = _run(["catalog", "validate", "--no-bundled", str(path)], capsys)
        _assert_manners(code, out, err)
        try:
            load_catalog(path, bundled=False)
            assert code == 0, err
        except AdvisorError as exc:  # the library says no more than validate, which runs every stage
            assert code == 2
            reported = {line.removeprefix("Error: ") for line in err.splitlines()}
            assert set(str(exc).splitlines()) <= reported


_names = st.sampled_from(["a", "b", "c", "", " ", "a\u200b", "b\n", "\u202ec", "\ud800", "gpt-4о", "x" * 300])
_winners = st.sampled_from(["model_a", "model_b", "tie", "tie (bothbad)", "", "A", "model_c", "nan"])
_counts = st.sampled_from(["0", "1", "7", "-1", "1.5", "nan", "9" * 5000, str(2**64), "1e3", "", "x"])


@SETTINGS
@given(
    rows=st.lists(st.tuples(_names, _names, _winners), min_size=0, max_size=8),
    counts=st.lists(st.tuples(_names, _names, _counts, _counts, _counts), min_size=0, max_size=4),
    kind=st.sampled_from(["jsonl", "csv", "counts.csv", "raw"]),
    junk=st.sampled_from(HOSTILE),
)
def test_mutated_battle_files(
    rows: list[tuple[str, str, str]],
    counts: list[tuple[str, str, str, str, str]],
    kind: str,
    junk: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Three real models always battle, so some cases fit and print a table.
    good = [("a", "b", "model_a"), ("b", "c", "model_a"), ("c", "a", "model_a"), ("b", "a", "tie")] * 2
    with tempfile.TemporaryDirectory(prefix="advisor-hostile-") as folder:
        if kind == "jsonl":
            path = Path(folder) / "battles.jsonl"
            lines = [json.dumps({"model_a": a, "model_b": b, "winner": w}) for a, b, w in [*good, *rows]]
            lines.insert(len(lines) // 2, junk)
        elif kind == "csv":
            path = Path(folder) / "battles.csv"
            lines = ["model_a,model_b,winner", *(",".join(r) for r in [*good, *rows])]
        elif kind == "counts.csv":
            path = Path(folder) / "counts.csv"
            lines = ["model_a,model_b,wins_a,wins_b,ties", "a,b,3,1,1", "b,c,2,2,0", "c,a,1,3,1"]
            lines += [",".join(r) for r in counts]
        else:
            path = Path(folder) / "battles.txt"
            lines = [junk, *(",".join(r) for r in rows)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
        code, out, err = _run(["rate", str(path), "--no-resolve", "--bootstrap", "0"], capsys)
        _assert_manners(code, out, err)


LITELLM = {
    "gpt-4o-mini-2024-07-18": {
        "litellm_provider": "openai",
        "mode": "chat",
        "input_cost_per_token": 1.5e-07,
        "output_cost_per_token": 6e-07,
        "max_input_tokens": 128000,
        "max_output_tokens": 16384,
    }
}
ARENA = (
    "rank,model,arena_score,95_pct_ci,votes,organization,license,knowledge_cutoff,url\n"
    "1,GPT-4o-2024-05-13,1287,+3/-3,64700,OpenAI,Proprietary,2023/10,https://openai.com\n"
    "2,gpt-4o-mini-2024-07-18,1280,+8/-9,4449,OpenAI,Proprietary,2023/10,https://openai.com\n"
)
_json_values = st.sampled_from(
    [None, True, "", "x", "1e308", 1e308, -1, 0, 10**30, [], {}, "\u200b", "a\nb", "2024-02-30", 1.5e-07]
)
_fields = st.sampled_from(
    [
        "litellm_provider",
        "mode",
        "input_cost_per_token",
        "output_cost_per_token",
        "max_input_tokens",
        "max_output_tokens",
        "cache_read_input_token_cost",
        "deprecation_date",
        "input_cost_per_token_batches",
    ]
)


@SETTINGS
@given(
    kind=st.sampled_from(["litellm", "arena"]),
    changes=st.lists(st.tuples(_fields, _json_values), max_size=4),
    key=st.sampled_from(["gpt-4o-mini-2024-07-18", "", "a\u200bb", "new\nline", "gpt-4о-mini"]),
    edits=_edits,
)
def test_mutated_import_files(
    kind: str,
    changes: list[tuple[str, object]],
    key: str,
    edits: list[tuple[int, int, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with tempfile.TemporaryDirectory(prefix="advisor-hostile-") as folder:
        into = Path(folder) / "layer.yaml"
        if kind == "litellm":
            entry = dict(LITELLM["gpt-4o-mini-2024-07-18"])
            entry.update(changes)
            source = Path(folder) / "prices.json"
            source.write_text(json.dumps({**LITELLM, key: entry}), encoding="utf-8", errors="surrogatepass")
            argv = ["catalog", "import", "litellm", str(source), "--into", str(into), "--date", "2024-07-25"]
        else:
            source = Path(folder) / "lmsys_arena_2024-07-24.csv"
            source.write_text(_mutate(ARENA, edits), encoding="utf-8", errors="surrogatepass")
            argv = ["catalog", "import", "arena", str(source), "--into", str(into), "--add-new"]
        code, out, err = _run(argv, capsys)
        _assert_manners(code, out, err)
        if code == 0:  # what was written loads, on the bundled catalog as it was checked
            load_catalog(into, metrics=["arena-text"])
        else:
            assert not into.exists()


_flags = st.sampled_from(
    [
        "--as-of",
        "--budget",
        "--min-score",
        "--target",
        "--min-context",
        "--provider",
        "--top",
        "--metric",
        "--input-tokens",
        "--output-tokens",
        "--cached-share",
        "--requests",
        "--per",
        "--exclude",
        "--min-win-rate",
        "--vs",
        "--json",
        "--catalog",
    ]
)
_values = st.sampled_from(
    [
        "2024-07-24",
        "2024-02-30",
        "gpt-4o",
        "gpt-4o\u200b",
        "OpenAl",
        "OpenAI",
        "nan",
        "inf",
        "-5",
        "0",
        "1",
        "0.5",
        "1e308",
        "9" * 5000,
        "",
        "month",
        "arena-text/coding",
        "arena-text/",
        "/",
        "\u202e",
        "no-such.yaml",
        "/dev/null",
    ]
)


@SETTINGS
@given(
    command=st.sampled_from(["models", "cost", "frontier", "recommend", "compare", "rank"]),
    args=st.lists(st.tuples(_flags, _values), max_size=4),
    positional=st.lists(_values, max_size=2),
)
def test_hostile_command_lines(
    command: str, args: list[tuple[str, str]], positional: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [command, *positional]
    for flag, value in args:
        argv += [flag] if flag == "--json" else [flag, value]
    code, out, err = _run(argv, capsys)
    _assert_manners(code, out, err)
    if "--json" in argv and code != 0 and not err.startswith("Error: advisor"):
        assert json.loads(out)["exit_code"] == code
