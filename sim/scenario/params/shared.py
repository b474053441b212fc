"""Pieces shared by architecture parameters: central systems and name checks."""

from __future__ import annotations

from difflib import get_close_matches

from pydantic import Field

from sim.scenario.distributions import DurationDistribution

Problems = list[tuple[tuple[str | int, ...], str]]
"""Problems found across sections: (key path, message) pairs."""


def servers_field(default: int) -> int:
    """The ``servers`` key of a central system."""
    return Field(default, ge=1, le=100_000, description="parallel servers of the system")


def share_field(default: float, description: str) -> float:
    """A share or probability, between 0 and 1."""
    return Field(default, ge=0, le=1, description=description)


def service_time_field(mean: str) -> DurationDistribution:
    """The ``service_time`` key of a central system: lognormal with cv 0.5 by default."""
    return Field(
        default_factory=lambda: DurationDistribution(distribution="lognormal", mean=mean, cv=0.5),
        description="time the system takes to handle one request",
    )


def check_names(
    problems: Problems, path: tuple[str | int, ...], name: str, kind: str, known: list[str]
) -> None:
    """Add a problem at ``path`` when ``name`` is not one of the ``known`` names of a ``kind``."""
    if name in known:
        return
    close = get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    problems.append((path, f"unknown {kind} {name!r} (expected one of {', '.join(known)}){hint}"))
