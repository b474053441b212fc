"""Quantities with units in scenario values: durations such as ``"2 h"`` or ``"250 ms"``.

Simulation time is kept in seconds. Durations in a scenario always carry a unit,
so that a reader never has to guess whether ``30`` means seconds or minutes.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

SECONDS_PER_UNIT: dict[str, float] = {
    "ms": 0.001,
    "s": 1.0,
    "min": 60.0,
    "h": 3600.0,
    "day": 86400.0,
    "week": 7 * 86400.0,
    "year": 365.25 * 86400.0,
}
_ALIASES = {
    "millisecond": "ms",
    "milliseconds": "ms",
    "sec": "s",
    "second": "s",
    "seconds": "s",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "hour": "h",
    "hours": "h",
    "d": "day",
    "days": "day",
    "weeks": "week",
    "years": "year",
}
_PATTERN = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-zA-Z]+)\s*$")
UNIT_HINT = "a number and a unit, e.g. '250 ms', '30 s', '5 min', '2 h', '1 day'"


def parse_duration(value: object) -> float:
    """Seconds for a duration such as ``"1.5 h"``; raises ValueError with the expected form."""
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(f"expected {UNIT_HINT}, got the bare number {value!r}: add a unit")
        raise ValueError(f"expected {UNIT_HINT}, got {type(value).__name__} {value!r}")
    match = _PATTERN.match(value)
    if not match:
        raise ValueError(f"expected {UNIT_HINT}, got {value!r}")
    number, unit = float(match.group(1)), match.group(2).lower()
    unit = _ALIASES.get(unit, unit)
    if unit not in SECONDS_PER_UNIT:
        known = ", ".join(SECONDS_PER_UNIT)
        raise ValueError(f"unknown unit {match.group(2)!r} in {value!r} (known units: {known})")
    return number * SECONDS_PER_UNIT[unit]


def format_duration(seconds: float) -> str:
    """The most readable unit for a duration in seconds, exact to float precision."""
    if seconds == 0:
        return "0 s"
    for unit in ("year", "week", "day", "h", "min", "s"):
        size = SECONDS_PER_UNIT[unit]
        if seconds >= size and float(seconds / size).is_integer():
            return f"{int(seconds // size)} {unit}"
    if seconds >= 1:
        return f"{seconds:g} s"
    return f"{seconds * 1000:g} ms"


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
]
"""A duration in seconds, written in the scenario with a unit."""
