"""LiteLLM Router / proxy config: ``model_list`` and ``router_settings.fallbacks``.

Each route is its own model group (the tier's name for its choice, ``<tier>-fallback-<k>`` for the
others) whose deployment calls ``litellm_params.model``, the route's LiteLLM ``provider/model``
string. ``router_settings.fallbacks`` sends a failed call of a tier to its fallbacks in order, then
to the better tiers. The same text is a proxy ``config.yaml`` and, loaded with ``yaml.safe_load``,
the arguments of ``litellm.Router(model_list=..., **router_settings)``. API keys are not written:
LiteLLM reads each provider's usual environment variable (``OPENAI_API_KEY``, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.export import GatewayPlan
    from advisor.schema import Model, PricePeriod


def calls(model: Model, period: PricePeriod) -> bool:
    """Whether LiteLLM can call the model where ``period`` sells it: the catalog knows a LiteLLM string there."""
    from advisor.endpoints import api_names

    return api_names(model, period.host)[1] is not None


def config(plan: GatewayPlan) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The config as data (``model_list``, ``router_settings``) and the routes left out (no LiteLLM name)."""
    model_list: list[dict[str, Any]] = []
    groups: dict[str, list[str]] = {}
    skipped: list[str] = []
    for tier in plan.tiers:
        names: list[str] = []
        for r in tier.routes:
            if r.litellm_model is None:
                skipped.append(f"{r.id} via {r.host or 'its maker'}")
                continue
            group = tier.name if not names else f"{tier.name}-fallback-{len(names)}"
            names.append(group)
            model_list.append({"model_name": group, "litellm_params": {"model": r.litellm_model}})
        if names:
            groups[tier.name] = names
    fallbacks = []
    for tier in plan.tiers:
        names = groups.get(tier.name, [])
        if not names:
            continue
        after = names[1:] + [t for t in plan.fallbacks.get(tier.name, ()) if t in groups]
        if after:
            fallbacks.append({tier.name: after})
    return {"model_list": model_list, "router_settings": {"fallbacks": fallbacks}}, tuple(skipped)


def render(plan: GatewayPlan) -> tuple[str, tuple[str, ...]]:
    """The config as YAML text, its header comments saying what each group is and why it was chosen."""
    import yaml

    from advisor.export import header_lines

    data, skipped = config(plan)
    lines = ["# " + line for line in header_lines(plan, "LiteLLM Router / proxy")]
    if skipped:
        lines.append("# left out (the catalog does not know the LiteLLM name): " + ", ".join(skipped))
    body = yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1000)
    return "\n".join(lines) + "\n" + body, skipped
