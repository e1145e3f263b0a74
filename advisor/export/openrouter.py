"""OpenRouter request fields: a ranked ``models`` list per tier, which OpenRouter tries in order.

OpenRouter picks the host itself, so a model served by several hosts appears once; its id is the
model's OpenRouter name from the catalog (an ``openrouter/...`` alias, or one under the maker's
OpenRouter vendor prefix). A plan with one tier gives the fields of one request
(``{"models": [...]}``, merged into the request body); with several, an object of them by tier name.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from advisor.export import GatewayPlan
    from advisor.schema import Model, PricePeriod


def calls(model: Model, period: PricePeriod) -> bool:
    """Whether OpenRouter can serve the model (it picks the host itself): the catalog knows its OpenRouter id."""
    from advisor.endpoints import openrouter_name

    return openrouter_name(model) is not None


def fields(plan: GatewayPlan) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The request fields per tier, and the models left out (no OpenRouter name in the catalog)."""
    from advisor.endpoints import openrouter_name_of

    per_tier: dict[str, Any] = {}
    skipped: list[str] = []
    for tier in plan.tiers:
        models: list[str] = []
        for r in tier.routes:
            name = openrouter_name_of(r.provider, plan.names.get(r.id, (r.id,)))
            if name is None:
                if r.id not in skipped:
                    skipped.append(r.id)
            elif name not in models:
                models.append(name)
        if models:
            per_tier[tier.name] = {"models": models}
    if len(plan.tiers) == 1:
        return next(iter(per_tier.values()), {"models": []}), tuple(skipped)
    return per_tier, tuple(skipped)


def render(plan: GatewayPlan) -> tuple[str, tuple[str, ...]]:
    """The fields as JSON text (JSON has no comments: what made it is in ``advisor export --json``)."""
    data, skipped = fields(plan)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n", skipped
