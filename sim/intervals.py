"""Confidence intervals over replications: per architecture, and paired between architectures.

Every interval is a Student-t interval over independent replications. Because
every architecture of a replication runs on the same population and workload
(common random numbers), the difference between two architectures is taken
replication by replication first (a paired difference), which removes the
variation they share and gives a much narrower interval than comparing the two
means.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from sim.metrics import GLOSSARY

LEVEL = 0.95
"""The confidence level of every interval idsim reports."""

SUMMARY_COLUMNS = ["scenario", "architecture", "metric", "unit", "mean", "ci_low", "ci_high", "n"]
DIFFERENCE_COLUMNS = [
    "scenario",
    "architecture",
    "reference",
    "metric",
    "unit",
    "mean",
    "ci_low",
    "ci_high",
    "n",
]


def t_interval(values: Iterable[float], level: float = LEVEL) -> tuple[float, float, float, int]:
    """Mean, interval low, interval high and count of the finite ``values``.

    The interval is ``mean ± t(level, n-1) · s / √n``; with fewer than two
    values it is ``(nan, nan)``.
    """
    array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, float)
    array = array[np.isfinite(array)]
    n = len(array)
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    mean = float(array.mean())
    if n < 2:
        return mean, float("nan"), float("nan"), n
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * array.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half, n


def glossary_rank(metric: str) -> int:
    """Position of a metric (or its ``<node>`` family) in the glossary, for stable ordering."""
    order = _ORDER
    if metric in order:
        return order[metric]
    return order.get(metric.rpartition(".")[0] + ".<node>", len(order))


_ORDER = {info.name: i for i, info in enumerate(GLOSSARY)}


def _in_glossary_order(frame: pd.DataFrame) -> pd.DataFrame:
    rank = frame["metric"].map(glossary_rank)
    return (
        frame.assign(_rank=rank)
        .sort_values(["_rank", "metric"], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def clip(low: float, high: float, unit: str) -> tuple[float, float]:
    """An interval cut to the values a metric can take: shares 0..1, anything else >= 0.

    Every glossary metric is a count, a share, a time or an amount, never
    negative; the true mean lies in that range, so cutting the interval to it
    keeps the coverage and avoids reading "-3 % to 12 %".
    """
    if math.isnan(low):
        return low, high
    top = 1.0 if unit == "share" else math.inf
    return min(max(low, 0.0), top), min(max(high, 0.0), top)


def summarize(metrics: pd.DataFrame) -> pd.DataFrame:
    """Mean and Student-t 95 % interval of each metric and architecture over replications.

    Intervals are cut to the metric's possible range (see ``clip``).
    """
    rows = []
    keys = ["scenario", "architecture", "metric", "unit"]
    for key, group in metrics.groupby(keys, sort=False):
        mean, low, high, n = t_interval(group["value"].to_numpy(dtype=float))
        rows.append((*key, mean, *clip(low, high, key[3]), n))
    return _in_glossary_order(pd.DataFrame(rows, columns=SUMMARY_COLUMNS))


def paired_differences(metrics: pd.DataFrame, reference: str | None = None) -> pd.DataFrame:
    """Each architecture minus the reference, per replication, then mean and 95 % interval.

    Args:
        metrics: tidy rows (``scenario, architecture, replication, metric, value, unit``).
        reference: the architecture subtracted (default: the first one in ``metrics``).

    A replication counts only where both values are finite.
    """
    if metrics.empty:
        return pd.DataFrame(columns=DIFFERENCE_COLUMNS)
    architectures = list(dict.fromkeys(metrics["architecture"]))
    reference = reference or architectures[0]
    units = dict(zip(metrics["metric"], metrics["unit"], strict=True))
    wide = metrics.set_index(["scenario", "metric", "replication", "architecture"])[
        "value"
    ].unstack("architecture")
    rows = []
    for other in architectures:
        if other == reference or other not in wide or reference not in wide:
            continue
        delta = (wide[other] - wide[reference]).rename("delta").reset_index()
        for (scenario, metric), group in delta.groupby(["scenario", "metric"], sort=False):
            interval = t_interval(group["delta"].to_numpy(dtype=float))
            rows.append((scenario, other, reference, metric, units[metric], *interval))
    return _in_glossary_order(pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS))


def replications_needed(summary: pd.DataFrame, metrics: Iterable[str], precision: float) -> int:
    """Replications the chosen metrics need for a relative precision, judged from their spread.

    ``precision`` is relative: 0.05 asks for a 95 % half-width of at most 5 % of
    the mean's magnitude. For each chosen metric and architecture the need is
    ``n · (half-width / (precision · |mean|))²``; the largest is returned (0 when
    every chosen metric is already precise enough or has no spread). A metric
    with fewer than two finite values asks for 2.
    """
    needed = 0
    for row in summary[summary["metric"].isin(list(metrics))].itertuples():
        n = int(row.n)
        if n < 2:
            needed = max(needed, 2)
            continue
        half = (row.ci_high - row.ci_low) / 2
        if half == 0:
            continue
        target = precision * abs(row.mean)
        if half <= target:
            needed = max(needed, n)
        elif target == 0:
            needed = max(needed, n + 1)
        else:
            needed = max(needed, math.ceil(n * (half / target) ** 2))
    return needed
