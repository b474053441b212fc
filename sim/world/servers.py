"""Identical servers with one first-come-first-served queue, booked without events.

A request is booked the moment it arrives, on the server that frees first: it
starts when that server is free, or at once if one is free already. Requests
are booked in the order they arrive (the order of the simulation's events), so
this is the Kiefer–Wolfowitz recursion for the first-come-first-served queue
with ``c`` servers, and gives the very start times that queueing with events
would give. Nothing waits on an event to get a server or to free one: a query
needs an event only where its own steps go on (see ``Node.book``).
"""

from __future__ import annotations

from heapq import heappop, heappush, heapreplace


class Servers:
    """``capacity`` identical servers, and the requests booked on them.

    Attributes:
        capacity: the number of servers.
    """

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._free_at = [0.0] * capacity  # heap: when each server has served all it is booked for
        self._late_starts: list[float] = []  # heap: starts still to come of requests booked

    def first_free(self, arrival: float) -> float:
        """When a request arriving at ``arrival`` would start (nothing is booked)."""
        free = self._free_at[0]
        return free if free > arrival else arrival

    def take(self, now: float, start: float, end: float) -> int:
        """Book the server that frees first from ``start`` until ``end``, for a request
        booked ``now``; returns how many wait for a server now, this request included
        (0 if it starts at once)."""
        heapreplace(self._free_at, end)
        if start <= now:
            return 0
        heappush(self._late_starts, start)
        return self.waiting(now)

    def waiting(self, now: float) -> int:
        """Requests booked by ``now`` that have not started yet: the queue's length."""
        late = self._late_starts
        while late and late[0] <= now:
            heappop(late)
        return len(late)
