"""A national month: ``scenarios/japan-national.yaml`` run as a user would run it.

Target (issue: national scale): all four architectures over a month of Japan's
exchanges, 125 million citizens (sampled), in under 10 minutes and under 16 GB
on 2 cores. The scenario runs in a fresh process with ``--jobs 2`` (its two
replications in parallel, one per core); the wall-clock time is the target
figure, and memory is the peak of the resident sizes of the whole process tree
(the command and its workers), sampled every half second.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "japan-national.yaml"
TARGET_SECONDS = 600.0
TARGET_BYTES = 16 * 2**30
SAMPLE_SECONDS = 0.5


def _resident_bytes(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _tree(root: int) -> list[int]:
    """``root`` and every process descended from it."""
    parent_of = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parent_of[int(entry.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, parent in parent_of.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return sorted(tree)


def run_national(jobs: int = 2) -> tuple[float, int]:
    """Seconds and peak resident bytes (process tree) of one run of the national month."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "sim", "run", str(SCENARIO), "--jobs", str(jobs)]
        command += ["--no-plots", "--quiet", "--out", out]
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        peak = [0]

        def watch() -> None:
            while process.poll() is None:
                peak[0] = max(peak[0], sum(_resident_bytes(pid) for pid in _tree(process.pid)))
                time.sleep(SAMPLE_SECONDS)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        if process.wait() != 0:
            raise RuntimeError(f"{' '.join(command)} failed with code {process.returncode}")
        seconds = time.perf_counter() - start
        watcher.join()
    return seconds, peak[0]


def main() -> None:
    print("== a national month (japan-national.yaml, 4 architectures, --jobs 2) ==")
    seconds, peak = run_national()
    print(
        f"target: < {TARGET_SECONDS / 60:.0f} min: measured {seconds / 60:.1f} min "
        f"({seconds:.0f} s); < {TARGET_BYTES / 2**30:.0f} GB: measured peak "
        f"{peak / 2**30:.1f} GB (all processes together)"
    )


if __name__ == "__main__":
    main()
