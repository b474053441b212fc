"""Citizens' applications: how each reaches its agency and how identity is confirmed.

An application is one procedure instance a citizen applies for (or an impostor
in a citizen's name): the workload's queries that share an ``instance``, of a
procedure with ``citizen_applies``. What
is drawn here is the same for every architecture (common random numbers): who
holds a card, who would apply online, the draws that decide take-up and an
impostor's luck. :func:`plan` then applies one architecture's rules to them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.population.citizens import Population
from sim.rng import Streams
from sim.scenario import Scenario
from sim.workload import Workload

CARD, REGISTRY_LOOKUP, NUMBER_ONLY, ONLINE = 0, 1, 2, 3
METHOD_NAMES = ("card", "registry_lookup", "number_only", "online")


@dataclass
class Applications:
    """One row per application, in the workload's order; queries ``first[i]:stop[i]``."""

    first: np.ndarray  # the workload row of the application's first query
    stop: np.ndarray  # one past its last query's row
    time: np.ndarray
    procedure: np.ndarray  # index into the scenario's procedures
    citizen: np.ndarray
    requester: np.ndarray  # the node applied at
    impostor: np.ndarray  # an impostor applying in the citizen's name
    holder: np.ndarray  # the applicant has the citizen's card (an impostor: a stolen one)
    online: np.ndarray  # applied online (a card holder, a procedure that allows it)
    trips_elsewhere: np.ndarray  # agencies the citizen must visit without one-stop
    eligible: np.ndarray  # a procedure with an uptake: the citizen may or may not apply
    base_share: np.ndarray  # share of eligible citizens who apply untold (1: no uptake)
    told_share: np.ndarray  # share who apply when told
    told_draw: np.ndarray  # compared with the portal's reach
    apply_draw: np.ndarray  # compared with the share who apply
    luck_draw: np.ndarray  # an impostor's: compared with the odds of getting through

    def __len__(self) -> int:
        return len(self.first)


def build_applications(
    scenario: Scenario, population: Population, workload: Workload, streams: Streams
) -> Applications:
    """Group the workload's citizens' queries into applications and draw their chances."""
    spec = scenario.citizens
    assert spec is not None, "build_applications needs a scenario with a citizens section"
    applying = np.array([p.citizen_applies for p in scenario.procedures], dtype=bool)
    own = np.zeros(len(workload), dtype=bool)
    own[~workload.insider] = applying[workload.procedure[~workload.insider]]
    rows = np.flatnonzero(own)
    instance = workload.instance[rows]
    starts = np.flatnonzero(np.r_[True, instance[1:] != instance[:-1]]) if len(rows) else rows
    first = rows[starts]
    stop = np.r_[rows[starts[1:] - 1] + 1, rows[-1] + 1] if len(rows) else rows
    size = len(first)
    procedures = [scenario.procedures[p] for p in workload.procedure[first].tolist()]
    citizen = workload.citizen[first]
    impostor = workload.impostor[first]

    rng = streams.get("citizens", "cards")
    card_draw = rng.random(population.size)  # per citizen: raising ownership only adds holders
    rng = streams.get("citizens", "applications")
    channel_draw, told_draw, apply_draw, luck_draw, stolen_draw = rng.random((5, size))
    holder = np.where(
        impostor,
        stolen_draw < spec.impersonation.stolen_card_share,
        card_draw[citizen] < spec.card_ownership,
    )
    can_go_online = np.array([p.online for p in procedures], dtype=bool)
    online = holder & can_go_online & (channel_draw < spec.online_share)
    elsewhere = np.array([0 if spec.one_stop else len(p.one_stop) for p in procedures])
    eligible = np.array([p.uptake is not None for p in procedures], dtype=bool) & ~impostor
    base_share = np.array([p.uptake.base if p.uptake else 1.0 for p in procedures])
    told_share = np.array([p.uptake.told if p.uptake else 1.0 for p in procedures])
    return Applications(
        first=first,
        stop=stop,
        time=workload.time[first],
        procedure=workload.procedure[first],
        citizen=citizen,
        requester=workload.requester[first],
        impostor=impostor,
        holder=holder,
        online=online,
        trips_elsewhere=np.where(impostor, 0, elsewhere).astype(np.int64),
        eligible=eligible,
        base_share=base_share,
        told_share=told_share,
        told_draw=told_draw,
        apply_draw=apply_draw,
        luck_draw=luck_draw,
    )


@dataclass
class Plan:
    """What becomes of each application under one architecture."""

    method: np.ndarray  # how identity is confirmed: CARD, REGISTRY_LOOKUP, NUMBER_ONLY, ONLINE
    told: np.ndarray  # an eligible citizen told by a push notice
    applied: np.ndarray  # the application is made (eligible citizens may not apply)
    admitted: np.ndarray  # it goes ahead: a citizen's, or an impostor's that got through


def plan(
    applications: Applications,
    scenario: Scenario,
    number_as_proof: bool,
    links_across_agencies: bool,
) -> Plan:
    """Apply one architecture's rules to the applications.

    ``number_as_proof``: a counter takes the bare number from someone without a
    card. ``links_across_agencies``: the portal can tell a citizen about another
    agency's procedure (it can link their records across agencies).
    """
    spec = scenario.citizens
    assert spec is not None
    method = np.full(len(applications), REGISTRY_LOOKUP, dtype=np.int8)
    if number_as_proof:
        method[:] = NUMBER_ONLY
    method[applications.holder] = CARD
    method[applications.online] = ONLINE
    odds = spec.impersonation.success
    chance = np.array([odds.card, odds.registry_lookup, odds.number_only, odds.online])[method]
    reachable = applications.eligible & applications.holder & links_across_agencies
    told = reachable & (applications.told_draw < spec.push_notices.reach)
    shares = np.where(told, applications.told_share, applications.base_share)
    applied = applications.apply_draw < shares
    applied |= ~applications.eligible
    admitted = np.where(applications.impostor, applications.luck_draw < chance, applied)
    return Plan(method, told, applied, admitted)
