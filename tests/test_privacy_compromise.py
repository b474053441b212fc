"""The attacker's joins over leaked systems, on a tiny world whose answers follow from it.

The tiny world (tests/exchange_worlds.py): two city offices and welfare (local
sector), tax (tax sector), pension (social sector); no moves, so every citizen
is on exactly one city office's register. Here tax covers 60 % and pension 70 %
of the citizens, so the citizens they share are a strict subset.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.experiment import simulate_replication
from sim.privacy.analysis import PrivacyAnalysis
from sim.privacy.compromise import attacker_join, leaked_holders
from sim.privacy.holdings import exposure_of, identifier_graph
from sim.scenario import ScenarioError, load_scenario_text
from sim.scenario.privacy import compromise_list
from tests.exchange_worlds import TINY, tiny
from tests.worlds import build


def _world(architecture: str, **changes):
    scenario = tiny(agencies__2__coverage=0.6, agencies__3__coverage=0.7, **changes)
    parts = build(scenario)
    world = parts.world(architecture)
    world.enroll()
    return parts, world


def _join(world, *nodes: str, quasi=None):
    holdings = world.architecture.holdings(world)
    leaked = leaked_holders(holdings, nodes)
    assert leaked is not None
    return attacker_join(holdings, identifier_graph(holdings), leaked, quasi)


def _shared(parts, *agencies: str) -> int:
    members = parts.registers.members
    return int(np.logical_and.reduce([members[agency] for agency in agencies]).sum())


def test_flat_one_agency_joins_nothing_two_join_every_shared_citizen():
    parts, world = _world("flat")
    alone = _join(world, "tax")
    assert (alone.linkable_profiles, alone.false_joins) == (0, 0)
    both = _join(world, "tax", "pension")
    assert both.linkable_profiles == _shared(parts, "tax", "pension")
    assert both.profile_breadth == 2.0
    assert both.false_joins == 0


def test_flat_a_wrong_number_is_one_false_join_and_one_profile_fewer():
    parts, world = _world("flat")
    shared = np.flatnonzero(parts.registers.members["tax"] & parts.registers.members["pension"])
    citizen, other = int(shared[0]), int(shared[1])
    world.architecture.record_wrong_number("tax", citizen, other)
    # Tax's entry of the citizen carries the other's number: it joins the other's
    # pension entry (a false join) and the citizen's pension entry joins nothing.
    both = _join(world, "tax", "pension")
    assert both.linkable_profiles == len(shared) - 1
    assert both.false_joins == 1


def test_symbol_agencies_without_the_my_number_join_nobody_by_identifier():
    parts, world = _world("symbol", symbol__stores_number=[])
    assert _join(world, "tax", "pension").linkable_profiles == 0
    parts, world = _world("symbol")  # by default every agency keeps the My Number
    assert _join(world, "tax", "pension").linkable_profiles == _shared(parts, "tax", "pension")


def test_the_hub_mapping_alone_joins_every_citizens_symbols():
    parts, world = _world("symbol", symbol__stores_number=[])
    registers, population = parts.registers, parts.population
    everyone = np.arange(population.size)
    systems = sum(
        registers.holds(node, everyone, np.zeros(population.size), population).astype(int)
        for node in range(len(registers.nodes))
    )
    hub = _join(world, "central")
    assert hub.linkable_profiles == int((systems >= 2).sum()) == population.size
    assert hub.profile_breadth == pytest.approx(systems[systems >= 2].mean())
    assert hub.false_joins == 0
    # The leaked tax office adds its data, not more links.
    assert _join(world, "hub", "tax").linkable_profiles == hub.linkable_profiles


def test_a_leaked_source_pin_joins_all_sectors():
    parts, world = _world("sectoral")
    assert _join(world, "tax", "pension").linkable_profiles == 0  # different sectors
    assert _join(world, "central").linkable_profiles == 0  # sourcePINs, but no agency data
    joined = _join(world, "central", "tax", "pension")
    assert joined.linkable_profiles == _shared(parts, "tax", "pension")
    # Inside a sector the bPK is shared: city-1 and welfare join every resident of city 1.
    residents = int((parts.population.municipality == 0).sum())
    assert _join(world, "city-1", "welfare").linkable_profiles == residents


def test_separate_joins_only_by_name_matching_and_less_as_errors_rise():
    shares = []
    for scale in (1.0, 6.0, 20.0):
        rates = {"typo": 0.02, "variant": 0.03, "width": 0.02, "address_notation": 0.05}
        rates |= {"missing": 0.02, "birth_date": 0.01}
        scaled = {kind: min(1.0, rate * scale) for kind, rate in rates.items()}
        parts, world = _world("separate", records__error_rates=scaled)
        assert _join(world, "tax", "pension").linkable_profiles == 0
        analysis = PrivacyAnalysis(parts.scenario, parts.population, parts.registers, world.rng)
        joined = _join(world, "tax", "pension", quasi=analysis.quasi)
        shares.append(joined.linkable_profiles / _shared(parts, "tax", "pension"))
    assert shares[0] > 0.95
    assert shares[0] > shares[1] > shares[2]


def test_default_compromises_and_named_ones():
    scenario = tiny()
    names = [name for name, _ in compromise_list(scenario)]
    assert names[:4] == ["city-1", "welfare", "tax", "pension"]
    assert "city-1+welfare" in names  # within the local sector
    assert {"city-1+tax", "tax+pension", "welfare+pension"} <= set(names)
    assert names[-5:] == [
        "central",
        "central+city-1",
        "central+welfare",
        "central+tax",
        "central+pension",
    ]
    custom = tiny(privacy__compromises=[{"name": "tax", "nodes": ["tax", "city"]}])
    assert dict(compromise_list(custom))["tax"] == ("tax", "city")
    text = TINY + "privacy:\n  compromises:\n    - {name: x, nodes: [tax, taxes]}\n"
    with pytest.raises(
        ScenarioError, match="privacy.compromises.0.nodes.1: unknown system"
    ) as error:
        load_scenario_text(text, "tiny.yaml")
    assert "did you mean 'tax'" in str(error.value)
    assert f"tiny.yaml:{text.count(chr(10))}:" in str(error.value)


def test_an_agency_name_leaks_all_its_offices_and_central_needs_a_central_store():
    _, world = _world("flat")
    holdings = world.architecture.holdings(world)
    assert leaked_holders(holdings, ("city", "tax")) == {"city-1", "city-2", "tax"}
    assert leaked_holders(holdings, ("central",)) is None


def test_the_graph_shows_what_a_compromise_exposes():
    _, world = _world("sectoral")
    holdings = world.architecture.holdings(world)
    graph = identifier_graph(holdings)
    assert graph.edges["register-authority", "bpk:SA"]["kind"] == "translates"
    state = exposure_of(graph, {"tax", "pension"})
    assert state["tax"] == "leaked" and state["bpk:SA"] == "held" and state["bpk:AS"] == "held"
    assert state["basic-four"] == "joined"  # name matching is always possible
    state = exposure_of(graph, {"tax", "pension", "register-authority"})
    assert state["bpk:SA"] == "joined" and state["bpk:AS"] == "joined"


def test_every_architecture_reports_its_compromises_with_worst_and_median():
    scenario = tiny(architectures=["separate", "flat", "sectoral", "symbol"])
    metrics = simulate_replication(scenario, scenario.architectures, 0)
    value = metrics.set_index(["architecture", "metric"])["value"]
    for architecture in scenario.architectures:
        rows = value[architecture]
        assert rows["privacy.linkable_profiles.tax"] == 0
        assert rows["privacy.linkable_profiles.tax+pension"] > 0  # name matching, at least
        worst = rows["privacy.linkable_profiles.worst"]
        assert worst >= rows["privacy.linkable_profiles.median"]
        per_compromise = rows[rows.index.str.match(r"privacy\.linkable_profiles\.(?!worst|median)")]
        assert worst == per_compromise.max()
        has_central = "privacy.linkable_profiles.central" in rows
        assert has_central == (architecture in ("sectoral", "symbol"))
    units = metrics.drop_duplicates("metric").set_index("metric")["unit"]
    assert units["privacy.false_joins.city-1+tax"] == "pairs"
    assert units["privacy.profile_breadth.worst"] == "agencies"
