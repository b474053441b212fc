"""Parameters of the flat architecture (the scenario's `flat:` section)."""

from __future__ import annotations

from pydantic import Field

from sim.scenario.base import StrictModel
from sim.scenario.distributions import DurationDistribution
from sim.scenario.params.shared import servers_field, service_time_field


class DirectoryHub(StrictModel):
    """A hub with a reference directory between agencies (Belgium's Crossroads Bank).

    Assumed capacity: 8 servers, 10 ms per request.
    """

    servers: int = servers_field(8)
    service_time: DurationDistribution = service_time_field("10 ms")


class FlatParams(StrictModel):
    """The flat model: one national number used by every agency."""

    registration_error_rate: float = Field(
        0.0001,
        ge=0,
        le=1,
        description="share of register entries recorded with another person's number "
        "(default 0.010 %, Japan's 2023 review of My Number links)",
    )
    access_control: bool = Field(
        False,
        description="providers refuse exchanges (requester, provider, item) that no procedure "
        "needs with a legal basis (X-Road style access rights per client and service)",
    )
    number_as_proof: bool = Field(
        False,
        description="a counter accepts the bare number as proof of identity from a citizen "
        "without a card (no photo check, no registry lookup)",
    )
    directory_hub: DirectoryHub | None = Field(
        None,
        description="route every query through a hub that keeps a reference directory of "
        "which agency holds whom and forwards only to an agency that does (Belgium's "
        "Crossroads Bank); default: agencies query each other directly (X-Road)",
    )
