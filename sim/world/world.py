"""One SimPy run of one architecture over one replication's population and workload."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np
import simpy

from sim.architectures import Architecture, available
from sim.architectures.resolution import NOT_ANSWERED, UNAVAILABLE, NodeUnavailable, Resolution
from sim.population.citizens import Population
from sim.population.registers import Registers
from sim.rng import Streams
from sim.scenario import Scenario, ScenarioError
from sim.scenario.distributions import DurationDistribution
from sim.workload import Workload
from sim.world.log import QueryLog
from sim.world.node import DurationSampler, Node


@dataclass
class WorldResult:
    """What one run produced: the per-query log and every node's statistics."""

    architecture: str
    log: QueryLog
    nodes: list[Node]
    measure_from: float
    measure_until: float
    node_sectors: np.ndarray  # the sector of each agency node, by node index (as in the workload)


class World:
    """The SimPy environment, the agencies' systems and the network, for one architecture."""

    def __init__(
        self,
        scenario: Scenario,
        population: Population,
        registers: Registers,
        workload: Workload,
        streams: Streams,
        architecture: str,
    ):
        self.env = simpy.Environment()
        self.scenario = scenario
        self.population = population
        self.registers = registers
        self.workload = workload
        self._streams = streams
        self._outages = _outage_windows(scenario, registers)
        self.nodes: list[Node] = []
        for node in registers.nodes:
            spec = scenario.agency(node.agency)
            self.add_node(node.name, spec.servers, spec.service_time, group=node.agency)
        self._latency = DurationSampler(scenario.network.latency, streams.get("network"))
        self.log = QueryLog(len(workload))
        self.architecture = _make_architecture(scenario, architecture)
        self._enrolled = False

    def rng(self, *names: str) -> np.random.Generator:
        """A named random stream of this replication (same names, same numbers)."""
        return self._streams.get(*names)

    def hop(self) -> simpy.Timeout:
        """One network hop: a timeout of one latency draw."""
        return self.env.timeout(self._latency())

    def add_node(
        self, name: str, servers: int, service_time: DurationDistribution, group: str = ""
    ) -> Node:
        """Add a system with its own servers, queue and service-time stream."""
        sampler = DurationSampler(service_time, self._streams.get("service", name))
        node = Node(
            self.env,
            name,
            group or name,
            servers,
            sampler,
            self.scenario.warmup,
            self.scenario.duration,
        )
        windows = self._outages.get(name, []) + self._outages.get(group, [])
        if windows:
            node.set_outages(windows, self.scenario.max_wait_for_outage)
        self.nodes.append(node)
        return node

    def enroll(self) -> None:
        """Let the architecture give every agency its identifiers (once)."""
        if not self._enrolled:
            self.architecture.enroll(self)
            self._enrolled = True

    def run(self) -> WorldResult:
        """Enrol, replay the workload, drain the queues, and return what happened."""
        self.enroll()
        self.env.process(self._replay())
        self.env.run()
        for node in self.nodes:
            node.finish()
        return WorldResult(
            self.architecture.name,
            self.log,
            self.nodes,
            self.scenario.warmup,
            self.scenario.duration,
            np.array([node.sector for node in self.registers.nodes], dtype=object),
        )

    def _replay(self) -> Generator[simpy.Event, object, None]:
        env = self.env
        for query, issued_at in enumerate(self.workload.time.tolist()):
            if issued_at > env.now:
                yield env.timeout(issued_at - env.now)
            env.process(self._query(query))

    def _query(self, query: int) -> Generator[simpy.Event, object, None]:
        try:
            resolution = yield from self.architecture.resolve(self, query)
        except NodeUnavailable:
            resolution = Resolution(NOT_ANSWERED, UNAVAILABLE)
        self.log.record(query, self.env.now, resolution)


def _make_architecture(scenario: Scenario, name: str) -> Architecture:
    classes = available()
    if name not in classes:
        raise ScenarioError.single(
            "architectures",
            f"architecture {name!r} is not available in this version "
            f"(available: {', '.join(classes)})",
        )
    return classes[name](getattr(scenario, name))


def _outage_windows(
    scenario: Scenario, registers: Registers
) -> dict[str, list[tuple[float, float]]]:
    """Down windows by node or group name; an unknown name is a ScenarioError."""
    agencies = [agency.name for agency in scenario.agencies]
    systems = sorted(set().union(*(cls.system_names(scenario) for cls in available().values())))
    known = {*agencies, *systems, *(node.name for node in registers.nodes)}
    windows: dict[str, list[tuple[float, float]]] = {}
    for index, outage in enumerate(scenario.outages):
        if outage.node not in known:
            listed = ", ".join(systems[:12])
            if len(systems) > 12:
                listed += f" and {len(systems) - 12} more"
            raise ScenarioError.single(
                "scenario",
                f"unknown node {outage.node!r} (expected an agency or one of its offices: "
                f"{', '.join(agencies)}; or a central system: {listed})",
                f"outages.{index}.node",
            )
        end = outage.start + outage.duration
        windows.setdefault(outage.node, []).append((outage.start, end))
    return windows
