"""Pareto fronts on numpy arrays: the models nothing else beats on every objective at once.

Three masks, each with a slow obviously-correct reference kept beside it for the tests:

- `pareto_front`: minimise cost, maximise score (the 2-D case the engine uses most).
- `pareto_front_nd`: any number of objectives, with an explicit ``"min"``/``"max"`` per column.
- `uncertain_pareto_front`: a quality gap only counts when the confidence intervals separate.

Shared rules: inputs are converted to float64 and validated once here; NaN is rejected with a
``ValueError`` naming the argument; ``+inf``/``-inf`` are allowed and compare as usual (an unknown
price stored as ``inf`` is simply never cheaper). Of several exactly equal points, only the one
with the lowest index is kept, so the mask never shows the same trade-off twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from advisor.errors import AdvisorError

if TYPE_CHECKING:  # numpy.typing only for the checker: a decision's start-up does without it
    import numpy.typing as npt

    BoolArray = npt.NDArray[np.bool_]
    FloatArray = npt.NDArray[np.float64]
    IndexArray = npt.NDArray[np.intp]

__all__ = ["pareto_front", "pareto_front_nd", "uncertain_pareto_front"]

# Below this many rows the exact methods are cheap enough that pre-filtering does not pay.
_SMALL = 512
# Rows sampled (with a stride) to pick the pre-filter's pivot point.
_SAMPLE = 1 << 14
# Rows compared at once by the block method (memory is a few times _BLOCK**2 booleans).
_BLOCK = 256
# Predecessors each point is compared with by `_drop_near`, and at most how many rounds.
_NEAR = 16
_NEAR_ROUNDS = 6


# --- validation at the public boundary -------------------------------------------------------


def _as_float(x: npt.ArrayLike, name: str, ndim: int) -> FloatArray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim != ndim:
        want = "1-D" if ndim == 1 else "2-D (points x objectives)"
        raise AdvisorError(f"{name} must be {want}, got shape {arr.shape}")
    out = arr.astype(np.float64, copy=False)
    # min() propagates NaN: one pass and no temporary array in the common, clean case.
    if out.size and np.isnan(out.min()):
        first = np.argwhere(np.isnan(out))[0]
        at = f"index {first[0]}" if ndim == 1 else f"row {first[0]}, column {first[1]}"
        raise AdvisorError(f"{name} contains NaN (first at {at})")
    return out


def _same_length(names: Sequence[str], arrays: Sequence[FloatArray]) -> None:
    lengths = [a.shape[0] for a in arrays]
    if len(set(lengths)) > 1:
        got = ", ".join(f"{n}={k}" for n, k in zip(names, lengths, strict=True))
        raise AdvisorError(f"{', '.join(names[:-1])} and {names[-1]} must have the same length, got {got}")


def _parse_sense(sense: Sequence[str], d: int) -> list[bool]:
    if isinstance(sense, str):
        raise TypeError("sense must be a sequence of 'min'/'max', one per column, not a single string")
    sense = list(sense)
    if len(sense) != d:
        raise AdvisorError(f"sense has {len(sense)} entries but points has {d} columns")
    for i, s in enumerate(sense):
        if s not in ("min", "max"):
            raise AdvisorError(f"sense[{i}] must be 'min' or 'max', got {s!r}")
    return [s == "max" for s in sense]


# --- public functions ------------------------------------------------------------------------


def pareto_front(costs: npt.ArrayLike, scores: npt.ArrayLike) -> BoolArray:
    """Mask of the points no other point beats on both cost (lower) and score (higher).

    A point is off the front when another has cost <= and score >= with at least one strict,
    so among equal costs only the best score can be on the front. Of exactly equal points only
    the lowest index is kept. NaN raises ``ValueError``; ``+inf``/``-inf`` compare as usual.
    Sort-and-sweep in O(n log n), after an O(n) pass that drops points a pivot beats.

    Args:
        costs: 1-D array of costs (minimised).
        scores: 1-D array of scores (maximised), same length.

    Returns:
        Boolean mask, True for points on the front.

    Example:
        >>> pareto_front([1.0, 2.0, 2.0, 3.0, 1.0], [10, 30, 20, 25, 10])
        array([ True,  True, False, False, False])
    """
    c = _as_float(costs, "costs", 1)
    s = _as_float(scores, "scores", 1)
    _same_length(["costs", "scores"], [c, s])
    return _front([c, s], [False, True])


def pareto_front_nd(points: npt.ArrayLike, sense: Sequence[str]) -> BoolArray:
    """Mask of the nondominated rows of ``points`` under one direction per column.

    Row a dominates row b when a is no worse in every column and strictly better in one;
    for example cost "min", quality "max", latency "min", context "max". Of exactly equal
    rows only the lowest index is kept. NaN raises ``ValueError``; ``+inf``/``-inf`` compare
    as usual. Rows that a pivot beats in every column are dropped first in O(n d); for d >= 3
    so are rows beaten by one of their 16 predecessors in lexicographic order. The rest goes to
    a sort-and-sweep (d = 2, O(n log n)), a vectorised divide-and-conquer sweep (d = 3,
    O(n log n)) or a block comparison with the front found so far (d >= 4, O(n * front * d)).

    Args:
        points: Array of shape (n, d), one row per point, d >= 1.
        sense: ``"min"`` or ``"max"`` for each of the d columns.

    Returns:
        Boolean mask of length n, True for rows on the front.

    Example:
        >>> pts = [[1.0, 80, 2.0], [2.0, 90, 1.0], [2.0, 85, 3.0], [1.0, 80, 2.0]]
        >>> pareto_front_nd(pts, ["min", "max", "min"])
        array([ True,  True, False, False])
    """
    p = _as_float(points, "points", 2)
    if p.shape[1] == 0:
        raise AdvisorError("points must have at least one column")
    maximise = _parse_sense(sense, p.shape[1])
    return _front([p[:, j] for j in range(p.shape[1])], maximise)


def uncertain_pareto_front(costs: npt.ArrayLike, lower: npt.ArrayLike, upper: npt.ArrayLike) -> BoolArray:
    """Mask of the points that no cheaper-or-equal point beats *statistically* on quality.

    Point A beats B when cost_A <= cost_B and lower_A > upper_B (the Arena's rule: A is better
    only when its lower confidence bound clears B's upper bound). Points whose intervals overlap
    do not beat each other, so equal points are all kept, a dearer point of equal quality is
    kept too (unlike `pareto_front`), and at equal cost a point is dropped only when a
    same-cost point clearly beats it. NaN raises ``ValueError``; ``+inf``/``-inf``
    are allowed (an interval with ``upper = inf`` is never beaten). O(n log n).

    Args:
        costs: 1-D array of costs (minimised).
        lower: Lower bounds of the quality intervals, same length.
        upper: Upper bounds, same length, with ``lower <= upper``.

    Returns:
        Boolean mask, True for points on the front.

    Example:
        >>> uncertain_pareto_front([1.0, 2.0, 3.0], [10, 11, 20], [12, 13, 22])
        array([ True,  True,  True])
        >>> uncertain_pareto_front([1.0, 2.0, 3.0], [10, 5, 20], [12, 9, 22])
        array([ True, False,  True])
    """
    c = _as_float(costs, "costs", 1)
    lo = _as_float(lower, "lower", 1)
    hi = _as_float(upper, "upper", 1)
    _same_length(["costs", "lower", "upper"], [c, lo, hi])
    bad = np.flatnonzero(lo > hi)
    if bad.size:
        i = int(bad[0])
        raise AdvisorError(f"lower must be <= upper, but lower[{i}] = {float(lo[i])!r} > upper[{i}] = {float(hi[i])!r}")
    n = c.shape[0]
    order = np.argsort(c, kind="stable")
    sorted_cost = c[order]
    best_lower = np.maximum.accumulate(lo[order])
    # Everything up to the last point of the same cost is "no more expensive".
    last_same_cost = np.searchsorted(sorted_cost, sorted_cost, side="right") - 1
    mask = np.empty(n, dtype=bool)
    mask[order] = best_lower[last_same_cost] <= hi[order]
    return mask


# --- fast internals --------------------------------------------------------------------------


def _front(columns: list[FloatArray], maximise: list[bool]) -> BoolArray:
    """Nondominated mask of validated, NaN-free, equal-length columns."""
    n = columns[0].shape[0]
    d = len(columns)
    mask = np.zeros(n, dtype=bool)
    if n == 0:
        return mask
    if d == 1:
        col = columns[0]
        mask[int(np.argmax(col) if maximise[0] else np.argmin(col))] = True  # first of ties
        return mask
    keep = _prefilter(columns, maximise)
    # From here on every objective is minimised and each is one contiguous row of yt; keep is
    # ascending, so the original index order of exactly equal points is preserved.
    yt = np.empty((d, keep.shape[0]))
    for j, (col, mx) in enumerate(zip(columns, maximise, strict=True)):
        if mx:
            np.negative(col[keep], out=yt[j])
        else:
            np.take(col, keep, out=yt[j])
    if d == 2:
        mask[keep[_sweep_2d(yt[0], yt[1])]] = True
        return mask
    order = _lex_order(yt)
    rest = order[_drop_near(yt[:, order])]
    keep, yt = keep[rest], yt[:, rest]
    sub = _sweep_3d(yt) if d == 3 and keep.shape[0] > _SMALL else _blocks(yt)
    mask[keep[sub]] = True
    return mask


def _prefilter(columns: list[FloatArray], maximise: list[bool]) -> IndexArray:
    """Indices (ascending) of the rows that one good pivot row does not beat in every column.

    Dropping rows strictly worse than an existing row never changes the front (dominance is
    transitive), so the pivot only affects speed: on independent data a pivot near the ideal
    corner leaves a thin shell of a few per cent, on correlated data little is lost. The pivot
    minimises the sum of the objectives scaled to unit span over a strided sample; then one
    O(n d) pass.
    """
    n = columns[0].shape[0]
    if n <= _SMALL:
        return np.arange(n)
    step = max(1, n // _SAMPLE)
    sample = [-c[::step] if mx else c[::step] for c, mx in zip(columns, maximise, strict=True)]
    # Infinite spans give inf/NaN sums; any row is a valid pivot, so that is only noise.
    with np.errstate(all="ignore"):
        span = np.array([s.max() - s.min() for s in sample])
        scale = np.where(np.isfinite(span) & (span > 0), 1.0 / span, 0.0)
        pivot = int(np.argmin(scale @ np.stack(sample))) * step
    keep = np.zeros(n, dtype=bool)
    for col, mx in zip(columns, maximise, strict=True):
        keep |= (col >= col[pivot]) if mx else (col <= col[pivot])
    return np.flatnonzero(keep)


def _sweep_2d(a: FloatArray, b: FloatArray) -> BoolArray:
    """Both columns minimised: sort by a (then b, then index) and keep strict new minima of b."""
    order: IndexArray = np.argsort(a)
    sa = a[order]
    if np.any(sa[1:] == sa[:-1]):
        order = np.lexsort((b, a))  # stable, so exactly equal points stay in index order
    sb = b[order]
    on = np.empty(sb.shape[0], dtype=bool)
    on[0] = True
    np.less(sb[1:], np.minimum.accumulate(sb)[:-1], out=on[1:])
    mask = np.zeros(sb.shape[0], dtype=bool)
    mask[order[on]] = True
    return mask


def _lex_order(yt: FloatArray) -> IndexArray:
    """Point order by objective 0, then 1, ...; exactly equal points keep index order.

    In this order anything that dominates a point, or equals it with a lower index, comes
    before it, which is all the methods below rely on.
    """
    order: IndexArray = np.argsort(yt[0])
    first = yt[0, order]
    if np.any(first[1:] == first[:-1]):
        order = np.lexsort(yt[::-1])
    return order


def _drop_near(yt: FloatArray) -> IndexArray:
    """Indices (ascending) of the points, in lexicographic order, not beaten by a close predecessor.

    Compares each point with the `_NEAR` points just before it (a few whole-array operations per
    offset), drops those beaten, and repeats on what is left while that still pays. On
    correlated data the dominator of a point is usually close by in this order, so this alone
    leaves little more than the front; on independent data it leaves a few per cent. Dropping
    beaten points never changes the front: whatever they beat, their own dominator beats too.
    """
    d = yt.shape[0]
    rest = np.arange(yt.shape[1])
    sub = yt
    for _ in range(_NEAR_ROUNDS):
        m = sub.shape[1]
        beaten = np.zeros(m, dtype=bool)
        for shift in range(1, min(_NEAR, m - 1) + 1):
            # Objective 0 is sorted, so only the others need comparing.
            hit = sub[1, :-shift] <= sub[1, shift:]
            for j in range(2, d):
                hit &= sub[j, :-shift] <= sub[j, shift:]
            beaten[shift:] |= hit
        dropped = int(np.count_nonzero(beaten))
        if dropped:
            rest, sub = rest[~beaten], sub[:, ~beaten]
        if dropped < m // 10:
            break
    return rest


def _blocks(yt: FloatArray) -> BoolArray:
    """Any d, all minimised (one objective per row of yt), points in `_lex_order`.

    By transitivity it is enough to compare each point with the earlier *front* points and the
    earlier points of its own block. Cost O(n * front * d).
    """
    d, m = yt.shape
    on = np.zeros(m, dtype=bool)
    front = np.empty((d, 0))
    for start in range(0, m, _BLOCK):
        block = yt[:, start : start + _BLOCK]
        k = block.shape[1]
        # weak[i, j]: point i is <= point j in every objective; only earlier i < j may remove j.
        weak = np.triu(np.ones((k, k), dtype=bool), k=1)
        for j in range(d):
            weak &= block[j][:, None] <= block[j][None, :]
        beaten = weak.any(axis=0)
        for lo in range(0, front.shape[1], _BLOCK * 4):
            part = front[:, lo : lo + _BLOCK * 4]
            weak = np.ones((part.shape[1], k), dtype=bool)
            for j in range(d):
                weak &= part[j][:, None] <= block[j][None, :]
            beaten |= weak.any(axis=0)
        on[start : start + k] = ~beaten
        front = np.concatenate([front, block[:, ~beaten]], axis=1)
    return on


def _sweep_3d(yt: FloatArray) -> BoolArray:
    """Three minimised objectives (rows x, y, z of yt), points in `_lex_order`: O(n log n).

    Point j is off the front iff some earlier point i has y_i <= y_j and z_i <= z_j. Each
    pair i < j is settled at exactly one level of a binary split of the positions: the level
    where they fall in the same block but different halves. At each level every block is
    walked in y order (equal y: left half first) with a running minimum of the z ranks of its
    left half; a right-half point whose rank is >= that minimum is beaten. Blocks are the rows
    of a 2-D array, so the running minimum and the stable split of each block into its halves
    for the next level are a handful of whole-array numpy operations per level.
    """
    m = yt.shape[1]
    by_y: IndexArray = np.argsort(yt[1])
    y_sorted = yt[1, by_y]
    if np.any(y_sorted[1:] == y_sorted[:-1]):
        by_y = np.argsort(yt[1], kind="stable")  # equal y must keep position order
    by_z = np.argsort(yt[2])
    z_sorted = yt[2, by_z]
    levels = max(1, (m - 1).bit_length())
    size = 1 << levels
    # Dense ranks so that equal z compare equal; padding points get a rank that beats nothing.
    rank = np.full(size, m, dtype=np.int32)
    rank[by_z[0]] = 0
    rank[by_z[1:]] = np.cumsum(z_sorted[1:] != z_sorted[:-1], dtype=np.int32)
    # seq holds position << 1 | beaten, in y order within each block, so one scatter per
    # level moves both.
    seq = np.empty(size, dtype=np.int32)
    seq[:m] = by_y
    seq[m:] = np.arange(m, size, dtype=np.int32)
    seq <<= 1
    flat = np.arange(size, dtype=np.int32)
    for level in range(levels - 1, -1, -1):
        width = 1 << (level + 1)
        blocks = seq.reshape(size // width, width)
        right = (blocks >> (level + 1)) & 1
        r = rank[blocks >> 1]
        best_left = np.minimum.accumulate(r | (right << 30), axis=1)
        blocks |= (best_left <= r) & right.astype(bool)
        if level:
            ones_before = np.cumsum(right, axis=1, dtype=np.int32)
            ones_before -= right
            index = flat.reshape(blocks.shape)
            # Left points go to block start + zeros before them, right ones after the left half.
            dest = np.where(right.astype(bool), index[:, :1] + (width >> 1) + ones_before, index - ones_before)
            split = np.empty_like(seq)
            split[dest.ravel()] = seq
            seq = split
    beaten = np.empty(size, dtype=bool)
    beaten[seq >> 1] = (seq & 1).astype(bool)
    return ~beaten[:m]


# --- naive references (O(n^2), obviously correct; the tests hold the fast code to them) ------


def _pareto_front_naive(costs: npt.ArrayLike, scores: npt.ArrayLike) -> BoolArray:
    """Reference for `pareto_front`: compare every pair."""
    c = np.asarray(costs, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    n = c.shape[0]
    idx = np.arange(n)
    mask = np.zeros(n, dtype=bool)
    for i in range(n):
        no_worse = (c <= c[i]) & (s >= s[i])
        better = (c < c[i]) | (s > s[i])
        twin_before = ~better & (idx < i)
        mask[i] = not np.any(no_worse & (better | twin_before))
    return mask


def _pareto_front_nd_naive(points: npt.ArrayLike, sense: Sequence[str]) -> BoolArray:
    """Reference for `pareto_front_nd`: compare every pair."""
    p = np.asarray(points, dtype=np.float64)
    y = p * np.array([-1.0 if s == "max" else 1.0 for s in sense])
    n = y.shape[0]
    idx = np.arange(n)
    mask = np.zeros(n, dtype=bool)
    for i in range(n):
        no_worse = np.all(y <= y[i], axis=1)
        better = np.any(y < y[i], axis=1)
        twin_before = ~better & (idx < i)
        mask[i] = not np.any(no_worse & (better | twin_before))
    return mask


def _uncertain_pareto_front_naive(costs: npt.ArrayLike, lower: npt.ArrayLike, upper: npt.ArrayLike) -> BoolArray:
    """Reference for `uncertain_pareto_front`: compare every pair."""
    c = np.asarray(costs, dtype=np.float64)
    lo = np.asarray(lower, dtype=np.float64)
    hi = np.asarray(upper, dtype=np.float64)
    return np.array([not np.any((c <= c[b]) & (lo > hi[b])) for b in range(c.shape[0])], dtype=bool)
