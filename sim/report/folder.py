"""The run folder: manifest, resolved scenario, tidy metrics and summary."""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from sim.experiment import RunResult

_PACKAGES = ("idsim", "simpy", "numpy", "pandas", "networkx", "pydantic", "rapidfuzz", "scipy")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def manifest(result: RunResult) -> dict:
    """What a reader needs to know to trust and repeat the run."""
    return {
        "idsim_version": _version("idsim"),
        "command": result.command,
        "scenario": result.scenario.name,
        "seed": result.scenario.seed,
        "replications": result.scenario.replications,
        "architectures": result.scenario.architectures,
        "scenario_hash": result.scenario.digest(),
        "started_at": result.started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(result.wall_seconds, 3),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {name: _version(name) for name in _PACKAGES},
    }


def write_run_folder(folder: Path, result: RunResult) -> Path:
    """Write every file into a fresh folder; never overwrite an existing run.

    The files are written to a temporary folder beside the target and renamed
    into place, so an interrupted save leaves no half-written run folder.
    """
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} already holds files; choose another --out folder")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=folder.parent))
    try:
        resolved = yaml.safe_dump(
            result.scenario.resolved(), sort_keys=False, allow_unicode=True, width=100
        )
        (staging / "scenario.resolved.yaml").write_text(
            f"# {result.scenario.name}: every default filled in; `idsim run` this file to repeat "
            f"the run.\n{resolved}",
            encoding="utf-8",
        )
        result.metrics.to_csv(staging / "metrics.csv", index=False, lineterminator="\n")
        result.summary.to_csv(staging / "summary.csv", index=False, lineterminator="\n")
        (staging / "manifest.json").write_text(
            json.dumps(manifest(result), indent=2) + "\n", encoding="utf-8"
        )
        if folder.exists():
            folder.rmdir()
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder
