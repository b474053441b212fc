"""The simulated world: systems with queues, the network, and the per-query log."""

from sim.architectures.resolution import Resolution
from sim.world.world import World, WorldResult

__all__ = ["Resolution", "World", "WorldResult"]
