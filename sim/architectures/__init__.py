"""Identity architectures, one module each, found by their ``name``."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from sim.architectures.base import Architecture, WorldView


@cache
def available() -> dict[str, type[Architecture]]:
    """Every architecture class in this package, by its scenario name."""
    found: dict[str, type[Architecture]] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Architecture)
                and value is not Architecture
                and getattr(value, "name", None)
            ):
                found[value.name] = value
    return dict(sorted(found.items()))


__all__ = ["Architecture", "WorldView", "available"]
