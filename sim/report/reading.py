"""A short reading of the result, generated from the replications' metrics.

For each metric the glossary marks as better higher or lower, the best
architecture is compared with the runner-up by their paired difference over
replications (same population and workload, so the difference is the
architecture's alone). The difference is called real when its 95 % interval
excludes zero.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from sim.intervals import glossary_rank, t_interval
from sim.report.style import FAMILY_TITLES, better, family, label, named, number, unit_of

_READ_FAMILIES = ("linkage", "procedure", "citizen", "privacy", "resilience", "cost")


@dataclass(frozen=True)
class Lead:
    """The best architecture(s) on one metric, and how far ahead of the runner-up.

    ``best`` holds every architecture sharing the best mean; ``runner_up`` is
    the best of the others ('' when all are equal).
    """

    metric: str
    best: tuple[str, ...]
    runner_up: str
    best_mean: float
    runner_up_mean: float
    difference: float  # best minus runner-up, mean of the paired differences
    low: float
    high: float
    n: int

    @property
    def all_equal(self) -> bool:
        return not self.runner_up

    @property
    def real(self) -> bool:
        """The 95 % interval of the paired difference excludes zero."""
        return not self.all_equal and self.n >= 2 and not (self.low <= 0 <= self.high)

    @property
    def relative(self) -> float:
        scale = max(abs(self.runner_up_mean), abs(self.best_mean), 1e-12)
        return abs(self.difference) / scale

    @property
    def leader(self) -> str:
        return " = ".join(self.best)


def leads(metrics: pd.DataFrame) -> list[Lead]:
    """The lead on every glossary metric that has a better direction, in glossary order.

    ``metrics`` holds one point's tidy rows (``architecture, replication, metric, value``).
    """
    found = []
    names = sorted(dict.fromkeys(metrics["metric"]), key=glossary_rank)
    for metric in names:
        direction = better(metric)
        if not direction or not named(metric) or family(metric) not in _READ_FAMILIES:
            continue
        wide = metrics[metrics["metric"] == metric].pivot_table(
            index="replication", columns="architecture", values="value", aggfunc="first"
        )
        means = wide.mean().dropna()
        if len(means) < 2:
            continue
        order = list(dict.fromkeys(metrics["architecture"]))
        means = means.reindex([a for a in order if a in means.index])
        top = means.max() if direction == "higher" else means.min()
        best = tuple(means.index[means == top])
        others = means.drop(list(best))
        if others.empty:
            found.append(Lead(metric, best, "", top, top, 0.0, 0.0, 0.0, len(wide)))
            continue
        runner_up = others.idxmax() if direction == "higher" else others.idxmin()
        delta = (wide[best[0]] - wide[runner_up]).to_numpy(float)
        mean, low, high, n = t_interval(delta)
        found.append(Lead(metric, best, runner_up, top, others[runner_up], mean, low, high, n))
    return found


def _detail(lead: Lead) -> str:
    unit = unit_of(lead.metric)
    text = (
        f"{label(lead.metric)}: {lead.leader} {number(lead.best_mean, unit)} against "
        f"{lead.runner_up} {number(lead.runner_up_mean, unit)} "
        f"({number(lead.difference, unit, signed=True)}"
    )
    if lead.n < 2 or math.isnan(lead.low):
        return text + "; one replication, so no interval)"
    if lead.low == lead.high:
        return text + " in every replication)"
    low, high = (number(v, unit, signed=True, difference=True) for v in (lead.low, lead.high))
    return text + f", 95% interval [{low}, {high}])"


def reading(metrics: pd.DataFrame) -> list[str]:
    """Paragraphs (Markdown) saying which architecture leads on which family, by how much,
    and whether the intervals say the difference is real."""
    if metrics.empty or metrics["architecture"].nunique() < 2:
        return ["Only one architecture was run, so there is nothing to compare."]
    all_leads = leads(metrics)
    paragraphs = [_in_short(all_leads)]
    for name in _READ_FAMILIES:
        mine = [lead for lead in all_leads if family(lead.metric) == name]
        if mine:
            paragraphs.append(_family_paragraph(name, mine))
    paragraphs.append(_load_sentence(metrics))
    if metrics["replication"].nunique() < 2:
        paragraphs.append(
            "With a single replication no difference can be judged; run at least two "
            "(`--replications 5`, or `--replications auto`)."
        )
    return [p for p in paragraphs if p]


def _in_short(found: list[Lead]) -> str:
    """One sentence: per family, who holds the most real leads."""
    parts = []
    for name in _READ_FAMILIES:
        wins = Counter(lead.leader for lead in found if family(lead.metric) == name and lead.real)
        if wins:
            leader, count = wins.most_common(1)[0]
            title = FAMILY_TITLES.get(name, name).lower()
            parts.append(f"{leader} on {title} ({count} of {sum(wins.values())} real leads)")
    if not parts:
        return (
            "**In short:** no architecture is ahead of the runner-up on any metric by more "
            "than the 95% intervals allow; run more replications to tell them apart."
        )
    return "**In short:** ahead with a real difference: " + "; ".join(parts) + "."


def _by_relevance(found: list[Lead]) -> list[Lead]:
    return sorted(found, key=lambda lead: (-lead.relative, glossary_rank(lead.metric)))


def _family_paragraph(name: str, mine: list[Lead]) -> str:
    title = FAMILY_TITLES.get(name, name)
    equal = [lead for lead in mine if lead.all_equal]
    real = [lead for lead in mine if lead.real]
    unclear = [lead for lead in mine if not lead.all_equal and not lead.real]
    sentences = [f"**{title}.**"]
    if real:
        wins = Counter(lead.leader for lead in real)
        ranking = ", ".join(f"{arch} on {count}" for arch, count in wins.most_common())
        sentences.append(
            f"A real lead (the 95% interval of the paired difference from the runner-up "
            f"excludes zero) on {len(real)} of {len(mine)} metrics, held by {ranking}: "
            + "; ".join(_detail(lead) for lead in _by_relevance(real)[:3])
            + "."
        )
    if unclear:
        ahead = "; ".join(
            f"{label(lead.metric)} ({lead.leader} by "
            f"{number(abs(lead.difference), unit_of(lead.metric), difference=True)})"
            for lead in _by_relevance(unclear)[:4]
        )
        more = f" and {len(unclear) - 4} more" if len(unclear) > 4 else ""
        sentences.append(
            f"Ahead, but not distinguishable from the runner-up (interval includes zero): "
            f"{ahead}{more}."
        )
    if equal:
        sentences.append(f"The same under every architecture: {_names(equal)}.")
    return " ".join(sentences)


def _names(found: list[Lead]) -> str:
    return ", ".join(label(lead.metric) for lead in found)


def _load_sentence(metrics: pd.DataFrame) -> str:
    load = metrics[metrics["metric"].str.startswith("load.utilization.")]
    if load.empty:
        return ""
    means = load.groupby(["architecture", "metric"], sort=False)["value"].mean().dropna()
    if means.empty:
        return ""
    parts = []
    for architecture in dict.fromkeys(load["architecture"]):
        if architecture not in means.index.get_level_values(0):
            continue
        mine = means.loc[architecture]
        system = mine.idxmax()
        parts.append(
            f"{architecture}: {system.removeprefix('load.utilization.')} "
            f"{number(mine.max(), 'share')}"
        )
    return "**Load.** Busiest system under each architecture: " + "; ".join(parts) + "."


def sweep_reading(leads_by_point: dict[str, list[Lead]], labels: dict[str, str]) -> list[str]:
    """For each metric, the best architecture at each sweep point, and how often it is real.

    ``labels`` gives each point id its varied values in words.
    """
    by_metric: dict[str, list[tuple[str, Lead]]] = {}
    for point, found in leads_by_point.items():
        for lead in found:
            by_metric.setdefault(lead.metric, []).append((point, lead))
    lines = []
    for metric in sorted(by_metric, key=glossary_rank):
        entries = [(p, lead) for p, lead in by_metric[metric] if not lead.all_equal]
        if not entries:
            continue
        winners = Counter(lead.leader for _, lead in entries)
        real = sum(lead.real for _, lead in entries)
        leader, count = winners.most_common(1)[0]
        where = (
            f"at every point ({count})"
            if count == len(entries)
            else f"at {count} of {len(entries)} points"
        )
        text = f"{label(metric)} ({family(metric)}): {leader} is best {where}"
        others = [f"{lead.leader} at {labels[p]}" for p, lead in entries if lead.leader != leader]
        if others:
            text += "; " + ", ".join(others[:4]) + (" …" if len(others) > 4 else "")
        text += (
            f"; its lead over the runner-up is real (95% interval excludes zero) at {real} "
            f"of {len(entries)}."
        )
        lines.append(text)
    return lines
