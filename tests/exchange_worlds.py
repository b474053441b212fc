"""A tiny world with constant timings, whose latencies can be worked out on paper.

Sectors: local (city offices, welfare), tax, social (pension).
Procedures: city asks welfare (within local) and tax (local -> tax, allowed
under sectoral); tax asks pension (tax -> social, allowed); pension asks tax
without a legal basis (social -> tax, not allowed under sectoral, not in the
symbol exchange table).

With every system idle (50 servers each), a query takes:
- flat and sectoral within a sector: 2 hops + agency = 2*10 + 100 ms = 120 ms
- sectoral across allowed sectors: 4 hops + authority + agency = 145 ms
- sectoral refused: 2 hops + authority = 25 ms
- symbol answered: 6 hops + intermediate + hub + agency (reading the copy at the
  provider's intermediate server) = 60 + 2 + 5 + 100 = 167 ms
- symbol refused: 4 hops + intermediate + hub = 47 ms
and a symbol query reaches the hub 2 hops + 1 intermediate = 22 ms after it is issued.
"""

from __future__ import annotations

from sim.scenario import Scenario, load_scenario_text
from tests.conftest import small

HOP, AGENCY, AUTHORITY, HUB, INTERMEDIATE, REGISTRY = 0.010, 0.100, 0.005, 0.005, 0.002, 0.040
TO_HUB = 2 * HOP + INTERMEDIATE

TINY = """
name: tiny
seed: 7
duration: 1 day
warmup: 0 s
replications: 1
architectures: [flat, sectoral, symbol]
population:
  size: 400
  municipalities: 2
  life_events:
    move_rate_per_year: 0
    marriage_rate_per_year: 0
    birth_rate_per_year: 0
    death_rate_per_year: 0
sectors:
  - {name: local, code: ZP}
  - {name: tax, code: SA}
  - {name: social, code: AS}
agencies:
  - {name: city, sector: local, per_municipality: true, servers: 50,
     service_time: {distribution: constant, mean: 100 ms}}
  - {name: welfare, sector: local, servers: 50,
     service_time: {distribution: constant, mean: 100 ms}}
  - {name: tax, sector: tax, servers: 50, service_time: {distribution: constant, mean: 100 ms}}
  - {name: pension, sector: social, servers: 50,
     service_time: {distribution: constant, mean: 100 ms}}
procedures:
  - name: allowance
    requester: city
    rate_per_day: 200
    needs:
      - {provider: welfare, item: benefits}
      - {provider: tax, item: income}
  - name: assessment
    requester: tax
    rate_per_day: 100
    needs: [{provider: pension, item: pension-payments}]
  - name: snooping
    requester: pension
    rate_per_day: 50
    needs: [{provider: tax, item: income, legal_basis: false}]
network:
  latency: {distribution: constant, mean: 10 ms}
flat:
  registration_error_rate: 0
sectoral:
  register_authority: {servers: 50, service_time: {distribution: constant, mean: 5 ms}}
  allowed_cross_sector:
    - {from_sector: local, to_sector: tax}
    - {from_sector: tax, to_sector: social}
  enrolment_error_rate: 0
symbol:
  hub: {servers: 50, service_time: {distribution: constant, mean: 5 ms}}
  resident_registry: {servers: 50, service_time: {distribution: constant, mean: 40 ms}}
  intermediate:
    servers: 50
    platform_servers: 50
    service_time: {distribution: constant, mean: 2 ms}
  enrolment_error_rate: 0
"""


def tiny(**changes: object) -> Scenario:
    """The tiny scenario, with dotted keys changed as in ``tests.conftest.small``."""
    scenario = load_scenario_text(TINY, "tiny.yaml")
    return small(scenario, **changes) if changes else scenario
