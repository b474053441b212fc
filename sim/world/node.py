"""A system that serves requests: SimPy servers plus the statistics of its load."""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from sim.architectures.resolution import NodeUnavailable
from sim.scenario.distributions import DurationDistribution

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

    Busy time is integrated exactly over the measured window (after warm-up),
    so utilisation = busy server-seconds / (servers x window length).

    A node may have down windows (outages). A request that arrives, or reaches
    the head of the queue, while the node is down waits until it is back up, or
    raises ``NodeUnavailable`` at once when that would take longer than
    ``max_wait``. A service already under way when an outage begins completes.
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
    ):
        self.env = env
        self.name = name
        self.group = group
        self.servers = servers
        self.service_time = service_time
        self.resource = simpy.Resource(env, capacity=servers)
        self.measure_from = measure_from
        self.measure_until = measure_until
        self.busy_seconds = 0.0
        self.queue_max = 0
        self.waits: list[float] = []
        self.served = 0
        self._last_change = measure_from
        self._busy_now = 0
        self.down: list[tuple[float, float]] = []
        self.max_wait = float("inf")

    def set_outages(self, windows: list[tuple[float, float]], max_wait: float) -> None:
        """Down windows ``(start, end)`` in seconds, and the longest a request waits for one."""
        merged: list[tuple[float, float]] = []
        for start, end in sorted(windows):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            elif end > start:
                merged.append((start, end))
        self.down = merged
        self.max_wait = max_wait

    def up_at(self, now: float) -> float:
        """When the node is next up: ``now`` unless ``now`` falls in a down window."""
        for start, end in self.down:
            if start <= now < end:
                return end
        return now

    def _wait_until_up(self) -> Generator[simpy.Event, object, None]:
        up_at = self.up_at(self.env.now)
        if up_at > self.env.now:
            if up_at - self.env.now > self.max_wait:
                raise NodeUnavailable(self.name, up_at)
            yield self.env.timeout(up_at - self.env.now)

    def _account(self, delta_busy: int) -> None:
        now = min(self.env.now, self.measure_until)
        if now > self._last_change:
            self.busy_seconds += self._busy_now * (now - self._last_change)
            self._last_change = now
        self._busy_now += delta_busy

    def serve(self, duration: float | None = None) -> Generator[simpy.Event, object, float]:
        """Queue for a server, hold it for one service, and return the time spent waiting.

        Raises:
            NodeUnavailable: the node is down for longer than ``max_wait``.
        """
        arrival = self.env.now
        measured = arrival >= self.measure_from
        if self.down:
            yield from self._wait_until_up()
        with self.resource.request() as request:
            if measured and len(self.resource.queue) > self.queue_max:
                self.queue_max = len(self.resource.queue)
            yield request
            if self.down and self.up_at(self.env.now) > self.env.now:
                # Reached a server while the node is down: hold it until the node is back.
                yield from self._wait_until_up()
            wait = self.env.now - arrival
            self._account(+1)
            yield self.env.timeout(self.service_time() if duration is None else duration)
            self._account(-1)
        if measured:
            self.waits.append(wait)
            self.served += 1
        return wait

    def finish(self) -> None:
        """Close the busy-time integral at the end of the run."""
        self._account(0)
