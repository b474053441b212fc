"""Run every benchmark: ``python -m benchmarks`` (``make bench``).

Each benchmark runs in a fresh interpreter, as ``python -m benchmarks.<name>``
runs it alone: the heap one benchmark leaves (the 125 M population's is
gigabytes, kept for reuse by ``sim.machine``) would otherwise be the next one's.
"""

import pkgutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

for module_info in sorted(pkgutil.iter_modules([str(HERE)]), key=lambda m: m.name):
    if module_info.name.startswith("bench_"):
        module = f"benchmarks.{module_info.name}"
        subprocess.run([sys.executable, "-m", module], cwd=HERE.parent, check=True)
        print(flush=True)
