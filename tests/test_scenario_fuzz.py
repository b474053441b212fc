"""Property-based: any mutation of a valid scenario loads or fails with a located ScenarioError."""

from __future__ import annotations

import copy

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenario import Scenario, ScenarioError, load_scenario_text
from tests.conftest import SCENARIOS

FUZZED = ("quickstart", "breach-and-insider", "disaster", "municipal-cloud", "belgium-crossroads")
BASES = {
    name: yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8"))
    for name in FUZZED
}

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["-1 s", "1e400 h", "0 day", "5 fortnights", "NaN", "ms", "..", "-"]),
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


TARGETS = [(name, path) for name, base in BASES.items() for path in _paths(base) if path]


def _mutate(data, path, action, value):
    *parents, last = path
    node = data
    for part in parents:
        node = node[part]
    if action == "replace":
        node[last] = value
    elif action == "delete":
        del node[last]
    elif isinstance(node, dict):
        node[f"{last}_extra"] = value


def _assert_clean(text: str) -> None:
    try:
        scenario = load_scenario_text(text, "fuzz.yaml")
    except ScenarioError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.source == "fuzz.yaml"
            assert problem.line >= 1 and problem.column >= 1
            assert problem.message
        return
    assert isinstance(scenario, Scenario)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=st.sampled_from(TARGETS),
    action=st.sampled_from(["replace", "delete", "add"]),
    value=junk,
)
def test_mutated_scenarios_fail_cleanly(target, action, value):
    name, path = target
    data = copy.deepcopy(BASES[name])
    _mutate(data, path, action, value)
    _assert_clean(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_text_fails_cleanly(text):
    _assert_clean(text)


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(min_value=0, max_value=2000))
def test_truncated_files_fail_cleanly(cut):
    text = (SCENARIOS / "quickstart.yaml").read_text(encoding="utf-8")
    _assert_clean(text[:cut])
