"""Append-only audit of registry records: who changed what, when, before and after.

A model joins with ``audit.track(Model)``. Saves and deletes through the ORM are
recorded by signals; bulk paths (imports) call ``record_created`` themselves. The
actor comes from the request (AuditActorMiddleware) or from ``acting_as`` in
commands and background jobs.
"""

import contextlib
import contextvars
import datetime
import decimal
import uuid

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

_actor: contextvars.ContextVar = contextvars.ContextVar("audit_actor", default=None)
_tracked: dict[type, tuple[str, ...]] = {}


class _System:
    """Stands in for the actor when no user is behind a change (commands, timers)."""

    pk = None

    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name


@contextlib.contextmanager
def acting_as(user_or_name):
    """Attribute the changes made inside the block to a user, or to a named system actor."""
    actor = _System(user_or_name) if isinstance(user_or_name, str) else user_or_name
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = _actor.set(user if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_json_value(v) for v in value]
    return value


def snapshot(instance, exclude=()) -> dict:
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.name] = _json_value(field.value_from_object(instance))
    for field in instance._meta.many_to_many:
        if field.name in exclude or instance.pk is None:
            continue
        data[field.name] = sorted(_json_value(list(field.value_from_object(instance))), key=str)
    return data


def _actor_fields():
    actor = _actor.get()
    if actor is None:
        return {"actor": None, "actor_name": "system"}
    if isinstance(actor, _System):
        return {"actor": None, "actor_name": f"system: {actor.name}"[:150]}
    return {"actor": actor, "actor_name": (actor.get_full_name() or actor.get_username())[:150]}


def _label(model) -> str:
    return model._meta.label


def _entry(action, instance, before, after):
    from supervision.core.models import AuditEntry

    changed = sorted(k for k in set(before or {}) | set(after or {}) if (before or {}).get(k) != (after or {}).get(k))
    return AuditEntry(
        action=action,
        model=_label(type(instance)),
        object_pk=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        changed_fields=changed,
        **_actor_fields(),
    )


def record_export(model, row_count: int, query: dict) -> None:
    """Who took which list out of the system, with the filters used (an export holds personal data)."""
    from supervision.core.models import AuditEntry

    AuditEntry.objects.create(
        action="export", model=_label(model), object_pk="*",
        object_repr=f"{model._meta.verbose_name_plural}: {row_count}"[:200],
        after={"rows": row_count, "query": query}, **_actor_fields(),
    )


def record_created(instances) -> None:
    """Audit rows made by bulk_create (which sends no signals)."""
    from supervision.core.models import AuditEntry

    entries = []
    for instance in instances:
        exclude = _tracked.get(type(instance), ())
        entries.append(_entry("create", instance, None, snapshot(instance, exclude)))
    AuditEntry.objects.bulk_create(entries, batch_size=1000)


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        instance._audit_before = None
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old, _tracked[sender]) if old is not None else None


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    exclude = _tracked[sender]
    after = snapshot(instance, exclude)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _entry("create", instance, None, after).save()
        return
    if before != after:
        _entry("update", instance, before, after).save()


def _post_delete(sender, instance, **kwargs):
    exclude = _tracked[sender]
    before = {f.name: _json_value(f.value_from_object(instance)) for f in instance._meta.concrete_fields if f.name not in exclude}
    _entry("delete", instance, before, None).save()


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse or type(instance) not in _tracked:
        return
    if action.startswith("pre_"):
        instance._audit_m2m_before = snapshot(instance, _tracked[type(instance)])
    elif action in ("post_add", "post_remove", "post_clear"):
        before = getattr(instance, "_audit_m2m_before", None)
        after = snapshot(instance, _tracked[type(instance)])
        if before is not None and before != after:
            _entry("update", instance, before, after).save()


def track(model, exclude: tuple[str, ...] = ()) -> None:
    """Record every change of ``model`` in the audit log."""
    _tracked[model] = tuple(exclude)
    uid = f"audit-{_label(model)}"
    pre_save.connect(_pre_save, sender=model, dispatch_uid=uid)
    post_save.connect(_post_save, sender=model, dispatch_uid=uid)
    post_delete.connect(_post_delete, sender=model, dispatch_uid=uid)
    for field in model._meta.many_to_many:
        m2m_changed.connect(_m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")


def tracked_models() -> list[type]:
    return list(_tracked)
