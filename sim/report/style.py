"""What every plot and table shares: architecture colours, metric names in words, units."""

from __future__ import annotations

import math

from sim.metrics import GLOSSARY, describe
from sim.report.table import seconds

ARCHITECTURE_COLOURS = {
    "separate": "#1b9e77",
    "flat": "#d95f02",
    "sectoral": "#7570b3",
    "symbol": "#e7298a",
}
_SPARE_COLOURS = ("#66a61e", "#e6ab02", "#a6761d", "#666666")

FAMILY_TITLES = {
    "linkage": "Linkage efficiency",
    "procedure": "Procedures",
    "citizen": "Citizens' burden",
    "privacy": "Privacy exposure",
    "resilience": "Resilience",
    "cost": "Cost",
    "load": "Load",
}

UNIT_LABELS = {
    "share": "%",
    "s": "seconds",
    "h": "hours",
}


def colour(architecture: str, architectures: list[str] | None = None) -> str:
    """The architecture's colour, the same in every plot."""
    if architecture in ARCHITECTURE_COLOURS:
        return ARCHITECTURE_COLOURS[architecture]
    others = [a for a in (architectures or [architecture]) if a not in ARCHITECTURE_COLOURS]
    index = others.index(architecture) if architecture in others else 0
    return _SPARE_COLOURS[index % len(_SPARE_COLOURS)]


_NAMED = {info.name for info in GLOSSARY}


def named(metric: str) -> bool:
    """Whether the glossary names the metric itself (not a ``<node>`` or ``<compromise>`` one)."""
    return metric in _NAMED


def family(metric: str) -> str:
    """The metric's family: the part before the first dot (``linkage``, ``load`` ...)."""
    return metric.partition(".")[0]


def label(metric: str) -> str:
    """A metric name in words: ``linkage.latency_p95`` → ``latency p95``."""
    name = metric.partition(".")[2]
    return name.replace("_", " ").replace(".", ": ")


def unit_label(metric: str) -> str:
    """The unit as an axis label shows it (shares in %)."""
    unit = unit_of(metric)
    return UNIT_LABELS.get(unit, unit)


def unit_of(metric: str) -> str:
    """The glossary unit of a metric ('' if the glossary does not know it)."""
    try:
        return describe(metric).unit
    except KeyError:
        return ""


def better(metric: str) -> str:
    """'higher', 'lower' or '' (the glossary's judgement)."""
    try:
        return describe(metric).better
    except KeyError:
        return ""


def scale(metric: str) -> float:
    """Factor from the stored value to the plotted one (shares are plotted in %)."""
    return 100.0 if unit_of(metric) == "share" else 1.0


def number(value: float, unit: str, signed: bool = False, difference: bool = False) -> str:
    """A value in its unit for prose: ``87.1%``, ``56 ms``, ``1.2 h``, ``1,373``.

    ``signed`` adds a ``+`` to positive values; ``difference`` writes a share
    as percentage points (``+3.2 points``) rather than a percentage.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    sign = "+" if signed and value > 0 else ""
    if unit == "share":
        return f"{sign}{value * 100:.3g}{' points' if difference or signed else '%'}"
    if unit == "s":
        return sign + seconds(value)
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    suffix = f" {unit}" if unit in ("h", "server-h") else ""
    return f"{sign}{text}{suffix}"
