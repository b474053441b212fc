"""Build small worlds step by step, for tests that look inside a run."""

from __future__ import annotations

from dataclasses import dataclass

from sim.population.citizens import Population, generate_population
from sim.population.registers import Registers, build_registers
from sim.rng import Streams
from sim.scenario import Scenario
from sim.workload import Workload, generate_workload
from sim.world import World


@dataclass
class Parts:
    scenario: Scenario
    population: Population
    registers: Registers
    workload: Workload
    streams: Streams

    def world(self, architecture: str) -> World:
        return World(
            self.scenario,
            self.population,
            self.registers,
            self.workload,
            self.streams,
            architecture,
        )


def build(scenario: Scenario, replication: int = 0) -> Parts:
    streams = Streams(scenario.seed, replication)
    population = generate_population(scenario.population, streams, scenario.duration)
    registers = build_registers(scenario, population, streams)
    workload = generate_workload(scenario, population, registers, streams)
    return Parts(scenario, population, registers, workload, streams)
