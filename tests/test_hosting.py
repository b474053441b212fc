"""Hosting sites: pooled servers, placement of systems, utilisation and cost."""

from __future__ import annotations

import numpy as np
import pytest

from sim.architectures.resolution import ANSWERED
from sim.metrics import compute_metrics
from sim.scenario import ScenarioError, load_scenario_text
from sim.world import World
from tests.conftest import small
from tests.exchange_worlds import tiny
from tests.worlds import build

# Ten towns, each with 2 servers of 240 s (constant) per query; a ministry asks
# each town about its residents at random times (2,750 a day over all towns,
# so the towns' servers are 38 % busy on average, the busiest town's 87 %).
TOWNS = """
name: towns
seed: 3
duration: 1 day
warmup: 2 h
replications: 1
architectures: [flat]
population:
  size: 1000
  municipalities: 10
  life_events: {move_rate_per_year: 0, marriage_rate_per_year: 0, birth_rate_per_year: 0,
                death_rate_per_year: 0}
sectors: [{name: local}, {name: state}]
agencies:
  - {name: town, sector: local, per_municipality: true, servers: 2,
     service_time: {distribution: constant, mean: 240 s}}
  - {name: ministry, sector: state, servers: 50,
     service_time: {distribution: constant, mean: 10 ms}}
procedures:
  - name: audit
    requester: ministry
    rate_per_day: 2750
    needs: [{provider: town, item: residents}]
network: {latency: {distribution: constant, mean: 10 ms}}
flat: {registration_error_rate: 0}
"""


def _metrics(scenario, architecture: str = "flat") -> dict[str, float]:
    parts = build(scenario)
    return dict(compute_metrics(parts.world(architecture).run(), parts.workload))


def _cloud(base, servers: int):
    return small(
        base, hosting={"sites": [{"name": "cloud", "hosts": ["town"], "servers": servers}]}
    )


def test_pooling_the_towns_needs_fewer_servers_for_the_same_p95_and_raises_utilisation():
    base = load_scenario_text(TOWNS, "towns.yaml")
    parts = build(base)  # hosting changes neither the citizens nor the queries

    def run(scenario) -> dict[str, float]:
        world = World(
            scenario, parts.population, parts.registers, parts.workload, parts.streams, "flat"
        )
        return dict(compute_metrics(world.run(), parts.workload))

    own = run(base)
    same_total = run(_cloud(base, 20))
    assert same_total["linkage.latency_p95"] < own["linkage.latency_p95"]
    assert same_total["load.utilization.cloud"] == pytest.approx(
        own["load.utilization.town"], rel=0.01
    )
    low, high = 1, 20  # the fewest pooled servers as fast as the towns' own 20 (bisection)
    found = {20: same_total}
    while low < high:
        middle = (low + high) // 2
        found[middle] = run(_cloud(base, middle))
        if found[middle]["linkage.latency_p95"] <= own["linkage.latency_p95"]:
            high = middle
        else:
            low = middle + 1
    needed = found[high]
    assert high <= 12
    assert needed["load.utilization.cloud"] > 1.5 * own["load.utilization.town"]
    assert needed["cost.server_hours"] == own["cost.server_hours"] - (20 - high) * 22


def test_a_site_is_as_busy_as_its_services_take_over_its_servers():
    scenario = _cloud(load_scenario_text(TOWNS, "towns.yaml"), 16)
    parts = build(scenario)
    result = parts.world("flat").run()
    metrics = dict(compute_metrics(result, parts.workload))
    window = 22 * 3600.0
    towns = [node for node in result.nodes if node.group == "town"]
    assert {node.servers for node in towns} == {16}  # each serves on the site's pool
    served = sum(node.served for node in towns)
    # services under way at either end of the window count in part: at most 16 each
    assert metrics["load.utilization.cloud"] == pytest.approx(
        served * 240 / (16 * window), abs=2 * 240 / window
    )
    assert metrics["load.utilization.town"] == pytest.approx(metrics["load.utilization.cloud"])
    assert metrics["cost.used_server_hours"] == pytest.approx(
        metrics["load.utilization.cloud"] * 16 * 22 + metrics["load.utilization.ministry"] * 50 * 22
    )


def test_cost_is_provisioned_server_hours_at_each_site_price_per_1000_completed():
    parts = build(tiny())
    result = parts.world("flat").run()
    metrics = dict(compute_metrics(result, parts.workload))
    # on premise: 2 city offices, welfare, tax, pension, 50 servers each, for 24 h
    assert metrics["cost.server_hours"] == 5 * 50 * 24
    answered = result.log.outcome == ANSWERED
    instances = parts.workload.instance
    completed = len(set(instances.tolist()) - set(instances[~answered].tolist()))
    assert metrics["cost.per_1000_procedures"] == pytest.approx(6000 / (completed / 1000))

    sites = [
        {
            "name": "state-cloud",
            "hosts": ["tax", "pension"],
            "servers": 10,
            "cost_per_server_hour": 0.5,
        },
    ]
    scenario = tiny(hosting={"sites": sites, "on_premise_cost_per_server_hour": 2.0})
    parts = build(scenario)
    metrics = dict(compute_metrics(parts.world("flat").run(), parts.workload))
    assert metrics["cost.server_hours"] == (3 * 50 + 10) * 24
    cost = (3 * 50 * 2.0 + 10 * 0.5) * 24
    assert metrics["cost.per_1000_procedures"] == pytest.approx(cost / (completed / 1000))
    assert "load.utilization.state-cloud" in metrics


def test_every_system_on_a_site_of_its_own_changes_nothing():
    parts = build(tiny())
    normal = parts.world("symbol").run()
    sites = [{"name": f"room-{name}", "hosts": [name]} for name in ("city", "tax", "hub")]
    parts = build(tiny(hosting={"sites": sites}))
    hosted = parts.world("symbol").run()
    assert np.array_equal(hosted.log.answered_at, normal.log.answered_at)
    assert np.array_equal(hosted.log.person, normal.log.person)


def test_an_office_named_by_a_site_runs_there_rather_than_on_its_agency_site():
    sites = [
        {"name": "cloud", "hosts": ["city"], "servers": 4},
        {"name": "old-town-hall", "hosts": ["city-2"]},
    ]
    world = build(tiny(hosting={"sites": sites})).world("flat")
    placed = {node.name: node.site.name for node in world.nodes}
    assert placed["city-1"] == "cloud" and placed["city-2"] == "old-town-hall"
    assert placed["tax"] == "tax"  # on premise: a site of its own


@pytest.mark.parametrize(
    ("sites", "key", "words"),
    [
        (
            [{"name": "a", "hosts": ["tax"]}, {"name": "b", "hosts": ["tax"]}],
            "1.hosts.0",
            "already placed",
        ),
        ([{"name": "a", "hosts": ["taxx"]}], "0.hosts.0", "unknown node 'taxx'"),
        ([{"name": "hub", "hosts": ["tax"]}], "0.name", "also a system's name"),
    ],
)
def test_a_wrong_placement_is_named(sites, key, words):
    parts = build(tiny(hosting={"sites": sites}))
    with pytest.raises(ScenarioError) as caught:
        parts.world("flat")
    [problem] = caught.value.problems
    assert problem.key == f"hosting.sites.{key}"
    assert words in problem.message


def test_scenario_names_in_hosting_are_checked():
    sites = [
        {"name": "a", "hosts": ["tax"], "network": "lgwann", "backup_site": "a"},
        {"name": "b", "replication_lag": "1 h"},
    ]
    with pytest.raises(ValueError) as caught:
        tiny(
            hosting={"sites": sites},
            network={"networks": [{"name": "lgwan", "latency": {"mean": "5 ms"}}]},
            disasters=[{"region": "coast", "at": "2 h", "restore_time": "1 day"}],
            outages=[{"site": "c", "start": "1 h", "duration": "1 h"}],
        )
    text = str(caught.value)
    for words in (
        "unknown network 'lgwann'",
        "did you mean 'lgwan'",
        "unknown site 'a'",
        "no effect without a backup_site",
        "unknown region 'coast'",
        "unknown site 'c'",
    ):
        assert words in text
