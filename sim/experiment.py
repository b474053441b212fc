"""Replications of every architecture on common random numbers, and their summary."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from sim.metrics import GLOSSARY, compute_metrics, describe
from sim.population.citizens import generate_population
from sim.population.registers import build_registers
from sim.report.folder import write_run_folder
from sim.report.table import comparison_table
from sim.rng import Streams
from sim.scenario import Scenario, load_scenario
from sim.scenario.loader import scenario_from_data
from sim.scenario.yaml_source import SourceMap
from sim.workload import generate_workload
from sim.world import World

METRIC_COLUMNS = ["scenario", "architecture", "replication", "seed", "metric", "value", "unit"]
SUMMARY_COLUMNS = ["scenario", "architecture", "metric", "unit", "mean", "ci_low", "ci_high", "n"]


@dataclass
class RunResult:
    """Metrics of every replication and architecture, and their summary with 95 % intervals."""

    scenario: Scenario
    metrics: pd.DataFrame
    summary: pd.DataFrame
    started_at: datetime
    wall_seconds: float
    command: list[str] = field(default_factory=list)

    def table(self) -> str:
        """The comparison table as text: metrics as rows, architectures as columns."""
        return comparison_table(self.summary)

    def save(self, folder: str | Path | None = None) -> Path:
        """Write the run folder (default ``results/<name>/<UTC time>-<hash>/``) and return it."""
        if folder is None:
            stamp = self.started_at.strftime("%Y%m%dT%H%M%SZ")
            folder = Path("results") / self.scenario.name / f"{stamp}-{self.scenario.digest()}"
        return write_run_folder(Path(folder), self)


def simulate_replication(
    scenario: Scenario, architectures: list[str], replication: int
) -> pd.DataFrame:
    """Run every architecture once on the same population and workload; tidy metric rows."""
    streams = Streams(scenario.seed, replication)
    population = generate_population(scenario.population, streams, scenario.duration)
    registers = build_registers(scenario, population, streams)
    workload = generate_workload(scenario, population, registers, streams)
    rows = []
    for name in architectures:
        world = World(scenario, population, registers, workload, streams, name)
        for metric, value in compute_metrics(world.run(), workload):
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
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def summarize(metrics: pd.DataFrame) -> pd.DataFrame:
    """Mean and Student-t 95 % interval of each metric over replications."""
    rows = []
    order = {info.name: i for i, info in enumerate(GLOSSARY)}
    keys = ["scenario", "architecture", "metric", "unit"]
    for (scenario, architecture, metric, unit), group in metrics.groupby(keys, sort=False):
        values = group["value"].to_numpy(dtype=float)
        values = values[~np.isnan(values)]
        n = len(values)
        mean = float(values.mean()) if n else float("nan")
        if n >= 2:
            half = stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / np.sqrt(n)
            low, high = mean - half, mean + half
        else:
            low = high = float("nan")
        rows.append((scenario, architecture, metric, unit, mean, low, high, n))
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    rank = summary["metric"].map(lambda m: order.get(m, order.get(_family(m), len(order))))
    return (
        summary.assign(_rank=rank)
        .sort_values(["_rank", "metric"], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def _family(metric: str) -> str:
    return metric.rpartition(".")[0] + ".<node>"


def run(
    scenario: Scenario | str | Path,
    architectures: list[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
) -> RunResult:
    """Run a scenario: every architecture, every replication, on common random numbers.

    Args:
        scenario: a validated Scenario or the path of a YAML file.
        architectures: names to run (default: the scenario's ``architectures``).
        replications: how many (default: the scenario's ``replications``).
        seed: another seed (default: the scenario's ``seed``).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    scenario = with_values(
        scenario, replications=replications, seed=seed, architectures=architectures
    )
    started = datetime.now(UTC)
    clock = time.perf_counter()
    parts = [
        simulate_replication(scenario, scenario.architectures, replication)
        for replication in range(scenario.replications)
    ]
    metrics = pd.concat(parts, ignore_index=True)
    return RunResult(
        scenario=scenario,
        metrics=metrics,
        summary=summarize(metrics),
        started_at=started,
        wall_seconds=time.perf_counter() - clock,
        command=list(sys.argv),
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
