"""Parameters of the symbol architecture (the scenario's `symbol:` section)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from sim.scenario.base import StrictModel
from sim.scenario.distributions import DurationDistribution
from sim.scenario.params.shared import Problems, check_names, servers_field, service_time_field
from sim.scenario.sections import Slug


class Hub(StrictModel):
    """The hub's system (assumed capacity: 8 servers, 10 ms)."""

    servers: int = servers_field(8)
    service_time: DurationDistribution = service_time_field("10 ms")


class ResidentRegistry(StrictModel):
    """The resident registry's system (assumed capacity: 2 servers, 50 ms)."""

    servers: int = servers_field(2)
    service_time: DurationDistribution = service_time_field("50 ms")


class Intermediate(StrictModel):
    """The intermediate servers between each agency and the hub (capacities assumed)."""

    servers: int = Field(
        2, ge=1, le=100_000, description="servers of each agency's (or office's) own server"
    )
    service_time: DurationDistribution = Field(
        default_factory=lambda: DurationDistribution(
            distribution="lognormal", mean="15 ms", cv=0.5
        ),
        description="time an intermediate server takes to relay a request (answering from "
        "its copy takes the providing agency's service time)",
    )
    shared_platform_for: list[Slug] = Field(
        default_factory=list,
        description="agencies whose systems (e.g. every municipal office) share one "
        "intermediate platform instead of each running its own",
    )
    platform_servers: int = Field(
        8, ge=1, le=100_000, description="servers of the shared intermediate platform"
    )


class Exchange(StrictModel):
    """One line of the statutory exchange table: who may get which item from whom."""

    requester: Slug = Field(description="the requesting agency")
    provider: Slug = Field(description="the providing agency")
    item: Slug = Field(description="the information item")


class SymbolParams(StrictModel):
    """The symbol model (Japan): agency-specific symbols translated by a hub."""

    hub: Hub = Field(
        default_factory=Hub,
        description="the hub that checks the exchange table, translates symbols and logs",
    )
    resident_registry: ResidentRegistry = Field(
        default_factory=ResidentRegistry,
        description="the resident registry the hub asks when issuing a symbol during the run",
    )
    intermediate: Intermediate = Field(
        default_factory=Intermediate, description="the intermediate servers"
    )
    stores_number: list[Slug] | dict[Slug, bool] | None = Field(
        None,
        description="agencies that also keep the visible My Number in their files: a list of "
        "names or a name -> true/false mapping (default: every agency)",
    )
    enrolment_error_rate: float = Field(
        0.0001,
        ge=0,
        le=1,
        description="share of register entries enrolled with another person's My Number, "
        "hence that person's symbol (default 0.010 %: 8,351 wrong links in 82.08 M, "
        "Japan's 2023 review)",
    )
    exchange_table: list[Exchange] | None = Field(
        None,
        description="the statutory exchange table; default: every (requester, provider, item) "
        "of a procedure need with a legal basis",
    )

    def stores_my_number(self, agency: str) -> bool:
        """Whether ``agency`` keeps the My Number in its own files."""
        if self.stores_number is None:
            return True
        if isinstance(self.stores_number, dict):
            return self.stores_number.get(agency, False)
        return agency in self.stores_number

    def exchanges(self, scenario: Any) -> set[tuple[str, str, str]]:
        """The (requester, provider, item) exchanges the hub allows."""
        if self.exchange_table is not None:
            return {(rule.requester, rule.provider, rule.item) for rule in self.exchange_table}
        return scenario.lawful_exchanges()

    def problems(self, scenario: Any) -> Problems:
        """Agency and item names that the scenario does not define, with their key paths."""
        agencies = [agency.name for agency in scenario.agencies]
        items = sorted({need.item for procedure in scenario.procedures for need in procedure.needs})
        found: Problems = []
        named = list(self.stores_number or [])
        for index, name in enumerate(named):
            key = name if isinstance(self.stores_number, dict) else index
            check_names(found, ("symbol", "stores_number", key), name, "agency", agencies)
        for index, name in enumerate(self.intermediate.shared_platform_for):
            path = ("symbol", "intermediate", "shared_platform_for", index)
            check_names(found, path, name, "agency", agencies)
        for index, rule in enumerate(self.exchange_table or []):
            path = ("symbol", "exchange_table", index)
            check_names(found, (*path, "requester"), rule.requester, "agency", agencies)
            check_names(found, (*path, "provider"), rule.provider, "agency", agencies)
            check_names(found, (*path, "item"), rule.item, "item", items)
        return found
