"""The interface every identity architecture implements.

An architecture decides what identifier each agency stores (``enroll``) and how
a query from one agency reaches the right record at another (``resolve``, a
generator of SimPy events, written as a SimPy process is; the world drives it
with a ``sim.world.task.Task``). A system's service is booked when the request
arrives (``Node.book`` returns when it ends; ``Node.visit`` is the same as an
event), so a query yields an event only where its own steps must wait: a hop
that leaves when a service ends, a clerk, a citizen's trip. It never imports
the world, the runner or the command line: the world passes itself in, and the
architecture uses only what ``WorldView`` lists.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Generator
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np
import simpy

from sim.architectures.resolution import Resolution

if TYPE_CHECKING:
    from sim.architectures.stores import AuditTrail, Holdings
    from sim.population.citizens import Population
    from sim.population.records import RegisterCopies
    from sim.population.registers import Registers
    from sim.scenario import Scenario
    from sim.scenario.distributions import DurationDistribution
    from sim.workload import Workload
    from sim.world.node import Node


class WorldView(Protocol):
    """What an architecture may use of the world it runs in."""

    env: simpy.Environment
    scenario: Scenario
    population: Population
    registers: Registers
    workload: Workload
    nodes: list[Node]

    def hop(
        self, origin: int | Node, destination: int | Node, leaving: float | None = None
    ) -> simpy.Timeout:
        """One network hop from one system to another (agency node indices or nodes).

        A timeout of the latency of the networks between their sites, for a message
        leaving at ``leaving`` (default now; e.g. when a ``Node.book``ed service
        ends); raises ``NodeUnavailable`` when a network on the way is down too long.
        """

    def travel(self, *path: int | Node, leaving: float | None = None) -> simpy.Timeout:
        """Hops through ``path`` with no service between them, as one timeout."""

    def travel_time(self, *path: int | Node, leaving: float | None = None) -> float:
        """Seconds from now until a message leaving at ``leaving`` (default now) has
        passed through ``path``, without an event.

        Return it as ``Resolution.reply_seconds`` for the answer's way back.
        """

    def add_node(
        self,
        name: str,
        servers: int,
        service_time: DurationDistribution,
        group: str = "",
        staff: bool = False,
    ) -> Node:
        """A further system (hub, register authority) with its own queue, placed on its site.

        ``staff=True`` marks people (clerks): on no site, never reached by a hop.
        """

    def rng(self, *names: str) -> np.random.Generator:
        """A named random stream of this replication."""

    def register_copies(self) -> RegisterCopies:
        """Every agency system's copies of the basic four facts (name, address, sex,
        birth date) with their recording errors, and their later updates: the
        replication's, the same under every architecture."""


class Architecture(ABC):
    """One way of identifying citizens across agencies.

    Subclasses set ``name`` (the key used in scenarios) and implement ``enroll``,
    ``resolve``, ``holdings`` and ``audit_trail``. Put the class in its own module
    under ``sim/architectures/`` and it is found automatically.
    """

    name: ClassVar[str]
    links_across_agencies: ClassVar[bool] = True
    """Whether a citizen's records at different agencies can be linked without name matching
    (so a portal can tell citizens of another agency's procedures they are eligible for)."""

    def __init__(self, params: Any):
        self.params = params

    def accepts_number_as_proof(self, scenario: Scenario) -> bool:
        """Whether a counter takes the bare number as proof from someone without a card."""
        return False

    @classmethod
    def system_names(cls, scenario: Scenario) -> set[str]:
        """Names (and groups) of the central systems this architecture adds with ``add_node``.

        The world accepts these as the ``node`` of an outage.
        """
        return set()

    @abstractmethod
    def enroll(self, world: WorldView) -> None:
        """Give each agency the identifiers it stores for the citizens it holds."""

    @abstractmethod
    def resolve(self, world: WorldView, query: int) -> Generator[simpy.Event, Any, Resolution]:
        """Carry query number ``query`` (a row of ``world.workload``) to its answer."""

    @abstractmethod
    def holdings(self, world: WorldView) -> Holdings:
        """What each system stores at the start of the run (after ``enroll``): which
        identifier namespaces for which persons, as recorded, and who can translate."""

    @abstractmethod
    def audit_trail(self, world: WorldView) -> AuditTrail:
        """The access-log entries the run wrote where this architecture logs exchanges."""
