"""The world a scenario describes: population, sectors, agencies, procedures, network."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from sim.scenario.base import StrictModel
from sim.scenario.distributions import DurationDistribution
from sim.scenario.units import Duration

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$"),
]
"""A lower-case name usable in file names and metric names: letters, digits, '-' and '_'."""


SAMPLING_NOTE = "note: population sampled"
"""How every note about a sampled population begins (the CLI shows it even with --quiet)."""


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

    size: int = Field(
        ge=1,
        le=2_000_000_000,
        description="number of citizens at the start: the population the scenario stands for "
        "(with `sample` below 1, only a sample of it is simulated)",
    )
    sample: float = Field(
        1.0,
        description="share of the citizens simulated, above 0 and at most 1 (default 1: "
        "all). Below 1, round(size × sample) citizens (at least 1) drawn at random stand for "
        "the whole population: every exchange still runs at the full volume of `size`, and "
        "counts of persons and records (privacy.linkable_profiles, privacy.false_joins, "
        "resilience.records_lost) are scaled by size / simulated citizens; see docs/model.md, "
        "Sampling",
    )
    locale: Literal["ja", "latin"] = Field(
        "ja", description="name and address vocabulary: 'ja' (Japanese) or 'latin'"
    )
    municipalities: int = Field(
        10, ge=1, le=100_000, description="municipalities the citizens live in"
    )
    max_age_years: int = Field(
        100, ge=1, le=125, description="oldest age at the start (ages are uniform below it)"
    )
    history_years: float = Field(
        10.0,
        ge=0,
        le=100,
        description="years of moves and marriages before the run; agencies registered "
        "citizens at some time in this span, and those not told of later events hold "
        "out-of-date copies",
    )
    life_events: LifeEvents = Field(
        default_factory=LifeEvents, description="rates of moves, marriages, births, deaths"
    )

    @field_validator("sample", mode="before")
    @classmethod
    def _check_sample(cls, value: object) -> float:
        number = _number(value)
        if number is not None and 0 < number <= 1:
            return number
        hint = "1 simulates every citizen, 0.01 one in a hundred"
        if number is not None and 1 < number <= 100:
            hint = f"for {number:g} % write {number / 100:g}"
        raise ValueError(
            f"expected the share of citizens simulated, a number above 0 and at most 1 "
            f"(got {value!r}); {hint}"
        )

    @property
    def simulated_size(self) -> int:
        """Citizens simulated at the start: ``round(size × sample)``, at least 1."""
        return max(1, round(self.size * self.sample))

    @property
    def scale_factor(self) -> float:
        """Citizens each simulated citizen stands for: ``size / simulated_size`` (1: no sampling).

        It is ``1 / sample`` whenever ``size × sample`` is a whole number.
        """
        return self.size / self.simulated_size

    def simulated(self) -> Population:
        """This section with ``size`` the citizens simulated (and ``sample`` 1).

        Population generation takes this, so it draws the sample; the workload's
        volume still follows the represented ``size``.
        """
        return self.model_copy(update={"size": self.simulated_size, "sample": 1.0})

    def sampling(self) -> dict[str, float | int]:
        """The sampling of a run, for its manifest."""
        return {
            "sample": self.sample,
            "simulated_citizens": self.simulated_size,
            "represented_citizens": self.size,
            "scale_factor": self.scale_factor,
        }

    def sampling_note(self) -> str:
        """One line saying the population was sampled and by what factor ("" with sample 1)."""
        if self.sample >= 1:
            return ""
        return (
            f"{SAMPLING_NOTE}: {self.simulated_size:,} of {self.size:,} citizens "
            f"simulated (population.sample {self.sample:g}); counts of persons and records "
            f"are scaled ×{scale_text(self.scale_factor)}, exchanges run at the full volume"
        )


def scale_text(factor: float) -> str:
    """A scale factor for people to read: ``100``, ``12,500``, ``3.333``."""
    return f"{factor:,.0f}" if factor >= 100 else f"{factor:.4g}"


def _number(value: object) -> float | None:
    """``value`` as a float if it is a number or a numeric string ("1e-2"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


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
    municipality: Literal["residence", "previous"] = Field(
        "residence",
        description="for a municipal provider, which office answers: the one where the "
        "citizen lives, or the one they lived in before their latest move",
    )


class Uptake(StrictModel):
    """How many of the citizens eligible for a procedure apply for it."""

    base: float = Field(ge=0, le=1, description="share of eligible citizens who apply untold")
    told: float = Field(
        ge=0, le=1, description="share who apply when a push notice tells them they can"
    )


class Procedure(StrictModel):
    """An administrative procedure started by an agency, needing items from others."""

    name: Slug = Field(description="procedure name, e.g. 'child-allowance'")
    requester: Slug = Field(description="the agency that runs the procedure")
    requester_municipality: Literal["residence", "previous"] = Field(
        "residence",
        description="for a municipal requester, which office runs it: the one where the "
        "citizen lives, or the one they lived in before their latest move (e.g. "
        "property tax for a former resident)",
    )
    rate_per_day: float | None = Field(
        None,
        ge=0,
        le=1e10,
        description="procedures started per day over the whole population (give this or "
        "rate_per_citizen_per_year)",
    )
    rate_per_citizen_per_year: float | None = Field(
        None,
        ge=0,
        le=1e6,
        description="procedures started per citizen per year: the volume then scales with "
        "population.size, the represented citizens even when only a sample is simulated "
        "(give this or rate_per_day)",
    )
    daily_profile: list[float] | None = Field(
        None,
        description="24 non-negative weights, one per hour of the day (default: flat)",
    )
    needs: list[Need] = Field(min_length=1, description="items needed from other agencies")
    citizen_applies: bool = Field(
        True,
        description="with a `citizens` section: the citizen applies (a trip to the counter or "
        "online, with an identity check); false: the agency starts it itself, e.g. a tax "
        "assessment",
    )
    online: bool = Field(
        False, description="card holders can apply online (see `citizens.online_share`)"
    )
    one_stop: list[Slug] = Field(
        default_factory=list,
        description="agencies whose own procedure this application also starts: with "
        "`citizens.one_stop` a notice to each (a query), otherwise a trip to each",
    )
    uptake: Uptake | None = Field(
        None,
        description="for a procedure citizens must apply for: the rate is then the rate at "
        "which citizens become eligible, and these shares apply (default: all apply)",
    )

    @model_validator(mode="after")
    def _one_rate(self) -> Procedure:
        if (self.rate_per_day is None) == (self.rate_per_citizen_per_year is None):
            raise ValueError("give exactly one of rate_per_day and rate_per_citizen_per_year")
        return self

    @property
    def notice_item(self) -> str:
        """The item of this procedure's one-stop notices: the application itself, passed on."""
        return f"{self.name}-notice"

    def daily_rate(self, population_size: int) -> float:
        """Procedures started per day for a population of ``population_size``."""
        if self.rate_per_day is not None:
            return self.rate_per_day
        return self.rate_per_citizen_per_year * population_size / 365.25

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


DEFAULT_NETWORK = "default"
"""The name of the network described by ``network.latency``."""


class NamedNetwork(StrictModel):
    """A named network between sites: a closed government network, a VPN, the internet."""

    name: Slug = Field(description="network name, e.g. 'lgwan' or 'cross-border'")
    latency: DurationDistribution = Field(description="one-way latency of one hop over it")
    bandwidth_mbps: float | None = Field(
        None,
        gt=0,
        le=1e7,
        description="bandwidth in Mbit/s: a hop also takes network.message_kb / bandwidth "
        "to transfer (default: no transfer time)",
    )


class Network(StrictModel):
    """The networks between systems: the default one, and named ones sites attach to."""

    latency: DurationDistribution = Field(
        default_factory=lambda: DurationDistribution(
            distribution="lognormal", mean="20 ms", cv=0.5
        ),
        description="one-way latency of one hop between two systems over the default "
        "network (every system not placed on a site is on it)",
    )
    bandwidth_mbps: float | None = Field(
        None,
        gt=0,
        le=1e7,
        description="bandwidth of the default network in Mbit/s (default: no transfer time)",
    )
    networks: list[NamedNetwork] = Field(
        default_factory=list,
        description="further networks; a hosting site attaches to one of them",
    )
    message_kb: float = Field(
        4.0,
        gt=0,
        le=1e9,
        description="size of one request or answer in kB, for the transfer time over a "
        "network with a bandwidth (assumed: 4 kB)",
    )


class RecordErrorRates(StrictModel):
    """Probability, per record copy, of each kind of recording error.

    The kinds and the mix within a typo follow the Febrl and GeCo corruptors; the
    rates themselves are assumptions (see ``sim/population/corrupt.py``).
    """

    typo: float = Field(0.02, ge=0, le=1, description="one keyboard error in name or address")
    variant: float = Field(
        0.03, ge=0, le=1, description="a real variant form or reading of the name (高橋/髙橋)"
    )
    width: float = Field(0.02, ge=0, le=1, description="full-width/half-width characters")
    address_notation: float = Field(
        0.05, ge=0, le=1, description="another address notation (2丁目1番地2号 / 2-1-2)"
    )
    missing: float = Field(0.02, ge=0, le=1, description="address, sex or birth date left empty")
    birth_date: float = Field(
        0.01, ge=0, le=1, description="birth date off by a day or with digits swapped"
    )


class Notification(StrictModel):
    """An agency that learns of citizens' moves and marriages, and how long that takes."""

    agency: Slug = Field(description="the agency told (a name from `agencies`)")
    delay: Duration = Field("0 s", description="time from the event until its copy is updated")


class Records(StrictModel):
    """How agencies record citizens' basic four facts (name, address, sex, birth date)."""

    error_rates: RecordErrorRates = Field(
        default_factory=RecordErrorRates, description="recording errors in each copy"
    )
    notified: list[Notification] = Field(
        default_factory=list,
        description="agencies told of moves and marriages; the others keep stale copies "
        "(municipal offices always record residents who move in, at the move)",
    )


class Outage(StrictModel):
    """A system, site or network out of service: queries that need it wait for it or fail.

    Give the time window (``start`` and ``duration``), or the mean time between
    failures and to repair (``mtbf`` and ``mttr``) to draw windows at random.
    """

    node: Slug | None = Field(
        None,
        description="the system down: an agency (all its offices), one office ('city-2'), "
        "or a central system ('hub', 'register-authority', 'resident-registry', an "
        "intermediate server)",
    )
    site: Slug | None = Field(None, description="a hosting site down: every system on it")
    network: Slug | None = Field(
        None, description="a network down ('default' or a name from network.networks)"
    )
    start: Duration | None = Field(
        None, description="when the outage begins, from the start of the run"
    )
    duration: Duration | None = Field(None, description="how long it stays down")
    mtbf: Duration | None = Field(
        None, description="mean time between failures (drawn exponential, with mttr)"
    )
    mttr: Duration | None = Field(None, description="mean time to repair (drawn exponential)")

    @model_validator(mode="after")
    def _one_target_and_timing(self) -> Outage:
        if sum(target is not None for target in (self.node, self.site, self.network)) != 1:
            raise ValueError("give exactly one of node, site and network")
        window = (self.start is not None, self.duration is not None)
        drawn = (self.mtbf is not None, self.mttr is not None)
        if not (all(window) and not any(drawn)) and not (all(drawn) and not any(window)):
            raise ValueError("give start and duration, or mtbf and mttr")
        if self.mtbf is not None and (self.mtbf <= 0 or self.mttr <= 0):
            raise ValueError("mtbf and mttr must be longer than 0 s")
        return self
