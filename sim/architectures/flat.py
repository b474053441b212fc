"""Flat: one national number stored by every agency (Estonia, Sweden, Denmark, Belgium, Korea).

The requester looks up the number in its own record of the citizen and asks the
provider directly (X-Road style: no central store, each agency keeps its own
access log, which ``audit_trail`` returns), or, with ``directory_hub``, through
a hub that checks the reference directory of who holds whom before forwarding
(Belgium's Crossroads Bank for Social Security). With ``access_control``, the
provider refuses exchanges (requester, provider, item) that no lawful procedure
needs, as X-Road access rights per client and service do. A register entry
recorded with someone else's number makes the provider answer about that other
person: a misdisclosure, found from the ground truth by comparing the person
answered about with the one asked about.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.architectures.base import Architecture, WorldView
from sim.architectures.resolution import NOT_ANSWERED, NOT_FOUND, REFUSED, Resolution
from sim.architectures.stores import (
    AuditTrail,
    Holdings,
    Table,
    agency_tables,
    carried,
    holdings_base,
)
from sim.scenario import Scenario
from sim.scenario.params import FlatParams

NATIONAL_NUMBER = "national-number"
HUB = "hub"


class NumberRegister:
    """Recorded national numbers of one agency: the true number, except for recorded errors."""

    def __init__(self, wrong: dict[int, int]):
        self.wrong = wrong  # person -> number recorded instead of theirs
        self.holders_of_wrong = {number: person for person, number in wrong.items()}

    def recorded_number(self, person: int, true_numbers: np.ndarray) -> int:
        return self.wrong.get(person, int(true_numbers[person]))


class Flat(Architecture):
    """Every agency stores the national number and answers queries by it."""

    name = "flat"
    params: FlatParams

    def enroll(self, world: WorldView) -> None:
        """Record each register entry's number, with errors at the scenario's rate."""
        population = world.population
        rng = world.rng("flat", "registration-errors")
        self._numbers = population.national_number
        self._by_number = np.argsort(self._numbers)
        self._registers: dict[str, NumberRegister] = {}
        for agency in world.scenario.agencies:
            if agency.per_municipality:
                entries = np.arange(population.size)
            else:
                entries = np.flatnonzero(world.registers.members[agency.name])
            wrong_count = rng.binomial(len(entries), self.params.registration_error_rate)
            wrong_persons = rng.choice(entries, size=wrong_count, replace=False)
            others = rng.integers(0, population.size - 1, size=wrong_count)
            others = others + (others >= wrong_persons)  # anyone but the person themself
            self._registers[agency.name] = NumberRegister(
                dict(zip(wrong_persons.tolist(), self._numbers[others].tolist(), strict=True))
            )
        self._agency_of = [node.agency for node in world.registers.nodes]
        self._lawful = world.scenario.lawful_exchanges()
        self._access_log: list[tuple[int, float, int]] = []  # (query, time, number asked for)
        hub = self.params.directory_hub
        self._hub = world.add_node(HUB, hub.servers, hub.service_time) if hub else None

    @classmethod
    def system_names(cls, scenario: Scenario) -> set[str]:
        return {HUB} if scenario.flat.directory_hub is not None else set()

    def record_wrong_number(self, agency: str, person: int, other: int) -> None:
        """Record ``other``'s number on ``person``'s entry at ``agency`` (for experiments)."""
        register = self._registers[agency]
        register.wrong[person] = int(self._numbers[other])
        register.holders_of_wrong[int(self._numbers[other])] = person

    def _owners_of(self, numbers: np.ndarray) -> np.ndarray:
        """The person each number was issued to (-1: nobody)."""
        numbers = np.asarray(numbers, dtype=self._numbers.dtype)
        position = np.searchsorted(self._numbers, numbers, sorter=self._by_number)
        persons = self._by_number[np.clip(position, 0, len(self._by_number) - 1)]
        return np.where(self._numbers[persons] == numbers, persons, NOT_ANSWERED)

    def _owner_of(self, number: int) -> int:
        """The person the number was issued to (-1: nobody)."""
        position = int(np.searchsorted(self._numbers, number, sorter=self._by_number))
        if position < len(self._by_number):
            person = int(self._by_number[position])
            if self._numbers[person] == number:
                return person
        return NOT_ANSWERED

    def _lookup(self, world: WorldView, node: int, number: int, now: float) -> int:
        """The person whose entry at ``node`` carries ``number`` (-1: none).

        When two entries carry the same number (one of them recorded in error),
        the answer includes the wrongly numbered entry: that person is returned,
        since their data is what gets disclosed.
        """
        register = self._registers[self._agency_of[node]]
        holder = register.holders_of_wrong.get(number)
        owner = self._owner_of(number)
        for person in (holder, owner):
            if person is None or person < 0 or (person == owner and person in register.wrong):
                continue
            if world.registers.holds(node, np.array([person]), np.array([now]), world.population)[
                0
            ]:
                return person
        return NOT_ANSWERED

    def resolve(self, world: WorldView, query: int) -> Generator[simpy.Event, Any, Resolution]:
        workload = world.workload
        citizen = int(workload.citizen[query])
        requester = int(workload.requester[query])
        provider = int(workload.provider[query])
        requester_agency = self._agency_of[requester]
        number = self._registers[requester_agency].recorded_number(citizen, self._numbers)
        exchange = (
            requester_agency,
            self._agency_of[provider],
            workload.item_names[workload.item[query]],
        )
        refused = self.params.access_control and exchange not in self._lawful
        if self._hub is not None:
            return (yield from self._through_hub(world, query, number, refused))
        yield world.hop(requester, provider)
        self._access_log.append((query, world.env.now, number))
        if refused:
            yield world.hop(provider, requester)
            return Resolution(NOT_ANSWERED, REFUSED)
        yield from world.nodes[provider].serve()
        person = self._lookup(world, provider, number, world.env.now)
        yield world.hop(provider, requester)
        if person == NOT_ANSWERED:
            return Resolution(NOT_ANSWERED, NOT_FOUND)
        return Resolution(person)

    def _through_hub(
        self, world: WorldView, query: int, number: int, refused: bool
    ) -> Generator[simpy.Event, Any, Resolution]:
        """Requester → hub (authorisation, reference directory) → provider → hub → requester.

        The hub forwards only to a provider its directory lists as holding the
        number; otherwise it answers "not found" itself, sparing the provider.
        """
        requester = int(world.workload.requester[query])
        provider = int(world.workload.provider[query])
        hub = self._hub
        yield world.hop(requester, hub)
        yield from hub.serve()
        self._access_log.append((query, world.env.now, number))
        person = self._lookup(world, provider, number, world.env.now)
        if refused or person == NOT_ANSWERED:
            yield world.hop(hub, requester)
            return Resolution(NOT_ANSWERED, REFUSED if refused else NOT_FOUND, hops=2)
        yield world.hop(hub, provider)
        yield from world.nodes[provider].serve()
        yield world.hop(provider, hub)
        yield world.hop(hub, requester)
        return Resolution(person, hops=4)

    def holdings(self, world: WorldView) -> Holdings:
        """Every agency system stores the national number as registered, errors included;
        a directory hub lists every system's numbers."""
        wrong = {}
        for agency, register in self._registers.items():
            numbers = np.fromiter(
                register.wrong.values(), dtype=np.int64, count=len(register.wrong)
            )
            owners = self._owners_of(numbers).tolist()
            wrong[agency] = dict(zip(register.wrong, owners, strict=True))
        tables = agency_tables(
            world, lambda node, persons: {NATIONAL_NUMBER: carried(persons, wrong[node.agency])}
        )
        if self._hub is None:
            return holdings_base(world, self.name, tables)
        for index in range(len(world.registers.nodes)):
            # The reference directory: which agency system holds which number.
            entries = tables[index]
            tables.append(Table(HUB, index, entries.persons, dict(entries.identifiers)))
        holdings = holdings_base(world, self.name, tables)
        holdings.central = (HUB,)
        return holdings

    def audit_trail(self, world: WorldView) -> AuditTrail:
        """Each providing agency's own log of the requests that reached it (X-Road style).

        Citizens see the entries of agencies in ``privacy.detection.data_tracker``.
        """
        log = self._access_log
        query = np.array([row[0] for row in log], dtype=np.int64)
        numbers = np.array([row[2] for row in log], dtype=np.int64)
        provider = world.workload.provider[query].astype(np.int64)
        tracked = set(world.scenario.privacy.detection.data_tracker)
        visible = np.array([agency in tracked for agency in self._agency_of], dtype=bool)
        return AuditTrail(
            [node.name for node in world.registers.nodes],
            provider,
            query,
            np.array([row[1] for row in log], dtype=float),
            self._owners_of(numbers),
            visible[provider],
        )
