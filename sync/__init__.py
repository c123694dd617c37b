"""The sync protocol between a collector's laptop and head office: wire models and both ends."""
