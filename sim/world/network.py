"""The networks between sites: how long a hop takes, and what happens when a network is down.

A hop between two systems on the same declared site crosses the site's LAN.
Otherwise it crosses the network both sites are attached to or, when they are
attached to different networks, both networks (through a gateway): one latency
draw of each, plus the transfer time of a message where a network has a
bandwidth. Every system not placed on a site is on the default network, so a
scenario without ``hosting`` draws one default-network latency per hop.

A hop waits while a network on its way, or the site it leaves or reaches, is
down (a destroyed town hall neither sends nor receives), and fails beyond the
longest wait.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.architectures.resolution import NodeUnavailable
from sim.scenario import Scenario
from sim.scenario.distributions import DurationDistribution
from sim.scenario.sections import DEFAULT_NETWORK
from sim.world.node import Sampler, duration_sampler
from sim.world.site import Site

Windows = list[tuple[float, float]]
LAN = "lan"


class Link:
    """One network at run time: its latency draws, transfer time and down windows."""

    def __init__(
        self,
        name: str,
        latency: Sampler,
        transfer_seconds: float = 0.0,
        down: Windows | None = None,
    ):
        self.name = name
        self.down = down or []
        self.crossing: Callable[[], float] = latency  # seconds for one message to cross it
        if transfer_seconds:
            self.crossing = lambda: latency() + transfer_seconds

    def up_at(self, now: float) -> float:
        """When the network is next up: ``now`` unless it is down then."""
        for start, end in self.down:
            if start <= now < end:
                return end
        return now


class Router:
    """Draws the time of each hop between two sites, over the networks that link them."""

    def __init__(
        self,
        scenario: Scenario,
        rng: Callable,
        down: dict[str, Windows],
        max_wait: float,
        on_wait: Callable[[], None],
    ):
        spec = scenario.network
        kilobits = spec.message_kb * 8

        def link(name: str, latency: DurationDistribution, bandwidth: float | None, stream):
            transfer = kilobits / (bandwidth * 1000) if bandwidth else 0.0
            return Link(name, duration_sampler(latency, stream), transfer, down.get(name))

        default = link(DEFAULT_NETWORK, spec.latency, spec.bandwidth_mbps, rng("network"))
        self._links = {DEFAULT_NETWORK: default}
        for named in spec.networks:
            stream = rng("network", named.name)
            self._links[named.name] = link(named.name, named.latency, named.bandwidth_mbps, stream)
        self._lan = Link(LAN, duration_sampler(scenario.hosting.lan_latency, rng("lan")))
        self._max_wait = max_wait
        self._on_wait = on_wait

    def links(self, origin: Site, destination: Site) -> tuple[Link, ...]:
        """The networks a hop from ``origin`` to ``destination`` crosses."""
        if origin is destination and origin.declared:
            return (self._lan,)
        if origin.network == destination.network:
            return (self._links[origin.network],)
        return (self._links[origin.network], self._links[destination.network])

    def route_between(self, origin: Site, destination: Site) -> Route:
        """The way a hop from ``origin`` to ``destination`` takes.

        Hops between other sites with the same ``Site.route_end``s take the same
        way, so the route may be shared by them: its sites then never go down and
        wait for nothing but their networks.
        """
        return Route(self, origin, destination)

    def wait(self, origin: Site, destination: Site, now: float) -> float:
        """Seconds a hop leaving ``now`` waits for a network or site on its way to be up.

        Raises:
            NodeUnavailable: a network or site on the way is down longer than the longest wait.
        """
        links = self.links(origin, destination)
        ends = [
            (origin.up_at(now), f"site {origin.name}"),
            (destination.up_at(now), f"site {destination.name}"),
            *((link.up_at(now), f"network {link.name}") for link in links),
        ]
        up_at, what = max(ends)
        if up_at - now > self._max_wait:
            raise NodeUnavailable(what, up_at, at=now)
        origin.note_activity(up_at)
        destination.note_activity(up_at)
        if up_at <= now:
            return 0.0
        self._on_wait()
        return up_at - now


class Route:
    """A hop's way between two sites: one draw per network crossed, after any wait."""

    def __init__(self, router: Router, origin: Site, destination: Site):
        self._router = router
        self._origin = origin
        self._destination = destination
        links = router.links(origin, destination)
        # Whether a message may have to wait: a network or site on the way has down windows.
        self.may_wait = bool(origin.down or destination.down or any(link.down for link in links))
        self.crossing: Callable[[], float]  # seconds to cross, without waiting
        if len(links) == 1:
            self.crossing = links[0].crossing
        else:
            first, second = links[0].crossing, links[1].crossing
            self.crossing = lambda: first() + second()

    def seconds(self, now: float) -> float:
        """Seconds for a message leaving ``now`` to arrive, waits included. (On a route
        that cannot wait, ``crossing()`` alone gives the same, and is what hops use.)

        Raises:
            NodeUnavailable: a network or site on the way is down longer than the longest wait.
        """
        return self._router.wait(self._origin, self._destination, now) + self.crossing()
