"""Ratings from pairwise battles: Bradley-Terry MLE, bootstrap confidence intervals, tie-aware ranks.

The model is Bradley-Terry: model ``i`` beats model ``j`` with probability
``1 / (1 + base ** ((r_j - r_i) / scale))``, the Elo-scale form the Chatbot Arena publishes
(``scale=400``, ``base=10``). Ratings are the maximum-likelihood estimate on outcome counts
aggregated per pair of models, found by Newton's method on the n x n win matrix (the Hessian is
the weighted Laplacian of the comparison graph, so each step is one n x n linear solve). The
fit never needs to see individual battles once counts per pair and outcome are known.

Confidence intervals come from the bootstrap the Arena uses: multinomial resampling of the
counts per (pair, outcome) cell, a refit per round (all rounds at once, as a batch), and the
2.5th and 97.5th percentiles of the anchored scores.

The MLE is finite only when the "beat" graph is strongly connected: every split of the models
into two groups has a win (or a tie, when ties count as half wins) in each direction. Otherwise
:func:`fit_ratings` raises :class:`~advisor.errors.AdvisorError` naming the models concerned (a
model that never lost, groups never compared), unless ``regularization > 0`` adds a Gaussian
prior that keeps every score finite. Groups never compared with each other are always an error:
no prior can make their scores comparable.

Only numpy is imported; scipy is not a runtime dependency.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from advisor.errors import AdvisorError, ArgumentError, UnknownModelError

__all__ = [
    "Anchor",
    "BattleCounts",
    "Ratings",
    "TieMode",
    "fit_ratings",
    "tie_aware_ranks",
    "win_probability",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]

Anchor: TypeAlias = float | tuple[str, float]
"""Where the scale sits: a number pins the mean score; ``(model, value)`` pins one model."""

TieMode: TypeAlias = Literal["half", "ignore"]
"""``"half"``: a tie is half a win for each side (the Arena's choice); ``"ignore"``: ties are left out."""

OUTCOMES: tuple[str, ...] = ("model_a", "model_b", "tie", "tie (bothbad)")
"""The ``winner`` values a battle may have; both tie kinds count as a tie."""

_MAX_NEWTON_STEPS = 100
_NEWTON_TOL = 1e-10  # natural-log-odds units; 1e-10 is ~2e-8 Elo points
_BATCH_BYTES = 1 << 27  # memory for one batch of bootstrap matrices, about 128 MiB per array
_DENSE_ARRAYS = 4  # n x n float64 arrays alive at once in a fit (wins, Hessian, two temporaries)
MAX_DENSE_BYTES = 4 << 30
"""A fit whose dense n x n arrays would need more memory than this is refused (about 11,500 models)."""
MAX_BOOTSTRAP = 100_000
"""Most bootstrap rounds :func:`fit_ratings` runs (the Arena uses 100 to 1,000)."""
MAX_BOOTSTRAP_BYTES = 1 << 30
"""Most memory the bootstrap scores (rounds x models) may take."""


def win_probability(r_a: npt.ArrayLike, r_b: npt.ArrayLike, *, scale: float = 400.0, base: float = 10.0) -> FloatArray:
    """Probability that a model rated ``r_a`` beats one rated ``r_b`` (ties as half wins).

    ``1 / (1 + base ** ((r_b - r_a) / scale))``, computed without overflow for any gap;
    broadcasts like numpy. NaN in, NaN out.

    >>> round(float(win_probability(1400, 1000)), 4)
    0.9091
    >>> win_probability([1000, 1100], 1000).round(3).tolist()
    [0.5, 0.64]
    """
    _check_scale(scale, base)
    diff = np.subtract(r_a, r_b, dtype=np.float64) * (math.log(base) / scale)
    return _sigmoid(diff)


def tie_aware_ranks(lower: npt.ArrayLike, upper: npt.ArrayLike) -> IntArray:
    """The Arena's "Rank (UB)": 1 + the number of models whose lower bound exceeds this upper bound.

    Models whose intervals overlap share a rank, so ranks only separate models that are
    statistically apart. O(n log n): one sort and one binary search per model.

    Args:
        lower: lower confidence bounds, one per model.
        upper: upper confidence bounds, same length; ``upper >= lower`` is not required.

    Returns:
        int64 ranks, 1 for the best.

    Raises:
        ValueError: shapes differ or a bound is NaN.

    >>> tie_aware_ranks([1280, 1270, 1200], [1290, 1285, 1210]).tolist()
    [1, 1, 3]
    """
    lo = np.asarray(lower, dtype=np.float64)
    hi = np.asarray(upper, dtype=np.float64)
    if lo.ndim != 1 or lo.shape != hi.shape:
        raise AdvisorError(f"lower and upper must be 1-D of one length, got shapes {lo.shape} and {hi.shape}")
    if np.isnan(lo).any() or np.isnan(hi).any():
        raise AdvisorError("lower and upper must not contain NaN")
    ordered = np.sort(lo)
    better = lo.size - np.searchsorted(ordered, hi, side="right")
    return (better + 1).astype(np.int64)


@dataclass(frozen=True)
class BattleCounts:
    """Battle outcomes aggregated per unordered pair of models: all a Bradley-Terry fit needs.

    Attributes:
        models: model names, sorted.
        pairs: ``(P, 2)`` int64 indices into ``models``, ``i < j``, each pair once.
        counts: ``(P, 3)`` int64: wins of ``pairs[:, 0]``, wins of ``pairs[:, 1]``, ties.
        dropped: battles read but left out because a column marked them invalid.
    """

    models: tuple[str, ...]
    pairs: IntArray
    counts: IntArray
    dropped: int = 0

    def __post_init__(self) -> None:
        n = len(self.models)
        if len(set(self.models)) != n:
            raise AdvisorError("models must be unique")
        p, c = self.pairs, self.counts
        if p.ndim != 2 or p.shape[1] != 2 or c.shape != (p.shape[0], 3):
            raise AdvisorError(f"pairs must be (P, 2) and counts (P, 3), got {p.shape} and {c.shape}")
        if p.size and (p.min() < 0 or p.max() >= n or (p[:, 0] >= p[:, 1]).any()):
            raise AdvisorError("pairs must index models with i < j")
        if c.size and c.min() < 0:
            raise AdvisorError("counts must not be negative")
        if np.unique(p[:, 0] * n + p[:, 1]).size != p.shape[0]:
            raise AdvisorError("each pair must appear once")

    @classmethod
    def from_pairs(
        cls,
        model_a: Sequence[str],
        model_b: Sequence[str],
        wins_a: npt.ArrayLike,
        wins_b: npt.ArrayLike,
        ties: npt.ArrayLike,
        *,
        dropped: int = 0,
    ) -> BattleCounts:
        """Aggregate rows of pair counts; a pair may repeat, in either order.

        Raises:
            ValueError: lengths differ, a count is negative, or a model meets itself.
        """
        a = list(model_a)
        b = list(model_b)
        try:
            wa = np.asarray(wins_a, dtype=np.int64).reshape(-1)
            wb = np.asarray(wins_b, dtype=np.int64).reshape(-1)
            wt = np.asarray(ties, dtype=np.int64).reshape(-1)
        except (OverflowError, TypeError, ValueError):
            raise AdvisorError("counts must be whole numbers from 0 to 2**63 - 1") from None
        if not (len(a) == len(b) == wa.size == wb.size == wt.size):
            raise AdvisorError("model_a, model_b, wins_a, wins_b and ties must have one length")
        if any(x == y for x, y in zip(a, b, strict=True)):
            raise AdvisorError("a model cannot battle itself")
        if (wa < 0).any() or (wb < 0).any() or (wt < 0).any():
            raise AdvisorError("counts must not be negative")
        models = tuple(sorted(set(a) | set(b)))
        index = {m: k for k, m in enumerate(models)}
        ia = np.fromiter((index[m] for m in a), dtype=np.int64, count=len(a))
        ib = np.fromiter((index[m] for m in b), dtype=np.int64, count=len(b))
        swap = ia > ib
        lo = np.where(swap, ib, ia)
        hi = np.where(swap, ia, ib)
        rows = np.stack([np.where(swap, wb, wa), np.where(swap, wa, wb), wt], axis=1)
        n = len(models)
        keys, inverse = np.unique(lo * n + hi, return_inverse=True)
        counts = np.zeros((keys.size, 3), dtype=np.int64)
        np.add.at(counts, inverse.reshape(-1), rows)
        pairs = np.stack([keys // n, keys % n], axis=1).astype(np.int64) if n else np.zeros((0, 2), np.int64)
        return cls(models=models, pairs=pairs, counts=counts, dropped=dropped)

    @classmethod
    def from_battles(cls, model_a: Sequence[str], model_b: Sequence[str], winner: Sequence[str]) -> BattleCounts:
        """Count row-level battles; ``winner`` is one of :data:`OUTCOMES`.

        Raises:
            ValueError: lengths differ, an unknown winner, or a model meets itself.
        """
        if not (len(model_a) == len(model_b) == len(winner)):
            raise AdvisorError("model_a, model_b and winner must have one length")
        w = np.asarray(winner, dtype=object)
        unknown = sorted(set(w.tolist()) - set(OUTCOMES))
        if unknown:
            raise AdvisorError(f"unknown winner {unknown[0]!r} (expected one of {', '.join(OUTCOMES)})")
        ones = np.ones(len(w), dtype=np.int64)
        return cls.from_pairs(
            model_a,
            model_b,
            ones * (w == "model_a"),
            ones * (w == "model_b"),
            ones * ((w == "tie") | (w == "tie (bothbad)")),
        )

    def rename(self, mapping: Mapping[str, str]) -> BattleCounts:
        """The same battles under new names (models not in ``mapping`` keep theirs).

        Names mapped to one model are merged, so two aliases of a model count as one.

        Raises:
            AdvisorError: two models that battled each other map to the same name.
        """
        new = [mapping.get(m, m) for m in self.models]
        a = [new[k] for k in self.pairs[:, 0].tolist()]
        b = [new[k] for k in self.pairs[:, 1].tolist()]
        for x, y, old_x, old_y in zip(a, b, self.pairs[:, 0].tolist(), self.pairs[:, 1].tolist(), strict=True):
            if x == y:
                raise AdvisorError(
                    f"{self.models[old_x]!r} and {self.models[old_y]!r} battled each other but both are {x!r}"
                )
        c = self.counts
        return BattleCounts.from_pairs(a, b, c[:, 0], c[:, 1], c[:, 2], dropped=self.dropped)

    @property
    def total(self) -> int:
        """Number of battles counted."""
        return int(self.counts.sum())


@dataclass(frozen=True)
class Ratings:
    """Fitted Bradley-Terry ratings on the Elo scale, best first.

    Attributes:
        models: model names, sorted by score (best first; equal scores by name).
        scores: maximum-likelihood ratings, anchored as ``anchor`` says.
        ci_lower: 2.5th percentile of the bootstrap scores (NaN when ``bootstrap == 0``).
        ci_upper: 97.5th percentile of the bootstrap scores (NaN when ``bootstrap == 0``).
        votes: battles each model took part in, ties included.
        ranks: :func:`tie_aware_ranks` of the intervals (of the scores when there is no bootstrap).
        win_fraction: ``[i, j]`` = observed share of i's battles against j that i won, ties as
            half (ties left out when ``ties == "ignore"``); NaN where never compared and on the
            diagonal.
        predicted: ``[i, j]`` = :func:`win_probability` of i against j from the scores; NaN on
            the diagonal.
        battles: battles counted; ``dropped``: battles left out as invalid.
    """

    models: tuple[str, ...]
    scores: FloatArray
    ci_lower: FloatArray
    ci_upper: FloatArray
    votes: IntArray
    ranks: IntArray
    win_fraction: FloatArray
    predicted: FloatArray
    battles: int
    dropped: int
    scale: float
    base: float
    anchor: Anchor
    ties: TieMode
    bootstrap: int
    seed: int | None
    regularization: float


def fit_ratings(
    counts: BattleCounts,
    *,
    scale: float = 400.0,
    base: float = 10.0,
    anchor: Anchor = 1000.0,
    bootstrap: int = 100,
    seed: int | None = 0,
    ties: TieMode = "half",
    regularization: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> Ratings:
    """Fit Bradley-Terry MLE ratings with bootstrap 95% confidence intervals.

    Args:
        counts: outcomes per pair (see :class:`BattleCounts` and :mod:`advisor.battles`).
        scale: Elo points per factor ``base`` in the odds of winning.
        base: base of the Elo scale.
        anchor: a number pins the mean score to it; ``(model, value)`` pins that model, in every
            bootstrap round too (so its interval is zero-width, as on the Arena).
        bootstrap: bootstrap rounds; 0 skips the intervals.
        seed: seed of the bootstrap; the same seed gives the same intervals. None: fresh entropy.
        ties: ``"half"`` counts a tie as half a win for each side; ``"ignore"`` leaves ties out.
        regularization: precision of a zero-mean Gaussian prior on the natural-log-odds ratings
            (a ridge penalty). 0 is the plain MLE; 1 weighs about as much as four tied battles
            against an average model, enough to keep a model that never lost finite.
        progress: called as ``progress(done, total)`` after each batch of bootstrap rounds.

    Returns:
        :class:`Ratings`, best model first.

    Raises:
        AdvisorError: no battles, models never compared across groups, or (without
            regularization) a model or group that never lost or never won.
        UnknownModelError: the anchor names a model that has no battles.
        ArgumentError: a knob is out of range (an AdvisorError, so a ValueError).
    """
    _check_scale(scale, base)
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or not 0 <= bootstrap <= MAX_BOOTSTRAP:
        raise ArgumentError("bootstrap", f"must be a whole number from 0 to {MAX_BOOTSTRAP:,}, got {bootstrap!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**128):
        raise ArgumentError("seed", f"must be a whole number >= 0 (or None), got {seed!r}")
    if ties not in ("half", "ignore"):
        raise ArgumentError("ties", f"must be 'half' or 'ignore', got {ties!r}")
    if not (_finite(regularization) and regularization >= 0):
        raise ArgumentError("regularization", f"must be a finite number >= 0, got {regularization!r}")
    _check_memory(len(counts.models), bootstrap)
    anchor_index, anchor_value = _resolve_anchor(anchor, counts.models)

    models = counts.models
    n = len(models)
    cells = counts.counts.astype(np.float64)
    if ties == "ignore":
        cells[:, 2] = 0.0
    if n < 2 or cells.sum() == 0:
        raise AdvisorError("no battles to rate" if counts.total == 0 else "no decisive battles to rate")
    i, j = counts.pairs[:, 0], counts.pairs[:, 1]
    wins = _win_matrix(cells[None], i, j, n)
    _check_identifiable(wins[0], models, regularization)

    theta = _newton(wins, regularization, np.zeros((1, n)))[0]
    to_points = scale / math.log(base)
    scores = _anchored(theta * to_points, anchor_index, anchor_value)

    lower = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    if bootstrap:
        boot = _bootstrap(counts.counts, i, j, models, theta, bootstrap, seed, ties, regularization, progress)
        boot_scores = _anchored(boot * to_points, anchor_index, anchor_value)
        lower, upper = np.percentile(boot_scores, [2.5, 97.5], axis=0)
        ranks = tie_aware_ranks(lower, upper)
    else:
        ranks = tie_aware_ranks(scores, scores)

    votes = np.zeros(n, dtype=np.int64)
    per_pair = counts.counts.sum(axis=1)
    np.add.at(votes, i, per_pair)
    np.add.at(votes, j, per_pair)

    played = wins[0] + wins[0].T
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(played > 0, wins[0] / played, np.nan)
    predicted = win_probability(scores[:, None], scores[None, :], scale=scale, base=base)
    np.fill_diagonal(predicted, np.nan)

    order = np.lexsort((np.arange(n), -scores))  # models are sorted by name, so ties break by name
    return Ratings(
        models=tuple(models[k] for k in order),
        scores=scores[order],
        ci_lower=lower[order],
        ci_upper=upper[order],
        votes=votes[order],
        ranks=ranks[order],
        win_fraction=fraction[np.ix_(order, order)],
        predicted=predicted[np.ix_(order, order)],
        battles=counts.total,
        dropped=counts.dropped,
        scale=float(scale),
        base=float(base),
        anchor=anchor,
        ties=ties,
        bootstrap=bootstrap,
        seed=seed,
        regularization=float(regularization),
    )


def _finite(value: object) -> bool:
    return (
        isinstance(value, (int, float, np.integer, np.floating))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _check_memory(n: int, bootstrap: int) -> None:
    """Refuse fits whose dense arrays would not fit, with the numbers, before allocating them."""
    dense = _DENSE_ARRAYS * 8 * n * n
    if dense > MAX_DENSE_BYTES:
        raise AdvisorError(
            f"{n:,} models: the fit needs dense {n:,} x {n:,} matrices ({dense / 2**30:,.1f} GiB), more than "
            f"the {MAX_DENSE_BYTES / 2**30:g} GiB allowed; rate fewer models (filter the battles)"
        )
    scores = 8 * n * bootstrap
    if scores > MAX_BOOTSTRAP_BYTES:
        raise ArgumentError(
            "bootstrap",
            f"{bootstrap:,} rounds x {n:,} models need {scores / 2**30:,.1f} GiB of scores, more than the "
            f"{MAX_BOOTSTRAP_BYTES / 2**30:g} GiB allowed; use fewer rounds",
        )


def _check_scale(scale: float, base: float) -> None:
    if not (_finite(scale) and scale > 0):
        raise ArgumentError("scale", f"must be a finite number > 0, got {scale!r}")
    if not (_finite(base) and base > 1):
        raise ArgumentError("base", f"must be a finite number > 1, got {base!r}")


def _resolve_anchor(anchor: Anchor, models: tuple[str, ...]) -> tuple[int | None, float]:
    """``(index of the pinned model or None for the mean, value)``."""
    if isinstance(anchor, tuple):
        name, value = anchor
        if not _finite(value):
            raise ArgumentError("anchor", f"value must be a finite number, got {value!r}")
        if name not in models:
            raise UnknownModelError(name, models)
        return models.index(name), float(value)
    if not _finite(anchor):
        raise ArgumentError("anchor", f"must be a finite number or (model, value), got {anchor!r}")
    return None, float(anchor)


def _anchored(points: FloatArray, index: int | None, value: float) -> FloatArray:
    """Shift each row of ``points`` (last axis = models) so the anchor holds."""
    ref = points.mean(axis=-1, keepdims=True) if index is None else points[..., index : index + 1]
    return np.asarray(points - ref + value, dtype=np.float64)


def _sigmoid(x: FloatArray) -> FloatArray:
    # tanh form: exact logistic, no overflow warnings for large |x|
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)


def _win_matrix(cells: FloatArray, i: IntArray, j: IntArray, n: int) -> FloatArray:
    """``(B, P, 3)`` cell counts -> ``(B, n, n)`` wins with ties as halves."""
    wins = np.zeros((cells.shape[0], n, n))
    half = 0.5 * cells[..., 2]
    wins[:, i, j] = cells[..., 0] + half
    wins[:, j, i] = cells[..., 1] + half
    return wins


def _newton(wins: FloatArray, reg: float, theta0: FloatArray) -> FloatArray:
    """Maximise the (penalised) Bradley-Terry log-likelihood for a batch of win matrices.

    Newton steps with step halving where a step would lower the likelihood; the log-likelihood
    is concave, so this converges from any start on identifiable data.
    """
    batch, n, _ = wins.shape
    played = wins + wins.transpose(0, 2, 1)
    row_wins = wins.sum(axis=2)
    theta = np.broadcast_to(theta0, (batch, n)).copy()
    eye = np.eye(n, dtype=bool)
    # For the plain MLE the Hessian is singular along (1, ..., 1): adding c * 11^T fixes the
    # mean of the step at zero without changing it otherwise (the gradient sums to zero).
    degree = played.sum(axis=2).mean(axis=1)
    shift = (degree / (4.0 * n))[:, None, None] if reg == 0 else np.zeros((batch, 1, 1))

    def objective(t: FloatArray, rows: IntArray) -> FloatArray:
        d = t[:, :, None] - t[:, None, :]
        # log sigmoid(d) = -log(1 + exp(-d)), stable for both signs
        ll = -(wins[rows] * np.logaddexp(0.0, -d)).sum(axis=(1, 2))
        return np.asarray(ll - 0.5 * reg * (t * t).sum(axis=1), dtype=np.float64)

    active = np.arange(batch)
    current = objective(theta, active)
    for _ in range(_MAX_NEWTON_STEPS):
        t = theta[active]
        p = _sigmoid(t[:, :, None] - t[:, None, :])
        grad = row_wins[active] - (played[active] * p).sum(axis=2) - reg * t
        w = played[active] * p * (1.0 - p)
        hess = np.where(eye, 0.0, -w)
        hess[:, eye] = w.sum(axis=2) + reg
        hess += shift[active]
        step = np.linalg.solve(hess, grad[:, :, None])[:, :, 0]
        size = np.ones(active.size)
        new = t + step
        value = objective(new, active)
        worse = value < current[active] - 1e-12 * np.abs(current[active])
        for _halving in range(60):
            if not worse.any():
                break
            size[worse] *= 0.5
            new[worse] = t[worse] + size[worse, None] * step[worse]
            value[worse] = objective(new[worse], active[worse])
            worse = value < current[active] - 1e-12 * np.abs(current[active])
        theta[active] = new
        current[active] = value
        done = np.abs(size[:, None] * step).max(axis=1) < _NEWTON_TOL
        active = active[~done]
        if active.size == 0:
            return theta
    raise AdvisorError(
        "the Bradley-Terry fit did not converge; the comparison graph is close to separable (pass regularization > 0)"
    )


def _bootstrap(
    raw: IntArray,
    i: IntArray,
    j: IntArray,
    models: tuple[str, ...],
    theta: FloatArray,
    rounds: int,
    seed: int | None,
    ties: TieMode,
    reg: float,
    progress: Callable[[int, int], None] | None,
) -> FloatArray:
    """Refit on multinomial resamples of the (pair, outcome) cells; ``(rounds, n)`` log-odds ratings."""
    n = len(models)
    rng = np.random.default_rng(seed)
    flat = raw.reshape(-1).astype(np.float64)
    total = int(raw.sum())
    pvals = flat / flat.sum()
    per_round = max(1, _BATCH_BYTES // (8 * n * n))
    # Batches of a few rounds keep memory bounded and let the caller show progress.
    batch = max(1, min(per_round, math.ceil(rounds / 20)))
    out = np.empty((rounds, n))
    done = 0
    while done < rounds:
        size = min(batch, rounds - done)
        sample = rng.multinomial(total, pvals, size=size).astype(np.float64).reshape(size, -1, 3)
        if ties == "ignore":
            sample[..., 2] = 0.0
        wins = _win_matrix(sample, i, j, n)
        for b in range(size):
            _check_identifiable(wins[b], models, reg, round_number=done + b + 1)
        out[done : done + size] = _newton(wins, reg, theta[None, :])
        done += size
        if progress is not None:
            progress(done, rounds)
    return out


def _reach(adjacency: npt.NDArray[np.bool_], start: int) -> npt.NDArray[np.bool_]:
    """Models reachable from ``start`` along ``adjacency[u, v]`` edges."""
    seen = np.zeros(adjacency.shape[0], dtype=bool)
    seen[start] = True
    frontier = seen.copy()
    while frontier.any():
        nxt = adjacency[frontier].any(axis=0) & ~seen
        seen |= nxt
        frontier = nxt
    return seen


def _names(models: Sequence[str], mask: npt.NDArray[np.bool_], limit: int = 5) -> str:
    chosen = [models[k] for k in np.flatnonzero(mask).tolist()]
    shown = ", ".join(repr(m) for m in chosen[:limit])
    return shown + (f" and {len(chosen) - limit} more" if len(chosen) > limit else "")


def _check_identifiable(wins: FloatArray, models: Sequence[str], reg: float, round_number: int | None = None) -> None:
    """Raise unless the Bradley-Terry MLE is finite (or the prior makes it so)."""
    n = wins.shape[0]
    beat = wins > 0  # beat[i, j]: i won (or tied, as half) against j at least once
    compared = beat | beat.T
    connected = _reach(compared, 0)
    names = models
    if not connected.all():
        if round_number is not None:
            raise AdvisorError(
                f"bootstrap round {round_number}: the resample left {_names(names, ~connected)} never "
                "compared with the rest; rate with more battles per model"
            )
        raise AdvisorError(
            f"models {_names(names, connected)} were never compared with {_names(names, ~connected)}; "
            "scores across these groups are undefined: add battles between them"
        )
    if reg > 0 or (_reach(beat, 0).all() and _reach(beat.T, 0).all()):
        return
    # Not strongly connected, so some group never lost to anyone outside it (a sink of the
    # "lost to" graph): the models reachable from one of its members all reach back.
    lost_to = beat.T
    for k in range(n):
        group = _reach(lost_to, k)
        if group.all() or not all(_reach(lost_to, m)[k] for m in np.flatnonzero(group).tolist()):
            continue
        one = group.sum() == 1
        who = (
            f"model {_names(names, group)} never lost"
            if one
            else (f"models {_names(names, group)} never lost to any model outside that group")
        )
        if round_number is not None:
            raise AdvisorError(
                f"bootstrap round {round_number}: in the resample {who}, so the interval is unbounded; "
                "with this few battles pass regularization > 0 (--regularization)"
            )
        raise AdvisorError(
            f"{who}, so the Bradley-Terry MLE is +infinity; add battles "
            f"{'it' if one else 'they'} lost or pass regularization > 0 (--regularization)"
        )
    raise AssertionError("unreachable: a graph that is not strongly connected has a sink group")
