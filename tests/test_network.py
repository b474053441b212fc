"""Networks between sites: each hop crosses the networks linking its two systems' sites.

Worked on paper from the tiny world (``tests/exchange_worlds.py``): every hop
over the default network takes 10 ms. A site attached to another network is
reached across both (10 ms + that network's latency); two systems on the same
site talk over the LAN (0.5 ms by default).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.architectures.resolution import UNAVAILABLE
from sim.metrics import compute_metrics
from tests.exchange_worlds import HOP, tiny
from tests.worlds import build

HOUR = 3600.0
FAR = {
    "network": {
        "latency": {"distribution": "constant", "mean": "10 ms"},
        "networks": [
            {"name": "far-link", "latency": {"distribution": "constant", "mean": "200 ms"}}
        ],
    }
}


def _run(scenario, architecture: str):
    parts = build(scenario)
    result = parts.world(architecture).run()
    return parts, result, result.log.answered_at - parts.workload.time


def _agency_of(parts, nodes) -> np.ndarray:
    return np.array([parts.registers.nodes[node].agency for node in nodes])


def _far(hosts: list[str], **changes: object):
    site = {"name": "far-away", "hosts": hosts, "network": "far-link"}
    return tiny(**FAR, hosting={"sites": [site]}, **changes)


def test_200_ms_on_a_link_adds_200_ms_to_each_crossing_under_flat():
    parts, _, normal = _run(tiny(), "flat")
    _, _, latency = _run(_far(["tax"]), "flat")
    workload = parts.workload
    touches_tax = (_agency_of(parts, workload.requester) == "tax") | (
        _agency_of(parts, workload.provider) == "tax"
    )
    assert 0 < touches_tax.sum() < len(touches_tax)
    # there and back: two crossings of the far link
    assert latency[touches_tax] == pytest.approx(normal[touches_tax] + 0.400, abs=1e-9)
    assert latency[~touches_tax] == pytest.approx(normal[~touches_tax], abs=1e-9)
    shift = np.median(latency[touches_tax]) - np.median(normal[touches_tax])
    assert shift == pytest.approx(0.400, abs=1e-9)


def test_a_far_intermediate_server_adds_200_ms_per_crossing_under_symbol():
    parts, _, normal = _run(tiny(), "symbol")
    result_parts, result, latency = _run(_far(["intermediate-tax"]), "symbol")
    workload = parts.workload
    requester = _agency_of(parts, workload.requester)
    provider = _agency_of(parts, workload.provider)
    refused = result.log.outcome == 2
    # city -> tax: hub -> intermediate-tax and back (2 crossings)
    to_tax = (provider == "tax") & ~refused
    # tax -> pension: tax -> its intermediate server -> hub, and back (4 crossings)
    from_tax = requester == "tax"
    other = ~to_tax & ~from_tax
    assert to_tax.any() and from_tax.any() and other.any()
    assert latency[to_tax] == pytest.approx(normal[to_tax] + 0.400, abs=1e-9)
    assert latency[from_tax] == pytest.approx(normal[from_tax] + 0.800, abs=1e-9)
    assert latency[other] == pytest.approx(normal[other], abs=1e-9)


def test_systems_on_one_site_talk_over_its_lan():
    site = {"name": "town-hall", "hosts": ["city", "welfare"]}
    parts, _, latency = _run(tiny(hosting={"sites": [site]}), "flat")
    welfare = _agency_of(parts, parts.workload.provider) == "welfare"
    assert latency[welfare] == pytest.approx(2 * 0.0005 + 0.100, abs=1e-9)
    assert latency[~welfare] == pytest.approx(2 * HOP + 0.100, abs=1e-9)


def test_bandwidth_adds_the_transfer_time_of_each_message():
    scenario = tiny(network={**FAR["network"], "bandwidth_mbps": 1.0, "message_kb": 4.0})
    _, _, latency = _run(scenario, "flat")
    # 4 kB = 32 kbit over 1 Mbit/s: 32 ms a hop
    assert latency == pytest.approx(2 * (HOP + 0.032) + 0.100, abs=1e-9)


def test_a_network_outage_delays_the_hops_over_it_or_fails_them():
    outage = [{"network": "far-link", "start": "6 h", "duration": "1 h"}]
    parts, _, normal = _run(_far(["tax"]), "flat")
    _, result, latency = _run(_far(["tax"], outages=outage), "flat")
    workload = parts.workload
    out = _agency_of(parts, workload.provider) == "tax"
    back = _agency_of(parts, workload.requester) == "tax"
    # a crossing that starts in the window waits for its end; the way back starts
    # after 210 ms there and 100 ms of service
    first = np.where(out | back, workload.time, np.inf)
    second = first + 0.310
    hit_first = (first >= 6 * HOUR) & (first < 7 * HOUR)
    hit_second = ~hit_first & (second >= 6 * HOUR) & (second < 7 * HOUR)
    delayed = hit_first | hit_second
    assert hit_first.sum() > 5
    assert latency[~delayed] == pytest.approx(normal[~delayed], abs=1e-9)
    expected = normal + 7 * HOUR - np.where(hit_first, first, second)
    assert latency[delayed] == pytest.approx(expected[delayed], abs=1e-6)
    metrics = dict(compute_metrics(result, parts.workload))
    assert metrics["resilience.delayed_queries"] == delayed.sum()
    assert metrics["resilience.failed_queries"] == 0

    _, result, _ = _run(_far(["tax"], outages=outage, max_wait_for_outage="10 min"), "flat")
    failed = result.log.outcome == UNAVAILABLE
    assert failed.sum() > 5 and (failed <= delayed).all()


@pytest.mark.parametrize("architecture", ["flat", "symbol"])
def test_routes_not_kept_by_their_systems_are_the_same_routes(monkeypatch, architecture):
    """A country's millions of pairs of systems are not all kept (``SYSTEMS_KEPT``);
    those found again by their route ends cross the same networks."""
    scenario = _far(["tax", "intermediate-tax"])
    _, kept, kept_latency = _run(scenario, architecture)
    monkeypatch.setattr("sim.world.world.SYSTEMS_KEPT", 0)
    _, found, found_latency = _run(scenario, architecture)
    assert (found_latency == kept_latency).all()
    assert (found.log.person == kept.log.person).all()
    _, _, near_latency = _run(tiny(), architecture)
    assert (found_latency >= near_latency + 0.399).any()  # the far link is crossed
