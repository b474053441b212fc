"""The whole scenario: every key, its type, its default and its one-line description."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import Field, field_validator, model_validator

from sim.scenario.base import StrictModel
from sim.scenario.citizens import Citizens
from sim.scenario.hosting import Disaster, Hosting, hosting_problems
from sim.scenario.params import (
    ARCHITECTURE_PARAMS,
    FlatParams,
    SectoralParams,
    SeparateParams,
    SymbolParams,
)
from sim.scenario.privacy import Privacy
from sim.scenario.sections import (
    Agency,
    Network,
    Outage,
    Population,
    Procedure,
    Records,
    Sector,
    Slug,
)
from sim.scenario.units import Duration


class Scenario(StrictModel):
    """A complete, validated scenario with every default resolved."""

    name: Slug = Field(description="scenario name; names the results folder")
    description: str = Field("", description="one line saying what the scenario asks")
    seed: int = Field(1, ge=0, le=2**63 - 1, description="the seed of every random stream")
    duration: Duration = Field("1 day", description="simulated time, e.g. '1 day' or '8 h'")
    warmup: Duration = Field(
        "0 s", description="initial period excluded from the metrics, e.g. '1 h'"
    )
    replications: int = Field(3, ge=1, le=100_000, description="independent replications")
    architectures: list[str] = Field(
        default_factory=lambda: list(ARCHITECTURE_PARAMS),
        min_length=1,
        description="architectures to run, from: " + ", ".join(ARCHITECTURE_PARAMS),
    )
    timeseries_interval: Duration = Field(
        "15 min",
        description="how often every system's queue and busy servers are sampled for "
        "timeseries.csv, e.g. '15 min'",
    )
    sweep: dict[str, list[Any]] = Field(
        default_factory=dict,
        description="the grid `idsim sweep` runs: a key as in --set and the list of its values, "
        "e.g. {population.size: [5000, 20000]}; every combination is one point",
    )
    population: Population = Field(description="the synthetic citizens")
    sectors: list[Sector] = Field(min_length=1, description="sectors of government")
    agencies: list[Agency] = Field(min_length=1, description="agencies and their systems")
    procedures: list[Procedure] = Field(
        min_length=1, description="procedures that make agencies exchange data"
    )
    network: Network = Field(default_factory=Network, description="the network between systems")
    records: Records = Field(
        default_factory=Records, description="how agencies record citizens' basic facts"
    )
    separate: SeparateParams = Field(
        default_factory=SeparateParams, description="separate model parameters"
    )
    flat: FlatParams = Field(default_factory=FlatParams, description="flat model parameters")
    sectoral: SectoralParams = Field(
        default_factory=SectoralParams, description="sectoral model parameters"
    )
    symbol: SymbolParams = Field(
        default_factory=SymbolParams, description="symbol model parameters"
    )
    outages: list[Outage] = Field(
        default_factory=list, description="systems out of service for a while"
    )
    max_wait_for_outage: Duration = Field(
        "1 h",
        description="longest a query waits for a system that is down; beyond it the query "
        "fails as unavailable",
    )
    privacy: Privacy = Field(
        default_factory=Privacy,
        description="leaked data an attacker joins; insider misuse and its detection",
    )
    hosting: Hosting = Field(
        default_factory=Hosting, description="where the systems run, and what it costs"
    )
    disasters: list[Disaster] = Field(
        default_factory=list, description="disasters that destroy a site during the run"
    )
    citizens: Citizens | None = Field(
        None,
        description="citizens' side: counter or online, identity checks, impostors, one-stop "
        "and push notices (default: not simulated)",
    )

    @field_validator("timeseries_interval")
    @classmethod
    def _positive_interval(cls, seconds: float) -> float:
        if seconds <= 0:
            raise ValueError("expected a positive duration, e.g. '15 min'")
        return seconds

    @field_validator("sweep")
    @classmethod
    def _values_to_sweep(cls, grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
        empty = [key for key, values in grid.items() if not values]
        if empty:
            raise ValueError(f"give at least one value for {', '.join(empty)}")
        return grid

    @model_validator(mode="before")
    @classmethod
    def _fill_sector_codes(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("sectors"), list):
            for sector in data["sectors"]:
                if isinstance(sector, dict) and not sector.get("code") and sector.get("name"):
                    sector["code"] = str(sector["name"])[:2].upper().replace("_", "-")
        return data

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.warmup >= self.duration:
            problems.append((("warmup",), "must be shorter than 'duration'"))
        for index, name in enumerate(self.architectures):
            if name not in ARCHITECTURE_PARAMS:
                problems.append(
                    (("architectures", index), f"unknown architecture {name!r}" + _hint(name))
                )
        _check_unique(problems, "sectors", [s.name for s in self.sectors])
        _check_unique(problems, "agencies", [a.name for a in self.agencies])
        _check_unique(problems, "procedures", [p.name for p in self.procedures])
        sector_names = [s.name for s in self.sectors]
        for index, agency in enumerate(self.agencies):
            if agency.sector not in sector_names:
                problems.append(
                    (
                        ("agencies", index, "sector"),
                        f"unknown sector {agency.sector!r} (expected one of "
                        f"{', '.join(sector_names)})" + _hint(agency.sector, sector_names),
                    )
                )
        agency_names = [a.name for a in self.agencies]
        for index, notification in enumerate(self.records.notified):
            if notification.agency not in agency_names:
                problems.append(
                    (
                        ("records", "notified", index, "agency"),
                        f"unknown agency {notification.agency!r}"
                        + _hint(notification.agency, agency_names),
                    )
                )
        for index, procedure in enumerate(self.procedures):
            if procedure.requester not in agency_names:
                problems.append(
                    (
                        ("procedures", index, "requester"),
                        f"unknown agency {procedure.requester!r}"
                        + _hint(procedure.requester, agency_names),
                    )
                )
            for stop_index, agency in enumerate(procedure.one_stop):
                if agency not in agency_names:
                    problems.append(
                        (
                            ("procedures", index, "one_stop", stop_index),
                            f"unknown agency {agency!r}" + _hint(agency, agency_names),
                        )
                    )
            for need_index, need in enumerate(procedure.needs):
                if need.provider not in agency_names:
                    problems.append(
                        (
                            ("procedures", index, "needs", need_index, "provider"),
                            f"unknown agency {need.provider!r}"
                            + _hint(need.provider, agency_names),
                        )
                    )
        if problems:
            raise CrossReferenceError(problems)
        return self

    @model_validator(mode="after")
    def _check_architecture_references(self) -> Scenario:
        problems = [
            *self.sectoral.problems(self),
            *self.symbol.problems(self),
            *self.privacy.problems(self),
        ]
        if problems:
            raise CrossReferenceError(problems)
        return self

    @model_validator(mode="after")
    def _check_hosting_references(self) -> Scenario:
        problems = hosting_problems(self)
        if problems:
            raise CrossReferenceError(problems)
        return self

    def lawful_exchanges(self) -> set[tuple[str, str, str]]:
        """The (requester, provider, item) exchanges some procedure needs with a legal basis,
        and, with ``citizens.one_stop``, each procedure's notices to its one-stop agencies."""
        lawful = {
            (procedure.requester, need.provider, need.item)
            for procedure in self.procedures
            for need in procedure.needs
            if need.legal_basis
        }
        if self.citizens is not None and self.citizens.one_stop:
            for procedure in self.procedures:
                notice = procedure.notice_item
                lawful |= {(procedure.requester, agency, notice) for agency in procedure.one_stop}
        return lawful

    def agency(self, name: str) -> Agency:
        """The agency spec named ``name``."""
        return next(agency for agency in self.agencies if agency.name == name)

    def resolved(self) -> dict[str, Any]:
        """The scenario as plain data with every default filled in (YAML/JSON ready)."""
        return self.model_dump(mode="json")

    def digest(self) -> str:
        """A short hash of the resolved scenario, stable across runs and machines."""
        text = json.dumps(self.resolved(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


class CrossReferenceError(ValueError):
    """Problems found across sections, each with its own key path."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


def _check_unique(
    problems: list[tuple[tuple[str | int, ...], str]], section: str, names: list[str]
) -> None:
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            problems.append(((section, index, "name"), f"the name {name!r} is used twice"))
        seen.add(name)


def _hint(word: str, choices: list[str] | None = None) -> str:
    from difflib import get_close_matches

    options = choices if choices is not None else list(ARCHITECTURE_PARAMS)
    close = get_close_matches(word, options, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
