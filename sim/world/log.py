"""What happened to every query, as arrays indexed by query number."""

from __future__ import annotations

import numpy as np

from sim.architectures.resolution import NOT_ANSWERED, UNAVAILABLE, Resolution


class QueryLog:
    """Per-query results of one architecture's run.

    During the run each finished query is appended as it ends (cheap); ``close``
    turns the rows into the arrays the metrics read.
    """

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
        self._rows: list[tuple[int, float, Resolution]] = []

    def record(self, query: int, answered_at: float, resolution: Resolution) -> None:
        """Note that ``query`` ended at ``answered_at`` as ``resolution`` says."""
        self._rows.append((query, answered_at, resolution))

    def close(self) -> None:
        """Fill the arrays from the rows recorded so far."""
        rows, self._rows = self._rows, []
        if not rows:
            return
        query = np.array([row[0] for row in rows], dtype=np.int64)
        self.answered_at[query] = [row[1] for row in rows]
        ends = [row[2] for row in rows]
        self.person[query] = [end.person for end in ends]
        self.outcome[query] = [end.outcome for end in ends]
        self.clerk_seconds[query] = [end.clerk_seconds for end in ends]
        self.visits[query] = [end.visits for end in ends]
        self.citizen_seconds[query] = [end.citizen_seconds for end in ends]
        self.hops[query] = [end.hops for end in ends]
        self.finished[query] = True
