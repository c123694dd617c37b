"""fieldapp: the offline-first app a loan collector carries door to door."""

from fieldcore import __version__

__all__ = ["__version__"]
