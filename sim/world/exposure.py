"""Each architecture's holdings for one replication, enrolled but not run: for pictures and timing.

Holdings describe the registers at the start of the run, so enrolment is all
they need; the privacy metrics of a full run come from ``simulate_replication``.
"""

from __future__ import annotations

from pathlib import Path

from sim.architectures.stores import Holdings
from sim.population.citizens import generate_population
from sim.population.registers import build_registers
from sim.privacy.picture import save_exposure_pictures
from sim.rng import Streams
from sim.scenario import Scenario
from sim.workload import generate_workload
from sim.world.world import World


def enrolled_worlds(scenario: Scenario, replication: int = 0) -> list[World]:
    """A world per architecture of the scenario, on one replication's population, enrolled."""
    streams = Streams(scenario.seed, replication)
    population = generate_population(scenario.population, streams, scenario.duration)
    registers = build_registers(scenario, population, streams)
    workload = generate_workload(scenario, population, registers, streams)
    worlds = []
    for name in scenario.architectures:
        world = World(scenario, population, registers, workload, streams, name)
        world.enroll()
        worlds.append(world)
    return worlds


def enrolled_holdings(scenario: Scenario, replication: int = 0) -> dict[str, Holdings]:
    """What each architecture's systems store at the start of one replication."""
    return {
        world.architecture.name: world.architecture.holdings(world)
        for world in enrolled_worlds(scenario, replication)
    }


def write_exposure_pictures(
    scenario: Scenario, folder: str | Path, compromise: str | None = None
) -> list[Path]:
    """Write ``exposure-<architecture>.png`` into ``folder`` for replication 0."""
    return save_exposure_pictures(scenario, enrolled_holdings(scenario), folder, compromise)
