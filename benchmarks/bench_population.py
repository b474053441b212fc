"""Population generation: time and memory per citizen as the population grows.

Target (national scale): 125 million citizens with their facts and registers in
under 2 minutes and under 64 bytes per citizen. Each size runs in a fresh process
so that peak memory is its own; the 125-million figure is extrapolated from the
growth, which is printed so that its linearity can be judged.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SIZES = (250_000, 1_000_000, 4_000_000, 16_000_000)
NATIONAL = 125_000_000
QUICKSTART = Path(__file__).resolve().parent.parent / "scenarios" / "quickstart.yaml"

_CHILD = """
import json, sys, time
from sim.scenario import load_scenario
from sim.population.citizens import generate_population
from sim.population.registers import build_registers
from sim.rng import Streams
size = int(sys.argv[1])
scenario = load_scenario(sys.argv[2], [f"population.size={size}"])
start = time.perf_counter()
population = generate_population(scenario.population, Streams(1), scenario.duration)
registers = build_registers(scenario, population, Streams(1))
seconds = time.perf_counter() - start
arrays = [population.sex, population.birth_date, population.surname, population.given,
          population.municipality, population.block, population.national_number,
          population.born_at, population.died_at]
events = population.events
for log in (events.moves, events.marriages):
    arrays += [log.persons, log.times, log.values]
arrays += list(registers.members.values())
stored = sum(a.nbytes for a in arrays)
# ru_maxrss survives fork and exec (it would report the parent's peak); VmHWM does not.
status = open("/proc/self/status").read().split("VmHWM:")[1]
peak = int(status.split()[0]) * 1024
print(json.dumps({"seconds": seconds, "stored": stored, "peak": peak}))
"""


def measure(size: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(size), str(QUICKSTART)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    print("== population generation (quickstart world, growing population) ==")
    print(f"{'citizens':>12} {'seconds':>9} {'stored B/citizen':>17} {'peak MB':>9}")
    rows = []
    for size in SIZES:
        result = measure(size)
        rows.append((size, result))
        print(
            f"{size:>12,} {result['seconds']:>9.2f} {result['stored'] / size:>17.1f} "
            f"{result['peak'] / 2**20:>9.0f}"
        )
    (small, first), (large, last) = rows[0], rows[-1]
    growth = (last["seconds"] / first["seconds"]) / (large / small)
    per_citizen = last["seconds"] / large
    print(f"time growth relative to linear over {large // small}x: {growth:.2f} (1.00 = linear)")
    print(
        f"target: 125 M citizens < 120 s: extrapolated {per_citizen * NATIONAL:.0f} s; "
        f"< 64 B/citizen: measured {last['stored'] / large:.1f} B"
    )


if __name__ == "__main__":
    main()
