"""Register entries enrolled with another person's identifier, and finding entries by it.

Shared by every architecture whose agencies store an identifier (flat's national
number, sectoral's bPK, symbol's symbol): at enrolment, an entry is linked to the
wrong person at the scenario's rate (the wrong number typed in), so it carries
that person's identifier. The
errors are drawn sparsely, one dict per agency, never as a population-sized
table of identifiers.
"""

from __future__ import annotations

import numpy as np

from sim.architectures.base import WorldView
from sim.architectures.resolution import NOT_ANSWERED
from sim.population.registers import holds_one


class WrongLinks:
    """One agency's entries that carry another person's identifier."""

    def __init__(self, wrong: dict[int, int]):
        self.wrong = wrong  # person -> the person whose identifier their entry carries
        self.carrier = {other: person for person, other in wrong.items()}

    def linked(self, person: int) -> int:
        """The person whose identifier ``person``'s entry carries (themself, unless wrong)."""
        return self.wrong.get(person, person)

    def linked_many(self, persons: np.ndarray) -> np.ndarray:
        """``linked`` of each of ``persons``, as an array."""
        if not self.wrong:
            return persons.copy()
        wrong = np.fromiter(self.wrong, dtype=np.int64, count=len(self.wrong))
        other = np.fromiter(self.wrong.values(), dtype=np.int64, count=len(self.wrong))
        order = np.argsort(wrong)
        wrong, other = wrong[order], other[order]
        at = np.searchsorted(wrong, persons).clip(max=len(wrong) - 1)
        return np.where(wrong[at] == persons, other[at], persons)

    def add(self, person: int, other: int) -> None:
        """Link ``person``'s entry to ``other``'s identifier (for experiments)."""
        self.wrong[person] = other
        self.carrier[other] = person


def draw_wrong_links(world: WorldView, stream: str, rate: float) -> dict[str, WrongLinks]:
    """For each agency, entries linked to a random other person at ``rate``.

    A municipal agency's entries are everyone (each lives somewhere); a national
    agency's are the persons on its register.
    """
    population = world.population
    rng = world.rng(stream, "enrolment-errors")
    links: dict[str, WrongLinks] = {}
    for agency in world.scenario.agencies:
        if agency.per_municipality:
            entries = np.arange(population.size)
        else:
            entries = np.flatnonzero(world.registers.members[agency.name])
        count = rng.binomial(len(entries), rate) if len(entries) and population.size > 1 else 0
        persons = rng.choice(entries, size=count, replace=False)
        others = rng.integers(0, population.size - 1, size=count)
        others = others + (others >= persons)  # anyone but the person themself
        links[agency.name] = WrongLinks(dict(zip(persons.tolist(), others.tolist(), strict=True)))
    return links


def entry_for(world: WorldView, node: int, links: WrongLinks, owner: int, now: float) -> int:
    """The person whose entry at ``node`` carries ``owner``'s identifier (-1: none).

    An entry wrongly carrying the identifier is found first: its person's data is
    what gets disclosed. The owner's own entry counts only if it carries their
    own identifier, and only if the node holds the owner at ``now``.
    """
    registers, population = world.registers, world.population
    carrier = links.carrier.get(owner)
    if carrier is not None and holds_one(registers, node, carrier, now, population):
        return carrier
    own_entry = owner >= 0 and owner not in links.wrong  # carrying the owner's own identifier
    if own_entry and holds_one(registers, node, owner, now, population):
        return owner
    return NOT_ANSWERED
