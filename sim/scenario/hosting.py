"""Where the systems run: hosting sites, and disasters that destroy them.

A scenario without a ``hosting`` section runs every system on its own servers
at its own site (on premise), all linked by the default network.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from sim.scenario.base import StrictModel
from sim.scenario.distributions import DurationDistribution
from sim.scenario.params.shared import Problems, check_names
from sim.scenario.sections import DEFAULT_NETWORK, Slug
from sim.scenario.units import Duration


class Site(StrictModel):
    """A place where systems run: a town hall's server room or a shared (cloud) data centre."""

    name: Slug = Field(description="site name, e.g. 'municipal-cloud'; names its metrics")
    region: Slug | None = Field(
        None, description="the region it stands in; a disaster may strike a whole region"
    )
    hosts: list[Slug] = Field(
        default_factory=list,
        description="systems placed here: an agency (all its offices), one office "
        "('city-2'), or a central system ('hub', 'intermediate-platform', an intermediate "
        "server, 'register-authority', 'resident-registry'); a system not placed on any "
        "site runs on its own servers at its own site",
    )
    servers: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="servers shared by every system placed here (a pooled cloud site: "
        "their requests queue for the same servers); default: each system keeps its own",
    )
    cost_per_server_hour: float = Field(
        1.0,
        ge=0,
        le=1e9,
        description="cost of one provisioned server for one hour (any money unit, the same "
        "on every site)",
    )
    network: Slug = Field(
        DEFAULT_NETWORK,
        description="the network the site is attached to (a name from network.networks, or "
        "'default'); a hop to a site on another network crosses both",
    )
    backup_site: Slug | None = Field(
        None, description="a site holding a copy of the data held here (default: none)"
    )
    replication_lag: Duration = Field(
        "0 s",
        description="how far the copy at the backup site trails: records changed within "
        "this time before a disaster are lost",
    )


class Hosting(StrictModel):
    """Where the systems run, what it costs, and the network inside a site."""

    sites: list[Site] = Field(default_factory=list, description="sites and what they host")
    lan_latency: DurationDistribution = Field(
        default_factory=lambda: DurationDistribution(distribution="constant", mean="0.5 ms"),
        description="one-way latency of a hop between two systems on the same site "
        "(assumed: 0.5 ms)",
    )
    on_premise_cost_per_server_hour: float = Field(
        1.0,
        ge=0,
        le=1e9,
        description="cost of one server-hour of a system not placed on any site",
    )


class Disaster(StrictModel):
    """A disaster that destroys a site, or every site of a region, during the run."""

    site: Slug | None = Field(None, description="the site destroyed (give this or region)")
    region: Slug | None = Field(
        None, description="a region: every site in it is destroyed (give this or site)"
    )
    at: Duration = Field(description="when it strikes, from the start of the run")
    restore_time: Duration = Field(
        description="how long until the destroyed sites' systems serve again"
    )

    @model_validator(mode="after")
    def _one_target(self) -> Disaster:
        if (self.site is None) == (self.region is None):
            raise ValueError("give exactly one of site and region")
        return self


def hosting_problems(scenario: Any) -> Problems:
    """Names in ``hosting``, ``outages`` and ``disasters`` that the scenario does not define."""
    found: Problems = []
    networks = [DEFAULT_NETWORK, *(network.name for network in scenario.network.networks)]
    if len(set(networks)) < len(networks):
        found.append(
            (
                ("network", "networks"),
                f"network names must differ from each other and from {DEFAULT_NETWORK!r}",
            )
        )
    sites = [site.name for site in scenario.hosting.sites]
    if len(set(sites)) < len(sites):
        found.append((("hosting", "sites"), "site names must differ from each other"))
    for index, site in enumerate(scenario.hosting.sites):
        path = ("hosting", "sites", index)
        check_names(found, (*path, "network"), site.network, "network", networks)
        if site.backup_site is not None:
            others = [name for name in sites if name != site.name]
            check_names(found, (*path, "backup_site"), site.backup_site, "site", others)
        elif site.replication_lag > 0:
            found.append(((*path, "replication_lag"), "has no effect without a backup_site"))
    for index, outage in enumerate(scenario.outages):
        if outage.site is not None:
            check_names(found, ("outages", index, "site"), outage.site, "site", sites)
        if outage.network is not None:
            check_names(found, ("outages", index, "network"), outage.network, "network", networks)
    regions = sorted({site.region for site in scenario.hosting.sites if site.region})
    for index, disaster in enumerate(scenario.disasters):
        path = ("disasters", index)
        if disaster.site is not None:
            check_names(found, (*path, "site"), disaster.site, "site", sites)
        if disaster.region is not None and not regions:
            message = f"unknown region {disaster.region!r}: no site has one"
            found.append(((*path, "region"), message))
        elif disaster.region is not None:
            check_names(found, (*path, "region"), disaster.region, "region", regions)
        if disaster.at >= scenario.duration:
            found.append(((*path, "at"), "must fall within the run (before 'duration')"))
    return found
