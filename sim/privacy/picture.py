"""The holders–namespaces graph of each architecture, coloured by what a compromise exposes.

Holders (systems that store identifiers) stand in the left column as squares,
namespaces and the basic four facts in the right column as circles; an arrow
means "stores", a dashed arrow "can translate". Colours: red for the leaked
systems, orange for what the attacker can join on (two or more leaked tables
carry it, after translation), yellow for what only one leaked table carries,
grey for the rest. Drawn with matplotlib's Agg canvas (no display, no pyplot state).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.architectures.stores import Holdings
from sim.privacy.compromise import attacker_join, leaked_holders
from sim.privacy.holdings import HOLDER, exposure_of, identifier_graph
from sim.scenario import Scenario
from sim.scenario.privacy import compromise_list, first_cross_sector_pair

COLOURS = {"leaked": "#d62728", "joined": "#ff7f0e", "held": "#ffd92f", "safe": "#d9d9d9"}
LEGEND = {
    "leaked": "leaked system",
    "joined": "attacker can join on it",
    "held": "in one leaked table",
    "safe": "not exposed",
}


def draw_exposure(holdings: Holdings, compromise: str, nodes: tuple[str, ...]) -> Figure:
    """One architecture's graph, coloured by what the compromise ``nodes`` expose."""
    graph = identifier_graph(holdings)
    leaked = leaked_holders(holdings, nodes)
    state = exposure_of(graph, leaked or set())
    if leaked is None:
        subtitle = "not present under this architecture"
    else:
        joined = attacker_join(holdings, graph, leaked).linkable_profiles
        subtitle = f"joined by identifier alone: {joined:,} citizens"
    holders = [n for n, kind in graph.nodes(data="kind") if kind == HOLDER]
    others = [n for n, kind in graph.nodes(data="kind") if kind != HOLDER]
    position = {n: (0.0, -i) for i, n in enumerate(holders)}
    scale = max(len(holders) - 1, 1) / max(len(others) - 1, 1)
    position.update({n: (1.0, -i * scale) for i, n in enumerate(others)})

    rows = max(len(holders), len(others))
    figure = Figure(figsize=(9, max(3.0, 0.35 * rows + 1.5)))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    stores = [(u, v) for u, v, kind in graph.edges(data="kind") if kind == "stores"]
    translates = [(u, v) for u, v, kind in graph.edges(data="kind") if kind == "translates"]
    nx.draw_networkx_edges(graph, position, edgelist=stores, ax=axes, edge_color="#888888")
    nx.draw_networkx_edges(
        graph, position, edgelist=translates, ax=axes, style="dashed", edge_color="#1f77b4"
    )
    for group, shape in ((holders, "s"), (others, "o")):
        nx.draw_networkx_nodes(
            graph,
            position,
            nodelist=group,
            node_shape=shape,
            node_color=[COLOURS[state[n]] for n in group],
            edgecolors="#333333",
            ax=axes,
        )
    for names, align, shift in ((holders, "right", -0.06), (others, "left", 0.06)):
        for name in names:
            x, y = position[name]
            axes.text(x + shift, y, name, ha=align, va="center", fontsize=8)
    axes.set_xlim(-0.8, 1.8)
    handles = [
        Patch(facecolor=COLOURS[key], edgecolor="#333333", label=LEGEND[key]) for key in LEGEND
    ]
    axes.legend(handles=handles, loc="upper right", fontsize=7, frameon=False)
    axes.set_axis_off()
    axes.set_title(
        f"{holdings.architecture}: compromise '{compromise}' ({', '.join(nodes)})\n{subtitle}",
        fontsize=10,
    )
    figure.tight_layout()
    return figure


def save_exposure_pictures(
    scenario: Scenario,
    holdings: Mapping[str, Holdings],
    folder: str | Path,
    compromise: str | None = None,
) -> list[Path]:
    """Write ``exposure-<architecture>.png`` for each architecture into ``folder``.

    Args:
        scenario: the scenario (its compromises, and ``privacy.picture_compromise``).
        holdings: each architecture's holdings (``sim.world.exposure.enrolled_holdings``).
        folder: where to write; created if missing.
        compromise: the compromise to colour (default: the scenario's
            ``privacy.picture_compromise``, else the first cross-sector pair).
    """
    chosen = compromise or scenario.privacy.picture_compromise or first_cross_sector_pair(scenario)
    compromises = dict(compromise_list(scenario))
    if chosen not in compromises:
        known = ", ".join(compromises)
        raise ValueError(f"unknown compromise {chosen!r} (the scenario's compromises: {known})")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for architecture, held in holdings.items():
        path = folder / f"exposure-{architecture}.png"
        draw_exposure(held, chosen, compromises[chosen]).savefig(path, dpi=110)
        written.append(path)
    return written
