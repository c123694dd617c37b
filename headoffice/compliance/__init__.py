"""Lawful contact at head office: holds on accounts and the written notices sent."""
