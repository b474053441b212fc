"""Insiders: staff who query other agencies about citizens without a legal basis.

A misuse case starts at a random time (Poisson at ``privacy.insiders.cases_per_day``)
at one of the insider agencies (a municipal agency: a random office), for a
purpose drawn by its share. It asks one providing agency for one item the
scenario's procedures exchange (any procedure's, as an insider would reuse a
routine request), ``queries`` times over ``spread``: about one citizen
(curiosity, stalking) or about a new one each time (selling data). Targets are
citizens on the provider's register; a municipal provider is the office where
the target lives at the time.

The queries join the workload marked ``insider`` and without a legal basis, so
every architecture meets the same misuse (common random numbers) and stops it,
or not, by its own mechanism.
"""

from __future__ import annotations

import numpy as np

from sim.population.citizens import Population
from sim.population.registers import Registers
from sim.scenario import Scenario

DAY = 86400.0


def insider_procedure_names(scenario: Scenario) -> list[str]:
    """The workload's procedure names of the misuse purposes, after the real procedures'."""
    return [f"insider-{purpose.name}" for purpose in scenario.privacy.insiders.purposes]


def _exchanges(scenario: Scenario) -> dict[str, list[tuple[str, str]]]:
    """For each agency, the (provider, item) requests its insiders may send."""
    pairs = sorted({(need.provider, need.item) for p in scenario.procedures for need in p.needs})
    options = {}
    for agency in scenario.agencies:
        options[agency.name] = [
            (provider, item)
            for provider, item in pairs
            if provider != agency.name or agency.per_municipality
        ]
    return options


def insider_queries(
    scenario: Scenario,
    population: Population,
    registers: Registers,
    rng: np.random.Generator,
    item_index: dict[str, int],
    first_instance: int,
) -> dict[str, np.ndarray]:
    """The insiders' queries as workload columns (unsorted); empty when there are none."""
    spec = scenario.privacy.insiders
    duration = scenario.duration
    cases = rng.poisson(spec.cases_per_day * duration / DAY)
    agencies = spec.agencies or [agency.name for agency in scenario.agencies]
    options = _exchanges(scenario)
    agencies = [name for name in agencies if options[name]]
    if cases == 0 or not agencies:
        return {}
    shares = np.array([purpose.share for purpose in spec.purposes], dtype=float)
    start = rng.uniform(0.0, duration, cases)
    agency = rng.integers(0, len(agencies), cases)
    purpose = rng.choice(len(shares), size=cases, p=shares / shares.sum())
    choice = rng.random(cases)
    office = rng.integers(0, scenario.population.municipalities, cases)

    counts = np.array([p.queries for p in spec.purposes])[purpose]
    spread = np.array([p.spread for p in spec.purposes])[purpose]
    same = np.array([p.same_citizen for p in spec.purposes])[purpose]
    case = np.repeat(np.arange(cases), counts)
    time = start[case] + rng.random(len(case)) * spread[case]
    first = np.r_[True, case[1:] != case[:-1]]

    requester = np.zeros(cases, dtype=np.int32)
    provider_agency = np.empty(cases, dtype=object)
    item = np.zeros(cases, dtype=np.int16)
    for index, name in enumerate(agencies):
        mine = agency == index
        picked = (choice[mine] * len(options[name])).astype(int)
        requester[mine] = registers.node_of(name, office[mine])
        provider_agency[mine] = [options[name][k][0] for k in picked]
        item[mine] = [item_index[options[name][k][1]] for k in picked]

    citizen = np.zeros(len(case), dtype=np.int64)
    for name in np.unique(provider_agency[case]).tolist():
        rows = np.flatnonzero(provider_agency[case] == name)
        if registers.per_municipality[name]:
            pool = np.arange(population.size)
        else:
            pool = np.flatnonzero(registers.members[name])
        citizen[rows] = pool[rng.integers(0, len(pool), len(rows))] if len(pool) else -1
    leader = np.maximum.accumulate(np.where(first, np.arange(len(case)), 0))
    citizen = np.where(same[case], citizen[leader], citizen)

    keep = (time < duration) & (citizen >= 0)
    keep[keep] = population.alive_at(citizen[keep], time[keep])
    case, time, citizen = case[keep], time[keep], citizen[keep]
    provider = np.zeros(len(case), dtype=np.int32)
    for name in np.unique(provider_agency[case]).tolist():
        rows = np.flatnonzero(provider_agency[case] == name)
        where = population.municipality_at(citizen[rows], time[rows])
        provider[rows] = registers.node_of(name, where)
    own_system = provider == requester[case]
    case, time, citizen, provider = (
        column[~own_system] for column in (case, time, citizen, provider)
    )
    first_procedure = len(scenario.procedures)
    return {
        "time": time,
        "procedure": (first_procedure + purpose[case]).astype(np.int16),
        "instance": first_instance + case.astype(np.int64),
        "citizen": citizen,
        "requester": requester[case],
        "provider": provider,
        "item": item[case],
        "legal_basis": np.zeros(len(case), dtype=bool),
        "insider": np.ones(len(case), dtype=bool),
    }
