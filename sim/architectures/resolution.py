"""How a query ends: the person answered about, the outcome, and what it cost."""

from __future__ import annotations

from dataclasses import dataclass

ANSWERED, NOT_FOUND, REFUSED, UNAVAILABLE = 0, 1, 2, 3
OUTCOME_NAMES = {
    ANSWERED: "answered",
    NOT_FOUND: "not found",
    REFUSED: "refused",
    UNAVAILABLE: "unavailable",
}
NOT_ANSWERED = -1


class NodeUnavailable(Exception):
    """A system a query needs is down for longer than a query waits (ends it as UNAVAILABLE)."""

    def __init__(self, node: str, up_at: float, at: float | None = None):
        super().__init__(node, up_at, at)  # its arguments: SimPy remakes it from them
        self.node = node
        self.up_at = up_at
        self.at = at  # when the query finds it out (None: at once)

    def __str__(self) -> str:
        return f"{self.node} is down until t={self.up_at:g} s"


@dataclass(slots=True)
class Resolution:
    """How one query ended.

    Attributes:
        person: the person the provider answered about (-1: no answer).
        outcome: ANSWERED, NOT_FOUND, REFUSED or UNAVAILABLE.
        clerk_seconds: staff time spent reviewing candidate matches.
        visits: trips the citizen made to fetch a paper certificate.
        citizen_seconds: the citizen's time on those trips.
        hops: network hops the query travelled.
        reply_seconds: the answer's travel time back to the requester after the
            query's last event (``WorldView.travel_time``); the query ends then.
    """

    person: int
    outcome: int = ANSWERED
    clerk_seconds: float = 0.0
    visits: int = 0
    citizen_seconds: float = 0.0
    hops: int = 2
    reply_seconds: float = 0.0
