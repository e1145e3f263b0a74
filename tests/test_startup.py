"""What makes the first run after install fast must not change what a catalog file means."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from advisor import catalog_io
from advisor.catalog import bundled_catalog_path


def _both(text: str) -> tuple[object, object]:
    """The document as PyYAML's own safe construction builds it (with the strict loader's int and
    date rules), and as :func:`advisor.catalog_io._parse_yaml` does."""
    loader = catalog_io._loader_class()(text)
    try:
        reference = loader.construct_document(loader.get_single_node())
    finally:
        loader.dispose()
    return reference, catalog_io._parse_yaml(text, "t.yaml")[0]


def test_the_bundled_catalog_takes_the_fast_construction_and_means_the_same() -> None:
    text = bundled_catalog_path().read_text(encoding="utf-8")
    loader = catalog_io._loader_class()(text)
    try:
        assert catalog_io._construct_plain(loader, loader.get_single_node()) is not catalog_io._UNUSUAL
    finally:
        loader.dispose()
    reference, fast = _both(text)
    assert fast == reference
    assert isinstance(fast, dict) and fast["models"][0]["released"] == dt.date(2024, 5, 13)


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2.5, .inf, -.inf, yes, no, ~, null, 2024-01-01, 2024-02-30, 0x10, 0o17, '1', 1_000, 1:30]\n",
        "a: {b: {c: [x, 'y', \"z\"]}}\nd: 2024-01-01 10:00:00\n",
        "x: &a {b: 1}\ny: *a\n",  # anchors: PyYAML's own construction
        "<<: {a: 1}\nb: 2\n",  # merge keys
        "a: !!binary aGk=\n",  # other tags
        "1: a\n2: b\n",  # keys that are not strings
        "a: 1\nb: 2\n'<<': 3\n",
        f"n: {'9' * 5000}\n",  # too many digits for int(): stays text for validation to refuse
    ],
)
def test_every_document_means_what_pyyaml_says(text: str) -> None:
    reference, fast = _both(text)
    assert fast == reference


def test_a_duplicate_key_is_reported_by_the_usual_construction() -> None:
    data, problems = catalog_io._parse_yaml("a: 1\nb: {c: 1, c: 2}\na: 3\n", "t.yaml")
    assert data == {"a": 3, "b": {"c": 2}}
    assert [(p.message, p.line) for p in problems] == [
        ("duplicate key 'a' (YAML would silently keep only the last one)", 3),
        ("duplicate key 'c' (YAML would silently keep only the last one)", 2),
    ]


def test_nan_stays_a_float_for_validation_to_refuse() -> None:
    reference, fast = _both("a: .nan\n")
    assert isinstance(fast, dict) and isinstance(reference, dict)
    assert fast["a"] != fast["a"] and reference["a"] != reference["a"]


_STARTUP_PROBE = """
import gc, json, sys
from advisor.cli import _common, main
import advisor.cli.rate as rate
seen = {}
real = rate._run
def probe(args):
    seen["gc during rate"] = gc.isenabled()
    return real(args)
rate._run = probe
_common.begin_startup()
seen["gc at start"] = gc.isenabled()
seen["recommend"] = main(["recommend", "--target", "gpt-4o", "--as-of", "2024-07-24"])
seen["gc after recommend"] = gc.isenabled()
seen["frozen"] = gc.get_freeze_count() > 0
_common.begin_startup()
seen["rate"] = main(["rate", sys.argv[1], "--bootstrap", "0"])
print(json.dumps(seen))
"""


def test_a_console_run_collects_nothing_during_start_up_and_resumes_for_the_work(tmp_path: Path) -> None:
    """``run()`` pauses the garbage collector until the catalog is loaded (decisions) or the arguments
    are parsed (any other command), then freezes what start-up made and collects again."""
    import json
    import subprocess
    import sys

    battles = tmp_path / "battles.csv"  # three models, each won and lost some, made here
    rows = [("a", "b", "model_a")] * 30 + [("b", "a", "model_a")] * 10 + [("b", "c", "model_a")] * 20
    rows += [("c", "b", "model_a")] * 20 + [("c", "a", "model_a")] * 5 + [("a", "c", "model_a")] * 15
    battles.write_text("model_a,model_b,winner\n" + "".join(f"{a},{b},{w}\n" for a, b, w in rows), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _STARTUP_PROBE, str(battles)], capture_output=True, text=True, timeout=120, check=True
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {
        "gc at start": False,
        "recommend": 0,
        "gc after recommend": True,
        "frozen": True,
        "gc during rate": True,
        "rate": 0,
    }


def test_main_in_process_leaves_the_collector_alone() -> None:
    import gc

    from advisor.cli import main

    frozen = gc.get_freeze_count()
    assert main(["models", "--as-of", "2024-07-24", "--json"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen
