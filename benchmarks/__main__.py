"""Run every benchmark: ``python -m benchmarks`` (``make bench``)."""

import importlib
import pkgutil
from pathlib import Path

for module_info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
    if module_info.name.startswith("bench_"):
        module = importlib.import_module(f"benchmarks.{module_info.name}")
        module.main()
        print()
