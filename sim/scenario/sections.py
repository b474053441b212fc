"""The world a scenario describes: population, sectors, agencies, procedures, network."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from sim.scenario.base import StrictModel
from sim.scenario.distributions import DurationDistribution

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$"),
]
"""A lower-case name usable in file names and metric names: letters, digits, '-' and '_'."""


class LifeEvents(StrictModel):
    """Rates of life events that change a citizen's basic facts during the run."""

    move_rate_per_year: float = Field(
        0.04, ge=0, le=10, description="moves to another municipality per citizen per year"
    )
    marriage_rate_per_year: float = Field(
        0.005, ge=0, le=10, description="marriages (surname changes) per citizen per year"
    )
    birth_rate_per_year: float = Field(
        0.006, ge=0, le=10, description="births per citizen per year (new citizens)"
    )
    death_rate_per_year: float = Field(
        0.012, ge=0, le=10, description="deaths per citizen per year"
    )


class Population(StrictModel):
    """The synthetic citizens."""

    size: int = Field(ge=1, le=2_000_000_000, description="number of citizens at the start")
    locale: Literal["ja", "latin"] = Field(
        "ja", description="name and address vocabulary: 'ja' (Japanese) or 'latin'"
    )
    municipalities: int = Field(
        10, ge=1, le=100_000, description="municipalities the citizens live in"
    )
    max_age_years: int = Field(
        100, ge=1, le=125, description="oldest age at the start (ages are uniform below it)"
    )
    life_events: LifeEvents = Field(
        default_factory=LifeEvents, description="rates of moves, marriages, births, deaths"
    )


class Sector(StrictModel):
    """A sector of government (tax, health, social security, ...)."""

    name: Slug = Field(description="sector name, e.g. 'tax'")
    code: str = Field(
        "",
        pattern=r"^[A-Z0-9-]{0,8}$",
        description="short sector code (Austrian style, e.g. 'SA' for taxes); default: "
        "the name's first two letters in upper case",
    )
    description: str = Field("", description="what the sector covers")


class Agency(StrictModel):
    """An agency that keeps a register of citizens and answers queries about them."""

    name: Slug = Field(description="agency name, e.g. 'tax-office'")
    sector: Slug = Field(description="the sector it belongs to (a name from `sectors`)")
    per_municipality: bool = Field(
        False,
        description="one agency per municipality, each serving its residents "
        "(named '<name>-<k>'); otherwise one national agency",
    )
    coverage: float = Field(
        1.0,
        ge=0,
        le=1,
        description="share of citizens on its register (national agencies only)",
    )
    servers: int = Field(1, ge=1, le=100_000, description="parallel servers of its system")
    service_time: DurationDistribution = Field(
        default_factory=lambda: DurationDistribution(mean="200 ms"),
        description="time its system takes to answer one query",
    )


class Need(StrictModel):
    """One item of information a procedure needs from a providing agency."""

    provider: Slug = Field(description="the agency that holds the item")
    item: Slug = Field(description="the information item, e.g. 'income'")
    legal_basis: bool = Field(True, description="whether the law allows this exchange")


class Procedure(StrictModel):
    """An administrative procedure started by an agency, needing items from others."""

    name: Slug = Field(description="procedure name, e.g. 'child-allowance'")
    requester: Slug = Field(description="the agency that runs the procedure")
    rate_per_day: float = Field(
        ge=0, le=1e10, description="procedures started per day, over the whole population"
    )
    daily_profile: list[float] | None = Field(
        None,
        description="24 non-negative weights, one per hour of the day (default: flat)",
    )
    needs: list[Need] = Field(min_length=1, description="items needed from other agencies")

    @field_validator("daily_profile")
    @classmethod
    def _check_profile(cls, profile: list[float] | None) -> list[float] | None:
        if profile is None:
            return None
        if len(profile) != 24:
            raise ValueError(f"expected 24 hourly weights, got {len(profile)}")
        if any(weight < 0 for weight in profile) or sum(profile) <= 0:
            raise ValueError("expected non-negative weights with a positive sum")
        return profile


class Network(StrictModel):
    """The network between agencies' systems."""

    latency: DurationDistribution = Field(
        default_factory=lambda: DurationDistribution(
            distribution="lognormal", mean="20 ms", cv=0.5
        ),
        description="one-way latency of one hop between two systems",
    )
