"""The citizen's side of a run: each application's trip or login, identity check, then queries.

With a ``citizens`` section the world replays the workload application by
application. A citizen who applies at the counter makes a trip, and the clerk
confirms who they are: by their card (method 1, ``citizens.card_check``), or,
without one, by asking the resident-registry service (method 2: a system with
its own servers and queue, reached over the network), or, where the
architecture takes the bare number as proof, not at all. Online, the card's
certificate authenticates the applicant at once. Only then are the
application's queries made; an impostor who does not get through makes none.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.architectures.resolution import NodeUnavailable
from sim.citizens.applications import (
    CARD,
    REGISTRY_LOOKUP,
    Applications,
    Plan,
    build_applications,
    plan,
)

if TYPE_CHECKING:
    from sim.world.world import World

REGISTRY_LOOKUP_NODE = "registry-lookup"


@dataclass
class CitizenRecord:
    """What the citizen's side produced in one run, for the metrics."""

    applications: Applications
    plan: Plan
    lookups_made: np.ndarray  # per application: the registry was asked (the check ran)
    visit_hours: float  # a citizen's hours for one trip to a counter


class CitizenSide:
    """Replays a workload application by application for one world."""

    def __init__(self, world: World):
        scenario = world.scenario
        spec = scenario.citizens
        assert spec is not None
        architecture = world.architecture
        self.world = world
        self.applications = build_applications(
            scenario, world.population, world.workload, world.streams
        )
        self.plan = plan(
            self.applications,
            scenario,
            number_as_proof=architecture.accepts_number_as_proof(scenario),
            links_across_agencies=architecture.links_across_agencies,
        )
        self.lookup = world.add_node(
            REGISTRY_LOOKUP_NODE, spec.registry_lookup.servers, spec.registry_lookup.service_time
        )
        self._card_check = spec.card_check
        self._lookups_made = np.zeros(len(self.applications), dtype=bool)

    def queries_made(self) -> np.ndarray:
        """Per workload row: whether the query is made (its application went ahead)."""
        apps, dropped = self.applications, ~self.plan.admitted
        edges = np.zeros(len(self.world.workload) + 1, dtype=np.int64)
        np.add.at(edges, apps.first[dropped], 1)
        np.add.at(edges, apps.stop[dropped], -1)
        return np.cumsum(edges)[:-1] == 0

    def record(self) -> CitizenRecord:
        visit_hours = self.world.scenario.citizens.visit_hours
        return CitizenRecord(self.applications, self.plan, self._lookups_made, visit_hours)

    def replay(self) -> Generator[simpy.Event, object, None]:
        """The replay's steps (run as a Task): each application at its time; other
        queries (agencies' own procedures, insiders') as they come."""
        world, env = self.world, self.world.env
        apps = self.applications
        application_of = np.full(len(world.workload), -1, dtype=np.int64)
        in_application = np.zeros(len(world.workload) + 1, dtype=np.int64)
        np.add.at(in_application, apps.first, 1)
        np.add.at(in_application, apps.stop, -1)
        later = (np.cumsum(in_application)[:-1] > 0).tolist()  # in an application ...
        application_of[apps.first] = np.arange(len(apps))  # ... and which one starts here
        applied = self.plan.applied.tolist()
        for row, (at, application) in enumerate(
            zip(world.workload.time.tolist(), application_of.tolist(), strict=True)
        ):
            if application < 0 and later[row]:
                continue  # a later query of an application already started
            if at > env.now:
                yield env.timeout(at - env.now)
            if application < 0:
                world.start_query(row)
            elif applied[application]:
                world.start_steps(self._apply(application))

    def _apply(self, application: int) -> Generator[simpy.Event, object, None]:
        world, env = self.world, self.world.env
        apps = self.applications
        method = int(self.plan.method[application])
        try:
            if method == CARD:
                yield env.timeout(self._card_check)
            elif method == REGISTRY_LOOKUP:
                requester = int(apps.requester[application])
                self._lookups_made[application] = True
                yield world.hop(requester, self.lookup)
                yield world.travel(self.lookup, requester, leaving=self.lookup.book())
        except NodeUnavailable:
            return  # no one to confirm the identity: the application's queries fail
        if self.plan.admitted[application]:
            for row in range(int(apps.first[application]), int(apps.stop[application])):
                world.start_query(row)
