"""Queue lengths and utilisation of every node over time: one sampler process per world."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

import simpy

from sim.world.node import Node


@dataclass
class LoadSeries:
    """Samples of every node, one row per node per sampling time.

    ``queue`` and ``busy`` are the requests waiting and the servers busy at the
    sampling instant; ``utilization`` is the busy fraction of the node's servers
    over the interval that ends at it (so it adds up to ``load.utilization``).
    """

    interval: float
    time_s: list[float] = field(default_factory=list)
    node: list[str] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    queue: list[int] = field(default_factory=list)
    busy: list[int] = field(default_factory=list)
    utilization: list[float] = field(default_factory=list)


class LoadSampler:
    """Samples every node of a world every ``interval`` seconds until ``until``.

    It only reads the nodes, so adding it changes no other event of the run.
    """

    def __init__(self, nodes: list[Node], interval: float, until: float):
        self.nodes = nodes
        self.until = until
        self.series = LoadSeries(interval)

    def process(self, env: simpy.Environment) -> Generator[simpy.Event, object, None]:
        """The SimPy process: start it with ``env.process(sampler.process(env))``."""
        interval, series = self.series.interval, self.series
        previous = [0.0] * len(self.nodes)
        while env.now + interval <= self.until + 1e-9:
            yield env.timeout(interval)
            for index, node in enumerate(self.nodes):
                area = node.busy_area(env.now)
                series.time_s.append(env.now)
                series.node.append(node.name)
                series.group.append(node.group)
                series.queue.append(node.resource.waiting(env.now))
                series.busy.append(node.busy_servers(env.now))
                series.utilization.append((area - previous[index]) / (node.servers * interval))
                previous[index] = area
