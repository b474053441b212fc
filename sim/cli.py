"""The ``idsim`` command: validate, run and list scenarios."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.scenario import ScenarioError, load_scenario

EXIT_USER_ERROR = 2
BUNDLED = Path(__file__).resolve().parent.parent / "scenarios"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="idsim",
        description="Compare national identity-number architectures by simulation.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check scenario files and report problems")
    validate.add_argument("paths", nargs="+", metavar="PATH")

    run = commands.add_parser("run", help="run a scenario and write its results folder")
    run.add_argument("path", metavar="PATH")
    run.add_argument(
        "--arch", action="append", metavar="NAME", help="architecture to run (repeatable)"
    )
    run.add_argument("--replications", type=int, metavar="N")
    run.add_argument("--seed", type=int, metavar="N")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value, e.g. population.size=5000 (repeatable)",
    )
    run.add_argument("--out", metavar="DIR", help="results folder (default: results/<name>/...)")
    run.add_argument("--quiet", action="store_true", help="print only the results folder")

    commands.add_parser("list", help="list the bundled scenarios")
    return parser


def _validate(paths: list[str]) -> int:
    status = 0
    for path in paths:
        try:
            load_scenario(path)
            print(f"ok: {path}")
        except ScenarioError as error:
            print(error)
            status = EXIT_USER_ERROR
    return status


def _run(args: argparse.Namespace) -> int:
    from sim.experiment import run

    scenario = load_scenario(args.path, args.set)
    result = run(scenario, architectures=args.arch, replications=args.replications, seed=args.seed)
    folder = result.save(args.out)
    if args.quiet:
        print(folder)
        return 0
    print(f"{result.scenario.name}: {result.scenario.description}")
    print(result.table())
    print(f"\nresults: {folder}  ({result.wall_seconds:.1f} s)")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``idsim`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.paths)
        if args.command == "run":
            return _run(args)
        return _list()
    except ScenarioError as error:
        print(error, file=sys.stderr)
        return EXIT_USER_ERROR
    except FileExistsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
