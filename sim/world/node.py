"""A system that serves requests: SimPy servers plus the statistics of its load."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.architectures.resolution import NodeUnavailable
from sim.scenario.distributions import DurationDistribution
from sim.world.servers import Servers

if TYPE_CHECKING:
    from sim.world.site import Site

_BATCH = 4096


class DurationSampler:
    """Draws durations in batches from a distribution and a stream (cheap per call)."""

    def __init__(self, distribution: DurationDistribution, rng: np.random.Generator):
        self._distribution = distribution
        self._rng = rng
        self._buffer: list[float] = []

    def __call__(self) -> float:
        if not self._buffer:
            self._buffer = self._distribution.sample(self._rng, _BATCH).tolist()
            self._buffer.reverse()
        return self._buffer.pop()


class Node:
    """A named system with ``servers`` parallel servers and a service-time distribution.

    Busy time is counted exactly over the measured window (after warm-up): each
    service adds, when it starts, the part of it that falls in the window, so
    utilisation = busy server-seconds / (servers x window length).

    A node may have down windows (outages). A request that arrives, or reaches
    the head of the queue, while the node is down waits until it is back up, or
    raises ``NodeUnavailable`` at once when that would take longer than
    ``max_wait``. A service already under way when an outage begins completes.

    A node on a pooled site serves on the site's servers (``servers`` is then
    the pool's size) and keeps its own statistics; its busy time also counts
    towards its site's.
    """

    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        group: str,
        servers: int,
        service_time: DurationSampler,
        measure_from: float,
        measure_until: float = float("inf"),
        site: Site | None = None,
    ):
        self.env = env
        self.name = name
        self.group = group
        self.site = site
        self.route_end = None if site is None else site.route_end  # hops: see Site.route_end
        if site is not None and site.pool is not None:
            self.resource = site.pool
        else:
            self.resource = Servers(env, servers)
        self.servers = self.resource.capacity
        self.service_time = service_time
        self.measure_from = measure_from
        self.measure_until = measure_until
        self.busy_seconds = 0.0
        self.queue_max = 0
        self.waits: list[float] = []
        self.served = 0
        self._started_area = 0.0  # server-seconds of every service started, in full
        self._busy_now = 0
        self._ends_sum = 0.0  # sum of the end times of the services under way
        self.down: list[tuple[float, float]] = []
        self.max_wait = float("inf")
        self.on_wait: Callable[..., None] | None = None
        self.current_query: Callable[[], int] | None = None

    def set_outages(
        self,
        windows: list[tuple[float, float]],
        max_wait: float,
        on_wait: Callable[..., None] | None = None,
        current_query: Callable[[], int] | None = None,
    ) -> None:
        """Down windows ``(start, end)`` in seconds, and the longest a request waits for one.

        ``on_wait`` is called whenever a request starts waiting for the node to be up:
        with no argument when the request's own steps run (``serve``), or with the
        query that ``current_query`` named when it made the request (``visit``, whose
        waiting runs as a SimPy process of its own).
        """
        merged: list[tuple[float, float]] = []
        for start, end in sorted(windows):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            elif end > start:
                merged.append((start, end))
        self.down = merged
        self.max_wait = max_wait
        self.on_wait = on_wait
        self.current_query = current_query

    def up_at(self, now: float) -> float:
        """When the node is next up: ``now`` unless ``now`` falls in a down window."""
        for start, end in self.down:
            if start <= now < end:
                return end
        return now

    def _wait_until_up(self, query: int | None) -> Generator[simpy.Event, object, None]:
        up_at = self.up_at(self.env.now)
        if up_at > self.env.now:
            if up_at - self.env.now > self.max_wait:
                raise NodeUnavailable(self.name, up_at)
            if self.on_wait is not None and query is None:
                self.on_wait()
            elif self.on_wait is not None:
                self.on_wait(query)
            yield self.env.timeout(up_at - self.env.now)

    def visit(self, duration: float | None = None) -> simpy.Event:
        """Queue for a server and hold it for one service: an event that fires when the
        service ends, its value the time spent waiting (``wait = yield node.visit()``).

        A request that finds a server free on a node that never goes down starts its
        service at once, and the event is the service's own timeout: no other event
        and no process. Otherwise the queueing runs as a process of ``serve``.

        Raises (from the event):
            NodeUnavailable: the node is down for longer than ``max_wait``.
        """
        if not self.down:
            if self.resource.try_take():
                now = self.env.now
                return self._begin(now, now, duration)
            return self.env.process(self.serve(duration))
        query = self.current_query() if self.current_query is not None else None
        return self.env.process(self.serve(duration, query))

    def serve(
        self, duration: float | None = None, query: int | None = None
    ) -> Generator[simpy.Event, object, float]:
        """``visit`` as steps to ``yield from``: queue, hold a server for one service,
        and return the time spent waiting. ``query``: whom a wait for an outage is
        noted for, when these steps run as a process of their own (see ``set_outages``).

        Raises:
            NodeUnavailable: the node is down for longer than ``max_wait``.
        """
        env = self.env
        arrival = env.now
        if self.down:
            yield from self._wait_until_up(query)
        resource = self.resource
        if not resource.try_take():
            if arrival >= self.measure_from and len(resource.queue) >= self.queue_max:
                self.queue_max = len(resource.queue) + 1
            yield resource.wait()
        if self.down and self.up_at(env.now) > env.now:
            # Reached a server while the node is down: hold it until the node is back.
            try:
                yield from self._wait_until_up(query)
            except NodeUnavailable:
                resource.release()
                raise
        return (yield self._begin(arrival, env.now, duration))

    def _begin(self, arrival: float, start: float, duration: float | None) -> simpy.Timeout:
        """Start a service on a server already taken: count it, and return its timeout,
        which frees the server when it fires."""
        seconds = self.service_time() if duration is None else duration
        end = start + seconds
        self._busy_now += 1
        self._ends_sum += end
        self._started_area += seconds
        if self.measure_from <= start and end <= self.measure_until:
            in_window = seconds  # the common case: wholly measured
        else:
            in_window = min(end, self.measure_until) - max(start, self.measure_from)
        if in_window > 0:
            self.busy_seconds += in_window
        if self.site is not None:
            self.site.count_service(start, in_window)
        wait = start - arrival
        if arrival >= self.measure_from:
            self.waits.append(wait)
            self.served += 1
        service = self.env.timeout(seconds, wait)
        service.callbacks.append(self._end)
        return service

    def _end(self, service: simpy.Event) -> None:
        """A service ends (at the time ``_begin`` added to ``_ends_sum``): free its server."""
        self._busy_now -= 1
        self._ends_sum -= self.env.now
        self.resource.release()

    @property
    def busy_servers(self) -> int:
        """Servers of this node busy right now."""
        return self._busy_now

    def busy_area(self) -> float:
        """Busy server-seconds from time 0 until now (unlike ``busy_seconds``, not clipped)."""
        still_to_serve = self._ends_sum - self._busy_now * self.env.now
        return self._started_area - still_to_serve
