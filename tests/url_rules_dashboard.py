"""Permission rows for the heads' dashboard and its chart exports.

Heads (head_x) and the administrator open it; inspectors of either district, planners, the
partner department's inspector and operators are refused (403); anonymous visitors go to the
login. Nothing is changed by a POST: heads get 405, the others the same refusal as for GET.
"""

from tests.personas import statuses


def _heads(status):
    return statuses(403, anonymous=302, head_x=status, admin=status)


RULES = {
    "dashboard:index": (lambda w: "/dashboard/", _heads(200)),
    "dashboard:export": (lambda w: "/dashboard/export/rectification.xlsx?period=quarter", _heads(200)),
    "dashboard:report": (lambda w: "/dashboard/report.pdf?month=2026-11", _heads(200)),
}

POSTS = {
    "dashboard:index": (lambda w: "/dashboard/", _heads(405)),
    "dashboard:export": (lambda w: "/dashboard/export/rectification.xlsx", _heads(405)),
    "dashboard:report": (lambda w: "/dashboard/report.pdf", _heads(405)),
}
