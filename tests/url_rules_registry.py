"""Permission rules for the registry's import and region pages added with the real-registry import.

RULES: GET, as in the main table. POST_RULES: the same URLs posted (tests/test_registry_post_permissions.py),
with what each persona gets; a refused POST changes nothing.
"""

from tests.personas import statuses

RULES = {
    "libraries:import_job_columns": (
        lambda w: f"/libraries/imports/jobs/{w.import_job.pk}/columns/", statuses(405, anonymous=302)
    ),
}

POST_RULES = {
    # Only the uploader remaps their job; an administrator sees it but may not act for them; others: 404.
    "libraries:import_job_columns": (
        lambda w: f"/libraries/imports/jobs/{w.checked_job.pk}/columns/",
        statuses(404, anonymous=302, head_x=302, admin=403),
    ),
}
