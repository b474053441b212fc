"""Parameters of each identity architecture: one module and one scenario section each."""

from sim.scenario.base import StrictModel
from sim.scenario.params.flat import FlatParams
from sim.scenario.params.sectoral import SectoralParams
from sim.scenario.params.separate import SeparateParams
from sim.scenario.params.symbol import SymbolParams

ARCHITECTURE_PARAMS: dict[str, type[StrictModel]] = {
    "separate": SeparateParams,
    "flat": FlatParams,
    "sectoral": SectoralParams,
    "symbol": SymbolParams,
}
"""The parameter section of each architecture, by the architecture's name."""

__all__ = [
    "ARCHITECTURE_PARAMS",
    "FlatParams",
    "SectoralParams",
    "SeparateParams",
    "SymbolParams",
]
