"""The separate architecture: matching, clerks and citizens' trips, by mechanism."""

from __future__ import annotations

import numpy as np

from sim.metrics import compute_metrics
from tests.conftest import small
from tests.worlds import build

NO_ERRORS = {
    "typo": 0,
    "variant": 0,
    "width": 0,
    "address_notation": 0,
    "missing": 0,
    "birth_date": 0,
}
NO_LIFE_EVENTS = {
    "move_rate_per_year": 0,
    "marriage_rate_per_year": 0,
    "birth_rate_per_year": 0,
    "death_rate_per_year": 0,
}


def _run(scenario) -> dict[str, float]:
    parts = build(scenario)
    return dict(compute_metrics(parts.world("separate").run(), parts.workload))


def _scaled(rates: dict[str, float], factor: float) -> dict[str, float]:
    return {kind: min(1.0, rate * factor) for kind, rate in rates.items()}


def test_clean_records_resolve_everyone_without_clerks(quickstart):
    scenario = small(
        quickstart,
        population__size=2000,
        population__life_events=NO_LIFE_EVENTS,
        records__error_rates=NO_ERRORS,
    )
    metrics = _run(scenario)
    assert metrics["linkage.queries"] > 300
    assert metrics["linkage.correct_rate"] == 1.0
    assert metrics["linkage.auto_rate"] == 1.0
    assert metrics["linkage.clerk_hours"] == 0
    assert metrics["citizen.visits"] == 0


def test_more_errors_fewer_automatic_answers_more_clerks_and_trips(quickstart):
    base = small(quickstart, population__size=2000, population__life_events=NO_LIFE_EVENTS)
    defaults = base.records.error_rates.model_dump()
    levels = [0.0, 4.0, 8.0, 16.0]
    results = [_run(small(base, records__error_rates=_scaled(defaults, f))) for f in levels]
    auto = [m["linkage.auto_rate"] for m in results]
    clerks = [m["linkage.clerk_hours"] for m in results]
    visits = [m["citizen.visits"] for m in results]
    assert all(a > b for a, b in zip(auto, auto[1:], strict=False)), auto
    assert all(a < b for a, b in zip(clerks, clerks[1:], strict=False)), clerks
    assert all(a < b for a, b in zip(visits, visits[1:], strict=False)), visits


def test_stale_copies_need_more_help_than_notified_ones(quickstart):
    moving = small(
        quickstart,
        population__size=2000,
        population__life_events={
            **NO_LIFE_EVENTS,
            "move_rate_per_year": 0.2,
            "marriage_rate_per_year": 0.2,
        },
        records__error_rates=NO_ERRORS,
    )
    told = small(
        moving,
        records__notified=[{"agency": a.name} for a in moving.agencies if not a.per_municipality],
    )
    stale, fresh = _run(moving), _run(told)
    assert fresh["linkage.auto_rate"] > stale["linkage.auto_rate"]
    assert fresh["linkage.auto_rate"] > 0.99


def test_misdisclosures_are_counted_from_the_truth(quickstart):
    # A reckless office accepts its best candidate whatever the weight; with copies this
    # bad the right person is sometimes not among the candidates at all.
    scenario = small(
        quickstart,
        population__size=2000,
        records__error_rates=_scaled(quickstart.records.error_rates.model_dump(), 20.0),
        separate__upper_threshold=-90.0,
        separate__lower_threshold=-95.0,
    )
    parts = build(scenario)
    result = parts.world("separate").run()
    log, workload = result.log, parts.workload
    measured = workload.time >= scenario.warmup
    wrong = measured & (log.person >= 0) & (log.person != workload.citizen)
    metrics = dict(compute_metrics(result, workload))
    assert wrong.sum() > 0
    assert metrics["linkage.misdisclosure_rate"] == wrong.sum() / measured.sum()
    assert metrics["linkage.precision"] < 1.0


def test_trips_cost_the_citizen_time_and_delay_the_answer(quickstart):
    scenario = small(
        quickstart,
        population__size=1500,
        records__error_rates=_scaled(quickstart.records.error_rates.model_dump(), 8.0),
        separate__visit_hours=3.0,
    )
    parts = build(scenario)
    result = parts.world("separate").run()
    measured = parts.workload.time >= scenario.warmup
    visited = measured & (result.log.visits > 0)
    assert visited.sum() > 0
    metrics = dict(compute_metrics(result, parts.workload))
    assert metrics["citizen.hours"] == 3.0 * metrics["citizen.visits"]
    delay = (result.log.answered_at - parts.workload.time)[visited]
    assert (delay >= scenario.separate.visit_delay).all()
    assert np.all(result.log.person[visited] == parts.workload.citizen[visited])


def test_a_replication_builds_the_agencies_copies_once_for_separate_and_the_attacker(
    quickstart, monkeypatch
):
    import sim.population.records as records
    import sim.world.world as world_module
    from sim.experiment import simulate_replication

    builds = []
    real = records.build_register_copies

    def counted(*args):
        builds.append(args)
        return real(*args)

    monkeypatch.setattr(records, "build_register_copies", counted)
    monkeypatch.setattr(world_module, "build_register_copies", counted)
    scenario = small(quickstart, population__size=1500)
    simulate_replication(scenario, ["separate", "flat"], 0)
    assert len(builds) == 1  # separate's enrolment and the attacker's name matching
    alone = small(scenario, privacy__quasi_identifiers=False)
    builds.clear()
    simulate_replication(alone, ["separate", "flat"], 0)
    assert len(builds) == 1  # separate's own, dropped after its run
    parts = build(scenario)
    first, second = parts.world("separate").register_copies(), real(*builds[0])
    for mine, theirs in zip(first.initial, second.initial, strict=True):
        assert mine.equals(theirs)  # the same copies, whoever builds them
