"""Gateway configs from a decision: the chosen routes, in quality tiers, with fallbacks between them.

A :class:`GatewayPlan` is what any gateway needs: named tiers, each a ranked list of routes (the
choice, then fallbacks that also meet the tier's bar, other providers and hosts first), and the
tiers to fall back to after them. It comes from a recommendation (one tier: a quality bar and/or
a budget) or from the frontier (``tiers`` quality levels spread along it, cheapest first, each
falling back to the better tiers). Export targets are a registry, :data:`TARGETS`: each says which
routes its gateway can call (a plan for it is made from those only, so the choice and every
fallback are in the config) and turns a plan into the gateway's own config text; the CLI's
``advisor export TARGET`` iterates it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from advisor.catalog import DEFAULT_METRIC, Catalog
from advisor.errors import AdvisorError, NoCandidateError

if TYPE_CHECKING:  # the CLI reads TARGETS to build its parser: numpy loads only when a plan is made
    from advisor.router import Route
    from advisor.schema import Model, PricePeriod
    from advisor.workload import Per, Workload


@dataclasses.dataclass(frozen=True)
class Tier:
    """One quality tier: its name, the bar its routes meet, and its routes, the choice first."""

    name: str
    bar: str
    routes: tuple[Route, ...]


@dataclasses.dataclass(frozen=True)
class GatewayPlan:
    """Named tiers of routes and the order to fall back between tiers (cheapest tier first)."""

    tiers: tuple[Tier, ...]
    fallbacks: Mapping[str, tuple[str, ...]]
    """Per tier: the tiers to try after its own routes (better ones only, nearest first)."""
    metric: str
    per: str
    as_of: dt.date
    workload: Workload
    source: str
    """The decision the plan comes from, in words (written into the config's header)."""
    names: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    """Every name each route's model goes by (its id, then its aliases), by id: gateways pick theirs."""


@dataclasses.dataclass(frozen=True)
class GatewayConfig:
    """What :func:`export_config` returns: the config text for a gateway, and what it left out."""

    target: str
    text: str
    suffix: str
    plan: GatewayPlan
    skipped: tuple[str, ...]
    """Routes the gateway cannot call because the catalog does not know its name for them (only a
    bar's reference model, kept priced so it can set the bar, can be one)."""


@dataclasses.dataclass(frozen=True)
class ExportTarget:
    """A gateway: what it is, the usual file suffix, and how a plan becomes its config text."""

    name: str
    description: str
    suffix: str
    render: Callable[[GatewayPlan], tuple[str, tuple[str, ...]]]
    """Returns the config text and the routes it had to leave out (``id via host``)."""
    calls: Callable[[Model, PricePeriod], bool]
    """Whether the gateway can call the model where the price period sells it."""


def _litellm(plan: GatewayPlan) -> tuple[str, tuple[str, ...]]:
    from advisor.export.litellm import render

    return render(plan)


def _openrouter(plan: GatewayPlan) -> tuple[str, tuple[str, ...]]:
    from advisor.export.openrouter import render

    return render(plan)


def _litellm_calls(model: Model, period: PricePeriod) -> bool:
    from advisor.export.litellm import calls

    return calls(model, period)


def _openrouter_calls(model: Model, period: PricePeriod) -> bool:
    from advisor.export.openrouter import calls

    return calls(model, period)


TARGETS: Mapping[str, ExportTarget] = {
    "litellm": ExportTarget(
        "litellm",
        "LiteLLM Router / proxy config: model_list with one model group per route, router_settings.fallbacks",
        ".yaml",
        _litellm,
        _litellm_calls,
    ),
    "openrouter": ExportTarget(
        "openrouter",
        "OpenRouter request fields: a ranked `models` list per tier (OpenRouter tries them in order)",
        ".json",
        _openrouter,
        _openrouter_calls,
    ),
}
"""The export targets, by name: adding a gateway is adding an entry."""


def plan(
    catalog: Catalog,
    *,
    metric: str = DEFAULT_METRIC,
    workload: Workload | None = None,
    per: Per = "mtok",
    target: str | None = None,
    min_score: float | None = None,
    min_win_rate: float | None = None,
    vs: str | None = None,
    budget: float | None = None,
    fallbacks: int = 3,
    tiers: int = 3,
    name: str = "advisor",
    usable: Callable[[Model, PricePeriod], bool] | None = None,
) -> GatewayPlan:
    """The tiers a gateway config holds: from a recommendation when a bar or budget is given, else the frontier.

    With a bar (``target``, ``min_score``, or ``min_win_rate`` with ``vs``; optionally a
    ``budget``) or only a ``budget``: one tier named ``name`` holding the choice
    :func:`advisor.recommend` makes and up to ``fallbacks`` alternatives meeting the same bar and
    budget. Otherwise ``tiers`` tiers (``name-1`` cheapest ... ``name-N`` best), each the cheapest
    route reaching a quality level spread evenly along the frontier, with its fallbacks; each tier
    falls back to the better tiers after its own routes.

    ``usable`` (an export target's :attr:`ExportTarget.calls`) keeps only the routes a gateway can
    call, so the choice and the fallbacks are all in its config; a bar's reference model (``target``,
    ``vs``) that keeps none keeps all its prices, since the bar needs it.
    """
    bars = sum(x is not None for x in (target, min_score, min_win_rate))
    if bars > 1:
        raise AdvisorError("give one quality bar: target, min_score or min_win_rate")
    if (min_win_rate is None) != (vs is None):
        raise AdvisorError("min_win_rate and vs go together")
    if isinstance(fallbacks, bool) or not isinstance(fallbacks, int) or fallbacks < 0:
        raise AdvisorError(f"fallbacks must be a whole number >= 0, got {fallbacks!r}")
    if isinstance(tiers, bool) or not isinstance(tiers, int) or not 1 <= tiers <= 10:
        raise AdvisorError(f"tiers must be a whole number from 1 to 10, got {tiers!r}")
    if not name or any(c.isspace() for c in name):
        raise AdvisorError(f"name must be a non-empty word, got {name!r}")
    from advisor.router import Router
    from advisor.workload import PER_UNITS, Workload

    view = catalog.view()
    if usable is not None:
        view = _callable(view, usable, {view.resolve(n) for n in (target, vs) if n is not None})
    w = workload or Workload()
    router = Router(view, metric=metric, metrics=[metric], workload=w, per=per)
    many = router.fallbacks(fallbacks)
    unit = PER_UNITS[per]
    if bars or budget is not None:
        if target is not None:
            routes = many.not_worse_than(target)
            bar = f"not statistically worse than {view.resolve(target)} on {metric}"
        elif min_score is not None:
            routes = many.cheapest(min_score)
            bar = f"{metric} score >= {min_score:g}"
        elif min_win_rate is not None and vs is not None:
            routes = many.min_win_rate(min_win_rate, vs=vs)
            bar = f"P(beats {view.resolve(vs)}) >= {min_win_rate:g} on {metric}"
        else:
            assert budget is not None
            routes = many.best_within(budget)
            bar = f"best {metric} score within {budget:g} {unit}"
        if budget is not None and bars:
            routes = tuple(r for r in routes if r.cost <= budget)
            bar += f", cost <= {budget:g} {unit}"
        if not routes:
            raise NoCandidateError(f"no route meets {bar} as of {router.as_of}")
        made = (Tier(name, bar, routes),)
        names = _names(view, routes)
        return GatewayPlan(made, {name: ()}, metric, unit, router.as_of, w, f"recommendation: {bar}", names)
    front = router.frontier
    if not front:
        raise NoCandidateError(f"no model has both a price and a {metric} score as of {router.as_of}")
    count = min(tiers, len(front))
    picks = [front[round(k * (len(front) - 1) / max(1, count - 1))] for k in range(count)] if count > 1 else [front[0]]
    made_tiers = []
    for k, pick in enumerate(picks, 1):
        routes = many.cheapest(pick.score)
        made_tiers.append(Tier(f"{name}-{k}", f"{metric} score >= {pick.score:g}", routes))
    order = [t.name for t in made_tiers]
    falls = {t: tuple(order[i + 1 :]) for i, t in enumerate(order)}
    source = f"frontier: {count} quality tiers along the {metric} frontier"
    names = _names(view, [r for t in made_tiers for r in t.routes])
    return GatewayPlan(tuple(made_tiers), falls, metric, unit, router.as_of, w, source, names)


def _callable(view: Catalog, usable: Callable[[Model, PricePeriod], bool], references: set[str]) -> Catalog:
    """The view with only the price periods ``usable`` accepts (a reference left with none keeps all)."""
    models = []
    for m in view.models:
        kept = tuple(p for p in m.prices if usable(m, p))
        if len(kept) == len(m.prices) or (not kept and m.id in references):
            models.append(m)
        else:
            models.append(dataclasses.replace(m, prices=kept))
    return dataclasses.replace(view, models=tuple(models))


def _names(view: Catalog, routes: Sequence[Route]) -> dict[str, tuple[str, ...]]:
    found = {}
    for r in routes:
        model = view.get(r.id)
        found[r.id] = (model.id, *(a.name for a in model.aliases))
    return found


def export_config(
    catalog: Catalog,
    target: str,
    *,
    metric: str = DEFAULT_METRIC,
    workload: Workload | None = None,
    per: Per = "mtok",
    target_model: str | None = None,
    min_score: float | None = None,
    min_win_rate: float | None = None,
    vs: str | None = None,
    budget: float | None = None,
    fallbacks: int = 3,
    tiers: int = 3,
    name: str = "advisor",
) -> GatewayConfig:
    """A gateway config (``target``: a key of :data:`TARGETS`) for the plan :func:`plan` makes
    from the routes that gateway can call.

    ``target_model`` is :func:`plan`'s ``target`` (the model not to be statistically worse than).

    >>> import datetime as dt
    >>> from advisor import load_catalog
    >>> cfg = export_config(load_catalog().as_of(dt.date(2024, 7, 24)), "litellm", target_model="gpt-4o", fallbacks=1)
    >>> [r.litellm_model for r in cfg.plan.tiers[0].routes]
    ['openai/gpt-4o-mini-2024-07-18', 'openrouter/openai/gpt-4o-2024-05-13']
    """
    chosen = TARGETS.get(target)
    if chosen is None:
        raise AdvisorError(f"unknown export target {target!r} (known: {', '.join(TARGETS)})")
    made = plan(
        catalog,
        metric=metric,
        workload=workload,
        per=per,
        target=target_model,
        min_score=min_score,
        min_win_rate=min_win_rate,
        vs=vs,
        budget=budget,
        fallbacks=fallbacks,
        tiers=tiers,
        name=name,
        usable=chosen.calls,
    )
    text, skipped = chosen.render(made)
    return GatewayConfig(chosen.name, text, chosen.suffix, made, skipped)


def header_lines(plan: GatewayPlan, gateway: str) -> list[str]:
    """The comment lines every config starts with: what made it, and each tier's routes with price and score."""
    from advisor import __version__
    from advisor.money import usd

    w = plan.workload
    lines = [
        f"{gateway} config generated by advisor {__version__} from the catalog as of {plan.as_of}",
        f"{plan.source}; prices at {w.input_tokens:,.0f} input + {w.output_tokens:,.0f} output tokens per request",
    ]
    for tier in plan.tiers:
        lines.append(f"{tier.name}: {tier.bar}")
        for k, r in enumerate(tier.routes):
            role = "choice" if k == 0 else f"fallback {k}"
            where = f" via {r.host}" if r.host else ""
            lines.append(
                f"  {role}: {r.id}{where}, {usd(r.usd_per_mtok, 'mtok')} blended, {r.metric} {r.score:g} "
                f"(95% CI {r.ci_lower:g}-{r.ci_upper:g})"
            )
    return lines
