"""The identifier graph: which system stores which namespace, and who translates between them.

Built from an architecture's ``Holdings`` (the run's registers as enrolled), as a
networkx ``DiGraph`` with three kinds of node:

- ``holder``: a system that stores something (an agency office, the hub, the
  register authority, the resident registry);
- ``namespace``: an identifier namespace (``national-number``, ``bpk:SA``,
  ``symbol:tax``, ``my-number``, ``local-number:city-1``, ...);
- ``attributes``: the basic four facts (name, address, sex, birth date), which
  every agency keeps whatever its identifiers.

Edges run from a holder to what it stores (``kind="stores"``, with the number of
``tables`` and ``persons``), and from a translator to each namespace it can turn
into another (``kind="translates"``, ``into`` the target namespace).
"""

from __future__ import annotations

from collections.abc import Collection

import networkx as nx

from sim.architectures.stores import BASIC_FOUR, Holdings

HOLDER, NAMESPACE, ATTRIBUTES = "holder", "namespace", "attributes"


def identifier_graph(holdings: Holdings) -> nx.DiGraph:
    """The holders–namespaces graph of one architecture's holdings."""
    graph = nx.DiGraph(architecture=holdings.architecture)
    for table in holdings.tables:
        graph.add_node(table.holder, kind=HOLDER, central=table.holder in holdings.central)
        stored = [(name, len(owners)) for name, owners in table.identifiers.items()]
        if table.basic_four:
            graph.add_node(BASIC_FOUR, kind=ATTRIBUTES)
            stored.append((BASIC_FOUR, len(table.persons)))
        for name, persons in stored:
            if name not in graph:
                graph.add_node(name, kind=NAMESPACE)
            if graph.has_edge(table.holder, name):
                edge = graph.edges[table.holder, name]
                edge["tables"] += 1
                edge["persons"] += persons
            else:
                graph.add_edge(table.holder, name, kind="stores", tables=1, persons=persons)
    for translator in holdings.translators:
        for source in translator.sources:
            if source in graph:
                graph.add_edge(translator.holder, source, kind="translates", into=translator.target)
    return graph


def namespace_classes(graph: nx.DiGraph, leaked: Collection[str]) -> dict[str, int]:
    """Namespaces that become one for an attacker holding ``leaked``: namespace -> class.

    A leaked translator (the register authority's sourcePINs) merges every
    namespace it translates with its target; without one, each namespace is its own.
    """
    merged = nx.Graph()
    merged.add_nodes_from(n for n, kind in graph.nodes(data="kind") if kind == NAMESPACE)
    for holder, source, data in graph.edges(data=True):
        if data["kind"] == "translates" and holder in leaked:
            merged.add_edge(source, data["into"])
    return {
        name: index
        for index, members in enumerate(nx.connected_components(merged))
        for name in members
    }


def exposure_of(graph: nx.DiGraph, leaked: Collection[str]) -> dict[str, str]:
    """What a compromise exposes, by graph node: for the picture.

    ``leaked`` for the leaked holders; ``joined`` for a namespace (or the basic
    four) that two or more leaked tables carry, after translation, so the
    attacker can join on it; ``held`` for one only one leaked table carries;
    ``safe`` for everything else.
    """
    classes = namespace_classes(graph, leaked)
    tables_per_class: dict[int, int] = {}
    attribute_tables = 0
    for holder, name, data in graph.edges(data=True):
        if holder not in leaked or data["kind"] != "stores":
            continue
        if name == BASIC_FOUR:
            attribute_tables += data["tables"]
        else:
            tables_per_class[classes[name]] = (
                tables_per_class.get(classes[name], 0) + data["tables"]
            )
    state = {}
    for node, kind in graph.nodes(data="kind"):
        if kind == HOLDER:
            state[node] = "leaked" if node in leaked else "safe"
            continue
        count = attribute_tables if kind == ATTRIBUTES else tables_per_class.get(classes[node], 0)
        state[node] = "joined" if count >= 2 else "held" if count == 1 else "safe"
    return state
