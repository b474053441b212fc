"""Plain SimPy baselines measured in the same process as the simulator's own figures."""

from __future__ import annotations

import time

import numpy as np
import simpy


def bare_timeout_events_per_second(events: int = 300_000) -> float:
    """Events per wall-second of a loop that does nothing but yield timeouts."""
    env = simpy.Environment()

    def loop():
        for _ in range(events):
            yield env.timeout(1.0)

    env.process(loop())
    start = time.perf_counter()
    env.run()
    return events / (time.perf_counter() - start)


def mmc_customers_per_second(customers: int = 100_000, servers: int = 4) -> float:
    """Customers per wall-second through a hand-written M/M/c queue at 80 % load."""
    rng = np.random.default_rng(1)
    gaps = rng.exponential(1.0, customers).tolist()
    services = rng.exponential(0.8 * servers, customers).tolist()
    env = simpy.Environment()
    counter = simpy.Resource(env, capacity=servers)

    def customer(service: float):
        with counter.request() as request:
            yield request
            yield env.timeout(service)

    def source():
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            env.process(customer(service))

    env.process(source())
    start = time.perf_counter()
    env.run()
    return customers / (time.perf_counter() - start)
