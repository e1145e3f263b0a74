"""``advisor rate`` through the real CLI entry point: output, the catalog layer, errors."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from advisor.battles import rate
from advisor.cli import main
from advisor.cli import rate as rate_cmd

BAD = Path(__file__).resolve().parent / "battles"
JUDGE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "battles"
    / "arena_hard_auto_llm_judge_battles_2024-09-07.jsonl"
)

# a beats b 30-10, b and c split 20-20, a and c tie 5 times: a clear leader, b and c close
# (c above b: its ties with a count as half wins against the leader).
ROWS = (
    [("a", "b", "model_a")] * 30
    + [("b", "a", "model_a")] * 10
    + [("b", "c", "model_a")] * 20
    + [("c", "b", "model_a")] * 20
    + [("a", "c", "tie")] * 5
)


@pytest.fixture
def battles_csv(tmp_path: Path) -> Path:
    path = tmp_path / "battles.csv"
    path.write_text("model_a,model_b,winner\n" + "".join(f"{a},{b},{w}\n" for a, b, w in ROWS), encoding="utf-8")
    return path


BASE_CATALOG = """\
schema_version: 1
sources:
  test: {title: test catalog}
models:
  - id: model-a-2024
    provider: Lab A
    aliases: [a]
  - id: b
    provider: Lab B
"""


def test_leaderboard_without_bootstrap(battles_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rate", str(battles_csv), "--bootstrap", "0", "--no-resolve"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == (
        "rank  model  score (Elo)  95% CI  votes\n"
        "----  -----  -----------  ------  -----\n"
        "   1  a           1106.1       -     45\n"
        "   2  c            955.8       -     45\n"
        "   3  b            938.1       -     80\n"
        "\n"
        "85 battles among 3 models; anchor mean = 1000; ties half.\n"
        "No bootstrap: no CIs; ranks follow the scores.\n"
    )


def test_leaderboard_with_bootstrap_and_anchor(battles_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["rate", str(battles_csv), "--bootstrap", "50", "--seed", "3", "--anchor", "b=1200", "--no-resolve"]) == 0
    )
    out, err = capsys.readouterr()
    assert err == ""  # no progress bar: stderr is not a terminal
    lines = out.splitlines()
    assert lines[0] == "rank  model  score (Elo)         95% CI  votes"
    r = rate(battles_csv, bootstrap=50, seed=3, anchor=("b", 1200.0))
    for k, line in enumerate(lines[2:5]):
        ci = f"+{r.ci_upper[k] - r.scores[k]:.1f}/-{r.scores[k] - r.ci_lower[k]:.1f}"
        assert line.split() == [str(r.ranks[k]), r.models[k], f"{r.scores[k]:.1f}", ci, str(r.votes[k])]
    assert lines[4].split()[1:4] == ["b", "1200.0", "+0.0/-0.0"]
    # a and c overlap (both rank 1); b's interval is pinned at 1200, below a's lower bound.
    assert [line.split()[:2] for line in lines[2:5]] == [["1", "a"], ["1", "c"], ["2", "b"]]
    assert lines[-2:] == [
        "85 battles among 3 models; anchor b = 1200; ties half.",
        "95% CI: 50 bootstrap rounds (seed 3); rank = 1 + models whose CI lies entirely above.",
    ]


def test_json_is_the_library_result(battles_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rate", str(battles_csv), "--json", "--bootstrap", "20", "--seed", "1"]) == 0
    got = json.loads(capsys.readouterr().out)
    r = rate(battles_csv, bootstrap=20, seed=1)
    assert got["models"] == list(r.models)
    assert got["scores"] == r.scores.tolist()
    assert got["ci_lower"] == r.ci_lower.tolist() and got["ranks"] == r.ranks.tolist()
    assert got["win_fraction"][0][0] is None and got["predicted"][0][1] == r.predicted[0, 1]
    assert {k: got[k] for k in ("battles", "anchor", "ties", "bootstrap", "seed", "scale", "base")} == {
        "battles": 85,
        "anchor": 1000.0,
        "ties": "half",
        "bootstrap": 20,
        "seed": 1,
        "scale": 400.0,
        "base": 10.0,
    }


def test_out_writes_a_catalog_layer_that_loads(
    battles_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from advisor.catalog import load_catalog
    from advisor.catalog_io import read_catalog_file

    base = tmp_path / "base.yaml"
    base.write_text(BASE_CATALOG + "  - id: c\n    provider: Lab C\n", encoding="utf-8")
    out = tmp_path / "scores.yaml"
    code = main(
        [
            "rate",
            str(battles_csv),
            "--bootstrap",
            "30",
            "--benchmark",
            "team-eval",
            "--as-of",
            "2024-08-01",
            "--out",
            str(out),
            "--no-resolve",
        ]
    )
    assert code == 0
    assert capsys.readouterr().err == f"Wrote {out}: 3 scores for benchmark 'team-eval'\n"
    layer = read_catalog_file(out)  # the project's own strict reader
    assert layer.sources["team-eval-battles"].title == "Bradley-Terry fit of battles.csv (85 battles)"
    assert layer.sources["team-eval-battles"].retrieved == dt.date(2024, 8, 1)
    assert layer.benchmarks["team-eval"].scale == "Bradley-Terry rating, Elo scale"
    assert layer.benchmarks["team-eval"].elo_scale == 400.0
    assert [m.id for m in layer.models] == ["a", "c", "b"]
    first = layer.models[0].scores[0]
    assert (first.benchmark, first.category, first.value, first.votes, first.as_of) == (
        "team-eval",
        "overall",
        1106.1,
        45,
        dt.date(2024, 8, 1),
    )
    assert "2024-08-01" in out.read_text(encoding="utf-8")  # written by advisor.writer, dates unquoted
    catalog = load_catalog(base, out, bundled=False)
    assert [s.value for s in catalog.get("a").scores] == [1106.1]


def test_catalog_resolves_names_and_warns_about_unknown_ones(
    battles_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(BASE_CATALOG, encoding="utf-8")
    assert main(["rate", str(battles_csv), "--bootstrap", "0", "--catalog", str(base), "--no-bundled"]) == 0
    out, err = capsys.readouterr()
    assert [line.split()[1] for line in out.splitlines()[2:5]] == ["model-a-2024", "c", "b"]
    assert err == (
        "Warning: 1 model(s) not in the catalog, kept as named: c; "
        "their entries need a provider: to load as new models\n"
    )


@pytest.mark.skipif(not JUDGE.exists(), reason="shared data not found at ../shared/data")
def test_real_llm_judge_battles(capsys: pytest.CaptureFixture[str]) -> None:
    # Names resolve to catalog ids as of the battles' date: the moving alias gpt-4o meant the
    # 2024-05-13 snapshot then.
    argv = ["rate", str(JUDGE), "--anchor", "claude-3-haiku-20240307=1000", "--bootstrap", "0"]
    assert main([*argv, "--as-of", "2024-09-07"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines[2:7]] == [
        "claude-3-5-sonnet-20240620",
        "gpt-4o-2024-05-13",
        "gpt-4o-mini-2024-07-18",
        "claude-3-opus-20240229",
        "claude-3-haiku-20240307",
    ]
    assert lines[6].split()[2] == "1000.0" and lines[8].startswith("2,136 battles among 5 models")


GOLDEN = [
    (
        "bad_unknown_winner.jsonl",
        "bad_unknown_winner.jsonl:3: unknown winner 'draw' (expected model_a, model_b, tie or tie (bothbad))",
    ),
    ("bad_self_battle.csv", "bad_self_battle.csv:3: model 'claude-3' battles itself"),
    ("bad_empty.jsonl", "bad_empty.jsonl:1: empty file: no battles"),
    (
        "bad_missing_column.csv",
        "bad_missing_column.csv:1: missing column 'winner' (columns: model_a, model_b, result)",
    ),
    (
        "bad_counts_not_numeric.csv",
        "bad_counts_not_numeric.csv:3: column 'wins_a': not a whole number >= 0: '12x'",
    ),
    (
        "bad_not_utf8.csv",
        "bad_not_utf8.csv:4: not UTF-8 text (byte 0xe9 at column 11); save the file as UTF-8",
    ),
]


@pytest.mark.parametrize(("name", "message"), GOLDEN)
def test_bad_input_is_one_line_exit_2_nothing_written(
    name: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(BAD)
    out = tmp_path / "scores.yaml"
    assert main(["rate", name, "--benchmark", "x", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"Error: {message}\n")
    assert not out.exists()


def test_never_lost_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "b.csv"
    path.write_text("model_a,model_b,winner\na,b,model_a\nb,c,model_a\nc,b,model_a\n", encoding="utf-8")
    assert main(["rate", str(path)]) == 2
    assert capsys.readouterr().err == (
        "Error: model 'a' never lost, so the Bradley-Terry MLE is +infinity; "
        "add battles it lost or pass regularization > 0 (--regularization)\n"
    )
    assert main(["rate", str(path), "--regularization", "1", "--bootstrap", "0"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[:2] == ["1", "a"]


def test_option_errors(battles_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.yaml"
    assert main(["rate", str(battles_csv), "--out", str(out)]) == 2
    assert capsys.readouterr().err == "Error: --out needs --benchmark NAME (the benchmark the scores belong to)\n"
    assert not out.exists()
    assert main(["rate", str(battles_csv), "--anchor", "aa=1000"]) == 2
    assert capsys.readouterr().err == "Error: unknown model 'aa'; did you mean 'a'?\n"
    assert main(["rate", str(battles_csv), "--anchor", "a=high"]) == 2
    assert "want MODEL=SCORE or a mean score, got 'a=high'" in capsys.readouterr().err


def test_progress_bar_only_on_a_terminal_and_not_with_json(
    battles_csv: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(rate_cmd._Progress, "delay", 0.0)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert main(["rate", str(battles_csv), "--bootstrap", "40", "--no-resolve"]) == 0
    err = capsys.readouterr().err
    assert "\rbootstrap [##############################] 40/40" in err and err.endswith("\r\x1b[K")
    assert main(["rate", str(battles_csv), "--bootstrap", "40", "--json", "--no-resolve"]) == 0
    assert capsys.readouterr().err == ""


def test_progress_bar_waits_a_moment() -> None:
    stream = io.StringIO()
    bar = rate_cmd._Progress(stream)
    bar(1, 10)
    bar.close()
    assert stream.getvalue() == ""  # finished before the delay: nothing drawn
