"""Evidence: the audit trail nobody can quietly change, and what is made from it."""
