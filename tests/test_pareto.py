"""advisor.pareto: hand cases, validation, agreement with the naive references, invariances."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from advisor.pareto import (
    _blocks,
    _lex_order,
    _pareto_front_naive,
    _pareto_front_nd_naive,
    _sweep_3d,
    _uncertain_pareto_front_naive,
    pareto_front,
    pareto_front_nd,
    uncertain_pareto_front,
)

# --- data used across the agreement tests ----------------------------------------------------

KINDS = ["continuous", "integer", "duplicates", "correlated", "infinite"]


def make_points(kind: str, n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """Seeded points of one of KINDS; integer and duplicates give heavy ties."""
    if kind == "continuous":
        return rng.random((n, d))
    if kind == "integer":
        return rng.integers(0, 4, (n, d)).astype(float)
    if kind == "duplicates":
        base = rng.integers(0, 6, (max(1, n // 4), d)).astype(float)
        return base[rng.integers(0, base.shape[0], n)]
    if kind == "infinite":  # small integers with some +inf and -inf: ties between infinities
        pts = rng.integers(0, 4, (n, d)).astype(float)
        pts[rng.random((n, d)) < 0.05] = np.inf
        pts[rng.random((n, d)) < 0.05] = -np.inf
        return pts
    # Like a real catalog: every objective rises with price, so much of it is on the front.
    t = rng.random(n)
    return np.column_stack([t + 0.02 * rng.standard_normal(n) for _ in range(d)])


def random_sense(d: int, rng: np.random.Generator) -> list[str]:
    return [("min", "max")[int(b)] for b in rng.integers(0, 2, d)]


def lex_then(engine, y: np.ndarray) -> np.ndarray:
    """Run an engine that wants minimised objectives in lexicographic order; mask in row order."""
    yt = np.ascontiguousarray(y.T)
    order = _lex_order(yt)
    mask = np.zeros(y.shape[0], dtype=bool)
    mask[order] = engine(np.ascontiguousarray(yt[:, order]))
    return mask


# --- pareto_front: hand cases ----------------------------------------------------------------


def test_pareto_front_hand_case():
    costs = [3.0, 1.0, 2.0, 4.0, 2.5]
    scores = [70, 50, 65, 90, 60]
    # 2.5/60 is beaten by 2.0/65; the others trade cost for score.
    assert pareto_front(costs, scores).tolist() == [True, True, True, True, False]


def test_equal_cost_only_best_score_can_be_on_front():
    assert pareto_front([1, 1, 1], [5, 7, 6]).tolist() == [False, True, False]


def test_equal_points_keep_lowest_index():
    assert pareto_front([2, 1, 1, 2], [3, 1, 1, 3]).tolist() == [True, True, False, False]
    assert pareto_front([1, 1, 1], [5, 5, 5]).tolist() == [True, False, False]


def test_equal_cost_and_best_score_twice_keeps_first_of_them():
    assert pareto_front([1, 1, 1, 1], [4, 9, 2, 9]).tolist() == [False, True, False, False]


def test_empty_and_single():
    empty = pareto_front([], [])
    assert empty.dtype == np.bool_
    assert empty.shape == (0,)
    assert pareto_front([5.0], [1.0]).tolist() == [True]
    assert pareto_front_nd(np.empty((0, 3)), ["min", "max", "min"]).shape == (0,)


def test_infinities_compare_as_usual():
    inf = np.inf
    # An unknown price (inf) stays on the front only with a strictly best score.
    assert pareto_front([1, inf, inf], [5, 9, 4]).tolist() == [True, True, False]
    assert pareto_front([-inf, 0, 1], [-inf, -inf, 3]).tolist() == [True, False, True]
    assert pareto_front_nd([[inf, 1], [inf, 1], [2, -inf]], ["min", "max"]).tolist() == [True, False, True]


def test_integer_and_list_inputs():
    assert pareto_front(np.array([1, 2, 3], dtype=np.int64), np.array([1, 3, 2], dtype=np.uint8)).tolist() == [
        True,
        True,
        False,
    ]


def test_pareto_front_is_nd_with_min_max():
    rng = np.random.default_rng(7)
    pts = rng.integers(0, 5, (300, 2)).astype(float)
    np.testing.assert_array_equal(pareto_front(pts[:, 0], pts[:, 1]), pareto_front_nd(pts, ["min", "max"]))


# --- pareto_front_nd: hand cases, d = 1 .. 4 ---------------------------------------------------


def test_nd_one_objective_keeps_first_best():
    assert pareto_front_nd([[3], [1], [1], [2]], ["min"]).tolist() == [False, True, False, False]
    assert pareto_front_nd([[3], [1], [3], [2]], ["max"]).tolist() == [True, False, False, False]


def test_nd_two_objectives():
    pts = [[1, 1], [2, 2], [0, 3], [2, 2]]
    assert pareto_front_nd(pts, ["min", "min"]).tolist() == [True, False, True, False]
    assert pareto_front_nd(pts, ["max", "max"]).tolist() == [False, True, True, False]


def test_nd_three_objectives_cost_quality_latency():
    pts = [
        [1.0, 80, 2.0],  # cheapest
        [2.0, 90, 1.0],  # best and fastest
        [2.0, 85, 3.0],  # beaten by row 1
        [1.0, 80, 2.0],  # duplicate of row 0
        [0.5, 70, 9.0],  # cheaper still, worse otherwise
    ]
    assert pareto_front_nd(pts, ["min", "max", "min"]).tolist() == [True, True, False, False, True]


def test_nd_four_objectives_with_context():
    pts = [
        [1.0, 80, 2.0, 128],
        [1.0, 80, 2.0, 200],  # same but longer context: beats row 0
        [3.0, 95, 5.0, 32],
        [3.0, 95, 5.0, 16],  # beaten by row 2
    ]
    assert pareto_front_nd(pts, ["min", "max", "min", "max"]).tolist() == [False, True, True, False]


# --- validation: exact messages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: pareto_front([1, np.nan, 2], [1, 2, 3]), ValueError, "costs contains NaN (first at index 1)"),
        (lambda: pareto_front([1, 2, 3], [1, 2, np.nan]), ValueError, "scores contains NaN (first at index 2)"),
        (lambda: pareto_front([[1, 2], [3, 4]], [1, 2]), ValueError, "costs must be 1-D, got shape (2, 2)"),
        (lambda: pareto_front(1.0, [1.0]), ValueError, "costs must be 1-D, got shape ()"),
        (
            lambda: pareto_front([1, 2, 3], [1, 2]),
            ValueError,
            "costs and scores must have the same length, got costs=3, scores=2",
        ),
        (lambda: pareto_front(["a", "b"], [1, 2]), TypeError, "costs must hold real numbers, got dtype <U1"),
        (lambda: pareto_front([1, 2], [True, False]), TypeError, "scores must hold real numbers, got dtype bool"),
        (
            lambda: pareto_front_nd([1, 2, 3], ["min"]),
            ValueError,
            "points must be 2-D (points x objectives), got shape (3,)",
        ),
        (
            lambda: pareto_front_nd([[1, 2, 3], [4, 5, np.nan]], ["min", "max", "min"]),
            ValueError,
            "points contains NaN (first at row 1, column 2)",
        ),
        (lambda: pareto_front_nd(np.empty((2, 0)), []), ValueError, "points must have at least one column"),
        (
            lambda: pareto_front_nd([[1, 2, 3]], ["min", "max"]),
            ValueError,
            "sense has 2 entries but points has 3 columns",
        ),
        (
            lambda: pareto_front_nd([[1, 2]], ["min", "maximize"]),
            ValueError,
            "sense[1] must be 'min' or 'max', got 'maximize'",
        ),
        (
            lambda: pareto_front_nd([[1, 2, 3]], "max"),
            TypeError,
            "sense must be a sequence of 'min'/'max', one per column, not a single string",
        ),
        (
            lambda: uncertain_pareto_front([1, 2], [1, 5], [2, 4]),
            ValueError,
            "lower must be <= upper, but lower[1] = 5.0 > upper[1] = 4.0",
        ),
        (
            lambda: uncertain_pareto_front([1, 2], [1, 2], [1, 2, 3]),
            ValueError,
            "costs, lower and upper must have the same length, got costs=2, lower=2, upper=3",
        ),
        (
            lambda: uncertain_pareto_front([1, 2], [np.nan, 2], [1, 2]),
            ValueError,
            "lower contains NaN (first at index 0)",
        ),
    ],
)
def test_validation_messages(call, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        call()


# --- agreement with the naive references on seeded random inputs -----------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(25))
def test_pareto_front_matches_naive(kind, seed):
    rng = np.random.default_rng(seed)
    pts = make_points(kind, int(rng.integers(1, 400)), 2, rng)
    np.testing.assert_array_equal(pareto_front(pts[:, 0], pts[:, 1]), _pareto_front_naive(pts[:, 0], pts[:, 1]))


@pytest.mark.parametrize("d", [1, 2, 3, 4])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(12))
def test_pareto_front_nd_matches_naive(d, kind, seed):
    rng = np.random.default_rng(1000 * d + seed)
    pts = make_points(kind, int(rng.integers(1, 300)), d, rng)
    sense = random_sense(d, rng)
    np.testing.assert_array_equal(pareto_front_nd(pts, sense), _pareto_front_nd_naive(pts, sense))


@pytest.mark.parametrize(
    ("d", "kind"),
    [
        (2, "continuous"),
        (2, "infinite"),
        (3, "continuous"),
        (3, "correlated"),
        (3, "integer"),
        (3, "infinite"),
        (4, "correlated"),
    ],
)
@pytest.mark.parametrize("seed", range(2))
def test_large_inputs_take_the_fast_paths_and_match_naive(d, kind, seed):
    # Above the small-input cut-off: pivot pre-filter, near-neighbour pass and the 3-D sweep.
    rng = np.random.default_rng(seed)
    pts = make_points(kind, 2500, d, rng)
    sense = random_sense(d, rng)
    np.testing.assert_array_equal(pareto_front_nd(pts, sense), _pareto_front_nd_naive(pts, sense))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(25))
def test_sweep_3d_and_blocks_match_naive(kind, seed):
    # The engines directly, at every small size, so padding and block edges are all exercised.
    rng = np.random.default_rng(seed)
    n = 1 + seed * 7
    d = 3 if seed % 2 else 4
    pts = make_points(kind, n, d, rng)
    expected = _pareto_front_nd_naive(pts, ["min"] * d)
    if d == 3:
        np.testing.assert_array_equal(lex_then(_sweep_3d, pts), expected)
    np.testing.assert_array_equal(lex_then(_blocks, pts), expected)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(25))
def test_uncertain_matches_naive(kind, seed):
    rng = np.random.default_rng(seed)
    pts = make_points(kind, int(rng.integers(1, 300)), 2, rng)
    width = rng.integers(0, 3, pts.shape[0]) * 0.2
    lower, upper = pts[:, 1], pts[:, 1] + width
    np.testing.assert_array_equal(
        uncertain_pareto_front(pts[:, 0], lower, upper), _uncertain_pareto_front_naive(pts[:, 0], lower, upper)
    )


# --- invariances ------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [2, 3, 4])
@pytest.mark.parametrize("seed", range(5))
def test_shuffling_rows_permutes_the_mask(d, seed):
    rng = np.random.default_rng(seed)
    pts = make_points("correlated", 700, d, rng)  # continuous: no duplicates to re-elect
    sense = random_sense(d, rng)
    perm = rng.permutation(pts.shape[0])
    np.testing.assert_array_equal(pareto_front_nd(pts[perm], sense), pareto_front_nd(pts, sense)[perm])


@pytest.mark.parametrize("seed", range(5))
def test_shuffling_with_duplicates_keeps_the_same_front_values(seed):
    rng = np.random.default_rng(seed)
    pts = make_points("duplicates", 400, 3, rng)
    perm = rng.permutation(pts.shape[0])
    sense = ["min", "max", "min"]
    before = {tuple(p) for p in pts[pareto_front_nd(pts, sense)]}
    after = pts[perm][pareto_front_nd(pts[perm], sense)]
    assert {tuple(p) for p in after} == before
    assert len(after) == len(before)  # one row per distinct front point


@pytest.mark.parametrize("d", [2, 3, 4])
@pytest.mark.parametrize("seed", range(5))
def test_adding_a_dominated_point_changes_nothing(d, seed):
    rng = np.random.default_rng(seed)
    pts = make_points("continuous", 600, d, rng)
    sense = random_sense(d, rng)
    worse = np.where(np.array(sense) == "max", -1.0, 1.0) * 0.25
    extra = pts[int(rng.integers(0, pts.shape[0]))] + worse
    at = int(rng.integers(0, pts.shape[0] + 1))
    grown = np.insert(pts, at, extra, axis=0)
    expected = np.insert(pareto_front_nd(pts, sense), at, False)
    np.testing.assert_array_equal(pareto_front_nd(grown, sense), expected)


@pytest.mark.parametrize("seed", range(5))
def test_flipping_sense_is_negating_the_column(seed):
    rng = np.random.default_rng(seed)
    pts = make_points("integer", 500, 3, rng)
    flipped = pts * np.array([1.0, -1.0, 1.0])
    np.testing.assert_array_equal(
        pareto_front_nd(pts, ["min", "max", "min"]), pareto_front_nd(flipped, ["min", "min", "min"])
    )


def test_monotone_rescaling_changes_nothing():
    rng = np.random.default_rng(3)
    pts = make_points("correlated", 800, 3, rng)
    rescaled = np.column_stack([np.exp(pts[:, 0]), 1000 * pts[:, 1] + 7, pts[:, 2] ** 3])
    sense = ["min", "max", "min"]
    np.testing.assert_array_equal(pareto_front_nd(rescaled, sense), pareto_front_nd(pts, sense))


# --- uncertain_pareto_front: hand cases ------------------------------------------------------


def test_uncertain_arena_rule():
    costs = [1.0, 2.0, 3.0, 3.0, 4.0]
    lower = [1200, 1210, 1250, 1180, 1100]
    upper = [1220, 1230, 1270, 1260, 1150]
    # Row 1's interval overlaps row 0's, so row 0 does not beat it. Row 3 overlaps rows 0-2.
    # Row 4 is dearer than row 0, whose lower bound 1200 clears its upper bound 1150.
    assert uncertain_pareto_front(costs, lower, upper).tolist() == [True, True, True, True, False]
    upper[3] = 1240  # row 2 costs the same and 1250 > 1240: now it beats row 3
    assert uncertain_pareto_front(costs, lower, upper).tolist() == [True, True, True, False, False]


def test_uncertain_equal_cost_and_equal_points():
    # Same cost: a clear win still counts; identical rows never beat each other.
    assert uncertain_pareto_front([1, 1], [10, 20], [12, 22]).tolist() == [False, True]
    assert uncertain_pareto_front([1, 1, 1], [10, 10, 10], [12, 12, 12]).tolist() == [True, True, True]
    assert uncertain_pareto_front([], [], []).shape == (0,)


def test_uncertain_with_point_intervals_needs_a_strict_quality_gap():
    # lower == upper: beaten means a no-dearer point with a strictly higher score, so unlike
    # pareto_front a dearer point of equal score (row 3) stays.
    assert uncertain_pareto_front([1, 2, 2, 3], [5, 5, 6, 6], [5, 5, 6, 6]).tolist() == [True, False, True, True]
    assert pareto_front([1, 2, 2, 3], [5, 5, 6, 6]).tolist() == [True, False, True, False]


# --- hypothesis --------------------------------------------------------------------------------

SMALL_FLOATS = st.one_of(
    st.integers(-3, 3).map(float),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from([np.inf, -np.inf]),
)


@st.composite
def point_sets(draw, max_d: int = 4):
    d = draw(st.integers(1, max_d))
    n = draw(st.integers(0, 40))
    pts = draw(hnp.arrays(np.float64, (n, d), elements=SMALL_FLOATS))
    sense = draw(st.lists(st.sampled_from(["min", "max"]), min_size=d, max_size=d))
    return pts, sense


@settings(max_examples=300, deadline=None)
@given(point_sets())
def test_hypothesis_nd_matches_naive(case):
    pts, sense = case
    np.testing.assert_array_equal(pareto_front_nd(pts, sense), _pareto_front_nd_naive(pts, sense))


@settings(max_examples=300, deadline=None)
@given(point_sets(max_d=2).filter(lambda c: c[0].shape[1] == 2))
def test_hypothesis_pareto_front_matches_naive(case):
    pts, _ = case
    np.testing.assert_array_equal(pareto_front(pts[:, 0], pts[:, 1]), _pareto_front_naive(pts[:, 0], pts[:, 1]))


@settings(max_examples=200, deadline=None)
@given(point_sets())
def test_hypothesis_front_properties(case):
    pts, sense = case
    mask = pareto_front_nd(pts, sense)
    y = pts * np.where(np.array(sense) == "max", -1.0, 1.0)
    front = y[mask]
    if y.shape[0]:
        assert mask.any()
    # Front points are distinct and none beats another.
    assert len({tuple(p) for p in front}) == len(front)
    for p in front:
        assert not np.any(np.all(front <= p, axis=1) & np.any(front < p, axis=1))
    # Every other point is beaten by, or equal to, a front point.
    for p in y[~mask]:
        assert np.any(np.all(front <= p, axis=1))


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 30).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, n, elements=st.integers(0, 4).map(float)),
            hnp.arrays(np.float64, n, elements=st.integers(0, 6).map(float)),
            hnp.arrays(np.float64, n, elements=st.integers(0, 3).map(float)),
        )
    )
)
def test_hypothesis_uncertain_matches_naive(arrays):
    costs, lower, width = arrays
    upper = lower + width
    got = uncertain_pareto_front(costs, lower, upper)
    np.testing.assert_array_equal(got, _uncertain_pareto_front_naive(costs, lower, upper))
    # Widening every interval can only keep more points.
    assert np.all(uncertain_pareto_front(costs, lower - 1, upper + 1) >= got)
