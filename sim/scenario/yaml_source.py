"""Safe YAML loading that remembers where every key and value came from.

Only plain YAML types are built (no object construction from tags). Duplicate
keys are reported as problems rather than silently overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sim.scenario.errors import Problem, ScenarioError

Location = tuple[int, int]
KeyPath = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Where each key path of a loaded document sits in its file."""

    source: str
    key_marks: dict[KeyPath, Location] = field(default_factory=dict)
    value_marks: dict[KeyPath, Location] = field(default_factory=dict)

    def locate(self, path: KeyPath, *, prefer_value: bool = True) -> Location:
        """The best known position for ``path``: the value, the key, or the nearest parent."""
        probe = tuple(path)
        while True:
            marks = (self.value_marks, self.key_marks) if prefer_value else (self.key_marks,)
            for table in marks:
                if probe in table:
                    return table[probe]
            if not probe:
                return (1, 1)
            probe = probe[:-1]


class _StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys; tags beyond plain YAML already fail."""


def _mark(node: yaml.Node) -> Location:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _walk(node: yaml.Node, path: KeyPath, smap: SourceMap, problems: list[Problem]) -> None:
    smap.value_marks[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, Location] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if key in seen:
                line, col = _mark(key_node)
                first_line = seen[key][0]
                dotted = ".".join(str(p) for p in (*path, key))
                problems.append(
                    Problem(
                        smap.source,
                        line,
                        col,
                        dotted,
                        f"duplicate key (first given on line {first_line}); keep one of them",
                    )
                )
                continue
            seen[key] = _mark(key_node)
            smap.key_marks[(*path, key)] = _mark(key_node)
            _walk(value_node, (*path, key), smap, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), smap, problems)


def parse_yaml(text: str, source: str) -> tuple[object, SourceMap]:
    """Parse YAML text safely, returning the data and where each part came from.

    Raises:
        ScenarioError: for syntax errors, duplicate keys or unsupported tags.
    """
    smap = SourceMap(source)
    try:
        node = yaml.compose(text, Loader=_StrictSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or str(exc)
        raise ScenarioError.single(
            source, f"YAML syntax error: {what}; check indentation and quoting", "", line, col
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise ScenarioError.single(
            source,
            f"character {character!r} (U+{ord(character):04X}) is not allowed in YAML; remove it",
            "",
            line,
            column,
        ) from None
    except yaml.YAMLError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError.single(source, f"YAML error: {first_line}", "", 1, 1) from None
    if node is None:
        raise ScenarioError.single(
            source, "the file is empty (expected a mapping with at least 'name')", "", 1, 1
        )
    problems: list[Problem] = []
    _walk(node, (), smap, problems)
    if problems:
        raise ScenarioError(problems)
    try:
        data = yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise ScenarioError.single(
            source,
            f"unsupported YAML tag or value ({exc.problem}); use plain values",
            "",
            line,
            col,
        ) from None
    return data, smap


def read_yaml_file(path: str | Path) -> tuple[object, SourceMap]:
    """Read and parse a scenario file, turning file-system failures into ScenarioError."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError.single(
            source, "file not found (check the path; `idsim list` shows bundled scenarios)"
        ) from None
    except IsADirectoryError:
        raise ScenarioError.single(source, "is a folder, expected a .yaml scenario file") from None
    except UnicodeDecodeError as exc:
        raise ScenarioError.single(
            source, f"not UTF-8 text ({exc.reason}); save the file as UTF-8"
        ) from None
    except OSError as exc:
        raise ScenarioError.single(source, f"cannot read the file ({exc.strerror})") from None
    return parse_yaml(text, source)
