"""The ``idsim`` command: validate, run, sweep, plot and list scenarios."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import NoReturn

from sim.executors import MissingExtra
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.sections import SAMPLING_NOTE

EXIT_USER_ERROR = 2
BUNDLED = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT_PRECISION = 0.05
DEFAULT_CAP = 50


class _Parser(argparse.ArgumentParser):
    """Reports a bad option in one line (and exit status 2), pointing at ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USER_ERROR, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _replications(text: str) -> int | str:
    if text == "auto":
        return text
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1 or 'auto', got {text!r}")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction such as 0.05, got {text!r}")
    return value


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return int(text)


def _experiment_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("path", metavar="PATH")
    command.add_argument(
        "--arch", action="append", metavar="NAME", help="architecture to run (repeatable)"
    )
    command.add_argument(
        "--replications",
        type=_replications,
        metavar="N|auto",
        help="replications (per point); 'auto' adds them until --precision is reached",
    )
    command.add_argument(
        "--precision",
        type=_share,
        metavar="P",
        help=f"with --replications auto: relative 95%% half-width wanted (default "
        f"{DEFAULT_PRECISION})",
    )
    command.add_argument(
        "--metric",
        action="append",
        metavar="NAME",
        help="metric the precision applies to (repeatable; default linkage.auto_rate and "
        "linkage.latency_p95)",
    )
    command.add_argument(
        "--max-replications",
        type=_jobs,
        default=DEFAULT_CAP,
        metavar="N",
        help=f"cap of --replications auto (default {DEFAULT_CAP})",
    )
    command.add_argument("--seed", type=int, metavar="N")
    command.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value, e.g. population.size=5000 (repeatable)",
    )
    command.add_argument(
        "--jobs", type=_jobs, metavar="N", help="worker processes (default: every core)"
    )
    command.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask scheduler (tcp://host:8786), or 'local' for a LocalCluster; "
        "needs pip install 'idsim[dask]'",
    )
    command.add_argument("--no-plots", action="store_true", help="skip the plots and the report")
    command.add_argument(
        "--quiet", action="store_true", help="print only the results folder; no progress bar"
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="idsim",
        description="Compare national identity-number architectures by simulation.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check scenario files and report problems")
    validate.add_argument("paths", nargs="+", metavar="PATH")

    run = commands.add_parser("run", help="run a scenario and write its results folder")
    _experiment_options(run)
    run.add_argument("--out", metavar="DIR", help="results folder (default: results/<name>/...)")

    sweep = commands.add_parser("sweep", help="run a scenario over a grid of values")
    _experiment_options(sweep)
    sweep.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=V1,V2,...",
        help="a key and its values, e.g. population.size=1000,5000 (repeatable: full grid)",
    )
    sweep.add_argument(
        "--out", metavar="DIR", help="sweep folder (default: results/<name>/sweep-<UTC>-<hash>)"
    )
    sweep.add_argument(
        "--resume",
        nargs="?",
        const=True,
        default=False,
        metavar="FOLDER",
        help="continue a sweep: skip the points already in FOLDER (or --out, or the latest "
        "folder of the same sweep)",
    )

    plot = commands.add_parser("plot", help="draw the plots and the report of a results folder")
    plot.add_argument("folder", metavar="RUN_FOLDER")

    commands.add_parser("list", help="list the bundled scenarios")
    return parser


def _validate(paths: list[str]) -> int:
    from sim.sweeps import make_points

    status = 0
    for path in paths:
        try:
            scenario = load_scenario(path)
            if scenario.sweep:
                make_points(scenario, scenario.sweep)
            print(f"ok: {path}")
            if scenario.population.sampling_note():
                print(f"  {scenario.population.sampling_note()}")
        except ScenarioError as error:
            print(error)
            status = EXIT_USER_ERROR
    return status


def _policy(args: argparse.Namespace):
    """The Replications of the options (None: the scenario's count)."""
    from sim.metrics import GLOSSARY, describe
    from sim.schedule import AUTO_METRICS, Replications

    for metric in args.metric or []:
        try:
            describe(metric)
        except KeyError:
            close = get_close_matches(metric, [info.name for info in GLOSSARY], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ScenarioError.single("--metric", f"unknown metric {metric!r}{hint}") from None
    if args.replications == "auto" or args.precision is not None:
        count = 3
        if isinstance(args.replications, int):
            count = args.replications
        return Replications(
            count=min(count, args.max_replications),
            precision=args.precision or DEFAULT_PRECISION,
            metrics=tuple(args.metric or AUTO_METRICS),
            cap=args.max_replications,
        )
    return args.replications


def _executor(args: argparse.Namespace):
    if not args.dask:
        return None
    from sim.executors import DaskExecutor

    return DaskExecutor(args.dask, args.jobs)


def _run(args: argparse.Namespace) -> int:
    from sim.experiment import run

    scenario = load_scenario(args.path, args.set)
    policy = _policy(args)
    executor = _executor(args)
    try:
        result = run(
            scenario,
            architectures=args.arch,
            replications=policy,
            seed=args.seed,
            jobs=args.jobs,
            executor=executor,
            progress=not args.quiet,
        )
    finally:
        if executor is not None:
            executor.close()
    folder = result.save(args.out, plots=not args.no_plots)
    if args.quiet:
        _sampling_to_stderr(result.notes)
        print(folder)
        return 0
    print(f"{result.scenario.name}: {result.scenario.description}")
    print(result.table())
    for note in result.notes:
        print(note)
    print(f"\nresults: {folder}  ({result.wall_seconds:.1f} s)")
    if not args.no_plots:
        print(f"report:  {folder / 'report.html'}")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from sim.experiment import with_values
    from sim.sweeps import parse_vary, sweep

    grid = parse_vary(args.vary)
    scenario = with_values(
        load_scenario(args.path, args.set), seed=args.seed, architectures=args.arch
    )
    resume = args.resume is not False
    out = args.resume if isinstance(args.resume, str) else args.out
    executor = _executor(args)
    try:
        result = sweep(
            scenario,
            grid,
            replications=_policy(args),
            jobs=args.jobs,
            executor=executor,
            out=out,
            resume=resume,
            progress=not args.quiet,
            plots=not args.no_plots,
        )
    finally:
        if executor is not None:
            executor.close()
    if args.quiet:
        _sampling_to_stderr(result.notes)
        print(result.folder)
        return 0
    print(
        f"{scenario.name}: {result.points} points, {result.ran} run, {result.skipped} "
        f"resumed, {len(result.failed)} failed  ({result.wall_seconds:.1f} s)"
    )
    failed = result.table[result.table["error"].fillna("") != ""]
    for _, row in failed.drop_duplicates("error").iterrows():
        print(f"  failed: {row['error']}")
    for note in result.notes:
        print(note)
    print(f"\nresults: {result.folder}")
    if not args.no_plots:
        print(f"report:  {result.folder / 'report.html'}")
    return 0


def _sampling_to_stderr(notes: list[str]) -> None:
    """With --quiet, still say (on stderr) that the population was sampled: never silent."""
    for note in notes:
        if note.startswith(SAMPLING_NOTE):
            print(note, file=sys.stderr)


def _plot(folder: str) -> int:
    from sim.report.document import render_folder

    path = Path(folder)
    if not path.is_dir():
        print(f"{folder}: no such folder", file=sys.stderr)
        return EXIT_USER_ERROR
    for written in render_folder(path):
        print(written)
    return 0


def _list() -> int:
    import yaml

    for path in sorted(BUNDLED.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            description = data.get("description", "") if isinstance(data, dict) else ""
        except yaml.YAMLError:
            description = "(not valid YAML; run `idsim validate` on it)"
        print(f"{path.relative_to(BUNDLED.parent)}  {description}")
    return 0


def _one_line_warning(message, category, filename, lineno, line=None) -> str:  # noqa: ANN001
    """Warnings as the command line shows them: one line, no source excerpt."""
    return f"warning: {message}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``idsim`` console script; returns the exit status."""
    warnings.formatwarning = _one_line_warning
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # --help, or a bad option already reported in one line
        return stop.code if isinstance(stop.code, int) else EXIT_USER_ERROR
    try:
        if args.command == "validate":
            return _validate(args.paths)
        if args.command == "run":
            return _run(args)
        if args.command == "sweep":
            return _sweep(args)
        if args.command == "plot":
            return _plot(args.folder)
        return _list()
    except ScenarioError as error:
        print(error, file=sys.stderr)
        return EXIT_USER_ERROR
    except (FileExistsError, FileNotFoundError, MissingExtra) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
