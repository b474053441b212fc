"""Sweeps: every combination of varied scenario values, each point with its replications.

A sweep's grid comes from ``--vary KEY=V1,V2,...`` (repeatable) and from the
scenario's ``sweep:`` section; a key given on the command line replaces the
same key of the section. Every point is validated before anything runs.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import yaml

from sim.executors import Executor, make_executor
from sim.report.folder import (
    atomic_write,
    manifest_basics,
    render_safely,
    write_csv,
    write_resolved,
)
from sim.report.sweep_folder import (
    assemble,
    finished_points,
    read_manifest,
    write_manifest,
    write_point,
)
from sim.scenario import Problem, Scenario, ScenarioError, load_scenario
from sim.scenario.loader import OVERRIDE_SOURCE, scenario_from_data
from sim.scenario.sections import SAMPLING_NOTE
from sim.scenario.yaml_source import SourceMap
from sim.schedule import Point, PointResult, Progress, Replications, cap_note, run_points

VARY = "--vary"


def split_values(text: str) -> list[str]:
    """Split ``V1,V2,...`` at the commas outside brackets and braces."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "[{"
        depth -= char in "]}"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def parse_vary(texts: list[str]) -> dict[str, list]:
    """``["population.size=800,1600"]`` → ``{"population.size": [800, 1600]}``.

    Raises:
        ScenarioError: bad syntax, an empty value or a key given twice.
    """
    grid: dict[str, list] = {}
    for text in texts:
        key, sep, raw = text.partition("=")
        key = key.strip()
        values = [value.strip() for value in split_values(raw)] if sep else []
        if not key or not values or any(not value for value in values):
            raise ScenarioError.single(
                VARY, f"expected KEY=V1,V2,... (e.g. population.size=1000,5000), got {text!r}"
            )
        if key in grid:
            raise ScenarioError.single(VARY, f"{key!r} is varied twice; give its values once")
        grid[key] = [_parse_value(value) for value in values]
    return grid


def _parse_value(text: str) -> object:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def _yaml_value(value: object) -> str:
    return yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()


def point_id(index: int, total: int, values: dict) -> str:
    """A file name for a point: its position and a hash of its values."""
    text = json.dumps(values, sort_keys=True, default=str)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"p{index:0{max(3, len(str(total - 1)))}d}-{digest}"


def make_points(scenario: Scenario, grid: dict[str, list]) -> list[Point]:
    """One validated scenario per combination of the grid, in grid order (last key fastest).

    Raises:
        ScenarioError: a key or value the scenario does not accept (reported as ``--vary``).
    """
    if not grid:
        raise ScenarioError.single(
            VARY, "nothing to sweep: give --vary KEY=V1,V2,... or a sweep: section in the scenario"
        )
    base = scenario.resolved()
    base["sweep"] = {}
    combinations = list(itertools.product(*grid.values()))
    points = []
    for index, combination in enumerate(combinations):
        values = dict(zip(grid, combination, strict=True))
        overrides = [f"{key}={_yaml_value(value)}" for key, value in values.items()]
        try:
            point_scenario = scenario_from_data(copy.deepcopy(base), SourceMap(VARY), overrides)
        except ScenarioError as error:
            raise _as_vary(error) from None
        points.append(Point(point_id(index, len(combinations), values), values, point_scenario))
    return points


def _as_vary(error: ScenarioError) -> ScenarioError:
    """The first problem, placed at ``--vary KEY=VALUE`` rather than ``--set``."""
    problem = error.problems[0]
    source = VARY + problem.source.removeprefix(OVERRIDE_SOURCE)
    return ScenarioError([Problem(source, 0, 0, problem.key, problem.message)])


@dataclass
class SweepResult:
    """The finished sweep: its folder, its table and the paired differences."""

    folder: Path
    table: pd.DataFrame
    differences: pd.DataFrame
    points: int
    ran: int
    skipped: int
    failed: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def sweep_digest(scenario: Scenario, grid: dict, replications: Replications) -> str:
    """A short hash of what the sweep computes: the scenario, the grid and the replications."""
    text = json.dumps(
        [scenario.resolved(), grid, replications.describe()], sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def _folder(
    scenario: Scenario, digest: str, out: str | Path | None, resume: bool, started: datetime
) -> tuple[Path, str]:
    """The sweep folder, and a note when there was nothing to resume."""
    if out is not None:
        return Path(out), ""
    fresh = Path("results", scenario.name, f"sweep-{started:%Y%m%dT%H%M%SZ}-{digest}")
    if not resume:
        return fresh, ""
    earlier = sorted(Path("results", scenario.name).glob(f"sweep-*-{digest}"))
    if earlier:
        return earlier[-1], ""
    return fresh, "note: --resume found no earlier folder of this sweep; started a new one"


def sweep(
    scenario: Scenario | str | Path,
    vary: dict[str, list] | None = None,
    replications: int | Replications | None = None,
    jobs: int | None = None,
    executor: Executor | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: bool = False,
    plots: bool = True,
) -> SweepResult:
    """Run every point of a grid and write the sweep folder.

    Args:
        scenario: a Scenario or a YAML path; its ``sweep:`` section is part of the grid.
        vary: varied keys and their values; replaces the same keys of ``sweep:``.
        replications: per point (default: the scenario's), or a ``Replications``.
        jobs: worker processes (default: every core); 1 runs in this process.
        executor: run here instead (e.g. a ``DaskExecutor``); left open.
        out: the folder (default ``results/<name>/sweep-<UTC>-<hash>/``).
        resume: continue the sweep in ``out`` (or the latest folder of the same
            sweep): points with a file are not run again.
        progress: show a progress bar on stderr.
        plots: draw the plots and write the report at the end.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    grid = {**scenario.sweep, **(vary or {})}
    policy = replications if isinstance(replications, Replications) else None
    policy = policy or Replications(count=replications or scenario.replications)
    count = policy.count if policy.precision is None else scenario.replications
    base = Scenario.model_validate({**scenario.resolved(), "sweep": grid, "replications": count})
    points = make_points(base, grid)
    started = datetime.now(UTC)
    digest = sweep_digest(base, grid, policy)
    folder, folder_note = _folder(base, digest, out, resume, started)
    _check_folder(folder, digest, resume)
    done = finished_points(folder, [p.id for p in points]) if resume else set()
    todo = [point for point in points if point.id not in done]
    manifest = {
        **manifest_basics(base, started),
        "kind": "sweep",
        "sweep_hash": digest,
        "varied": grid,
        "points": len(points),
        "replications_chosen": policy.describe(),
        "reference_architecture": base.architectures[0],
        "status": "running",
    }
    if len({json.dumps(p.scenario.population.sampling()) for p in points}) > 1:
        manifest["sampling"] = {p.id: p.scenario.population.sampling() for p in points}
    write_manifest(folder, {**read_manifest(folder), **manifest} if resume else manifest)
    write_resolved(folder, base)
    clock = time.perf_counter()
    runner = executor or make_executor(jobs, tasks=len(todo) * policy.count)
    manifest["executor"] = runner.describe()

    def record(result: PointResult) -> None:
        write_point(folder, result.point.id, result.point.values, result.metrics, result.error)

    try:
        results = run_points(
            todo,
            policy,
            runner,
            on_done=record,
            progress=Progress(enabled=progress, description=f"sweep {base.name}"),
            already_done=len(done),
        )
    finally:
        if executor is None:
            runner.close()
    table, differences = assemble(folder, [p.id for p in points], list(grid), base.name)
    atomic_write(folder / "sweep.csv", lambda path: write_csv(table, path))
    atomic_write(folder / "differences.csv", lambda path: write_csv(differences, path))
    failed = [r.point.id for r in results if r.error]
    notes = [
        note for note in [folder_note, _sampling_note(points), cap_note(policy, results)] if note
    ]
    wall = time.perf_counter() - clock
    manifest.update(
        status="finished",
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        wall_seconds=round(wall, 3),
        ran=len(todo),
        skipped=len(done),
        failed=failed,
        notes=notes,
    )
    write_manifest(folder, manifest)
    if plots:
        render_safely(folder)
    return SweepResult(
        folder, table, differences, len(points), len(todo), len(done), failed, wall, notes
    )


def _sampling_note(points: list[Point]) -> str:
    """The sampling note of the points: theirs if they agree, else one saying some sample."""
    notes = {point.scenario.population.sampling_note() for point in points}
    if notes == {""}:
        return ""
    if len(notes) == 1:
        return notes.pop()
    return (
        f"{SAMPLING_NOTE} at some points (population.sample below 1): counts of "
        "persons and records are scaled per point; manifest.json gives each point's sampling"
    )


def _check_folder(folder: Path, digest: str, resume: bool) -> None:
    if not folder.exists() or not any(folder.iterdir()):
        return
    if not resume:
        raise FileExistsError(
            f"{folder} already holds files; choose another --out folder, or --resume it"
        )
    found = read_manifest(folder).get("sweep_hash")
    if found != digest:
        raise ScenarioError.single(
            "--resume",
            f"{folder} holds another sweep (hash {found}, this one {digest}): the scenario, "
            "the --vary values or the replications differ",
        )
