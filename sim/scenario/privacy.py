"""The scenario's `privacy:` section: leaked node sets, insiders, and how misuse is noticed.

Every default here is an assumption (no source gives these rates); the bundled
scenario `breach-and-insider.yaml` says so in its header.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from sim.scenario.base import StrictModel
from sim.scenario.params.shared import Problems, check_names
from sim.scenario.sections import Slug
from sim.scenario.units import Duration

CENTRAL = "central"
"""In a compromise, the architecture's central identifier store: the hub (symbol) or the
register authority (sectoral); flat and separate have none."""
CENTRAL_SYSTEMS = (CENTRAL, "hub", "resident-registry", "register-authority")

CompromiseName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_+-]{0,127}$")]
"""A compromise's name, part of metric names: lower-case letters, digits, '-', '_' and '+'."""


class Compromise(StrictModel):
    """A set of systems whose stored data leaks together."""

    name: CompromiseName = Field(
        description="the compromise's name, used in metric names (letters, digits, '-', '_', '+')"
    )
    nodes: list[str] = Field(
        min_length=1,
        description="the systems that leak: an agency (all its offices), one office "
        "('city-2'), 'central' (hub or register authority), 'hub', 'resident-registry' "
        "or 'register-authority'",
    )


class Purpose(StrictModel):
    """Why an insider looks citizens up, and what a misuse case of that kind does."""

    name: Slug = Field(description="the purpose, e.g. 'curiosity'")
    share: float = Field(ge=0, le=1e6, description="relative share of misuse cases")
    queries: int = Field(1, ge=1, le=100_000, description="queries one misuse case makes")
    same_citizen: bool = Field(
        True,
        description="all of a case's queries are about one citizen (curiosity, stalking); "
        "otherwise each is about another citizen (selling data)",
    )
    spread: Duration = Field("0 s", description="time over which a case's queries are spread")


def _default_purposes() -> list[Purpose]:
    return [
        Purpose(name="curiosity", share=0.6, queries=1),
        Purpose(name="stalking", share=0.25, queries=5, spread="1 day"),
        Purpose(name="selling-data", share=0.15, queries=20, same_citizen=False, spread="1 h"),
    ]


class Insiders(StrictModel):
    """Staff who look citizens up without a legal basis (assumed rates)."""

    cases_per_day: float = Field(
        0.0, ge=0, le=1e7, description="misuse cases started per day, over all agencies"
    )
    agencies: list[Slug] | None = Field(
        None, description="agencies whose staff misuse their access (default: every agency)"
    )
    purposes: list[Purpose] = Field(
        default_factory=_default_purposes,
        min_length=1,
        description="kinds of misuse and their shares",
    )
    clerk_question_rate: float = Field(
        0.5,
        ge=0,
        le=1,
        description="separate: probability that a clerk reviewing a request without a legal "
        "basis asks what it is for and refuses it (requests matched automatically reach no clerk)",
    )


class Detection(StrictModel):
    """How misuse that got through is noticed: citizens checking a portal, audits of logs."""

    portal_check_rate_per_year: float = Field(
        0.5,
        ge=0,
        le=1000,
        description="times a year each citizen looks at who accessed their data, where a "
        "portal shows it (symbol: the hub's records; flat: agencies in `data_tracker`)",
    )
    data_tracker: list[Slug] = Field(
        default_factory=list,
        description="flat: agencies whose access logs citizens can see (Estonia's Data "
        "Tracker covered 15 of 300+ systems in 2025)",
    )
    audit_rate_per_year: float = Field(
        4.0, ge=0, le=10_000, description="audits of each access log per year"
    )
    audit_sample_share: float = Field(
        0.05,
        ge=0,
        le=1,
        description="share of the entries logged since the last audit that an audit examines",
    )
    window: Duration = Field(
        "365 day",
        description="follow-up after the run during which checks and audits still count",
    )


class Privacy(StrictModel):
    """What an attacker who obtains stored data can join, and insider misuse."""

    analysis: bool = Field(
        True, description="run the compromise analysis (the attacker's joins) in every replication"
    )
    default_compromises: bool = Field(
        True,
        description="analyse the standard compromises: every agency alone (a municipal agency "
        "by its first office), every pair within a sector and across sectors, the central "
        "store alone and with each agency",
    )
    compromises: list[Compromise] = Field(
        default_factory=list,
        description="further named compromises (one with a default's name replaces it)",
    )
    quasi_identifiers: bool = Field(
        True,
        description="the attacker also joins leaked records by name, address, sex and birth "
        "date with the record-linkage matcher",
    )
    match_threshold: float = Field(
        14.0,
        ge=-100,
        le=100,
        description="match weight (bits) at or above which the attacker accepts a pair as "
        "the same person (the matcher's default upper threshold)",
    )
    picture_compromise: str = Field(
        "",
        description="the compromise coloured in the exposure pictures (default: the first "
        "cross-sector pair)",
    )
    insiders: Insiders = Field(default_factory=Insiders, description="insider misuse")
    detection: Detection = Field(default_factory=Detection, description="how misuse is noticed")

    def problems(self, scenario: Any) -> Problems:
        """Unknown agency, office and compromise names, with their key paths."""
        agencies = [agency.name for agency in scenario.agencies]
        systems = [*agencies, *CENTRAL_SYSTEMS]
        for agency in scenario.agencies:
            if agency.per_municipality:
                offices = range(1, scenario.population.municipalities + 1)
                systems.extend(f"{agency.name}-{k}" for k in offices)
        found: Problems = []
        seen: set[str] = set()
        for index, compromise in enumerate(self.compromises):
            if compromise.name in seen:
                path = ("privacy", "compromises", index, "name")
                found.append((path, f"the name {compromise.name!r} is used twice"))
            seen.add(compromise.name)
            for position, node in enumerate(compromise.nodes):
                if node not in systems:
                    path = ("privacy", "compromises", index, "nodes", position)
                    check_names(found, path, node, "system", [*agencies, *CENTRAL_SYSTEMS])
        for index, name in enumerate(self.insiders.agencies or []):
            check_names(found, ("privacy", "insiders", "agencies", index), name, "agency", agencies)
        for index, name in enumerate(self.detection.data_tracker):
            path = ("privacy", "detection", "data_tracker", index)
            check_names(found, path, name, "agency", agencies)
        if self.picture_compromise:
            names = [name for name, _ in compromise_list(scenario)]
            path = ("privacy", "picture_compromise")
            check_names(found, path, self.picture_compromise, "compromise", names)
        if self.insiders.cases_per_day > 0 and not sum(p.share for p in self.insiders.purposes):
            path = ("privacy", "insiders", "purposes")
            found.append((path, "the purposes' shares must not all be zero"))
        return found


def _representatives(scenario: Any) -> list[tuple[str, str]]:
    """(system name, sector) per agency; a municipal agency by its first office."""
    return [(f"{a.name}-1" if a.per_municipality else a.name, a.sector) for a in scenario.agencies]


def default_compromises(scenario: Any) -> list[tuple[str, tuple[str, ...]]]:
    """Every agency alone, every pair within and across sectors, the central store alone
    and with each agency. A municipal agency is represented by its first office."""
    agencies = _representatives(scenario)
    singles = [(name, (name,)) for name, _ in agencies]
    pairs = list(itertools.combinations(agencies, 2))
    within = [(f"{a}+{b}", (a, b)) for (a, sa), (b, sb) in pairs if sa == sb]
    across = [(f"{a}+{b}", (a, b)) for (a, sa), (b, sb) in pairs if sa != sb]
    central = [(CENTRAL, (CENTRAL,))]
    with_central = [(f"{CENTRAL}+{name}", (CENTRAL, name)) for name, _ in agencies]
    return singles + within + across + central + with_central


def compromise_list(scenario: Any) -> list[tuple[str, tuple[str, ...]]]:
    """The scenario's compromises: the defaults (if on), then its own (replacing by name)."""
    spec = scenario.privacy
    chosen = dict(default_compromises(scenario)) if spec.default_compromises else {}
    for compromise in spec.compromises:
        chosen[compromise.name] = tuple(compromise.nodes)
    return list(chosen.items())


def first_cross_sector_pair(scenario: Any) -> str:
    """The name of the first default compromise of two agencies in different sectors."""
    agencies = _representatives(scenario)
    for (a, sector_a), (b, sector_b) in itertools.combinations(agencies, 2):
        if sector_a != sector_b:
            return f"{a}+{b}"
    return agencies[0][0]
