"""Desk applications of the inspection process.

None yet: the process runs from the field app and the domain's signals; the head's optional
review task is reached through the inbox once a desk application is added here (its task pages
then need rows in tests/url_rules_inspections.py).
"""

APPLICATIONS: list = []
