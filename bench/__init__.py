"""Benchmarks: run each module as a script (see bench/README.md); they print figures."""
