"""Permission rows for the public site's own pages (/public/): everyone, signed in or not, gets them.

The institution page of P is open to all; a missing institution is 404 for all. POSTs are refused
with 405: the public pages only read.
"""

from tests.personas import statuses

_public = statuses(200)

RULES = {
    "public:home": (lambda w: "/public/", _public),
    "public:search": (lambda w: "/public/institutions/?q=" + w.inst_p.name[:2], _public),
    "public:institution": (lambda w: f"/public/institutions/{w.inst_p.pk}/", _public),
    "public:compare": (lambda w: f"/public/compare/?id={w.inst_p.pk}&id={w.inst_q.pk}", _public),
    "public:methodology": (lambda w: "/public/methodology/", _public),
    "public:display": (lambda w: "/public/display/", _public),
    "public:data": (lambda w: "/public/data/", _public),
    "public:data_json": (lambda w: "/public/data/institutions.json?limit=1", _public),
    "public:data_csv": (lambda w: "/public/data/penalties.csv", _public),
}

POSTS = {name: (build, statuses(405)) for name, (build, _table) in RULES.items()}
