"""URL rules of the login's second factor (supervision/accounts), in the permission suite's world.

The suite runs with TWO_FACTOR_REQUIRED off (conftest), so no persona has to give a code: the
enrolment page opens for everyone logged in, the code page and the recovery codes (no authenticator
yet) send them on. tests/test_two_factor.py covers the same pages with the requirement on.
"""

from tests.personas import statuses

RULES = {
    "two_factor_enrol": (lambda w: "/accounts/two-factor/", statuses(200, anonymous=302)),
    "two_factor_verify": (lambda w: "/accounts/two-factor/verify/", statuses(302)),
    "two_factor_recovery_codes": (lambda w: "/accounts/two-factor/recovery-codes/", statuses(302)),
}

POSTS = {
    # An empty code: the form again (nothing stored); anonymous to the login.
    "two_factor_enrol": (lambda w: "/accounts/two-factor/", statuses(200, anonymous=302)),
    "two_factor_verify": (lambda w: "/accounts/two-factor/verify/", statuses(302)),
    "two_factor_recovery_codes": (lambda w: "/accounts/two-factor/recovery-codes/", statuses(302)),
}
