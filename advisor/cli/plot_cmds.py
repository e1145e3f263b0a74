"""Commands registered by this module are added as they are built."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add this module's commands to the ``advisor`` parser."""
