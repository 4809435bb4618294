"""The rule sets the system ships with, as plain tables (the data migration keeps a frozen copy).

DEFAULT follows DOMAIN.md §6: a base of 80 (沪民养老发〔2022〕6号), deductions by finding cell,
by late, failed or overdue rectification, broken commitments, penalties and refused inspections;
bonuses for commendations and the grading level; windows of 3 months / 1 year / 3 years by class
(国办发〔2025〕22号); A ≥ 90, B 75–89, C 60–74, D < 60; blacklisted ⇒ D.

CMS is for comparison only: CMS's health-inspection points per cell (Technical Users' Guide:
A–C 0, D 4, E 8, F 16, G 20, H 35, I 45, J 50, K 100, L 150) deducted from 100, decaying inside
the window (CMS weighs recent surveys more); nothing else counts. It drives no supervision.
"""

import datetime as dt

# The scheme whose grades drive supervision (the draw's credit classes).
PRIMARY = "default"

BANDS = [
    {"grade": "A", "low": "90", "high": "100"},
    {"grade": "B", "low": "75", "high": "90"},
    {"grade": "C", "low": "60", "high": "75"},
    {"grade": "D", "low": "0", "high": "60"},
]

WINDOWS = {"minor": 3, "general": 12, "serious": 36}

DEFAULT_POINTS = {
    "finding": {"A": 0, "B": 0, "C": 0, "D": -1, "E": -2, "F": -3, "G": -4, "H": -5, "I": -6,
                "J": -8, "K": -9, "L": -10},
    "inspection_without_findings": {"": 0},
    "rectified_on_time": {"": 0},
    "rectified_late": {"": -2},
    "recheck_failed": {"": -2},
    "rectification_overdue": {"": -5},
    "commitment_broken": {"": -5},
    "false_filing": {"": -5},
    "penalty": {"": -10},
    "inspection_refused": {"": -10},
    "complaint_verified": {"": -3},
    "commendation": {"": 5},
    "grading_level": {"1": 2, "2": 4, "3": 6, "4": 8, "5": 10},
    "blacklist_entry": {"": -20},
    "blacklist_removal": {"": 0},
}

CMS_POINTS = {
    **{kind: {cell: 0 for cell in cells} for kind, cells in DEFAULT_POINTS.items()},
    "finding": {"A": 0, "B": 0, "C": 0, "D": -4, "E": -8, "F": -16, "G": -20, "H": -35, "I": -45,
                "J": -50, "K": -100, "L": -150},
}

SHIPPED = [
    {"code": "default", "version": 1, "name": "Default (DOMAIN.md §6)", "effective_from": dt.date(2026, 1, 1),
     "base": "80", "points": DEFAULT_POINTS, "window_months": WINDOWS, "decay": False, "bands": BANDS,
     "blacklist_grade": "D"},
    {"code": "cms", "version": 1, "name": "CMS health-inspection points (comparison)",
     "effective_from": dt.date(2026, 1, 1), "base": "100", "points": CMS_POINTS, "window_months": WINDOWS,
     "decay": True, "bands": BANDS, "blacklist_grade": "D"},
]
