"""Benchmarks (`make bench`): measured figures for docs/benchmarks.md."""
