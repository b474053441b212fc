"""Parameters of each identity architecture: one module and one scenario section each."""

from sim.scenario.base import StrictModel
from sim.scenario.params.flat import FlatParams

ARCHITECTURE_PARAMS: dict[str, type[StrictModel]] = {
    "flat": FlatParams,
}
"""The parameter section of each architecture, by the architecture's name."""

__all__ = ["ARCHITECTURE_PARAMS", "FlatParams"]
