"""Reading battle files: formats, streaming, invalid-vote flags, golden bad-input messages."""

from __future__ import annotations

import datetime as dt
import json
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from advisor import battles
from advisor.battles import catalog_layer, rate, read_battles
from advisor.errors import ArgumentError, InputFileError
from advisor.ratings import BattleCounts

HERE = Path(__file__).resolve().parent
BAD = HERE / "battles"
DATA = HERE.parents[0].parent / "shared" / "data" / "battles"
JUDGE = DATA / "arena_hard_auto_llm_judge_battles_2024-09-07.jsonl"
PAIRS = DATA / "leaderbot_chatbotarena_20240814_pairs.derived.csv"

ROWS = [
    ("gpt-4o", "claude-3", "model_a"),
    ("claude-3", "gpt-4o", "model_a"),
    ("gpt-4o", "llama-3", "tie"),
    ("llama-3", "claude-3", "tie (bothbad)"),
    ("gpt-4o", "claude-3", "model_b"),
    ("llama-3", "gpt-4o", "model_b"),
]


def as_dict(c: BattleCounts) -> dict[tuple[str, str], list[int]]:
    return {(c.models[i], c.models[j]): row.tolist() for (i, j), row in zip(c.pairs, c.counts, strict=True)}


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def write_csv(path: Path, header: str, rows: list[tuple[object, ...]]) -> Path:
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows), encoding="utf-8")
    return path


EXPECTED = {
    ("claude-3", "gpt-4o"): [2, 1, 0],
    ("claude-3", "llama-3"): [0, 0, 1],
    ("gpt-4o", "llama-3"): [1, 0, 1],
}


def test_jsonl_and_csv_battles_give_the_same_counts(tmp_path: Path) -> None:
    j = write_jsonl(tmp_path / "b.jsonl", [dict(zip(("model_a", "model_b", "winner"), r, strict=True)) for r in ROWS])
    c = write_csv(tmp_path / "b.csv", "model_a,model_b,winner", ROWS)
    assert as_dict(read_battles(j)) == as_dict(read_battles(c)) == EXPECTED
    assert read_battles(j).models == ("claude-3", "gpt-4o", "llama-3")


def test_format_is_sniffed_without_a_known_suffix(tmp_path: Path) -> None:
    j = write_jsonl(
        tmp_path / "battles.txt", [dict(zip(("model_a", "model_b", "winner"), r, strict=True)) for r in ROWS]
    )
    c = write_csv(tmp_path / "battles.dat", "winner,model_b,model_a,note", [(w, b, a, "x") for a, b, w in ROWS])
    assert as_dict(read_battles(j)) == as_dict(read_battles(c)) == EXPECTED


def test_pair_counts_in_csv_and_jsonl_merge_repeated_pairs(tmp_path: Path) -> None:
    c = write_csv(
        tmp_path / "p.csv",
        "model_a,model_b,wins_a,wins_b,ties,ties_bothbad,total",
        [("gpt-4o", "claude-3", 5, 2, 1, 1, 9), ("claude-3", "gpt-4o", 3, 4, 0, 2, 9)],
    )
    j = write_jsonl(
        tmp_path / "p.jsonl",
        [
            {
                "model_a": "gpt-4o",
                "model_b": "claude-3",
                "wins_a": 5,
                "wins_b": 2,
                "ties": 1,
                "ties_bothbad": 1,
            },
            {"model_a": "claude-3", "model_b": "gpt-4o", "wins_a": 3, "wins_b": 4, "ties": 2},
        ],
    )
    assert as_dict(read_battles(c)) == as_dict(read_battles(j)) == {("claude-3", "gpt-4o"): [5, 9, 4]}


def test_drop_if_leaves_out_flagged_votes(tmp_path: Path) -> None:
    rows = [
        {"model_a": "a", "model_b": "b", "winner": "model_a", "identity_revealed": True},
        {"model_a": "a", "model_b": "b", "winner": "model_b", "identity_revealed": False},
        {"model_a": "a", "model_b": "b", "winner": "model_b"},
        {"model_a": "a", "model_b": "b", "winner": "tie", "identity_revealed": "yes"},
    ]
    j = write_jsonl(tmp_path / "f.jsonl", rows)
    kept = read_battles(j, drop_if=["identity_revealed"])
    assert as_dict(kept) == {("a", "b"): [0, 2, 0]} and kept.dropped == 2
    assert as_dict(read_battles(j)) == {("a", "b"): [1, 2, 1]}  # without the flag all count
    c = write_csv(tmp_path / "f.csv", "model_a,model_b,winner,bad", [("a", "b", "model_a", 1), ("a", "b", "tie", "")])
    kept = read_battles(c, drop_if=["bad"])
    assert as_dict(kept) == {("a", "b"): [0, 0, 1]} and kept.dropped == 1


def test_bom_blank_lines_and_spaces_are_tolerated(tmp_path: Path) -> None:
    j = tmp_path / "b.jsonl"
    j.write_bytes(
        b'\xef\xbb\xbf{"model_a": "a", "model_b": "b", "winner": "model_a"}\n\n  \n'
        b'{"model_a": "b", "model_b": "a", "winner": "tie"}'
    )
    assert as_dict(read_battles(j)) == {("a", "b"): [1, 0, 1]}
    c = tmp_path / "b.csv"
    c.write_bytes(b"\xef\xbb\xbfmodel_a, model_b ,winner\r\n a ,b, model_b\r\n\r\n")
    assert as_dict(read_battles(c)) == {("a", "b"): [0, 1, 0]}


def test_chunk_boundaries_and_line_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(battles, "_CHUNK_BYTES", 100)
    rows = [{"model_a": "a", "model_b": "b", "winner": "model_a" if k % 3 else "model_b"} for k in range(10)]
    j = write_jsonl(tmp_path / "c.jsonl", rows)
    assert as_dict(read_battles(j)) == {("a", "b"): [6, 4, 0]}
    rows[7]["winner"] = "both"
    write_jsonl(j, rows)
    with pytest.raises(InputFileError, match=r"c\.jsonl:8: unknown winner 'both'"):
        read_battles(j)


@pytest.mark.skipif(not JUDGE.exists(), reason="shared data not found at ../shared/data")
def test_real_llm_judge_battles() -> None:
    c = read_battles(JUDGE)
    assert c.total == 2136 and c.dropped == 0
    assert c.models == (
        "claude-3-5-sonnet-20240620",
        "claude-3-haiku-20240307",
        "claude-3-opus-20240229",
        "gpt-4o",
        "gpt-4o-mini",
    )
    haiku = c.models.index("claude-3-haiku-20240307")
    won = [
        (int(row[0]), int(row[1])) if i == haiku else (int(row[1]), int(row[0]))
        for (i, _), row in zip(c.pairs, c.counts, strict=True)
    ]
    assert sum(h for h, _ in won) == 347 and sum(o for _, o in won) == 1758 and int(c.counts[:, 2].sum()) == 31


@pytest.mark.skipif(not PAIRS.exists(), reason="shared data not found at ../shared/data")
def test_real_arena_pair_counts() -> None:
    c = read_battles(PAIRS)
    assert (len(c.models), len(c.pairs), c.total) == (129, 3460, 1_670_250)


def test_memory_does_not_grow_with_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(battles, "_CHUNK_BYTES", 100_000)
    monkeypatch.setattr(battles, "_CACHE_BYTES", 200_000)
    rng = np.random.default_rng(0)
    models = [f"model-{k}" for k in range(20)]
    outcomes = ["model_a", "model_b", "tie"]

    def peak(lines: int) -> int:
        path = tmp_path / f"m{lines}.jsonl"
        a = rng.integers(0, 20, lines)
        b = (a + rng.integers(1, 20, lines)) % 20
        w = rng.integers(0, 3, lines)
        with path.open("w", encoding="utf-8") as fh:
            for k in range(lines):
                record = {"question_id": k % 97, "model_a": models[a[k]], "model_b": models[b[k]]}
                fh.write(json.dumps({**record, "winner": outcomes[w[k]]}) + "\n")
        tracemalloc.start()
        read_battles(path)
        used = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return used

    small, large = peak(20_000), peak(80_000)
    assert large < 1.3 * small  # four times the lines, about the same peak


def test_rate_reads_and_fits(tmp_path: Path) -> None:
    rows = [("a", "b", "model_a")] * 30 + [("a", "b", "model_b")] * 10 + [("b", "c", "model_a")] * 20
    rows += [("b", "c", "model_b")] * 20 + [("a", "c", "tie")] * 5
    r = rate(write_csv(tmp_path / "r.csv", "model_a,model_b,winner", rows), bootstrap=10)
    assert r.models[0] == "a" and r.battles == 85 and r.votes.tolist() == [45, 45, 80]


def test_rate_when_every_vote_is_invalid(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", "model_a,model_b,winner,bad", [("a", "b", "model_a", "true")] * 2)
    with pytest.raises(InputFileError, match=r"x\.csv: all 2 battles are marked invalid by 'bad'$"):
        rate(path, drop_if=["bad"])


def test_catalog_layer_validates_against_the_schema(tmp_path: Path) -> None:
    rows = [("a", "b", "model_a")] * 30 + [("a", "b", "model_b")] * 10 + [("b", "c", "model_a")] * 20
    rows += [("b", "c", "model_b")] * 25
    r = rate(write_csv(tmp_path / "r.csv", "model_a,model_b,winner", rows), bootstrap=20)
    layer = catalog_layer(
        r, benchmark="team-eval", as_of=dt.date(2024, 8, 1), source="team-eval-battles", title="r.csv"
    )
    assert layer["benchmarks"]["team-eval"]["elo_scale"] == 400.0
    first = layer["models"][0]
    assert first["id"] == "a"
    assert first["scores"][0]["value"] == round(float(r.scores[0]), 1)
    assert first["scores"][0]["as_of"] == "2024-08-01" and first["scores"][0]["votes"] == 40
    assert first["scores"][0]["ci_lower"] <= first["scores"][0]["value"] <= first["scores"][0]["ci_upper"]
    no_ci = catalog_layer(
        rate(tmp_path / "r.csv", bootstrap=0), benchmark="x", as_of=dt.date(2024, 8, 1), source="s", title="t"
    )
    assert "ci_lower" not in no_ci["models"][0]["scores"][0]
    with pytest.raises(ArgumentError, match=r"^benchmark must be a non-empty name, got ''$"):
        catalog_layer(r, benchmark="", as_of=dt.date(2024, 8, 1), source="s", title="t")


# --- golden bad input ------------------------------------------------------------------------------

GOLDEN = [
    (
        "bad_unknown_winner.jsonl",
        "bad_unknown_winner.jsonl:3: unknown winner 'draw' (expected model_a, model_b, tie or tie (bothbad))",
    ),
    ("bad_self_battle.csv", "bad_self_battle.csv:3: model 'claude-3' battles itself"),
    ("bad_empty.jsonl", "bad_empty.jsonl:1: empty file: no battles"),
    ("bad_header_only.csv", "bad_header_only.csv:2: no battles after the header line"),
    (
        "bad_missing_column.csv",
        "bad_missing_column.csv:1: missing column 'winner' (columns: model_a, model_b, result)",
    ),
    (
        "bad_counts_not_numeric.csv",
        "bad_counts_not_numeric.csv:3: column 'wins_a': not a whole number >= 0: '12x'",
    ),
    ("bad_counts_negative.csv", "bad_counts_negative.csv:2: column 'wins_b': not a whole number >= 0: '-4'"),
    (
        "bad_not_utf8.csv",
        "bad_not_utf8.csv:4: not UTF-8 text (byte 0xe9 at column 11); save the file as UTF-8",
    ),
    ("bad_json.jsonl", "bad_json.jsonl:2: not valid JSON: Expecting ',' delimiter (column 45)"),
    ("bad_missing_field.jsonl", "bad_missing_field.jsonl:3: missing field 'winner'"),
    ("bad_short_row.csv", "bad_short_row.csv:3: expected 3 columns, got 2"),
]


@pytest.mark.parametrize(("name", "message"), GOLDEN)
def test_golden_bad_input(name: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    with pytest.raises(InputFileError) as exc:
        read_battles(name)
    assert str(exc.value) == message
    assert "\n" not in str(exc.value)


def test_bad_flag_value_and_unknown_flag_column(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    with pytest.raises(InputFileError) as exc:
        read_battles("bad_flag.csv", drop_if=["identity_revealed"])
    assert str(exc.value) == "bad_flag.csv:3: identity_revealed must be true or false, not 'maybe'"
    assert read_battles("bad_flag.csv").total == 2  # the column is ignored unless named
    with pytest.raises(InputFileError) as exc:
        read_battles("bad_flag.csv", drop_if=["anony"])
    assert str(exc.value) == "bad_flag.csv:1: no column 'anony' to mark invalid battles by"


def test_missing_file() -> None:
    with pytest.raises(InputFileError, match=r"^nope\.csv: no such file$"):
        read_battles("nope.csv")


def naive_counts(path: Path, drop_if: tuple[str, ...] = ()) -> tuple[dict[tuple[str, str], list[int]], int]:
    """The obviously correct reader: json.loads per line."""
    index = {"model_a": 0, "model_b": 1, "tie": 2, "tie (bothbad)": 2}
    counts: dict[tuple[str, str], list[int]] = {}
    dropped = 0
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        if any(r.get(c) in (True, 1, "true", "yes") for c in drop_if):
            dropped += 1
            continue
        a, b, w = r["model_a"], r["model_b"], index[r["winner"]]
        if a > b:
            a, b, w = b, a, (1, 0, 2)[w]
        counts.setdefault((a, b), [0, 0, 0])[w] += 1
    return counts, dropped


@pytest.mark.parametrize("chunk", [64, 1000, 1 << 20])
def test_fast_and_plain_paths_agree_on_odd_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(battles, "_CHUNK_BYTES", chunk)
    rng = np.random.default_rng(chunk)
    models = ["gpt-4o", "claude-3", "llama-3", "qwen-2"]
    outcomes = ["model_a", "model_b", "tie", "tie (bothbad)"]
    lines = []
    for k in range(3000):
        a, b = rng.choice(4, 2, replace=False)
        record: dict[str, object] = {"model_a": models[a], "model_b": models[b], "winner": outcomes[k % 4]}
        if k % 3:  # per-battle fields make every line distinct; the flag is sometimes absent
            record = {"question_id": f"{k:08x}", **record, "tstamp": 1.7e9 + k, "anony": bool(k % 5)}
        if k % 7 == 0:
            record["note"] = "caf\u00e9 \ud83d\ude00" if k % 2 else "\\ud800 lone"
        lines.append(json.dumps(record, ensure_ascii=bool(k % 2)))
        if k % 500 == 0:
            lines.append("   ")
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\n\n")
    for drop_if in ((), ("anony",)):
        got = read_battles(path, drop_if=drop_if)
        want, dropped = naive_counts(path, drop_if)
        assert as_dict(got) == want and got.dropped == dropped


@pytest.mark.parametrize("chunk", [200, 1 << 20])
def test_bad_json_in_an_unread_field_is_found_on_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(battles, "_CHUNK_BYTES", chunk)
    line = '{{"question_id": {k}, "model_a": "a", "model_b": "b", "winner": "tie", "tstamp": {t}}}\n'
    text = "".join(line.format(k=k, t=k) for k in range(2000))
    path = tmp_path / "t.jsonl"
    path.write_text(text + line.format(k=2000, t="01") + line.format(k=2001, t="1"), encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_battles(path)
    assert str(exc.value) == f"{path}:2001: not valid JSON: Expecting ',' delimiter (column 83)"
    path.write_text(text + line.format(k=2000, t='"x"').replace('"tie"', '["tie"]'), encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_battles(path)
    assert str(exc.value) == f"{path}:2001: unknown winner ['tie'] (expected model_a, model_b, tie or tie (bothbad))"


# --- parallel reading of large JSON Lines files ---------------------------------------------------


def _extra_fields_file(path: Path, n: int, seed: int = 7, bad_line: int | None = None) -> Path:
    import random

    rng = random.Random(seed)
    models = [f"m{k}" for k in range(12)]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(1, n + 1):
            a, b = rng.sample(models, 2)
            winner = rng.choice(["model_a", "model_b", "tie", "tie (bothbad)"])
            if i == bad_line:
                winner = "draw"
            flag = "true" if rng.random() < 0.05 else "false"
            fh.write(
                f'{{"question_id": "q{i}", "model_a": "{a}", "model_b": "{b}", "winner": "{winner}", '
                f'"judge": "j{i % 7}", "identity_revealed": {flag}, "tstamp": {1.7e9 + i}}}\n'
            )
    return path


def _table(c: BattleCounts) -> dict[tuple[str, str], tuple[int, ...]]:
    return {
        (c.models[i], c.models[j]): tuple(row) for (i, j), row in zip(c.pairs.tolist(), c.counts.tolist(), strict=True)
    }


@pytest.mark.parametrize("workers", [2, 3, 5])
def test_parallel_read_equals_sequential(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    import advisor.battles as battles

    monkeypatch.setattr(battles, "_CHUNK_BYTES", 4096)  # many chunks per slice
    path = _extra_fields_file(tmp_path / "b.jsonl", 20_000)
    one = read_battles(path, drop_if=["identity_revealed"], workers=1)
    many = read_battles(path, drop_if=["identity_revealed"], workers=workers)
    assert _table(many) == _table(one)
    assert many.dropped == one.dropped > 0
    assert one.total + one.dropped == 20_000


def test_parallel_read_reports_the_files_own_line(tmp_path: Path) -> None:
    path = _extra_fields_file(tmp_path / "b.jsonl", 5_000, bad_line=4_321)
    for workers in (1, 4):
        with pytest.raises(InputFileError) as info:
            read_battles(path, workers=workers)
        assert str(info.value) == (
            f"{path}:4321: unknown winner 'draw' (expected model_a, model_b, tie or tie (bothbad))"
        )


def test_workers_are_chosen_only_for_large_files(monkeypatch: pytest.MonkeyPatch) -> None:
    import advisor.battles as battles

    assert battles._auto_workers(1 << 20) == 1
    monkeypatch.setattr(battles.os, "sched_getaffinity", lambda pid: {0, 1})
    assert battles._auto_workers(512 << 20) == (2 if sys.platform == "linux" else 1)
    with pytest.raises(ValueError, match=r"^workers must be a whole number >= 1 \(or None\), got 0$"):
        read_battles(Path(__file__), workers=0)
