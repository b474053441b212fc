"""Bad scenarios give one located line per problem, never a traceback."""

from __future__ import annotations

import pytest

from sim.scenario import ScenarioError, load_scenario, load_scenario_text

VALID = """\
name: tiny
seed: 7
duration: 2 h
population:
  size: 100
sectors:
  - name: tax
agencies:
  - name: tax-office
    sector: tax
  - name: city
    sector: tax
    per_municipality: true
procedures:
  - name: check
    requester: city
    rate_per_day: 24
    needs:
      - {provider: tax-office, item: income}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "s.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_valid_scenario_resolves_defaults():
    scenario = load_scenario_text(VALID, "s.yaml")
    assert scenario.duration == 7200
    assert scenario.sectors[0].code == "TA"
    assert scenario.agencies[0].servers == 1
    assert scenario.architectures  # every architecture by default


def test_unknown_key_is_located_and_suggests_the_closest():
    text = VALID.replace("  size: 100", "  size: 100\n  sise: 3")
    assert problems(text) == [
        "s.yaml:6:9: population.sise: unknown key (expected one of: size, sample, locale, "
        "municipalities, max_age_years, history_years, life_events); did you mean 'size'?"
    ]


def test_an_unknown_key_with_a_bracket_is_named_as_written():
    # Pydantic's own parts of an error's location have "[" in them; a user's key may too.
    text = VALID.replace("  size: 100", "  size: 100\n  siz[e]: 3")
    (line,) = problems(text)
    assert line.startswith("s.yaml:6:11: population.siz[e]: unknown key (expected one of: size")


def test_wrong_type_names_expected_and_found():
    text = VALID.replace("size: 100", "size: lots")
    (line,) = problems(text)
    assert line.startswith("s.yaml:5:9: population.size: input should be a valid integer")
    assert "(got 'lots')" in line


def test_duration_without_unit_explains_the_form():
    (line,) = problems(VALID.replace("duration: 2 h", "duration: 2"))
    assert line.startswith("s.yaml:3:11: duration: expected a number and a unit")
    assert "add a unit" in line


def test_duplicate_key_is_an_error():
    (line,) = problems(VALID + "seed: 8\n")
    assert line == "s.yaml:20:1: seed: duplicate key (first given on line 2); keep one of them"


def test_unknown_reference_suggests_a_name():
    (line,) = problems(VALID.replace("provider: tax-office", "provider: tax-ofice"))
    assert line.startswith("s.yaml:19:20: procedures.0.needs.0.provider: unknown agency")
    assert "did you mean 'tax-office'?" in line


def test_missing_required_key_points_at_its_parent():
    (line,) = problems(VALID.replace("  size: 100\n", "  locale: ja\n"))
    assert line == "s.yaml:5:3: population.size: required key is missing; add it"


def test_several_problems_are_all_reported():
    text = VALID.replace("seed: 7", "seed: -1").replace("size: 100", "size: 0")
    assert len(problems(text)) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "s.yaml:1:1: the file is empty"),
        ("name: [", "s.yaml:1:8: YAML syntax error"),
        ("- a\n- b\n", "s.yaml:1:1: expected a mapping of keys"),
        ("name: !!python/object/apply:os.system [ls]\n", "s.yaml:1:7: unsupported YAML tag"),
    ],
)
def test_broken_files_get_one_line(text, expected):
    (line,) = problems(text)
    assert line.startswith(expected)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "nope.yaml")
    assert "file not found" in str(caught.value)


def test_name_cannot_escape_the_results_folder():
    (line,) = problems(VALID.replace("name: tiny", "name: ../../etc"))
    assert line.startswith("s.yaml:1:7: name: string should match pattern")


def test_override_is_validated_like_the_file(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert load_scenario(path, ["population.size=5000"]).population.size == 5000
    assert load_scenario(path, ["agencies.tax-office.servers=4"]).agencies[0].servers == 4
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, ["population.size=-5"])
    assert str(caught.value) == (
        "--set population.size=-5: population.size: input should be greater than or "
        "equal to 1 (got -5)"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, ["agencies.nobody.servers=4"])
    assert "no list item 'nobody'" in str(caught.value)


def test_resolved_scenario_round_trips(quickstart):
    from sim.scenario import Scenario

    again = Scenario.model_validate(quickstart.resolved())
    assert again == quickstart
    assert again.digest() == quickstart.digest()
