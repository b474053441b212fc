"""The sweep folder: a file per finished point, the tidy sweep table, the manifest.

``points/<point-id>.csv`` is written atomically as soon as the point is done
(temporary file, then rename), so a killed sweep leaves only whole files and
``--resume`` can skip them. ``sweep.csv`` and ``differences.csv`` are always
assembled from the point files on disk, so a resumed sweep ends with the same
bytes as an uninterrupted one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from sim.intervals import DIFFERENCE_COLUMNS, SUMMARY_COLUMNS, paired_differences, summarize
from sim.report.folder import atomic_write, write_csv

POINTS = "points"


def point_path(folder: Path, point_id: str) -> Path:
    """Where a point's file lives."""
    return folder / POINTS / f"{point_id}.csv"


def write_point(
    folder: Path, point_id: str, values: dict, metrics: pd.DataFrame, error: str = ""
) -> Path:
    """Write one point's metrics (or its error) with its varied values as leading columns."""
    path = point_path(folder, point_id)
    if error:
        frame = pd.DataFrame([{**values, "error": error}])
    else:
        frame = metrics.copy()
        for position, (key, value) in enumerate(values.items()):
            frame.insert(position, key, [value] * len(frame))
    atomic_write(path, lambda temporary: write_csv(frame, temporary))
    return path


def read_point(path: Path) -> pd.DataFrame:
    """A point file as written."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def finished_points(folder: Path, point_ids: Iterable[str]) -> set[str]:
    """The points whose file exists and records no error (a failed point is run again)."""
    done = set()
    for point_id in point_ids:
        path = point_path(folder, point_id)
        if path.exists() and "error" not in read_point(path).columns:
            done.add(point_id)
    return done


def assemble(
    folder: Path, point_ids: list[str], keys: list[str], scenario: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sweep table and the paired differences, from the point files, in point order.

    A point without a file is left out; a failed point is one row with its error.
    """
    tables, differences = [], []
    for point_id in point_ids:
        path = point_path(folder, point_id)
        if not path.exists():
            continue
        frame = read_point(path)
        values = {key: frame[key].iloc[0] for key in keys}
        if "error" in frame.columns:
            error = frame["error"].iloc[0]
            tables.append(pd.DataFrame([{**values, "scenario": scenario, "error": error}]))
            continue
        metrics = frame.drop(columns=keys)
        tables.append(_with_values(summarize(metrics), values).assign(error=""))
        differences.append(_with_values(paired_differences(metrics), values))
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    table = table.reindex(columns=[*keys, *SUMMARY_COLUMNS, "error"])
    frame = pd.concat(differences, ignore_index=True) if differences else pd.DataFrame()
    return table, frame.reindex(columns=[*keys, *DIFFERENCE_COLUMNS])


def _with_values(frame: pd.DataFrame, values: dict) -> pd.DataFrame:
    for position, (key, value) in enumerate(values.items()):
        frame.insert(position, key, [value] * len(frame))
    return frame


def write_manifest(folder: Path, manifest: dict) -> None:
    """Write ``manifest.json`` atomically."""
    text = json.dumps(manifest, indent=2, default=str) + "\n"
    atomic_write(folder / "manifest.json", lambda path: path.write_text(text, encoding="utf-8"))


def read_manifest(folder: Path) -> dict:
    """The folder's manifest ({} if it has none)."""
    path = folder / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
