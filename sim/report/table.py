"""The comparison table printed on the terminal: metrics as rows, architectures as columns."""

from __future__ import annotations

import math

import pandas as pd

from sim.metrics import GLOSSARY


def format_value(value: float, unit: str) -> str:
    """A compact, readable number for a metric value in its unit."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "share":
        return f"{value * 100:.3g}%" if value else "0%"
    if unit == "s":
        return seconds(value)
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.3g}"


def seconds(value: float) -> str:
    """A duration in its most readable unit: ``56 ms``, ``1.2 s``, ``14 min``, ``3.1 h``."""
    size = abs(value)
    if size < 1:
        return f"{value * 1000:.3g} ms"
    if size < 120:
        return f"{value:.3g} s"
    if size < 7200:
        return f"{value / 60:.3g} min"
    if size < 172800:
        return f"{value / 3600:.3g} h"
    return f"{value / 86400:.3g} days"


def _cell(row: pd.Series) -> str:
    mean = format_value(row["mean"], row["unit"])
    if row["n"] < 2 or math.isnan(row["ci_low"]):
        return mean
    if row["ci_low"] == row["ci_high"]:
        return mean
    low = format_value(row["ci_low"], row["unit"])
    high = format_value(row["ci_high"], row["unit"])
    return f"{mean} [{low}, {high}]"


TERMINAL_HIDDEN = ("load.queue_max.", "load.wait_p95.")
"""Per-node queue metrics left out of the terminal table (they are in summary.csv)."""

_NAMED = {info.name for info in GLOSSARY}


def _detail(metric: str) -> bool:
    """A per-instance figure (``privacy.false_joins.tax+health``) rather than a glossary metric;
    per-node utilisation is kept."""
    return metric not in _NAMED and not metric.startswith("load.utilization.")


def comparison_cells(
    summary: pd.DataFrame, hide: tuple[str, ...] = TERMINAL_HIDDEN
) -> tuple[list[str], list[list[str]]]:
    """The header (``metric`` and the architectures) and one row of cells per metric."""
    if hide:
        hidden = summary["metric"].str.startswith(hide) | summary["metric"].map(_detail)
        summary = summary[~hidden]
    cells = summary.assign(cell=summary.apply(_cell, axis=1))
    wide = cells.pivot_table(
        index="metric", columns="architecture", values="cell", aggfunc="first", sort=False
    )
    architectures = list(dict.fromkeys(summary["architecture"]))
    wide = wide.reindex(index=list(dict.fromkeys(summary["metric"])), columns=architectures)
    body = [
        [metric, *(str(v) if isinstance(v, str) else "-" for v in row)]
        for metric, row in zip(wide.index, wide.to_numpy(), strict=True)
    ]
    return ["metric", *architectures], body


def comparison_table(summary: pd.DataFrame, hide: tuple[str, ...] = TERMINAL_HIDDEN) -> str:
    """Render the summary as an aligned text table with 95 % intervals in brackets.

    Metrics whose names start with one of ``hide`` are left out, with a note.
    """
    if summary.empty:
        return "(no metrics)"
    header, body = comparison_cells(summary, hide)
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    for line in body:
        lines.append("  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)))
    replications = int(summary["n"].max())
    lines.append(f"(mean over {replications} replications; [95% interval] where they differ)")
    if hide:
        lines.append(
            "(queue lengths and waits per node, and per-compromise privacy figures: summary.csv "
            "in the results folder)"
        )
    return "\n".join(lines)
