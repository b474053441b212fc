"""Cost of the compromise analysis against population size.

For the quickstart world at three population sizes: the time of one
replication's analysis for all four architectures (the agencies' copies of the
basic four facts, the attacker's name matching over every leaked pair of them,
then every compromise's join and score), with the identifier joins alone
reported apart. Enrolment (not part of the analysis) is not timed. The growth
line gives the time ratio against the size ratio, and the fitted exponent of
time ~ size^k.

Run with ``python -m benchmarks.bench_privacy``.
"""

from __future__ import annotations

import time
from itertools import pairwise
from pathlib import Path

import numpy as np

from sim.privacy.analysis import PrivacyAnalysis
from sim.scenario import load_scenario
from sim.world.exposure import enrolled_worlds

QUICKSTART = Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml"

SIZES = (2_500, 10_000, 40_000)


def analysis_seconds(size: int) -> tuple[float, float]:
    """Seconds of the full analysis and of the identifier joins alone, at ``size`` citizens."""
    scenario = load_scenario(QUICKSTART, [f"population.size={size}"])
    worlds = enrolled_worlds(scenario)
    holdings = [world.architecture.holdings(world) for world in worlds]
    first = worlds[0]
    timings = []
    for quasi in (True, False):
        plain = load_scenario(
            QUICKSTART,
            [f"population.size={size}", f"privacy.quasi_identifiers={str(quasi).lower()}"],
        )
        start = time.perf_counter()
        analysis = PrivacyAnalysis(plain, first.population, first.registers, first.rng)
        for held in holdings:
            analysis.exposure_rows(held)
        timings.append(time.perf_counter() - start)
    return timings[0], timings[1]


def main() -> None:
    """Print seconds per size and how they grow."""
    print("compromise analysis, quickstart world, 4 architectures, one replication:")
    results = []
    for size in SIZES:
        full, identifiers = analysis_seconds(size)
        results.append(full)
        print(
            f"  {size:>7,} citizens: {full:6.2f} s in all "
            f"({identifiers:5.2f} s of it identifier joins, the rest name matching)"
        )
    for (small, fast), (large, slow) in pairwise(zip(SIZES, results, strict=True)):
        ratio = slow / fast
        print(f"  growth {small:,} -> {large:,} citizens (x{large // small}): time x{ratio:.2f}")
    exponent = np.polyfit(np.log(SIZES), np.log(results), 1)[0]
    print(f"  fitted time ~ size^{exponent:.2f}")


if __name__ == "__main__":
    main()
