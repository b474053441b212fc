"""The symbol architecture: per-agency symbols, the hub's table, log and translation."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from sim.architectures.enrolment import WrongLinks
from sim.architectures.resolution import ANSWERED, REFUSED
from sim.architectures.siphash import siphash24
from sim.architectures.symbol_tables import Symbols
from sim.metrics import compute_metrics
from sim.scenario import ScenarioError, load_scenario_text
from sim.scenario.params import SymbolParams
from tests.exchange_worlds import AGENCY, HOP, HUB, INTERMEDIATE, REGISTRY, TINY, tiny
from tests.worlds import build

BUSY = {"distribution": "exponential", "mean": "200 s"}


def _agency(parts, nodes: np.ndarray) -> np.ndarray:
    return np.array([parts.registers.nodes[n].agency for n in nodes], dtype=object)


def _run(scenario, architecture: str = "symbol"):
    parts = build(scenario)
    world = parts.world(architecture)
    result = world.run()
    return parts, world, result, dict(compute_metrics(result, parts.workload))


def test_a_symbol_differs_by_agency_and_means_nothing_elsewhere():
    symbols = Symbols(np.array([12345678901, 10987654321]), b"hub secret", ["tax", "pension"])
    at_tax, at_pension = symbols.symbol(0, 0), symbols.symbol(0, 1)
    assert at_tax != at_pension
    assert symbols.symbol(1, 0) != at_tax
    assert symbols.resident(at_tax, 0) == 0 and symbols.resident(at_pension, 1) == 0
    assert symbols.resident(at_tax, 1) == -1
    other_hub = Symbols(np.array([12345678901, 10987654321]), b"other secret", ["tax", "pension"])
    assert other_hub.symbol(0, 0) != at_tax


def test_a_symbol_is_the_resident_code_hashed_with_the_systems_keys():
    secret = b"hub secret"
    symbols = Symbols(np.array([12345678901, 10987654321]), secret, ["tax", "pension"])
    key = hashlib.blake2b(b"pension", key=secret, digest_size=32).digest()
    k = [int.from_bytes(key[i : i + 8], "little") for i in range(0, 32, 8)]
    code = np.array([10987654321], dtype=np.uint64)
    words = [int(siphash24(k[0], k[1], code)[0]), int(siphash24(k[2], k[3], code)[0])]
    expected = b"".join(word.to_bytes(8, "little") for word in words)
    assert symbols.symbol(1, 1) == expected


def test_symbols_worked_out_in_bulk_equal_those_issued_one_by_one():
    codes = np.arange(10_000_000_000, 10_000_000_050)
    one_by_one = Symbols(codes, b"secret", ["a", "b", "c"])
    bulk = Symbols(codes, b"secret", ["a", "b", "c"])
    persons, systems = np.array([3, 3, 7, 49, 3, 0, 8]), np.array([0, 2, 2, 1, 0, 1, 1])
    issued = np.array([True, True, True, True, True, True, False])
    bulk.prepare(persons, systems, issued)
    assert sum(len(table.of) for table in bulk.systems) == 5  # the pair (3, 0) twice; (8, 1) later
    assert 8 not in bulk.systems[1].of  # ready, not issued: the hub issues it when asked
    for person, system in zip(persons.tolist(), systems.tolist(), strict=True):
        symbol = bulk.symbol(person, system)
        assert symbol == one_by_one.symbol(person, system)
        assert bulk.resident(symbol, system) == person


def test_a_workload_without_queries_prepares_no_symbols():
    symbols = Symbols(np.arange(10_000_000_000, 10_000_000_005), b"secret", ["a"])
    none = np.zeros(0, dtype=np.int64)
    symbols.prepare(none, none, np.zeros(0, dtype=bool))
    assert symbols.systems[0].of == {}


def test_wrong_links_map_many_persons_as_they_map_one():
    links = WrongLinks({4: 9, 7: 2, 1: 4})
    persons = np.array([0, 1, 4, 7, 9, 12, 7])
    assert links.linked_many(persons).tolist() == [links.linked(p) for p in persons.tolist()]
    assert WrongLinks({}).linked_many(persons).tolist() == persons.tolist()


def test_answers_go_through_both_intermediate_servers_and_the_hub():
    parts, world, result, metrics = _run(tiny())
    refused = _agency(parts, parts.workload.requester) == "pension"
    latency = result.log.answered_at - parts.workload.time
    assert latency[~refused] == pytest.approx(6 * HOP + INTERMEDIATE + HUB + AGENCY, abs=1e-6)
    assert latency[refused] == pytest.approx(4 * HOP + INTERMEDIATE + HUB, abs=1e-6)
    assert (result.log.person[~refused] == parts.workload.citizen[~refused]).all()
    assert world.architecture.hub.served == len(parts.workload)
    assert metrics["load.utilization.city"] == 0  # the intermediate server answers from its copy


def test_a_query_not_in_the_exchange_table_is_refused_and_counted():
    parts, world, result, metrics = _run(tiny())
    workload = parts.workload
    snooping = _agency(parts, workload.requester) == "pension"
    assert snooping.sum() > 20
    assert (result.log.outcome[snooping] == REFUSED).all()
    assert (result.log.outcome[~snooping] == ANSWERED).all()
    assert metrics["privacy.unauthorized_attempts"] == snooping.sum()
    assert metrics["privacy.unauthorized_blocked"] == snooping.sum()
    assert metrics["linkage.refused_rate"] == snooping.mean()
    log = world.architecture.access_log
    assert len(log) == len(workload)
    assert sum(not record.allowed for record in log) == snooping.sum()


def test_an_explicit_exchange_table_replaces_the_derived_one():
    table = [{"requester": "city", "provider": "tax", "item": "income"}]
    parts, _, result, _ = _run(tiny(symbol__exchange_table=table))
    workload = parts.workload
    allowed = (_agency(parts, workload.requester) == "city") & (
        _agency(parts, workload.provider) == "tax"
    )
    assert allowed.any() and (~allowed).any()
    assert (result.log.outcome[allowed] == ANSWERED).all()
    assert (result.log.outcome[~allowed] == REFUSED).all()


def test_the_access_log_says_when_who_why_what_and_about_whom():
    parts, world, _, _ = _run(tiny())
    workload = parts.workload
    records = sorted(world.architecture.access_log, key=lambda record: record.time)
    by_time = np.argsort(workload.time + 2 * HOP + INTERMEDIATE + HUB, kind="stable")
    for record, query in zip(records[:50], by_time[:50], strict=True):
        assert record.time == pytest.approx(workload.time[query] + 2 * HOP + INTERMEDIATE + HUB)
        assert (record.requester, record.provider) == (
            workload.requester[query],
            workload.provider[query],
        )
        assert record.procedure == workload.procedure[query]
        assert record.item == workload.item[query]
        assert record.citizen == workload.citizen[query]
        assert record.allowed == workload.legal_basis[query]


def test_a_wrong_my_number_at_enrolment_discloses_the_other_persons_data():
    parts = build(tiny())
    workload = parts.workload
    world = parts.world("symbol")
    world.enroll()
    asked_by_tax = _agency(parts, workload.requester) == "tax"
    citizen = int(workload.citizen[asked_by_tax][0])
    other = int(workload.citizen[~asked_by_tax & (workload.citizen != citizen)][0])
    world.architecture.links["tax"].add(citizen, other)
    result = world.run()
    wrongly = asked_by_tax & (workload.citizen == citizen)
    assert (result.log.person[wrongly] == other).all()
    metrics = dict(compute_metrics(result, workload))
    duplicate = (_agency(parts, workload.provider) == "tax") & (workload.citizen == other)
    duplicate &= workload.legal_basis
    expected = (wrongly | duplicate).sum() / len(workload)
    assert metrics["linkage.misdisclosure_rate"] == pytest.approx(expected)


def test_symbols_for_newborns_and_movers_cost_one_registry_lookup_each():
    events = {
        "move_rate_per_year": 10,
        "marriage_rate_per_year": 0,
        "birth_rate_per_year": 10,
        "death_rate_per_year": 0,
    }
    scenario = tiny(duration="10 day", population__size=100, population__life_events=events)
    parts, world, result, _ = _run(scenario)
    workload, population = parts.workload, parts.population
    nodes = parts.registers.nodes
    everyone = np.arange(population.size)
    at_start = population.municipality_at(everyone, np.zeros(population.size))

    def made_during_run(person: int, node: int) -> bool:
        municipality = nodes[node].municipality
        moved_in = municipality >= 0 and at_start[person] != municipality
        return population.born_at[person] > 0 or moved_in

    needed = set()
    for query, person in enumerate(workload.citizen.tolist()):
        requester, provider = int(workload.requester[query]), int(workload.provider[query])
        if made_during_run(person, requester):
            needed.add((person, requester))
        if workload.legal_basis[query] and made_during_run(person, provider):
            needed.add((person, provider))
    assert len(needed) > 10
    assert world.architecture.registry.served == len(needed)
    latency = result.log.answered_at - workload.time
    assert latency.max() == pytest.approx(
        6 * HOP + INTERMEDIATE + HUB + AGENCY + 2 * (2 * HOP + REGISTRY), abs=1e-6
    )


def test_halving_hub_capacity_raises_hub_wait_and_latency_under_load():
    busy = tiny(symbol__hub={"servers": 4, "service_time": BUSY})
    _, _, _, four = _run(busy)
    _, _, _, two = _run(tiny(symbol__hub={"servers": 2, "service_time": BUSY}))
    assert two["load.utilization.hub"] == pytest.approx(2 * four["load.utilization.hub"], rel=0.1)
    assert two["load.wait_p95.hub"] > four["load.wait_p95.hub"]
    assert two["linkage.latency_p95"] > four["linkage.latency_p95"]
    assert two["linkage.latency_p50"] >= four["linkage.latency_p50"]


def test_a_shared_intermediate_platform_pools_the_offices_load():
    slow = {"distribution": "constant", "mean": "240 s"}
    own = tiny(
        population__municipalities=4,
        symbol__intermediate={"servers": 1, "service_time": slow},
    )
    shared = tiny(
        population__municipalities=4,
        symbol__intermediate={
            "servers": 1,
            "service_time": slow,
            "shared_platform_for": ["city"],
            "platform_servers": 4,
        },
    )
    _, _, _, apart = _run(own)
    _, world, _, pooled = _run(shared)
    platform = [node for node in world.nodes if node.name == "intermediate-platform"]
    assert len(platform) == 1 and platform[0].servers == 4
    assert "load.utilization.intermediate-city" not in pooled
    utilization = pooled["load.utilization.intermediate-platform"]
    assert utilization == pytest.approx(apart["load.utilization.intermediate-city"], rel=0.01)
    assert utilization > 0.1
    assert pooled["load.wait_p95.intermediate-platform"] < apart["load.wait_p95.intermediate-city"]


def test_which_agencies_store_the_my_number():
    assert SymbolParams().stores_my_number("tax")
    assert SymbolParams(stores_number=["tax"]).stores_my_number("tax")
    assert not SymbolParams(stores_number=["tax"]).stores_my_number("pension")
    assert not SymbolParams(stores_number={"tax": False}).stores_my_number("tax")


def test_unknown_agencies_and_items_are_located_errors():
    overrides = [
        "symbol.intermediate.shared_platform_for=[cty]",
        "symbol.exchange_table=[{requester: city, provider: tax, item: incme}]",
    ]
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(TINY, "tiny.yaml", overrides)
    messages = {problem.key: problem.message for problem in caught.value.problems}
    assert "unknown agency 'cty'" in messages["symbol.intermediate.shared_platform_for.0"]
    assert "did you mean 'income'" in messages["symbol.exchange_table.0.item"]
