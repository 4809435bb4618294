"""Deployment checks (`manage.py check --deploy`): the account protections are on in production."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def account_protections(app_configs, **kwargs):
    problems = []
    if not settings.TWO_FACTOR_REQUIRED:
        problems.append(Warning("TWO_FACTOR_REQUIRED is off: officials log in with a password alone.",
                                id="accounts.W001"))
    if not settings.RATE_LIMIT_ENABLED:
        problems.append(Warning("RATE_LIMIT_ENABLED is off: logins, public search and the APIs are not rate-limited.",
                                id="accounts.W002"))
    if "script-src 'self'" not in settings.CONTENT_SECURITY_POLICY or "'unsafe-inline'" in _scripts(
            settings.CONTENT_SECURITY_POLICY):
        problems.append(Warning("CONTENT_SECURITY_POLICY allows inline scripts or scripts from elsewhere.",
                                id="accounts.W003"))
    return problems


def _scripts(policy: str) -> str:
    return next((part for part in policy.split(";") if part.strip().startswith("script-src")), "")
