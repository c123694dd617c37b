"""The laptop's data key: random, kept only wrapped by the collector's PIN."""
