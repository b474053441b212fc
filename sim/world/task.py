"""A query's steps, run from the events they wait on, without a SimPy process.

A ``simpy.Process`` costs two events of its own (its start and its end) and
some bookkeeping at every step. A query needs neither: it starts the moment it
is made, and nothing waits for it to end. ``Task`` drives the same kind of
generator a process would (an architecture's ``resolve``): it runs the
generator up to its first ``yield`` at once, then resumes it from the callback
of each event it yields, with the event's value, until the generator returns.
A generator that yields a failed event gets its exception thrown in, as in a
process; an exception the generator does not catch ends the run, as in a
process, except ``NodeUnavailable``, which ends the query as unavailable (at
the time the error says the query found out).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Protocol

import simpy

from sim.architectures.resolution import NOT_ANSWERED, UNAVAILABLE, NodeUnavailable, Resolution


class Owner(Protocol):
    """Whom a task reports to: which query's step is running, and how each query ended."""

    running_query: int  # -1: none
    now: float  # the simulation's clock

    def finish(self, query: int, resolution: Resolution) -> None: ...


class Task:
    """Runs ``steps`` now and at each event it yields; ``query`` -1 is steps that are no query."""

    __slots__ = ("_steps", "_owner", "_query")

    def __init__(
        self, owner: Owner, query: int, steps: Generator[simpy.Event, object, Resolution | None]
    ):
        self._steps = steps
        self._owner = owner
        self._query = query
        self._resume(None)

    def _resume(self, event: simpy.Event | None) -> None:
        owner = self._owner
        while True:
            owner.running_query = self._query
            try:
                if event is None or event._ok:
                    event = self._steps.send(None if event is None else event._value)
                else:
                    event._defused = True  # the generator handles it, or the run ends
                    event = self._steps.throw(event._value)
            except StopIteration as end:
                if self._query >= 0:
                    owner.finish(self._query, end.value)
                return
            except NodeUnavailable as error:
                if self._query < 0:
                    raise
                found_out = 0.0 if error.at is None else error.at - owner.now
                unavailable = Resolution(NOT_ANSWERED, UNAVAILABLE, reply_seconds=found_out)
                owner.finish(self._query, unavailable)
                return
            if event.callbacks is not None:
                event.callbacks.append(self._resume)  # no cycle: freed when the event is
                return
            # The event has been processed already: go on at once with its value.
