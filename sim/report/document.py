"""``report.md`` and ``report.html`` of a run or sweep folder, with its plots.

Everything is drawn from the files in the folder, so ``idsim plot FOLDER``
can redo the plots and the report of any finished run or sweep.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import yaml

from sim.report.folder import atomic_write
from sim.report.markup import Document, to_html, to_markdown
from sim.report.plots import (
    HEADLINE,
    PRIVACY_METRIC,
    Plot,
    family_bars,
    latency_distribution,
    sweep_lines,
    tradeoff,
    utilization_bars,
    utilization_over_time,
)
from sim.report.reading import leads, reading, sweep_reading
from sim.report.style import better, family, label, named, number, unit_of
from sim.report.table import comparison_cells
from sim.report.words import describe_scenario
from sim.scenario.sections import SAMPLING_NOTE

_FILES = {
    "manifest.json": "versions, command line, seed, scenario hash, times",
    "scenario.resolved.yaml": "the scenario with every default; `idsim run` it to repeat the run",
    "metrics.csv": "one row per metric, architecture and replication",
    "summary.csv": "mean and 95% interval per metric and architecture",
    "differences.csv": "paired differences from the reference architecture, with 95% intervals",
    "timeseries.csv": "queue, busy servers and utilisation of every system over time",
    "latencies.csv": "a sample of per-query latencies per architecture and replication",
    "sweep.csv": "the summary at every sweep point, the varied keys as columns",
    "points/": "each finished point's metrics (one file per point)",
    "plots/": "the plots shown here, as PNG",
}


def _read(folder: Path, name: str) -> pd.DataFrame | None:
    path = folder / name
    return pd.read_csv(path) if path.exists() and path.stat().st_size else None


def _scenario(folder: Path) -> dict:
    path = folder / "scenario.resolved.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def _manifest(folder: Path) -> dict:
    path = folder / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def render_folder(folder: str | Path) -> list[Path]:
    """Draw the plots and write ``report.md`` and ``report.html``; return the files written."""
    folder = Path(folder)
    for old in (folder / "plots").glob("*.png"):
        old.unlink()
    if (folder / "sweep.csv").exists():
        document, plots = _sweep_document(folder)
    else:
        document, plots = _run_document(folder)
    atomic_write(folder / "report.md", lambda p: p.write_text(to_markdown(document), "utf-8"))
    atomic_write(folder / "report.html", lambda p: p.write_text(to_html(document, folder), "utf-8"))
    return [folder / plot.file for plot in plots] + [folder / "report.md", folder / "report.html"]


def _run_facts(manifest: dict) -> str:
    if not manifest:
        return ""
    return (
        f"Run {manifest.get('started_at', '?')}, {manifest.get('wall_seconds', '?')} s on "
        f"{manifest.get('executor') or 'one process'}; replications: "
        f"{manifest.get('replications_chosen', manifest.get('replications'))}; "
        f"idsim {manifest.get('idsim_version', '?')}."
    )


def _run_document(folder: Path) -> tuple[Document, list[Plot]]:
    summary = _read(folder, "summary.csv")
    metrics = _read(folder, "metrics.csv")
    if summary is None or metrics is None:
        raise FileNotFoundError(f"{folder} holds no summary.csv and metrics.csv: not a run folder")
    scenario, manifest = _scenario(folder), _manifest(folder)
    name = scenario.get("name") or manifest.get("scenario") or folder.name
    document = Document(f"idsim report: {name}")
    document.heading("The scenario")
    for line in describe_scenario(scenario) + [_run_facts(manifest)]:
        if line:
            document.paragraph(line)
    for note in manifest.get("notes", []):
        if not note.startswith(SAMPLING_NOTE):  # the scenario's description says it
            document.paragraph(f"**Note:** {note.removeprefix('note: ')}")
    document.heading("Reading")
    for paragraph in reading(metrics):
        document.paragraph(paragraph)
    document.heading("Comparison")
    header, rows = comparison_cells(summary)
    document.table(
        header,
        rows,
        f"Mean over {int(summary['n'].max())} replications, [95% interval] where they differ. "
        "Queue lengths and waits per system, and per-compromise privacy figures, are in "
        "summary.csv.",
    )
    differences = _read(folder, "differences.csv")
    if differences is not None and not differences.empty:
        reference = differences["reference"].iloc[0]
        document.heading(f"Paired differences from {reference}")
        document.table(*_difference_cells(differences), _DIFFERENCE_NOTE)
    plots = _run_plots(folder, summary)
    document.heading("Plots")
    if PRIVACY_METRIC not in set(summary["metric"]):
        document.paragraph(
            f"No efficiency–privacy trade-off plot: this run did not measure `{PRIVACY_METRIC}`."
        )
    for plot in plots:
        document.image(plot.file, plot.title, plot.caption)
    _files(document, folder)
    return document, plots


_DIFFERENCE_NOTE = (
    "Each cell: mean of the per-replication differences (architecture minus reference) "
    "and its 95% interval; * marks an interval that excludes zero (a real difference), "
    "the arrow says whether the difference is an improvement (↑) or not (↓)."
)


def _run_plots(folder: Path, summary: pd.DataFrame) -> list[Plot]:
    plots = family_bars(summary, folder) + utilization_bars(summary, folder)
    latencies = _read(folder, "latencies.csv")
    if latencies is not None:
        plots += latency_distribution(latencies, folder)
    timeseries = _read(folder, "timeseries.csv")
    if timeseries is not None:
        plots += utilization_over_time(timeseries, folder)
    return plots + tradeoff(summary, folder)


def _difference_cells(differences: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    reference = differences["reference"].iloc[0]
    others = list(dict.fromkeys(differences["architecture"]))
    shown = differences[
        differences["metric"].map(lambda m: bool(better(m)) and named(m) and family(m) != "load")
    ]
    rows = []
    for metric, group in shown.groupby("metric", sort=False):
        cells = [metric]
        for architecture in others:
            row = group[group["architecture"] == architecture]
            cells.append(_difference(row.iloc[0], metric) if len(row) else "-")
        rows.append(cells)
    return ["metric", *(f"{a} − {reference}" for a in others)], rows


def _difference(row: pd.Series, metric: str) -> str:
    unit = unit_of(metric)
    if math.isnan(row["mean"]):
        return "-"
    text = number(row["mean"], unit, signed=True)
    if row["mean"] == 0:
        return text
    if row["ci_low"] == row["ci_high"]:
        text += " (every replication) *"
    elif not math.isnan(row["ci_low"]):
        low, high = (_bound(row[key], unit) for key in ("ci_low", "ci_high"))
        text += f" [{low}, {high}]"
        if not row["ci_low"] <= 0 <= row["ci_high"]:
            text += " *"
    improves = (row["mean"] > 0) == (better(metric) == "higher")
    return text + (" ↑" if improves else " ↓")


def _bound(value: float, unit: str) -> str:
    """An interval bound: a share in points, without the unit (the mean carries it)."""
    if unit == "share":
        return f"{value * 100:+.3g}"
    return number(value, unit, signed=True)


def _files(document: Document, folder: Path) -> None:
    document.heading("Files in this folder")
    document.items(
        [f"`{name}`: {meaning}" for name, meaning in _FILES.items() if (folder / name).exists()]
    )


def _sweep_document(folder: Path) -> tuple[Document, list[Plot]]:
    table = pd.read_csv(folder / "sweep.csv")
    manifest, scenario = _manifest(folder), _scenario(folder)
    keys = list(manifest.get("varied", {}))
    name = scenario.get("name") or manifest.get("scenario") or folder.name
    document = Document(f"idsim sweep report: {name}")
    document.heading("The scenario")
    for line in describe_scenario(scenario):
        document.paragraph(line)
    grid = "; ".join(f"`{k}` ∈ {{{', '.join(map(str, v))}}}" for k, v in manifest["varied"].items())
    document.paragraph(
        f"**The sweep** runs {manifest.get('points', '?')} points, every combination of: {grid} "
        "(these replace the values given above). " + _run_facts(manifest)
    )
    for note in manifest.get("notes", []):
        document.paragraph(f"**Note:** {note.removeprefix('note: ')}")
    failed = table[table["error"].notna() & (table["error"] != "")] if "error" in table else []
    if len(failed):
        document.heading("Points that failed")
        document.items(
            [f"{_point_label(row, keys)}: {row['error']}" for _, row in failed.iterrows()]
        )
    document.heading("Reading")
    labels, by_point = {}, {}
    for path in sorted((folder / "points").glob("*.csv")):
        points = pd.read_csv(path)
        if "metric" in points and not points["metric"].isna().all():
            labels[path.stem] = _point_label(points.iloc[0], keys)
            by_point[path.stem] = leads(points)
    document.items(sweep_reading(by_point, labels))
    ok = table[table["metric"].notna()]
    for metric in HEADLINE:
        rows = ok[ok["metric"] == metric]
        if rows.empty:
            continue
        document.heading(f"{label(metric)} ({metric})")
        document.table(*_sweep_cells(rows, keys, metric), "Mean [95% interval] at each point.")
    plots = sweep_lines(table, keys, folder)
    document.heading("Plots")
    for plot in plots:
        document.image(plot.file, plot.title, plot.caption)
    _files(document, folder)
    return document, plots


def _point_label(row: pd.Series, keys: list[str]) -> str:
    return ", ".join(f"{key}={row[key]}" for key in keys)


def _sweep_cells(rows: pd.DataFrame, keys: list[str], metric: str) -> tuple[list, list]:
    unit = unit_of(metric)
    architectures = list(dict.fromkeys(rows["architecture"]))
    body = []
    for values, group in rows.groupby(keys, sort=False):
        values = values if isinstance(values, tuple) else (values,)
        cells = [", ".join(map(str, values))]
        for architecture in architectures:
            mine = group[group["architecture"] == architecture]
            if mine.empty:
                cells.append("-")
                continue
            row = mine.iloc[0]
            cell = number(row["mean"], unit)
            if not math.isnan(row["ci_low"]) and row["ci_low"] != row["ci_high"]:
                cell += f" [{number(row['ci_low'], unit)}, {number(row['ci_high'], unit)}]"
            cells.append(cell)
        body.append(cells)
    return [", ".join(keys), *architectures], body
