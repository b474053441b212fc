"""Booking a service on arrival gives what queueing with SimPy events gives."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.scenario.distributions import DurationDistribution
from sim.world.node import Node, duration_sampler
from sim.world.site import Site


def _node(env: simpy.Environment, servers: int) -> Node:
    unused = duration_sampler(
        DurationDistribution(distribution="constant", mean="1 s"), np.random.default_rng(0)
    )
    return Node(env, "office", "office", servers, unused, measure_from=0.0)


def _arrive(env: simpy.Environment, at: float, action) -> None:
    env.timeout(at).callbacks.append(lambda _: action())


def test_two_servers_on_paper():
    env = simpy.Environment()
    node = _node(env, servers=2)
    ends = []
    for at in (0.0, 0.0, 0.0, 1.0):
        _arrive(env, at, lambda: ends.append(node.book(10.0)))
    looks = {}
    for at in (5.0, 15.0):
        _arrive(env, at, lambda: looks.update({env.now: _look(node, env.now)}))
    env.run()
    assert ends == [10.0, 10.0, 20.0, 20.0]
    assert node.waits == [0.0, 0.0, 10.0, 9.0]
    assert node.queue_max == 2  # the fourth request found the third waiting
    # (servers busy, requests waiting, busy server-seconds so far)
    assert looks[5.0] == (2, 2, 10.0)
    assert looks[15.0] == (2, 0, 30.0)
    assert node.busy_seconds == 40.0


def _look(node: Node, now: float) -> tuple[int, int, float]:
    return node.busy_servers(now), node.resource.waiting(now), node.busy_area(now)


@pytest.mark.parametrize("servers", [1, 2, 3])
def test_starts_and_load_are_those_of_a_simpy_resource(servers):
    rng = np.random.default_rng(servers)
    arrivals = np.cumsum(rng.exponential(1.0, 400))
    services = rng.exponential(0.9 * servers, 400)
    looks_at = np.sort(rng.uniform(0, arrivals[-1], 60))
    expected = _with_a_simpy_resource(servers, arrivals, services, looks_at)

    env = simpy.Environment()
    node = _node(env, servers)
    starts: list[float] = []
    looks: list[tuple[int, int, float]] = []
    for at, seconds in zip(arrivals, services, strict=True):
        _arrive(env, at, lambda seconds=seconds: starts.append(node.book(seconds) - seconds))
    for at in looks_at:
        _arrive(env, at, lambda: looks.append(_look(node, env.now)))
    env.run()

    assert starts == pytest.approx(expected["starts"], abs=1e-9)
    assert node.queue_max == expected["queue_max"]
    assert [look[:2] for look in looks] == expected["counts"]
    assert [look[2] for look in looks] == pytest.approx(expected["areas"], abs=1e-9)


def _with_a_simpy_resource(servers, arrivals, services, looks_at) -> dict:
    """The same queue run the usual way: a process per customer on a ``simpy.Resource``."""
    env = simpy.Environment()
    resource = simpy.Resource(env, servers)
    starts = [0.0] * len(arrivals)
    queue_max = 0

    def customer(index: int):
        nonlocal queue_max
        yield env.timeout(arrivals[index])
        with resource.request() as request:
            if not request.triggered:
                queue_max = max(queue_max, len(resource.queue))
            yield request
            starts[index] = env.now
            yield env.timeout(services[index])

    counts = []

    def looker():
        for at in looks_at:
            yield env.timeout(at - env.now)
            counts.append((resource.count, len(resource.queue)))

    for index in range(len(arrivals)):
        env.process(customer(index))
    env.process(looker())
    env.run()
    begun, ended = np.array(starts), np.array(starts) + services
    areas = [float(np.clip(np.minimum(ended, at) - begun, 0, None).sum()) for at in looks_at]
    return {"starts": starts, "queue_max": queue_max, "counts": counts, "areas": areas}


def test_a_restore_ends_at_the_earliest_activity_even_when_noted_later():
    env = simpy.Environment()
    site = Site(env, "town")
    site.await_restore(struck_at=0.0, restored_at=100.0)
    site.note_activity(50.0)  # before the restore: not counted
    site.note_activity(150.0)  # a service booked to start once a queue is served
    site.note_activity(120.0)  # booked later, starting sooner
    assert site.restored_after == [120.0]


def test_a_sampler_draws_its_stream_in_order_across_batches():
    exponential = DurationDistribution(distribution="exponential", mean="2 s")
    sampler = duration_sampler(exponential, np.random.default_rng(7))
    draws = [sampler() for _ in range(10_000)]  # more than two batches
    expected = np.random.default_rng(7)
    batches = [exponential.sample(expected, 4096) for _ in range(3)]
    assert draws == np.concatenate(batches)[:10_000].tolist()


def test_a_visit_fires_when_its_service_ends_with_its_wait():
    env = simpy.Environment()
    node = _node(env, servers=1)
    seen = []

    def arrive(duration):
        node.visit(duration).callbacks.append(lambda event: seen.append((env.now, event.value)))

    _arrive(env, 0.0, lambda: arrive(4.0))
    _arrive(env, 1.0, lambda: arrive(2.0))
    env.run()
    assert seen == [(4.0, 0.0), (6.0, 3.0)]  # the second waited from 1 s until 4 s
    assert node.last_start == 4.0
