"""Compromises (sets of systems whose data leaks) and the attacker's join over the leaked tables.

The attacker joins every pair of leaked rows that carry the same identifier in
the same namespace, after turning namespaces into one where a leaked translator
allows it (a leaked sourcePIN derives every bPK); rows the hub's leaked mapping
holds join every symbol of one resident code. With quasi-identifiers on, the
attacker also runs the record-linkage matcher over every pair of leaked agency
copies of the basic four facts and joins the pairs it accepts. Joined rows form
groups (connected components); each row is scored by the person it truly is.

- linkable profile: a citizen whose rows from two or more agency systems end up
  in one group (joined correctly);
- profile breadth: the number of agency systems in that group;
- false join: a pair of rows from different agency systems in one group that
  belong to different people (a wrong identifier, or a wrong name match).

A row the hub's mapping holds stands for the agency entry it points to: the
mapping alone tells where each resident is registered.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from sim.architectures.stores import Holdings, Table
from sim.linkage import DEFAULT_LOWER, MUParameters, link
from sim.privacy.holdings import namespace_classes
from sim.scenario.privacy import CENTRAL

ATTACKER_BLOCKING = ("birth_date", "name_reading")
"""The attacker's blocking keys: birth date and name reading find nearly every true pair
at a quarter of the default keys' cost (municipality blocks are large)."""


@dataclass(frozen=True)
class Exposure:
    """What one compromise lets the attacker join, scored against the ground truth."""

    linkable_profiles: int
    profile_breadth: float
    false_joins: int


def leaked_holders(holdings: Holdings, nodes: tuple[str, ...]) -> set[str] | None:
    """The holders a compromise's node names stand for here (None: one does not exist).

    An agency name stands for all its offices; ``central`` for the hub or the
    register authority.
    """
    holders = set(holdings.holders)
    leaked: set[str] = set()
    for node in nodes:
        if node == CENTRAL:
            if not holdings.central:
                return None
            leaked.update(holdings.central)
        elif node in holders:
            leaked.add(node)
        elif node in holdings.agencies:
            offices = zip(holdings.agency_nodes, holdings.agencies, strict=True)
            leaked.update(name for name, agency in offices if agency == node)
        else:
            return None
    return leaked


class QuasiIdentifierJoins:
    """The attacker's name matching between two agency systems' copies, cached per pair.

    The attacker estimates the matcher's m and u probabilities once, by EM over
    the two largest leaked-eligible copies (many true pairs: a well-posed fit),
    and uses them for every pair: EM on two offices that share only their movers
    would learn that an equal name is enough. The copies are the same under
    every architecture, so one cache serves them all.
    """

    def __init__(self, copies: Callable[[], list[pd.DataFrame]], threshold: float):
        self._copies = copies
        self._threshold = threshold
        self._m_u: MUParameters | None = None
        self._pairs: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def accepted(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """(person in a's copy, person in b's copy) of every pair the matcher accepts."""
        if (b, a) in self._pairs:
            right, left = self._pairs[(b, a)]
            return left, right
        if (a, b) not in self._pairs:
            if self._m_u is None:
                self._fit()
            self._link(a, b, self._m_u)
        return self._pairs[(a, b)]

    def _fit(self) -> None:
        sizes = [len(copy) for copy in self._copies()]
        first, second = sorted(np.argsort(sizes, kind="stable")[-2:].tolist())
        self._m_u = self._link(first, second, None)

    def _link(self, a: int, b: int, m_u: MUParameters | None) -> MUParameters:
        copies = self._copies()
        pairs = link(
            copies[a],
            copies[b],
            blocking=ATTACKER_BLOCKING,
            m_u=m_u,
            upper=self._threshold,
            lower=min(DEFAULT_LOWER, self._threshold),
        )
        accepted = pairs[pairs["decision"] == "accept"]
        left = accepted["left_id"].to_numpy(np.int64)
        self._pairs[(a, b)] = (left, accepted["right_id"].to_numpy(np.int64))
        return pairs.attrs["m_u"]


def attacker_join(
    holdings: Holdings,
    graph: nx.DiGraph,
    leaked: set[str],
    quasi: QuasiIdentifierJoins | None = None,
) -> Exposure:
    """Join every leaked table by identifier (and by name matching if ``quasi``); score it."""
    tables = [table for table in holdings.tables if table.holder in leaked]
    if not tables:
        return Exposure(0, float("nan"), 0)
    sizes = np.array([len(table.persons) for table in tables])
    offsets = np.r_[0, np.cumsum(sizes)]
    persons = np.concatenate([table.persons for table in tables]).astype(np.int64)
    refers = np.repeat([table.refers_to for table in tables], sizes)
    entries = int(offsets[-1])
    bound = int(persons.max(initial=0)) + 1
    for table in tables:
        for owners in table.identifiers.values():
            bound = max(bound, int(owners.max(initial=0)) + 1)

    classes = namespace_classes(graph, leaked)
    rows, keys = [], []
    for index, table in enumerate(tables):
        for name, owners in table.identifiers.items():
            rows.append(offsets[index] + np.arange(len(owners)))
            keys.append(classes[name] * bound + owners.astype(np.int64))
    sources, targets = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    if keys:
        unique, key_vertex = np.unique(np.concatenate(keys), return_inverse=True)
        sources.append(np.concatenate(rows))
        targets.append(entries + key_vertex.ravel())
        vertices = entries + len(unique)
    else:
        vertices = entries
    if quasi is not None:
        for left, right in _quasi_edges(tables, offsets, quasi):
            sources.append(left)
            targets.append(right)
    source, target = np.concatenate(sources), np.concatenate(targets)
    matrix = coo_matrix((np.ones(len(source)), (source, target)), shape=(vertices, vertices))
    _, component = connected_components(matrix, directed=False)
    records = refers >= 0
    return _score(component[:entries][records], persons[records], refers[records], bound)


def _quasi_edges(
    tables: list[Table], offsets: np.ndarray, quasi: QuasiIdentifierJoins
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Row pairs of the accepted name matches between every two leaked agency tables."""
    edges = []
    attributed = [i for i, table in enumerate(tables) if table.basic_four]
    for i, j in itertools.combinations(attributed, 2):
        left, right = quasi.accepted(tables[i].refers_to, tables[j].refers_to)
        left_row, left_found = _rows_of(tables[i].persons, left)
        right_row, right_found = _rows_of(tables[j].persons, right)
        found = left_found & right_found
        edges.append((offsets[i] + left_row[found], offsets[j] + right_row[found]))
    return edges


def _rows_of(persons: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``wanted`` in the sorted ``persons``, and whether each is there."""
    position = np.clip(np.searchsorted(persons, wanted), 0, max(len(persons) - 1, 0))
    found = persons[position] == wanted if len(persons) else np.zeros(len(wanted), dtype=bool)
    return position, found


def _score(component: np.ndarray, person: np.ndarray, refers: np.ndarray, bound: int) -> Exposure:
    """Linkable profiles, their breadth and the false joins of joined agency rows."""
    systems = int(refers.max(initial=0)) + 1
    # Each agency row once per (component, person), sorted by component, person, agency.
    key = np.sort((component.astype(np.int64) * bound + person) * systems + refers)
    key = key[_run_starts(key)]
    group = key // systems  # (component, person), sorted
    starts = _run_starts(group)
    per_group = _run_lengths(starts, len(group))  # agency rows per (component, person)
    best = np.zeros(bound, dtype=np.int64)
    np.maximum.at(best, group[starts] % bound, per_group)
    linkable = best >= 2
    breadth = float(best[linkable].mean()) if linkable.any() else float("nan")

    component_of_row = group // bound  # sorted
    per_component = _run_lengths(_run_starts(component_of_row), len(group))
    node_in_component = np.sort(component_of_row * systems + key % systems)
    per_node = _run_lengths(_run_starts(node_in_component), len(group))
    cross_pairs = (
        np.sum(per_component.astype(float) ** 2) - np.sum(per_node.astype(float) ** 2)
    ) / 2
    same_person = np.sum(per_group.astype(float) * (per_group - 1)) / 2
    return Exposure(int(linkable.sum()), breadth, int(round(cross_pairs - same_person)))


def _run_starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted array starts."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))


def _run_lengths(starts: np.ndarray, size: int) -> np.ndarray:
    """The length of each run, from where the runs start in an array of ``size``."""
    return np.diff(np.append(starts, size))
