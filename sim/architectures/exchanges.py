"""Which queries of a workload ask for an exchange that a set of rules allows."""

from __future__ import annotations

import numpy as np

from sim.architectures.base import WorldView

Exchange = tuple[str, str, str]  # (requester agency, provider agency, item)


def allowed_queries(world: WorldView, allowed: set[Exchange]) -> list[bool]:
    """Per query, whether its (requester agency, provider agency, item) is in ``allowed``.

    Computed for the whole workload at once, before the run, so that a query's
    check during the run is a list look-up.
    """
    workload = world.workload
    agencies = sorted({node.agency for node in world.registers.nodes})
    code = {name: i for i, name in enumerate(agencies)}
    item_code = {name: i for i, name in enumerate(workload.item_names)}
    table = np.zeros((len(agencies), len(agencies), len(workload.item_names)), dtype=bool)
    for requester, provider, item in allowed:
        if requester in code and provider in code and item in item_code:
            table[code[requester], code[provider], item_code[item]] = True
    agency_of_node = np.array([code[node.agency] for node in world.registers.nodes], dtype=np.intp)
    requester_agency = agency_of_node[workload.requester]
    provider_agency = agency_of_node[workload.provider]
    return table[requester_agency, provider_agency, workload.item].tolist()
