"""Replications of every architecture on common random numbers, and their summary."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import yaml

from sim.executors import Executor, make_executor
from sim.intervals import SUMMARY_COLUMNS, paired_differences, summarize
from sim.machine import keep_freed_memory, one_blas_thread
from sim.metrics import compute_metrics, describe, scale_counts
from sim.population.citizens import generate_population
from sim.population.registers import build_registers
from sim.privacy.analysis import PrivacyAnalysis
from sim.report.folder import write_run_folder
from sim.report.table import comparison_table
from sim.rng import Streams
from sim.scenario import Scenario, load_scenario
from sim.scenario.loader import scenario_from_data
from sim.scenario.yaml_source import SourceMap
from sim.schedule import Point, Progress, Replications, cap_note, run_points
from sim.traces import Traces
from sim.workload import generate_workload
from sim.world import World

METRIC_COLUMNS = ["scenario", "architecture", "replication", "seed", "metric", "value", "unit"]

__all__ = [
    "METRIC_COLUMNS",
    "SUMMARY_COLUMNS",
    "Replications",
    "RunResult",
    "run",
    "simulate_replication",
    "summarize",
    "with_values",
]


@dataclass
class RunResult:
    """Metrics of every replication and architecture, their summary with 95 % intervals,
    and the paired differences of each architecture from the reference (the first one)."""

    scenario: Scenario
    metrics: pd.DataFrame
    summary: pd.DataFrame
    started_at: datetime
    wall_seconds: float
    command: list[str] = field(default_factory=list)
    differences: pd.DataFrame = field(default_factory=pd.DataFrame)
    timeseries: pd.DataFrame | None = None
    latencies: pd.DataFrame | None = None
    replications: str = ""  # how the count was chosen, in words
    executor: str = ""
    notes: list[str] = field(default_factory=list)

    def table(self) -> str:
        """The comparison table as text: metrics as rows, architectures as columns."""
        return comparison_table(self.summary)

    def save(self, folder: str | Path | None = None, plots: bool = True) -> Path:
        """Write the run folder (default ``results/<name>/<UTC time>-<hash>/``) and return it.

        With ``plots`` (the default) it also holds ``plots/*.png``, ``report.md``
        and ``report.html``.
        """
        if folder is None:
            stamp = self.started_at.strftime("%Y%m%dT%H%M%SZ")
            folder = Path("results") / self.scenario.name / f"{stamp}-{self.scenario.digest()}"
        return write_run_folder(Path(folder), self, plots=plots)


def simulate_replication(
    scenario: Scenario,
    architectures: list[str],
    replication: int,
    *,
    traces: Traces | None = None,
) -> pd.DataFrame:
    """Run every architecture once on the same population and workload; tidy metric rows.

    ``traces``, if given, also collects each architecture's load over time and
    latency sample.

    With ``population.sample`` below 1 the replication draws its own sample of
    citizens (the population stream is the replication's), the workload runs at
    the full volume of ``population.size``, and counts of persons and records are
    multiplied by ``population.scale_factor``.

    The process keeps freed memory for reuse, and BLAS runs on one thread while
    the replication runs (see ``sim.machine``).
    """
    keep_freed_memory()
    with one_blas_thread():
        return _run_architectures(scenario, architectures, replication, traces)


def _run_architectures(
    scenario: Scenario, architectures: list[str], replication: int, traces: Traces | None
) -> pd.DataFrame:
    streams = Streams(scenario.seed, replication)
    population = generate_population(scenario.population, streams, scenario.duration)
    registers = build_registers(scenario, population, streams)
    workload = generate_workload(scenario, population, registers, streams)
    privacy = PrivacyAnalysis(scenario, population, registers, streams.get)
    rows = []
    for name in architectures:
        # Separate matches on the copies the attacker's name matching joins: one build
        # for both. Without the attacker's, separate builds its own and drops it after
        # its run (a national month's copies take gigabytes).
        world = World(scenario, population, registers, workload, streams, name, privacy.copies)
        outcome = world.run()
        architecture = world.architecture
        metrics = compute_metrics(outcome, workload)
        trail = architecture.audit_trail(world)
        metrics += privacy.detection_rows(
            workload, outcome.log.outcome, trail, outcome.measure_from
        )
        metrics += privacy.exposure_rows(architecture.holdings(world))
        metrics = scale_counts(metrics, scenario.population.scale_factor)
        for metric, value in metrics:
            rows.append(
                (
                    scenario.name,
                    name,
                    replication,
                    streams.replication_seed(),
                    metric,
                    value,
                    describe(metric).unit,
                )
            )
        if traces is not None:
            traces.collect(replication, world, outcome, workload)
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def run(
    scenario: Scenario | str | Path,
    architectures: list[str] | None = None,
    replications: int | Replications | None = None,
    seed: int | None = None,
    jobs: int | None = None,
    executor: Executor | None = None,
    progress: bool = False,
) -> RunResult:
    """Run a scenario: every architecture, every replication, on common random numbers.

    Args:
        scenario: a validated Scenario or the path of a YAML file.
        architectures: names to run (default: the scenario's ``architectures``).
        replications: how many (default: the scenario's ``replications``), or a
            ``Replications(precision=0.05)`` to add replications until the chosen
            metrics are that precise.
        seed: another seed (default: the scenario's ``seed``).
        jobs: worker processes (default: every core; 1 runs here, in this process).
        executor: run on this executor instead (e.g. a ``DaskExecutor``); ``jobs``
            is then ignored and the executor is left open.
        progress: show a progress bar on stderr.

    The result is the same, value for value, whatever ``jobs`` and ``executor``.

    Raises:
        ScenarioError: a mistake in the scenario.
        RuntimeError: a replication crashed (with its traceback).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    policy = replications if isinstance(replications, Replications) else None
    count = policy.count if policy else replications
    scenario = with_values(scenario, replications=count, seed=seed, architectures=architectures)
    policy = policy or Replications(count=scenario.replications)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    tasks = scenario.replications if policy.precision is None else 0
    runner = executor or make_executor(jobs, tasks=tasks)
    try:
        [result] = run_points(
            [Point("run", {}, scenario)],
            policy,
            runner,
            traces=True,
            progress=Progress(enabled=progress, description=scenario.name),
        )
    finally:
        if executor is None:
            runner.close()
    result.raise_error()
    metrics = result.metrics
    done = int(metrics["replication"].nunique())
    if done != scenario.replications:
        scenario = with_values(scenario, replications=done)
    return RunResult(
        scenario=scenario,
        metrics=metrics,
        summary=summarize(metrics),
        started_at=started,
        wall_seconds=time.perf_counter() - clock,
        command=list(sys.argv),
        differences=paired_differences(metrics, scenario.architectures[0]),
        timeseries=result.timeseries,
        latencies=result.latencies,
        replications=policy.describe() if policy.precision else str(done),
        executor=runner.describe(),
        notes=[
            note
            for note in [scenario.population.sampling_note(), cap_note(policy, [result])]
            if note
        ],
    )


def with_values(scenario: Scenario, **values: object) -> Scenario:
    """A re-validated copy of ``scenario`` with top-level keys replaced (None keeps a key)."""
    overrides = [
        f"{key}={yaml.safe_dump(value, default_flow_style=True).strip().removesuffix('...')}"
        for key, value in values.items()
        if value is not None
    ]
    if not overrides:
        return scenario
    return scenario_from_data(scenario.resolved(), SourceMap("<arguments>"), overrides)
