"""Load a scenario from YAML, apply command-line overrides, and explain every problem."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.scenario.errors import Problem, ScenarioError
from sim.scenario.schema import CrossReferenceError, Scenario
from sim.scenario.yaml_source import KeyPath, SourceMap, parse_yaml, read_yaml_file

OVERRIDE_SOURCE = "--set"


def load_scenario(path: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Read, override and validate a scenario file.

    Args:
        path: the YAML file.
        overrides: ``KEY=VALUE`` strings, e.g. ``population.size=5000``; a list item
            may be named by its index or by its ``name`` (``agencies.tax.servers=4``).

    Raises:
        ScenarioError: with one located problem per mistake.
    """
    data, smap = read_yaml_file(path)
    return scenario_from_data(data, smap, overrides)


def load_scenario_text(text: str, source: str = "<text>", overrides: Iterable[str] = ()):
    """Like :func:`load_scenario` for YAML held in a string (notebooks, tests)."""
    data, smap = parse_yaml(text, source)
    return scenario_from_data(data, smap, overrides)


def scenario_from_data(data: object, smap: SourceMap, overrides: Iterable[str] = ()) -> Scenario:
    """Validate already-parsed scenario data, reporting problems at their place."""
    if not isinstance(data, dict):
        raise ScenarioError.single(
            smap.source,
            f"expected a mapping of keys (name:, population:, ...), got {type(data).__name__}",
            "",
            1,
            1,
        )
    overridden: dict[KeyPath, str] = {}
    for text in overrides:
        path = apply_override(data, text)
        overridden[path] = text
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems(exc, data, smap, overridden)) from None


def apply_override(data: dict, text: str) -> KeyPath:
    """Set ``KEY=VALUE`` inside ``data`` in place and return the resolved key path."""
    key, sep, raw_value = text.partition("=")
    if not sep or not key.strip():
        raise ScenarioError.single(
            OVERRIDE_SOURCE, f"expected KEY=VALUE (e.g. population.size=5000), got {text!r}"
        )
    try:
        value = yaml.safe_load(raw_value) if raw_value.strip() else ""
    except yaml.YAMLError:
        value = raw_value
    parts = key.strip().split(".")
    node: Any = data
    path: list[str | int] = []
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        if isinstance(node, list):
            index = _list_index(node, part)
            if index is None:
                names = ", ".join(str(item.get("name")) for item in node if isinstance(item, dict))
                where = ".".join(map(str, path)) or "top level"
                raise ScenarioError.single(
                    OVERRIDE_SOURCE,
                    f"no list item {part!r} under {where} "
                    f"(expected an index 0..{len(node) - 1} or a name: {names})",
                    key,
                )
            path.append(index)
            if last:
                node[index] = value
            else:
                node = node[index]
            continue
        if not isinstance(node, dict):
            raise ScenarioError.single(
                OVERRIDE_SOURCE,
                f"{'.'.join(map(str, path))} is a single value, it has no key {part!r}",
                key,
            )
        path.append(part)
        if last:
            node[part] = value
        else:
            node = node.setdefault(part, {})
    return tuple(path)


def _list_index(items: list, part: str) -> int | None:
    if part.isdigit():
        index = int(part)
        return index if index < len(items) else None
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == part:
            return index
    return None


def _problems(
    exc: ValidationError, data: dict, smap: SourceMap, overridden: dict[KeyPath, str]
) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors():
        cross = error.get("ctx", {}).get("error")
        if isinstance(cross, CrossReferenceError):
            for path, message in cross.problems:
                problems.append(_located(path, message, smap, overridden))
            continue
        path = _clean_loc(error["loc"], data)
        problems.append(_located(path, _describe(error, path), smap, overridden))
    return sorted(problems, key=lambda p: (p.source, p.line, p.column, p.key))


def _clean_loc(loc: tuple, data: object) -> KeyPath:
    """The loc's keys, without pydantic's internal parts (union branch and validator
    names, which have a "[" in them). A key the scenario has is kept, whatever its
    spelling (a key ``"0["`` is the user's own, not pydantic's)."""
    path, node = [], data
    for part in loc:
        if _has(node, part):
            node = node[part]
        elif isinstance(part, int) or "[" not in str(part):
            node = None
        else:
            continue  # pydantic's own
        path.append(part)
    return tuple(path)


def _has(node: object, part: object) -> bool:
    """Whether ``node`` (a mapping or list read from the scenario) has key or index ``part``."""
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _located(
    path: KeyPath, message: str, smap: SourceMap, overridden: dict[KeyPath, str]
) -> Problem:
    dotted = ".".join(str(part) for part in path)
    for override_path, text in overridden.items():
        if path[: len(override_path)] == override_path:
            return Problem(f"{OVERRIDE_SOURCE} {text}", 0, 0, dotted, message)
    line, column = smap.locate(path)
    return Problem(smap.source, line, column, dotted, message)


def _describe(error: dict, path: KeyPath) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1])
        close = get_close_matches(str(path[-1]), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown key (expected one of: {', '.join(allowed)}){hint}"
    if kind == "missing":
        return "required key is missing; add it"
    message = error["msg"]
    message = message.removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    given = error.get("input")
    if kind.startswith(("greater", "less", "int_", "float_", "bool_", "string_", "literal")):
        return f"{message} (got {given!r})"
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        return f"{message} (got {type(given).__name__} {given!r})"
    return message


def _allowed_keys(path: KeyPath) -> list[str]:
    model: Any = Scenario
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if _is_model(model) else None
        if field is None:
            return []
        model = _model_in(field.annotation)
    return list(model.model_fields) if _is_model(model) else []


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _model_in(annotation: Any) -> Any:
    """The BaseModel inside ``annotation`` (``list[Model]``, ``Model | None``, ...)."""
    if _is_model(annotation):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None
