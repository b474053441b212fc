"""Citizens' trips and hours, the identity checks made, impostors, and who was told.

Counted from the run: which applications were made at a counter or online,
which identity checks ran, which impostors got through, which one-stop notices
failed (the citizen then goes to that agency), and the certificate trips the
architecture's resolution needed. Applications count from the warm-up on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.architectures.resolution import ANSWERED
from sim.citizens.applications import REGISTRY_LOOKUP
from sim.metric_info import MetricInfo

if TYPE_CHECKING:
    from sim.workload import Workload
    from sim.world import WorldResult

CITIZEN_GLOSSARY: tuple[MetricInfo, ...] = (
    MetricInfo(
        "citizen.trips",
        "trips",
        "trips citizens made: to a counter to apply, to each agency a missing one-stop "
        "left them to visit, and to fetch paper certificates",
        "lower",
    ),
    MetricInfo("citizen.hours", "h", "citizens' time spent on those trips", "lower"),
    MetricInfo(
        "citizen.online_share",
        "share",
        "share of citizens' applications made online (NaN without a citizens section)",
        "higher",
    ),
    MetricInfo("identity.impersonations_attempted", "applications", "impostors' applications made"),
    MetricInfo(
        "identity.impersonations_succeeded",
        "applications",
        "impostors who got through the identity check (their answers are misdisclosures)",
        "lower",
    ),
    MetricInfo(
        "identity.registry_lookups",
        "lookups",
        "identity checks made by asking the resident-registry service (method 2)",
    ),
    MetricInfo(
        "uptake.eligible_reached",
        "citizens",
        "eligible citizens a push notice told of a procedure they can use",
        "higher",
    ),
    MetricInfo(
        "uptake.applied_share",
        "share",
        "share of eligible citizens who applied (NaN without procedures with an uptake)",
        "higher",
    ),
)


def citizen_rows(
    result: WorldResult, workload: Workload, measured: np.ndarray
) -> list[tuple[str, float]]:
    """The citizen, identity and uptake metrics of one run.

    ``measured``: the workload rows the linkage metrics count (made, after the
    warm-up, citizens' own and impostors' procedures).
    """
    genuine = measured & ~workload.impostor
    certificate_trips = float(result.log.visits[genuine].sum())
    certificate_hours = float(result.log.citizen_seconds[genuine].sum() / 3600)
    record = result.citizens
    if record is None:
        nan = float("nan")
        return [
            ("citizen.trips", certificate_trips),
            ("citizen.hours", certificate_hours),
            ("citizen.online_share", nan),
            ("identity.impersonations_attempted", 0.0),
            ("identity.impersonations_succeeded", 0.0),
            ("identity.registry_lookups", 0.0),
            ("uptake.eligible_reached", 0.0),
            ("uptake.applied_share", nan),
        ]
    apps, plan = record.applications, record.plan
    window = apps.time >= result.measure_from
    citizens_own = window & ~apps.impostor & plan.applied
    impostors = window & apps.impostor
    counter_trips = int((citizens_own & ~apps.online).sum())
    elsewhere = int(apps.trips_elsewhere[citizens_own & plan.admitted].sum())
    failed_notice = genuine & workload.notice & (result.log.outcome != ANSWERED)
    trips = counter_trips + elsewhere + int(failed_notice.sum())
    eligible = window & apps.eligible
    return [
        ("citizen.trips", trips + certificate_trips),
        ("citizen.hours", trips * record.visit_hours + certificate_hours),
        ("citizen.online_share", _share(apps.online & citizens_own, citizens_own)),
        ("identity.impersonations_attempted", float(impostors.sum())),
        ("identity.impersonations_succeeded", float((impostors & plan.admitted).sum())),
        (
            "identity.registry_lookups",
            float((window & record.lookups_made & (plan.method == REGISTRY_LOOKUP)).sum()),
        ),
        ("uptake.eligible_reached", float((eligible & plan.told).sum())),
        ("uptake.applied_share", _share(eligible & plan.applied, eligible)),
    ]


def _share(part: np.ndarray, whole: np.ndarray) -> float:
    total = int(whole.sum())
    return float(part.sum() / total) if total else float("nan")
