"""Machine instructions per simulated query, counted by Valgrind's callgrind.

Wall-clock speed on a shared machine moves by a quarter from one hour to the
next; the number of instructions a run executes does not. Each figure is
counted in a fresh process under ``valgrind --tool=callgrind``, with counting
switched on (``callgrind_control``) only around the measured part: an
architecture's enrolment and run over the throughput benchmark's world, or the
hand-written M/M/c queue's customers. Counts are no times (a cache miss costs
more than an addition), so they stand beside the measured speeds, not for them.

Run one count by hand: ``python -m benchmarks.instructions flat``. Without
Valgrind on the machine the counts are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MMC = "mmc"
MMC_CUSTOMERS = 20_000


def available() -> bool:
    """Whether Valgrind (with callgrind_control) is on the machine."""
    return shutil.which("valgrind") is not None and shutil.which("callgrind_control") is not None


def instructions_per_unit(what: str) -> float:
    """Instructions per query of architecture ``what``, or per customer of ``"mmc"``.

    Raises:
        RuntimeError: Valgrind failed or printed no count.
    """
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={os.devnull}",
        sys.executable,
        "-m",
        "benchmarks.instructions",
        what,
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    collected = re.search(r"Collected\s*:\s*(\d+)", done.stderr)
    units = re.search(r"^units (\d+)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or collected is None or units is None:
        raise RuntimeError(f"callgrind gave no count for {what}: {done.stderr[-500:]}")
    return int(collected.group(1)) / int(units.group(1))


def _counting(on: bool) -> None:
    """Switch callgrind's counting for this process on or off."""
    switch = "on" if on else "off"
    subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], capture_output=True)


def _count(what: str) -> int:
    """Run the measured part of ``what`` with counting on; returns the units it served."""
    if what == MMC:
        from benchmarks.baselines import mmc_customers_per_second

        _counting(True)
        mmc_customers_per_second(MMC_CUSTOMERS)
        _counting(False)
        return MMC_CUSTOMERS
    from benchmarks.bench_throughput import make_world, quickstart_inputs

    inputs = quickstart_inputs()
    world = make_world(inputs, what)
    _counting(True)
    world.enroll()
    world.run()
    _counting(False)
    return len(inputs.workload)


if __name__ == "__main__":
    from sim.machine import keep_freed_memory, one_blas_thread

    keep_freed_memory()  # as the throughput benchmark runs
    with one_blas_thread():
        print(f"units {_count(sys.argv[1])}")
