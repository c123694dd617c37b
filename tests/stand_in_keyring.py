"""A keyring for the keyring tests: keyrings.alt's file keyring, ranked as a desktop's own.

The test machine runs no Secret Service. fieldapp refuses the plain file keyring as it
ships (its rank says it is a stand-in), so the tests rank this one as a real keyring
would be; everything else is the library's real code and a real file.
"""

from __future__ import annotations

from keyrings.alt.file import PlaintextKeyring


class FileKeyring(PlaintextKeyring):
    """PlaintextKeyring with the priority a Secret Service has."""

    priority = 5  # type: ignore[assignment]
