"""What happened to every query, as arrays indexed by query number."""

from __future__ import annotations

import numpy as np

from sim.architectures.resolution import NOT_ANSWERED, UNAVAILABLE, Resolution


class QueryLog:
    """Per-query results of one architecture's run."""

    def __init__(self, size: int):
        self.answered_at = np.full(size, np.nan)
        self.person = np.full(size, NOT_ANSWERED, dtype=np.int64)
        self.outcome = np.full(size, UNAVAILABLE, dtype=np.int8)
        self.clerk_seconds = np.zeros(size)
        self.visits = np.zeros(size, dtype=np.int32)
        self.citizen_seconds = np.zeros(size)
        self.hops = np.zeros(size, dtype=np.int16)
        self.finished = np.zeros(size, dtype=bool)
        self.waited = np.zeros(size, dtype=bool)  # waited for a system or network that was down

    def record(self, query: int, now: float, resolution: Resolution) -> None:
        self.answered_at[query] = now
        self.person[query] = resolution.person
        self.outcome[query] = resolution.outcome
        self.clerk_seconds[query] = resolution.clerk_seconds
        self.visits[query] = resolution.visits
        self.citizen_seconds[query] = resolution.citizen_seconds
        self.hops[query] = resolution.hops
        self.finished[query] = True
