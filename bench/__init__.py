"""Benchmarks of fieldapp; run with `python bench/run.py`."""
