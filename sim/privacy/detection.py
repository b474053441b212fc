"""Who notices a misuse: citizens checking a portal, and audits sampling the logs.

Computed after the SimPy run from what it wrote: the queries without a legal
basis that were answered (the misuse that got through) and the log entries the
architecture made about them (``AuditTrail``). A misuse is detected at the first
of:

- a portal check by the citizen an entry names, after the entry, where the
  portal shows it (each citizen checks at ``portal_check_rate_per_year``, a
  Poisson process drawn per citizen, the same under every architecture);
- an audit of the log holding the entry that examines it: each log is audited
  at ``audit_rate_per_year`` (Poisson), and an audit examines each entry
  written since the previous audit with probability ``audit_sample_share``.

Checks and audits count until ``window`` after the end of the run. A citizen or
auditor who sees an entry is assumed to recognise the misuse.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.architectures.resolution import ANSWERED
from sim.architectures.stores import AuditTrail
from sim.scenario import Scenario
from sim.workload import Workload

YEAR = 365.25 * 86400.0
DAY = 86400.0


def misuse_mask(workload: Workload, outcome: np.ndarray, measure_from: float) -> np.ndarray:
    """Queries after the warm-up without a legal basis that were answered."""
    return (~workload.legal_basis) & (workload.time >= measure_from) & (outcome == ANSWERED)


def detection_times(
    scenario: Scenario,
    workload: Workload,
    misuse: np.ndarray,
    trail: AuditTrail,
    stream: Callable[..., np.random.Generator],
    population_size: int,
) -> np.ndarray:
    """When each query's misuse is first seen (inf: never, within the window)."""
    spec = scenario.privacy.detection
    horizon = scenario.duration + spec.window
    first_seen = np.full(len(workload), np.inf)
    about_misuse = misuse[trail.query] if len(trail.query) else np.zeros(0, dtype=bool)
    seen = np.full(len(trail.query), np.inf)
    visible = about_misuse & trail.visible & (trail.citizen >= 0)
    if visible.any() and spec.portal_check_rate_per_year > 0:
        seen[visible] = _portal_checks(
            trail.citizen[visible],
            trail.time[visible],
            spec.portal_check_rate_per_year * horizon / YEAR,
            horizon,
            stream("detection", "portal-checks"),
            population_size,
        )
    if spec.audit_rate_per_year > 0 and spec.audit_sample_share > 0:
        order = np.argsort(trail.log, kind="stable")
        bounds = np.searchsorted(trail.log[order], np.arange(len(trail.logs) + 1))
        for index, name in enumerate(trail.logs):
            entries = order[bounds[index] : bounds[index + 1]]  # this log's entries
            if len(entries) == 0:
                continue
            audited = _audits(
                trail.time[entries],
                spec.audit_rate_per_year * horizon / YEAR,
                spec.audit_sample_share,
                horizon,
                stream("detection", "audits", name),
            )
            seen[entries] = np.minimum(seen[entries], audited)
    seen[~about_misuse] = np.inf
    np.minimum.at(first_seen, trail.query, seen)
    return first_seen


def _portal_checks(
    citizens: np.ndarray,
    after: np.ndarray,
    expected: float,
    horizon: float,
    rng: np.random.Generator,
    population_size: int,
) -> np.ndarray:
    """The first portal check of each entry's citizen at or after the entry (inf: none)."""
    counts = rng.poisson(expected, population_size)
    check_citizen = np.repeat(np.arange(population_size), counts)
    check_time = rng.uniform(0.0, horizon, int(counts.sum()))
    involved = np.unique(citizens)
    keep = np.isin(check_citizen, involved)
    check_rank = np.searchsorted(involved, check_citizen[keep])
    scale = 2.0 * horizon + 1.0
    check_key = np.sort(check_rank * scale + check_time[keep])
    entry_rank = np.searchsorted(involved, citizens)
    position = np.searchsorted(check_key, entry_rank * scale + after)
    found = position < len(check_key)
    found[found] = (check_key[position[found]] // scale) == entry_rank[found]
    first = np.full(len(citizens), np.inf)
    first[found] = check_key[position[found]] - entry_rank[found] * scale
    return first


def _audits(
    times: np.ndarray, expected: float, share: float, horizon: float, rng: np.random.Generator
) -> np.ndarray:
    """When an audit examines each entry of one log (inf: never)."""
    audits = np.sort(rng.uniform(0.0, horizon, rng.poisson(expected)))
    sampled = rng.random(len(times)) < share
    position = np.searchsorted(audits, times)
    examined = sampled & (position < len(audits))
    seen = np.full(len(times), np.inf)
    seen[examined] = audits[position[examined]]
    return seen


def detection_rows(
    scenario: Scenario,
    workload: Workload,
    outcome: np.ndarray,
    trail: AuditTrail,
    stream: Callable[..., np.random.Generator],
    population_size: int,
    measure_from: float,
) -> list[tuple[str, float]]:
    """``privacy.unauthorized_detected`` and ``privacy.detection_delay_days``."""
    misuse = misuse_mask(workload, outcome, measure_from)
    seen = detection_times(scenario, workload, misuse, trail, stream, population_size)
    detected = misuse & np.isfinite(seen)
    delay = (seen[detected] - workload.time[detected]) / DAY
    return [
        ("privacy.unauthorized_detected", float(detected.sum())),
        ("privacy.detection_delay_days", float(delay.mean()) if len(delay) else float("nan")),
    ]
