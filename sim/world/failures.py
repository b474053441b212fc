"""When systems, sites and networks are down, and the names an outage or a site may use.

Down windows come from the scenario's ``outages`` (a fixed window, or windows
drawn from a mean time between failures and to repair, each entry from its own
named stream so every architecture sees the same failures) and from
``disasters``, which take a site down from the moment they strike until its
restore time has passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from sim.architectures import available
from sim.population.registers import Registers
from sim.scenario import Scenario, ScenarioError

Windows = list[tuple[float, float]]


@dataclass(frozen=True)
class Strike:
    """A disaster striking one site: down from ``at`` until ``restored_at``."""

    site: str
    at: float
    restored_at: float


@dataclass
class DownTime:
    """Down windows by system (or group) name, by site and by network."""

    systems: dict[str, Windows] = field(default_factory=dict)
    sites: dict[str, Windows] = field(default_factory=dict)
    networks: dict[str, Windows] = field(default_factory=dict)
    strikes: list[Strike] = field(default_factory=list)

    def for_system(self, name: str, group: str, site: str | None) -> Windows:
        """Every window in which a system is down: its own, its group's and its site's."""
        windows = list(self.systems.get(name, []))
        if group != name:
            windows += self.systems.get(group, [])
        if site is not None:
            windows += self.sites.get(site, [])
        return windows


def drawn_windows(mtbf: float, mttr: float, until: float, rng: np.random.Generator) -> Windows:
    """Down windows before ``until``: exponential times up (mean ``mtbf``) and down (``mttr``)."""
    windows: Windows = []
    now = rng.exponential(mtbf)
    while now < until:
        repair = rng.exponential(mttr)
        windows.append((now, now + repair))
        now += repair + rng.exponential(mtbf)
    return windows


def down_time(scenario: Scenario, rng: Callable[..., np.random.Generator]) -> DownTime:
    """The down windows of a run, from ``outages`` and ``disasters``."""
    down = DownTime()
    for index, outage in enumerate(scenario.outages):
        if outage.node is not None:
            kind, name, table = "node", outage.node, down.systems
        elif outage.site is not None:
            kind, name, table = "site", outage.site, down.sites
        else:
            kind, name, table = "network", outage.network, down.networks
        if outage.mtbf is not None:
            stream = rng("failures", kind, name, str(index))
            windows = drawn_windows(outage.mtbf, outage.mttr, scenario.duration, stream)
        else:
            windows = [(outage.start, outage.start + outage.duration)]
        table.setdefault(name, []).extend(windows)
    for disaster in scenario.disasters:
        for site in scenario.hosting.sites:
            if disaster.site == site.name or (disaster.region and disaster.region == site.region):
                strike = Strike(site.name, disaster.at, disaster.at + disaster.restore_time)
                down.strikes.append(strike)
                down.sites.setdefault(site.name, []).append((strike.at, strike.restored_at))
    for table in (down.sites, down.networks):
        for name, windows in table.items():
            table[name] = merged(windows)
    return down


def merged(windows: Windows) -> Windows:
    """Windows sorted, with overlapping ones joined and empty ones dropped."""
    joined: Windows = []
    for start, end in sorted(windows):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        elif end > start:
            joined.append((start, end))
    return joined


def check_system_names(
    scenario: Scenario, registers: Registers, hosted: Iterable[tuple[str, str]]
) -> None:
    """Raise a ScenarioError for an outage or a site naming no system, or a site named as one.

    ``hosted`` gives each name a site hosts, with its key path.
    """
    agencies = [agency.name for agency in scenario.agencies]
    systems = sorted(set().union(*(cls.system_names(scenario) for cls in available().values())))
    known = {*agencies, *systems, *(node.name for node in registers.nodes)}
    listed = ", ".join(systems[:12])
    if len(systems) > 12:
        listed += f" and {len(systems) - 12} more"
    expected = (
        f"expected an agency or one of its offices: {', '.join(agencies)}; "
        f"or a central system: {listed}"
    )
    named = [
        (outage.node, f"outages.{index}.node")
        for index, outage in enumerate(scenario.outages)
        if outage.node is not None
    ]
    for name, key in [*named, *hosted]:
        if name not in known:
            raise ScenarioError.single("scenario", f"unknown node {name!r} ({expected})", key)
    for index, site in enumerate(scenario.hosting.sites):
        if site.name in known:
            raise ScenarioError.single(
                "scenario",
                f"the site name {site.name!r} is also a system's name; choose another, so "
                "that their metrics differ",
                f"hosting.sites.{index}.name",
            )
