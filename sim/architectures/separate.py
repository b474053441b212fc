"""Separate: a number per service, so agencies find each other's citizens by name matching.

(Germany, Slovenia.) Agency A asks agency B about a citizen by the basic four
facts as A has them: name, address, sex, birth date, with A's recording errors
and, where A was not told of a move or marriage, stale. B runs the record-linkage
matcher (``sim.linkage``) against its own register, its system busy for the
service time plus a comparison per candidate in the record's blocks: a match above the upper
threshold is accepted, one below the lower threshold rejected, one in between
goes to a clerk (a queue of B's clerks). No match means the citizen is asked to
fetch a paper certificate: a trip, and the procedure waits for it. A wrong
accepted match sends someone else's data: a misdisclosure, counted from the
ground truth.

A request without a legal basis that reaches a clerk is refused when the clerk
asks what it is for (``privacy.insiders.clerk_question_rate``); one matched
automatically reaches no one. An insider whose request finds no match cannot
send the citizen for a certificate: it ends unanswered. Nothing is logged
centrally, so ``audit_trail`` is empty.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from sim.architectures.base import Architecture, WorldView
from sim.architectures.resolution import ANSWERED, NOT_ANSWERED, NOT_FOUND, REFUSED, Resolution
from sim.architectures.stores import AuditTrail, Holdings, agency_tables, holdings_base
from sim.linkage import Matcher
from sim.population.records import agency_copies, as_records, build_register_copies
from sim.scenario.params import SeparateParams
from sim.world.node import DurationSampler, Node


class Separate(Architecture):
    """Each agency keeps its own copies of the basic four facts and matches on them."""

    name = "separate"
    params: SeparateParams

    def enroll(self, world: WorldView) -> None:
        """Take every agency's copies, fit a matcher per providing office, seat the clerks."""
        scenario, population = world.scenario, world.population
        copies = build_register_copies(scenario, population, world.registers, world.rng)
        self._copies = [as_records(frame) for frame in copies.initial]
        self._updates = copies.updates
        self._matchers: dict[int, Matcher] = {}
        self._clerks: dict[int, Node] = {}
        rates = scenario.records.error_rates.model_dump()
        fitted: dict[str, Any] = {}
        for provider in np.unique(world.workload.provider).tolist():
            node = world.registers.nodes[provider]
            register = copies.initial[provider]
            sample_rng = world.rng("separate", "em-sample", node.name)
            m_u = fitted.get(node.agency)
            queries = None
            if m_u is None:
                size = min(self.params.em_sample, len(register))
                sample = sample_rng.choice(register["id"].to_numpy(), size, replace=False)
                queries = agency_copies(population, sample, 0.0, rates, sample_rng)
            matcher = Matcher.fit(
                register,
                m_u=m_u,
                queries=queries,
                blocking=tuple(self.params.blocking),
                upper=self.params.upper_threshold,
                lower=self.params.lower_threshold,
            )
            fitted.setdefault(node.agency, matcher.m_u)
            self._matchers[provider] = matcher
            self._clerks[provider] = world.add_node(
                f"clerks-{node.name}",
                self.params.clerks,
                self.params.review_time,
                group=f"clerks-{node.agency}",
                staff=True,
            )
        self._review_time = DurationSampler(
            self.params.review_time, world.rng("separate", "review-time")
        )
        self._clerk_rng = world.rng("separate", "clerk-decisions")
        self._question_rng = world.rng("separate", "clerk-questions")
        self._question_rate = scenario.privacy.insiders.clerk_question_rate
        world.env.process(self._apply_updates(world.env))

    def _apply_updates(self, env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        """Record new copies as citizens move or marry and agencies learn of it."""
        updates = self._updates
        records = as_records(updates.frame.assign(id=np.arange(len(updates.frame))))
        persons = updates.frame["id"].tolist()
        for row, (at, node) in enumerate(
            zip(updates.times.tolist(), updates.nodes.tolist(), strict=True)
        ):
            if at > env.now:
                yield env.timeout(at - env.now)
            record = records[row]
            self._copies[node][persons[row]] = record
            matcher = self._matchers.get(node)
            if matcher is not None:
                matcher.update(persons[row], record)

    def _clerk_decides(self, citizen: int, candidates: list, weights: np.ndarray) -> int:
        """The person a clerk settles on after review (-1: no match, ask for a certificate)."""
        right = self._clerk_rng.random() < self.params.clerk_accuracy
        ranked = [candidates[i] for i in np.argsort(-weights, kind="stable").tolist()]
        others = [person for person in ranked if person != citizen]
        if citizen in ranked:
            return citizen if right or not others else int(others[0])
        return NOT_ANSWERED if right or not others else int(others[0])

    def resolve(self, world: WorldView, query: int) -> Generator[simpy.Event, Any, Resolution]:
        workload, env = world.workload, world.env
        citizen, requester, provider = workload.parties(query)
        record = self._copies[requester].get(citizen)
        yield world.hop(requester, provider)
        matcher = self._matchers[provider]
        result = matcher.match_one(record) if record is not None else None
        node = world.nodes[provider]
        searched = result.n_candidates if result is not None else 0
        yield from node.serve(
            node.service_time() + searched * self.params.search_time_per_candidate
        )
        person, clerk_seconds = NOT_ANSWERED, 0.0
        if result is not None and result.decision == "accept":
            person = int(result.best_id)
        elif result is not None and result.decision == "review":
            clerk_seconds = self._review_time()
            yield from self._clerks[provider].serve(clerk_seconds)
            if (
                not workload.legal_basis[query]
                and self._question_rng.random() < self._question_rate
            ):
                back = world.travel_time(provider, requester)
                return Resolution(NOT_ANSWERED, REFUSED, clerk_seconds, reply_seconds=back)
            candidates, weights = matcher.score_one(record)
            person = self._clerk_decides(citizen, candidates, weights)
        visits, citizen_seconds = 0, 0.0
        if person == NOT_ANSWERED and workload.insider[query]:
            back = world.travel_time(provider, requester)
            return Resolution(NOT_ANSWERED, NOT_FOUND, clerk_seconds, reply_seconds=back)
        if person == NOT_ANSWERED:
            yield env.timeout(self.params.visit_delay)
            person, visits, citizen_seconds = citizen, 1, self.params.visit_hours * 3600
        back = world.travel_time(provider, requester)
        return Resolution(
            person, ANSWERED, clerk_seconds, visits, citizen_seconds, reply_seconds=back
        )

    def holdings(self, world: WorldView) -> Holdings:
        """Each agency system stores only its own local number (and the basic four facts)."""
        tables = agency_tables(world, lambda node, persons: {f"local-number:{node.name}": persons})
        return holdings_base(world, self.name, tables)

    def audit_trail(self, world: WorldView) -> AuditTrail:
        return AuditTrail.empty()
