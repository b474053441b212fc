"""Parameters of the flat architecture (the scenario's `flat:` section)."""

from __future__ import annotations

from pydantic import Field

from sim.scenario.base import StrictModel


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
