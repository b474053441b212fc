"""Every bundled scenario validates and runs (at a small size); the docs are current."""

from __future__ import annotations

import pytest

from sim import docs
from sim.experiment import run
from sim.scenario import load_scenario
from tests.conftest import SCENARIOS

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))
SHRUNK = {
    # a month over 1,741 municipalities costs minutes whatever the population: a day
    # over 40 (its 1 % sample of 800 is 8 citizens)
    "japan-national": ["duration=1 day", "population.municipalities=40"],
}
"""Further overrides that keep a bundled scenario's small run to seconds."""


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_scenario_runs_small(path):
    overrides = ["population.size=800", "replications=2", *SHRUNK.get(path.stem, [])]
    scenario = load_scenario(path, overrides)
    result = run(scenario)
    assert set(result.metrics["architecture"]) == set(scenario.architectures)
    summary = result.summary.set_index(["metric", "architecture"])["mean"]
    for architecture in scenario.architectures:
        if summary["linkage.queries", architecture] > 0:
            assert summary["linkage.correct_rate", architecture] > 0


@pytest.mark.parametrize("page", sorted(docs.PAGES))
def test_generated_docs_are_current(page):
    written = (docs.DOCS / page).read_text(encoding="utf-8")
    assert written == docs.PAGES[page](), f"docs/{page} is stale: run `make docs`"


def test_readme_glossary_is_current():
    readme = docs.README.read_text(encoding="utf-8")
    assert readme == docs.readme_with_glossary(readme), "README glossary is stale: run `make docs`"
