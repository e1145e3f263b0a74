"""The YAML writer: exact layout, and a round trip through the loader for many generated files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import writer
from advisor.catalog_io import parse_catalog_bytes
from advisor.errors import WriteError
from advisor.schema import (
    Alias,
    Benchmark,
    CatalogFile,
    LongContextTier,
    Model,
    PricePeriod,
    Score,
    Source,
)
from advisor.writer import dump_catalog_file, write_catalog_file


def _load(text: str) -> CatalogFile:
    return parse_catalog_bytes(text.encode("utf-8"), "test.yaml").data


def test_every_schema_field_has_a_place_in_the_order() -> None:
    for cls, order in writer._ORDER.items():
        assert sorted(order) == sorted(f.name for f in dataclasses.fields(cls)), cls.__name__


def test_exact_layout() -> None:
    cf = CatalogFile(
        schema_version=1,
        sources={"litellm-2024-07-25": Source(title="LiteLLM map", retrieved=dt.date(2024, 7, 25))},
        models=(
            Model(
                id="gpt-4o-mini-2024-07-18",
                provider="OpenAI",
                aliases=(Alias("gpt-4o-mini"), Alias("gpt-4o", since=dt.date(2024, 5, 13))),
                prices=(
                    PricePeriod(
                        since=dt.date(2024, 7, 18),
                        input=0.15,
                        output=0.6,
                        source="litellm-2024-07-25",
                        long_context=(LongContextTier(128_000, 0.3, 1.2),),
                    ),
                ),
                scores=(Score("arena-text", 1280.0, dt.date(2024, 7, 24), "arena", ci_lower=1271.0, ci_upper=1288.0),),
            ),
        ),
    )
    assert dump_catalog_file(cf) == (
        "schema_version: 1\n"
        "currency: USD\n"
        "sources:\n"
        "  litellm-2024-07-25:\n"
        "    title: LiteLLM map\n"
        "    retrieved: 2024-07-25\n"
        "models:\n"
        "- id: gpt-4o-mini-2024-07-18\n"
        "  provider: OpenAI\n"
        "  aliases:\n"
        "  - gpt-4o-mini\n"
        "  - {name: gpt-4o, since: 2024-05-13}\n"
        "  prices:\n"
        "  - {since: 2024-07-18, input: 0.15, output: 0.6, long_context: [{above_input_tokens: 128000, "
        "input: 0.3, output: 1.2}], source: litellm-2024-07-25}\n"
        "  scores:\n"
        "  - {benchmark: arena-text, as_of: 2024-07-24, value: 1280, ci_lower: 1271, ci_upper: 1288, "
        "source: arena}\n"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.15, "0.15"),
        (15.0, "15"),
        (1e-07, "1.0e-07"),
        (2.5e-05, "2.5e-05"),
        (0.1 + 0.2, "0.30000000000000004"),
    ],
)
def test_floats_are_shortest_exact(value: float, text: str) -> None:
    out = dump_catalog_file(
        CatalogFile(schema_version=1, models=(Model(id="m", prices=(PricePeriod(value, 1.0, "s"),)),))
    )
    assert f"{{input: {text}, output: 1, source: s}}" in out
    assert _load(out).models[0].prices[0].input == value


def test_strings_quoted_only_when_needed() -> None:
    names = [
        "plain-name",
        "yes",
        "1.5",
        "2024-01-01",
        "a: b",
        "x, y",
        "#hash",
        "{brace}",
        "é",
        "null",
        " lead",
    ]
    cf = CatalogFile(schema_version=1, models=(Model(id="m", aliases=tuple(Alias(n.strip()) for n in names)),))
    text = dump_catalog_file(cf)
    assert "  - plain-name\n" in text
    assert "  - 'yes'\n" in text
    assert _load(text) == cf


def test_no_yaml_anchors_for_shared_objects() -> None:
    day = dt.date(2024, 7, 24)
    cf = CatalogFile(
        schema_version=1,
        models=(Model(id="m", prices=(PricePeriod(1.0, 2.0, "s", since=day),), scores=(Score("b", 1.0, day, "s"),)),),
    )
    text = dump_catalog_file(cf)
    assert "&" not in text and "*" not in text


def test_multiline_notice_is_a_literal_block() -> None:
    # Validated strings carry no trailing newline (the schema strips whitespace): "|-" keeps that.
    cf = CatalogFile(schema_version=1, notice="Line one.\nLine two: with colon.")
    text = dump_catalog_file(cf)
    assert "notice: |-\n  Line one.\n  Line two: with colon.\n" in text
    assert _load(text) == cf


def test_rejects_non_catalog_and_datetimes() -> None:
    with pytest.raises(TypeError, match="CatalogFile"):
        dump_catalog_file({"schema_version": 1})  # type: ignore[arg-type]
    bad = CatalogFile(
        schema_version=1, models=(Model(id="m", scores=(Score("b", 1.0, dt.datetime(2024, 1, 1), "s"),)),)
    )
    with pytest.raises(TypeError, match="datetime"):
        dump_catalog_file(bad)


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "c.yaml"
    target.write_text("hand-edited: true\n", encoding="utf-8")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(WriteError, match=f"^{re.escape(str(target))}: cannot write: disk full$"):
        write_catalog_file(target, CatalogFile(schema_version=1))
    assert target.read_text(encoding="utf-8") == "hand-edited: true\n"
    assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"]
    monkeypatch.undo()
    write_catalog_file(target, CatalogFile(schema_version=1))
    assert _load(target.read_text(encoding="utf-8")) == CatalogFile(schema_version=1)


# --- round trip on generated files -----------------------------------------------------------------

# Validated strings are stripped (the schema's str_strip_whitespace), so generate stripped ones.
_chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))
# Names may not hold hidden characters either (advisor.text.hidden_char): no format or private-use ones.
_name_chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Co", "Zl", "Zp"))
_name = st.text(_name_chars, min_size=1, max_size=12).map(str.strip).filter(bool)
_text = st.text(st.one_of(_chars, st.just("\n")), min_size=1, max_size=30).map(str.strip).filter(bool)
_dates = st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1))
_usd = st.one_of(
    st.floats(0, 1000, allow_nan=False, allow_infinity=False),
    st.integers(0, 10**9).map(lambda n: n / 1e6),
    st.sampled_from([0.15, 0.6, 1e-7, 3.5, 10.5, 15.00002]),
)
_opt_usd = st.none() | _usd


@st.composite
def _periods(draw: st.DrawFn) -> tuple[PricePeriod, ...]:
    days = sorted(draw(st.sets(_dates, max_size=4)))
    out = []
    for i, since in enumerate(days):
        until = days[i + 1] if i + 1 < len(days) else draw(st.none() | st.just(since + dt.timedelta(days=30)))
        tiers = draw(st.lists(st.builds(LongContextTier, st.integers(1, 10**6), _usd, _usd, _opt_usd), max_size=2))
        out.append(
            PricePeriod(
                input=draw(_usd), output=draw(_usd), source=draw(_name), since=since, until=until,
                cached_input=draw(_opt_usd), cache_write=draw(_opt_usd), batch_input=draw(_opt_usd),
                batch_output=draw(_opt_usd), long_context=tuple(tiers), note=draw(st.none() | _name),
            )
        )  # fmt: skip
    return tuple(out)


@st.composite
def _scores(draw: st.DrawFn) -> Score:
    value = draw(st.floats(-1e6, 1e6, allow_nan=False))
    minus, plus = draw(st.floats(0, 100)), draw(st.floats(0, 100))
    with_ci = draw(st.booleans())
    return Score(
        benchmark=draw(_name), value=value, as_of=draw(_dates), source=draw(_name), category=draw(_name),
        ci_lower=value - minus if with_ci else None, ci_upper=value + plus if with_ci else None,
        votes=draw(st.none() | st.integers(0, 10**7)),
    )  # fmt: skip


@st.composite
def _catalogs(draw: st.DrawFn) -> CatalogFile:
    ids = draw(st.lists(_name, min_size=0, max_size=3, unique_by=str.casefold))
    models = []
    used = {i.casefold() for i in ids}
    for mid in ids:
        aliases = []
        for a in draw(st.lists(_name, max_size=3, unique_by=str.casefold)):
            if a.casefold() in used:
                continue
            used.add(a.casefold())
            aliases.append(Alias(a, since=draw(st.none() | _dates)))
        models.append(
            Model(
                id=mid, name=draw(st.none() | _name), provider=draw(st.none() | _name),
                aliases=tuple(aliases),
                license=draw(st.none() | _name), open_weights=draw(st.none() | st.booleans()),
                context_window=draw(st.none() | st.integers(1, 10**7)), prices=draw(_periods()),
                scores=tuple(draw(st.lists(_scores(), max_size=3))), notes=draw(st.none() | _text),
            )
        )  # fmt: skip
    return CatalogFile(
        schema_version=1,
        sources=draw(st.dictionaries(_name, st.builds(Source, _name, st.none() | _name), max_size=2)),
        benchmarks=draw(
            st.dictionaries(_name, st.builds(Benchmark, _name, _name, elo_scale=st.none() | st.just(400.0)), max_size=2)
        ),
        models=tuple(models),
        notice=draw(st.none() | _text),
    )


@settings(max_examples=150, deadline=None)
@given(_catalogs())
def test_round_trip(cf: CatalogFile) -> None:
    text = dump_catalog_file(cf)
    assert _load(text) == cf
    assert dump_catalog_file(_load(text)) == text
    # The plain data reads back with PyYAML alone too (no Python tags, no anchors).
    assert isinstance(yaml.safe_load(text), dict)


def test_a_catalog_that_would_not_load_is_not_written(tmp_path: Path) -> None:
    from advisor.errors import CatalogError

    target = tmp_path / "layer.yaml"
    target.write_text("hand-edited: true\n", encoding="utf-8")
    model = Model(id="m", provider="P", retired=dt.date(2024, 1, 1), released=dt.date(2024, 6, 1))
    with pytest.raises(CatalogError) as info:
        write_catalog_file(target, CatalogFile(schema_version=1, models=(model,)))
    assert str(info.value).splitlines() == [
        f"{target}: not written: the new contents would not load:",
        f"{target}:7: model 'm': field 'retired': retired before it was released",
    ]
    assert target.read_text(encoding="utf-8") == "hand-edited: true\n"
    assert [p.name for p in tmp_path.iterdir()] == ["layer.yaml"]
