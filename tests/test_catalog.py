"""Layering, as-of views, name resolution and filters of the catalog."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from advisor.catalog import load_catalog, metric_key, parse_metric, score_of
from advisor.errors import CatalogError, UnknownMetricError, UnknownModelError

CATALOGS = Path(__file__).resolve().parent / "catalogs"
BASE = CATALOGS / "base.yaml"
D = dt.date


def layer(tmp_path: Path, text: str, name: str = "layer.yaml") -> Path:
    path = tmp_path / name
    path.write_text("schema_version: 1\n" + text, encoding="utf-8")
    return path


def test_negotiated_price_overrides_public_price_on_its_dates(tmp_path: Path) -> None:
    team = layer(
        tmp_path,
        """sources:
  contract: {title: Our contract with OpenAI}
models:
  - id: GPT-4o-2024-05-13          # an alias works as well as the id
    prices:
      - {since: 2024-08-01, until: 2024-10-01, input: 4, output: 12, source: contract}
""",
    )
    cat = load_catalog(BASE, team, bundled=False)
    model = cat.get("gpt-4o-2024-05-13")
    assert [(p.since, p.until, p.input) for p in model.prices] == [
        (D(2024, 5, 13), D(2024, 8, 1), 5.0),
        (D(2024, 8, 1), D(2024, 10, 1), 4.0),
        (D(2024, 10, 1), None, 5.0),
    ]
    assert cat.as_of(D(2024, 7, 24)).get("gpt-4o-2024-05-13").prices[0].input == 5.0
    assert cat.as_of(D(2024, 9, 1)).get("gpt-4o-2024-05-13").prices[0].source == "contract"
    assert cat.as_of(D(2025, 1, 1)).get("gpt-4o-2024-05-13").prices[0].input == 5.0
    assert model.provider == "OpenAI" and model.context_window == 128000  # untouched fields stay


def test_private_model_and_own_scores_sit_beside_the_arena(tmp_path: Path) -> None:
    team = layer(
        tmp_path,
        """sources:
  review: {title: Our side-by-side review, retrieved: 2024-07-30}
benchmarks:
  support-eval: {name: Support tickets eval, scale: "win rate, %"}
models:
  - id: acme-ft-1
    provider: Acme
    open_weights: true
    context_window: 32000
    prices: [{input: 0.3, output: 0.3, source: review}]
    scores: [{benchmark: support-eval, as_of: 2024-07-30, value: 61.0, ci_lower: 57.5, ci_upper: 64.4, source: review}]
  - id: gpt-4o-mini
    scores: [{benchmark: support-eval, as_of: 2024-07-30, value: 55.0, ci_lower: 51.0, ci_upper: 59.0, source: review}]
""",
    )
    cat = load_catalog(BASE, team, bundled=False)
    mini = cat.get("gpt-4o-mini-2024-07-18")
    assert [(s.benchmark, s.value) for s in mini.scores] == [("arena-text", 1280.0), ("support-eval", 55.0)]
    assert cat.metrics() == ("arena-text", "support-eval")
    assert len(cat) == 3
    assert cat.filter(open_weights=True).models[0].id == "acme-ft-1"
    assert [m.id for m in cat.filter(min_context=100_000)] == ["gpt-4o-2024-05-13", "gpt-4o-mini-2024-07-18"]
    assert [m.id for m in cat.filter(provider="openai", exclude=["gpt-4o-mini"])] == ["gpt-4o-2024-05-13"]


def test_as_of_uses_the_newest_snapshot_and_drops_unreleased_models(tmp_path: Path) -> None:
    later = layer(
        tmp_path,
        """sources:
  arena-later: {title: a later snapshot made by the test}
models:
  - id: gpt-4o-2024-05-13
    scores: [{benchmark: arena-text, as_of: 2024-10-16, value: 1264, ci_lower: 1261, ci_upper: 1267, source: arena-later}]
  - id: newer-model
    provider: OpenAI
    released: 2024-09-12
    scores: [{benchmark: arena-text, as_of: 2024-10-16, value: 1300, ci_lower: 1295, ci_upper: 1305, source: arena-later}]
""",
    )
    cat = load_catalog(BASE, later, bundled=False)
    july = cat.as_of(D(2024, 7, 24))
    assert [m.id for m in july] == ["gpt-4o-2024-05-13", "gpt-4o-mini-2024-07-18"]
    assert score_of(july.get("gpt-4o-2024-05-13"), "arena-text").value == 1287  # type: ignore[union-attr]
    october = cat.as_of(D(2024, 10, 20))
    assert score_of(october.get("gpt-4o-2024-05-13"), "arena-text").value == 1264  # type: ignore[union-attr]
    # mini is not in the October snapshot: no score rather than a stale one on another scale
    assert october.get("gpt-4o-mini").scores == ()
    assert "newer-model" in october and "newer-model" not in july
    # without a release date, a model exists from its first price or score on
    assert "gpt-4o-2024-05-13" not in cat.as_of(D(2024, 5, 1))


def test_moving_alias_resolves_at_the_view_date(tmp_path: Path) -> None:
    moving = layer(
        tmp_path,
        """sources:
  s: {title: made by the test}
models:
  - id: gpt-4o-2024-05-13
    aliases: [{name: gpt-4o, until: 2024-10-02}]
  - id: gpt-4o-2024-08-06
    provider: OpenAI
    aliases: [{name: gpt-4o, since: 2024-10-02}]
    prices: [{since: 2024-08-06, input: 2.5, output: 10, source: s}]
""",
    )
    cat = load_catalog(BASE, moving, bundled=False)
    assert cat.as_of(D(2024, 9, 1)).resolve("gpt-4o") == "gpt-4o-2024-05-13"
    assert cat.as_of(D(2024, 10, 2)).resolve("GPT-4o") == "gpt-4o-2024-08-06"
    assert cat.as_of(D(2025, 1, 1)).resolve("gpt-4o-mini") == "gpt-4o-mini-2024-07-18"


def test_an_ambiguous_override_is_an_error(tmp_path: Path) -> None:
    moving = layer(
        tmp_path,
        """models:
  - id: gpt-4o-2024-05-13
    aliases: [{name: gpt-4o, until: 2024-10-02}]
  - id: gpt-4o-2024-08-06
    provider: OpenAI
    aliases: [{name: gpt-4o, since: 2024-10-02}]
""",
        "a.yaml",
    )
    team = layer(tmp_path, "models:\n  - id: gpt-4o\n    context_window: 100\n", "b.yaml")
    with pytest.raises(CatalogError) as info:
        load_catalog(BASE, moving, team, bundled=False)
    assert str(info.value) == (
        f"{team}:3: model 'gpt-4o': field 'id': 'gpt-4o' names several models "
        "(gpt-4o-2024-05-13, gpt-4o-2024-08-06); use the model's id"
    )


def test_unknown_names_suggest_close_matches() -> None:
    cat = load_catalog(BASE, bundled=False)
    with pytest.raises(UnknownModelError) as info:
        cat.get("gpt-4o-mini-2024-07-81")
    assert str(info.value) == (
        "unknown model 'gpt-4o-mini-2024-07-81'; did you mean 'gpt-4o-mini-2024-07-18', 'gpt-4o-2024-05-13'?"
    )
    with pytest.raises(KeyError):  # usable as a KeyError too
        cat.get("nothing-like-it")
    with pytest.raises(UnknownMetricError) as m:
        cat.check_metric("arena-text/coding")
    assert str(m.value) == "unknown metric 'arena-text/coding'; did you mean 'arena-text'?"


def test_metric_names() -> None:
    assert parse_metric("arena-text/coding") == ("arena-text", "coding")
    assert metric_key("arena-text") == "arena-text"
    assert metric_key("arena-text", "coding") == "arena-text/coding"


def test_all_problems_of_all_files_are_reported(tmp_path: Path) -> None:
    a = layer(tmp_path, "models:\n  - id: x\n    provider: P\n    context_window: -5\n", "a.yaml")
    b = layer(tmp_path, "models:\n  - id: y\n    provder: P\n", "b.yaml")
    with pytest.raises(CatalogError) as info:
        load_catalog(a, b, bundled=False)
    assert [(p.file, p.line, p.field) for p in info.value.problems] == [
        (str(a), 5, "context_window"),
        (str(b), 4, "provder"),
    ]


def test_nothing_to_load() -> None:
    with pytest.raises(CatalogError) as info:
        load_catalog(bundled=False)
    assert str(info.value) == "<none>: no catalog files given (bundled=False and no paths)"
