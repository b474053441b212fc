"""The citizen's side: channels, identity checks, impostors, one-stop and push notices."""

from __future__ import annotations

import numpy as np

from sim.citizens.applications import CARD, NUMBER_ONLY, ONLINE, REGISTRY_LOOKUP
from sim.citizens.counter import REGISTRY_LOOKUP_NODE
from sim.metrics import compute_metrics
from sim.scenario import Scenario
from tests.conftest import small
from tests.worlds import build

MOVE = {
    "name": "move-in",
    "requester": "city",
    "rate_per_day": 200,
    "online": True,
    "one_stop": ["tax", "health", "pension"],
    "needs": [{"provider": "health", "item": "insurance-status"}],
}
ALLOWANCE = {
    "name": "new-allowance",
    "requester": "city",
    "rate_per_day": 300,
    "uptake": {"base": 0.3, "told": 0.9},
    "needs": [{"provider": "tax", "item": "income"}],
}


def citizens_world(quickstart: Scenario, **changes: object) -> Scenario:
    """The quickstart with a move (one-stop to three agencies), an allowance with an uptake,
    and the citizens' section; ``changes`` as in ``small`` (``citizens__card_ownership``)."""
    data = quickstart.resolved()
    data["procedures"] = [*data["procedures"][:3], MOVE, ALLOWANCE]
    data["citizens"] = {"card_ownership": 0.0, "online_share": 0.0}
    data["population"]["size"] = 3000
    data["sectoral"]["allowed_cross_sector"] = [
        {"from_sector": a, "to_sector": b}
        for a in ("local", "social", "tax")
        for b in ("local", "social", "tax")
        if a != b
    ]
    return small(Scenario.model_validate(data), **changes)


def run(scenario: Scenario, architecture: str) -> tuple[dict[str, float], object]:
    parts = build(scenario)
    world = parts.world(architecture)
    result = world.run()
    return dict(compute_metrics(result, parts.workload)), result


def node(result, name: str):
    return next(n for n in result.nodes if n.name == name)


def test_without_cards_everyone_goes_to_the_counter_and_is_looked_up(quickstart):
    metrics, result = run(citizens_world(quickstart), "symbol")
    apps, plan = result.citizens.applications, result.citizens.plan
    assert set(plan.method.tolist()) == {REGISTRY_LOOKUP}
    assert metrics["citizen.online_share"] == 0.0
    window = apps.time >= result.measure_from
    assert metrics["identity.registry_lookups"] == (window & plan.applied).sum()
    # Every application made reached the registry service, warm-up included.
    assert node(result, REGISTRY_LOOKUP_NODE).served == (window & plan.applied).sum()


def test_cards_shift_load_from_the_registry_and_cut_citizens_hours(quickstart):
    none, none_result = run(citizens_world(quickstart), "flat")
    many, many_result = run(
        citizens_world(quickstart, citizens__card_ownership=0.8, citizens__online_share=0.5),
        "flat",
    )
    methods = set(many_result.citizens.plan.method.tolist())
    assert {CARD, ONLINE, REGISTRY_LOOKUP} <= methods
    assert many["identity.registry_lookups"] < none["identity.registry_lookups"] / 2
    lookups = node(many_result, REGISTRY_LOOKUP_NODE).busy_seconds
    assert lookups < node(none_result, REGISTRY_LOOKUP_NODE).busy_seconds / 2
    assert many["citizen.online_share"] > 0.05  # only the move can be done online
    assert many["citizen.hours"] < none["citizen.hours"]


def one_stop_savings(quickstart: Scenario, architecture: str, **changes: object):
    without, _ = run(citizens_world(quickstart, **changes), architecture)
    with_it, result = run(
        citizens_world(quickstart, citizens__one_stop=True, **changes), architecture
    )
    return without["citizen.trips"] - with_it["citizen.trips"], result


def test_one_stop_under_symbol_saves_every_trip_the_move_would_cost(quickstart):
    saved, result = one_stop_savings(quickstart, "symbol")
    apps, plan = result.citizens.applications, result.citizens.plan
    move = [p.name for p in citizens_world(quickstart).procedures].index("move-in")
    moves = (apps.procedure == move) & (apps.time >= result.measure_from) & plan.applied
    # Each move would take the citizen to the tax office, the health insurer and the
    # pension office as well; the hub links the notices, so none of those trips is left.
    assert saved == 3 * np.count_nonzero(moves & ~apps.impostor)


def test_one_stop_under_separate_saves_fewer_trips_when_matching_fails(quickstart):
    errors = {"records__error_rates__typo": 0.4, "records__error_rates__missing": 0.2}
    symbol, _ = one_stop_savings(quickstart, "symbol", **errors)
    separate, _ = one_stop_savings(quickstart, "separate", **errors)
    assert 0 < separate < symbol


def test_a_bare_number_as_proof_lets_more_impostors_through(quickstart):
    scenario = citizens_world(quickstart, citizens__impersonation__rate_per_day=400)
    checked, checked_result = run(scenario, "flat")
    trusting, trusting_result = run(small(scenario, flat__number_as_proof=True), "flat")
    assert NUMBER_ONLY in trusting_result.citizens.plan.method.tolist()
    attempted = checked["identity.impersonations_attempted"]
    assert attempted == trusting["identity.impersonations_attempted"] > 100
    assert (
        trusting["identity.impersonations_succeeded"] > checked["identity.impersonations_succeeded"]
    )
    assert trusting["linkage.misdisclosure_rate"] > checked["linkage.misdisclosure_rate"]
    # Without a lookup, nobody waits at the registry for those who show no card.
    assert trusting["identity.registry_lookups"] == 0


def test_push_notices_reach_only_where_records_link_across_agencies(quickstart):
    scenario = citizens_world(
        quickstart, citizens__card_ownership=0.7, citizens__push_notices__reach=1.0
    )
    symbol, _ = run(scenario, "symbol")
    separate, _ = run(scenario, "separate")
    assert separate["uptake.eligible_reached"] == 0
    assert symbol["uptake.eligible_reached"] > 0
    assert symbol["uptake.applied_share"] > separate["uptake.applied_share"]
    assert symbol["linkage.queries"] > separate["linkage.queries"]
