"""Speed-up of a sweep on two worker processes over one.

Target (issue: experiments at scale): --jobs 2 finishes the same sweep at least
1.6x as fast as --jobs 1 on a machine with two free cores, with byte-identical
tables. The unit of work is one replication of one point, so the speed-up is
bounded by the number of replications and by the slowest one.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sim.executors import available_cores
from sim.scenario import load_scenario
from sim.sweeps import sweep

QUICKSTART = Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml"
GRID = {"network.latency.mean": ["10 ms", "40 ms"], "agencies.tax.servers": [1, 2]}
REPLICATIONS = 2


def sweep_seconds(jobs: int, folder: Path) -> float:
    """Wall time of the benchmark sweep with ``jobs`` worker processes (1: in this process)."""
    scenario = load_scenario(QUICKSTART, ["population.size=3000", "duration=6 h"])
    start = time.perf_counter()
    sweep(scenario, GRID, replications=REPLICATIONS, jobs=jobs, out=folder, plots=False)
    return time.perf_counter() - start


def main() -> None:
    points = len(GRID["network.latency.mean"]) * len(GRID["agencies.tax.servers"])
    print(f"== sweep: {points} points x {REPLICATIONS} replications, 4 architectures ==")
    with tempfile.TemporaryDirectory() as temporary:
        one = sweep_seconds(1, Path(temporary) / "one")
        two = sweep_seconds(2, Path(temporary) / "two")
        same = (Path(temporary) / "one" / "sweep.csv").read_bytes() == (
            Path(temporary) / "two" / "sweep.csv"
        ).read_bytes()
    print(f"--jobs 1   {one:8.1f} s")
    print(f"--jobs 2   {two:8.1f} s")
    print(
        f"speed-up   {one / two:8.2f}x   (target >= 1.6x with 2 free cores; "
        f"{available_cores()} cores here)"
    )
    print(f"identical sweep.csv: {same}")


if __name__ == "__main__":
    main()
