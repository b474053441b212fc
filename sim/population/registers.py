"""Which agency system (node) holds which citizens.

A national agency holds a share of all citizens (its ``coverage``). An agency
with ``per_municipality`` is one system per municipality, each holding the
citizens who live, or have lived, there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.population.blocks import blocks
from sim.population.citizens import Population
from sim.rng import Streams
from sim.scenario import Scenario


@dataclass(frozen=True)
class AgencyNode:
    """One agency system: a national agency, or one municipality's office."""

    index: int
    name: str
    agency: str
    sector: str
    municipality: int  # -1 for a national agency


@dataclass
class Registers:
    """The agency systems and who is on each one's register."""

    nodes: list[AgencyNode]
    first_node: dict[str, int]
    per_municipality: dict[str, bool]
    members: dict[str, np.ndarray]  # national agency -> bool mask over persons

    def node_of(self, agency: str, municipality: np.ndarray) -> np.ndarray:
        """The node index serving each citizen for ``agency`` (given their municipality)."""
        start = self.first_node[agency]
        if self.per_municipality[agency]:
            return start + np.asarray(municipality, dtype=np.int32)
        return np.full(np.shape(municipality), start, dtype=np.int32)

    def eligible(self, agencies: list[str], size: int) -> np.ndarray:
        """Persons on the register of every agency listed (municipal offices hold everyone)."""
        mask = np.ones(size, dtype=bool)
        for agency in agencies:
            if not self.per_municipality[agency]:
                mask &= self.members[agency]
        return mask

    def entries_at_start(self, population: Population) -> list[np.ndarray]:
        """The persons on each node's register when the run starts (sorted), by node index.

        The same persons as :meth:`holds` at time 0, for every node in one pass over
        the population (a municipal office holds its residents and former residents).
        """
        born = np.flatnonzero(population.born_at <= 0)
        residents = former = None
        if any(node.municipality >= 0 for node in self.nodes):
            start = np.zeros(len(born))
            municipalities = max(node.municipality for node in self.nodes) + 1
            residents = group_by_value(
                born, population.municipality_at(born, start), municipalities
            )
            before = population.previous_municipality_at(born, start)
            former = group_by_value(born, before, municipalities)
        entries = []
        for node in self.nodes:
            if node.municipality < 0:
                entries.append(born[self.members[node.agency][born]])
            else:
                k = node.municipality
                entries.append(np.union1d(residents[k], former[k]))
        return entries

    def holds(
        self, node: int, persons: np.ndarray, times: np.ndarray, population: Population
    ) -> np.ndarray:
        """Whether ``node`` has each person on its register at the matching time."""
        spec = self.nodes[node]
        if spec.municipality < 0:
            return self.members[spec.agency][persons]
        now = population.municipality_at(persons, times)
        before = population.previous_municipality_at(persons, times)
        at_start = population.municipality_at(persons, np.zeros(len(persons)))
        here = spec.municipality
        return (now == here) | (before == here) | (at_start == here)


def group_by_value(persons: np.ndarray, values: np.ndarray, count: int) -> list[np.ndarray]:
    """``persons`` grouped by their value in ``0 .. count-1`` (order kept; negatives dropped)."""
    order = np.argsort(values, kind="stable")
    bounds = np.searchsorted(values[order], np.arange(count + 1))
    grouped = persons[order]
    return [grouped[bounds[k] : bounds[k + 1]] for k in range(count)]


def holds_one(
    registers: Registers, node: int, person: int, time: float, population: Population
) -> bool:
    """Whether ``node`` has ``person`` on its register at ``time``: the same answer as
    :meth:`Registers.holds`, for one person, without array work (the per-query path)."""
    spec = registers.nodes[node]
    if spec.municipality < 0:
        return bool(registers.members[spec.agency][person])
    here = spec.municipality
    moves = population.events.moves
    start, stop = moves.span_of(person)
    first = int(population.municipality[person])
    if start == stop:
        return here == first  # never moved
    times, values = moves.lists
    moved_by_then = start  # the changes up to ``time`` are start .. moved_by_then - 1
    while moved_by_then < stop and times[moved_by_then] <= time:
        moved_by_then += 1
    moved_before_run = start  # likewise up to the start of the run (time 0)
    while moved_before_run < stop and times[moved_before_run] <= 0:
        moved_before_run += 1
    past = moved_by_then - start
    now = values[moved_by_then - 1] if past else first
    before = (values[moved_by_then - 2] if past > 1 else first) if past else -1
    at_start = values[moved_before_run - 1] if moved_before_run > start else first
    return here in (now, before, at_start)


def build_registers(scenario: Scenario, population: Population, streams: Streams) -> Registers:
    """Lay out one node per national agency and per municipal office, and their registers."""
    nodes: list[AgencyNode] = []
    first_node: dict[str, int] = {}
    per_municipality: dict[str, bool] = {}
    members: dict[str, np.ndarray] = {}
    municipalities = scenario.population.municipalities
    for agency in scenario.agencies:
        first_node[agency.name] = len(nodes)
        per_municipality[agency.name] = agency.per_municipality
        if agency.per_municipality:
            for k in range(municipalities):
                nodes.append(
                    AgencyNode(len(nodes), f"{agency.name}-{k + 1}", agency.name, agency.sector, k)
                )
        else:
            nodes.append(AgencyNode(len(nodes), agency.name, agency.name, agency.sector, -1))
            members[agency.name] = _register_members(
                streams.get("register", agency.name), population.size, agency.coverage
            )
    return Registers(nodes, first_node, per_municipality, members)


def _register_members(rng: np.random.Generator, size: int, coverage: float) -> np.ndarray:
    """Each person on the register with probability ``coverage`` (a bool mask, made in blocks)."""
    members = np.empty(size, dtype=bool)
    for start, stop in blocks(size):
        members[start:stop] = rng.random(stop - start) < coverage
    return members
