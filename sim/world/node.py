"""A system that serves requests: servers booked first come, first served, and its load."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.architectures.resolution import NodeUnavailable
from sim.scenario.distributions import DurationDistribution
from sim.world.servers import Servers

if TYPE_CHECKING:
    from sim.world.site import Site

_BATCH = 4096


Sampler = Callable[[], float]  # a duration's next draw, in seconds, at each call


def duration_sampler(distribution: DurationDistribution, rng: np.random.Generator) -> Sampler:
    """Draws of ``distribution`` from ``rng``, one per call, made ``_BATCH`` at a time.

    The sampler is the ``__next__`` of an iterator over the batches, so a call
    runs no Python code except when a batch runs out.
    """

    def batches() -> Iterator[list[float]]:
        while True:
            yield distribution.sample(rng, _BATCH).tolist()

    return itertools.chain.from_iterable(batches()).__next__


class Node:
    """A named system with ``servers`` parallel servers and a service-time distribution.

    Requests are served first come, first served. Each is booked when it arrives
    (``book``, ``visit``): its wait and service are known then, so a query needs no
    event to queue or to be served, only one where its own steps go on.

    Busy time is counted exactly over the measured window (after warm-up): each
    service adds, when it is booked, the part of it that falls in the window, so
    utilisation = busy server-seconds / (servers x window length).

    A node may have down windows (outages). A request that arrives, or reaches
    the head of the queue, while the node is down waits until it is back up (at
    the head, holding its server), or fails with ``NodeUnavailable`` when that
    would take longer than ``max_wait``. A service already under way when an
    outage begins completes.

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
        service_time: Sampler,
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
            self.resource = Servers(servers)
        self.servers = self.resource.capacity
        self.service_time = service_time
        self.measure_from = measure_from
        self.measure_until = measure_until
        self.busy_seconds = 0.0
        self.queue_max = 0
        self.waits: list[float] = []  # of each request booked in the measured window
        self._booked_area = 0.0  # server-seconds of every service booked, in full
        self._ends: list[float] = []  # end of each service booked, until it is past
        # Start of each service booked before it began: this node's own (its busy servers);
        # the queue, shared on a pooled site, is counted by its Servers.
        self._late_starts: list[float] = []
        self.down: list[tuple[float, float]] = []
        self.max_wait = float("inf")
        self.on_wait: Callable[[], None] | None = None
        self.last_start = 0.0  # when the service booked last starts (see book)

    def set_outages(
        self,
        windows: list[tuple[float, float]],
        max_wait: float,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        """Down windows ``(start, end)`` in seconds, and the longest a request waits for one.

        ``on_wait`` is called whenever a request is booked to wait for the node to
        be up, while the steps of the query that made it run.
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

    def up_at(self, now: float) -> float:
        """When the node is next up: ``now`` unless ``now`` falls in a down window."""
        for start, end in self.down:
            if start <= now < end:
                return end
        return now

    def book(self, duration: float | None = None) -> float:
        """Queue for a server now and hold it for one service (``duration``, or a draw of
        the service time); returns when the service ends, and sets ``last_start`` to
        when it starts. No event: the caller's next step (a hop leaving then, or the
        answer's way back) starts from that time.

        Raises:
            NodeUnavailable: the node is down for longer than ``max_wait``, on arrival
                or when the request reaches a server (the error's ``at``).
        """
        now = self.env.now
        resource = self.resource
        start = self._start_after_outages(now) if self.down else resource.first_free(now)
        self.last_start = start
        seconds = self.service_time() if duration is None else duration
        end = start + seconds
        waiting = resource.take(now, start, end)
        self._ends.append(end)
        self._booked_area += seconds
        if self.measure_from <= start and end <= self.measure_until:
            in_window = seconds  # the common case: wholly measured
        else:
            in_window = min(end, self.measure_until) - max(start, self.measure_from)
        site = self.site
        if site is not None:  # staff (clerks) are on no site
            if in_window > 0:
                site.busy_seconds += in_window
            if site.pending_restores:
                site.note_activity(start)  # a service may end a restore
        if in_window > 0:
            self.busy_seconds += in_window
        if now >= self.measure_from:
            self.waits.append(start - now)
            if waiting > self.queue_max:
                self.queue_max = waiting
        if waiting:
            self._late_starts.append(start)
        return end

    @property
    def served(self) -> int:
        """Requests booked in the measured window."""
        return len(self.waits)

    def visit(self, duration: float | None = None) -> simpy.Event:
        """``book`` a service now: an event that fires when it ends, its value the time
        spent waiting (``wait = yield node.visit()``).

        Raises (at once, or from the event when the request reaches a server):
            NodeUnavailable: the node is down for longer than ``max_wait``.
        """
        now = self.env.now
        try:
            end = self.book(duration)
        except NodeUnavailable as error:
            if error.at is None or error.at <= now:
                raise
            return self._failing_at(error.at, error)
        return self.env.timeout(end - now, self.last_start - now)

    def _failing_at(self, at: float, error: NodeUnavailable) -> simpy.Event:
        """An event that fails with ``error`` at time ``at``."""
        failed = self.env.event()
        self.env.timeout(at - self.env.now).callbacks.append(lambda _: failed.fail(error))
        return failed

    def _start_after_outages(self, now: float) -> float:
        """When a request arriving ``now`` starts, waiting for the node to be up on
        arrival and again at the head of the queue."""
        up = self.up_at(now)
        if up > now:
            if up - now > self.max_wait:
                raise NodeUnavailable(self.name, up)
            if self.on_wait is not None:
                self.on_wait()
        start = self.resource.first_free(up)
        up = self.up_at(start)
        if up > start:
            # Reaches a server while the node is down: holds it until the node is back.
            if up - start > self.max_wait:
                raise NodeUnavailable(self.name, up, at=start)
            if self.on_wait is not None:
                self.on_wait()
            start = up
        return start

    def busy_servers(self, now: float) -> int:
        """Servers of this node serving at ``now`` (no earlier than the last call)."""
        self._forget_past(now)
        return len(self._ends) - len(self._late_starts)

    def busy_area(self, now: float) -> float:
        """Busy server-seconds from time 0 until ``now`` (unlike ``busy_seconds``, not
        clipped), ``now`` no earlier than the last call."""
        self._forget_past(now)
        still_to_serve = sum(self._ends) - now * len(self._ends)
        not_begun = sum(self._late_starts) - now * len(self._late_starts)
        return self._booked_area - still_to_serve + not_begun

    def _forget_past(self, now: float) -> None:
        self._ends = [end for end in self._ends if end > now]
        self._late_starts = [start for start in self._late_starts if start > now]
