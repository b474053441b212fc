"""idsim: compare national identity-number architectures by discrete-event simulation.

The Python API::

    import sim
    scenario = sim.load_scenario("scenarios/quickstart.yaml")
    result = sim.run(scenario, replications=2)
    result.summary          # pandas DataFrame, one row per architecture and metric
    result.save("results/my-run")
    sweep = sim.sweep(scenario, {"population.size": [5000, 20000]}, replications=3)
    sweep.table             # the summary at every point, the varied keys as columns
"""

from sim.experiment import Replications, RunResult, run
from sim.scenario import Scenario, ScenarioError, load_scenario, load_scenario_text
from sim.sweeps import SweepResult, sweep

__all__ = [
    "Replications",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SweepResult",
    "load_scenario",
    "load_scenario_text",
    "run",
    "sweep",
]
