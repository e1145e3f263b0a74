"""Parquet battle files and one leaderboard per task (``advisor rate --by``).

The battles are made here: four real July-2024 catalog models, two task categories with opposite
strength orders, so each category's leaderboard is known in advance.
"""

from __future__ import annotations

import csv
import itertools
import sys
from pathlib import Path

import pytest

from advisor.battles import read_battles
from advisor.battles_by import PARQUET_FIX, rate_by, read_battles_by, read_parquet
from advisor.cli import main
from advisor.errors import InputFileError, OptionalDependencyError

# Strongest first, per category.
ORDER = {
    "coding": ["claude-3-5-sonnet-20240620", "gpt-4o-2024-05-13", "gpt-4o-mini-2024-07-18", "meta-llama-3-8b-instruct"],
    "writing": [
        "gpt-4o-2024-05-13",
        "gpt-4o-mini-2024-07-18",
        "meta-llama-3-8b-instruct",
        "claude-3-5-sonnet-20240620",
    ],
}


def battles() -> list[dict[str, str]]:
    """Per category and pair: the stronger model wins 7, loses 3, ties 2; plus 5 untagged rows."""
    rows = []
    for category, order in ORDER.items():
        for strong, weak in itertools.combinations(order, 2):
            outcomes = ["model_a"] * 7 + ["model_b"] * 3 + ["tie"] * 2
            rows += [{"model_a": strong, "model_b": weak, "winner": w, "category": category} for w in outcomes]
    rows += [{"model_a": ORDER["coding"][0], "model_b": ORDER["coding"][1], "winner": "tie", "category": ""}] * 5
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def write_parquet(path: Path, rows: list[dict[str, str]]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({k: [r[k] or None for r in rows] for k in rows[0]})
    pq.write_table(table, path, row_group_size=17)
    return path


def same(a: object, b: object) -> bool:
    """Equal battle counts, whatever order the pairs were found in."""

    def cells(c: object) -> dict[tuple[str, str], tuple[int, ...]]:
        names = c.models  # type: ignore[attr-defined]
        return {
            (names[i], names[j]): tuple(int(v) for v in row)
            for (i, j), row in zip(c.pairs.tolist(), c.counts, strict=True)  # type: ignore[attr-defined]
        }

    return a.models == b.models and cells(a) == cells(b)  # type: ignore[attr-defined]


def test_parquet_reads_as_the_same_battles_in_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [r for r in battles() if r["category"]]
    monkeypatch.setattr("advisor.battles_by.BATCH_ROWS", 10)  # many record batches, bounded memory
    from_parquet = read_battles(write_parquet(tmp_path / "b.parquet", rows))
    from_csv = read_battles(write_csv(tmp_path / "b.csv", rows))
    assert from_parquet.total == from_csv.total == len(rows)
    assert from_parquet.models == from_csv.models
    assert same(from_parquet, from_csv)


def test_a_bad_parquet_row_is_named(tmp_path: Path) -> None:
    rows = battles()[:20]
    rows[13] = {**rows[13], "winner": "model_c"}
    path = write_parquet(tmp_path / "bad.parquet", rows)
    with pytest.raises(InputFileError, match=r"bad\.parquet: row 14: unknown winner 'model_c'"):
        read_parquet(path)
    with pytest.raises(InputFileError, match=r"missing column 'votes'"):
        read_parquet(path, drop_if=["votes"])
    (tmp_path / "junk.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(InputFileError, match="not a Parquet file"):
        read_parquet(tmp_path / "junk.parquet")


def test_without_pyarrow_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_parquet(tmp_path / "b.parquet", battles())
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(OptionalDependencyError) as info:
        read_battles(path)
    assert str(info.value) == "reading Parquet battle files needs pyarrow: pip install 'advisor[parquet]'"
    assert PARQUET_FIX == "pip install 'advisor[parquet]'"
    assert main(["rate", str(path), "--no-resolve"]) == 2
    assert capsys.readouterr().err == f"Error: {info.value}\n"


@pytest.mark.parametrize("kind", ["csv", "parquet", "jsonl"])
def test_by_splits_the_battles(tmp_path: Path, kind: str) -> None:
    rows = battles()
    if kind == "csv":
        path = write_csv(tmp_path / "b.csv", rows)
    elif kind == "parquet":
        path = write_parquet(tmp_path / "b.parquet", rows)
    else:
        import json

        path = tmp_path / "b.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    groups, unlabelled = read_battles_by(path, "category")
    assert sorted(groups) == ["coding", "writing"]
    assert unlabelled == 5
    for category, counts in groups.items():
        alone = read_battles(write_csv(tmp_path / f"{category}.csv", [r for r in rows if r["category"] == category]))
        assert same(counts, alone)
    boards, _ = rate_by(path, "category", bootstrap=0)
    for category, order in ORDER.items():
        r = boards[category]
        ranked = [r.models[i] for i in sorted(range(len(r.models)), key=lambda i: -r.scores[i])]
        assert ranked == order


def test_by_needs_values(tmp_path: Path) -> None:
    rows = [{**r, "category": ""} for r in battles()]
    with pytest.raises(InputFileError, match="no battle has a value in column 'category'"):
        read_battles_by(write_csv(tmp_path / "b.csv", rows), "category")
    with pytest.raises(InputFileError, match=r"b\.csv:1: missing column 'task'"):
        read_battles_by(tmp_path / "b.csv", "task")


def test_rate_by_writes_metrics_that_work_downstream(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_parquet(tmp_path / "battles.parquet", battles())
    out = tmp_path / "scores.yaml"
    argv = [
        "rate",
        str(path),
        "--by",
        "category",
        "--benchmark",
        "team-eval",
        "--out",
        str(out),
        "--as-of",
        "2024-07-24",
    ]
    assert main([*argv, "--bootstrap", "20"]) == 0
    captured = capsys.readouterr()
    assert "== team-eval/coding" in captured.out and "== team-eval/writing" in captured.out
    assert "5 battles without a value in 'category' left out." in captured.out
    assert "team-eval/coding, team-eval/writing" in captured.err
    for category, order in ORDER.items():
        assert (
            main(
                ["rank", "--catalog", str(out), "--as-of", "2024-07-24", "--metric", f"team-eval/{category}", "--json"]
            )
            == 0
        )
        import json

        rows = json.loads(capsys.readouterr().out)["rows"]
        assert [r["id"] for r in sorted(rows, key=lambda r: -r["score"])] == order
    assert main([*argv[:-2], "--category", "coding"]) == 2
    assert "--by and --category do not go together" in capsys.readouterr().err
