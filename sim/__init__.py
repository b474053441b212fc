"""idsim: compare national identity-number architectures by discrete-event simulation.

The Python API::

    import sim
    scenario = sim.load_scenario("scenarios/quickstart.yaml")
    result = sim.run(scenario, replications=2)
    result.summary          # pandas DataFrame, one row per architecture and metric
    result.save("results/my-run")
"""

from sim.experiment import RunResult, run
from sim.scenario import Scenario, ScenarioError, load_scenario, load_scenario_text

__all__ = ["RunResult", "Scenario", "ScenarioError", "load_scenario", "load_scenario_text", "run"]
