"""Shared fixtures: small scenarios built from the quickstart, shrunk for speed.

Property-based tests draw the same examples in every run of the suite (the
``suite`` profile), so ``make test`` passes or fails on the code alone; ``make
fuzz`` runs them with fresh random examples (``HYPOTHESIS_PROFILE=fuzz``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from sim.scenario import Scenario, load_scenario

settings.register_profile("suite", derandomize=True)
settings.register_profile("fuzz", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def small(scenario: Scenario, **changes: object) -> Scenario:
    """A re-validated copy of a scenario with dotted keys changed, e.g. ``population.size``."""
    data = scenario.resolved()
    for key, value in changes.items():
        node = data
        parts = key.split("__")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[parts[-1]] = value
    return Scenario.model_validate(data)


@pytest.fixture(scope="session")
def quickstart() -> Scenario:
    return load_scenario(SCENARIOS / "quickstart.yaml")
