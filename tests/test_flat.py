"""The flat architecture: answers by number, misdisclosures only from recorded errors."""

from __future__ import annotations

import numpy as np

from sim.metrics import compute_metrics
from tests.conftest import small
from tests.worlds import build


def metric_dict(result, workload) -> dict[str, float]:
    return dict(compute_metrics(result, workload))


def test_no_registration_errors_means_no_misdisclosures(quickstart):
    scenario = small(quickstart, population__size=3000, flat__registration_error_rate=0.0)
    parts = build(scenario)
    metrics = metric_dict(parts.world("flat").run(), parts.workload)
    assert metrics["linkage.queries"] > 500
    assert metrics["linkage.misdisclosure_rate"] == 0
    assert metrics["linkage.correct_rate"] == 1.0
    assert metrics["linkage.auto_rate"] == 1.0


def test_a_wrong_number_causes_exactly_its_citizens_misdisclosures(quickstart):
    scenario = small(
        quickstart,
        population__size=40,
        population__life_events={
            "move_rate_per_year": 0,
            "marriage_rate_per_year": 0,
            "birth_rate_per_year": 0,
            "death_rate_per_year": 0,
        },
        flat__registration_error_rate=0.0,
    )
    parts = build(scenario)
    registers, workload = parts.registers, parts.workload
    everywhere = np.flatnonzero(registers.eligible(list(registers.members), parts.population.size))
    citizen, other = int(everywhere[0]), int(everywhere[1])
    world = parts.world("flat")
    world.enroll()
    world.architecture.record_wrong_number("tax", citizen, other)
    result = world.run()

    measured = workload.time >= scenario.warmup
    asked_by_tax = np.array([registers.nodes[n].agency == "tax" for n in workload.requester])
    answered_by_tax = np.array([registers.nodes[n].agency == "tax" for n in workload.provider])
    about_citizen = workload.citizen == citizen
    wrong = result.log.person != workload.citizen
    answered_wrong = wrong & (result.log.person >= 0)
    # Tax asks with the other person's number: every such answer is about the other person.
    asked_wrongly = measured & about_citizen & asked_by_tax
    # Anyone asking tax about the other person gets the entry that wrongly carries their number.
    duplicate_hit = measured & (workload.citizen == other) & answered_by_tax
    expected = asked_wrongly | duplicate_hit
    assert asked_wrongly.sum() > 0 and duplicate_hit.sum() > 0
    assert np.array_equal(answered_wrong & measured, expected)
    assert set(result.log.person[asked_wrongly]) == {other}
    assert set(result.log.person[duplicate_hit]) == {citizen}
    # Asked about the citizen by number, tax finds no entry carrying it.
    not_found = measured & about_citizen & answered_by_tax
    assert (result.log.person[not_found] == -1).all()
    metrics = metric_dict(result, workload)
    assert metrics["linkage.misdisclosure_rate"] == expected.sum() / measured.sum()


def test_more_registration_errors_more_misdisclosures(quickstart):
    rates = [0.0, 0.01, 0.03, 0.1]
    observed = []
    for rate in rates:
        scenario = small(quickstart, population__size=5000, flat__registration_error_rate=rate)
        parts = build(scenario)
        observed.append(metric_dict(parts.world("flat").run(), parts.workload))
    misdisclosed = [m["linkage.misdisclosure_rate"] for m in observed]
    failed = [m["linkage.failed_rate"] for m in observed]
    assert misdisclosed[0] == 0 and failed[0] == 0
    assert all(a < b for a, b in zip(misdisclosed, misdisclosed[1:], strict=False))
    assert all(a < b for a, b in zip(failed, failed[1:], strict=False))
    # A wrong entry at the requester or a duplicate at the provider: at most about twice the rate.
    for rate, share in zip(rates[1:], misdisclosed[1:], strict=True):
        assert share < 2.5 * rate


def test_access_control_blocks_queries_without_legal_basis(quickstart):
    scenario = small(quickstart, population__size=2000, flat__access_control=True)
    scenario = small(scenario, procedures__3__rate_per_day=200)
    parts = build(scenario)
    metrics = metric_dict(parts.world("flat").run(), parts.workload)
    assert metrics["privacy.unauthorized_attempts"] > 50
    assert metrics["privacy.unauthorized_blocked"] == metrics["privacy.unauthorized_attempts"]
    open_scenario = small(scenario, flat__access_control=False)
    parts = build(open_scenario)
    metrics = metric_dict(parts.world("flat").run(), parts.workload)
    assert metrics["privacy.unauthorized_blocked"] == 0
