"""Site outages, failures drawn from MTBF/MTTR, and disasters that destroy a site.

Timings from the tiny world (``tests/exchange_worlds.py``): 10 ms hops, 2 ms
intermediate servers, 5 ms hub, 100 ms agencies.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.architectures.resolution import REFUSED, UNAVAILABLE
from sim.metrics import compute_metrics
from sim.world.failures import drawn_windows
from tests.exchange_worlds import tiny
from tests.worlds import build

HOUR = 3600.0
HUB_SITE = [{"name": "hub-site", "hosts": ["hub"]}]
HALL = {"name": "town-hall-1", "hosts": ["city-1"], "region": "coast"}
MOVING = {
    "population__size": 2000,
    "population__life_events": {
        "move_rate_per_year": 10.0,
        "birth_rate_per_year": 10.0,
        "marriage_rate_per_year": 2.0,
        "death_rate_per_year": 0.0,
    },
}


def _run(scenario, architecture: str):
    parts = build(scenario)
    result = parts.world(architecture).run()
    metrics = dict(compute_metrics(result, parts.workload))
    return parts, result, result.log.answered_at - parts.workload.time, metrics


def test_a_hub_site_down_for_an_hour_delays_exactly_the_symbol_queries_then_and_no_flat_one():
    outage = [{"site": "hub-site", "start": "6 h", "duration": "1 h"}]
    scenario = tiny(hosting={"sites": HUB_SITE}, outages=outage)
    _, normal_result, normal, _ = _run(tiny(hosting={"sites": HUB_SITE}), "symbol")
    parts, result, latency, metrics = _run(scenario, "symbol")
    # when the query reaches or leaves the hub's site: to it, at the hub, from it,
    # and (if answered) to it and from it again on the way back
    refused = normal_result.log.outcome == REFUSED
    offsets = np.array([0.012, 0.022, 0.027, 0.137, 0.147])
    touches = parts.workload.time[:, None] + offsets[None, :]
    touches[refused, 3:] = np.inf
    inside = (touches >= 6 * HOUR) & (touches < 7 * HOUR)
    delayed = inside.any(axis=1)
    first = np.where(inside, touches, np.inf).min(axis=1)
    assert delayed.sum() > 10
    assert latency[~delayed] == pytest.approx(normal[~delayed], abs=1e-9)
    assert latency[delayed] == pytest.approx(normal[delayed] + 7 * HOUR - first[delayed], abs=1e-6)
    assert metrics["resilience.delayed_queries"] == delayed.sum()
    assert metrics["resilience.failed_queries"] == 0

    _, flat_result, _, flat = _run(scenario, "flat")
    _, flat_normal, _, _ = _run(tiny(), "flat")
    assert np.array_equal(flat_result.log.answered_at, flat_normal.log.answered_at)
    assert flat["resilience.delayed_queries"] == flat["resilience.failed_queries"] == 0


def test_failures_drawn_from_mtbf_and_mttr_are_the_same_for_every_architecture():
    rng = np.random.default_rng(5)
    windows = drawn_windows(10 * HOUR, 1 * HOUR, 20_000 * HOUR, rng)
    down = sum(end - start for start, end in windows) / (20_000 * HOUR)
    assert down == pytest.approx(1 / 11, rel=0.05)
    outage = [{"node": "tax", "mtbf": "6 h", "mttr": "30 min"}]
    parts = build(tiny(outages=outage))
    flat = next(node for node in parts.world("flat").nodes if node.name == "tax")
    symbol = next(node for node in parts.world("symbol").nodes if node.name == "tax")
    assert flat.down and flat.down == symbol.down


def test_a_disaster_without_backup_loses_every_entry_the_site_held():
    disaster = [{"site": "town-hall-1", "at": "12 h", "restore_time": "6 h"}]
    scenario = tiny(hosting={"sites": [HALL]}, disasters=disaster)
    parts, _, _, metrics = _run(scenario, "flat")
    # no one moves, is born or dies in the tiny world: city-1 holds municipality 1's residents
    assert metrics["resilience.records_lost"] == (parts.population.municipality == 0).sum() > 0


def _changed_at_city_1(population, since: float, until: float) -> int:
    """Entries of municipality 1 changed in [since, until): move-ins, marriages, births."""
    events = population.events
    moves, marriages = events.moves, events.marriages
    inside = (moves.times >= since) & (moves.times < until) & (moves.values == 0)
    changed = set(moves.persons[inside].tolist())
    window = (marriages.times >= since) & (marriages.times < until)
    married, at = marriages.persons[window], marriages.times[window]
    changed |= set(married[population.municipality_at(married, at) == 0].tolist())
    born = np.flatnonzero((population.born_at >= since) & (population.born_at < until))
    changed |= set(born[population.municipality_at(born, population.born_at[born]) == 0].tolist())
    return len(changed)


def test_a_disaster_with_a_backup_loses_only_what_changed_within_the_replication_lag():
    disaster = [{"site": "town-hall-1", "at": "12 h", "restore_time": "6 h"}]
    backed_up = {**HALL, "backup_site": "inland-dc", "replication_lag": "6 h"}
    sites = [backed_up, {"name": "inland-dc", "region": "inland"}]
    parts, _, _, metrics = _run(
        tiny(hosting={"sites": sites}, disasters=disaster, **MOVING), "flat"
    )
    expected = _changed_at_city_1(parts.population, 6 * HOUR, 12 * HOUR)
    assert metrics["resilience.records_lost"] == expected > 0
    _, _, _, without = _run(tiny(hosting={"sites": [HALL]}, disasters=disaster, **MOVING), "flat")
    assert without["resilience.records_lost"] > 20 * expected

    # a disaster over the whole region destroys a backup kept there too
    sites = [backed_up, {"name": "inland-dc", "region": "coast"}]
    regional = [{"region": "coast", "at": "12 h", "restore_time": "6 h"}]
    _, _, _, both = _run(tiny(hosting={"sites": sites}, disasters=regional, **MOVING), "flat")
    assert both["resilience.records_lost"] == without["resilience.records_lost"]


def test_a_destroyed_town_hall_fails_its_queries_until_restored():
    disaster = [{"site": "town-hall-1", "at": "12 h", "restore_time": "6 h"}]
    scenario = tiny(hosting={"sites": [HALL]}, disasters=disaster)
    parts, result, latency, metrics = _run(scenario, "flat")
    workload = parts.workload
    from_hall = workload.requester == 0  # city-1 asks; the answer comes back 110 ms later
    touches = np.stack([workload.time, workload.time + 0.110], axis=1)
    inside = from_hall[:, None] & (touches >= 12 * HOUR) & (touches < 18 * HOUR)
    first = np.where(inside, touches, np.inf).min(axis=1)
    failed = first < 17 * HOUR  # more than the longest wait (1 h) before the restore
    waited = (first >= 17 * HOUR) & (first < 18 * HOUR)
    assert failed.sum() > 5 and waited.sum() > 0
    assert np.array_equal(result.log.outcome == UNAVAILABLE, failed)
    assert metrics["resilience.failed_queries"] == failed.sum()
    assert metrics["resilience.delayed_queries"] == waited.sum()
    assert metrics["resilience.failed_procedures"] == len(set(workload.instance[failed].tolist()))
    assert metrics["resilience.restore_hours"] == pytest.approx(6.0)
