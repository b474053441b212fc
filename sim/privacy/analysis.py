"""The privacy metric rows of one replication: compromises per architecture, and detection.

One ``PrivacyAnalysis`` serves every architecture of a replication: the agencies'
copies of the basic four facts, and the attacker's name matching over them, are
the same under every architecture, so they are built once, when first needed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from sim.architectures.stores import AuditTrail, Holdings
from sim.population.citizens import Population
from sim.population.records import RegisterCopies, register_copies_once
from sim.population.registers import Registers
from sim.privacy.compromise import Exposure, QuasiIdentifierJoins, attacker_join, leaked_holders
from sim.privacy.detection import detection_rows
from sim.privacy.holdings import identifier_graph
from sim.scenario import Scenario
from sim.scenario.privacy import compromise_list
from sim.workload import Workload

EXPOSURE_METRICS = ("linkable_profiles", "profile_breadth", "false_joins")


class PrivacyAnalysis:
    """Privacy metrics for each architecture run on one replication's population."""

    def __init__(
        self,
        scenario: Scenario,
        population: Population,
        registers: Registers,
        stream: Callable[..., np.random.Generator],
    ):
        """``stream`` gives the replication's named random streams (``Streams.get``)."""
        self.scenario = scenario
        self.population = population
        self.stream = stream
        spec = scenario.privacy
        source = register_copies_once(scenario, population, registers, stream)
        self.copies: Callable[[], RegisterCopies] | None = None
        """The replication's register copies, built once when first needed, if the
        attacker's name matching joins them (for others to share: ``World``)."""
        if spec.analysis and spec.quasi_identifiers:
            self.copies = source

        def initial_copies() -> list[pd.DataFrame]:
            return source().initial

        self.quasi = (
            QuasiIdentifierJoins(initial_copies, spec.match_threshold)
            if spec.quasi_identifiers
            else None
        )

    def exposures(self, holdings: Holdings) -> dict[str, Exposure]:
        """Each compromise that exists under this architecture, and what it exposes."""
        graph = identifier_graph(holdings)
        found = {}
        for name, nodes in compromise_list(self.scenario):
            leaked = leaked_holders(holdings, nodes)
            if leaked is not None:
                found[name] = attacker_join(holdings, graph, leaked, self.quasi)
        return found

    def exposure_rows(self, holdings: Holdings) -> list[tuple[str, float]]:
        """``privacy.<measure>.worst`` / ``.median``, then one row per compromise and measure."""
        if not self.scenario.privacy.analysis:
            return []
        exposures = self.exposures(holdings)
        rows = []
        for measure in EXPOSURE_METRICS:
            values = np.array([getattr(e, measure) for e in exposures.values()], dtype=float)
            values = values[~np.isnan(values)]
            worst = float(values.max()) if len(values) else float("nan")
            median = float(np.median(values)) if len(values) else float("nan")
            rows += [(f"privacy.{measure}.worst", worst), (f"privacy.{measure}.median", median)]
        for measure in EXPOSURE_METRICS:
            for name, exposure in exposures.items():
                rows.append((f"privacy.{measure}.{name}", float(getattr(exposure, measure))))
        return rows

    def detection_rows(
        self, workload: Workload, outcome: np.ndarray, trail: AuditTrail, measure_from: float
    ) -> list[tuple[str, float]]:
        """Misuse that got through and was noticed, and how long that took."""
        return detection_rows(
            self.scenario,
            workload,
            outcome,
            trail,
            self.stream,
            self.population.size,
            measure_from,
        )
