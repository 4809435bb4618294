"""Personas of the permission suite and shorthands for the statuses each must get.

Statuses: 200 ok, 302 redirect (anonymous → login, or a landing page), 403 section
refused, 404 the record is outside the persona's reach (no hint it exists), 405 method.
"""

PERSONAS = [
    "anonymous", "inspector_x", "inspector_y", "head_x", "planner_x", "fire_inspector_x",
    "admin", "operator_p", "operator_q",
]
OFFICIALS = {"inspector_x", "inspector_y", "head_x", "planner_x", "fire_inspector_x", "admin"}
OPERATORS = {"operator_p", "operator_q"}


def statuses(default, **overrides):
    table = {p: default for p in PERSONAS}
    table.update(overrides)
    return table


def desk_list():
    """A section every official and operator may open (records inside are scoped)."""
    return statuses(200, anonymous=302)


def officials_only():
    return statuses(200, anonymous=302, operator_p=403, operator_q=403)


def admin_only():
    return statuses(403, anonymous=302, admin=200)


def in_district_x():
    """An object of district X: officials of X (any department) and the admin; Y gets 404."""
    return statuses(404, anonymous=302, inspector_x=200, head_x=200, planner_x=200, fire_inspector_x=200, admin=200)


def institution_p():
    return {**in_district_x(), "operator_p": 200}


def editors_of_x():
    """Civil-affairs planners and heads of X, and administrators, may change an X institution."""
    return statuses(403, anonymous=302, inspector_y=404, operator_q=404, head_x=200, planner_x=200, admin=200)


def editors():
    return statuses(403, anonymous=302, head_x=200, planner_x=200, admin=200)


def head_of_x_or_admin_for(obj_in_x=True):
    table = statuses(403, anonymous=302, head_x=200, admin=200)
    if obj_in_x:
        table.update(inspector_y=404, operator_p=404, operator_q=404)
    return table
