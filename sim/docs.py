"""Generate the reference pages from the code: ``python -m sim.docs`` (or ``make docs``).

``docs/scenario-reference.md`` comes from the scenario schema and
``docs/metrics.md`` from the metric glossary; a test checks both are current.
"""

from __future__ import annotations

import sys
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.metrics import GLOSSARY
from sim.scenario import Scenario
from sim.scenario.loader import _model_in

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _type_name(annotation: object) -> str:
    text = str(annotation) if not isinstance(annotation, type) else annotation.__name__
    text = text.replace("typing.", "").replace("sim.scenario.", "")
    for module in ("sections.", "distributions.", "params.", "flat.", "schema.", "hosting."):
        text = text.replace(module, "")
    if "Annotated[float" in text and "parse_duration" in text:
        return "duration"
    if "Annotated[str" in text:
        return "name"
    return text.replace("NoneType", "None").replace(" | ", " or ")


def _default(field) -> str:
    if field.default is not PydanticUndefined:
        value = field.default
    elif field.default_factory is not None:
        value = field.default_factory()
    else:
        return "**required**"
    if isinstance(value, BaseModel):
        return "(section)"
    if isinstance(value, list) and not value:
        return "`[]`"
    if isinstance(value, list) and all(isinstance(item, BaseModel) for item in value):
        value = [item.model_dump(mode="json", exclude_defaults=True) for item in value]
    return f"`{value}`" if value is not None and value != "" else "(empty)"


def _section(model: type[BaseModel], prefix: str, lines: list[str], seen: set) -> None:
    nested: list[tuple[str, type[BaseModel]]] = []
    lines.append(f"### `{prefix or 'top level'}`\n")
    if model.__doc__:
        lines.append(model.__doc__.strip().splitlines()[0] + "\n")
    lines.append("| key | type | default | meaning |")
    lines.append("| --- | --- | --- | --- |")
    for name, field in model.model_fields.items():
        inner = _model_in(field.annotation)
        is_list = typing.get_origin(field.annotation) is list
        key = f"{prefix}.{name}" if prefix else name
        type_name = f"list of `{key}[]`" if inner and is_list else _type_name(field.annotation)
        if inner and not is_list:
            type_name = "section"
        lines.append(f"| `{name}` | {type_name} | {_default(field)} | {field.description or ''} |")
        if inner is not None and (key, inner) not in seen:
            seen.add((key, inner))
            nested.append((f"{key}[]" if is_list else key, inner))
    lines.append("")
    for key, inner in nested:
        _section(inner, key, lines, seen)


def scenario_reference() -> str:
    """The scenario reference page as Markdown."""
    lines = [
        "# Scenario reference",
        "",
        "Generated from the schema in `sim/scenario/` by `make docs`; do not edit by hand.",
        "",
        "Durations are written with a unit: `250 ms`, `30 s`, `5 min`, `2 h`, `1 day`, "
        "`1 week`, `1 year`. Rates carry their unit in the key (`rate_per_day`). Unknown "
        "keys are errors. Any value can be overridden on the command line with "
        "`--set KEY=VALUE`, e.g. `--set population.size=5000` or "
        "`--set agencies.tax.servers=4` (a list item by its name or index).",
        "",
    ]
    _section(Scenario, "", lines, set())
    return "\n".join(lines).rstrip() + "\n"


def metrics_reference() -> str:
    """The metric glossary page as Markdown."""
    lines = [
        "# Metrics",
        "",
        "Generated from the glossary in `sim/metrics.py` by `make docs`; do not edit by hand.",
        "Every value is counted or measured from what happened in the run, after the warm-up.",
        "`<node>` stands for an agency (all offices of a municipal agency together), a system "
        "or a hosting site.",
        "",
        "With `population.sample` below 1 only a sample of the citizens is simulated, while "
        "every exchange runs at the full volume. Counts of persons and records (*scaled* "
        "below) are then multiplied by the scale factor, `population.size` / simulated "
        "citizens (the run's `manifest.json` gives it under `sampling`); every other metric "
        "is counted from the full-volume workload as it is (see docs/model.md, Sampling).",
        "",
        "| metric | unit | better | under sampling | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for info in GLOSSARY:
        sampling = "scaled" if info.scaled else "-"
        lines.append(
            f"| `{info.name}` | {info.unit} | {info.better or '-'} | {sampling} | {info.meaning} |"
        )
    return "\n".join(lines) + "\n"


PAGES = {"scenario-reference.md": scenario_reference, "metrics.md": metrics_reference}
README = DOCS.parent / "README.md"
GLOSSARY_START = "<!-- metric glossary: generated by `make docs` -->"
GLOSSARY_END = "<!-- end of metric glossary -->"


def readme_with_glossary(readme: str) -> str:
    """The README with its metric glossary section regenerated from the code."""
    start = readme.index(GLOSSARY_START) + len(GLOSSARY_START)
    end = readme.index(GLOSSARY_END)
    table = metrics_reference().split("\n| metric |", 1)[1]
    return f"{readme[:start]}\n| metric |{table}{readme[end:]}"


def main() -> int:
    DOCS.mkdir(exist_ok=True)
    for name, render in PAGES.items():
        (DOCS / name).write_text(render(), encoding="utf-8")
        print(f"wrote docs/{name}")
    README.write_text(readme_with_glossary(README.read_text(encoding="utf-8")), encoding="utf-8")
    print("updated the metric glossary in README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
