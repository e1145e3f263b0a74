"""Gateway configs: a real LiteLLM Router loads them, and every name is in the LiteLLM map."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import load_catalog
from advisor.catalog import Catalog
from advisor.cli import main
from advisor.errors import AdvisorError, NoCandidateError
from advisor.export import TARGETS, export_config, plan

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
"""The public data the bundled catalog is built from, beside the repository (not in CI)."""

TODAY = dt.date(2026, 11, 30)
JULY = dt.date(2024, 7, 24)


@pytest.fixture(scope="module")
def today() -> Catalog:
    return load_catalog().as_of(TODAY)


def _litellm_required() -> bool:
    return bool(os.environ.get("ADVISOR_REQUIRE_LITELLM") or os.environ.get("CI"))


def _litellm_or_fail() -> Any:
    """The real litellm package: skipped on a machine without it, a failure in CI (.ci/run installs it)."""
    try:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no network: the map in the package
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import litellm
    except ImportError:
        reason = "litellm is not installed (pip install -e '.[test]' installs it)"
        if _litellm_required():
            pytest.fail(reason + "; CI must run this test")
        pytest.skip(reason)
    return litellm


def _catalog_map_version(catalog: Catalog) -> str:
    """The newest LiteLLM release whose map the bundled catalog's prices were imported from."""
    found = [k.removeprefix("litellm-") for k in catalog.sources if re.fullmatch(r"litellm-\d+(\.\d+)+", k)]
    assert found, "the bundled catalog names no LiteLLM map release among its sources"
    return max(found, key=lambda v: tuple(int(x) for x in v.split(".")))


def _litellm_map(catalog: Catalog) -> dict[str, Any]:
    """The LiteLLM map the catalog was built from: the installed package's copy when it is that
    release (the test extra pins it), else the copy in the shared data folder beside the
    repository; else the installed package's (newer) map, which must hold the names too."""
    version = _catalog_map_version(catalog)
    try:
        installed = importlib.metadata.version("litellm")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    shared = SHARED_DATA / "prices" / f"litellm_model_prices_and_context_window_pypi-{version}.json"
    if installed != version and shared.exists():
        path = shared
    else:
        litellm = _litellm_or_fail()
        path = Path(litellm.__file__).parent / "model_prices_and_context_window_backup.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _in_map(name: str, prices: dict[str, Any]) -> bool:
    """LiteLLM's own lookup: the whole string is a key, or the part after the provider is a key of that provider."""
    if name in prices:
        return True
    provider, _, model = name.partition("/")
    entry = prices.get(model)
    return isinstance(entry, dict) and str(entry.get("litellm_provider", "")).startswith(provider)


def _exports(view: Catalog) -> list[Any]:
    made = [export_config(view, "litellm"), export_config(view, "litellm", tiers=5, fallbacks=4)]
    for target in ("gpt-4o", "gemma-3-27b-it", "gpt-4.1-mini", "o3"):
        made.append(export_config(view, "litellm", target_model=target, fallbacks=3))
    made.append(export_config(view, "litellm", budget=1.0))
    made.append(export_config(view, "litellm", min_win_rate=0.4, vs="gpt-4o"))
    return made


def test_every_exported_name_is_in_the_litellm_map_the_catalog_was_built_from(today: Catalog) -> None:
    """Each route priced from a LiteLLM map release is exported under a name the newest one has.

    A price the newest map (1.110.2) leaves unchanged keeps the source of the release that first
    gave it (1.109.1), so routes priced by any release are checked against the newest map, the
    one the test extra pins. (Routes priced only by the older price history carry the history's
    keys; those maps are not all at hand here. Routes priced by genai-prices carry names only where
    LiteLLM names the host: the real Router test below checks that LiteLLM resolves each of them.)
    """
    bundled = load_catalog()
    source = f"litellm-{_catalog_map_version(bundled)}"
    prices = _litellm_map(bundled)
    checked = []
    for cfg in _exports(today):
        for tier in cfg.plan.tiers:
            for r in tier.routes:
                period = next(p for p in today.get(r.id).prices if p.host == r.host)
                if re.fullmatch(r"litellm-\d+(\.\d+)+", period.source) and r.litellm_model is not None:
                    checked.append(r.litellm_model)
    assert len(set(checked)) >= 5
    missing = sorted({n for n in checked if not _in_map(n, prices)})
    assert not missing, f"not in the LiteLLM map {source}: {missing}"


def test_the_real_litellm_router_loads_the_config(today: Catalog) -> None:
    litellm = _litellm_or_fail()
    for cfg in _exports(today):
        data = yaml.safe_load(cfg.text)
        groups = [e["model_name"] for e in data["model_list"]]
        for rule in data["router_settings"]["fallbacks"]:
            ((head, rest),) = rule.items()
            assert head in groups and all(g in groups for g in rest)  # litellm does not check these itself
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # litellm's own deprecation notices
            router = litellm.Router(model_list=data["model_list"], **data["router_settings"])
            known = router.get_model_names()
        assert sorted(known) == sorted(groups)


def test_recommendation_plan_and_config_text(today: Catalog) -> None:
    cfg = export_config(today, "litellm", target_model="gpt-4o", fallbacks=2, name="chat")
    (tier,) = cfg.plan.tiers
    # gpt-oss-20b via darkbloom ($0.0145 in, $0.07 out per 1M tokens, LiteLLM map 1.109.1)
    assert tier.name == "chat" and tier.routes[0].id == "gpt-oss-20b"
    data = yaml.safe_load(cfg.text)
    assert data["model_list"][0] == {
        "model_name": "chat",
        "litellm_params": {"model": "darkbloom/gpt-oss-20b"},
    }
    assert data["router_settings"]["fallbacks"] == [{"chat": ["chat-fallback-1", "chat-fallback-2"]}]
    assert cfg.text.startswith("# LiteLLM Router / proxy config generated by advisor")
    assert "#   choice: gpt-oss-20b via darkbloom, $0.02837 per 1M tokens blended, arena-text 1288.94" in cfg.text
    assert cfg.skipped == () and "left out" not in cfg.text
    # the cheaper gemma-3n-e4b-it via huggingface_together (a genai-prices host LiteLLM does not
    # name) is the plain plan's choice, but not a candidate of a plan for LiteLLM
    plain = plan(today, target="gpt-4o", fallbacks=2).tiers[0].routes[0]
    assert (plain.id, plain.host, plain.litellm_model) == ("gemma-3n-e4b-it", "huggingface_together", None)
    assert all(r.litellm_model is not None for r in tier.routes)


def test_frontier_plan_tiers_fall_back_to_better_tiers(today: Catalog) -> None:
    made = plan(today, tiers=3, fallbacks=1)
    assert [t.name for t in made.tiers] == ["advisor-1", "advisor-2", "advisor-3"]
    scores = [t.routes[0].score for t in made.tiers]
    assert scores == sorted(scores) and len(set(scores)) == 3
    assert made.fallbacks == {"advisor-1": ("advisor-2", "advisor-3"), "advisor-2": ("advisor-3",), "advisor-3": ()}
    rules = yaml.safe_load(export_config(today, "litellm", tiers=3, fallbacks=1).text)["router_settings"]["fallbacks"]
    assert rules[0] == {"advisor-1": ["advisor-1-fallback-1", "advisor-2", "advisor-3"]}


def test_openrouter_fields(today: Catalog) -> None:
    cfg = export_config(today, "openrouter", target_model="gpt-4o", fallbacks=3)
    data = json.loads(cfg.text)
    assert data == {"models": ["google/gemma-3n-e4b-it", "openai/gpt-oss-20b", "google/gemma-3-4b-it"]}
    assert cfg.skipped == ()
    tiers = json.loads(export_config(today, "openrouter", tiers=2).text)
    assert list(tiers) == ["advisor-1", "advisor-2"] and all(t["models"] for t in tiers.values())


def test_july_2024_export_is_the_readme_story() -> None:
    july = load_catalog().as_of(JULY)
    cfg = export_config(july, "litellm", target_model="gpt-4o", fallbacks=2)
    routes = cfg.plan.tiers[0].routes
    # only gpt-4o-mini and gpt-4o itself were not statistically worse than gpt-4o that day; gpt-4o
    # was sold by OpenAI and, at the same $5/$15 (LiteLLM's price history, from 2024-06-05), by
    # OpenRouter: the fallback at another endpoint comes first
    assert {r.id for r in routes} == {"gpt-4o-mini-2024-07-18", "gpt-4o-2024-05-13"}
    assert [r.litellm_model for r in routes] == [
        "openai/gpt-4o-mini-2024-07-18",
        "openrouter/openai/gpt-4o-2024-05-13",
        "openai/gpt-4o-2024-05-13",
    ]
    # at ~1/29 of gpt-4o's price, blended at 3:1 input:output
    assert [r.usd_per_mtok for r in routes] == pytest.approx([0.2625, 7.5, 7.5])


def test_bad_requests(today: Catalog) -> None:
    with pytest.raises(AdvisorError, match="unknown export target 'kong'"):
        export_config(today, "kong")
    with pytest.raises(AdvisorError, match="one quality bar"):
        plan(today, target="gpt-4o", min_score=1300)
    with pytest.raises(AdvisorError, match="go together"):
        plan(today, min_win_rate=0.4)
    with pytest.raises(NoCandidateError, match="no route meets"):
        plan(today, min_score=1300, budget=0.0001)
    with pytest.raises(AdvisorError, match="tiers must be"):
        plan(today, tiers=0)
    assert set(TARGETS) == {"litellm", "openrouter"}


def test_cli_writes_the_config_atomically_and_json_is_the_library_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "litellm.yaml"
    assert main(["export", "litellm", "--target", "gpt-4o", "--fallbacks", "2", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["model_list"][0]["model_name"] == "advisor"
    assert "Wrote" in capsys.readouterr().err
    assert main(["export", "openrouter", "--target", "gpt-4o", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["target"] == "openrouter" and json.loads(data["text"])["models"][0] == "google/gemma-3n-e4b-it"
    assert main(["export", "litellm", "--target", "gpt-4o", "-o", str(tmp_path / "no" / "such" / "x.yaml")]) == 2
    assert "Error:" in capsys.readouterr().err
    assert main(["export", "kong"]) == 2


def test_a_reference_model_litellm_cannot_call_still_sets_the_bar(today: Catalog) -> None:
    # gpt-5.1-high is a reasoning mode the Arena rates separately: no model name calls it, so it is
    # no LiteLLM route, yet it sets the bar
    cfg = export_config(today, "litellm", target_model="gpt-5.1-high", fallbacks=1)
    assert [(r.id, r.litellm_model) for r in cfg.plan.tiers[0].routes] == [
        ("mistral-large-3", "mistral/mistral-large-3"),
        ("mistral-large-3", "azure_ai/mistral-large-3"),
    ]
    assert cfg.skipped == ()
