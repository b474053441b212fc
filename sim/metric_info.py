"""One entry of the metric glossary."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricInfo:
    """One glossary entry. ``<node>`` in a name stands for an agency or system name,
    ``<compromise>`` for the name of a set of leaked systems (``privacy.compromises``).

    ``scaled`` marks a count of persons or records in the population: when only a
    sample of the citizens is simulated (``population.sample`` below 1) it is
    multiplied by the scale factor (``population.size`` / simulated citizens).
    Counts of exchanges, times and shares come from the full-volume workload and
    are never scaled.
    """

    name: str
    unit: str
    meaning: str
    better: str = ""  # "higher", "lower" or "" when neither is better
    scaled: bool = False
