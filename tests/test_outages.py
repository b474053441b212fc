"""Outages: a system that is down delays the queries that need it, or fails them."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.architectures.resolution import ANSWERED, UNAVAILABLE, NodeUnavailable, Resolution
from sim.metrics import compute_metrics
from sim.scenario import ScenarioError
from sim.scenario.distributions import DurationDistribution
from sim.world.node import Node, duration_sampler
from sim.world.task import Task
from tests.exchange_worlds import TO_HUB, tiny
from tests.worlds import build

HOUR = 3600.0
HUB_DOWN = [{"node": "hub", "start": "6 h", "duration": "1 h"}]


def _latencies(scenario, architecture: str):
    parts = build(scenario)
    result = parts.world(architecture).run()
    return parts, result, result.log.answered_at - parts.workload.time


def _node(env: simpy.Environment, servers: int = 1) -> Node:
    service = duration_sampler(
        DurationDistribution(distribution="constant", mean="10 s"), np.random.default_rng(0)
    )
    return Node(env, "hub", "hub", servers, service, measure_from=0.0)


def test_a_request_waits_for_the_node_or_fails_beyond_the_longest_wait():
    env = simpy.Environment()
    node = _node(env)
    node.set_outages([(300.0, 340.0), (100.0, 180.0)], max_wait=60.0)
    finished: dict[str, float | str] = {}

    def client(name: str, at: float):
        yield env.timeout(at)
        try:
            yield node.visit()
            finished[name] = env.now
        except NodeUnavailable:
            finished[name] = f"failed at {env.now:g}"

    arrivals = {"before": 50, "queued": 95, "behind": 96, "early": 110, "late": 150}
    arrivals |= {"second-queued": 295, "second-behind": 296}
    for name, at in arrivals.items():
        env.process(client(name, at))
    env.run()
    assert finished["before"] == 60
    assert finished["queued"] == 105  # in service when the outage began: completes
    assert finished["behind"] == "failed at 105"  # reached the server with 75 s to go
    assert finished["early"] == "failed at 110"  # 70 s to wait: more than 60 s
    assert finished["late"] == 190  # waits 30 s for the node, then 10 s of service
    assert finished["second-queued"] == 305
    assert finished["second-behind"] == 350  # holds the server 35 s until the node is up
    assert node.busy_seconds == pytest.approx(50.0)


class _Log:
    """A Task's owner that notes when and how each query ended."""

    def __init__(self, env: simpy.Environment):
        self.env = env
        self.running_query = -1
        self.ended: dict[int, tuple[float, int]] = {}

    @property
    def now(self) -> float:
        return self.env.now

    def finish(self, query: int, resolution) -> None:
        self.ended[query] = (self.env.now + resolution.reply_seconds, resolution.outcome)


def test_a_query_that_reaches_the_server_while_the_node_is_down_too_long_ends_then():
    env = simpy.Environment()
    node = _node(env)  # one server, 10 s a service
    node.set_outages([(100.0, 180.0)], max_wait=60.0)
    log = _Log(env)

    def query(at: float):
        yield env.timeout(at)
        served = node.book()
        return Resolution(0, reply_seconds=served - env.now)

    Task(log, 0, query(95.0))  # served from 95 to 105: under way when the outage begins
    Task(log, 1, query(96.0))  # reaches the server at 105, with 75 s of outage to go
    env.run()
    assert log.ended[0] == (105.0, ANSWERED)
    assert log.ended[1] == (105.0, UNAVAILABLE)


def test_a_hub_outage_delays_exactly_the_symbol_queries_that_reach_it_in_that_hour():
    _, _, normal = _latencies(tiny(), "symbol")
    parts, result, latency = _latencies(tiny(outages=HUB_DOWN), "symbol")
    at_hub = parts.workload.time + TO_HUB
    down = (at_hub >= 6 * HOUR) & (at_hub < 7 * HOUR)
    assert 10 < down.sum() < len(down)
    assert latency[~down] == pytest.approx(normal[~down], abs=1e-6)
    assert latency[down] == pytest.approx(normal[down] + 7 * HOUR - at_hub[down], abs=1e-6)
    metrics = dict(compute_metrics(result, parts.workload))
    assert metrics["resilience.failed_queries"] == 0


def test_a_hub_outage_longer_than_the_longest_wait_fails_those_queries():
    scenario = tiny(outages=HUB_DOWN, max_wait_for_outage="10 min")
    parts, result, latency = _latencies(scenario, "symbol")
    at_hub = parts.workload.time + TO_HUB
    failed = (at_hub >= 6 * HOUR) & (at_hub < 7 * HOUR - 600)
    delayed = (at_hub >= 7 * HOUR - 600) & (at_hub < 7 * HOUR)
    assert failed.sum() > 10 and delayed.sum() > 0
    assert (result.log.outcome[failed] == UNAVAILABLE).all()
    assert (result.log.outcome[~failed] != UNAVAILABLE).all()
    assert latency[failed] == pytest.approx(TO_HUB, abs=1e-6)  # told at once
    assert (latency[delayed] > 0.5).all()
    metrics = dict(compute_metrics(result, parts.workload))
    assert metrics["resilience.failed_queries"] == failed.sum()
    assert metrics["linkage.failed_rate"] > failed.mean()  # refused ones fail too


def test_a_hub_outage_touches_no_flat_query():
    _, normal_result, normal = _latencies(tiny(), "flat")
    _, result, latency = _latencies(tiny(outages=HUB_DOWN), "flat")
    assert np.array_equal(latency, normal)
    assert np.array_equal(result.log.outcome, normal_result.log.outcome)


def test_an_agency_outage_delays_flat_queries_to_it():
    scenario = tiny(outages=[{"node": "tax", "start": "6 h", "duration": "1 h"}])
    _, _, normal = _latencies(tiny(), "flat")
    parts, _, latency = _latencies(scenario, "flat")
    to_tax = np.array([parts.registers.nodes[n].agency == "tax" for n in parts.workload.provider])
    at_tax = parts.workload.time + 0.010
    down = to_tax & (at_tax >= 6 * HOUR) & (at_tax < 7 * HOUR)
    assert down.sum() > 5
    assert latency[~down] == pytest.approx(normal[~down], abs=1e-6)
    assert latency[down] == pytest.approx(normal[down] + 7 * HOUR - at_tax[down], abs=1e-6)


def test_one_office_can_be_down_and_an_unknown_node_is_named():
    parts = build(tiny(outages=[{"node": "city-2", "start": "1 h", "duration": "1 h"}]))
    down = [node.name for node in parts.world("flat").nodes if node.down]
    assert down == ["city-2"]
    parts = build(tiny(outages=[{"node": "hubb", "start": "1 h", "duration": "1 h"}]))
    with pytest.raises(ScenarioError) as caught:
        parts.world("flat")
    [problem] = caught.value.problems
    assert problem.key == "outages.0.node"
    assert "'hubb'" in problem.message
    for known in ("city", "tax", "hub", "register-authority", "resident-registry"):
        assert known in problem.message
