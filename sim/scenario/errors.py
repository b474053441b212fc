"""Errors a user can cause, each pointing at a place in a file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located in its source.

    Attributes:
        source: the file path, or ``--set`` for a command-line override.
        line: 1-based line number (0 when unknown).
        column: 1-based column number (0 when unknown).
        key: the dotted key path, e.g. ``population.size``.
        message: what is wrong, with what was expected and what was found.
    """

    source: str
    line: int
    column: int
    key: str
    message: str

    def __str__(self) -> str:
        key = f"{self.key}: " if self.key else ""
        place = f"{self.source}:{self.line}:{self.column}" if self.line else self.source
        return f"{place}: {key}{self.message}"


class ScenarioError(Exception):
    """A scenario (file or override) is not valid; holds every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))

    @classmethod
    def single(
        cls, source: str, message: str, key: str = "", line: int = 0, column: int = 0
    ) -> ScenarioError:
        return cls([Problem(source, line, column, key, message)])
