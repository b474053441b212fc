"""One SimPy run of one architecture over one replication's population and workload."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.architectures import Architecture, available
from sim.architectures.resolution import Resolution
from sim.citizens.counter import CitizenRecord, CitizenSide
from sim.population.citizens import Population
from sim.population.records import RegisterCopies, build_register_copies
from sim.population.registers import Registers
from sim.rng import Streams
from sim.scenario import Scenario, ScenarioError
from sim.scenario.distributions import DurationDistribution
from sim.workload import Workload
from sim.world.failures import check_system_names, down_time
from sim.world.log import QueryLog
from sim.world.losses import records_lost
from sim.world.network import Route, Router
from sim.world.node import Node, duration_sampler
from sim.world.site import Placement, Site
from sim.world.task import Task
from sim.world.timeseries import LoadSampler, LoadSeries

SYSTEMS_KEPT = 1 << 16  # hops' and paths' routes kept by their systems (see _keep)


@dataclass
class WorldResult:
    """What one run produced: the per-query log and every node's statistics."""

    architecture: str
    log: QueryLog
    nodes: list[Node]
    measure_from: float
    measure_until: float
    node_sectors: np.ndarray  # the sector of each agency node, by node index (as in the workload)
    sites: list[Site] = field(default_factory=list)  # every site with a system on it
    records_lost: int = 0  # register entries destroyed by disasters
    restored_after: list[float] = field(default_factory=list)  # per strike, seconds (NaN: never)
    made: np.ndarray | None = None  # per query: made at all (None: every one was)
    citizens: CitizenRecord | None = None  # the citizen's side, when the scenario has it


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
        copies: Callable[[], RegisterCopies] | None = None,
    ):
        """``copies``, if given, is the replication's source of the agencies' register
        copies (``register_copies_once``), shared with others who need them."""
        self.env = simpy.Environment()
        self._copies = copies
        self.scenario = scenario
        self.population = population
        self.registers = registers
        self.workload = workload
        self.streams = streams
        self._placement = Placement(self.env, scenario)
        check_system_names(scenario, registers, self._placement.hosted_names())
        self._down = down_time(scenario, streams.get)
        for site in self._placement.sites:
            site.set_down(self._down.sites.get(site.name, []))
        self.running_query = -1  # the query whose step is running (-1: none), set by Task
        self._router = Router(
            scenario,
            streams.get,
            self._down.networks,
            scenario.max_wait_for_outage,
            self._note_outage_wait,
        )
        self._route_end: dict[int | Node, Site | str | None] = {}  # of each system, by both names
        self._routes: dict[tuple[Site | str, Site | str], Route] = {}  # by their ends' route_end
        self._routes_along: dict[tuple, tuple[Route, ...]] = {}  # a path's, by its route ends
        # The same, kept by the systems a hop or path joins, for the first SYSTEMS_KEPT of each.
        self._hop_routes: dict[tuple[int | Node, int | Node], Route] = {}
        self._path_routes: dict[tuple[int | Node, ...], tuple[Route, ...]] = {}
        self.nodes: list[Node] = []
        for node in registers.nodes:
            spec = scenario.agency(node.agency)
            self.add_node(node.name, spec.servers, spec.service_time, group=node.agency)
        self.log = QueryLog(len(workload))
        self.architecture = _make_architecture(scenario, architecture)
        self._enrolled = False

    def rng(self, *names: str) -> np.random.Generator:
        """A named random stream of this replication (same names, same numbers)."""
        return self.streams.get(*names)

    def register_copies(self) -> RegisterCopies:
        """Every agency system's copies of the basic four facts, and their later updates.

        The replication's, the same under every architecture: from the source the
        world was given, else built here.
        """
        if self._copies is not None:
            return self._copies()
        return build_register_copies(self.scenario, self.population, self.registers, self.rng)

    @property
    def now(self) -> float:
        """The simulation's clock, in seconds."""
        return self.env.now

    def hop(
        self, origin: int | Node, destination: int | Node, leaving: float | None = None
    ) -> simpy.Timeout:
        """One network hop between two systems (node indices or nodes), over their sites'
        networks: an event when the message arrives. It leaves at ``leaving`` (default
        now), e.g. when a service booked with ``Node.book`` ends.

        Raises:
            NodeUnavailable: a network on the way is down for longer than a query waits.
        """
        env = self.env
        route = self._hop_routes.get((origin, destination))
        if route is None:
            (route,) = self._routes_of((origin, destination))
            _keep(self._hop_routes, (origin, destination), route)
        if route.may_wait:
            now = env.now
            at = now if leaving is None else leaving
            return env.timeout(at - now + route.seconds(at))
        if leaving is None:
            return env.timeout(route.crossing())
        return env.timeout(leaving - env.now + route.crossing())

    def travel(self, *path: int | Node, leaving: float | None = None) -> simpy.Timeout:
        """Hops through ``path`` with no service between them, as one event."""
        return self.env.timeout(self.travel_time(*path, leaving=leaving))

    def travel_time(self, *path: int | Node, leaving: float | None = None) -> float:
        """Seconds from now until a message leaving ``path[0]`` at ``leaving`` (default
        now) has passed through ``path`` (two systems or more).

        Each hop's time is drawn when the message reaches its start, so a network
        that goes down on the way is waited for as on a hop of its own. An answer's
        way back to the requester needs no event: an architecture returns its
        travel time in ``Resolution.reply_seconds``.

        Raises:
            NodeUnavailable: a network on the way is down for longer than a query waits.
        """
        now = self.env.now
        at = now if leaving is None else leaving
        routes = self._path_routes.get(path)
        if routes is None:
            routes = self._routes_of(path)
            _keep(self._path_routes, path, routes)
        for route in routes:
            at += route.seconds(at) if route.may_wait else route.crossing()
        return at - now

    def _routes_of(self, path: tuple[int | Node, ...]) -> tuple[Route, ...]:
        """The routes of the hops along ``path``: those of its systems' route ends
        (``Site.route_end``), made the first time a path joins those ends."""
        ends = tuple(map(self._route_end.__getitem__, path))
        routes = self._routes_along.get(ends)
        if routes is None:
            hops = zip(path[:-1], path[1:], strict=True)
            routes = self._routes_along[ends] = tuple(self._route(*hop) for hop in hops)
        return routes

    def _route(self, origin: int | Node, destination: int | Node) -> Route:
        """The route of hops between two systems, shared by all hops between the same
        route ends."""
        nodes = self.nodes
        source = origin if isinstance(origin, Node) else nodes[origin]
        target = destination if isinstance(destination, Node) else nodes[destination]
        key = (source.route_end, target.route_end)
        route = self._routes.get(key)
        if route is None:
            route = self._routes[key] = self._router.route_between(source.site, target.site)
        return route

    def add_node(
        self,
        name: str,
        servers: int,
        service_time: DurationDistribution,
        group: str = "",
        staff: bool = False,
    ) -> Node:
        """Add a system with its servers (its own, or its site's pool), queue and service times.

        ``staff`` marks people rather than servers (clerks): on no site, never reached by a hop.
        """
        group = group or name
        sampler = duration_sampler(service_time, self.streams.get("service", name))
        site = None if staff else self._placement.place(name, group)
        node = Node(
            self.env,
            name,
            group,
            servers,
            sampler,
            self.scenario.warmup,
            self.scenario.duration,
            site=site,
        )
        if site is not None:
            site.admit(node)
        windows = self._down.for_system(name, group, site.name if site else None)
        if windows:
            node.set_outages(windows, self.scenario.max_wait_for_outage, self._note_outage_wait)
        self._route_end[len(self.nodes)] = self._route_end[node] = node.route_end
        self.nodes.append(node)
        return node

    def _note_outage_wait(self) -> None:
        """Mark the query whose step is running as having waited for an outage."""
        query = self.running_query
        if query >= 0:
            self.log.waited[query] = True

    def enroll(self) -> None:
        """Let the architecture give every agency its identifiers (once)."""
        if not self._enrolled:
            self.architecture.enroll(self)
            self._enrolled = True

    def run(self) -> WorldResult:
        """Enrol, replay the workload, drain the queues, and return what happened."""
        self.enroll()
        for strike in self._down.strikes:
            self._placement.declared(strike.site).await_restore(strike.at, strike.restored_at)
        citizens = CitizenSide(self) if self.scenario.citizens is not None else None
        self.start_steps(citizens.replay() if citizens else self._replay())
        sampler = LoadSampler(self.nodes, self.scenario.timeseries_interval, self.scenario.duration)
        self.load_series: LoadSeries = sampler.series
        self.env.process(sampler.process(self.env))
        self.env.run()
        self.log.close()
        sites = [site for site in self._placement.sites if site.tenants]
        agency_sites = [self.nodes[i].site.name for i in range(len(self.registers.nodes))]
        return WorldResult(
            self.architecture.name,
            self.log,
            self.nodes,
            self.scenario.warmup,
            self.scenario.duration,
            np.array([node.sector for node in self.registers.nodes], dtype=object),
            sites,
            records_lost(
                self.scenario, self.population, self.registers, self._down.strikes, agency_sites
            ),
            [after for site in sites for after in site.restored_after],
            made=citizens.queries_made() if citizens else None,
            citizens=citizens.record() if citizens else None,
        )

    def _replay(self) -> Generator[simpy.Event, object, None]:
        env = self.env
        for query, issued_at in enumerate(self.workload.time.tolist()):
            if issued_at > env.now:
                yield env.timeout(issued_at - env.now)
            self.start_query(query)

    def start_query(self, query: int) -> None:
        """Make one query of the workload now."""
        Task(self, query, self.architecture.resolve(self, query))

    def start_steps(self, steps: Generator[simpy.Event, object, None]) -> None:
        """Run steps that are not a query's (the workload's replay, a citizen's application),
        from now on, as a ``Task`` (no SimPy process)."""
        Task(self, -1, steps)

    def finish(self, query: int, resolution: Resolution) -> None:
        """Log how ``query`` ended: now, plus its answer's way back."""
        self.log.record(query, self.env.now + resolution.reply_seconds, resolution)


def _keep(cache: dict, key: tuple, value: object) -> None:
    """Keep a route found for a hop's or path's systems, up to ``SYSTEMS_KEPT`` of them.

    A town's world has a few dozen pairs of systems, each looked up once. A
    country's thousands of offices make millions of pairs, most of them met once,
    that share a handful of routes: those are found again by their route ends
    (``World._routes_of``) rather than kept by the pair.
    """
    if len(cache) < SYSTEMS_KEPT:
        cache[key] = value


def _make_architecture(scenario: Scenario, name: str) -> Architecture:
    classes = available()
    if name not in classes:
        raise ScenarioError.single(
            "architectures",
            f"architecture {name!r} is not available in this version "
            f"(available: {', '.join(classes)})",
        )
    return classes[name](getattr(scenario, name))
