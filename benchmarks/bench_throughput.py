"""Simulated queries per wall-second of each architecture, beside plain SimPy baselines.

Target (issue: national scale): flat serves at least as many queries per second
as a hand-written M/M/c queue serves customers, both measured here in the same
process; the other architectures within 2x of flat.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.baselines import bare_timeout_events_per_second, mmc_customers_per_second
from sim.architectures import available
from sim.population.citizens import generate_population
from sim.population.registers import build_registers
from sim.rng import Streams
from sim.scenario import load_scenario
from sim.workload import generate_workload
from sim.world import World

QUICKSTART = Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml"


def queries_per_second(architecture: str, scale: float = 40.0) -> tuple[float, int, float]:
    """Queries per wall-second of one architecture on the quickstart world, volumes scaled.

    The time counts the architecture's enrolment (for separate, matching every
    query) and the run; the enrolment's share is returned too.
    """
    overrides = [f"procedures.{i}.rate_per_day={rate}" for i, rate in _scaled_rates(scale)]
    scenario = load_scenario(QUICKSTART, [*overrides, "population.size=20000"])
    streams = Streams(scenario.seed, 0)
    population = generate_population(scenario.population, streams, scenario.duration)
    registers = build_registers(scenario, population, streams)
    workload = generate_workload(scenario, population, registers, streams)
    world = World(scenario, population, registers, workload, streams, architecture)
    start = time.perf_counter()
    world.enroll()
    enrolled = time.perf_counter()
    world.run()
    seconds = time.perf_counter() - start
    return len(workload) / seconds, len(workload), (enrolled - start) / seconds


def _scaled_rates(scale: float) -> list[tuple[int, float]]:
    scenario = load_scenario(QUICKSTART)
    return [(i, p.rate_per_day * scale) for i, p in enumerate(scenario.procedures)]


def main() -> None:
    print("== throughput (queries simulated per wall-second, quickstart world x40 volume) ==")
    events = bare_timeout_events_per_second()
    mmc = mmc_customers_per_second()
    print(f"bare SimPy timeout loop      {events:>12,.0f} events/s")
    print(f"hand-written M/M/c queue     {mmc:>12,.0f} customers/s   (baseline)")
    rates = {}
    for name in available():
        rate, count, enrolment = queries_per_second(name)
        rates[name] = rate
        print(
            f"{name:<28} {rate:>12,.0f} queries/s     "
            f"({count:,} queries; enrolment {enrolment:.0%} of the time)"
        )
    flat = rates.get("flat")
    if flat is None:
        return
    print(f"target: flat >= M/M/c: flat/M/M/c = {flat / mmc:.2f} (target >= 1.00)")
    for name, rate in rates.items():
        if name != "flat":
            print(f"target: {name} within 2x of flat: {name}/flat = {rate / flat:.2f} (>= 0.50)")


if __name__ == "__main__":
    main()
