"""A scenario in words, from its resolved form (``scenario.resolved.yaml``)."""

from __future__ import annotations

from sim.scenario.sections import scale_text
from sim.scenario.units import parse_duration

_ARCHITECTURES = {
    "separate": "a number per agency, records matched by name, address, sex and birth date",
    "flat": "one national number stored everywhere, asked for directly",
    "sectoral": "a number per sector derived from a hidden source number; crossing sectors "
    "goes through the register authority",
    "symbol": "agency-specific symbols translated by a hub under a table of allowed exchanges",
}


def _daily_rate(procedure: dict, size: int) -> float:
    if procedure.get("rate_per_day") is not None:
        return float(procedure["rate_per_day"])
    return float(procedure.get("rate_per_citizen_per_year") or 0) * size / 365.25


def describe_scenario(data: dict) -> list[str]:
    """Sentences (Markdown) saying what the scenario simulates."""
    population = data.get("population", {})
    size = int(population.get("size", 0))
    agencies = data.get("agencies", [])
    procedures = data.get("procedures", [])
    sectors = data.get("sectors", [])
    lines = []
    if data.get("description"):
        lines.append(f"**{data.get('name', 'scenario')}**: {data['description']}")
    municipal = [a["name"] for a in agencies if a.get("per_municipality")]
    national = [a["name"] for a in agencies if not a.get("per_municipality")]
    sample = float(population.get("sample", 1))
    simulated = max(1, round(size * sample))
    lines.append(
        f"As run: {simulated:,} synthetic citizens ({population.get('locale', '?')} names) in "
        f"{population.get('municipalities', '?')} municipalities; {len(sectors)} sectors "
        f"({', '.join(s['name'] for s in sectors)}); agencies: "
        + ", ".join(
            [f"`{name}` (one office per municipality)" for name in municipal]
            + [f"`{name}`" for name in national]
        )
        + "."
    )
    if sample < 1:
        lines.append(
            f"**The population is sampled** (`population.sample` {sample:g}): the "
            f"{simulated:,} simulated citizens are a random sample standing for {size:,}. "
            "Every exchange runs at the full volume of the represented population; counts of "
            f"persons and records are scaled ×{scale_text(size / simulated)}."
        )
    queries = sum(_daily_rate(p, size) * len(p.get("needs", [])) for p in procedures)
    unlawful = [
        p["name"] for p in procedures if any(not n.get("legal_basis", True) for n in p["needs"])
    ]
    text = (
        f"{len(procedures)} procedures make agencies exchange data, about "
        f"{queries:,.0f} queries a day in all ("
        + ", ".join(f"`{p['name']}` {_daily_rate(p, size):,.0f}/day" for p in procedures)
        + ")."
    )
    if unlawful:
        text += f" Without a legal basis (insider curiosity): {', '.join(unlawful)}."
    lines.append(text)
    duration, warmup = data.get("duration", "?"), data.get("warmup", "0 s")
    measured = f"{duration}, of which the first {warmup} is warm-up and not measured"
    if parse_duration(str(warmup)) == 0:
        measured = f"{duration}, all of it measured"
    lines.append(f"Simulated time: {measured}.")
    architectures = data.get("architectures", [])
    lines.append(
        "Architectures compared on the same population and queries (common random numbers): "
        + "; ".join(f"**{a}** ({_ARCHITECTURES.get(a, 'custom')})" for a in architectures)
        + f". Differences are taken against **{architectures[0]}**, the first listed."
        if architectures
        else "No architectures listed."
    )
    lines.append(
        f"Seed {data.get('seed')}; {data.get('replications')} replications, each with its own "
        "population and workload drawn from streams spawned from the seed."
    )
    return lines
