"""Symbol: agency-specific symbols translated by a hub (Japan's My Number network).

Each agency system keeps the visible My Number in its files (or not: the
scenario's ``stores_number``) and, for each citizen it holds, a symbol that only
it uses. The hub issues symbols from the resident code with a key per system,
so one system's symbols tell nothing about another's, and keeps the mapping
(``sim.architectures.symbol_tables``: the hub's method is not published; a
keyed SipHash of the resident code stands in for it).

A query goes requester -> its intermediate server -> hub -> the provider's
intermediate server, which answers from its copy of the data it may provide,
and back the same way (six hops). Relaying takes an intermediate server its own
service time; answering from the copy takes the providing agency's service
time (as reading the agency's own system would), on the intermediate server's
servers, so only the mechanism differs from the other architectures.

The hub checks the statutory exchange table of (requester agency, provider
agency, item); an exchange not in it is refused. It translates the requester's
symbol into the provider's and appends an access record (when, who, why, what,
about whom, allowed or not) that the citizen can see on the portal:
``Symbol.access_log``.

Enrolment: an entry enrolled with the wrong person's My Number (at the
scenario's rate) gets that person's symbol, so later answers are about them.
Symbols of the register as it stands at the start are issued before the run;
a symbol for a citizen born during the run, or for a mover at their new
municipality, is issued when a query first needs it, at the cost of one
lookup at the resident registry (a system with its own queue).

The hub's mapping (every system's symbols of every citizen) and the access
records are what ``holdings`` and ``audit_trail`` report; the citizen portal
shows the records of exchanges the hub allowed.

A system's outage affects only queries that pass through it: the intermediate
server answers from its copy, so an agency's own system being down does not
stop it providing.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import simpy

from sim.architectures.base import Architecture, WorldView
from sim.architectures.enrolment import draw_wrong_links, entry_for
from sim.architectures.exchanges import allowed_queries
from sim.architectures.resolution import (
    NOT_ANSWERED,
    NOT_FOUND,
    REFUSED,
    NodeUnavailable,
    Resolution,
)
from sim.architectures.stores import (
    AuditTrail,
    Holdings,
    Table,
    agency_tables,
    carried,
    holdings_base,
)
from sim.architectures.symbol_tables import Symbols
from sim.population.numbers import issue_numbers
from sim.scenario import Scenario
from sim.scenario.params import SymbolParams

if TYPE_CHECKING:
    from sim.world.node import Node

HUB = "hub"
RESIDENT_REGISTRY = "resident-registry"
PLATFORM = "intermediate-platform"
MY_NUMBER = "my-number"
RESIDENT_CODE = "resident-code"


def intermediate_name(system: str) -> str:
    """The name of the own intermediate server of an agency system (or group)."""
    return f"intermediate-{system}"


class AccessRecord(NamedTuple):
    """One exchange the hub handled, as the citizen's portal shows it."""

    time: float  # when
    requester: int  # who asked (agency node)
    provider: int  # who provided (agency node)
    procedure: int  # why (index into the workload's procedure names)
    item: int  # what (index into the workload's item names)
    citizen: int  # about whom, as the hub resolved the requester's symbol
    allowed: bool  # whether the exchange table allowed it
    query: int = -1  # the workload row (for the analysis; not shown on the portal)


class Symbol(Architecture):
    """Agencies exchange through a hub that checks, translates and records."""

    name = "symbol"
    params: SymbolParams

    @classmethod
    def system_names(cls, scenario: Scenario) -> set[str]:
        names = {HUB, RESIDENT_REGISTRY}
        shared = set(scenario.symbol.intermediate.shared_platform_for)
        if shared:
            names.add(PLATFORM)
        for agency in scenario.agencies:
            if agency.name in shared:
                continue
            names.add(intermediate_name(agency.name))
            if agency.per_municipality:
                for k in range(scenario.population.municipalities):
                    names.add(intermediate_name(f"{agency.name}-{k + 1}"))
        return names

    def enroll(self, world: WorldView) -> None:
        """Set up the hub, the registry and the intermediate servers; draw enrolment errors."""
        params = self.params
        population = world.population
        nodes = world.registers.nodes
        self.links = draw_wrong_links(world, "symbol", params.enrolment_error_rate)
        codes = issue_numbers(population.size, world.rng("symbol", "resident-codes")) // 10
        secret = world.rng("symbol", "hub-secret").bytes(32)
        self.symbols = Symbols(codes, secret, [node.name for node in nodes])
        self._symbols_of = self.symbols.systems  # by agency node
        self._allowed = allowed_queries(world, params.exchanges(world.scenario))
        # Each exchange the hub handles, as (when, about whom, query): the rest of an
        # AccessRecord is the query's (see access_log). Plain tuples: the garbage
        # collector stops tracking those, so millions cost it nothing.
        self._access_rows: list[tuple[float, int, int]] = []
        self._workload = world.workload
        self._agency_of = [node.agency for node in nodes]
        self._municipality_of = [node.municipality for node in nodes]
        self._issuing: dict[tuple[int, int], simpy.Event] = {}
        self._prepare_symbols(world)
        self.hub = world.add_node(HUB, params.hub.servers, params.hub.service_time)
        registry = params.resident_registry
        self.registry = world.add_node(RESIDENT_REGISTRY, registry.servers, registry.service_time)
        self.intermediate = self._add_intermediate_servers(world)

    def _prepare_symbols(self, world: WorldView) -> None:
        """Work out, in one pass, the symbols the workload's queries name: the requester's
        of the person it recorded, and the provider's of the same person. Those of the
        register as it stands at the start are issued now; those made during the run (a
        birth, a move into the system's municipality) are kept ready until a query has
        the hub issue them, through the resident registry (``_issue``). A pair the
        workload does not name (a link changed by an experiment after enrolment) counts
        as issued before the run."""
        workload, population = world.workload, world.population
        everyone = np.arange(population.size)
        home = population.municipality_at(everyone, np.zeros(population.size))
        agencies = list(self.links)
        agency_of_node = np.array([agencies.index(name) for name in self._agency_of])
        asking = agency_of_node[workload.requester]
        recorded = workload.citizen.astype(np.int64)
        for index, name in enumerate(agencies):
            mine = asking == index
            recorded[mine] = self.links[name].linked_many(recorded[mine])
        persons = np.concatenate([recorded, recorded])
        systems = np.concatenate([workload.requester, workload.provider]).astype(np.int64)
        municipality = np.array(self._municipality_of, dtype=np.int64)[systems]
        made_in_run = (population.born_at[persons] > 0) | (
            (municipality >= 0) & (home[persons] != municipality)
        )
        self.symbols.prepare(persons, systems, issued=~made_in_run)

    def _add_intermediate_servers(self, world: WorldView) -> list[Node]:
        spec = self.params.intermediate
        shared = set(spec.shared_platform_for)
        platform = None
        servers: list[Node] = []
        for node in world.registers.nodes:
            if node.agency in shared:
                if platform is None:
                    platform = world.add_node(PLATFORM, spec.platform_servers, spec.service_time)
                servers.append(platform)
            else:
                name, group = intermediate_name(node.name), intermediate_name(node.agency)
                servers.append(world.add_node(name, spec.servers, spec.service_time, group))
        return servers

    def resolve(self, world: WorldView, query: int) -> Generator[simpy.Event, Any, Resolution]:
        workload = world.workload
        citizen, requester, provider = workload.parties(query)
        recorded = self.links[self._agency_of[requester]].linked(citizen)
        own, hub = self.intermediate[requester], self.hub
        yield world.hop(requester, own)
        yield world.hop(own, hub, leaving=own.book())
        handled = hub.book()
        asking = self._symbols_of[requester]
        sent = asking.of.get(recorded)  # the symbol the requester holds
        if sent is None:
            if asking.is_ready(recorded):  # made during the run: issued now
                yield from self._issue(world, recorded, requester, handled)
                handled = max(handled, world.env.now)
            sent = asking.symbol(recorded)
        person = asking.residents.get(sent, NOT_ANSWERED)  # the hub translates
        self._access_rows.append((handled, person, query))
        if not self._allowed[query]:  # by the statutory exchange table
            back = world.travel_time(hub, own, requester, leaving=handled)
            return Resolution(NOT_ANSWERED, REFUSED, hops=4, reply_seconds=back)
        answering = self._symbols_of[provider]
        symbol = answering.of.get(person)
        if symbol is None:
            if answering.is_ready(person):
                yield from self._issue(world, person, provider, handled)
                handled = max(handled, world.env.now)
            symbol = answering.symbol(person)
        theirs = self.intermediate[provider]
        yield world.hop(hub, theirs, leaving=handled)
        answering_time = world.nodes[provider].service_time()  # reading the copy
        answered = theirs.book(answering_time)
        links = self.links[self._agency_of[provider]]
        owner = answering.residents.get(symbol, NOT_ANSWERED)
        answer = entry_for(world, provider, links, owner, answered)
        back = world.travel_time(theirs, hub, own, requester, leaving=answered)
        if answer == NOT_ANSWERED:
            return Resolution(NOT_ANSWERED, NOT_FOUND, hops=6, reply_seconds=back)
        return Resolution(answer, hops=6, reply_seconds=back)

    def _issue(
        self, world: WorldView, person: int, system: int, leaving: float
    ) -> Generator[simpy.Event, Any, None]:
        """Issue a symbol made during the run (a birth, a move), once however many
        queries need it: a lookup at the resident registry, asked when the hub's
        service ends (``leaving``). (Symbols of the register as it stood at the start
        were made before the run.)"""
        key = (person, system)
        pending = self._issuing.get(key)
        if pending is not None:
            yield pending
            return
        done = world.env.event()
        self._issuing[key] = done
        try:
            yield world.hop(self.hub, self.registry, leaving=leaving)
            yield self.registry.visit()
            yield world.hop(self.registry, self.hub)
        except NodeUnavailable as error:
            del self._issuing[key]
            done.defused = True
            done.fail(error)
            raise
        del self._issuing[key]
        self.symbols.symbol(person, system)
        done.succeed()

    def holdings(self, world: WorldView) -> Holdings:
        """Agencies store their own symbol (and, where configured, the My Number) as
        enrolled; the hub maps every system's symbols to resident codes; the resident
        registry holds resident codes and My Numbers."""
        params = self.params

        def stored(node, persons: np.ndarray) -> dict[str, np.ndarray]:
            owners = carried(persons, self.links[node.agency].wrong)
            kept = {f"symbol:{node.name}": owners}
            if params.stores_my_number(node.agency):
                kept[MY_NUMBER] = owners
            return kept

        tables = agency_tables(world, stored)
        for index, node in enumerate(world.registers.nodes):
            owners = tables[index].identifiers[f"symbol:{node.name}"]
            mapping = {f"symbol:{node.name}": owners, RESIDENT_CODE: owners}
            tables.append(Table(HUB, index, tables[index].persons, mapping))
        everyone = np.flatnonzero(world.population.born_at <= 0)
        registry = {RESIDENT_CODE: everyone, MY_NUMBER: everyone}
        tables.append(Table(RESIDENT_REGISTRY, -1, everyone, registry))
        holdings = holdings_base(world, self.name, tables)
        holdings.central = (HUB,)
        return holdings

    @property
    def access_log(self) -> list[AccessRecord]:
        """Every exchange the hub handled, in the order the requests reached it."""
        workload = self._workload
        columns = [workload.listed(name) for name in ("requester", "provider", "procedure", "item")]
        requesters, providers, procedures, items = columns
        return [
            AccessRecord(
                time,
                requesters[query],
                providers[query],
                procedures[query],
                items[query],
                citizen,
                self._allowed[query],
                query,
            )
            for time, citizen, query in self._access_rows
        ]

    def audit_trail(self, world: WorldView) -> AuditTrail:
        """The hub's access records; the portal shows each citizen the allowed ones."""
        rows = np.array(self._access_rows, dtype=np.float64).reshape(-1, 3)
        query = rows[:, 2].astype(np.int64)
        return AuditTrail(
            [HUB],
            np.zeros(len(rows), dtype=np.int64),
            query,
            rows[:, 0],
            rows[:, 1].astype(np.int64),
            np.asarray(self._allowed, dtype=bool)[query],
        )
