"""Hosting sites at run time: where each system runs, pooled servers, busy time, restores."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import simpy

from sim.scenario import Scenario, ScenarioError
from sim.scenario.sections import DEFAULT_NETWORK
from sim.world.servers import Servers

if TYPE_CHECKING:
    from sim.world.node import Node


class Site:
    """A place where systems run: declared in ``hosting.sites``, or one system's own premises.

    On a pooled site (``servers`` given) every system placed there queues for the
    site's servers; otherwise each system brings its own. Busy server time is
    integrated over the measured window for the site's utilisation and cost.

    Attributes:
        servers: servers provisioned here (the pool, or the sum of its systems' own).
        busy_seconds: busy server-seconds within the measured window.
        down: windows in which the whole site is down (site outages, disasters).
        restored_after: per disaster that struck the site, seconds until one of its
            systems served, sent or received again (NaN if not before the run ended).
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        *,
        network: str = DEFAULT_NETWORK,
        cost_per_server_hour: float = 1.0,
        pooled_servers: int | None = None,
        declared: bool = False,
        measure_until: float = math.inf,
    ):
        self.env = env
        self.name = name
        self.network = network
        self.cost_per_server_hour = cost_per_server_hour
        self.declared = declared
        self.pool = Servers(pooled_servers) if pooled_servers else None
        self.servers = pooled_servers or 0
        self.tenants: list[Node] = []
        self.measure_until = measure_until
        self.busy_seconds = 0.0  # added to by the systems' services (``Node``)
        self.down: list[tuple[float, float]] = []
        self.pending_restores: list[tuple[float, float, int]] = []
        self.restored_after: list[float] = []

    @property
    def route_end(self) -> Site | str:
        """What a hop's route depends on at this end: the site itself when it is declared
        (its LAN, its pool) or can go down; otherwise just its network, so that the
        thousands of systems of a country share a handful of routes."""
        return self if self.declared or self.down else self.network

    def set_down(self, windows: list[tuple[float, float]]) -> None:
        """Windows ``(start, end)``, merged, in which the whole site is down."""
        self.down = windows

    def up_at(self, now: float) -> float:
        """When the site is next up: ``now`` unless it is down then."""
        for start, end in self.down:
            if start <= now < end:
                return end
        return now

    def admit(self, node: Node) -> None:
        """Place a system here; a system with servers of its own adds them to the site's."""
        self.tenants.append(node)
        if self.pool is None:
            self.servers += node.servers

    def await_restore(self, struck_at: float, restored_at: float) -> None:
        """Watch for the first activity after a disaster (at ``struck_at``) is over."""
        self.pending_restores.append((restored_at, struck_at, len(self.restored_after)))
        self.pending_restores.sort()
        self.restored_after.append(math.nan)

    def note_activity(self, at: float) -> None:
        """A system of the site serves, sends or receives at ``at`` (ends a restore).

        ``at`` is no earlier than the clock, but may be later (a service booked to
        start when the queue ahead of it is served), so notes need not come in time
        order: a restore keeps the earliest activity after it, and is settled once
        the clock reaches that. Activity after the end of the run
        (``measure_until``) is not counted.
        """
        if at > self.measure_until:
            return
        now = self.env.now
        pending = []
        for restore in self.pending_restores:
            restored_at, struck_at, slot = restore
            if restored_at <= at and not self.restored_after[slot] <= at - struck_at:
                self.restored_after[slot] = at - struck_at  # NaN until the first
            if not struck_at + self.restored_after[slot] <= now:
                pending.append(restore)
        self.pending_restores = pending


class Placement:
    """Which site each system runs on: the site that names it (or its agency) in ``hosts``.

    A site naming a system itself (``city-2``) wins over one naming its group
    (``city``). A system on no declared site gets a site of its own, on the
    default network, with its own servers.
    """

    def __init__(self, env: simpy.Environment, scenario: Scenario):
        self._env = env
        self._scenario = scenario
        self.sites: list[Site] = []
        self._host_of: dict[str, Site] = {}
        for index, spec in enumerate(scenario.hosting.sites):
            site = self._new_site(
                spec.name, spec.network, spec.cost_per_server_hour, spec.servers, declared=True
            )
            for position, hosted in enumerate(spec.hosts):
                if hosted in self._host_of:
                    raise ScenarioError.single(
                        "scenario",
                        f"{hosted!r} is already placed on site {self._host_of[hosted].name!r}; "
                        "a system runs on one site",
                        f"hosting.sites.{index}.hosts.{position}",
                    )
                self._host_of[hosted] = site

    def hosted_names(self) -> list[tuple[str, str]]:
        """Every name in a site's ``hosts``, with its key path (for checking the names)."""
        return [
            (hosted, f"hosting.sites.{index}.hosts.{position}")
            for index, spec in enumerate(self._scenario.hosting.sites)
            for position, hosted in enumerate(spec.hosts)
        ]

    def place(self, name: str, group: str) -> Site:
        """The site a system named ``name`` (of group ``group``) runs on."""
        site = self._host_of.get(name)
        if site is None:
            site = self._host_of.get(group)
        if site is None:
            cost = self._scenario.hosting.on_premise_cost_per_server_hour
            site = self._new_site(name, DEFAULT_NETWORK, cost)
        return site

    def declared(self, name: str) -> Site:
        """The declared site named ``name``."""
        return next(site for site in self.sites if site.declared and site.name == name)

    def _new_site(
        self,
        name: str,
        network: str,
        cost_per_server_hour: float,
        pooled_servers: int | None = None,
        declared: bool = False,
    ) -> Site:
        site = Site(
            self._env,
            name,
            network=network,
            cost_per_server_hour=cost_per_server_hour,
            pooled_servers=pooled_servers,
            declared=declared,
            measure_until=self._scenario.duration,
        )
        self.sites.append(site)
        return site
