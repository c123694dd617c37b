"""Invented data for demos, training and tests: borrowers in three languages, a team's fortnight."""
