"""The plots of a run or sweep folder, drawn from its CSV files (matplotlib, Agg backend).

Every plot uses the same colour for an architecture, titles that say what is
shown, and axis labels with units. Error bars and bands are 95 % intervals
over replications.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402

from sim.report.style import (  # noqa: E402
    FAMILY_TITLES,
    colour,
    family,
    label,
    named,
    scale,
    unit_label,
)
from sim.report.table import seconds  # noqa: E402

HEADLINE = (
    "linkage.auto_rate",
    "linkage.correct_rate",
    "linkage.misdisclosure_rate",
    "linkage.latency_p95",
    "linkage.clerk_hours",
    "citizen.visits",
    "privacy.linkable_profiles.worst",
)
"""The metrics a sweep plots against its varied keys and its report tabulates."""

PRIVACY_METRIC = "privacy.linkable_profiles.worst"
"""The privacy axis of the efficiency–privacy trade-off."""

_TIME_TICKS = [
    (0.001, "1 ms"),
    (0.01, "10 ms"),
    (0.1, "100 ms"),
    (1, "1 s"),
    (10, "10 s"),
    (60, "1 min"),
    (600, "10 min"),
    (3600, "1 h"),
    (86400, "1 day"),
    (864000, "10 days"),
]
_SKIPPED_FAMILIES = ("load",)
_MARKERS = ("o", "s", "D", "^", "v", "P")
_DPI = 110


@dataclass(frozen=True)
class Plot:
    """A written plot: its file (relative to the folder), its title and a caption."""

    file: str
    title: str
    caption: str


def _save(figure: plt.Figure, folder: Path, name: str) -> str:
    (folder / "plots").mkdir(exist_ok=True)
    figure.tight_layout()
    figure.savefig(folder / "plots" / name, dpi=_DPI)
    plt.close(figure)
    return f"plots/{name}"


def _errors(rows: pd.DataFrame, factor: float) -> np.ndarray:
    low = (rows["mean"] - rows["ci_low"]).to_numpy(float) * factor
    high = (rows["ci_high"] - rows["mean"]).to_numpy(float) * factor
    return np.nan_to_num(np.vstack([low, high]), nan=0.0).clip(min=0)


def family_bars(summary: pd.DataFrame, folder: Path) -> list[Plot]:
    """One figure per metric family: a small panel per metric, a bar per architecture."""
    architectures = list(dict.fromkeys(summary["architecture"]))
    plots = []
    for name, rows in summary.groupby(summary["metric"].map(family), sort=False):
        if name in _SKIPPED_FAMILIES:
            continue
        metrics = [
            metric
            for metric in dict.fromkeys(rows["metric"])
            if named(metric) and rows.loc[rows["metric"] == metric, "mean"].fillna(0).any()
        ]
        if not metrics:
            continue
        columns = min(3, len(metrics))
        lines = math.ceil(len(metrics) / columns)
        figure, axes = plt.subplots(
            lines, columns, figsize=(4.2 * columns, 2.9 * lines), squeeze=False
        )
        for axis, metric in zip(axes.flat, metrics, strict=False):
            _bar_panel(axis, rows[rows["metric"] == metric], metric, architectures)
        for axis in axes.flat[len(metrics) :]:
            axis.set_visible(False)
        title = FAMILY_TITLES.get(name, name)
        figure.suptitle(
            f"{title}: mean per architecture, 95% interval over replications "
            "(metrics that are zero everywhere left out)"
        )
        file = _save(figure, folder, f"bars-{name}.png")
        plots.append(Plot(file, title, f"{title} metrics; error bars are 95% intervals."))
    return plots


def _bar_panel(axis: plt.Axes, rows: pd.DataFrame, metric: str, architectures: list[str]) -> None:
    rows = rows.set_index("architecture").reindex(architectures).reset_index()
    factor = scale(metric)
    positions = np.arange(len(rows))
    axis.bar(
        positions,
        rows["mean"].to_numpy(float) * factor,
        yerr=_errors(rows, factor),
        color=[colour(a, architectures) for a in rows["architecture"]],
        capsize=4,
    )
    axis.set_xticks(positions, rows["architecture"])
    axis.set_title(label(metric), fontsize=10)
    axis.set_ylabel(unit_label(metric))
    axis.grid(axis="y", alpha=0.3)


def utilization_bars(summary: pd.DataFrame, folder: Path) -> list[Plot]:
    """Busy fraction of every system, grouped by system, a bar per architecture."""
    rows = summary[summary["metric"].str.startswith("load.utilization.")]
    if rows.empty:
        return []
    architectures = list(dict.fromkeys(summary["architecture"]))
    systems = list(dict.fromkeys(rows["metric"]))
    figure, axis = plt.subplots(figsize=(max(6.0, 0.55 * len(systems) * len(architectures) / 2), 4))
    width = 0.8 / len(architectures)
    for index, architecture in enumerate(architectures):
        mine = rows[rows["architecture"] == architecture].set_index("metric").reindex(systems)
        axis.bar(
            np.arange(len(systems)) + (index - (len(architectures) - 1) / 2) * width,
            mine["mean"].to_numpy(float) * 100,
            width,
            yerr=_errors(mine, 100),
            color=colour(architecture, architectures),
            label=architecture,
            capsize=2,
        )
    axis.set_xticks(np.arange(len(systems)), [m.removeprefix("load.utilization.") for m in systems])
    axis.tick_params(axis="x", rotation=45)
    for tick in axis.get_xticklabels():
        tick.set_horizontalalignment("right")
    axis.set_ylabel("busy servers, % of capacity")
    axis.set_title("Utilisation of each system over the measured time (95% interval)")
    axis.legend(title="architecture", fontsize=8)
    axis.grid(axis="y", alpha=0.3)
    file = _save(figure, folder, "utilization.png")
    return [Plot(file, "Utilisation per system", "Busy fraction of each system's servers.")]


def latency_distribution(latencies: pd.DataFrame, folder: Path) -> list[Plot]:
    """Share of queries answered within a time, per architecture (log time axis)."""
    latencies = latencies[latencies["latency_s"] > 0]
    if latencies.empty:
        return []
    architectures = list(dict.fromkeys(latencies["architecture"]))
    figure, axis = plt.subplots(figsize=(7.5, 4.2))
    for architecture in architectures:
        values = np.sort(latencies.loc[latencies.architecture == architecture, "latency_s"])
        shares = np.arange(1, len(values) + 1) / len(values) * 100
        axis.step(
            values,
            shares,
            where="post",
            color=colour(architecture, architectures),
            label=f"{architecture} (p95 {seconds(np.percentile(values, 95))})",
        )
    axis.set_xscale("log")
    low, high = latencies["latency_s"].min(), latencies["latency_s"].max()
    ticks = [(t, text) for t, text in _TIME_TICKS if low / 3 <= t <= high * 3]
    axis.set_xticks([t for t, _ in ticks], [text for _, text in ticks])
    axis.xaxis.set_minor_formatter(NullFormatter())
    axis.axhline(95, color="grey", linewidth=0.8, linestyle=":")
    axis.set_xlabel("time from query to answer (log scale)")
    axis.set_ylabel("queries answered within it, %")
    axis.set_ylim(0, 100.5)
    axis.set_title("Latency distribution (sample of queries from every replication)")
    axis.legend(fontsize=8, loc="lower right")
    axis.grid(alpha=0.3, which="both")
    file = _save(figure, folder, "latency.png")
    return [
        Plot(
            file,
            "Latency distribution",
            "Cumulative share of queries answered within a time; the dotted line marks 95%.",
        )
    ]


def utilization_over_time(timeseries: pd.DataFrame, folder: Path, top: int = 8) -> list[Plot]:
    """Per architecture, the utilisation of its busiest systems over simulated time."""
    if timeseries.empty:
        return []
    architectures = list(dict.fromkeys(timeseries["architecture"]))
    mean = timeseries.groupby(["architecture", "group", "time_s"], sort=False)["utilization"].mean()
    figure, axes = plt.subplots(
        1, len(architectures), figsize=(4.3 * len(architectures), 3.6), sharey=True, squeeze=False
    )
    for axis, architecture in zip(axes[0], architectures, strict=True):
        mine = mean.loc[architecture].unstack("group")
        busiest = mine.mean().sort_values(ascending=False).index[:top]
        for group in busiest:
            axis.plot(mine.index / 3600, mine[group] * 100, label=group, linewidth=1.2)
        axis.set_title(architecture, color=colour(architecture, architectures))
        axis.set_xlabel("simulated time, hours")
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7, title="system", title_fontsize=7)
    axes[0][0].set_ylabel("busy servers, % of capacity")
    interval = timeseries["time_s"].drop_duplicates().sort_values().diff().min()
    figure.suptitle(
        f"Utilisation over time of the {top} busiest systems, mean over replications "
        f"(each point: the {seconds(interval)} before it)"
    )
    file = _save(figure, folder, "utilization-over-time.png")
    return [
        Plot(
            file,
            "Utilisation over time",
            "Busy fraction of each system's servers in each sampling interval (timeseries.csv).",
        )
    ]


def tradeoff(summary: pd.DataFrame, folder: Path) -> list[Plot]:
    """Efficiency against privacy exposure, one point per architecture (if measured)."""
    privacy = summary[summary["metric"] == PRIVACY_METRIC].set_index("architecture")
    if privacy.empty or privacy["mean"].isna().all():
        return []
    architectures = list(dict.fromkeys(summary["architecture"]))
    panels = [m for m in ("linkage.auto_rate", "linkage.latency_p95") if m in set(summary.metric)]
    figure, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2), squeeze=False)
    for axis, metric in zip(axes[0], panels, strict=True):
        efficiency = summary[summary["metric"] == metric].set_index("architecture")
        factor = scale(metric)
        for architecture in architectures:
            if architecture not in efficiency.index or architecture not in privacy.index:
                continue
            x, y = privacy.loc[[architecture]], efficiency.loc[[architecture]]
            axis.errorbar(
                x["mean"],
                y["mean"] * factor,
                xerr=_errors(x, 1),
                yerr=_errors(y, factor),
                fmt=_MARKERS[architectures.index(architecture) % len(_MARKERS)],
                markersize=9,
                alpha=0.85,
                capsize=3,
                color=colour(architecture, architectures),
                label=architecture,
            )
        axis.set_xlabel("linkable profiles under the worst compromise (citizens)")
        axis.set_ylabel(f"{label(metric)} ({unit_label(metric)})")
        axis.grid(alpha=0.3)
        better = "up" if metric == "linkage.auto_rate" else "down"
        axis.set_title(f"{label(metric)} vs exposure (better: left and {better})", fontsize=10)
    axes[0][0].legend(fontsize=8)
    figure.suptitle("Efficiency–privacy trade-off (95% intervals)")
    file = _save(figure, folder, "tradeoff.png")
    return [
        Plot(
            file,
            "Efficiency–privacy trade-off",
            "Each architecture's efficiency against "
            "the citizens an attacker could profile after the worst compromise (points that "
            "coincide overlap; the shapes differ).",
        )
    ]


def sweep_lines(table: pd.DataFrame, keys: list[str], folder: Path) -> list[Plot]:
    """For each headline metric: the metric against the first varied key, a line per
    architecture with its 95 % band; a panel per combination of the other keys."""
    table = table[table["error"].isna() | (table["error"] == "")] if "error" in table else table
    if table.empty or not keys:
        return []
    architectures = list(dict.fromkeys(table["architecture"].dropna()))
    x_key, others = keys[0], keys[1:]
    panels = list(table[others].drop_duplicates().itertuples(index=False)) if others else [()]
    panels = panels[:9]
    plots = []
    for metric in HEADLINE:
        rows = table[table["metric"] == metric]
        if rows.empty or rows["mean"].isna().all():
            continue
        columns = min(3, len(panels))
        lines = math.ceil(len(panels) / columns)
        figure, axes = plt.subplots(
            lines, columns, figsize=(5 * columns, 3.6 * lines), squeeze=False, sharey=True
        )
        for axis, panel in zip(axes.flat, panels, strict=False):
            mine = rows
            for key, value in zip(others, panel, strict=True):
                mine = mine[mine[key] == value]
            _sweep_panel(axis, mine, metric, x_key, architectures)
            if others:
                axis.set_title(
                    ", ".join(f"{k}={v}" for k, v in zip(others, panel, strict=True)), fontsize=9
                )
        for axis in axes.flat[len(panels) :]:
            axis.set_visible(False)
        axes.flat[0].legend(fontsize=8, title="architecture", title_fontsize=8)
        figure.suptitle(f"{label(metric)} against {x_key} (95% interval bands)")
        file = _save(figure, folder, f"sweep-{metric.replace('.', '-')}.png")
        plots.append(
            Plot(
                file,
                f"{label(metric)} against {x_key}",
                f"{metric} at every sweep point, a line per architecture.",
            )
        )
    return plots


def _sweep_panel(
    axis: plt.Axes, rows: pd.DataFrame, metric: str, x_key: str, architectures: list[str]
) -> None:
    values = list(dict.fromkeys(rows[x_key]))
    numeric = pd.api.types.is_numeric_dtype(rows[x_key]) and not pd.api.types.is_bool_dtype(
        rows[x_key]
    )
    factor = scale(metric)
    for architecture in architectures:
        mine = rows[rows["architecture"] == architecture]
        if mine.empty:
            continue
        mine = mine.sort_values(x_key) if numeric else mine
        x = mine[x_key].to_numpy(float) if numeric else [values.index(v) for v in mine[x_key]]
        tint = colour(architecture, architectures)
        axis.plot(x, mine["mean"] * factor, marker="o", color=tint, label=architecture)
        axis.fill_between(
            x,
            mine["ci_low"] * factor,
            mine["ci_high"] * factor,
            color=tint,
            alpha=0.18,
            linewidth=0,
        )
    if not numeric:
        axis.set_xticks(range(len(values)), [str(v) for v in values])
    axis.set_xlabel(x_key)
    axis.set_ylabel(f"{label(metric)} ({unit_label(metric)})")
    axis.grid(alpha=0.3)
