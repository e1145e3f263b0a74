"""Where a route is called and by what name: the host's own model id, the LiteLLM and OpenRouter names.

The catalog records each name a model goes by as an alias (LiteLLM keys such as
``deepinfra/google/gemma-3-27b-it``, OpenRouter ids, Arena display names). A price period's ``host``
says who sells it; no host means the maker's own API. The names are read from the aliases, never
invented for a host: a host whose name for the model the catalog does not know gets None, so an
export leaves that route out rather than writing a name the gateway would reject.

Hosts come in two vocabularies: a price from a LiteLLM map names its ``litellm_provider``, a price
from genai-prices its own provider id (``huggingface_together``, ``quicksilverpro``, ``together``),
which LiteLLM does not take as a ``provider/`` prefix. So a host's alias is a LiteLLM string only
when LiteLLM names that host: the model's price there comes from a LiteLLM map (source key
``litellm...``), or the host is one whose ids every source spells alike (:data:`SAME_IDS`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from advisor.schema import Model

SAME_IDS: frozenset[str] = frozenset({"openrouter"})
"""Hosts whose model ids LiteLLM, genai-prices and the host itself spell alike: LiteLLM passes
``openrouter/<id>`` to OpenRouter as is, so a genai-prices OpenRouter name is a LiteLLM string too."""

# Hosts whose LiteLLM keys are bare (``meta.llama3-70b-instruct-v1:0``), recognised by the form of
# their ids: ``vendor.model`` with an optional region prefix and ``:version`` suffix.
_BEDROCK = re.compile(r"^(?:[a-z]{2}\.)?[a-z]+\.[a-z0-9][A-Za-z0-9._-]*(?::[0-9a-z]+)?$")
_BARE_KEYS: Mapping[str, re.Pattern[str]] = {"bedrock": _BEDROCK, "bedrock_converse": _BEDROCK}

OPENROUTER_VENDORS: Mapping[str, str] = {
    "OpenAI": "openai",
    "Anthropic": "anthropic",
    "Google": "google",
    "Meta": "meta-llama",
    "Mistral": "mistralai",
    "DeepSeek": "deepseek",
    "Alibaba": "qwen",
    "xAI": "x-ai",
    "Moonshot": "moonshotai",
    "Zhipu AI": "z-ai",
    "MiniMax": "minimax",
    "Cohere": "cohere",
    "Amazon": "amazon",
    "Microsoft": "microsoft",
    "NVIDIA": "nvidia",
    "AI21 Labs": "ai21",
}
"""OpenRouter's vendor prefix for each maker (``Model.provider``)."""


@functools.cache
def _own_prefixes() -> Mapping[str, str]:
    """The LiteLLM provider of each maker's own API (the first LiteLLM provider naming it)."""
    from advisor.importers.litellm import OWN_API

    prefixes: dict[str, str] = {}
    for litellm_provider, maker in OWN_API.items():
        prefixes.setdefault(maker, litellm_provider)
    return prefixes


def endpoint(model: Model, host: str | None) -> str:
    """Who answers the call: the host, else the maker's own API (its LiteLLM provider name if known)."""
    if host is not None:
        return host
    provider = model.provider or model.id
    return _own_prefixes().get(provider, provider)


def api_names(model: Model, host: str | None) -> tuple[str | None, str | None]:
    """``(name at the host, LiteLLM model string)`` for calling ``model`` where ``host`` sells it.

    The maker's own API (no host) takes the model id, which the catalog keeps equal to the maker's
    API id (a moving alias such as ``openai/gpt-4o-mini`` may name a newer snapshot than the one
    priced). A reasoning mode the Arena rates separately (``mode_of``: ``gpt-5.1-high``) has no API
    id of its own: it takes an alias under its maker's LiteLLM provider (``deepseek/deepseek-reasoner``),
    else both names are None (calling it needs request parameters no model name carries). A host
    takes the alias under its name (``deepinfra/google/gemma-3-27b-it``), or for hosts with bare keys
    (Bedrock) an alias of their form; otherwise both names are None. The LiteLLM string is None too
    when LiteLLM does not name the host (see the module notes): ``huggingface_together/...`` is a
    genai-prices name, not one LiteLLM can call.
    """
    names = (model.id, *(a.name for a in model.aliases))
    if host is None:
        prefix = _own_prefixes().get(model.provider or "")
        if model.mode_of is None:
            return model.id, None if prefix is None else prefix + "/" + model.id
        if prefix is not None:
            for name in names[1:]:
                if name.casefold().startswith(prefix + "/"):
                    own = name[len(prefix) + 1 :]
                    return own, prefix + "/" + own
        return None, None
    callable_ = host in SAME_IDS or any(p.host == host and p.source.startswith("litellm") for p in model.prices)
    lead = host.casefold() + "/"
    for name in names:
        if name.casefold().startswith(lead):
            at_host = name[len(lead) :]
            return at_host, host + "/" + at_host if callable_ else None
    bare = _BARE_KEYS.get(host)
    if bare is not None:
        for name in names:
            if bare.match(name):
                return name, host + "/" + name if callable_ else None
    return None, None


def openrouter_name(model: Model) -> str | None:
    """The model's OpenRouter id: an ``openrouter/...`` alias, else an alias under its maker's vendor prefix."""
    return openrouter_name_of(model.provider, (model.id, *(a.name for a in model.aliases)))


def openrouter_name_of(provider: str | None, names: tuple[str, ...]) -> str | None:
    """:func:`openrouter_name` from a maker and the names a model goes by (its id first)."""
    for name in names:
        if name.casefold().startswith("openrouter/"):
            return name[len("openrouter/") :]
    vendor = OPENROUTER_VENDORS.get(provider or "")
    if vendor is not None:
        for name in names:
            if name.casefold().startswith(vendor + "/") and "/" not in name[len(vendor) + 1 :]:
                return name
    return None
