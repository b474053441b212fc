"""Scenarios: the typed schema, YAML loading with places, and located errors."""

from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.loader import apply_override, load_scenario, load_scenario_text
from sim.scenario.schema import Scenario

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "apply_override",
    "load_scenario",
    "load_scenario_text",
]
