"""The metric glossary and the computation of metrics from what happened in a run.

Every value here is counted or measured from the run's per-query log and its
nodes' statistics; nothing is copied from a scenario parameter.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from sim.architectures.resolution import ANSWERED, REFUSED, UNAVAILABLE
from sim.citizens.metrics import CITIZEN_GLOSSARY, citizen_rows
from sim.metric_info import MetricInfo

if TYPE_CHECKING:
    from sim.workload import Workload
    from sim.world import WorldResult


GLOSSARY: tuple[MetricInfo, ...] = (
    MetricInfo(
        "linkage.queries",
        "queries",
        "procedures' queries issued after the warm-up (linkage, procedure and citizen "
        "metrics leave insiders' misuse out; it is under privacy)",
    ),
    MetricInfo("linkage.auto_rate", "share", "share answered without a clerk or a visit", "higher"),
    MetricInfo("linkage.correct_rate", "share", "share answered about the right person", "higher"),
    MetricInfo(
        "linkage.misdisclosure_rate",
        "share",
        "share answered about the wrong person (someone else's data disclosed)",
        "lower",
    ),
    MetricInfo(
        "linkage.failed_rate", "share", "share with no answer (no match, refused, down)", "lower"
    ),
    MetricInfo(
        "linkage.refused_rate",
        "share",
        "share refused as not allowed (exchange table, sector pair or access control)",
    ),
    MetricInfo(
        "linkage.precision",
        "share",
        "of the queries answered, share about the right person",
        "higher",
    ),
    MetricInfo(
        "linkage.recall",
        "share",
        "of all queries, share answered about the right person",
        "higher",
    ),
    MetricInfo("linkage.review_rate", "share", "share that needed a clerk's review", "lower"),
    MetricInfo("linkage.clerk_hours", "h", "staff time spent on manual review", "lower"),
    MetricInfo("linkage.latency_p50", "s", "median time from query to answer", "lower"),
    MetricInfo("linkage.latency_p95", "s", "95th percentile time from query to answer", "lower"),
    MetricInfo("linkage.latency_p99", "s", "99th percentile time from query to answer", "lower"),
    MetricInfo(
        "linkage.cross_sector_share",
        "share",
        "share of queries whose provider is in another sector than the requester",
    ),
    MetricInfo(
        "linkage.within_sector_latency_p50",
        "s",
        "median time from query to answer, over answered queries within one sector",
        "lower",
    ),
    MetricInfo(
        "linkage.cross_sector_latency_p50",
        "s",
        "median time from query to answer, over answered queries across sectors",
        "lower",
    ),
    MetricInfo("procedure.count", "procedures", "procedures started after the warm-up"),
    MetricInfo(
        "procedure.latency_p50",
        "s",
        "median time until a procedure has all its answers",
        "lower",
    ),
    MetricInfo(
        "procedure.latency_p95",
        "s",
        "95th percentile time until a procedure has all its answers",
        "lower",
    ),
    MetricInfo(
        "citizen.visits", "visits", "trips citizens made to fetch paper certificates", "lower"
    ),
    *CITIZEN_GLOSSARY,
    MetricInfo("privacy.unauthorized_attempts", "queries", "queries made without a legal basis"),
    MetricInfo(
        "privacy.unauthorized_blocked",
        "queries",
        "queries without a legal basis that were refused",
        "higher",
    ),
    MetricInfo(
        "privacy.unauthorized_answered",
        "queries",
        "queries without a legal basis that were answered (misuse that got through)",
        "lower",
    ),
    MetricInfo(
        "privacy.unauthorized_detected",
        "queries",
        "answered queries without a legal basis seen by a citizen on a portal or by an audit "
        "of a log, by the end of the detection window",
        "higher",
    ),
    MetricInfo(
        "privacy.detection_delay_days",
        "days",
        "mean time from a detected misuse to the first portal check or audit that saw it",
        "lower",
    ),
    MetricInfo(
        "privacy.linkable_profiles.worst",
        "citizens",
        "most linkable profiles over the compromises analysed",
        "lower",
        scaled=True,
    ),
    MetricInfo(
        "privacy.linkable_profiles.median",
        "citizens",
        "median linkable profiles over the compromises analysed",
        "lower",
        scaled=True,
    ),
    MetricInfo(
        "privacy.profile_breadth.worst",
        "agencies",
        "widest mean profile breadth over the compromises analysed",
        "lower",
    ),
    MetricInfo(
        "privacy.profile_breadth.median",
        "agencies",
        "median profile breadth over the compromises analysed",
        "lower",
    ),
    MetricInfo(
        "privacy.false_joins.worst",
        "pairs",
        "most false joins over the compromises analysed",
        scaled=True,
    ),
    MetricInfo(
        "privacy.false_joins.median",
        "pairs",
        "median false joins over the compromises analysed",
        scaled=True,
    ),
    MetricInfo(
        "privacy.linkable_profiles.<compromise>",
        "citizens",
        "citizens whose records at two or more agency systems an attacker holding the "
        "compromise's data joins correctly (by shared or translated identifiers, the hub's "
        "mapping, or name matching)",
        "lower",
        scaled=True,
    ),
    MetricInfo(
        "privacy.profile_breadth.<compromise>",
        "agencies",
        "mean number of agency systems joined per linkable profile",
        "lower",
    ),
    MetricInfo(
        "privacy.false_joins.<compromise>",
        "pairs",
        "pairs of records at different agency systems the attacker joined that belong to "
        "different people",
        scaled=True,
    ),
    MetricInfo(
        "resilience.failed_queries",
        "queries",
        "queries that failed because a system, site or network they needed was down too long",
        "lower",
    ),
    MetricInfo(
        "resilience.delayed_queries",
        "queries",
        "queries that waited for a system, site or network that was down, and did not fail for it",
        "lower",
    ),
    MetricInfo(
        "resilience.failed_procedures",
        "procedures",
        "procedures with a query that failed because something it needed was down",
        "lower",
    ),
    MetricInfo(
        "resilience.records_lost",
        "records",
        "register entries destroyed with their site in a disaster: all it held, or with a "
        "backup site those changed within the replication lag",
        "lower",
        scaled=True,
    ),
    MetricInfo(
        "resilience.restore_hours",
        "h",
        "mean time from a disaster until a system on the destroyed site served again "
        "(only with disasters)",
        "lower",
    ),
    MetricInfo(
        "cost.server_hours",
        "server-h",
        "servers provisioned on every site (a pool, or each system's own) times the hours measured",
        "lower",
    ),
    MetricInfo(
        "cost.used_server_hours", "server-h", "busy server time on every site in those hours"
    ),
    MetricInfo(
        "cost.per_1000_procedures",
        "money",
        "the provisioned server-hours at each site's cost per server-hour, per 1,000 "
        "procedures completed with every query answered",
        "lower",
    ),
    MetricInfo(
        "load.utilization.<node>",
        "share",
        "busy fraction of the servers a node runs on (all offices of a municipal agency "
        "together; on a pooled site, its share of the site's servers), or of a hosting "
        "site's servers",
    ),
    MetricInfo("load.queue_max.<node>", "requests", "longest queue seen at the node", "lower"),
    MetricInfo("load.wait_p95.<node>", "s", "95th percentile wait for a server", "lower"),
)

_BY_NAME = {info.name: info for info in GLOSSARY}


def describe(metric: str) -> MetricInfo:
    """The glossary entry of a metric, also for per-node names like ``load.utilization.tax``
    and per-compromise names like ``privacy.false_joins.tax+pension``."""
    if metric in _BY_NAME:
        return _BY_NAME[metric]
    family, _, _node = metric.rpartition(".")
    for placeholder in ("<node>", "<compromise>"):
        if f"{family}.{placeholder}" in _BY_NAME:
            return _BY_NAME[f"{family}.{placeholder}"]
    raise KeyError(f"{metric!r} is not in the metric glossary")


def scale_counts(rows: list[tuple[str, float]], factor: float) -> list[tuple[str, float]]:
    """``rows`` with every count of persons or records (``scaled`` in the glossary)
    multiplied by ``factor``, the citizens each simulated citizen stands for."""
    if factor == 1:
        return rows
    return [
        (metric, value * factor if describe(metric).scaled else value) for metric, value in rows
    ]


def _share(mask: np.ndarray, total: int) -> float:
    return float(mask.sum() / total) if total else float("nan")


def _percentile(values: np.ndarray, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def compute_metrics(result: WorldResult, workload: Workload) -> list[tuple[str, float]]:
    """Every glossary metric for one run, as ``(metric, value)`` pairs in glossary order."""
    log = result.log
    after_warmup = workload.time >= result.measure_from
    made = result.made if result.made is not None else np.ones(len(workload), dtype=bool)
    measured = after_warmup & ~workload.insider & made
    unlawful = after_warmup & ~workload.legal_basis
    count = int(measured.sum())
    citizen = workload.citizen[measured]
    person = log.person[measured]
    outcome = log.outcome[measured]
    clerk = log.clerk_seconds[measured]
    visits = log.visits[measured]
    latency = (log.answered_at - workload.time)[measured]
    answered = outcome == ANSWERED
    impostor = workload.impostor[measured]
    correct = answered & (person == citizen) & ~impostor
    wrong_party = (person != citizen) | impostor  # someone else's data, or an impostor served
    sectors = result.node_sectors
    cross = sectors[workload.requester[measured]] != sectors[workload.provider[measured]]

    instance = workload.instance[measured]
    finished = log.answered_at[measured]
    unavailable = outcome == UNAVAILABLE
    procedure_latency = np.zeros(0)
    completed = failed_procedures = 0
    if count:
        order = np.argsort(instance, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(instance[order]) != 0])
        done = np.maximum.reduceat(finished[order], starts)
        procedure_latency = done - workload.time[measured][order][starts]
        completed = int(np.minimum.reduceat(answered[order], starts).sum())
        failed_procedures = int(np.maximum.reduceat(unavailable[order], starts).sum())

    rows = [
        ("linkage.queries", float(count)),
        ("linkage.auto_rate", _share(answered & (clerk == 0) & (visits == 0), count)),
        ("linkage.correct_rate", _share(correct, count)),
        ("linkage.misdisclosure_rate", _share(answered & wrong_party, count)),
        ("linkage.failed_rate", _share(~answered, count)),
        ("linkage.refused_rate", _share(outcome == REFUSED, count)),
        ("linkage.precision", _share(correct, int(answered.sum()))),
        ("linkage.recall", _share(correct, count)),
        ("linkage.review_rate", _share(clerk > 0, count)),
        ("linkage.clerk_hours", float(clerk.sum() / 3600)),
        ("linkage.latency_p50", _percentile(latency, 50)),
        ("linkage.latency_p95", _percentile(latency, 95)),
        ("linkage.latency_p99", _percentile(latency, 99)),
        ("linkage.cross_sector_share", _share(cross, count)),
        ("linkage.within_sector_latency_p50", _percentile(latency[answered & ~cross], 50)),
        ("linkage.cross_sector_latency_p50", _percentile(latency[answered & cross], 50)),
        ("procedure.count", float(len(procedure_latency))),
        ("procedure.latency_p50", _percentile(procedure_latency, 50)),
        ("procedure.latency_p95", _percentile(procedure_latency, 95)),
        ("citizen.visits", float(visits.sum())),
        *citizen_rows(result, workload, measured),
        ("privacy.unauthorized_attempts", float(unlawful.sum())),
        ("privacy.unauthorized_blocked", float((unlawful & (log.outcome == REFUSED)).sum())),
        ("privacy.unauthorized_answered", float((unlawful & (log.outcome == ANSWERED)).sum())),
        ("resilience.failed_queries", float(unavailable.sum())),
        ("resilience.delayed_queries", float((log.waited[measured] & ~unavailable).sum())),
        ("resilience.failed_procedures", float(failed_procedures)),
        ("resilience.records_lost", float(result.records_lost)),
    ]
    if result.restored_after:
        restored = np.asarray(result.restored_after) / 3600
        mean = float(np.nanmean(restored)) if not np.isnan(restored).all() else float("nan")
        rows.append(("resilience.restore_hours", mean))
    rows.extend(_cost_metrics(result, completed))
    rows.extend(_load_metrics(result))
    return rows


def _cost_metrics(result: WorldResult, completed: int) -> list[tuple[str, float]]:
    hours = (result.measure_until - result.measure_from) / 3600
    server_hours = sum(site.servers for site in result.sites) * hours
    cost = sum(site.servers * site.cost_per_server_hour for site in result.sites) * hours
    return [
        ("cost.server_hours", float(server_hours)),
        ("cost.used_server_hours", sum(site.busy_seconds for site in result.sites) / 3600),
        ("cost.per_1000_procedures", cost / (completed / 1000) if completed else float("nan")),
    ]


def _load_metrics(result: WorldResult) -> list[tuple[str, float]]:
    window = result.measure_until - result.measure_from
    groups: dict[str, list] = defaultdict(list)
    for node in result.nodes:
        groups[node.group].append(node)
    rows: list[tuple[str, float]] = []
    for metric in ("utilization", "queue_max", "wait_p95"):
        for group, nodes in groups.items():
            if metric == "utilization":
                pools = {id(node.resource): node.resource.capacity for node in nodes}
                capacity = sum(pools.values()) * window
                value = sum(node.busy_seconds for node in nodes) / capacity
            elif metric == "queue_max":
                value = float(max(node.queue_max for node in nodes))
            else:
                waits = np.concatenate([np.asarray(node.waits) for node in nodes])
                value = _percentile(waits, 95)
            rows.append((f"load.{metric}.{group}", float(value)))
        if metric == "utilization":
            for site in result.sites:
                if site.declared:
                    value = site.busy_seconds / (site.servers * window)
                    rows.append((f"load.utilization.{site.name}", float(value)))
    return rows
