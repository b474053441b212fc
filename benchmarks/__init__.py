"""Performance benchmarks: `make bench` runs them all and prints targets beside measurements."""
