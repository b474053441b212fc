"""The comparison table printed on the terminal: metrics as rows, architectures as columns."""

from __future__ import annotations

import math

import pandas as pd


def format_value(value: float, unit: str) -> str:
    """A compact, readable number for a metric value in its unit."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "share":
        return f"{value * 100:.3g}%" if value else "0%"
    if unit == "s":
        return f"{value * 1000:.3g} ms" if abs(value) < 1 else f"{value:.3g} s"
    if abs(value) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.3g}"


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


def comparison_table(summary: pd.DataFrame, hide: tuple[str, ...] = TERMINAL_HIDDEN) -> str:
    """Render the summary as an aligned text table with 95 % intervals in brackets.

    Metrics whose names start with one of ``hide`` are left out, with a note.
    """
    if summary.empty:
        return "(no metrics)"
    hidden = summary["metric"].str.startswith(hide) if hide else False
    summary = summary[~hidden]
    cells = summary.assign(cell=summary.apply(_cell, axis=1))
    wide = cells.pivot_table(
        index="metric", columns="architecture", values="cell", aggfunc="first", sort=False
    )
    architectures = list(dict.fromkeys(summary["architecture"]))
    wide = wide.reindex(index=list(dict.fromkeys(summary["metric"])), columns=architectures)
    header = ["metric", *architectures]
    body = [
        [metric, *(str(v) if isinstance(v, str) else "-" for v in row)]
        for metric, row in zip(wide.index, wide.to_numpy(), strict=True)
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    for line in body:
        lines.append("  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)))
    replications = int(summary["n"].max())
    lines.append(f"(mean over {replications} replications; [95% interval] where they differ)")
    if hide:
        lines.append("(queue lengths and waits per node: summary.csv in the results folder)")
    return "\n".join(lines)
