"""Separate: a number per service, so agencies find each other's citizens by name matching.

(Germany, Slovenia.) Agency A asks agency B about a citizen by the basic four
facts as A has them: name, address, sex, birth date, with A's recording errors
and, where A was not told of a move or marriage, stale. B runs the record-linkage
matcher (``sim.linkage``) against its own register as it stands when the request
is sent (all queries are matched before the run, in array operations, each
against its register's copies of that moment), its system busy for the
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
import pandas as pd
import simpy

from sim.architectures.base import Architecture, WorldView
from sim.architectures.resolution import ANSWERED, NOT_ANSWERED, NOT_FOUND, REFUSED, Resolution
from sim.architectures.stores import AuditTrail, Holdings, agency_tables, holdings_base
from sim.linkage.batch import fit_m_u
from sim.linkage.compare import field_specs
from sim.linkage.decision import DEFAULT_AMBIGUITY_MARGIN
from sim.linkage.fellegi_sunter import MUParameters
from sim.linkage.versioned import ACCEPT, REJECT, REVIEW, VersionedRegisters, match_versioned
from sim.population.records import agency_copies
from sim.scenario.params import SeparateParams
from sim.world.node import Node, duration_sampler


class Separate(Architecture):
    """Each agency keeps its own copies of the basic four facts and matches on them."""

    name = "separate"
    params: SeparateParams
    links_across_agencies = False

    def enroll(self, world: WorldView) -> None:
        """Take every agency's copies, fit the matching per agency, seat the clerks, and match.

        Every query's matching is done here, for all queries at once
        (:func:`match_versioned`): the record the requester sends is its copy of
        the citizen when the query is issued, matched against the provider's
        register as it stands then (moves and marriages recorded so far).
        """
        scenario, workload = world.scenario, world.workload
        copies = world.register_copies()
        updates = copies.updates
        versions = VersionedRegisters.from_history(
            copies.initial, updates.frame, updates.times, updates.nodes
        )
        self._clerks: dict[int, Node] = {}
        nodes = world.registers.nodes
        providers = np.unique(workload.provider).tolist()
        # m and u per agency, fitted on its largest providing office (the most pairs to learn from)
        held = np.bincount(versions.register[versions.valid_from == -np.inf], minlength=len(nodes))
        largest: dict[str, int] = {}
        for provider in providers:
            agency = nodes[provider].agency
            if agency not in largest or held[provider] > held[largest[agency]]:
                largest[agency] = provider
        fitted = {agency: index for index, agency in enumerate(largest)}
        params = self._fit(world, versions, list(largest.values()))
        params_of_node = np.zeros(len(nodes), dtype=np.int64)
        for provider in providers:
            node = nodes[provider]
            params_of_node[provider] = fitted[node.agency]
            self._clerks[provider] = world.add_node(
                f"clerks-{node.name}",
                self.params.clerks,
                self.params.review_time,
                group=f"clerks-{node.agency}",
                staff=True,
            )
        sent = versions.find(workload.requester, workload.citizen, workload.time)
        with_record = np.flatnonzero(sent >= 0)  # a requester without a copy sends nothing
        matches = match_versioned(
            versions,
            sent[with_record],
            workload.provider[with_record],
            workload.time[with_record],
            params,
            params_of_node,
            blocking=tuple(self.params.blocking),
            upper=self.params.upper_threshold,
            lower=self.params.lower_threshold,
            ambiguity_margin=DEFAULT_AMBIGUITY_MARGIN,
        )
        self._matches = matches
        self._match_of = np.full(len(workload), -1, dtype=np.int64)
        self._match_of[with_record] = np.arange(len(with_record))
        decision = np.full(len(workload), REJECT, dtype=np.int8)
        decision[with_record] = matches.decision
        best = np.full(len(workload), NOT_ANSWERED, dtype=np.int64)
        best[with_record] = matches.best
        searched = np.zeros(len(workload), dtype=np.int64)
        searched[with_record] = matches.candidates
        self._decision, self._best = decision.tolist(), best.tolist()
        self._searched = searched.tolist()
        self._review_time = duration_sampler(
            self.params.review_time, world.rng("separate", "review-time")
        )
        self._clerk_rng = world.rng("separate", "clerk-decisions")
        self._question_rng = world.rng("separate", "clerk-questions")
        self._question_rate = scenario.privacy.insiders.clerk_question_rate

    def _fit(
        self, world: WorldView, versions: VersionedRegisters, offices: list[int]
    ) -> list[MUParameters]:
        """m and u for each office's agency: EM on its register against a sample of fresh
        copies of its citizens, encoded in one pass with the registers (they share most
        values, each normalised once)."""
        samples = versions.encode_with([self._em_sample(world, versions, k) for k in offices])
        table, vocabulary = versions.encoded
        return [
            fit_m_u(
                table.take(versions.initial_rows(office)),
                vocabulary,
                field_specs(with_reading=versions.reading),
                queries=sample,
                blocking=tuple(self.params.blocking),
                reading=versions.reading,
            )
            for office, sample in zip(offices, samples, strict=True)
        ]

    def _em_sample(
        self, world: WorldView, versions: VersionedRegisters, provider: int
    ) -> pd.DataFrame:
        """Fresh copies of a sample of an office's citizens, to fit its agency's m and u
        by EM against its register."""
        rates = world.scenario.records.error_rates.model_dump()
        sample_rng = world.rng("separate", "em-sample", world.registers.nodes[provider].name)
        rows = versions.initial_rows(provider)
        size = min(self.params.em_sample, len(rows))
        sample = sample_rng.choice(versions.person[rows], size, replace=False)
        return agency_copies(world.population, sample, 0.0, rates, sample_rng)

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
        yield world.hop(requester, provider)
        node = world.nodes[provider]
        searched = self._searched[query]
        matched = node.book(node.service_time() + searched * self.params.search_time_per_candidate)
        decision = self._decision[query]
        if decision == ACCEPT:
            back = world.travel_time(provider, requester, leaving=matched)
            return Resolution(self._best[query], reply_seconds=back)
        if decision == REJECT and workload.insider[query]:  # no citizen to send for a certificate
            back = world.travel_time(provider, requester, leaving=matched)
            return Resolution(NOT_ANSWERED, NOT_FOUND, reply_seconds=back)
        yield env.timeout(matched - env.now)  # then a clerk reviews, or the citizen fetches paper
        person, clerk_seconds = NOT_ANSWERED, 0.0
        if decision == REVIEW:
            clerk_seconds = self._review_time()
            yield self._clerks[provider].visit(clerk_seconds)
            if (
                not workload.legal_basis[query]
                and self._question_rng.random() < self._question_rate
            ):
                back = world.travel_time(provider, requester)
                return Resolution(NOT_ANSWERED, REFUSED, clerk_seconds, reply_seconds=back)
            candidates, weights = self._matches.pairs_of(int(self._match_of[query]))
            person = self._clerk_decides(citizen, candidates.tolist(), weights)
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
