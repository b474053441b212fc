"""Parameters of the separate architecture (the scenario's `separate:` section)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.base import StrictModel
from sim.scenario.distributions import DurationDistribution
from sim.scenario.units import Duration


class SeparateParams(StrictModel):
    """Separate numbers per service: agencies find each other's citizens by name matching."""

    upper_threshold: float = Field(
        14.0,
        ge=-100,
        le=100,
        description="match weight (log2 m/u summed over fields) at or above which a match "
        "is accepted without a clerk (a full agreement scores about 30 to 40 bits; 14 "
        "still accepts about two disagreeing fields, not a stranger sharing only the name)",
    )
    lower_threshold: float = Field(
        4.0,
        ge=-100,
        le=100,
        description="match weight below which a match is rejected; in between a clerk decides",
    )
    search_time_per_candidate: Duration = Field(
        "0.1 ms",
        description="system time to compare the incoming record with one candidate of its "
        "blocks, added to the provider's service time (assumption)",
    )
    blocking: list[Literal["birth_date", "name_reading", "municipality"]] = Field(
        default_factory=lambda: ["birth_date", "name_reading"],
        min_length=1,
        description="keys a register is searched by: candidates share at least one; "
        "'municipality' finds records whose birth date and reading are both wrong, at "
        "the cost of comparing every resident of the town",
    )
    clerks: int = Field(
        2, ge=1, le=10_000, description="clerks reviewing matches at each agency office"
    )
    review_time: DurationDistribution = Field(
        default_factory=lambda: DurationDistribution(
            distribution="lognormal", mean="10 min", cv=0.5
        ),
        description="a clerk's time to review one uncertain match",
    )
    clerk_accuracy: float = Field(
        0.98,
        ge=0,
        le=1,
        description="probability that a clerk decides a reviewed match rightly",
    )
    visit_delay: Duration = Field(
        "2 day",
        description="time until a citizen asked for a paper certificate brings it",
    )
    visit_hours: float = Field(
        2.0, ge=0, le=1000, description="the citizen's own time for one certificate trip, hours"
    )
    em_sample: int = Field(
        2000,
        ge=100,
        le=1_000_000,
        description="records sampled to estimate the matcher's m and u probabilities by EM",
    )

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> SeparateParams:
        if self.lower_threshold > self.upper_threshold:
            raise ValueError(
                f"lower_threshold ({self.lower_threshold}) must not exceed upper_threshold "
                f"({self.upper_threshold})"
            )
        return self
