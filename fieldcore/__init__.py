"""The kernel the laptop, sync and head office share: money, stages, accounts, outcomes, i18n.

Pure rules and pydantic models; it opens no database or socket (only its own
catalogs) and imports nothing of the project.
Modules load what they need themselves, so importing this package is free.
"""

__version__ = "0.1.0"
