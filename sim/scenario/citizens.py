"""The scenario's `citizens:` section: channels, identity checks, impostors, one-stop, notices.

Without the section citizens are not simulated: procedures start at their
agency with no trip and no identity check (as in every scenario before it).
Every default here is an assumption; a scenario that uses the section says
where its figures come from.
"""

from __future__ import annotations

from pydantic import Field

from sim.scenario.base import StrictModel
from sim.scenario.distributions import DurationDistribution
from sim.scenario.params.shared import servers_field, service_time_field, share_field
from sim.scenario.units import Duration


class RegistryLookup(StrictModel):
    """The resident-registry service a counter asks to confirm an identity (method 2).

    Assumed capacity: 4 servers, 2 s per confirmation.
    """

    servers: int = servers_field(4)
    service_time: DurationDistribution = service_time_field("2 s")


class IdentityOdds(StrictModel):
    """Probability that an impostor gets through, by how identity is confirmed (assumptions)."""

    card: float = share_field(0.02, "at the counter with the victim's card (photo check)")
    registry_lookup: float = share_field(
        0.1,
        "at the counter without a card, the clerk confirming the claimed facts "
        "with the resident registry",
    )
    number_only: float = share_field(
        0.5, "at the counter where the bare number is accepted as proof (flat.number_as_proof)"
    )
    online: float = share_field(
        0.001, "online with the victim's card, its certificate and PIN (public-key authentication)"
    )


class Impersonation(StrictModel):
    """Impostors applying for procedures in someone else's name."""

    rate_per_day: float = Field(0.0, ge=0, le=1e9, description="impostors' applications per day")
    stolen_card_share: float = share_field(
        0.1, "share of impostors holding the victim's card (the rest come without one)"
    )
    success: IdentityOdds = Field(
        default_factory=IdentityOdds, description="how often an impostor gets through, by method"
    )


class PushNotices(StrictModel):
    """A portal telling eligible citizens about procedures they can use."""

    reach: float = share_field(
        0.0,
        "share of eligible card holders the portal tells (an architecture that "
        "cannot link a citizen's records across agencies tells no one)",
    )


class Citizens(StrictModel):
    """How citizens reach procedures: counter or online, and how they prove who they are."""

    card_ownership: float = share_field(
        0.0, "share of citizens holding an identity card with a certificate"
    )
    online_share: float = share_field(
        0.0,
        "share of card holders' applications made online, for procedures that "
        "can be done online (`procedures[].online`)",
    )
    visit_hours: float = Field(
        1.0, ge=0, le=1000, description="a citizen's hours for one trip to a counter"
    )
    card_check: Duration = Field(
        "30 s", description="a clerk confirming identity by the card (method 1)"
    )
    registry_lookup: RegistryLookup = Field(
        default_factory=RegistryLookup,
        description="the resident-registry service confirming identity without a card (method 2)",
    )
    one_stop: bool = Field(
        False,
        description="an application also starts the procedures of the agencies in its "
        "`procedures[].one_stop` (a notice to each); otherwise the citizen goes to each",
    )
    push_notices: PushNotices = Field(
        default_factory=PushNotices,
        description="the portal telling eligible citizens of procedures with an `uptake`",
    )
    impersonation: Impersonation = Field(
        default_factory=Impersonation, description="impostors and how often they get through"
    )
