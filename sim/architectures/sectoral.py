"""Sectoral: a sector-specific number per citizen, derived from a hidden one (Austria).

The register authority keeps a source number (sourcePIN) per citizen; agencies
may not store it. Each agency belongs to a sector and stores only the
sector-specific number (bPK) of its sector, derived one way from the sourcePIN.

Inside a sector the requester asks the provider directly by bPK (both hold the
same one). Across sectors the requester first asks the register authority (a
system with its own queue) for the provider's bPK, encrypted for the provider
(vbPK); the authority grants it only for sector pairs the scenario allows,
otherwise the query is refused. An entry enrolled with another person's bPK
makes answers about that person: misdisclosures, counted from the ground truth.

The authority logs every cross-sector request it handles (``audit_trail``); no
log shows it to the citizen. Its sourcePINs let anyone who holds them derive
every bPK: ``holdings`` lists the authority as a translator of all sectors.

bPKs are computed on demand, per (person, sector) a query actually needs, and
cached: a large population costs nothing up front. The vbPK's encryption is
not computed: its cost is inside the authority's service time, and the
provider reads the bPK it carries.
"""

from __future__ import annotations

import hashlib
from binascii import b2a_base64
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.architectures.base import Architecture, WorldView
from sim.architectures.enrolment import draw_wrong_links, entry_for
from sim.architectures.resolution import NOT_ANSWERED, NOT_FOUND, REFUSED, Resolution
from sim.architectures.stores import (
    AuditTrail,
    Holdings,
    Table,
    Translator,
    agency_tables,
    carried,
    holdings_base,
)
from sim.scenario import Scenario
from sim.scenario.params import SectoralParams

BPK_INFIX = "+urn:publicid:gv.at:cdid+"
REGISTER_AUTHORITY = "register-authority"
SOURCE_PIN = "source-pin"


def derive_bpk(source_pin: str, sector_code: str) -> str:
    """The bPK of a sourcePIN in a sector, as the Austrian register authority publishes it.

    Base64 of SHA-1 over ``sourcePIN + "+urn:publicid:gv.at:cdid+" + sector code``,
    the string encoded ISO-8859-1.
    """
    digest = hashlib.sha1((source_pin + BPK_INFIX + sector_code).encode("iso-8859-1")).digest()
    return b2a_base64(digest, newline=False).decode("ascii")


def derive_source_pin(register_number: str, secret: bytes) -> str:
    """The sourcePIN of a 12-digit central-register number, with the authority's secret.

    The real sourcePIN is the register number encrypted with 3DES-CBC under the
    authority's key, in Base64 (16 bytes, 24 characters). This stands in for it
    with a 16-byte keyed BLAKE2b hash under a secret only the authority holds:
    same shape, same one-way property for anyone without the key.
    """
    digest = hashlib.blake2b(register_number.encode("ascii"), key=secret, digest_size=16).digest()
    return b2a_base64(digest, newline=False).decode("ascii")


class SectorNumbers:
    """The authority's view: sourcePINs and bPKs derived on demand, with reverse tables."""

    def __init__(self, register_numbers: np.ndarray, secret: bytes):
        self._register_numbers = register_numbers.tolist()
        # BLAKE2b with the secret, the key's block already hashed: a copy of it, fed
        # the register number, gives derive_source_pin's hash at the cost of the number.
        self._keyed = hashlib.blake2b(key=secret, digest_size=16)
        self._source_pins: dict[int, bytes] = {}  # person -> sourcePIN, its ASCII bytes
        self._sectors: dict[str, SectorBPKs] = {}

    def source_pin(self, person: int) -> str:
        """The person's sourcePIN (from their 12-digit register number)."""
        return self.source_pin_bytes(person).decode("ascii")

    def source_pin_bytes(self, person: int) -> bytes:
        """The person's sourcePIN as the ASCII bytes that the bPK hash takes."""
        pin = self._source_pins.get(person)
        if pin is None:
            keyed = self._keyed.copy()
            keyed.update(b"%012d" % self._register_numbers[person])
            pin = self._source_pins[person] = b2a_base64(keyed.digest(), newline=False)
        return pin

    def sector(self, sector_code: str) -> SectorBPKs:
        """The bPKs of one sector (the same table for every caller)."""
        sector = self._sectors.get(sector_code)
        if sector is None:
            sector = self._sectors[sector_code] = SectorBPKs(self, sector_code)
        return sector

    def bpk(self, person: int, sector_code: str) -> str:
        """The person's bPK in a sector."""
        return self.sector(sector_code).bpk(person)

    def owner(self, bpk: str, sector_code: str) -> int:
        """The person a bPK of a sector was derived for (-1: none derived)."""
        return self.sector(sector_code).owner(bpk)

    def derived(self) -> list[tuple[int, str]]:
        """Every (person, sector code) whose bPK has been derived so far."""
        return [(person, code) for code, sector in self._sectors.items() for person in sector.of]


class SectorBPKs:
    """The bPKs of one sector derived so far, by person and by bPK."""

    def __init__(self, numbers: SectorNumbers, code: str):
        self.of: dict[int, str] = {}  # person -> bPK
        self._owners: dict[str, int] = {}  # bPK -> person
        self._numbers = numbers
        # What derive_bpk appends to the sourcePIN, encoded as it encodes it.
        self._suffix = (BPK_INFIX + code).encode("iso-8859-1")

    def bpk(self, person: int) -> str:
        """The person's bPK in this sector: derive_bpk of their sourcePIN, derived once."""
        bpk = self.of.get(person)
        if bpk is None:
            pin = self._numbers.source_pin_bytes(person)
            digest = hashlib.sha1(pin + self._suffix).digest()
            bpk = self.of[person] = b2a_base64(digest, newline=False).decode("ascii")
            self._owners[bpk] = person
        return bpk

    def owner(self, bpk: str) -> int:
        """The person this sector's bPK was derived for (-1: none derived)."""
        return self._owners.get(bpk, NOT_ANSWERED)


class Sectoral(Architecture):
    """Agencies store their sector's bPK; the register authority bridges allowed sectors."""

    name = "sectoral"
    params: SectoralParams

    @classmethod
    def system_names(cls, scenario: Scenario) -> set[str]:
        return {REGISTER_AUTHORITY}

    def enroll(self, world: WorldView) -> None:
        """Draw enrolment errors, set up the register authority and its secret."""
        params = self.params
        self.links = draw_wrong_links(world, "sectoral", params.enrolment_error_rate)
        secret = world.rng("sectoral", "authority-secret").bytes(24)
        self.numbers = SectorNumbers(world.population.national_number, secret)
        code_of = {sector.name: sector.code for sector in world.scenario.sectors}
        nodes = world.registers.nodes
        self._agency_of = [node.agency for node in nodes]
        self._bpks_of = [self.numbers.sector(code_of[node.sector]) for node in nodes]
        self._cross_sector, self._bridged = self._sector_pairs(world)
        spec = params.register_authority
        self.authority = world.add_node(REGISTER_AUTHORITY, spec.servers, spec.service_time)
        self._authority_log: list[tuple[int, float, int]] = []  # (query, time, person named)

    def _sector_pairs(self, world: WorldView) -> tuple[list[bool], list[bool]]:
        """Per query: whether it crosses sectors, and whether the authority bridges the pair."""
        nodes, workload = world.registers.nodes, world.workload
        number = {name: i for i, name in enumerate(sorted({node.sector for node in nodes}))}
        sector = np.array([number[node.sector] for node in nodes], dtype=np.int64)
        asking, answering = sector[workload.requester], sector[workload.provider]
        cross = asking != answering
        bridged = np.zeros(len(workload), dtype=bool)
        for pair in self.params.allowed_cross_sector:
            if pair.from_sector in number and pair.to_sector in number:
                from_sector, to_sector = number[pair.from_sector], number[pair.to_sector]
                bridged |= (asking == from_sector) & (answering == to_sector)
        return cross.tolist(), (bridged & cross).tolist()

    def resolve(self, world: WorldView, query: int) -> Generator[simpy.Event, Any, Resolution]:
        workload = world.workload
        citizen, requester, provider = workload.parties(query)
        recorded = self.links[self._agency_of[requester]].linked(citizen)
        asking, answering = self._bpks_of[requester], self._bpks_of[provider]
        bpk = asking.bpk(recorded)
        if self._cross_sector[query]:
            authority = self.authority
            yield world.hop(requester, authority)
            answered = authority.book()
            person = asking.owner(bpk)
            self._authority_log.append((query, answered, person))
            if not self._bridged[query]:
                back = world.travel_time(authority, requester, leaving=answered)
                return Resolution(NOT_ANSWERED, REFUSED, hops=2, reply_seconds=back)
            bpk = answering.bpk(person)  # sent as a vbPK
            yield world.travel(authority, requester, provider, leaving=answered)
            hops = 4
        else:
            yield world.hop(requester, provider)
            hops = 2
        served = world.nodes[provider].book()
        links = self.links[self._agency_of[provider]]
        person = entry_for(world, provider, links, answering.owner(bpk), served)
        back = world.travel_time(provider, requester, leaving=served)
        if person == NOT_ANSWERED:
            return Resolution(NOT_ANSWERED, NOT_FOUND, hops=hops, reply_seconds=back)
        return Resolution(person, hops=hops, reply_seconds=back)

    def holdings(self, world: WorldView) -> Holdings:
        """Agencies store their sector's bPK as enrolled; the authority the sourcePINs."""
        codes = {sector.name: sector.code for sector in world.scenario.sectors}
        tables = agency_tables(
            world,
            lambda node, persons: {
                f"bpk:{codes[node.sector]}": carried(persons, self.links[node.agency].wrong)
            },
        )
        everyone = np.flatnonzero(world.population.born_at <= 0)
        tables.append(Table(REGISTER_AUTHORITY, -1, everyone, {SOURCE_PIN: everyone}))
        holdings = holdings_base(world, self.name, tables)
        bpks = tuple(f"bpk:{code}" for code in dict.fromkeys(codes.values()))
        holdings.translators.append(Translator(REGISTER_AUTHORITY, bpks, SOURCE_PIN))
        holdings.central = (REGISTER_AUTHORITY,)
        return holdings

    def audit_trail(self, world: WorldView) -> AuditTrail:
        """The authority's log of the cross-sector requests it handled, refused ones too."""
        log = self._authority_log
        return AuditTrail(
            [REGISTER_AUTHORITY],
            np.zeros(len(log), dtype=np.int64),
            np.array([row[0] for row in log], dtype=np.int64),
            np.array([row[1] for row in log], dtype=float),
            np.array([row[2] for row in log], dtype=np.int64),
            np.zeros(len(log), dtype=bool),
        )
