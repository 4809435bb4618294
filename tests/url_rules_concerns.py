"""Permission rows for concerns from the public: the public form and tracking page (everyone), and
the desk inbox of the supervising department.

`extend_world` makes one concern about institution P (district X) with a photo. Who sees it: the
civil-affairs officials of X and the administrator; Y's get 404; other departments and operators
are refused the section (403). Who decides: planners and heads of X, the administrator.
"""

from tests.personas import statuses


def extend_world(world):
    from tests.builders.concerns import concern

    world.concern = concern(world.inst_p)
    world.concern_photo = world.concern.photos.first()


def _desk(default_in_x=200):
    return statuses(403, anonymous=302, inspector_x=default_in_x, head_x=default_in_x, planner_x=default_in_x,
                    admin=default_in_x, inspector_y=404)


RULES = {
    "public:concerns:new": (lambda w: f"/public/concerns/new/?institution={w.inst_p.pk}", statuses(200)),
    "public:concerns:track": (lambda w: f"/public/concerns/track/?code={w.concern.tracking_code}", statuses(200)),
    "concerns:index": (lambda w: "/concerns/", statuses(403, anonymous=302, inspector_x=200, head_x=200,
                                                       planner_x=200, admin=200, inspector_y=200)),
    "concerns:detail": (lambda w: f"/concerns/{w.concern.pk}/", _desk()),
    "concerns:photo": (lambda w: f"/concerns/{w.concern.pk}/photos/{w.concern_photo.pk}/", _desk()),
}

_outsiders = {"fire_inspector_x": 403, "operator_p": 403, "operator_q": 403}

POSTS = {
    # An empty form: 400 for all (nothing is sent; the form says what is missing).
    "public:concerns:new": (lambda w: "/public/concerns/new/", statuses(400)),
    "public:concerns:track": (RULES["public:concerns:track"][0], statuses(405)),
    # Outside the section the desk refuses before the method is looked at.
    "concerns:index": (lambda w: "/concerns/", {**statuses(405, anonymous=302), **_outsiders}),
    # Deciders get the form back (an empty decision is invalid); an inspector of X may not decide.
    "concerns:detail": (lambda w: f"/concerns/{w.concern.pk}/", {**_desk(200), "inspector_x": 403}),
    "concerns:photo": (RULES["concerns:photo"][0], {**statuses(405, anonymous=302), **_outsiders}),
}
