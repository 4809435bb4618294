"""Desk applications this process contributes to the site (supervision/desk.py)."""

APPLICATIONS: list = []
