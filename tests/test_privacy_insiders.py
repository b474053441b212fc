"""Insiders' misuse: the same queries for every architecture, stopped and noticed by mechanism.

On the tiny world (tests/exchange_worlds.py) the lawful exchanges are city ->
welfare (benefits), city -> tax (income) and tax -> pension (pension-payments);
the allowed cross-sector pairs are local -> tax and tax -> social.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.architectures.resolution import ANSWERED, REFUSED
from sim.metrics import compute_metrics
from sim.privacy.analysis import PrivacyAnalysis
from tests.exchange_worlds import tiny
from tests.worlds import build

NO_CHECKS = {
    "portal_check_rate_per_year": 0,
    "audit_rate_per_year": 0,
    "data_tracker": [],
}


def _scenario(**changes):
    return tiny(privacy__insiders__cases_per_day=150, **changes)


def _run(scenario, architecture: str):
    parts = build(scenario)
    world = parts.world(architecture)
    result = world.run()
    metrics = dict(compute_metrics(result, parts.workload))
    analysis = PrivacyAnalysis(scenario, parts.population, parts.registers, world.rng)
    trail = world.architecture.audit_trail(world)
    detection = analysis.detection_rows(parts.workload, result.log.outcome, trail, 0.0)
    metrics.update(detection)
    return parts, result, metrics


def _agency(parts, nodes):
    return np.array([parts.registers.nodes[n].agency for n in nodes], dtype=object)


def _sector(parts, nodes):
    return np.array([parts.registers.nodes[n].sector for n in nodes], dtype=object)


def test_insider_queries_join_the_workload_without_shifting_it():
    scenario = _scenario()
    parts = build(scenario)
    workload = parts.workload
    insider = workload.insider
    assert insider.sum() > 200
    assert not workload.legal_basis[insider].any()
    assert (workload.requester != workload.provider).all()
    names = [workload.procedure_names[p] for p in np.unique(workload.procedure[insider])]
    assert set(names) == {"insider-curiosity", "insider-stalking", "insider-selling-data"}
    # Each target is on the providing system's register when asked.
    for query in np.flatnonzero(insider)[:100]:
        provider = int(workload.provider[query])
        at = np.array([workload.time[query]])
        person = np.array([workload.citizen[query]])
        assert parts.registers.holds(provider, person, at, parts.population)[0]
    # The procedures' queries are the same with or without insiders.
    plain = build(tiny()).workload
    assert np.array_equal(workload.time[~insider], plain.time)
    assert np.array_equal(workload.citizen[~insider], plain.citizen)
    # Linkage metrics leave the misuse out; privacy metrics count it.
    _, _, metrics = _run(scenario, "flat")
    assert metrics["linkage.queries"] == len(plain)
    assert metrics["privacy.unauthorized_attempts"] == (~workload.legal_basis).sum()


def test_each_architecture_blocks_insiders_where_its_mechanism_would():
    scenario = _scenario()
    parts = build(scenario)
    workload = parts.workload
    insider = workload.insider
    requester, provider = _agency(parts, workload.requester), _agency(parts, workload.provider)
    items = np.array(workload.item_names, dtype=object)[workload.item]
    lawful = scenario.lawful_exchanges()
    unlawful_exchange = np.array(
        [(r, p, i) not in lawful for r, p, i in zip(requester, provider, items, strict=True)]
    )
    pairs = {(pair.from_sector, pair.to_sector) for pair in scenario.sectoral.allowed_cross_sector}
    sectors = zip(
        _sector(parts, workload.requester), _sector(parts, workload.provider), strict=True
    )
    refused_pair = np.array([a != b and (a, b) not in pairs for a, b in sectors])

    def refused(scenario, architecture):
        _, result, _ = _run(scenario, architecture)
        return result.log.outcome == REFUSED

    assert not (refused(scenario, "flat") & insider).any()
    with_rights = _scenario(flat__access_control=True)
    assert np.array_equal(refused(with_rights, "flat") & insider, unlawful_exchange & insider)
    assert np.array_equal(refused(scenario, "symbol") & insider, unlawful_exchange & insider)
    assert np.array_equal(refused(scenario, "sectoral") & insider, refused_pair & insider)
    # Some misuse passes each central check: a routine-looking request or an allowed pair.
    assert (insider & ~unlawful_exchange).any() and (insider & ~refused_pair).any()


def test_separate_clerks_refuse_what_they_review_when_they_ask():
    asking = _scenario(privacy__insiders__clerk_question_rate=1.0, separate__upper_threshold=40.0)
    parts, result, metrics = _run(asking, "separate")
    reviewed = result.log.clerk_seconds > 0
    unlawful = ~parts.workload.legal_basis
    assert (unlawful & reviewed).sum() > 20
    assert np.array_equal(result.log.outcome == REFUSED, unlawful & reviewed)
    silent = _scenario(privacy__insiders__clerk_question_rate=0.0, separate__upper_threshold=40.0)
    _, _, metrics = _run(silent, "separate")
    assert metrics["privacy.unauthorized_blocked"] == 0


def test_nothing_is_detected_without_checks_or_audits():
    scenario = _scenario(privacy__detection=NO_CHECKS)
    for architecture in ("separate", "flat", "sectoral", "symbol"):
        _, _, metrics = _run(scenario, architecture)
        assert metrics["privacy.unauthorized_answered"] > 0
        assert metrics["privacy.unauthorized_detected"] == 0


def test_the_symbol_portal_shows_every_misuse_the_hub_let_through():
    frequent = dict(NO_CHECKS, portal_check_rate_per_year=1000)
    parts, result, metrics = _run(_scenario(privacy__detection=frequent), "symbol")
    assert metrics["privacy.unauthorized_detected"] == metrics["privacy.unauthorized_answered"]
    assert metrics["privacy.detection_delay_days"] < 2  # a check every 0.37 days on average
    _, _, separate = _run(_scenario(privacy__detection=frequent), "separate")
    assert separate["privacy.unauthorized_detected"] == 0  # no log anyone sees


def test_flat_citizens_see_only_what_the_data_tracker_covers():
    tracked = dict(NO_CHECKS, portal_check_rate_per_year=1000, data_tracker=["tax"])
    parts, result, metrics = _run(_scenario(privacy__detection=tracked), "flat")
    workload = parts.workload
    misuse = ~workload.legal_basis & (result.log.outcome == ANSWERED)
    at_tax = _agency(parts, workload.provider) == "tax"
    assert 0 < (misuse & at_tax).sum() < misuse.sum()
    assert metrics["privacy.unauthorized_detected"] == (misuse & at_tax).sum()


@pytest.mark.parametrize(
    ("architecture", "logged"),
    [("flat", "all"), ("sectoral", "cross-sector"), ("symbol", "all"), ("separate", "none")],
)
def test_thorough_audits_find_what_the_architecture_logs(architecture, logged):
    audits = dict(NO_CHECKS, audit_rate_per_year=1000, audit_sample_share=1.0)
    parts, result, metrics = _run(_scenario(privacy__detection=audits), architecture)
    workload = parts.workload
    misuse = ~workload.legal_basis & (result.log.outcome == ANSWERED)
    cross = _sector(parts, workload.requester) != _sector(parts, workload.provider)
    expected = {"all": misuse, "cross-sector": misuse & cross, "none": misuse & False}[logged]
    assert metrics["privacy.unauthorized_detected"] == expected.sum()
    if expected.any():
        assert metrics["privacy.detection_delay_days"] < 2
