"""Confidence intervals: coverage of the true mean, paired differences, the auto stopping rule."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiment import simulate_replication
from sim.intervals import clip, paired_differences, replications_needed, summarize, t_interval
from sim.scenario import load_scenario_text

EXPERIMENTS = 100

# One requester, one provider with c servers and exponential service: under flat, every
# query is served once at the provider, so its expected utilisation is lambda * E[S] / c.
TOY = """
name: toy
seed: {seed}
duration: 1 h
warmup: 10 min
architectures: [flat]
population: {{size: 300, municipalities: 1}}
sectors: [{{name: one}}]
agencies:
  - {{name: asker, sector: one, service_time: {{distribution: constant, mean: 1 ms}}}}
  - {{name: holder, sector: one, servers: 2,
      service_time: {{distribution: exponential, mean: 12 s}}}}
procedures:
  - {{name: ask, requester: asker, rate_per_day: 7200, needs: [{{provider: holder, item: x}}]}}
privacy: {{analysis: false}}
"""
TRUE_UTILISATION = 7200 / 86400 * 12.0 / 2  # 0.5


def test_t_interval_covers_a_known_mean_about_95_times_in_100():
    rng = np.random.default_rng(2026)
    covers = 0
    for _ in range(EXPERIMENTS):
        _, low, high, n = t_interval(rng.normal(10.0, 3.0, size=8))
        covers += low <= 10.0 <= high
        assert n == 8
    assert covers >= 88


def test_interval_of_simulated_utilisation_covers_lambda_es_over_c():
    covers = 0
    for experiment in range(EXPERIMENTS):
        scenario = load_scenario_text(TOY.format(seed=experiment))
        values = [
            simulate_replication(scenario, ["flat"], replication)
            .query("metric == 'load.utilization.holder'")["value"]
            .iloc[0]
            for replication in range(4)
        ]
        _, low, high, _ = t_interval(values)
        covers += low <= TRUE_UTILISATION <= high
    assert covers >= 88


def test_t_interval_needs_two_finite_values():
    mean, low, high, n = t_interval([4.0, float("nan")])
    assert (mean, n) == (4.0, 1) and np.isnan(low) and np.isnan(high)
    assert t_interval([])[3] == 0


def test_clip_keeps_intervals_inside_what_a_metric_can_be():
    assert clip(-0.1, 0.4, "share") == (0.0, 0.4)
    assert clip(0.9, 1.2, "share") == (0.9, 1.0)
    assert clip(-3.0, 5.0, "s") == (0.0, 5.0)


def _metrics(values: dict[str, list[float]], metric: str = "linkage.latency_p95") -> pd.DataFrame:
    rows = [
        ("toy", architecture, replication, 0, metric, value, "s")
        for architecture, series in values.items()
        for replication, value in enumerate(series)
    ]
    columns = ["scenario", "architecture", "replication", "seed", "metric", "value", "unit"]
    return pd.DataFrame(rows, columns=columns)


def test_paired_difference_removes_what_replications_share():
    shared = np.array([1.0, 5.0, 2.0, 8.0, 3.0])  # each replication's workload effect
    metrics = _metrics({"flat": list(shared), "symbol": list(shared + 0.1)})
    difference = paired_differences(metrics).iloc[0]
    assert difference["architecture"] == "symbol" and difference["reference"] == "flat"
    assert abs(difference["mean"] - 0.1) < 1e-12
    assert difference["ci_low"] > 0  # real, although the two means' intervals overlap
    summary = summarize(metrics).set_index("architecture")
    assert summary.loc["symbol", "ci_low"] < summary.loc["flat", "ci_high"]


def test_replications_needed_grows_with_the_spread():
    narrow = summarize(_metrics({"flat": [10.0, 10.1, 9.9, 10.0]}))
    wide = summarize(_metrics({"flat": [5.0, 15.0, 8.0, 12.0]}))
    metrics = ["linkage.latency_p95"]
    assert replications_needed(narrow, metrics, 0.05) <= 4
    assert replications_needed(wide, metrics, 0.05) > 4
    assert replications_needed(wide, ["linkage.auto_rate"], 0.05) == 0
