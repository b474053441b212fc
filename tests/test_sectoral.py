"""The sectoral architecture: bPKs as Austria derives them, the authority bridging sectors."""

from __future__ import annotations

import base64
import hashlib

import numpy as np
import pytest

from sim.architectures.resolution import ANSWERED, REFUSED
from sim.architectures.sectoral import SectorNumbers, derive_bpk, derive_source_pin
from sim.metrics import compute_metrics
from sim.scenario import ScenarioError, load_scenario_text
from tests.exchange_worlds import AGENCY, AUTHORITY, HOP, TINY, tiny
from tests.worlds import build


def _classes(parts):
    """Query masks: within a sector, across an allowed pair, across a forbidden pair."""
    nodes = parts.registers.nodes
    workload = parts.workload
    sector = np.array([node.sector for node in nodes], dtype=object)
    asking, answering = sector[workload.requester], sector[workload.provider]
    within = asking == answering
    forbidden = (asking == "social") & (answering == "tax")
    return within, ~within & ~forbidden, forbidden


def test_derive_bpk_reproduces_the_authority_worked_example():
    source_pin = "MDEyMzQ1Njc4OWFiY2RIZg=="
    hashed = f"{source_pin}+urn:publicid:gv.at:cdid+BW"
    assert hashlib.sha1(hashed.encode("iso-8859-1")).hexdigest() == (
        "5cd5794e10a3e4ec09474a0e71698ae1652ce69e"
    )
    assert derive_bpk(source_pin, "BW") == "XNV5ThCj5OwJR0oOcWmK4WUs5p4="


def test_two_sectors_give_different_bpks_for_the_same_person():
    source_pin = "MDEyMzQ1Njc4OWFiY2RIZg=="
    assert derive_bpk(source_pin, "SA") != derive_bpk(source_pin, "BW")
    numbers = SectorNumbers(np.array([123456789012, 210987654321]), b"authority secret")
    assert numbers.bpk(0, "SA") != numbers.bpk(0, "BW")
    assert numbers.bpk(0, "SA") != numbers.bpk(1, "SA")
    assert numbers.bpk(0, "SA") == derive_bpk(numbers.source_pin(0), "SA")
    assert numbers.source_pin(1) == derive_source_pin("210987654321", b"authority secret")
    assert numbers.owner(numbers.bpk(1, "BW"), "BW") == 1
    assert numbers.owner(numbers.bpk(1, "BW"), "SA") == -1  # a bPK means nothing elsewhere


def test_source_pin_has_the_real_shape_and_needs_the_secret():
    pin = derive_source_pin("012345678901", b"one key")
    assert len(pin) == 24 and len(base64.b64decode(pin)) == 16
    assert pin == derive_source_pin("012345678901", b"one key")
    assert pin != derive_source_pin("012345678901", b"another key")
    assert pin != derive_source_pin("012345678902", b"one key")


def test_bpks_are_derived_only_for_citizens_queries_need():
    parts = build(tiny(population__size=5000))
    world = parts.world("sectoral")
    world.run()
    derived = world.architecture.numbers.derived()
    assert 0 < len(derived) <= 2 * len(parts.workload)
    asked_about = set(parts.workload.citizen.tolist())
    assert {person for person, _ in derived} <= asked_about  # no enrolment errors here
    assert len(asked_about) < parts.population.size


def test_cross_sector_pair_not_allowed_is_refused_and_counted():
    parts = build(tiny())
    result = parts.world("sectoral").run()
    within, allowed, forbidden = _classes(parts)
    assert within.sum() > 50 and allowed.sum() > 50 and forbidden.sum() > 20
    outcome = result.log.outcome
    assert (outcome[forbidden] == REFUSED).all()
    assert (outcome[within | allowed] == ANSWERED).all()
    assert (result.log.person[~forbidden] == parts.workload.citizen[~forbidden]).all()
    metrics = dict(compute_metrics(result, parts.workload))
    assert metrics["linkage.refused_rate"] == forbidden.mean()
    assert metrics["privacy.unauthorized_blocked"] == forbidden.sum()
    assert metrics["linkage.cross_sector_share"] == (allowed | forbidden).mean()


def test_allowing_the_pair_lets_the_queries_through():
    pairs = [
        {"from_sector": "local", "to_sector": "tax"},
        {"from_sector": "tax", "to_sector": "social"},
        {"from_sector": "social", "to_sector": "tax"},
    ]
    parts = build(tiny(sectoral__allowed_cross_sector=pairs))
    result = parts.world("sectoral").run()
    assert (result.log.outcome == ANSWERED).all()
    assert (result.log.person == parts.workload.citizen).all()


def test_cross_sector_queries_pay_the_authority_hop():
    parts = build(tiny())
    result = parts.world("sectoral").run()
    within, allowed, forbidden = _classes(parts)
    latency = result.log.answered_at - parts.workload.time
    assert latency[within] == pytest.approx(2 * HOP + AGENCY, abs=1e-6)
    assert latency[allowed] == pytest.approx(4 * HOP + AUTHORITY + AGENCY, abs=1e-6)
    assert latency[forbidden] == pytest.approx(2 * HOP + AUTHORITY, abs=1e-6)
    metrics = dict(compute_metrics(result, parts.workload))
    assert metrics["linkage.within_sector_latency_p50"] == pytest.approx(0.120, abs=1e-6)
    assert metrics["linkage.cross_sector_latency_p50"] == pytest.approx(0.145, abs=1e-6)


def test_the_authority_serves_exactly_the_cross_sector_queries():
    parts = build(tiny())
    world = parts.world("sectoral")
    result = world.run()
    _, allowed, forbidden = _classes(parts)
    authority = world.architecture.authority
    assert authority.served == (allowed | forbidden).sum()
    window = result.measure_until - result.measure_from
    expected = authority.served * AUTHORITY / (authority.servers * window)
    metrics = dict(compute_metrics(result, parts.workload))
    assert metrics["load.utilization.register-authority"] == pytest.approx(expected, rel=1e-6)


def test_a_wrong_bpk_discloses_the_other_persons_data():
    parts = build(tiny())
    workload = parts.workload
    world = parts.world("sectoral")
    world.enroll()
    everywhere = np.flatnonzero(parts.registers.eligible(["welfare", "tax"], 400))
    citizen, other = (int(person) for person in everywhere[:2])
    world.architecture.links["welfare"].add(citizen, other)
    result = world.run()
    to_welfare = np.array([parts.registers.nodes[n].agency == "welfare" for n in workload.provider])
    # City asks welfare about the citizen by the right bPK: welfare finds no entry carrying it.
    assert (result.log.person[to_welfare & (workload.citizen == citizen)] == -1).all()
    # Asked about the other person, welfare answers with the entry wrongly carrying their bPK.
    asked_other = to_welfare & (workload.citizen == other)
    assert asked_other.any() and (result.log.person[asked_other] == citizen).all()


def test_enrolment_errors_cause_misdisclosures_at_about_their_rate():
    parts = build(tiny(population__size=2000, sectoral__enrolment_error_rate=0.05))
    metrics = dict(compute_metrics(parts.world("sectoral").run(), parts.workload))
    assert 0.02 < metrics["linkage.misdisclosure_rate"] < 0.15


def test_an_unknown_sector_is_a_located_error():
    text = TINY.replace(
        "{from_sector: tax, to_sector: social}", "{from_sector: tax, to_sector: socal}"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "tiny.yaml")
    [problem] = caught.value.problems
    assert problem.key == "sectoral.allowed_cross_sector.1.to_sector"
    assert "unknown sector 'socal'" in problem.message and "'social'" in problem.message
    assert problem.line == text.splitlines().index("    - {from_sector: tax, to_sector: socal}") + 1
