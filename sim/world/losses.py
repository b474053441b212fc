"""Register entries a disaster destroys, counted from the run's own registers and changes.

An agency system on a destroyed site loses every entry it holds at that moment,
unless the site has a backup site that is not itself down then; with a backup,
it loses only the entries changed within the replication lag before the
disaster: copies recorded as citizens moved in or married (or as the agency was
told of it), and entries of citizens born in that time.
"""

from __future__ import annotations

import numpy as np

from sim.population.citizens import Population
from sim.population.records import update_schedule
from sim.population.registers import Registers
from sim.scenario import Scenario
from sim.world.failures import Strike


def records_lost(
    scenario: Scenario,
    population: Population,
    registers: Registers,
    strikes: list[Strike],
    site_of_agency_node: list[str],
) -> int:
    """Entries lost by the agency systems on sites that disasters struck.

    Args:
        strikes: every (site, time) a disaster struck.
        site_of_agency_node: the site each agency system (by node index) runs on.
    """
    specs = {site.name: site for site in scenario.hosting.sites}
    changes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    lost = 0
    for strike in strikes:
        spec = specs[strike.site]
        backed_up = spec.backup_site is not None and not any(
            other.site == spec.backup_site and other.at <= strike.at < other.restored_at
            for other in strikes
        )
        for node, site in enumerate(site_of_agency_node):
            if site != strike.site:
                continue
            if not backed_up:
                lost += _entries_held(population, registers, node, strike.at)
                continue
            if changes is None:
                history = population.events.history_start
                changes = update_schedule(scenario, population, registers, since=history)
            since = strike.at - spec.replication_lag
            lost += _entries_changed(population, registers, node, since, strike.at, changes)
    return lost


def _entries_held(population: Population, registers: Registers, node: int, at: float) -> int:
    persons = np.flatnonzero(population.born_at <= at)
    held = registers.holds(node, persons, np.full(len(persons), at), population)
    return int(held.sum())


def _entries_changed(
    population: Population,
    registers: Registers,
    node: int,
    since: float,
    until: float,
    changes: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> int:
    times, nodes, persons = changes
    updated = persons[(nodes == node) & (times >= since) & (times < until)]
    born = np.flatnonzero((population.born_at >= since) & (population.born_at < until))
    born = born[registers.holds(node, born, population.born_at[born], population)]
    return len(np.union1d(updated, born))
