"""Turn advisor's frozen dataclasses into plain JSON-ready data (what ``--json`` prints)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from typing import Any


def jsonable(obj: Any) -> Any:
    """Return ``obj`` as dicts, lists, strings, numbers, booleans and None.

    Dates become ISO strings; non-finite floats become None (JSON has no NaN); numpy scalars and
    arrays become Python numbers and lists.
    """
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    tolist = getattr(obj, "tolist", None)  # numpy arrays and scalars, without importing numpy
    if callable(tolist):
        return jsonable(tolist())
    raise TypeError(f"cannot turn {type(obj).__name__} into JSON")
