"""What a replication leaves besides its metrics: load over time and a sample of latencies.

Both feed the plots; they are kept small (a sample every ``timeseries_interval``
per node, at most ``LATENCY_SAMPLE`` latencies per architecture and replication).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.workload import Workload
    from sim.world import World, WorldResult

LATENCY_SAMPLE = 1000
"""Most per-query latencies kept per architecture and replication."""

TIMESERIES_COLUMNS = [
    "scenario",
    "architecture",
    "replication",
    "time_s",
    "node",
    "group",
    "queue",
    "busy",
    "utilization",
]
LATENCY_COLUMNS = ["scenario", "architecture", "replication", "latency_s"]


class Traces:
    """Collects the time series and latency sample of each architecture run of a replication."""

    def __init__(self) -> None:
        self._timeseries: list[pd.DataFrame] = []
        self._latencies: list[pd.DataFrame] = []

    def collect(
        self, replication: int, world: World, result: WorldResult, workload: Workload
    ) -> None:
        """Keep what one architecture's run of ``replication`` produced."""
        ids = {
            "scenario": world.scenario.name,
            "architecture": result.architecture,
            "replication": replication,
        }
        series = world.load_series
        frame = pd.DataFrame(
            {
                "time_s": series.time_s,
                "node": series.node,
                "group": series.group,
                "queue": series.queue,
                "busy": series.busy,
                "utilization": series.utilization,
            }
        )
        self._timeseries.append(frame.assign(**ids)[TIMESERIES_COLUMNS])
        measured = workload.time >= result.measure_from
        latency = (result.log.answered_at - workload.time)[measured]
        latency = latency[np.isfinite(latency)]
        if len(latency) > LATENCY_SAMPLE:
            keep = np.unique(np.linspace(0, len(latency) - 1, LATENCY_SAMPLE).round().astype(int))
            latency = latency[keep]
        self._latencies.append(pd.DataFrame({**ids, "latency_s": latency})[LATENCY_COLUMNS])

    def timeseries(self) -> pd.DataFrame:
        """Every node's queue, busy servers and utilisation over time (``timeseries.csv``)."""
        return _concat(self._timeseries, TIMESERIES_COLUMNS)

    def latencies(self) -> pd.DataFrame:
        """The per-query latency sample (``latencies.csv``)."""
        return _concat(self._latencies, LATENCY_COLUMNS)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)
