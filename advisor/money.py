"""The one money formatter: every dollar amount a person reads (CLI, charts, reprs, messages) comes from here.

Rules, so that a price reads the same everywhere:

* thousands separators: ``$1,600.00``, ``$10,000``;
* amounts of a dollar or more show cents: ``$7.50``, ``$85.00``;
* amounts under a dollar keep four significant digits (never fewer than two decimals), so small
  prices stay readable and float noise disappears: ``$0.2625``, ``$0.50``, ``$0.03007``,
  ``$0.000375`` and ``0.036000000000000004`` reads ``$0.036``;
* a unit is named whenever the amount stands alone: ``$0.2625 per 1M tokens``; table cells leave it
  to the column header (``$/1M tok``) and :func:`usd_column` lines their decimal points up;
* unknown (None, NaN, infinite) is ``-``.

>>> usd(1600, "month")
'$1,600.00 per month'
>>> usd(0.2625, "mtok")
'$0.2625 per 1M tokens'
>>> usd(0.036000000000000004)
'$0.036'
>>> usd_tick(10000), usd_tick(0.5)
('$10,000', '$0.5')
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Final

UNITS: Final = {"mtok": "per 1M tokens", "request": "per request", "month": "per month"}
"""What an amount is per, keyed like :data:`advisor.workload.PER_UNITS` (``--per`` values)."""

HEADERS: Final = {"mtok": "$/1M tok", "request": "$/request", "month": "$/month"}
"""Short units for table headers and axis titles, keyed like :data:`UNITS`."""

SIGNIFICANT: Final = 4
"""Significant digits kept for amounts under a dollar."""


def _known(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _digits(value: float, significant: int) -> str:
    """A non-negative finite amount without the dollar sign: ``1,600.00``, ``0.2625``."""
    if value >= 1 or value == 0:
        return f"{value:,.2f}"
    decimals = max(2, significant - 1 - math.floor(math.log10(value)))
    text = f"{value:.{decimals}f}"
    if decimals > 2:
        whole, frac = text.split(".")
        text = f"{whole}.{frac.rstrip('0').ljust(2, '0')}"
    return text


def usd(value: float | None, per: str | None = None, *, significant: int = SIGNIFICANT) -> str:
    """An amount of US dollars for a person to read, with its unit when ``per`` is given.

    ``per`` is a key of :data:`UNITS` (``"mtok"``, ``"request"``, ``"month"``) or any other text,
    which is appended as written (``usd(5, "per hour")``). Unknown amounts are ``-``.

    >>> usd(85), usd(1600), usd(0.5), usd(0.262), usd(0.03007), usd(0.000375), usd(0)
    ('$85.00', '$1,600.00', '$0.50', '$0.262', '$0.03007', '$0.000375', '$0.00')
    >>> usd(-12.5), usd(None), usd(float("nan"))
    ('-$12.50', '-', '-')
    >>> usd(7500, "month")
    '$7,500.00 per month'
    """
    if value is None or not math.isfinite(value):
        return "-"
    text = f"{'-' if value < 0 else ''}${_digits(abs(float(value)), significant)}"
    if per:
        text += f" {UNITS.get(per, per)}"
    return text


def usd_column(values: Iterable[float | None], *, significant: int = SIGNIFICANT) -> list[str]:
    """Cells for one table column: :func:`usd` of each, padded on the right so decimal points line up.

    Right-aligned, the cells read as a column of figures (an unknown's ``-`` sits at the point).

    >>> usd_column([7.5, 0.2625, None, 1600])
    ['$7.50  ', '$0.2625', '-     ', '$1,600.00  ']
    """
    cells = [usd(v, significant=significant) for v in values]
    fracs = [len(c) - c.index(".") - 1 if "." in c else -1 for c in cells]
    widest = max(fracs, default=0)
    return [c + " " * (widest - f) for c, f in zip(cells, fracs, strict=True)]


def usd_tick(value: float) -> str:
    """An axis tick: no cents on whole dollars, no trailing zeros (``$10,000``, ``$2``, ``$0.05``)."""
    if not math.isfinite(value):
        return "-"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1 and value == round(value):
        return f"{sign}${value:,.0f}"
    text = _digits(value, SIGNIFICANT).rstrip("0").rstrip(".")
    return f"{sign}${text}"


def usd_header(per: str) -> str:
    """The short unit of a table header or axis title for ``per`` (``$/1M tok``)."""
    return HEADERS[per]
