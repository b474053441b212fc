"""Identical servers with one first-come-first-served queue.

This is what ``simpy.Resource`` does, with fewer events: a request that finds a
free server takes it at once (no event), one that finds none waits on a single
event, and a server freed at the end of a service is handed straight to the
first in the queue (no release event). Every query passes through several of
these, so the events saved are a large part of a run's time.
"""

from __future__ import annotations

from collections import deque

import simpy


class Servers:
    """``capacity`` identical servers; ``busy`` of them serving, ``queue`` waiting for one."""

    def __init__(self, env: simpy.Environment, capacity: int):
        self.env = env
        self.capacity = capacity
        self.busy = 0
        self.queue: deque[simpy.Event] = deque()

    def try_take(self) -> bool:
        """Take a free server if there is one (True), else leave everything as it is."""
        if self.busy < self.capacity:
            self.busy += 1
            return True
        return False

    def wait(self) -> simpy.Event:
        """Join the queue: the event fires when a server is handed over."""
        turn = self.env.event()
        self.queue.append(turn)
        return turn

    def release(self) -> None:
        """Free a server: hand it to the first in the queue, or leave it idle."""
        if self.queue:
            self.queue.popleft().succeed()
        else:
            self.busy -= 1
