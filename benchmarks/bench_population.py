"""Population generation: time and memory per citizen as the population grows to national size.

Target (national scale): 125 million citizens with their facts and registers in
under 2 minutes and under 64 bytes per citizen, with cost growing close to
linearly. Four sizes spanning two orders of magnitude end at the national size,
which is measured, not extrapolated. Each size runs in a fresh process so that
its peak memory (VmHWM) is its own; the smaller sizes, which take a second or
so and are easily disturbed, run ``REPEATS`` times and the fastest run counts.

Wall-clock seconds are the target figure. User and system CPU seconds are
printed beside them: the machine may be shared (waiting for a core shows in the
wall clock only), and system time is mostly the kernel handing the process
fresh memory pages (2-3 s per gigabyte on a virtual machine), so it follows the
bytes stored rather than the algorithm.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

NATIONAL = 125_000_000
SIZES = (1_250_000, 5_000_000, 20_000_000, NATIONAL)
TARGET_SECONDS = 120.0
TARGET_BYTES_PER_CITIZEN = 64.0
REPEATS = 3
QUICKSTART = Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml"

_CHILD = """
import json, resource, sys, time
from sim.scenario import load_scenario
from sim.population.citizens import generate_population
from sim.population.registers import build_registers
from sim.rng import Streams
size = int(sys.argv[1])
scenario = load_scenario(sys.argv[2], [f"population.size={size}"])
start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
population = generate_population(scenario.population, Streams(1), scenario.duration)
registers = build_registers(scenario, population, Streams(1))
seconds, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
arrays = [population.sex, population.birth_date, population.surname, population.given,
          population.municipality, population.block, population.national_number,
          population.born_at, population.died_at]
events = population.events
for log in (events.moves, events.marriages):
    arrays += [log.persons, log.times, log.values]
arrays += [events.birth_times, events.death_persons, events.death_times]
arrays += list(registers.members.values())
stored = sum(a.nbytes for a in arrays)
# ru_maxrss survives fork and exec (it would report the parent's peak); VmHWM does not.
status = open("/proc/self/status").read().split("VmHWM:")[1]
peak = int(status.split()[0]) * 1024
print(json.dumps({"seconds": seconds, "user": user, "system": system, "stored": stored,
                  "peak": peak}))
"""


def measure(size: int) -> dict:
    """Generate ``size`` citizens and their registers in a fresh process; its figures."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(size), str(QUICKSTART)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def growth(rows: list[tuple[int, dict]], key: str) -> float:
    """Cost ratio of the largest to the smallest size, divided by their size ratio (1 = linear)."""
    (small, first), (large, last) = rows[0], rows[-1]
    return (last[key] / first[key]) / (large / small)


def main() -> None:
    print("== population generation (quickstart world, growing population) ==")
    print(
        f"{'citizens':>12} {'seconds':>9} {'user s':>8} {'system s':>9} {'ns/citizen':>11} "
        f"{'stored B/citizen':>17} {'peak MB':>9} {'peak B/citizen':>15}"
    )
    rows = []
    for size in SIZES:
        runs = [measure(size) for _ in range(1 if size == NATIONAL else REPEATS)]
        result = min(runs, key=lambda run: run["seconds"])
        rows.append((size, result))
        print(
            f"{size:>12,} {result['seconds']:>9.2f} {result['user']:>8.2f} "
            f"{result['system']:>9.2f} "
            f"{result['seconds'] / size * 1e9:>11.0f} {result['stored'] / size:>17.1f} "
            f"{result['peak'] / 2**20:>9.0f} {result['peak'] / size:>15.1f}"
        )
    small, large = rows[0][0], rows[-1][0]
    wall_growth = growth(rows, "seconds")
    print(
        f"growth relative to linear over {large / small:.0f}x: {wall_growth:.2f} wall clock, "
        f"{growth(rows, 'user'):.2f} user CPU, {growth(rows, 'system'):.2f} system CPU "
        "(1.00 = linear)"
    )
    national = dict(rows)[NATIONAL]
    print(
        f"target: 125 M citizens < {TARGET_SECONDS:.0f} s: measured {national['seconds']:.1f} s; "
        f"< {TARGET_BYTES_PER_CITIZEN:.0f} B/citizen: measured "
        f"{national['stored'] / NATIONAL:.1f} B; "
        f"growth vs linear over {large / small:.0f}x: {wall_growth:.2f}"
    )


if __name__ == "__main__":
    main()
