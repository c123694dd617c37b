"""fieldapp: the offline-first app a loan collector carries door to door."""

__version__ = "0.1.0"
