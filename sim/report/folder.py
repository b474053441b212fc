"""The run folder: manifest, resolved scenario, tidy tables, plots and the report."""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import yaml

if TYPE_CHECKING:
    from sim.experiment import RunResult
    from sim.scenario import Scenario

TRACE_FORMAT = "%.6g"
"""Time series and latency samples are written to 6 significant digits (small files)."""

_PACKAGES = ("idsim", "simpy", "numpy", "pandas", "networkx", "pydantic", "rapidfuzz", "scipy")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def manifest_basics(scenario: Scenario, started_at: datetime) -> dict:
    """What every manifest holds: versions, command line, scenario, seed, hash, sampling, times.

    ``sampling`` gives ``population.sample``, the citizens simulated and represented,
    and the scale factor applied to counts of persons and records.
    """
    return {
        "idsim_version": _version("idsim"),
        "command": list(sys.argv),
        "scenario": scenario.name,
        "seed": scenario.seed,
        "replications": scenario.replications,
        "architectures": scenario.architectures,
        "scenario_hash": scenario.digest(),
        "sampling": scenario.population.sampling(),
        "started_at": started_at.isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in _PACKAGES},
    }


def manifest(result: RunResult) -> dict:
    """What a reader needs to know to trust and repeat the run."""
    return {
        **manifest_basics(result.scenario, result.started_at),
        "command": result.command,
        "replications_chosen": result.replications or str(result.scenario.replications),
        "reference_architecture": result.scenario.architectures[0],
        "executor": result.executor,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(result.wall_seconds, 3),
        "notes": result.notes,
    }


def resolved_text(scenario: Scenario) -> str:
    """The scenario with every default filled in, as YAML with a header comment."""
    resolved = yaml.safe_dump(scenario.resolved(), sort_keys=False, allow_unicode=True, width=100)
    return (
        f"# {scenario.name}: every default filled in; `idsim run` this file to repeat "
        f"the run.\n{resolved}"
    )


def write_resolved(folder: Path, scenario: Scenario) -> None:
    """Write ``scenario.resolved.yaml`` atomically."""
    text = resolved_text(scenario)
    atomic_write(
        folder / "scenario.resolved.yaml", lambda path: path.write_text(text, encoding="utf-8")
    )


def write_csv(frame: pd.DataFrame, path: Path, float_format: str | None = None) -> None:
    """A CSV with ``\n`` line ends (byte-identical on every platform)."""
    frame.to_csv(path, index=False, lineterminator="\n", float_format=float_format)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def render_safely(folder: Path, shown_as: Path | None = None) -> None:
    """Draw the plots and the report; a failure there is a warning, never a lost result."""
    from sim.report.document import render_folder

    try:
        render_folder(folder)
    except Exception as error:  # the tables are saved; plots can be redone with `idsim plot`
        warnings.warn(
            f"the plots and report failed ({type(error).__name__}: {error}); the results are "
            f"saved, redo them with `idsim plot {shown_as or folder}`",
            stacklevel=2,
        )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_run_folder(folder: Path, result: RunResult, plots: bool = True) -> Path:
    """Write every file into a fresh folder; never overwrite an existing run.

    With ``plots``, the folder also gets ``plots/``, ``report.md`` and ``report.html``.

    The files are written to a temporary folder beside the target and renamed
    into place, so an interrupted save leaves no half-written run folder.
    """
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} already holds files; choose another --out folder")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=folder.parent))
    os.chmod(staging, 0o777 & ~_umask())
    try:
        (staging / "scenario.resolved.yaml").write_text(
            resolved_text(result.scenario), encoding="utf-8"
        )
        write_csv(result.metrics, staging / "metrics.csv")
        write_csv(result.summary, staging / "summary.csv")
        write_csv(result.differences, staging / "differences.csv")
        if result.timeseries is not None:
            write_csv(result.timeseries, staging / "timeseries.csv", TRACE_FORMAT)
        if result.latencies is not None:
            write_csv(result.latencies, staging / "latencies.csv", TRACE_FORMAT)
        (staging / "manifest.json").write_text(
            json.dumps(manifest(result), indent=2) + "\n", encoding="utf-8"
        )
        if plots:
            render_safely(staging, folder)
        if folder.exists():
            folder.rmdir()
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder
