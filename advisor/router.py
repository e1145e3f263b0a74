"""Routing for production code: answers a service can act on, precomputed for every request size.

A :class:`Router` is built once from a catalog view and a workload, holds every metric of the
view (``arena-text`` and each ``arena-text/<category>``), and answers on every request in
O(log n) with a precomputed :class:`Route`: the model, who serves it and under what name, what
it costs and how good it is, and why it was chosen.

Request sizes: a request's ``input_tokens`` and ``output_tokens`` place it in a size bucket
between the catalog's distinct long-context tier thresholds (on the prompt) and context windows
(on prompt + answer). Each bucket has its own options (models whose window is too small are left
out) priced as providers bill the bucket (a tier re-prices the whole request), and its own
precomputed answers, built on the bucket's first query (or all at once by :meth:`Router.prepare`).
Prices of a bucket are those of the router's workload with its prompt moved into the bucket.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import heapq
import math
import numbers
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from advisor.catalog import DEFAULT_METRIC, Catalog, parse_metric
from advisor.errors import AdvisorError, UnknownMetricError
from advisor.schema import Model, PricePeriod, Score
from advisor.workload import PER_UNITS, Per, Workload, host_costs

if TYPE_CHECKING:
    from advisor.mix import Mix


@dataclasses.dataclass(frozen=True, slots=True)
class Route:
    """A way to serve a request: a model at a host, its price and score, and why it was chosen.

    ``host`` is who the price is from (None: the maker's own API); ``host_model`` is the model's
    name there and ``litellm_model`` the ``provider/model`` string LiteLLM takes (None when the
    catalog does not know the host's name for it). ``cost`` is in the router's unit; the USD
    fields are at the router's workload in this route's size bucket. ``score`` with its 95% CI
    is on ``metric``.
    """

    id: str
    provider: str | None
    host: str | None
    host_model: str | None
    litellm_model: str | None
    cost: float
    usd_per_mtok: float
    usd_per_request: float
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    long_context_above: int | None
    score: float
    ci_lower: float
    ci_upper: float
    votes: int | None
    metric: str
    reason: str

    def __repr__(self) -> str:
        # The cost for a person (``$0.036``, not ``0.036000000000000004``); the exact floats are fields.
        from advisor.money import usd

        where = f", host={self.host!r}" if self.host else ""
        return f"Route(id={self.id!r}{where}, cost={usd(self.cost)}, score={self.score:g})"


_NOT_FOUND = AdvisorError  # the error for a reference that cannot be used; one place to change it
_Key = tuple[int, int]
_bl = bisect.bisect_left
_br = bisect.bisect_right


class _Ladder:
    """Options sorted by one key, with the answer for every prefix (the options a bar admits).

    ``keys`` ascend; a query finds the prefix length with one bisect. ``primary[i]`` is the
    answer when the first ``i`` options qualify; ``_with[n][i]`` adds up to ``n`` fallbacks.
    """

    __slots__ = ("_board", "_fast", "_role", "_with", "ckeys", "cprimary", "keys", "order", "primary", "rank")

    def __init__(self, board: _Board, keys: np.ndarray, order: np.ndarray, rank: np.ndarray, role: int) -> None:
        self._board = board
        self.keys: list[float] = keys[order].tolist()
        self.order: list[int] = order.tolist()
        self.rank: list[int] = rank.tolist()
        self._role = role
        self._with: dict[int, list[tuple[Route, ...]]] = {}
        by_rank = board.by_rank[role]
        # the answer for a prefix is its best-ranked option: a running minimum of the ranks
        best: list[int] = np.minimum.accumulate(rank[order]).tolist() if len(order) else []
        routes = {b: board.route(by_rank[b], role, False) for b in dict.fromkeys(best)}
        self.primary: list[Route | None] = [None, *map(routes.__getitem__, best)]
        self.ckeys, self.cprimary = _compress(self.keys, self.primary)
        self._fast: dict[int, tuple[list[float], list[tuple[Route, ...]]]] = {}

    def fast(self, n: int) -> tuple[list[float], list[tuple[Route, ...]]]:
        """:meth:`with_fallbacks` for a query by key: ``table[bisect_right(keys, key)]``, one entry per change."""
        got = self._fast.get(n)
        if got is None:
            got = self._fast[n] = _compress(self.keys, self.with_fallbacks(n))
        return got

    def with_fallbacks(self, n: int) -> list[tuple[Route, ...]]:
        """Per prefix: the choice and up to ``n`` fallbacks, other endpoints first, then the rest."""
        table = self._with.get(n)
        if table is not None:
            return table
        board = self._board
        by_rank = board.by_rank[self._role]
        endpoint = board.endpoint()
        best_of: dict[str, int] = {}
        top: list[int] = []
        table = [()]
        last: tuple[int, ...] = ()
        last_routes: tuple[Route, ...] = ()
        for j in self.order:
            r = self.rank[j]
            ep = endpoint[j]
            if r < best_of.get(ep, len(self.rank)):
                best_of[ep] = r
            bisect.insort(top, r)
            del top[n + 1 :]
            pick = heapq.nsmallest(n + 1, best_of.values())
            if len(pick) < n + 1:
                chosen = set(pick)
                pick += [x for x in top if x not in chosen][: n + 1 - len(pick)]
            sel = tuple(pick)
            if sel != last:
                last = sel
                routes = tuple(board.route(by_rank[x], self._role, k > 0) for k, x in enumerate(sel))
                # one tuple for the same routes on every board: queries across buckets touch fewer
                last_routes = board.tuples.setdefault(tuple(map(id, routes)), routes)
            table.append(last_routes)
        self._with[n] = table
        return table


class _Board:
    """The options of one metric in one size bucket, and their ladders."""

    __slots__ = (
        "_endpoints",
        "_lock",
        "_make",
        "_routes",
        "_tables",
        "budget",
        "by_rank",
        "hulls",
        "key",
        "lower_by_name",
        "metric",
        "rows",
        "scores",
        "tier",
        "tuples",
        "upper",
        "win_cost",
    )

    def __init__(self, router: Router, metric: _Metric, key: _Key, lock: threading.Lock) -> None:
        self._lock = lock
        self.metric = metric
        self.key = key
        ti, ci = key
        prices = router._tier_at(ti)
        self.tier = prices
        keep = metric.has_score[router._row_model] & (router._ctx_rank >= ci)
        rows = np.flatnonzero(keep)
        self.rows: list[int] = rows.tolist()
        model = router._row_model[rows]
        cost = prices.amount[rows]
        score = metric.score[model]
        upper = metric.upper[model]
        n = len(rows)
        tie = np.arange(n)
        cheap = np.lexsort((tie, -score, cost))
        best = np.lexsort((tie, cost, -score))
        rank_cheap = np.empty(n, dtype=np.intp)
        rank_cheap[cheap] = tie
        rank_best = np.empty(n, dtype=np.intp)
        rank_best[best] = tie
        # by_rank[role][rank] -> local index; role 0: cheapest first (bars), 1: best first (budgets)
        self.by_rank: tuple[list[int], list[int]] = (cheap.tolist(), best.tolist())
        self._endpoints = router._row_endpoint
        # a route depends on the metric, the tier bucket, whether the request's size is known to
        # fit a context window, and the row: boards that share those share their routes
        self._routes = router._routes.setdefault((metric.name, ti, ci > 0), {})
        self.tuples = router._tuples
        self._make: Callable[[int, int, bool], Route] = lambda row, role, fb: router._make_route(self, row, role, fb)
        self.lower_by_name: dict[str, float] = {}
        self.win_cost = cost
        self.hulls: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        desc = np.argsort(-score, kind="stable")
        self.scores = _Ladder(self, -score, desc, rank_cheap, 0)
        self.upper = _Ladder(self, -upper, np.argsort(-upper, kind="stable"), rank_cheap, 0)
        self.budget = _Ladder(self, cost, np.argsort(cost, kind="stable"), rank_best, 1)
        self._tables: dict[tuple[int, int | None], Any] = {}

    def table(self, kind: int, n: int | None, router: Router) -> Any:
        """What a query of ``kind`` reads, with ``n`` fallbacks (None: the choice alone); under the lock.

        ``_BAR`` and ``_BUDGET``: one tuple, ``(answers, -_TOP, *keys, _TOP)``; the answer for a
        bar (in the metric's own direction) is ``answers[bisect_left(t, bar)]``, for a budget
        ``answers[bisect_right(t, budget)]``, where ``answers = t[0]`` has two unused places, then
        the answer for each count of keys below the bar. A finite bar (between the sentinels)
        never reaches the answers tuple at the head nor the end: a NaN or infinite one does, and
        raises (comparing a tuple, or past the end). The bar needs no sign: for a higher-is-better
        metric the ladder's keys (negated scores) are turned back into ascending scores; for a
        lower-is-better one each key is the float just below the score, so that ``bisect_left``
        counts the scores <= the bar. ``_TARGET``: a dict of answers by target name, filled on
        each name's first query. Keys are the float objects the router holds for their values,
        and a table equal to one made before (another bucket or board with the same answers) is
        that one: queries across buckets touch fewer objects.
        """
        got = self._tables.get((kind, n))
        if got is None:
            if kind == _TARGET:
                # boards of one metric whose ladders of upper bounds are equal give every target
                # the same answer: one dict for all of them
                keys, answers = (self.upper.ckeys, self.upper.cprimary) if n is None else self.upper.fast(n)
                ids = tuple([tuple(map(id, a)) if isinstance(a, tuple) else id(a) for a in answers])
                got = router._same.setdefault((kind, self.metric.name, tuple(keys), ids), {})
            else:
                ladder = self.scores if kind == _BAR else self.budget
                keys, answers = (ladder.ckeys, ladder.cprimary) if n is None else ladder.fast(n)
                if kind == _BAR and self.metric.flip < 0:
                    # answers[bisect_right(keys, -bar)] == answers[::-1][bisect_left(-keys[::-1], bar)]
                    keys, answers = [-x for x in reversed(keys)], answers[::-1]
                elif kind == _BAR:
                    # a finite bar is >= a score exactly when it is > the float below it
                    keys = [math.nextafter(x, -math.inf) for x in keys]
                floats = router._floats
                shared = tuple([floats.setdefault(x, x) for x in keys])
                ids = tuple([tuple(map(id, a)) if isinstance(a, tuple) else id(a) for a in answers])
                got = router._same.get((kind, shared, ids))
                if got is None:
                    got = router._same[(kind, shared, ids)] = ((None, None, *answers), -_TOP, *shared, _TOP)
            self._tables[(kind, n)] = got
        return got

    def endpoint(self) -> list[str]:
        """The endpoint (model at a host) of each option: fallbacks prefer other endpoints."""
        every = self._endpoints
        return [every[r] for r in self.rows]

    def route(self, j: int, role: int, fallback: bool) -> Route:
        key = (self.rows[j], role, fallback)
        r = self._routes.get(key)
        if r is None:
            r = self._routes.setdefault(key, self._make(*key))
        return r


@dataclasses.dataclass(frozen=True, slots=True)
class _Metric:
    name: str
    higher_is_better: bool
    elo: tuple[float, float] | None
    has_score: np.ndarray
    score: np.ndarray  # oriented: higher is better
    lower: np.ndarray
    upper: np.ndarray
    raw: tuple[tuple[float, float, float, int | None] | None, ...]  # value, ci_lower, ci_upper, votes
    boards: list[_Board | None]  # by size bucket: tier index * (context limits + 1) + context index
    flip: float  # -1 for higher-is-better metrics: a bar in the metric's own direction times flip is a ladder key
    windows: list[int]  # the context buckets of the scored rows, ascending: buckets between two hold the same rows


@dataclasses.dataclass(frozen=True)
class _Tier:
    """Prices of every row when the prompt is in one long-context tier bucket."""

    amount: np.ndarray  # in the router's unit
    usd_per_request: np.ndarray
    usd_per_mtok: np.ndarray
    input_rate: np.ndarray
    output_rate: np.ndarray
    tier: tuple[int | None, ...]
    workload: Workload


def _real(name: str, value: object) -> Any:
    """``value`` itself if it is a real number, not NaN or infinite, else an AdvisorError naming the argument.

    Numbers: int, float, Fraction, Decimal, numpy integers and floats, and bool (an int in Python:
    refusing it would cost every query a type check). The value is kept as given: the slow path
    compares it exactly as the fast path does, so an answer never depends on the path.
    """
    if isinstance(value, numbers.Real):
        finite = isinstance(value, numbers.Rational) or math.isfinite(value)
    else:
        import decimal

        if not isinstance(value, decimal.Decimal):
            raise AdvisorError(f"{name} must be a number, got {value!r}")
        finite = value.is_finite()
    if not finite:
        raise AdvisorError(f"{name} must be a finite number, got {value!r}")
    return value


def _tokens(name: str, value: object) -> Any:
    x = _real(name, value)
    if x < 0:
        raise AdvisorError(f"{name} must be >= 0, got {value!r}")
    return x


def _as_bar(x: Any) -> Any:
    """A checked bar as the queries compare it: ``1.0 * x`` (a Fraction rounds to a float), a Decimal
    as the float it rounds to, an int or Fraction beyond the float range as itself (exactly)."""
    try:
        return 1.0 * x
    except TypeError:
        return float(x)
    except OverflowError:
        return x


_BAR, _BUDGET, _TARGET = 0, 1, 2  # query kinds: a score bar (cheapest), a budget, a statistical target
_A = TypeVar("_A")
_Tables = dict[str | None, list[Any]]
# The ends of every answer table's keys: beyond any score or cost, and exact in a numpy float32 (a
# float32 bar compares in float32, and a larger sentinel would overflow there).
_TOP = 3.4028234663852886e38  # numpy.finfo(numpy.float32).max
# The last size edge: beyond any request (a larger or infinite total lands in the slot after it).
_EDGE_END = 1 << 62
_MISS: Any = object()


class _Queries(Generic[_A]):
    """The hot queries, shared by :class:`Router` (answers: a route or None) and :class:`Fallbacks`
    (answers: a tuple of routes).

    Each query kind has, per metric (and under None, the default metric), a list of slots: one per
    edge interval of the request size (``bisect_left(_edges, input + output)``, when the prompt is
    at least ``_floor`` of the interval: above the tier thresholds below the total, and >= 0),
    then one per size bucket (``_off + bucket``), then the slots' metric and kind. A slot holds
    what :meth:`_Board.table` gives, filled on the slot's first query; slots with the same content
    share it. So a query does one dict lookup, one bisect on the edges and one on the slot's
    keys, and touches few objects.

    Bad arguments cost the fast path nothing of its own. A NaN or infinite bar or budget makes the
    bisect compare the answers tuple at the keys' head (TypeError) or land past their end
    (IndexError); a NaN total fails the size comparison, and an infinite one lands past the last
    edge, on a slot never filled (TypeError); a non-number raises TypeError in the arithmetic or a
    comparison. Those, an empty slot and every other case (a task, one token count alone) go to
    :meth:`Router._answer`, which checks each argument (raising the error that names it), does the
    same lookup with the same arithmetic and fills the slot. The lookups are spelled out in each
    query: a call less is a fifth of the time.

    A Router or Fallbacks runs these queries compiled for its size edges (``_specialized``): the
    same lookups with the bisect over the edges unrolled into comparisons. These methods are the
    reference they are tested against, and what a subclass of Router keeps.
    """

    __slots__ = ("_b", "_core", "_dk", "_edges", "_floor", "_nfb", "_off", "_s", "_u")
    _b: _Tables
    _core: Router
    _dk: int
    _edges: list[int]
    _floor: list[int]
    _nfb: int | None
    _off: int
    _s: _Tables
    _u: _Tables

    def cheapest(
        self,
        min_score: float,
        *,
        metric: str | None = None,
        task: str | None = None,
        input_tokens: float | None = None,
        output_tokens: float | None = None,
    ) -> _A:
        """The cheapest route whose score reaches ``min_score`` (<= for lower-is-better metrics), or None.

        The bar is compared as ``1.0 * min_score``: a Fraction or a Decimal as the float it rounds to.
        """
        try:
            tabs = self._s[metric]
            if output_tokens is not None and task is None:
                t = input_tokens + output_tokens  # type: ignore[operator]
                k = _bl(self._edges, t)
                if self._floor[k] <= input_tokens <= t:  # type: ignore[operator]
                    keys = tabs[k]
                    return keys[0][_bl(keys, 1.0 * min_score)]  # type: ignore[no-any-return]
            elif input_tokens is None and task is None:
                keys = tabs[self._dk]
                return keys[0][_bl(keys, 1.0 * min_score)]  # type: ignore[no-any-return]
        except (TypeError, KeyError, IndexError, ValueError, ArithmeticError):
            pass
        return self._core._answer(_BAR, self._nfb, min_score, metric, task, input_tokens, output_tokens)  # type: ignore[no-any-return]

    def best_within(
        self,
        max_cost: float,
        *,
        metric: str | None = None,
        task: str | None = None,
        input_tokens: float | None = None,
        output_tokens: float | None = None,
    ) -> _A:
        """The best-scoring route costing at most ``max_cost`` (in the router's unit ``per``), or None."""
        try:
            tabs = self._b[metric]
            if output_tokens is not None and task is None:
                t = input_tokens + output_tokens  # type: ignore[operator]
                k = _bl(self._edges, t)
                if self._floor[k] <= input_tokens <= t:  # type: ignore[operator]
                    keys = tabs[k]
                    return keys[0][_br(keys, max_cost)]  # type: ignore[no-any-return]
            elif input_tokens is None and task is None:
                keys = tabs[self._dk]
                return keys[0][_br(keys, max_cost)]  # type: ignore[no-any-return]
        except (TypeError, KeyError, IndexError, ValueError, ArithmeticError):
            pass
        return self._core._answer(_BUDGET, self._nfb, max_cost, metric, task, input_tokens, output_tokens)  # type: ignore[no-any-return]

    def not_worse_than(
        self,
        target: str,
        *,
        metric: str | None = None,
        task: str | None = None,
        input_tokens: float | None = None,
        output_tokens: float | None = None,
    ) -> _A:
        """The cheapest route not statistically worse than ``target`` (its 95% upper bound reaches
        the target's lower bound): what ``advisor recommend --target`` answers. The target is the
        quality reference: priced and scored, as for ``recommend``, but it need not fit the
        request (a 300,000-token prompt can ask for "as good as gpt-4o"). None when no route does."""
        try:
            tabs = self._u[metric]
            if output_tokens is not None and task is None:
                t = input_tokens + output_tokens  # type: ignore[operator]
                k = _bl(self._edges, t)
                if self._floor[k] <= input_tokens <= t:  # type: ignore[operator]
                    return tabs[k][target]  # type: ignore[no-any-return]
            elif input_tokens is None and task is None:
                return tabs[self._dk][target]  # type: ignore[no-any-return]
        except (TypeError, KeyError, IndexError, ValueError, ArithmeticError):
            pass
        return self._core._answer(_TARGET, self._nfb, target, metric, task, input_tokens, output_tokens)  # type: ignore[no-any-return]

    def _share(self, core: Router, n: int | None) -> None:
        """Take the router's size edges and the slots of queries with ``n`` fallbacks."""
        set_ = object.__setattr__
        set_(self, "_core", core)
        set_(self, "_nfb", n)
        set_(self, "_edges", core._edges)
        set_(self, "_floor", core._floor)
        set_(self, "_off", len(core._edges) + 1)
        set_(self, "_dk", len(core._edges) + 1 + core._default_key)
        s, b, u = core._tables(n)
        set_(self, "_s", s)
        set_(self, "_b", b)
        set_(self, "_u", u)


class Router(_Queries[Route | None]):
    """Which model to call for a request, in O(log n), for every metric and request size.

    Built once from a catalog view and a workload (the request shape prices are quoted at), it
    holds every metric of the view, or those in ``metrics``; ``metric`` is the default. Queries
    take the request's ``input_tokens``/``output_tokens`` (default: the workload's) and a
    ``metric`` or a ``task`` (``task="coding"`` is ``arena-text/coding``), and return a
    precomputed :class:`Route`, or None when nothing qualifies. With ``fallbacks=n`` they return
    the choice and up to n alternatives that also qualify, other providers and hosts first, as
    a tuple (empty when nothing qualifies). Answers agree with :func:`advisor.recommend` on the
    same view and workload. Scores are in each metric's own direction. NaN, infinite or
    non-numeric arguments raise :class:`~advisor.errors.AdvisorError`. Immutable and safe to
    share across threads.

    >>> import datetime as dt
    >>> from advisor import load_catalog
    >>> router = Router(load_catalog().as_of(dt.date(2024, 7, 24)))
    >>> router.cheapest(1250).id
    'gpt-4o-mini-2024-07-18'
    >>> router.not_worse_than("gpt-4o").id
    'gpt-4o-mini-2024-07-18'
    """

    __slots__ = (
        "_by_n",
        "_catalog",
        "_context",
        "_ctx_rank",
        "_default",
        "_default_key",
        "_floats",
        "_hi",
        "_lock",
        "_metrics",
        "_models",
        "_names",
        "_nc",
        "_routes",
        "_row_endpoint",
        "_row_model",
        "_row_names",
        "_row_period",
        "_same",
        "_tasks",
        "_thresholds",
        "_tiers",
        "_tuples",
        "as_of",
        "metric",
        "per",
        "workload",
    )
    _catalog: Catalog
    _context: list[int]
    _ctx_rank: np.ndarray
    _default_key: int
    _lock: threading.Lock
    _models: tuple[Model, ...]
    _names: dict[str, int]
    _nc: int
    _floats: dict[float, float]
    _routes: dict[tuple[str, int, bool], dict[tuple[int, int, bool], Route]]
    _same: dict[tuple[Any, ...], Any]
    _tuples: dict[tuple[int, ...], tuple[Route, ...]]
    _by_n: dict[int | None, tuple[_Tables, _Tables, _Tables]]
    _hi: list[int]
    _row_endpoint: list[str]
    _row_model: np.ndarray
    _row_names: list[tuple[str | None, str | None]]
    _row_period: tuple[PricePeriod, ...]
    _tasks: dict[str, str]
    _thresholds: list[int]
    _tiers: list[_Tier | None]
    _metrics: dict[str, _Metric]
    _default: _Metric
    metric: str
    per: Per
    workload: Workload
    as_of: dt.date

    def __init__(
        self,
        catalog: Catalog,
        *,
        metric: str = DEFAULT_METRIC,
        metrics: Iterable[str] | None = None,
        workload: Workload | None = None,
        per: Per = "mtok",
    ) -> None:
        from advisor.endpoints import api_names, endpoint

        view = catalog.view()
        if per not in PER_UNITS:
            raise AdvisorError(f"per must be one of {', '.join(PER_UNITS)}, got {per!r}")
        w = workload or Workload()
        if per == "month" and w.requests_per_month is None:
            raise AdvisorError("costs per month need the number of requests per month")
        day = view.date or dt.date.today()
        known = view.metrics()
        wanted = list(known) if metrics is None else list(dict.fromkeys(metrics))
        if metric not in wanted:
            wanted.insert(0, metric)
        for name in wanted:
            if name not in known:
                view.check_metric(name)  # raises, saying why
        models = [m for m in view.models if m.prices and (m.retired is None or m.retired > day)]
        set_ = object.__setattr__
        set_(self, "_catalog", view)
        set_(self, "_models", tuple(models))
        set_(self, "_lock", threading.Lock())
        set_(self, "_names", {})
        set_(self, "_by_n", {})
        set_(self, "_floats", {})
        set_(self, "_routes", {})
        set_(self, "_same", {})
        set_(self, "_tuples", {})
        set_(self, "metric", metric)
        set_(self, "per", per)
        set_(self, "workload", w)
        set_(self, "as_of", day)

        periods = [(i, p) for i, m in enumerate(models) for p in m.prices]
        row_model = np.array([i for i, _ in periods], dtype=np.intp)
        set_(self, "_row_model", row_model)
        set_(self, "_row_period", tuple(p for _, p in periods))
        set_(self, "_row_names", [api_names(models[i], p.host) for i, p in periods])
        set_(self, "_row_endpoint", [endpoint(models[i], p.host) for i, p in periods])

        # Size buckets: the distinct tier thresholds (prompt) and context windows (prompt + answer).
        thresholds = sorted({t.above_input_tokens for _, p in periods for t in p.long_context})
        context = sorted({m.context_window for m in models if m.context_window is not None})
        set_(self, "_thresholds", thresholds)
        set_(self, "_context", context)
        set_(self, "_nc", len(context) + 1)
        # One bisect finds the bucket: edges are the thresholds and windows together; _hi[k] is the
        # bucket of a request whose prompt is above every threshold below its total (else _exact
        # does the two bisects).
        # The last edge, _EDGE_END, leaves the slot after it (never filled) to larger and infinite
        # totals. A query's prompt must reach the slot's floor: 0, or one token above the highest
        # tier threshold below the total (ints: an int prompt compares fastest with an int; a
        # fractional prompt less than a token above a threshold takes the slow path).
        edges = [*sorted({*thresholds, *context}), _EDGE_END]
        bucket_hi: list[int] = []
        floor: list[int] = []
        # Thresholds and windows are edges: those below slot k are the ones <= edges[k - 1].
        for k in range(len(edges) + 1):
            n_t = bisect.bisect_right(thresholds, edges[k - 1]) if k else 0
            n_c = bisect.bisect_right(context, edges[k - 1]) if k else 0
            bucket_hi.append(n_t * (len(context) + 1) + n_c)
            floor.append(thresholds[n_t - 1] + 1 if n_t else 0)
        set_(self, "_edges", edges)
        set_(self, "_hi", bucket_hi)
        set_(self, "_floor", floor)
        ctx = [models[m].context_window for m in row_model.tolist()]
        ctx_rank = np.array([len(context) if c is None else bisect.bisect_left(context, c) for c in ctx], dtype=np.intp)
        set_(self, "_ctx_rank", ctx_rank)
        # The prices of each tier bucket are worked out when a board of that bucket is first built.
        set_(self, "_tiers", [None] * (len(thresholds) + 1))
        total = w.input_tokens + w.output_tokens
        set_(
            self,
            "_default_key",
            bisect.bisect_left(thresholds, w.input_tokens) * (len(context) + 1) + bisect.bisect_left(context, total),
        )

        by_metric: dict[str, _Metric] = {}
        for name in wanted:
            benchmark, category = parse_metric(name)
            bench = view.benchmarks[benchmark]
            sign = 1.0 if bench.higher_is_better else -1.0
            got = view.scores_for(benchmark, category)  # the view's newest score of each model
            raw = [_raw(got.get(m.id)) for m in models]
            value = np.array([r[0] if r else math.nan for r in raw], dtype=float)
            lo = np.array([r[1] if r else math.nan for r in raw], dtype=float)
            hi = np.array([r[2] if r else math.nan for r in raw], dtype=float)
            by_metric[name] = _Metric(
                name=name,
                higher_is_better=bench.higher_is_better,
                elo=(bench.elo_scale, bench.elo_base) if bench.elo_scale else None,
                has_score=~np.isnan(value),
                score=sign * value,
                lower=lo if sign > 0 else -hi,
                upper=hi if sign > 0 else -lo,
                raw=tuple(raw),
                boards=[None] * ((len(thresholds) + 1) * (len(context) + 1)),
                flip=-sign,
                windows=np.unique(ctx_rank[~np.isnan(value)[row_model]]).tolist(),
            )
        set_(self, "_metrics", by_metric)
        # The float objects the answer tables' keys are: each metric's scores made in ascending order
        # in one go, so that a query's search reads few, nearby objects.
        for m in by_metric.values():
            for x in np.unique(m.score[m.has_score]).tolist():
                self._floats.setdefault(x, x)
        set_(self, "_default", by_metric[metric])
        base, _ = parse_metric(metric)
        tasks = {}
        for name in by_metric:
            b, c = parse_metric(name)
            if b == base and c != "overall":
                tasks[c] = name
        set_(self, "_tasks", tasks)
        self._share(self, None)
        if type(self) is Router:  # a subclass keeps its own queries
            set_(self, "__class__", _specialized(Router, self))

    def _tier_at(self, ti: int) -> _Tier:
        """The prices of every row when the prompt is in tier bucket ``ti`` (made once, under the lock)."""
        tier = self._tiers[ti]
        if tier is not None:
            return tier
        w, thresholds = self.workload, self._thresholds
        low = thresholds[ti - 1] + 1 if ti else 0
        high = thresholds[ti] if ti < len(thresholds) else math.inf
        if not low <= w.input_tokens <= high:
            w = dataclasses.replace(w, input_tokens=float(max(low, min(high, w.input_tokens))))
        tier = self._tiers[ti] = self._tier(w)
        for x in np.unique(tier.amount).tolist():  # the keys of budgets, as the scores above
            self._floats.setdefault(x, x)
        return tier

    def _tier(self, w: Workload) -> _Tier:
        rows, _ = host_costs(self._models, w)
        costs = [c for _, c in rows]
        usd = np.array([c.usd_per_request for c in costs], dtype=float)
        per_mtok = np.array([c.blended_usd_per_mtok for c in costs], dtype=float)
        if self.per == "mtok":
            amount = per_mtok
        elif self.per == "request":
            amount = usd
        else:
            amount = usd * float(w.requests_per_month or 0.0)
        return _Tier(
            amount,
            usd,
            per_mtok,
            np.array([c.input_rate for c in costs], dtype=float),
            np.array([c.output_rate for c in costs], dtype=float),
            tuple(c.long_context_above for c in costs),
            w,
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Router is immutable")

    # --- what the router holds --------------------------------------------------------------------

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metrics this router answers for."""
        return tuple(self._metrics)

    @property
    def tasks(self) -> Mapping[str, str]:
        """Task names and the metric each maps to (the default benchmark's categories)."""
        return dict(self._tasks)

    @property
    def size_limits(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The bucket edges: long-context tier thresholds (prompt tokens) and context windows (tokens)."""
        return tuple(self._thresholds), tuple(self._context)

    @property
    def frontier(self) -> tuple[Route, ...]:
        """The frontier of the default metric at the router's workload, cheapest first."""
        return self.frontier_of()

    def frontier_of(
        self,
        *,
        metric: str | None = None,
        task: str | None = None,
        input_tokens: float | None = None,
        output_tokens: float | None = None,
    ) -> tuple[Route, ...]:
        """The models ``cheapest`` can answer with (the point Pareto frontier), cheapest first."""
        board = self._board(metric, task, input_tokens, output_tokens)
        seen: dict[str, Route] = {}
        for r in board.scores.primary[1:]:
            if r is not None and r.id not in seen:
                seen[r.id] = r
        return tuple(sorted(seen.values(), key=lambda r: r.cost))

    def prepare(self) -> Router:
        """Build every size bucket of every metric now rather than on its first query; returns self."""
        for m in self._metrics.values():
            for key in range(len(m.boards)):
                self._build(m, key)
        return self

    # --- queries ----------------------------------------------------------------------------------

    # --- queries (cheapest, best_within, not_worse_than: see _Queries) ---------------------------

    def min_win_rate(
        self,
        p: float,
        *,
        vs: str,
        metric: str | None = None,
        task: str | None = None,
        input_tokens: float | None = None,
        output_tokens: float | None = None,
    ) -> Route | None:
        """The cheapest route whose Bradley-Terry probability of beating ``vs`` is at least ``p``, or None."""
        ladder, i = self._min_win_rate(p, vs, metric, task, input_tokens, output_tokens)
        return ladder.primary[i]

    def fallbacks(self, n: int = 3) -> Fallbacks:
        """The same queries answering with the choice and up to ``n`` fallbacks (see :class:`Fallbacks`)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise AdvisorError(f"fallbacks must be a whole number >= 0, got {n!r}")
        return Fallbacks(self, n)

    def _min_win_rate(
        self, p: Any, vs: str, metric: str | None, task: str | None, it: Any, ot: Any
    ) -> tuple[_Ladder, int]:
        from advisor.mix import check_win_rate

        bar_p = check_win_rate(p, "p")
        board = self._board(metric, task, it, ot)
        ref, elo = self._reference(board, vs)
        scale, base = elo
        bar = ref + scale / math.log(base) * math.log(bar_p / (1.0 - bar_p))
        ladder = board.scores
        keys = ladder.keys
        i = bisect.bisect_right(keys, -bar)
        # The bar is a logit away from the reference: settle the edge with recommend's own formula.
        while i < len(keys) and _win(-keys[i], ref, elo) >= bar_p:
            i += 1
        while i > 0 and _win(-keys[i - 1], ref, elo) < bar_p:
            i -= 1
        return ladder, i

    def mix(
        self,
        min_win_rate: float,
        *,
        vs: str,
        metric: str | None = None,
        task: str | None = None,
        input_tokens: float | None = None,
        output_tokens: float | None = None,
    ) -> Mix | None:
        """The cheapest mix of at most two routes whose expected P(beats ``vs``) reaches the bar.

        Returns an :class:`advisor.mix.Mix` (see there for the assumption), or None when no
        route, and so no mix, reaches it. The hull for each reference is built once.
        """
        from advisor.mix import MixPart, assemble, check_win_rate, mix_on_hull, upper_hull
        from advisor.ratings import win_probability

        bar = check_win_rate(min_win_rate)
        board = self._board(metric, task, input_tokens, output_tokens)
        ref, elo = self._reference(board, vs)
        m = self._names[vs]
        got = board.hulls.get(m)
        if got is None:
            scores = np.array([board.metric.score[self._row_model[r]] for r in board.rows], dtype=float)
            win = np.asarray(win_probability(scores, ref, scale=elo[0], base=elo[1]))
            got = board.hulls.setdefault(m, (win, upper_hull(board.win_cost, win)))
        win, hull = got
        found = mix_on_hull(board.win_cost, win, hull, bar)
        if found is None:
            return None

        def part(j: int) -> MixPart:
            r = board.route(j, 0, False)
            return MixPart(r.id, r.provider, r.host, r.litellm_model, 1.0, r.cost, r.score, float(win[j]))

        i, j, share = found
        parts = [(part(i), 1.0)] if i == j else [(part(i), share), (part(j), 1.0 - share)]
        single = self.min_win_rate(
            bar, vs=vs, metric=board.metric.name, input_tokens=input_tokens, output_tokens=output_tokens
        )
        single_part = None
        if single is not None:
            k = next(k for k in range(len(board.rows)) if board.route(k, 0, False) is single)
            single_part = part(k)
        return assemble(
            parts,
            single_part,
            min_win_rate=bar,
            vs=self._models[m].id,
            metric=board.metric.name,
            per=PER_UNITS[self.per],
            as_of=self.as_of,
        )

    # --- internals --------------------------------------------------------------------------------

    def _board(self, metric: str | None, task: str | None, input_tokens: Any, output_tokens: Any) -> _Board:
        """The board of a query, each argument checked."""
        m = self._default if task is None and metric is None else self._pick(metric, task)
        if input_tokens is None and output_tokens is None:
            key = self._default_key
        else:
            i, _, t = self._sizes(input_tokens, output_tokens)
            key = self._exact(i, t)
        return m.boards[key] or self._build(m, key)

    def _answer(
        self, kind: int, n: int | None, x: Any, metric: Any, task: Any, input_tokens: Any, output_tokens: Any
    ) -> Any:
        """A hot query the slow way: each argument checked (a bad one raises the error naming it),
        then the fast path's lookup with the fast path's arithmetic, filling the slot it reads.

        ``x`` is the query's first argument (bar, budget or target). The slot is the one the fast path
        reads for the same arguments, so an answer never depends on which path gave it.
        """
        if kind == _TARGET:
            if not isinstance(x, str):
                raise AdvisorError(f"a model name must be a string, got {x!r}")
        else:
            _real("min_score" if kind == _BAR else "max_cost", x)
        m = self._default if task is None and metric is None else self._pick(metric, task)
        tabs = self._tables(n)[kind][m.name]
        off = len(self._edges) + 1
        if input_tokens is None and output_tokens is None:
            k = off + self._default_key
        else:
            i, _, t = self._sizes(input_tokens, output_tokens)
            k = _bl(self._edges, t)
            if k == off - 1 or not self._floor[k] <= i:
                k = off + self._exact(i, t)
        got = tabs[k]
        if got is None:
            got = self._table(tabs, k, n)
        if kind == _TARGET:
            found = got.get(x, _MISS)
            return self._not_worse(tabs, k, x, n) if found is _MISS else found
        # lo=1: the answers tuple is not compared; a bar past a sentinel (exactly -_TOP or _TOP, or
        # beyond: an int or Fraction larger than a float) takes the end answer
        j = _bl(got, _as_bar(x), 1) if kind == _BAR else _br(got, x, 1)
        return got[0][min(max(j, 2), len(got) - 1)]

    def _tables(self, n: int | None) -> tuple[_Tables, _Tables, _Tables]:
        """The slots of the queries with ``n`` fallbacks (None: the choice alone), by kind and metric."""
        got = self._by_n.get(n)
        if got is None:
            with self._lock:
                got = self._by_n.get(n)
                if got is None:
                    size = len(self._edges) + 1 + len(self._default.boards)
                    by_kind = []
                    for kind in (_BAR, _BUDGET, _TARGET):
                        slots: _Tables = {name: [*[None] * size, (m, kind)] for name, m in self._metrics.items()}
                        slots[None] = slots[self.metric]
                        by_kind.append(slots)
                    got = self._by_n[n] = (by_kind[0], by_kind[1], by_kind[2])
        return got

    def _board_at(self, m: _Metric, k: int) -> _Board:
        """The board of slot ``k``: an edge interval's bucket, or the bucket ``k - _off``."""
        off = len(self._edges) + 1
        key = self._hi[k] if k < off else k - off
        return m.boards[key] or self._build(m, key)

    def _table(self, tabs: list[Any], k: int, n: int | None) -> Any:
        """Fill slot ``k`` of ``tabs`` (the slots of one metric and query kind) from its board."""
        m, kind = tabs[-1]
        board = self._board_at(m, k)
        with self._lock:
            got = tabs[k]
            if got is None:
                got = tabs[k] = board.table(kind, n, self)
        return got

    def _not_worse(self, tabs: list[Any], k: int, target: Any, n: int | None) -> Route | tuple[Route, ...] | None:
        """The answer of ``not_worse_than`` on a target's first query in slot ``k`` (remembered there)."""
        m, _ = tabs[-1]
        board = self._board_at(m, k)
        lower = board.lower_by_name.get(target)
        if lower is None:
            lower = self._lower(board, target)
        ladder = board.upper
        with self._lock:
            keys, answers = (ladder.ckeys, ladder.cprimary) if n is None else ladder.fast(n)
        got: Route | tuple[Route, ...] | None = answers[_br(keys, -lower)]
        by_target = tabs[k]
        if by_target is None:
            by_target = self._table(tabs, k, n)
        by_target[target] = got
        return got

    def _exact(self, input_tokens: float, total: float) -> int:
        """The size bucket when a tier threshold lies between the prompt and prompt + answer."""
        return _bl(self._thresholds, input_tokens) * self._nc + _bl(self._context, total)

    def _lower(self, board: _Board, target: Any) -> float:
        """The target's lower bound on the board, remembered under the name it was given."""
        t = self._names.get(target) if isinstance(target, str) else None
        if t is None:
            t = self._resolve(target)
        if not board.metric.has_score[t]:
            raise self._unusable(t, board)
        lower = float(board.metric.lower[t])
        board.lower_by_name[target] = lower
        return lower

    def _sizes(self, input_tokens: Any, output_tokens: Any) -> tuple[Any, Any, Any]:
        """The request's token counts, checked and kept as given (the workload's where not given),
        and their total; counts that do not add up as given (a Decimal and a float) add as floats."""
        i = _tokens("input_tokens", self.workload.input_tokens if input_tokens is None else input_tokens)
        o = _tokens("output_tokens", self.workload.output_tokens if output_tokens is None else output_tokens)
        try:
            return i, o, i + o
        except TypeError:
            return float(i), float(o), float(i) + float(o)

    def _build(self, m: _Metric, key: int) -> _Board:
        """The board of a size bucket, shared by every bucket that keeps the same scored rows.

        A context bucket keeps the rows whose window reaches it; for one metric, the buckets from
        one scored row's window to the next keep the same rows, so they share that window's board.
        """
        with self._lock:
            board = m.boards[key]
            if board is None:
                ti, ci = divmod(key, self._nc)
                if ci:
                    k = _bl(m.windows, ci)
                    ci = m.windows[k] if k < len(m.windows) else self._nc - 1
                same = ti * self._nc + ci
                board = m.boards[same]
                if board is None:
                    board = m.boards[same] = _Board(self, m, (ti, ci), self._lock)
                m.boards[key] = board
            return board

    def _pick(self, metric: str | None, task: str | None) -> _Metric:
        if task is not None:
            return self._task(task, metric)
        got = self._metrics.get(metric) if isinstance(metric, str) else None
        if got is None:
            raise self._unknown_metric(metric)
        return got

    def _task(self, task: str, metric: str | None) -> _Metric:
        if metric is not None:
            raise AdvisorError("give a metric or a task, not both")
        name = self._tasks.get(task)
        if name is None:
            known = ", ".join(sorted(self._tasks)) or "none: the catalog has no categories"
            raise AdvisorError(f"unknown task {task!r} (known: {known})")
        return self._metrics[name]

    def _unknown_metric(self, metric: object) -> AdvisorError:
        if not isinstance(metric, str):
            return AdvisorError(f"metric must be a string, got {metric!r}")
        return UnknownMetricError(metric, self._metrics)

    def _resolve(self, name: object) -> int:
        if not isinstance(name, str):
            raise AdvisorError(f"a model name must be a string, got {name!r}")
        model = self._catalog.get(name)
        for i, m in enumerate(self._models):
            if m.id == model.id:
                self._names[name] = i
                return i
        raise self._unusable_model(model.id, "no price in force or retired")

    def _unusable(self, m: int, board: _Board) -> AdvisorError:
        return self._unusable_model(self._models[m].id, f"no {board.metric.name} score")

    def _unusable_model(self, model_id: str, why: str) -> AdvisorError:
        return _NOT_FOUND(f"reference model {model_id!r} cannot be used as of {self.as_of}: {why}")

    def _reference(self, board: _Board, vs: str) -> tuple[float, tuple[float, float]]:
        elo = board.metric.elo
        if elo is None:
            raise AdvisorError(f"metric {board.metric.name!r} is not a Bradley-Terry rating; a win rate needs one")
        m = self._names.get(vs)
        if m is None:
            m = self._resolve(vs)
        if not board.metric.has_score[m]:
            raise self._unusable(m, board)
        return float(board.metric.score[m]), elo

    def _make_route(self, board: _Board, row: int, role: int, fallback: bool) -> Route:
        metric = board.metric
        mi = int(self._row_model[row])
        model = self._models[mi]
        tier = board.tier
        raw = metric.raw[mi]
        assert raw is not None
        host_model, litellm_model = self._row_names[row]
        host = self._row_period[row].host
        if role == 1:
            why = f"best {metric.name} score within the budget"
        elif fallback:
            why = f"fallback: also meets the {metric.name} bar"
        else:
            why = f"cheapest route meeting the {metric.name} bar"
        why += f", via {host or 'its maker'}"
        above = tier.tier[row]
        if above is not None:
            why += f"; long-context price (prompt over {above:,} tokens)"
        if board.key[1]:
            window = model.context_window
            why += f"; its {window:,}-token context fits the request" if window else "; context window not known"

        return Route(
            id=model.id,
            provider=model.provider,
            host=host,
            host_model=host_model,
            litellm_model=litellm_model,
            cost=float(tier.amount[row]),
            usd_per_mtok=float(tier.usd_per_mtok[row]),
            usd_per_request=float(tier.usd_per_request[row]),
            input_usd_per_mtok=float(tier.input_rate[row]),
            output_usd_per_mtok=float(tier.output_rate[row]),
            long_context_above=above,
            score=raw[0],
            ci_lower=raw[1],
            ci_upper=raw[2],
            votes=raw[3],
            metric=metric.name,
            reason=why,
        )


class Fallbacks(_Queries[tuple[Route, ...]]):
    """A router's queries answering with a tuple: the choice, then up to ``n`` fallbacks.

    Fallbacks also meet the bar (or the budget); routes at other endpoints (another provider or
    host) come first, cheapest first (for budgets: best first), then other models at endpoints
    already used. A service retries down the tuple when a provider fails. Empty when nothing
    qualifies. Made by :meth:`Router.fallbacks`; as cheap to query as the router (the same
    lookups, in tables of tuples kept by the router for each ``n``).
    """

    __slots__ = ("n", "router")

    def __init__(self, router: Router, n: int) -> None:
        self.router = router
        self.n = n
        self._share(router, n)
        if type(self) is Fallbacks:
            object.__setattr__(self, "__class__", _specialized(Fallbacks, router))

    def min_win_rate(
        self,
        p: float,
        *,
        vs: str,
        metric: str | None = None,
        task: str | None = None,
        input_tokens: float | None = None,
        output_tokens: float | None = None,
    ) -> tuple[Route, ...]:
        """:meth:`Router.min_win_rate` with fallbacks."""
        ladder, i = self.router._min_win_rate(p, vs, metric, task, input_tokens, output_tokens)
        return ladder.with_fallbacks(self.n)[i]


_T = TypeVar("_T")

# --- queries specialized to a router's size edges ----------------------------------------------

# The body of the three hot queries when a router's size edges are known: ``{find}`` places the
# request in its slot with comparisons against the edges as constants (a binary tree of ``if``s,
# each an int comparison the interpreter specializes), then the answer is read as usual. On the
# bundled catalog's 45 edges that is about 60 ns a query less than ``bisect_left`` over the edges
# (benchmarks/bench_router.py). Everything else is the generic query's, in ``_Queries``.
_SPECIALIZED = """
def {name}(self, {first}, *, metric=None, task=None, input_tokens=None, output_tokens=None):
    try:
        tabs = self.{tables}[metric]
        if output_tokens is not None and task is None:
            t = input_tokens + output_tokens
{find}
            return {answer}
        elif input_tokens is None and task is None:
            keys = tabs[self._dk]
            return {answer}
    except (TypeError, KeyError, IndexError, ValueError, ArithmeticError):
        pass
    return self._core._answer({kind}, self._nfb, {first}, metric, task, input_tokens, output_tokens)
"""
_QUERY_PARTS = {  # name: (first argument, slots, kind, answer from the slot's table ``keys``)
    "cheapest": ("min_score", "_s", "_BAR", "keys[0][_bl(keys, 1.0 * min_score)]"),
    "best_within": ("max_cost", "_b", "_BUDGET", "keys[0][_br(keys, max_cost)]"),
    "not_worse_than": ("target", "_u", "_TARGET", "keys[target]"),
}
# One entry per edge set (the tier thresholds and the context windows): the compiled queries, and the
# Router and Fallbacks subclasses made from them.
_specialized_cache: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[dict[str, Any], dict[type, type]]] = {}
_specialized_lock = threading.Lock()
_SPECIALIZED_KEEP = 16  # edge sets kept: a service reloads one catalog, tests build many


def _slot_tree(edges: list[int], floor: list[int], buckets: list[int], off: int, nc: int) -> list[str]:
    """Source lines that set ``keys`` to the table of slot ``k = bisect_left(edges, t)`` by nested
    comparisons of ``t`` with the edges, or to None where the fast path does not apply.

    A leaf checks the prompt as the generic query does (``floor[k] <= input_tokens <= t``); a prompt
    below the floor (a tier threshold between prompt and total) reads the exact bucket's slot, whose
    context index (``buckets[k] % nc``, from the router's ``_hi``) is fixed within the leaf. Only the
    last leaf compares with the sentinel edge (an int too large for the interpreter's fast int
    comparison); beyond it (and for NaN, which fails every comparison and so reaches that leaf)
    ``keys`` is None: the answer then raises a TypeError, which sends the query to the checked path.
    """
    last = len(edges) - 1

    def leaf(k: int, pad: str) -> list[str]:
        total = "t" if k < last else f"t <= {edges[last]}"
        if floor[k] == 0:
            return [f"{pad}keys = tabs[{k}] if 0 <= input_tokens <= {total} else None"]
        return [
            f"{pad}if {floor[k]} <= input_tokens <= {total}:",
            f"{pad}    keys = tabs[{k}]",
            f"{pad}elif 0 <= input_tokens <= {total}:",
            f"{pad}    keys = tabs[{off + buckets[k] % nc} + _bl(_thresholds, input_tokens) * {nc}]",
            f"{pad}else:",
            f"{pad}    keys = None",
        ]

    def tree(lo: int, hi: int, pad: str) -> list[str]:  # slots lo..hi
        if lo == hi:
            return leaf(lo, pad)
        mid = (lo + hi) // 2
        inner = pad + "    "
        return [f"{pad}if t <= {edges[mid]}:", *tree(lo, mid, inner), f"{pad}else:", *tree(mid + 1, hi, inner)]

    return tree(0, last, " " * 12)


def _specialized(cls: type, router: Router) -> type:
    """``cls`` (Router or Fallbacks) with the hot queries compiled for ``router``'s size edges.

    Compiled once per edge set (the last few are kept), so rebuilding a router for the same
    catalog, as a reload does, compiles nothing.
    """
    key = (tuple(router._thresholds), tuple(router._context))  # the edges are made from these
    with _specialized_lock:
        entry = _specialized_cache.get(key)
        if entry is None:
            entry = _specialized_cache[key] = (_compile_queries(router), {})
            while len(_specialized_cache) > _SPECIALIZED_KEEP:
                del _specialized_cache[next(iter(_specialized_cache))]
        methods, classes = entry
        got = classes.get(cls)
        if got is None:
            body = {"__slots__": (), "__module__": cls.__module__, "__qualname__": cls.__qualname__, **methods}
            got = classes[cls] = type(cls.__name__, (cls,), body)
    return got


def _compile_queries(router: Router) -> dict[str, Any]:
    """The three hot queries for ``router``'s size edges (see ``_SPECIALIZED``)."""
    off = len(router._edges) + 1
    find = "\n".join(_slot_tree(router._edges, router._floor, router._hi, off, router._nc))
    namespace: dict[str, Any] = {"_bl": _bl, "_br": _br, "_thresholds": list(router._thresholds)}
    namespace.update(_BAR=_BAR, _BUDGET=_BUDGET, _TARGET=_TARGET)
    methods: dict[str, Any] = {}
    for name, (first, tables, kind, answer) in _QUERY_PARTS.items():
        src = _SPECIALIZED.format(name=name, first=first, tables=tables, kind=kind, answer=answer, find=find)
        exec(compile(src, f"<advisor.router: {name} for {off - 1} size edges>", "exec"), namespace)
        fn = methods[name] = namespace.pop(name)
        generic = getattr(_Queries, name)
        fn.__doc__, fn.__annotations__, fn.__qualname__ = generic.__doc__, generic.__annotations__, generic.__qualname__
        fn.__module__ = __name__
    return methods


def _compress(keys: list[float], answers: list[_T]) -> tuple[list[float], list[_T]]:
    """The same lookup with one entry per change of answer.

    ``answers[bisect_right(keys, x)]`` equals ``out[bisect_right(cut, x)]``: an answer changes at
    prefix ``p`` exactly when ``keys[p - 1] <= x``, so the cuts are those keys. A hot query then
    bisects a list the size of the frontier, not of every option.
    """
    cut: list[float] = []
    out = [answers[0]]
    prev = answers[0]
    for p in range(1, len(answers)):
        a = answers[p]
        if a is not prev:
            cut.append(keys[p - 1])
            out.append(a)
            prev = a
    return cut, out


def _win(score: float, ref: float, elo: tuple[float, float]) -> float:
    from advisor.ratings import win_probability

    return float(win_probability(score, ref, scale=elo[0], base=elo[1]))


def _raw(s: Score | None) -> tuple[float, float, float, int | None] | None:
    if s is None:
        return None
    lo = s.ci_lower if s.ci_lower is not None else s.value
    hi = s.ci_upper if s.ci_upper is not None else s.value
    return (s.value, lo, hi, s.votes)
