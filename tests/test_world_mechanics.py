"""The world's mechanics: queues, utilisation, latency, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiment import run, simulate_replication
from sim.metrics import compute_metrics
from tests.conftest import small
from tests.worlds import build


def _metrics(scenario) -> dict[str, float]:
    parts = build(scenario)
    return dict(compute_metrics(parts.world("flat").run(), parts.workload))


def test_doubling_service_time_doubles_utilisation(quickstart):
    base = small(quickstart, population__size=3000)
    slow = small(base, agencies__3__service_time={"distribution": "exponential", "mean": "500 ms"})
    before = _metrics(base)["load.utilization.tax"]
    after = _metrics(slow)["load.utilization.tax"]
    assert before > 0
    assert 1.8 < after / before < 2.2


def test_fewer_servers_more_waiting(quickstart):
    busy = small(
        quickstart,
        population__size=3000,
        agencies__3__service_time={"distribution": "exponential", "mean": "60 s"},
    )
    two = _metrics(busy)
    one = _metrics(small(busy, agencies__3__servers=1))
    assert one["load.wait_p95.tax"] > two["load.wait_p95.tax"]
    assert one["load.queue_max.tax"] >= two["load.queue_max.tax"]
    assert one["linkage.latency_p95"] > two["linkage.latency_p95"]


def test_latency_is_two_hops_plus_service_when_idle(quickstart):
    constant = {"distribution": "constant", "mean": "100 ms"}
    scenario = small(quickstart, population__size=500, network__latency=constant)
    for index in range(len(scenario.agencies)):
        scenario = small(scenario, **{f"agencies__{index}__service_time": constant})
    scenario = small(scenario, **{f"agencies__{i}__servers": 50 for i in range(4)})
    metrics = _metrics(scenario)
    assert abs(metrics["linkage.latency_p50"] - 0.3) < 1e-9
    assert abs(metrics["linkage.latency_p99"] - 0.3) < 1e-9


def test_warmup_queries_are_not_counted(quickstart):
    scenario = small(quickstart, population__size=2000)
    parts = build(scenario)
    metrics = dict(compute_metrics(parts.world("flat").run(), parts.workload))
    assert metrics["linkage.queries"] == (parts.workload.time >= scenario.warmup).sum()
    assert metrics["linkage.queries"] < len(parts.workload)


def test_every_query_is_about_a_living_citizen_on_the_registers(quickstart):
    scenario = small(quickstart, population__size=2000)
    parts = build(scenario)
    workload, population = parts.workload, parts.population
    assert population.alive_at(workload.citizen, workload.time).all()
    for node in np.unique(workload.provider):
        mask = workload.provider == node
        held = parts.registers.holds(
            int(node), workload.citizen[mask], workload.time[mask], population
        )
        assert held.all()


def test_same_seed_same_metrics_other_seed_other_values(quickstart):
    scenario = small(quickstart, population__size=2000, replications=2)
    first = run(scenario).metrics
    second = run(scenario).metrics
    pd.testing.assert_frame_equal(first, second)
    other = run(small(scenario, seed=scenario.seed + 1)).metrics
    assert not first["value"].equals(other["value"])


def test_replications_share_nothing_but_the_seed(quickstart):
    scenario = small(quickstart, population__size=1000)
    zero = simulate_replication(scenario, ["flat"], 0)
    one = simulate_replication(scenario, ["flat"], 1)
    assert zero["seed"].iloc[0] != one["seed"].iloc[0]
    assert not zero["value"].equals(one["value"])


def test_one_register_lookup_agrees_with_the_vectorised_one(quickstart):
    from sim.population.registers import holds_one

    scenario = small(
        quickstart,
        population__size=500,
        population__life_events={
            "move_rate_per_year": 2.0,
            "marriage_rate_per_year": 0,
            "birth_rate_per_year": 0,
            "death_rate_per_year": 0,
        },
    )
    parts = build(scenario)
    rng = np.random.default_rng(3)
    persons = rng.integers(0, parts.population.size, 400)
    times = rng.uniform(0, scenario.duration, 400)
    for node in range(len(parts.registers.nodes)):
        vectorised = parts.registers.holds(node, persons, times, parts.population)
        one_by_one = [
            holds_one(parts.registers, node, int(p), float(t), parts.population)
            for p, t in zip(persons, times, strict=True)
        ]
        assert vectorised.tolist() == one_by_one
