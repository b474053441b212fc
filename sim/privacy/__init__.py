"""Privacy exposure: what an attacker holding leaked systems can join, and insider misuse.

- ``holdings``: the graph of which system stores which identifier namespace, and
  who can translate one namespace into another (from the run's registers).
- ``compromise``: which sets of systems leak, and the attacker's joins over them
  (by shared or translated identifiers, and by name matching), scored against
  the ground truth.
- ``insiders``: staff queries without a legal basis, added to the workload.
- ``detection``: citizens' portal checks and audits over the logs the run wrote.
- ``analysis``: the metric rows of one architecture's run.
- ``picture``: the holders–namespaces graph, coloured by what a compromise exposes.
"""
