"""Flat with a directory hub (Belgium): every query passes the hub, which forwards only
to an agency its directory lists as holding the number."""

from __future__ import annotations

from sim.metrics import compute_metrics
from tests.conftest import small
from tests.worlds import build

CONSTANT = {"distribution": "constant", "mean": "100 ms"}


def _metrics(scenario) -> dict[str, float]:
    parts = build(scenario)
    return dict(compute_metrics(parts.world("flat").run(), parts.workload))


def _idle(quickstart):
    scenario = small(quickstart, population__size=800, network__latency=CONSTANT)
    for index in range(len(scenario.agencies)):
        scenario = small(
            scenario,
            **{f"agencies__{index}__service_time": CONSTANT, f"agencies__{index}__servers": 50},
        )
    return scenario


def test_hub_adds_two_hops_and_its_service(quickstart):
    direct = _metrics(_idle(quickstart))
    hub = {"servers": 50, "service_time": {"distribution": "constant", "mean": "10 ms"}}
    via_hub = _metrics(small(_idle(quickstart), flat__directory_hub=hub))
    assert abs(direct["linkage.latency_p50"] - 0.3) < 1e-9
    assert abs(via_hub["linkage.latency_p50"] - 0.51) < 1e-9
    assert via_hub["load.utilization.hub"] > 0


def test_hub_answers_for_numbers_no_agency_holds_without_asking(quickstart):
    scenario = small(quickstart, population__size=1500, flat__registration_error_rate=0.05)
    direct = build(scenario)
    direct_result = direct.world("flat").run()
    hubbed = build(small(scenario, flat__directory_hub={}))
    hub_result = hubbed.world("flat").run()
    # Same answers either way: the directory knows exactly what the provider would find.
    assert (direct_result.log.person == hub_result.log.person).all()
    served_direct = sum(node.served for node in direct_result.nodes if node.name != "hub")
    served_hub = sum(node.served for node in hub_result.nodes if node.name != "hub")
    not_found = (hub_result.log.person < 0).sum()
    assert not_found > 0
    assert served_hub < served_direct
