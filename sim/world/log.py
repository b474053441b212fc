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
        self._rows: list[tuple[int, float, int, int, float, int, float, int]] = []

    def record(self, query: int, answered_at: float, resolution: Resolution) -> None:
        """Note that ``query`` ended at ``answered_at`` as ``resolution`` says."""
        # A row of plain numbers: the garbage collector stops tracking it, so a
        # million rows cost it nothing (a row holding the Resolution would be tracked).
        self._rows.append(
            (
                query,
                answered_at,
                resolution.person,
                resolution.outcome,
                resolution.clerk_seconds,
                resolution.visits,
                resolution.citizen_seconds,
                resolution.hops,
            )
        )

    def close(self) -> None:
        """Fill the arrays from the rows recorded so far."""
        rows, self._rows = self._rows, []
        if not rows:
            return
        table = np.array(rows, dtype=np.float64)  # exact: every number here is < 2**53
        query = table[:, 0].astype(np.int64)
        self.answered_at[query] = table[:, 1]
        self.person[query] = table[:, 2]
        self.outcome[query] = table[:, 3]
        self.clerk_seconds[query] = table[:, 4]
        self.visits[query] = table[:, 5]
        self.citizen_seconds[query] = table[:, 6]
        self.hops[query] = table[:, 7]
        self.finished[query] = True
