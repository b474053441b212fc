"""What an architecture's systems store, and what they log: plain arrays for the privacy analysis.

Identifiers are kept as their owners: an entry's value in a namespace is the
person whose identifier (national number, bPK, symbol ...) the entry carries,
which is the entry's own person except where it was recorded in error. Two
entries carrying the same value in the same namespace can be joined by anyone
holding both; a wrong value joins the wrong person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.architectures.base import WorldView
    from sim.population.registers import AgencyNode

BASIC_FOUR = "basic-four"
"""The attribute namespace of name, address, sex and birth date (quasi-identifiers)."""


@dataclass
class Table:
    """One system's stored identifiers for the entries it keeps.

    Attributes:
        holder: the system that stores it (an agency office, "hub", ...).
        refers_to: the agency node whose register entries the rows are (-1: none).
        persons: the true person of each row, sorted.
        identifiers: namespace -> the owner of the identifier each row carries.
        basic_four: whether the holder also keeps the rows' name, address, sex and birth date.
    """

    holder: str
    refers_to: int
    persons: np.ndarray
    identifiers: dict[str, np.ndarray]
    basic_four: bool = False


@dataclass(frozen=True)
class Translator:
    """A system that can turn identifiers of some namespaces into one of another.

    The register authority derives any bPK from the sourcePIN; anyone holding
    its data can do the same, so the namespaces become one.
    """

    holder: str
    sources: tuple[str, ...]
    target: str


@dataclass
class Holdings:
    """Everything an architecture's systems store about citizens at the start of the run."""

    architecture: str
    agency_nodes: list[str]  # agency node names by index (as ``Table.refers_to``)
    agencies: list[str]  # the agency of each node
    tables: list[Table]
    translators: list[Translator] = field(default_factory=list)
    central: tuple[str, ...] = ()  # the holders a compromise's "central" stands for

    @property
    def holders(self) -> list[str]:
        """Every system that stores something, in first-seen order."""
        return list(dict.fromkeys(table.holder for table in self.tables))


@dataclass
class AuditTrail:
    """Log entries an architecture writes about exchanges, one row per entry.

    Attributes:
        logs: the logs' names (who keeps them).
        log: index into ``logs`` of each entry.
        query: the workload row the entry is about.
        time: when it was written (simulation seconds).
        citizen: the person the entry names (-1: nobody).
        visible: whether that citizen can see the entry on a portal.
    """

    logs: list[str]
    log: np.ndarray
    query: np.ndarray
    time: np.ndarray
    citizen: np.ndarray
    visible: np.ndarray

    @classmethod
    def empty(cls) -> AuditTrail:
        """No central or agency log that anyone audits (the separate model)."""
        none = np.zeros(0, dtype=np.int64)
        return cls([], none, none, np.zeros(0), none, np.zeros(0, dtype=bool))


def carried(persons: np.ndarray, wrong: dict[int, int]) -> np.ndarray:
    """The owner of the identifier each person's entry carries, given ``person -> other``."""
    owners = persons.copy()
    if wrong:
        keys = np.fromiter(wrong.keys(), dtype=np.int64, count=len(wrong))
        values = np.fromiter(wrong.values(), dtype=np.int64, count=len(wrong))
        order = np.argsort(keys)
        keys, values = keys[order], values[order]
        position = np.clip(np.searchsorted(keys, persons), 0, len(keys) - 1)
        hit = keys[position] == persons
        owners[hit] = values[position[hit]]
    return owners


def agency_tables(
    world: WorldView, identifiers: Callable[[AgencyNode, np.ndarray], dict[str, np.ndarray]]
) -> list[Table]:
    """A table per agency node: its entries at the start, with what ``identifiers`` says
    the node stores for them (namespace -> owners), and their basic four facts."""
    entries = world.registers.entries_at_start(world.population)
    return [
        Table(node.name, index, persons, identifiers(node, persons), True)
        for index, (node, persons) in enumerate(zip(world.registers.nodes, entries, strict=True))
    ]


def holdings_base(world: WorldView, architecture: str, tables: list[Table]) -> Holdings:
    """Holdings with the world's agency nodes and the given tables."""
    nodes = world.registers.nodes
    return Holdings(architecture, [n.name for n in nodes], [n.agency for n in nodes], tables)
