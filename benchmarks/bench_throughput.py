"""Simulated queries per wall-second of each architecture, beside plain SimPy baselines.

Target (issue: national scale): flat serves at least as many queries per second
as a hand-written M/M/c queue serves customers, both measured here in the same
process; the other architectures within 2x of flat. Where Valgrind is installed,
the same targets are also read off instructions counted per query
(``benchmarks.instructions``), which a busy neighbour does not move.

What counts as a query's cost: the architecture's enrolment and its run. What
does not: the replication's inputs, made once before any architecture runs and
the same under all of them (the population, the registers, the workload, and the
agencies' copies of the basic four facts with their recording errors, which the
privacy analysis joins too). Separate's enrolment, matching every query against
those copies, counts in full.

The machine may be shared, and its speed moves by up to 2x from one second to
the next, so every figure is measured ``ROUNDS`` times, the baselines and the
architectures taking turns within each round: the M/M/c queue, flat, the others
(in reverse order every other round) and flat again. A target's ratio is read
from each side's best run, as timeit reads a best time: a neighbour's burst
slows one measurement, never all of them. Beside it, each round's own ratio
(the M/M/c queue against the round's flat; each other architecture against the
mean of the two flat runs around it) shows how far the machine moved: their
median and range.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import instructions
from benchmarks.baselines import bare_timeout_events_per_second, mmc_customers_per_second
from sim.architectures import available
from sim.machine import keep_freed_memory, one_blas_thread
from sim.population.citizens import Population, generate_population
from sim.population.records import RegisterCopies, build_register_copies
from sim.population.registers import Registers, build_registers
from sim.rng import Streams
from sim.scenario import Scenario, load_scenario
from sim.workload import Workload, generate_workload
from sim.world import World

QUICKSTART = Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml"
ROUNDS = 15
MMC = "M/M/c"  # the baseline's name among a round's rates


@dataclass
class Inputs:
    """One replication's scenario, population, registers, workload and the agencies'
    copies of the basic four facts, made once, as a replication makes them before
    running its architectures (``sim.experiment``)."""

    scenario: Scenario
    population: Population
    registers: Registers
    workload: Workload
    copies: RegisterCopies


def quickstart_inputs(scale: float = 40.0, size: int = 20_000) -> Inputs:
    """The quickstart world with ``size`` citizens and its procedures' volumes × ``scale``."""
    rates = [
        (i, p.rate_per_day * scale) for i, p in enumerate(load_scenario(QUICKSTART).procedures)
    ]
    overrides = [f"procedures.{i}.rate_per_day={rate}" for i, rate in rates]
    scenario = load_scenario(QUICKSTART, [*overrides, f"population.size={size}"])
    streams = Streams(scenario.seed, 0)
    population = generate_population(scenario.population, streams, scenario.duration)
    registers = build_registers(scenario, population, streams)
    workload = generate_workload(scenario, population, registers, streams)
    copies = build_register_copies(scenario, population, registers, streams.get)
    return Inputs(scenario, population, registers, workload, copies)


def make_world(inputs: Inputs, architecture: str) -> World:
    """A fresh world of one architecture over the inputs (the copies shared, as in a run)."""
    scenario = inputs.scenario
    return World(
        scenario,
        inputs.population,
        inputs.registers,
        inputs.workload,
        Streams(scenario.seed, 0),
        architecture,
        lambda: inputs.copies,
    )


def queries_per_second(inputs: Inputs, architecture: str) -> tuple[float, float]:
    """Queries per wall-second of one architecture, and the share of it spent enrolling.

    The time counts the architecture's enrolment (for separate: encoding the
    copies, fitting m and u, matching every query) and the whole run.
    """
    world = make_world(inputs, architecture)
    start = time.perf_counter()
    world.enroll()
    enrolled = time.perf_counter()
    world.run()
    seconds = time.perf_counter() - start
    return len(inputs.workload) / seconds, (enrolled - start) / seconds


def main() -> None:
    print("== throughput (queries simulated per wall-second, quickstart world x40 volume) ==")
    keep_freed_memory()  # as a replication's process runs (sim.machine)
    with one_blas_thread():
        _measure(quickstart_inputs())


@dataclass
class Round:
    """One round's runs: the rate of each (customers or queries per second) and the
    share of its time spent enrolling, by what ran."""

    runs: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    def add(self, name: str, rate: float, enrolment: float = 0.0) -> None:
        self.runs.setdefault(name, []).append((rate, enrolment))

    def rate(self, name: str) -> float:
        """The rate of ``name`` in this round: from the mean time of its runs."""
        rates = [rate for rate, _ in self.runs[name]]
        return len(rates) / sum(1 / rate for rate in rates)

    def ratio(self, name: str) -> float:
        """flat/M/M/c, or another architecture / flat, within this round."""
        return self.rate(name) / self.rate(MMC if name == "flat" else "flat")


def _round(inputs: Inputs, names: list[str], reverse: bool) -> Round:
    """The M/M/c queue, flat, the others (in reverse order if asked), and flat again."""
    measured = Round()
    measured.add(MMC, mmc_customers_per_second())
    others = [name for name in names if name != "flat"]
    for name in ["flat", *(reversed(others) if reverse else others), "flat"]:
        measured.add(name, *queries_per_second(inputs, name))
    return measured


def _measure(inputs: Inputs) -> None:
    names = list(available())
    events = 0.0
    rounds: list[Round] = []
    for number in range(ROUNDS):
        events = max(events, bare_timeout_events_per_second())
        rounds.append(_round(inputs, names, reverse=number % 2 == 1))
    best = {name: max(run for r in rounds for run in r.runs[name]) for name in [MMC, *names]}
    print(f"bare SimPy timeout loop      {events:>12,.0f} events/s")
    print(f"hand-written M/M/c queue     {best[MMC][0]:>12,.0f} customers/s   (baseline)")
    count = len(inputs.workload)
    for name in names:
        rate, enrolment = best[name]
        print(
            f"{name:<28} {rate:>12,.0f} queries/s     "
            f"({count:,} queries; enrolment {enrolment:.0%} of the time)"
        )
    print(f"(best run of {ROUNDS} rounds, flat running twice in each, the others once)")
    ratios, spread = {}, {}
    for name in names:
        ratios[name] = best[name][0] / best[MMC if name == "flat" else "flat"][0]
        within = [measured.ratio(name) for measured in rounds]
        spread[name] = (
            f"each round's own: median {statistics.median(within):.2f}, "
            f"{min(within):.2f}-{max(within):.2f}"
        )
    _print_targets(ratios, "speed, best runs", spread)
    _instruction_targets(names)


def _instruction_targets(names: list[str]) -> None:
    """The same targets read off instructions counted per query (needs Valgrind)."""
    if not instructions.available():
        print("(no valgrind on this machine: instruction counts skipped)")
        return
    try:
        per_query = {name: instructions.instructions_per_unit(name) for name in names}
        per_customer = instructions.instructions_per_unit(instructions.MMC)
    except RuntimeError as error:
        print(f"(instruction counts skipped: {error})")
        return
    print("instructions counted by callgrind (the same in every run; see benchmarks.instructions)")
    print(f"hand-written M/M/c queue     {per_customer:>12,.0f} instructions a customer")
    for name in names:
        print(f"{name:<28} {per_query[name]:>12,.0f} instructions a query")
    # As speeds: units per instruction, so the targets read the same way.
    ratios = {
        name: (per_customer if name == "flat" else per_query["flat"]) / count
        for name, count in per_query.items()
    }
    _print_targets(ratios, "instructions")


def _print_targets(
    ratios: dict[str, float], measure: str, details: dict[str, str] | None = None
) -> None:
    """Each target beside its ratio: flat's to M/M/c, the others' to flat."""
    details = details or {}
    for name, ratio in ratios.items():
        if name == "flat":
            target, bound = "flat >= M/M/c: flat/M/M/c", 1.0
        else:
            target, bound = f"{name} within 2x of flat: {name}/flat", 0.5
        detail = f"; {details[name]}" if name in details else ""
        print(f"target ({measure}): {target} = {ratio:.2f} (>= {bound:.2f}{detail})")


if __name__ == "__main__":
    main()
