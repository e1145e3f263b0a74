"""Bradley-Terry ratings: hand-solved cases, a reference logistic regression, invariances, the Arena."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from advisor.errors import AdvisorError, UnknownModelError
from advisor.ratings import BattleCounts, Ratings, fit_ratings, tie_aware_ranks, win_probability

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ARENA_COUNTS = DATA / "battles" / "leaderbot_chatbotarena_20240814_pairs.derived.csv"
ARENA_BOARD = DATA / "arena" / "lmsys_arena_2024-07-24.csv"
ELO = 400 / math.log(10)  # Elo points per unit of natural log-odds


def counts(*rows: tuple[str, str, int, int, int]) -> BattleCounts:
    a, b, wa, wb, t = zip(*rows, strict=True)
    return BattleCounts.from_pairs(a, b, wa, wb, t)


def by_model(r: Ratings) -> dict[str, float]:
    return {m: float(s) for m, s in zip(r.models, r.scores, strict=True)}


def random_battles(seed: int, n_models: int, n_battles: int) -> tuple[list[str], list[str], list[str]]:
    """Battles drawn from Bradley-Terry with random strengths, every pair met at least twice each way."""
    rng = np.random.default_rng(seed)
    strength = rng.normal(0, 1.0, n_models)
    names = [f"m{k}" for k in range(n_models)]
    ia, ib = np.triu_indices(n_models, 1)
    ia = np.concatenate([ia, ib, ia, ib, rng.integers(0, n_models, n_battles)])
    ib = np.concatenate([ib, ia[: ib.size], ib, ia[: ib.size], rng.integers(0, n_models, n_battles)])
    keep = ia != ib
    ia, ib = ia[keep], ib[keep]
    p = 1 / (1 + np.exp(strength[ib] - strength[ia]))
    u = rng.random(ia.size)
    winner = np.where(u < 0.1, "tie", np.where(u < 0.1 + 0.9 * p, "model_a", "model_b"))
    return [names[k] for k in ia], [names[k] for k in ib], winner.tolist()


def reference_scores(
    model_a: list[str], model_b: list[str], winner: list[str], anchor: float = 1000.0
) -> dict[str, float]:
    """The Arena's original formulation: logistic regression on the +/- design matrix.

    One row per battle with +ln(10) for model_a and -ln(10) for model_b; every battle is written
    twice and a tie as one win and one loss, so a tie counts as half a win. No intercept, no
    penalty; solved with scipy to tight tolerance, then 400 * w, shifted to the anchor.
    """
    from scipy.optimize import minimize

    models = sorted(set(model_a) | set(model_b))
    idx = {m: k for k, m in enumerate(models)}
    rows = len(winner)
    x = np.zeros((2 * rows, len(models)))
    r = np.arange(rows)
    for half in (0, 1):
        x[r + half * rows, [idx[m] for m in model_a]] = math.log(10)
        x[r + half * rows, [idx[m] for m in model_b]] = -math.log(10)
    w = np.array(winner)
    y = np.concatenate([(w == "model_a") | (w == "tie"), w == "model_a"]).astype(float)

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ beta
        value = float(np.sum(np.logaddexp(0, z) - y * z))
        return value, x.T @ (1 / (1 + np.exp(-z)) - y)

    res = minimize(loss, np.zeros(len(models)), jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": 10_000})
    score = 400 * res.x
    score += anchor - score.mean()
    return dict(zip(models, score.tolist(), strict=True))


# --- win_probability and tie_aware_ranks -----------------------------------------------------------


def test_win_probability_elo_values_and_symmetry() -> None:
    assert float(win_probability(1400, 1000)) == pytest.approx(10 / 11)
    assert float(win_probability(1000, 1000)) == 0.5
    p = win_probability([1200.0, 800.0], [1000.0, 1000.0])
    assert p.tolist() == pytest.approx([1 / (1 + 10**-0.5), 1 / (1 + 10**0.5)])
    assert float(win_probability(1100, 1000, scale=100, base=2)) == pytest.approx(2 / 3)


def test_win_probability_extreme_gaps_do_not_overflow() -> None:
    p = win_probability(np.array([1e6, -1e6]), 0.0)  # pytest turns an overflow warning into an error
    assert p.tolist() == [1.0, 0.0]


@pytest.mark.parametrize("bad", [{"scale": 0.0}, {"base": 1.0}, {"scale": math.inf}])
def test_win_probability_rejects_bad_scale(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"scale|base"):
        win_probability(1, 2, **bad)


def test_tie_aware_ranks_matches_naive_definition() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 30))
        centre = np.round(rng.normal(1000, 50, n))  # rounding makes exact bound ties common
        lower = centre - rng.integers(0, 20, n)
        upper = centre + rng.integers(0, 20, n)
        naive = [1 + int(np.sum(lower > upper[i])) for i in range(n)]
        assert tie_aware_ranks(lower, upper).tolist() == naive


def test_tie_aware_ranks_equal_bounds_share_a_rank() -> None:
    assert tie_aware_ranks([3, 2, 2, 1], [3, 2, 2, 1]).tolist() == [1, 2, 2, 4]


def test_tie_aware_ranks_rejects_nan_and_shapes() -> None:
    with pytest.raises(ValueError, match="NaN"):
        tie_aware_ranks([1.0, math.nan], [2.0, 3.0])
    with pytest.raises(ValueError, match="shapes"):
        tie_aware_ranks([1.0], [2.0, 3.0])


# --- the fit ------------------------------------------------------------------------------------------


def test_hand_solved_three_models() -> None:
    # Strengths (4, 2, 1) predict A>B 2/3, B>C 2/3, A>C 4/5. Counts with exactly those
    # fractions satisfy the likelihood equations sum_j W_ij = sum_j N_ij pi_i / (pi_i + pi_j):
    # A: 2 + 4 = 3*2/3 + 5*4/5; B: 1 + 2 = 3*1/3 + 3*2/3; C: 1 + 1 = 3*1/3 + 5*1/5. The
    # log-likelihood is strictly concave (up to a shift), so these are the MLE:
    # A - B = B - C = 400*log10(2) = 120.41 points; with the mean at 1000, B = 1000.
    r = fit_ratings(counts(("A", "B", 2, 1, 0), ("B", "C", 2, 1, 0), ("A", "C", 4, 1, 0)), bootstrap=0)
    gap = 400 * math.log10(2)
    assert r.models == ("A", "B", "C")
    assert r.scores.tolist() == pytest.approx([1000 + gap, 1000, 1000 - gap], abs=1e-9)
    assert r.votes.tolist() == [8, 6, 8]
    assert r.ranks.tolist() == [1, 2, 3]
    assert np.isnan(r.ci_lower).all() and np.isnan(r.ci_upper).all()
    assert r.win_fraction[0, 1] == pytest.approx(2 / 3) and r.win_fraction[0, 2] == pytest.approx(4 / 5)
    assert r.predicted[0, 1] == pytest.approx(2 / 3) and r.predicted[0, 2] == pytest.approx(4 / 5)
    assert np.isnan(np.diag(r.win_fraction)).all() and np.isnan(np.diag(r.predicted)).all()


def test_hand_solved_with_ties_as_half_wins_and_natural_scale() -> None:
    # A-B: 1 win, 2 ties, 0 losses = 2 wins to 1 as half wins: the same MLE as above.
    data = counts(("A", "B", 1, 0, 2), ("B", "C", 2, 1, 0), ("A", "C", 4, 1, 0))
    r = fit_ratings(data, scale=1.0, base=math.e, anchor=("C", 0.0), bootstrap=0)
    assert by_model(r) == pytest.approx({"A": math.log(4), "B": math.log(2), "C": 0.0}, abs=1e-12)
    # Leaving ties out leaves A-B at 1-0 but B-C and A-C still bound A: still finite.
    r = fit_ratings(counts(("A", "B", 1, 1, 2), ("B", "C", 2, 1, 0)), bootstrap=0, ties="ignore")
    assert by_model(r)["A"] - by_model(r)["B"] == pytest.approx(0.0, abs=1e-9)


def test_agrees_with_reference_logistic_regression() -> None:
    for seed in range(12):
        a, b, w = random_battles(seed, n_models=int(3 + seed % 6), n_battles=300)
        ours = by_model(fit_ratings(BattleCounts.from_battles(a, b, w), bootstrap=0))
        ref = reference_scores(a, b, w)
        assert ours == pytest.approx(ref, abs=1e-3), seed


def test_relabelling_and_row_order_permute_scores() -> None:
    a, b, w = random_battles(3, n_models=7, n_battles=400)
    base = by_model(fit_ratings(BattleCounts.from_battles(a, b, w), bootstrap=30, seed=1))
    rename = {f"m{k}": f"z{6 - k}" for k in range(7)}  # reverses the name order too
    order = np.random.default_rng(0).permutation(len(w))
    moved = fit_ratings(
        BattleCounts.from_battles([rename[a[k]] for k in order], [rename[b[k]] for k in order], [w[k] for k in order]),
        bootstrap=30,
        seed=1,
    )
    assert {m: by_model(moved)[rename[m]] for m in base} == pytest.approx(base, abs=1e-9)


def test_swapping_winners_and_losers_mirrors_scores() -> None:
    a, b, w = random_battles(5, n_models=6, n_battles=300)
    flip = {"model_a": "model_b", "model_b": "model_a", "tie": "tie"}
    up = by_model(fit_ratings(BattleCounts.from_battles(a, b, w), bootstrap=0, anchor=1000.0))
    down = by_model(fit_ratings(BattleCounts.from_battles(a, b, [flip[x] for x in w]), bootstrap=0))
    assert {m: 2000 - s for m, s in down.items()} == pytest.approx(up, abs=1e-9)
    # Swapping the sides instead (model_a <-> model_b with the winner label) changes nothing.
    side = by_model(fit_ratings(BattleCounts.from_battles(b, a, [flip[x] for x in w]), bootstrap=0))
    assert side == pytest.approx(up, abs=1e-9)


def test_scale_base_and_anchor_are_affine() -> None:
    data = BattleCounts.from_battles(*random_battles(8, n_models=5, n_battles=200))
    elo = fit_ratings(data, bootstrap=0)
    other = fit_ratings(data, scale=100.0, base=2.0, anchor=("m2", 50.0), bootstrap=0)
    natural = (elo.scores - 1000) / ELO
    expected = natural * 100 / math.log(2)
    k = other.models.index("m2")
    assert (other.scores - other.scores[k] + 50).tolist() == pytest.approx(other.scores.tolist())
    assert other.scores - other.scores[k] == pytest.approx(expected - expected[elo.models.index("m2")])


def test_disconnected_graph_is_an_error() -> None:
    data = counts(("A", "B", 3, 2, 0), ("C", "D", 1, 4, 1))
    with pytest.raises(AdvisorError) as exc:
        fit_ratings(data, bootstrap=0)
    assert str(exc.value) == (
        "models 'A', 'B' were never compared with 'C', 'D'; "
        "scores across these groups are undefined: add battles between them"
    )
    with pytest.raises(AdvisorError, match="never compared"):
        fit_ratings(data, bootstrap=0, regularization=1.0)  # a prior cannot make groups comparable


def test_model_that_never_lost_is_an_error_unless_regularized() -> None:
    data = counts(("A", "B", 5, 0, 0), ("A", "C", 3, 0, 0), ("B", "C", 4, 2, 1))
    with pytest.raises(AdvisorError) as exc:
        fit_ratings(data, bootstrap=0)
    assert str(exc.value) == (
        "model 'A' never lost, so the Bradley-Terry MLE is +infinity; "
        "add battles it lost or pass regularization > 0 (--regularization)"
    )
    r = fit_ratings(data, bootstrap=20, regularization=1.0)
    assert r.models[0] == "A" and np.isfinite(r.scores).all() and np.isfinite(r.ci_upper).all()
    # A tie is half a loss: the MLE exists again, unless ties are ignored.
    tied = counts(("A", "B", 5, 0, 1), ("A", "C", 3, 0, 0), ("B", "C", 4, 2, 1))
    assert np.isfinite(fit_ratings(tied, bootstrap=0).scores).all()
    with pytest.raises(AdvisorError, match="'A' never lost"):
        fit_ratings(tied, bootstrap=0, ties="ignore")


def test_group_that_never_lost_outside_is_named() -> None:
    data = counts(("A", "B", 2, 1, 0), ("A", "C", 3, 0, 0), ("B", "C", 4, 0, 0), ("C", "D", 1, 1, 0))
    with pytest.raises(AdvisorError) as exc:
        fit_ratings(data, bootstrap=0)
    assert str(exc.value).startswith("models 'A', 'B' never lost to any model outside that group")


def test_regularization_shrinks_toward_the_mean() -> None:
    data = BattleCounts.from_battles(*random_battles(2, n_models=5, n_battles=100))
    plain = fit_ratings(data, bootstrap=0)
    shrunk = fit_ratings(data, bootstrap=0, regularization=5.0)
    assert np.abs(shrunk.scores - 1000).sum() < np.abs(plain.scores - 1000).sum()
    assert shrunk.scores.mean() == pytest.approx(1000)


def test_bootstrap_is_reproducible_for_a_seed() -> None:
    data = BattleCounts.from_battles(*random_battles(4, n_models=6, n_battles=500))
    one = fit_ratings(data, bootstrap=40, seed=11)
    two = fit_ratings(data, bootstrap=40, seed=11)
    other = fit_ratings(data, bootstrap=40, seed=12)
    assert one.ci_lower.tolist() == two.ci_lower.tolist() and one.ci_upper.tolist() == two.ci_upper.tolist()
    assert one.ci_lower.tolist() != other.ci_lower.tolist()
    assert one.scores.tolist() == other.scores.tolist()  # the point estimate is not random


def test_bootstrap_interval_matches_asymptotic_standard_error() -> None:
    # Three models, many battles: the bootstrap 95% half-width should be close to 1.96 times the
    # standard error from the inverse Fisher information of the anchored difference.
    data = counts(("A", "B", 3000, 2000, 0), ("B", "C", 2600, 2400, 0), ("A", "C", 3300, 1700, 0))
    r = fit_ratings(data, anchor=("C", 0.0), bootstrap=600, seed=3)
    theta = np.array([by_model(r)[m] for m in "ABC"]) / ELO
    n = np.array([[0, 5000, 5000], [5000, 0, 5000], [5000, 5000, 0]], dtype=float)
    p = 1 / (1 + np.exp(theta[None, :] - theta[:, None]))
    info = n * p * (1 - p)
    info = np.diag(info.sum(1)) - info
    se = np.sqrt(np.diag(np.linalg.inv(info[:2, :2]))) * ELO  # C pinned
    for k, m in enumerate("AB"):
        i = r.models.index(m)
        half = (r.ci_upper[i] - r.ci_lower[i]) / 2
        assert half == pytest.approx(1.96 * se[k], rel=0.12), m
    c = r.models.index("C")
    assert r.ci_lower[c] == r.ci_upper[c] == 0.0  # the anchor is pinned in every round


def test_anchor_must_be_a_known_model() -> None:
    with pytest.raises(UnknownModelError) as exc:
        fit_ratings(counts(("gpt-4o", "claude-3", 1, 1, 0)), anchor=("gpt4o", 1000.0), bootstrap=0)
    assert str(exc.value) == "unknown model 'gpt4o'; did you mean 'gpt-4o'?"


def test_resample_where_a_model_never_lost_is_an_error_naming_it() -> None:
    # C lost once in 21 battles: some resamples leave it unbeaten.
    data = counts(("A", "B", 10, 10, 0), ("B", "C", 1, 20, 0))
    with pytest.raises(AdvisorError) as exc:
        fit_ratings(data, bootstrap=200, seed=0)
    assert re.fullmatch(
        r"bootstrap round \d+: in the resample model 'C' never lost, so the interval is unbounded; "
        r"with this few battles pass regularization > 0 \(--regularization\)",
        str(exc.value),
    )
    assert np.isfinite(fit_ratings(data, bootstrap=200, seed=0, regularization=0.5).ci_upper).all()


def test_no_battles_is_an_error() -> None:
    with pytest.raises(AdvisorError, match="no decisive battles"):
        fit_ratings(counts(("A", "B", 0, 0, 4)), ties="ignore", bootstrap=0)


@pytest.mark.parametrize(
    ("knob", "message"),
    [
        ({"bootstrap": -1}, "bootstrap"),
        ({"ties": "draw"}, "ties"),
        ({"regularization": -1.0}, "regularization"),
    ],
)
def test_bad_knobs(knob: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fit_ratings(counts(("A", "B", 1, 1, 0)), **knob)


def test_progress_reports_every_round() -> None:
    seen: list[tuple[int, int]] = []
    data = counts(("A", "B", 30, 20, 10), ("B", "C", 20, 20, 0))
    fit_ratings(data, bootstrap=45, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (45, 45) and all(t == 45 for _, t in seen) and len(seen) > 1


# --- the Arena -----------------------------------------------------------------------------------------

# Arena display names (published leaderboard) whose battle-count name is not the lower-cased
# display name with runs of other characters turned into "-" (checked one by one).
DISPLAY_TO_BATTLE = {
    "Claude 3.5 Sonnet": "claude-3-5-sonnet-20240620",
    "Claude 3 Opus": "claude-3-opus-20240229",
    "Claude 3 Sonnet": "claude-3-sonnet-20240229",
    "Claude 3 Haiku": "claude-3-haiku-20240307",
    "Bard (Gemini Pro)": "bard-jan-24-gemini-pro",
    "Command R+": "command-r-plus",
    "DeepSeek-Coder-V2-Instruct": "deepseek-coder-v2",
    "Reka-Flash-21B-online": "reka-flash-21b-20240226-online",
    "Reka-Flash-21B": "reka-flash-21b-20240226",
    "Gemini Pro (Dev API)": "gemini-pro-dev-api",
    "WizardLM-70B-v1.0": "wizardlm-70b",
    "WizardLM-13b-v1.2": "wizardlm-13b",
    "NV-Llama2-70B-SteerLM-Chat": "llama2-70b-steerlm-chat",
    "Phi-3-Mini-4k-Instruct-June-24": "phi-3-mini-4k-instruct-june-2024",
    "Mistral-7B-Instruct-v0.1": "mistral-7b-instruct",
    "PaLM-Chat-Bison-001": "palm-2",
    "OpenAssistant-Pythia-12B": "oasst-pythia-12b",
    "Zephyr-ORPO-141b-A35b-v0.1": "zephyr-orpo-141b-A35b-v0.1",
    "RWKV-4-Raven-14B": "RWKV-4-Raven-14B",
}


def arena_reproduction(bootstrap: int = 0, min_votes: int = 5000) -> dict[str, Any]:
    """Fit the public 1.67M-battle counts as the Arena does and compare with the 2024-07-24 board.

    Returns the figures over models with at least ``min_votes`` published votes.
    """
    from scipy.stats import spearmanr

    from advisor.battles import read_battles

    ratings = fit_ratings(
        read_battles(ARENA_COUNTS), anchor=("mixtral-8x7b-instruct-v0.1", 1114.0), bootstrap=bootstrap
    )
    ours = by_model(ratings)
    with ARENA_BOARD.open(encoding="utf-8") as fh:
        board = list(csv.DictReader(fh))
    rows = []
    for row in board:
        name = DISPLAY_TO_BATTLE.get(row["model"]) or re.sub(r"[^a-z0-9.]+", "-", row["model"].lower())
        if name in ours:
            rows.append((row["model"], name, float(row["arena_score"]), ours[name], int(row["votes"])))
    kept = [r for r in rows if r[4] >= min_votes]
    gaps = np.array([r[3] - r[2] for r in kept])
    return {
        "ratings": ratings,
        "published_models": len(board),
        "matched": len(rows),
        "compared": len(kept),
        "median_gap": float(np.median(np.abs(gaps))),
        "p90_gap": float(np.percentile(np.abs(gaps), 90)),
        "max_gap": float(np.abs(gaps).max()),
        "max_gap_model": kept[int(np.abs(gaps).argmax())][0],
        "mean_signed_gap": float(gaps.mean()),
        "spearman": float(spearmanr([r[2] for r in kept], [r[3] for r in kept]).statistic),
        "rows": rows,
    }


@pytest.mark.skipif(
    not ARENA_COUNTS.exists() or not ARENA_BOARD.exists(), reason="shared data not found at ../shared/data"
)
def test_reproduces_the_arena_leaderboard() -> None:
    rep = arena_reproduction(bootstrap=20)
    assert rep["matched"] == rep["published_models"] == 117  # every published model is in the counts
    assert rep["compared"] == 93
    assert rep["median_gap"] <= 1.0
    assert rep["p90_gap"] <= 2.0
    assert rep["spearman"] > 0.995
    ours = by_model(rep["ratings"])
    # The data README's sanity figures for this fit.
    assert round(ours["gpt-4o-2024-05-13"]) == 1286
    assert round(ours["gpt-4o-mini-2024-07-18"]) == 1275
    assert round(ours["claude-3-5-sonnet-20240620"]) == 1271
    r = rep["ratings"]
    k = r.models.index("mixtral-8x7b-instruct-v0.1")
    assert r.scores[k] == r.ci_lower[k] == r.ci_upper[k] == 1114.0
    assert r.battles == 1_670_250
