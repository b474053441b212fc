"""The exposure pictures: one PNG per architecture, coloured by a chosen compromise."""

from __future__ import annotations

import pytest

from sim.scenario import ScenarioError, load_scenario_text
from sim.world.exposure import write_exposure_pictures
from tests.exchange_worlds import TINY, tiny


def test_one_picture_per_architecture(tmp_path):
    scenario = tiny(architectures=["separate", "flat", "sectoral", "symbol"])
    written = write_exposure_pictures(scenario, tmp_path / "plots", "central+tax")
    assert [path.name for path in written] == [
        "exposure-separate.png",
        "exposure-flat.png",
        "exposure-sectoral.png",
        "exposure-symbol.png",
    ]
    for path in written:
        assert path.read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="unknown compromise 'nobody'"):
        write_exposure_pictures(scenario, tmp_path, "nobody")


def test_the_picture_compromise_must_be_one_of_the_scenarios():
    text = TINY + "privacy:\n  picture_compromise: tax+pensions\n"
    with pytest.raises(ScenarioError, match="privacy.picture_compromise: unknown compromise"):
        load_scenario_text(text, "tiny.yaml")
