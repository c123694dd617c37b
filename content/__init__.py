"""The default call-script library and contact policy that ship with fieldapp, as TOML data."""

from pathlib import Path

CONTENT_DIR = Path(__file__).parent
