"""Parameters of the sectoral architecture (the scenario's `sectoral:` section)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from sim.scenario.base import StrictModel
from sim.scenario.distributions import DurationDistribution
from sim.scenario.params.shared import Problems, check_names, servers_field, service_time_field
from sim.scenario.sections import Slug


class SectorPair(StrictModel):
    """A cross-sector flow the law allows: requesters of one sector may get another's bPK."""

    from_sector: Slug = Field(description="the requesting agency's sector (a name from `sectors`)")
    to_sector: Slug = Field(description="the providing agency's sector (a name from `sectors`)")


class RegisterAuthority(StrictModel):
    """The register authority's system (assumed capacity: 4 servers, 20 ms)."""

    servers: int = servers_field(4)
    service_time: DurationDistribution = service_time_field("20 ms")


class SectoralParams(StrictModel):
    """The sectoral model (Austria): a bPK per sector, derived from a hidden sourcePIN."""

    register_authority: RegisterAuthority = Field(
        default_factory=RegisterAuthority,
        description="the register authority that issues encrypted bPKs for cross-sector queries",
    )
    allowed_cross_sector: list[SectorPair] = Field(
        default_factory=list,
        description="sector pairs (requester's sector, provider's sector) the law allows; "
        "any other cross-sector query is refused",
    )
    enrolment_error_rate: float = Field(
        0.0001,
        ge=0,
        le=1,
        description="share of register entries enrolled with another person's bPK "
        "(default 0.010 %, Japan's 2023 review of My Number links; an assumption for Austria)",
    )

    def problems(self, scenario: Any) -> Problems:
        """Sector names that are not in the scenario's ``sectors``, with their key paths."""
        known = [sector.name for sector in scenario.sectors]
        found: Problems = []
        for index, pair in enumerate(self.allowed_cross_sector):
            for key in ("from_sector", "to_sector"):
                path = ("sectoral", "allowed_cross_sector", index, key)
                check_names(found, path, getattr(pair, key), "sector", known)
        return found
