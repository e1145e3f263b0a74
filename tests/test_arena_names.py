"""The hand-checked join of LMArena's names to catalog ids (catalog/build/arena_names.yaml) and the names
people type for current models (catalog/build/current_names.yaml)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.catalog_io import load_file, read_catalog_file
from advisor.errors import CatalogError
from advisor.importers.arena_names import (
    SKIP_CATEGORIES,
    ArenaJoin,
    ArenaNames,
    ArenaSkip,
    join_rate,
    main,
    priced_by_sources,
    read_arena_names,
    read_current_names,
)
from advisor.schema import CatalogFile

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "catalog" / "build"
BOARD = "lmarena_leaderboard-text_2025-12-11.json"


@pytest.fixture(scope="module")
def names() -> ArenaNames:
    return read_arena_names(BUILD / "arena_names.yaml")


@pytest.fixture(scope="module")
def current() -> dict[str, list[str]]:
    return {k: [a.name for a in v] for k, v in read_current_names(BUILD / "current_names.yaml").items()}


@pytest.fixture(scope="module")
def curated() -> CatalogFile:
    return read_catalog_file(BUILD / "models.yaml")


@pytest.fixture(scope="module")
def committed() -> CatalogFile:
    return load_file(REPO / "catalog" / "catalog.yaml", use_cache=False).data


def _boards(shared_data: Path) -> dict[str, set[str]]:
    """Model names of each leaderboard JSON file (every category), by file name."""
    out = {}
    for path in sorted((shared_data / "arena").glob("lmarena_leaderboard-text*_20*.json")):
        with open(path, encoding="utf-8") as fh:
            out[path.name] = {n for category in json.load(fh).values() for n in category}
    return out


def _rebuilt(cf: CatalogFile) -> bool:
    """Whether the committed catalog is built with these joins (it holds rated modes or the 2025-12 boards)."""
    return any(m.mode_of for m in cf.models) or any(
        s.as_of.isoformat() == "2025-12-11" for m in cf.models for s in m.scores
    )


def _aliases(current: dict[str, list[str]], curated: CatalogFile) -> dict[str, list[str]]:
    out = {k: list(v) for k, v in current.items()}
    for m in curated.models:
        out.setdefault(m.id, []).extend(a.name for a in m.aliases)
    return out


def _priced_in(cf: CatalogFile) -> Callable[[str], bool]:
    """Whether a name denotes a model of ``cf`` that has a price."""
    by_name = {}
    for m in cf.models:
        by_name[m.id.casefold()] = m
        for a in m.aliases:
            by_name.setdefault(a.name.casefold(), m)
    return lambda model: model.casefold() in by_name and bool(by_name[model.casefold()].prices)


def test_hand_checked_joins(names: ArenaNames) -> None:
    opus = names.joins["claude-opus-4-5-20251101-thinking-32k"]
    assert (opus.model, opus.mode, opus.mode_id, opus.output_multiplier) == (
        "claude-opus-4-5-20251101",
        "thinking-32k",
        "claude-opus-4-5-20251101-thinking-32k",
        None,
    )
    assert opus.option == "claude-opus-4-5-20251101-thinking-32k"
    assert names.joins["claude-opus-4-5-20251101"].option == "claude-opus-4-5-20251101"
    assert names.joins["gemini-3-pro"].model == "gemini-3-pro-preview"
    assert names.joins["chatgpt-4o-latest-20250326"].model == "chatgpt-4o-latest"
    high = names.joins["gpt-5.1-high"]
    assert (high.model, high.mode, high.mode_id) == ("gpt-5.1", "high", "gpt-5.1-high")
    assert names.joins["o3-mini-high"].mode_id == "o3-mini-2025-01-31-high"
    assert names.joins["grok-4-fast-chat"].model == "grok-4-fast-non-reasoning"
    assert names.joins["command-r-plus"].model == "command-r-plus-04-2024"  # not Cohere's moved alias
    assert names.skips["chatgpt-4o-latest-20241120"].category == "superseded"
    assert names.skips["llama-3.1-405b-instruct-fp8"].category == "variant"
    # The 2025-08-04 CSV's display names join like the internal names, ignoring case.
    assert names.get("Claude Opus 4 (thinking-16k)") == ArenaJoin(
        "Claude Opus 4 (thinking-16k)",
        "claude-opus-4-20250514",
        "thinking-16k",
        "claude-opus-4-20250514-thinking-16k",
        None,
        "LMArena display name of claude-opus-4-20250514-thinking-16k.",
    )
    assert names.get("QWEN3-32B") is names.joins["qwen3-32b"]
    counts = {c: sum(s.category == c for s in names.skips.values()) for c in SKIP_CATEGORIES}
    assert (len(names.joins), len(names.skips)) == (209, 158)
    assert counts == {"not sold": 108, "experimental": 19, "superseded": 14, "variant": 4, "doubtful": 13}


def test_no_output_multiplier_without_a_source(names: ArenaNames) -> None:
    modes = [j for j in names.joins.values() if j.mode is not None]
    assert len(modes) == 21
    assert all(j.output_multiplier is None for j in modes)  # no shared-data source gives one


def test_every_name_on_every_board_is_joined_or_skipped(names: ArenaNames, shared_data: Path) -> None:
    boards = _boards(shared_data)
    assert len(boards) == 25
    every = set().union(*boards.values())
    assert len(every) == 325
    assert sorted(n for n in every if not names.covers(n)) == []


def test_every_name_of_the_2025_08_04_csv_is_covered(
    names: ArenaNames, curated: CatalogFile, shared_data: Path
) -> None:
    known = {m.id.casefold() for m in curated.models} | {a.name.casefold() for m in curated.models for a in m.aliases}
    with open(shared_data / "arena" / "lmarena_text_2025-08-04.csv", encoding="utf-8") as fh:
        rows = {r["model"] for r in csv.DictReader(fh)}
    assert len(rows) == 265
    assert sorted(n for n in rows if not names.covers(n) and n.casefold() not in known) == []
    # Where models.yaml already names a display name, this file does not contradict it.
    for m in curated.models:
        for a in m.aliases:
            entry = names.get(a.name)
            assert not isinstance(entry, ArenaSkip), a.name
            assert entry is None or entry.model == m.id, a.name


def test_no_two_names_on_one_board_give_the_same_option(names: ArenaNames, shared_data: Path) -> None:
    for board, on_board in _boards(shared_data).items():
        seen: dict[str, str] = {}
        for n in sorted(on_board):
            entry = names.get(n)
            if isinstance(entry, ArenaJoin):
                assert seen.setdefault(entry.option, n) == n, (board, n, seen[entry.option])


def test_joined_models_exist(
    names: ArenaNames,
    current: dict[str, list[str]],
    curated: CatalogFile,
    committed: CatalogFile,
    shared_data: Path,
) -> None:
    if _rebuilt(committed):
        by_name = {}
        for m in committed.models:
            by_name[m.id] = m
            for a in m.aliases:
                by_name.setdefault(a.name, m)
        for j in names.joins.values():
            assert j.model in by_name, j.name
            if j.mode_id is not None:
                mode = by_name[j.mode_id]
                assert (mode.id, mode.mode_of) == (j.mode_id, by_name[j.model].id), j.name
        return
    # Until the rebuild lands: each model is curated or one the price sources name.
    known = {m.id for m in curated.models}
    sold = priced_by_sources(shared_data, _aliases(current, curated))
    missing = sorted({j.model for j in names.joins.values() if j.model not in known and not sold(j.model)})
    assert missing == []


def test_not_sold_means_no_source_names_it(names: ArenaNames, shared_data: Path) -> None:
    exact = priced_by_sources(shared_data, match_rules=False)
    wrongly = [n for n, s in names.skips.items() if s.category == "not sold" and exact(n)]
    assert wrongly == []


def test_join_rate_on_the_2025_12_11_board(
    names: ArenaNames,
    current: dict[str, list[str]],
    curated: CatalogFile,
    committed: CatalogFile,
    shared_data: Path,
) -> None:
    board = _boards(shared_data)[BOARD]
    rate = join_rate(board, names, priced_by_sources(shared_data, _aliases(current, curated)))
    assert rate.rate >= 0.9
    assert rate.uncovered == ()
    assert (rate.board, rate.sold, rate.joined) == (282, 192, 182)
    assert rate.unjoined == (
        "dbrx-instruct-preview",
        "glm-4-plus",
        "glm-4-plus-0111",
        "granite-3.0-8b-instruct",
        "granite-3.1-8b-instruct",
        "grok-2-2024-08-13",
        "grok-3-preview-02-24",
        "palm-2",
        "vicuna-13b",
        "vicuna-7b",
    )
    if _rebuilt(committed):  # the catalog prices what the joins promise
        assert join_rate(board, names, _priced_in(committed)).rate >= 0.9


def test_join_rate_command(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(shared_data / "arena" / BOARD)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{BOARD}: 182 of 192 sold models joined (94.8%; 282 names on the board); unjoined: dbrx")
    assert main([str(shared_data / "arena" / "missing.json")]) == 2


def test_join_rate_counts_uncovered_and_doubtful_names_as_unjoined() -> None:
    names = ArenaNames(
        {"a": ArenaJoin("a", "m-a"), "b": ArenaJoin("b", "m-b", "high", "m-b-high")},
        {"c": ArenaSkip("c", "doubtful", "why"), "d": ArenaSkip("d", "not sold", "why")},
    )
    rate = join_rate(["a", "b", "c", "d", "e", "A"], names, lambda model: model != "m-b")
    assert (rate.board, rate.sold, rate.joined, rate.unjoined, rate.uncovered) == (6, 4, 2, ("c", "e"), ("e",))
    assert rate.rate == 0.5
    assert str(rate) == "2 of 4 sold models joined (50.0%; 6 names on the board); unjoined: c, e"
    assert join_rate([], names, lambda model: True).rate == 1.0


def test_current_names(current: dict[str, list[str]], names: ArenaNames, curated: CatalogFile) -> None:
    assert "gemini-3-pro" in current["gemini-3-pro-preview"]
    assert "anthropic/claude-sonnet-4.5" in current["claude-sonnet-4-5-20250929"]
    assert "openai/gpt-5" in current["gpt-5"]
    # Every key is a model or mode the joins or models.yaml define, or one the price sources sell.
    defined = {j.model for j in names.joins.values()} | {j.mode_id for j in names.joins.values() if j.mode_id}
    defined |= {m.id for m in curated.models}
    extra = {"grok-4-fast-non-reasoning", "deepseek-v2.5"} - defined
    assert sorted(set(current) - defined) == sorted(extra)
    # No name here is a curated alias of another model.
    curated_alias = {a.name.casefold(): m.id for m in curated.models for a in m.aliases}
    clashes = [(k, n) for k, ns in current.items() for n in ns if curated_alias.get(n.casefold(), k) != k]
    assert clashes == []


def test_deepseek_chat_moved_with_each_release() -> None:
    aliases = read_current_names(BUILD / "current_names.yaml")
    spans = sorted((a.since, a.until, model) for model, al in aliases.items() for a in al if a.name == "deepseek-chat")
    assert [m for _, _, m in spans] == [
        "deepseek-v3",
        "deepseek-v3-0324",
        "deepseek-v3.1",
        "deepseek-v3.1-terminus",
        "deepseek-v3.2-exp",
        "deepseek-v3.2",
    ]
    assert all(spans[i][1] == spans[i + 1][0] for i in range(len(spans) - 1))  # no gap, no overlap
    assert spans[-1][1] is None


BAD_JOINS = [
    ("arena_names:\n  x: {model: m, mode: high, mode_id: null, output_multiplier: null}\nskip: {}\n",
     ":2: model 'x': field 'mode_id': mode and mode_id go together"),
    ("arena_names:\n  x: {model: m, mode: high, mode_id: m-low, output_multiplier: null}\nskip: {}\n",
     ":2: model 'x': field 'mode_id': expected m-high (MODEL-MODE)"),
    ("arena_names:\n  x: {model: m, mode: high, mode_id: m-high, output_multiplier: -1}\nskip: {}\n",
     ":2: model 'x': field 'output_multiplier': expected a positive number or null"),
    ("arena_names:\n  x: {model: m, mode: null, mode_id: null, output_multiplier: 2}\nskip: {}\n",
     ":2: model 'x': field 'output_multiplier': a multiplier belongs to a rated mode"),
    ("arena_names:\n  x: {model: m, mode: null, mode_id: null}\nskip: {}\n",
     ":2: model 'x': field 'output_multiplier': missing field (write null for none)"),
    ("arena_names:\n  x: {model: m, mode: null, mode_id: null, output_multiplier: null, prices: 1}\nskip: {}\n",
     ":2: model 'x': field 'prices': unknown field"),
    ("arena_names: {}\nskip:\n  x: not for sale\n", ":3: model 'x': expected 'CATEGORY: reason'"),
    ("arena_names:\n  x: {model: m, mode: null, mode_id: null, output_multiplier: null}\nskip:\n  x: 'doubtful: maybe'\n",
     ":4: model 'x': name is both joined (arena_names) and skipped"),
    ("arena_names:\n  x: {model: m, mode: null, mode_id: null, output_multiplier: null}\nskip:\n  X: 'doubtful: maybe'\n",
     ":4: model 'X': 'X' differs from 'x' only in case"),
    ("arena_names:\n  x: {model: m, mode: null, mode_id: null, output_multiplier: null}\n  x: {model: n, mode: null, mode_id: null, output_multiplier: null}\nskip: {}\n",
     ":3: duplicate key 'x'"),
    ("arena_names: {}\nskip: {}\nnames: {}\n", ":1: expected the keys arena_names and skip, got ['names']"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_JOINS)
def test_bad_arena_names_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "arena_names.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        read_arena_names(path)
    assert str(err.value).startswith(str(path) + message)
    assert "\n" not in str(err.value)


BAD_NAMES = [
    ("names:\n  a: [x, {name: y, since: 2025-02-01, until: 2025-01-01}]\n", ":2: model 'a': field 'names': expected a name"),
    ("names:\n  a: [{name: x, since: 2025-01-01}]\n  b: [{name: x, until: 2025-02-01}]\n",
     ":3: model 'b': field 'names': name 'x' also names 'a' on overlapping dates"),
    ("names:\n  a: []\n", ":2: model 'a': expected a list of names"),
    ("aliases: {}\n", ":1: expected one key, names"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_NAMES)
def test_bad_current_names_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "current_names.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        read_current_names(path)
    assert str(err.value).startswith(str(path) + message)


def test_moving_names_that_do_not_overlap_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "current_names.yaml"
    path.write_text("names:\n  a: [{name: x, until: 2025-02-01}]\n  b: [{name: x, since: 2025-02-01}]\n", "utf-8")
    got = read_current_names(path)
    assert [(a.name, str(a.since), str(a.until)) for a in got["a"] + got["b"]] == [
        ("x", "None", "2025-02-01"),
        ("x", "2025-02-01", "None"),
    ]


MAKERS = ("openai", "anthropic", "google", "xai", "deepseek", "mistral", "alibaba", "moonshotai", "zhipuai", "zai")
MAKERS += ("minimax", "amazon-bedrock", "cohere")


def test_joined_models_were_released_before_the_arena_rated_them(names: ArenaNames, shared_data: Path) -> None:
    """models.dev's release date (the maker's own listing) is on or before the first board with the name."""
    with open(shared_data / "models" / "models_dev_f3fc692.derived.json", encoding="utf-8") as fh:
        dev = json.load(fh)
    released: dict[str, str] = {}
    for maker in MAKERS:
        for key, entry in dev[maker]["models"].items():
            if entry.get("release_date"):
                released[key.casefold()] = min(released.get(key.casefold(), "9999"), str(entry["release_date"]))
    first: dict[str, str] = {}
    for board, on_board in _boards(shared_data).items():
        day = board.rsplit("_", 1)[1].removesuffix(".json")
        for n in on_board:
            first[n] = min(first.get(n, day), day)
    checked = {
        n: (released[j.model.casefold()], first[n])
        for n, j in names.joins.items()
        if n in first and j.model.casefold() in released
    }
    assert len(checked) == 56
    assert checked["gemini-3-pro"] == ("2025-11-18", "2025-12-11")
    assert checked["gemini-3-flash"] == ("2025-12-17", "2025-12-17")
    assert [n for n, (rel, seen) in checked.items() if rel[:10] > seen] == []


def test_a_skipped_name_can_equal_a_catalog_id(names: ArenaNames, curated: CatalogFile) -> None:
    """The file decides over name equality: the one skipped name that is also a joined id."""
    ids = {j.model for j in names.joins.values()} | {j.mode_id for j in names.joins.values() if j.mode_id}
    ids |= {m.id for m in curated.models}
    assert sorted(n for n in names.skips if n in ids) == ["phi-3-mini-4k-instruct"]
    assert names.joins["phi-3-mini-4k-instruct-june-2024"].model == "phi-3-mini-4k-instruct"
