"""Plots and the report of a quickstart run: produced, non-trivial, self-contained."""

from __future__ import annotations

import json

import matplotlib.image
import pandas as pd
import pytest

from sim.cli import main
from sim.report.reading import leads, reading
from tests.conftest import SCENARIOS

QUICK = str(SCENARIOS / "quickstart.yaml")
SMALL = ["--set", "population.size=800", "--set", "duration=3 h", "--set", "warmup=30 min"]
RUN_PLOTS = {
    "bars-linkage.png",
    "bars-citizen.png",
    "utilization.png",
    "latency.png",
    "utilization-over-time.png",
}


@pytest.fixture(scope="module")
def quickstart_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "run"
    assert main(["run", QUICK, *SMALL, "--replications", "2", "--out", str(out), "--quiet"]) == 0
    return out


def test_a_run_writes_plots_that_are_real_images(quickstart_run):
    written = {path.name for path in (quickstart_run / "plots").glob("*.png")}
    assert written >= RUN_PLOTS
    for name in written:
        image = matplotlib.image.imread(quickstart_run / "plots" / name)
        height, width = image.shape[:2]
        assert width >= 500 and height >= 300, name
        assert image[..., :3].std() > 0.05, f"{name} is blank"


def test_the_trade_off_plot_is_drawn_when_privacy_is_measured(quickstart_run):
    summary = pd.read_csv(quickstart_run / "summary.csv")
    report = (quickstart_run / "report.md").read_text(encoding="utf-8")
    if "privacy.linkable_profiles.worst" in set(summary["metric"]):
        assert (quickstart_run / "plots" / "tradeoff.png").stat().st_size > 10_000
        assert "(plots/tradeoff.png)" in report
    else:
        assert "No efficiency–privacy trade-off plot" in report


def test_the_report_reads_the_result(quickstart_run):
    report = (quickstart_run / "report.md").read_text(encoding="utf-8")
    for heading in ("## The scenario", "## Reading", "## Comparison", "## Paired differences"):
        assert heading in report
    assert "800 synthetic citizens" in report
    assert "**Linkage efficiency.**" in report
    for name in RUN_PLOTS:
        assert f"(plots/{name})" in report


def test_the_html_report_is_self_contained(quickstart_run):
    page = (quickstart_run / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') >= len(RUN_PLOTS)
    assert "http://" not in page and "https://" not in page
    assert "<table>" in page and "<strong>Linkage efficiency.</strong>" in page


def test_timeseries_latencies_and_differences_are_saved(quickstart_run):
    series = pd.read_csv(quickstart_run / "timeseries.csv")
    assert list(series.columns) == [
        "scenario", "architecture", "replication", "time_s", "node", "group", "queue", "busy",
        "utilization",
    ]  # fmt: skip
    assert sorted(series["time_s"].unique()) == [900.0 * k for k in range(1, 13)]
    assert series["utilization"].between(0, 1).all()
    latencies = pd.read_csv(quickstart_run / "latencies.csv")
    assert set(latencies["architecture"]) == {"separate", "flat", "sectoral", "symbol"}
    assert (latencies["latency_s"] > 0).all()
    differences = pd.read_csv(quickstart_run / "differences.csv")
    assert set(differences["reference"]) == {"separate"}
    manifest = json.loads((quickstart_run / "manifest.json").read_text())
    assert manifest["reference_architecture"] == "separate"


def test_timeseries_utilisation_adds_up_to_the_metric(quickstart_run):
    series = pd.read_csv(quickstart_run / "timeseries.csv")
    metrics = pd.read_csv(quickstart_run / "metrics.csv")
    measured = series[(series["time_s"] > 1800) & (series["architecture"] == "flat")]
    mean = measured[measured["group"] == "tax"].groupby("replication")["utilization"].mean()
    metric = metrics.query("architecture == 'flat' and metric == 'load.utilization.tax'")
    assert mean.to_numpy() == pytest.approx(metric["value"].to_numpy(), rel=1e-4)


def test_idsim_plot_redraws_a_folder(quickstart_run, tmp_path, capsys):
    out = tmp_path / "bare"
    assert main(["run", QUICK, *SMALL, "--replications", "1", "--arch", "flat", "--out",
                 str(out), "--no-plots", "--quiet"]) == 0  # fmt: skip
    assert not (out / "plots").exists() and not (out / "report.md").exists()
    assert main(["plot", str(out)]) == 0
    assert (out / "report.html").exists() and (out / "plots" / "latency.png").exists()
    assert "nothing to compare" in (out / "report.md").read_text()
    capsys.readouterr()
    assert main(["plot", str(tmp_path / "nowhere")]) == 2


def _metrics(values: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        ("toy", architecture, replication, "linkage.auto_rate", value, "share")
        for architecture, series in values.items()
        for replication, value in enumerate(series)
    ]
    return pd.DataFrame(rows, columns=["scenario", "architecture", "replication", "metric",
                                       "value", "unit"])  # fmt: skip


def test_reading_says_who_leads_by_how_much_and_whether_it_is_real():
    real = _metrics({"separate": [0.80, 0.82, 0.79], "flat": [0.99, 0.995, 0.99]})
    [lead] = leads(real)
    assert lead.best == ("flat",) and lead.runner_up == "separate" and lead.real
    text = " ".join(reading(real))
    assert "A real lead" in text and "flat 99.2% against separate 80.3%" in text
    unclear = _metrics({"separate": [0.80, 0.95, 0.70], "flat": [0.85, 0.90, 0.80]})
    assert not leads(unclear)[0].real
    assert "not distinguishable" in " ".join(reading(unclear))
