"""Replications of one or many scenario points on an executor, in a fixed order.

The unit of work is one replication of one point: every architecture on that
replication's population and workload (``simulate_replication``). Results are
put back in order (point, replication, then the order ``simulate_replication``
wrote them: architecture, glossary), never in the order they finished, so the
same input gives byte-identical tables whatever the executor.

With ``Replications(precision=...)`` a point gets more replications, batch by
batch, until the chosen metrics' 95 % intervals are narrow enough (or the cap).
Each decision uses only the replications already finished for that point, so
it too is the same whatever the executor.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from tqdm import tqdm

from sim.executors import Executor
from sim.intervals import replications_needed, summarize
from sim.scenario import Problem, Scenario, ScenarioError
from sim.traces import Traces

AUTO_METRICS = ("linkage.auto_rate", "linkage.latency_p95")
"""The metrics ``--replications auto`` makes precise unless ``--metric`` names others."""


@dataclass(frozen=True)
class Replications:
    """How many replications each point gets.

    Attributes:
        count: a fixed number; with ``precision``, the first batch.
        precision: relative half-width wanted for ``metrics`` (0.05: within ±5 % of
            the mean); None for a fixed count.
        metrics: the metrics the precision applies to.
        cap: most replications a point gets when ``precision`` is set.
    """

    count: int = 3
    precision: float | None = None
    metrics: tuple[str, ...] = AUTO_METRICS
    cap: int = 50

    def describe(self) -> str:
        """In words, for the manifest and the report."""
        if self.precision is None:
            return f"{self.count}"
        return (
            f"auto: until the 95% half-width of {', '.join(self.metrics)} is within "
            f"{self.precision:.0%} of the mean (at least {self.count}, at most {self.cap})"
        )


@dataclass
class Point:
    """One combination of varied values and the scenario it makes."""

    id: str
    values: dict[str, object]
    scenario: Scenario


@dataclass
class Outcome:
    """What one replication produced, or why it failed."""

    replication: int
    metrics: pd.DataFrame | None = None
    timeseries: pd.DataFrame | None = None
    latencies: pd.DataFrame | None = None
    error: str = ""
    details: str = ""
    problems: list[Problem] | None = None


@dataclass
class PointResult:
    """Every replication of one point, in order; ``error`` is set if one of them failed."""

    point: Point
    metrics: pd.DataFrame
    timeseries: pd.DataFrame | None = None
    latencies: pd.DataFrame | None = None
    error: str = ""
    details: str = ""
    problems: list[Problem] | None = None
    capped: bool = False  # auto replications stopped at the cap before reaching the precision

    def raise_error(self) -> None:
        """Raise the point's failure (a ScenarioError as itself, anything else as RuntimeError)."""
        if self.problems:
            raise ScenarioError(self.problems)
        if self.error:
            raise RuntimeError(f"a replication failed: {self.error}\n{self.details}")


def replicate(scenario: Scenario, replication: int, traces: bool) -> Outcome:
    """One replication of every architecture of ``scenario`` (runs in a worker)."""
    from sim.experiment import simulate_replication

    collector = Traces() if traces else None
    try:
        metrics = simulate_replication(
            scenario, scenario.architectures, replication, traces=collector
        )
    except ScenarioError as error:
        return Outcome(replication, error=_one_line(error), problems=error.problems)
    except Exception as error:  # a crashed replication is reported, not fatal to a sweep
        return Outcome(replication, error=_one_line(error), details=traceback.format_exc())
    if collector is None:
        return Outcome(replication, metrics)
    return Outcome(replication, metrics, collector.timeseries(), collector.latencies())


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class _PointState:
    def __init__(self, point: Point, replications: Replications):
        self.point = point
        self.target = replications.count
        self.outcomes: dict[int, Outcome] = {}
        self.capped = False

    def failed(self) -> Outcome | None:
        errors = [o for _, o in sorted(self.outcomes.items()) if o.error]
        return errors[0] if errors else None

    def next_target(self, replications: Replications) -> int:
        """How many replications the point needs in all, judged from those done."""
        if replications.precision is None or self.failed():
            return self.target
        summary = summarize(self._metrics())
        needed = replications_needed(summary, replications.metrics, replications.precision)
        if needed <= self.target:
            return self.target
        if self.target >= replications.cap:
            self.capped = True
            return self.target
        return min(replications.cap, max(needed, self.target + 1))

    def _metrics(self) -> pd.DataFrame:
        return pd.concat([o.metrics for _, o in sorted(self.outcomes.items())], ignore_index=True)

    def result(self) -> PointResult:
        failed = self.failed()
        if failed is not None:
            return PointResult(
                self.point,
                pd.DataFrame(),
                error=failed.error,
                details=failed.details,
                problems=failed.problems,
            )
        ordered = [o for _, o in sorted(self.outcomes.items())]
        series = [o.timeseries for o in ordered if o.timeseries is not None]
        latencies = [o.latencies for o in ordered if o.latencies is not None]
        return PointResult(
            self.point,
            self._metrics(),
            pd.concat(series, ignore_index=True) if series else None,
            pd.concat(latencies, ignore_index=True) if latencies else None,
            capped=self.capped,
        )


class _Bar(tqdm):
    monitor_interval = 0  # no monitor thread: worker processes may be forked later


@dataclass
class Progress:
    """A progress bar on stderr: replications finished of those planned, points done, time left."""

    enabled: bool = True
    description: str = "replications"
    done_points: int = 0
    total_points: int = 0
    _bar: _Bar | None = field(default=None, init=False, repr=False)

    def start(self, total: int, points: int, points_done: int) -> None:
        self.total_points, self.done_points = points, points_done
        self._bar = _Bar(
            total=total,
            desc=self.description,
            unit="rep",
            disable=None if self.enabled else True,
            mininterval=0.5,
            dynamic_ncols=True,
        )
        self._show_points()

    def planned(self, more: int) -> None:
        self._bar.total += more
        self._bar.refresh()

    def finished_replication(self) -> None:
        self._bar.update(1)

    def finished_point(self) -> None:
        self.done_points += 1
        self._show_points()

    def _show_points(self) -> None:
        self._bar.set_postfix_str(f"points {self.done_points}/{self.total_points}")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def run_points(
    points: list[Point],
    replications: Replications,
    executor: Executor,
    *,
    traces: bool = False,
    on_done: Callable[[PointResult], None] | None = None,
    progress: Progress | None = None,
    already_done: int = 0,
) -> list[PointResult]:
    """Run every point's replications on ``executor``; results in the order of ``points``.

    Args:
        points: the points to run.
        replications: a fixed count or a precision to reach.
        executor: where the replications run.
        traces: also keep each replication's time series and latency sample.
        on_done: called with each point's result as soon as it is complete.
        progress: a progress bar to drive (None: none).
        already_done: points finished before (a resumed sweep), for the progress bar.
    """
    states = [_PointState(point, replications) for point in points]
    pending: dict[object, tuple[int, int]] = {}

    def submit(index: int, start: int, stop: int) -> None:
        scenario = states[index].point.scenario
        for replication in range(start, stop):
            handle = executor.submit(replicate, scenario, replication, traces)
            pending[handle] = (index, replication)

    for index, state in enumerate(states):
        submit(index, 0, state.target)
    progress = progress or Progress(enabled=False)
    progress.start(len(pending), len(points) + already_done, already_done)
    results: list[PointResult | None] = [None] * len(points)
    try:
        while pending:
            for handle in executor.wait_any(set(pending)):
                index, replication = pending.pop(handle)
                state = states[index]
                state.outcomes[replication] = executor.result(handle)
                progress.finished_replication()
                if len(state.outcomes) < state.target:
                    continue
                target = state.next_target(replications)
                if target > state.target:
                    submit(index, state.target, target)
                    progress.planned(target - state.target)
                    state.target = target
                    continue
                results[index] = state.result()
                progress.finished_point()
                if on_done is not None:
                    on_done(results[index])
    finally:
        progress.close()
    return [result for result in results if result is not None]


def cap_note(replications: Replications, results: list[PointResult]) -> str:
    """A warning when auto replications stopped at the cap before reaching the precision."""
    capped = sum(1 for result in results if result.capped)
    if not capped:
        return ""
    share = f"{capped} of {len(results)} points" if len(results) > 1 else "the run"
    return (
        f"note: {share} stopped at the cap of {replications.cap} replications before reaching "
        f"±{replications.precision:.0%}; raise --max-replications or relax --precision"
    )
