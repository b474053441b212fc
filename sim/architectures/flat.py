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
from sim.architectures.enrolment import draw_wrong_links, entry_for
from sim.architectures.exchanges import allowed_queries
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


class Flat(Architecture):
    """Every agency stores the national number and answers queries by it."""

    name = "flat"
    params: FlatParams

    def enroll(self, world: WorldView) -> None:
        """Record each register entry's number, with errors at the scenario's rate."""
        self._links = draw_wrong_links(world, "flat", self.params.registration_error_rate)
        self._agency_of = [node.agency for node in world.registers.nodes]
        self._lawful = None  # every exchange allowed, unless access control says otherwise
        if self.params.access_control:
            self._lawful = allowed_queries(world, world.scenario.lawful_exchanges())
        self._access_log: list[tuple[int, float, int]] = []  # (query, time, whose number)
        hub = self.params.directory_hub
        self._hub = world.add_node(HUB, hub.servers, hub.service_time) if hub else None

    @classmethod
    def system_names(cls, scenario: Scenario) -> set[str]:
        return {HUB} if scenario.flat.directory_hub is not None else set()

    def accepts_number_as_proof(self, scenario: Scenario) -> bool:
        return self.params.number_as_proof

    def record_wrong_number(self, agency: str, person: int, other: int) -> None:
        """Record ``other``'s number on ``person``'s entry at ``agency`` (for experiments)."""
        self._links[agency].add(person, other)

    def _lookup(self, world: WorldView, node: int, person: int, now: float) -> int:
        """The person whose entry at ``node`` carries ``person``'s number (-1: none)."""
        links = self._links[self._agency_of[node]]
        return entry_for(world, node, links, person, now)

    def resolve(self, world: WorldView, query: int) -> Generator[simpy.Event, Any, Resolution]:
        workload = world.workload
        citizen, requester, provider = workload.parties(query)
        requester_agency = self._agency_of[requester]
        recorded = self._links[requester_agency].linked(citizen)  # whose number is sent
        refused = self._lawful is not None and not self._lawful[query]
        if self._hub is not None:
            return (yield from self._through_hub(world, query, recorded, refused))
        yield world.hop(requester, provider)
        self._access_log.append((query, world.env.now, recorded))
        if refused:
            back = world.travel_time(provider, requester)
            return Resolution(NOT_ANSWERED, REFUSED, reply_seconds=back)
        served = world.nodes[provider].book()
        person = self._lookup(world, provider, recorded, served)
        back = world.travel_time(provider, requester, leaving=served)
        if person == NOT_ANSWERED:
            return Resolution(NOT_ANSWERED, NOT_FOUND, reply_seconds=back)
        return Resolution(person, reply_seconds=back)

    def _through_hub(
        self, world: WorldView, query: int, recorded: int, refused: bool
    ) -> Generator[simpy.Event, Any, Resolution]:
        """Requester → hub (authorisation, reference directory) → provider → hub → requester.

        The hub forwards only to a provider its directory lists as holding the
        number; otherwise it answers "not found" itself, sparing the provider.
        """
        _, requester, provider = world.workload.parties(query)
        hub = self._hub
        yield world.hop(requester, hub)
        checked = hub.book()
        self._access_log.append((query, checked, recorded))
        person = self._lookup(world, provider, recorded, checked)
        if refused or person == NOT_ANSWERED:
            outcome = REFUSED if refused else NOT_FOUND
            back = world.travel_time(hub, requester, leaving=checked)
            return Resolution(NOT_ANSWERED, outcome, hops=2, reply_seconds=back)
        yield world.hop(hub, provider, leaving=checked)
        served = world.nodes[provider].book()
        back = world.travel_time(provider, hub, requester, leaving=served)
        return Resolution(person, hops=4, reply_seconds=back)

    def holdings(self, world: WorldView) -> Holdings:
        """Every agency system stores the national number as registered, errors included;
        a directory hub lists every system's numbers."""
        wrong = {agency: links.wrong for agency, links in self._links.items()}
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
        provider = world.workload.provider[query].astype(np.int64)
        tracked = set(world.scenario.privacy.detection.data_tracker)
        visible = np.array([agency in tracked for agency in self._agency_of], dtype=bool)
        return AuditTrail(
            [node.name for node in world.registers.nodes],
            provider,
            query,
            np.array([row[1] for row in log], dtype=float),
            np.array([row[2] for row in log], dtype=np.int64),
            visible[provider],
        )
