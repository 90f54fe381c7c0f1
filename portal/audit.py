"""The audit log: every create, update and delete of an audited model, from any interface.

Writes are caught by model signals, so the UI, the API, the Django admin and Celery tasks are
covered alike. Who acted comes from a context variable: the request's user (set by
`AuditContextMiddleware`) or the task's name (set by the Celery signals in `portal.celery`).
A model opts in with `audit_log = True`; `audit_masked_fields` are recorded as masked, and
`audit_ignored_fields` (bookkeeping such as last-used times) are not recorded at all;
`audit_label` names the model as people do when its verbose name is a code name.

A save of an audited model writes its entry through the signals; `record` and `record_many`
are for writes that send none (bulk updates). A `record` of exactly the change the signal
just wrote for the same object is not written again, so a service that does both is not
logged twice.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst

MASK = "********"


@dataclass
class Actor:
    source: str = "system"  # ui, api, admin, task, system
    request: Any = None
    label: str = ""
    request_id: str = ""
    tenant_id: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def user(self):
        user = getattr(self.request, "user", None)
        return user if getattr(user, "is_authenticated", False) else None


class _ActorContext:
    def __init__(self) -> None:
        self._var: contextvars.ContextVar[Actor] = contextvars.ContextVar("audit_actor")

    def current(self) -> Actor:
        return self._var.get(None) or Actor()

    def enter_request(self, request, source: str) -> contextvars.Token:
        return self._var.set(
            Actor(source=source, request=request, request_id=getattr(request, "id", ""))
        )

    def enter_task(self, name: str, task_id: str | None) -> contextvars.Token:
        return self._var.set(Actor(source="task", label=f"task:{name}", request_id=task_id or ""))

    def enter_system(self, label: str) -> contextvars.Token:
        return self._var.set(Actor(source="system", label=label))

    def leave(self, token: contextvars.Token) -> None:
        self._var.reset(token)

    def set_tenant(self, tenant_id: int | None) -> None:
        """Changes to rows with no tenant of their own (users) are filed under this tenant."""
        actor = self._var.get(None)
        if actor is not None:
            actor.tenant_id = tenant_id


actor_context = _ActorContext()


def is_audited(model) -> bool:
    return bool(getattr(model, "audit_log", False))


def model_label(model) -> str:
    """The model's name for people: "SIP trunk", "Number" (never "Sip trunk" or "Did")."""
    return getattr(model, "audit_label", "") or capfirst(str(model._meta.verbose_name))


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's field values as JSON-safe data, secrets masked."""
    masked = set(getattr(instance, "audit_masked_fields", ()))
    ignored = set(getattr(instance, "audit_ignored_fields", ()))
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in ignored or getattr(f, "auto_now", False):
            continue  # bookkeeping; a save that changes only these is no change
        value = f.value_from_object(instance)
        if f.name in masked:
            value = _mask(value)
        data[f.name] = value
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _mask(value) -> str:
    """A masked secret still shows that it changed: a short fingerprint of the stored value
    (a salted hash or a ciphertext), which reveals nothing of the secret."""
    if not value:
        return ""
    return f"{MASK} #{hashlib.sha256(str(value).encode()).hexdigest()[:8]}"


def diff(before: dict | None, after: dict | None) -> dict[str, list]:
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def _tenant_id_for(instance: models.Model, actor: Actor) -> int | None:
    # A model whose entries belong to a tenant other than its `tenant` foreign key says so with
    # `audit_tenant_id` (a Tenant's own entries are its own); the base knows no app's models.
    tenant_id = getattr(instance, "audit_tenant_id", None)
    if tenant_id is None:
        tenant_id = getattr(instance, "tenant_id", None)
    return tenant_id if tenant_id is not None else actor.tenant_id


def _audit_entry_model():
    # By name: portal.models reads this module's labels, so importing it back is a cycle.
    return apps.get_model("portal", "AuditEntry")


def _entry(instance, action, before, after, message, actor, content_type):
    AuditEntry = _audit_entry_model()

    user = actor.user
    return AuditEntry(
        tenant_id=_tenant_id_for(instance, actor),
        actor=user,
        actor_label=user.email if user else (actor.label or "system"),
        source=actor.source,
        request_id=actor.request_id or "",
        action=action,
        content_type=content_type,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        changes=diff(before, after),
        message=message,
    )


def record_many(
    changes: list[tuple[models.Model, str, dict | None, dict | None]], message: str = ""
) -> None:
    """One audit entry per (instance, action, before, after), written in one query: for bulk
    writes (a sync page), which send no model signals."""
    from django.contrib.contenttypes.models import ContentType

    AuditEntry = _audit_entry_model()

    if not changes:
        return
    actor = actor_context.current()
    changes = [c for c in changes if not _already_recorded(*c)]
    if not changes:
        return
    content_type = ContentType.objects.get_for_model(changes[0][0], for_concrete_model=False)
    AuditEntry._base_manager.bulk_create(
        [_entry(i, action, b, a, message, actor, content_type) for i, action, b, a in changes]
    )


def record(
    instance: models.Model,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    message: str = "",
) -> None:
    """Write one audit entry for `instance` as the current actor."""
    from django.contrib.contenttypes.models import ContentType

    if _already_recorded(instance, action, before, after):
        return
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    _entry(instance, action, before, after, message, actor_context.current(), content_type).save()


def _already_recorded(instance, action: str, before, after) -> bool:
    return getattr(instance, "_audit_last", None) == (action, before, after)


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or not is_audited(sender):
        return
    instance._audit_before = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
        instance._audit_before = snapshot(old) if old is not None else None


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw or not is_audited(sender):
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if not created and not diff(before, after):
        return
    action = "create" if created else "update"
    record(instance, action, before, after)
    instance._audit_before = after
    instance._audit_last = (action, before, after)


def _post_delete(sender, instance, **kwargs):
    if is_audited(sender):
        record(instance, "delete", snapshot(instance), None)


def _m2m_changed(sender, instance, action, pk_set, model, reverse, **kwargs):
    if (
        reverse
        or not is_audited(type(instance))
        or action not in {"post_add", "post_remove", "post_clear"}
    ):
        return
    field_name = next(
        (f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), "m2m"
    )
    names = sorted(str(o) for o in model._base_manager.filter(pk__in=pk_set or []))
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    record(
        instance,
        "update",
        {field_name: None},
        {field_name: f"{verb}: {', '.join(names)}" if names else verb},
    )


def connect_signals() -> None:
    pre_save.connect(_pre_save, dispatch_uid="audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="audit_post_save")
    post_delete.connect(_post_delete, dispatch_uid="audit_post_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="audit_m2m_changed")


# Showing a change -----------------------------------------------------------------------------

EMPTY = "—"


def field_label(model, name: str) -> str:
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except (FieldDoesNotExist, AttributeError):
        return capfirst(name.replace("_", " "))


def readable(value, model=None, name: str = "") -> str:
    """A recorded value as text for people: choices by their label, yes/no, dates, and nested
    data (lists, objects) as lines of `key: value` instead of Python's notation."""
    field = _field(model, name)
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if field is not None and field.choices and not isinstance(value, list | dict):
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.many_to_one and not isinstance(value, list | dict):
        return _related(field, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if moment else value
    if isinstance(value, list):
        return "\n".join(readable(v) for v in value)
    if isinstance(value, dict):
        return _pairs(value)
    return str(value)


def _related(field, pk) -> str:
    """A foreign key by the name of what it points at (the id alone if that is gone)."""
    try:
        related = field.related_model._base_manager.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        related = None
    return str(related) if related is not None else f"#{pk} (no longer exists)"


def _pairs(data: dict) -> str:
    """`key: value, …`, leaving out keys with no value."""
    shown = {k: v for k, v in data.items() if v not in (None, "", [], {})}
    return ", ".join(f"{k.replace('_', ' ')}: {_inline(v)}" for k, v in shown.items()) or EMPTY


def _inline(value) -> str:
    if isinstance(value, dict):
        return f"({_pairs(value)})"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return readable(value)


def _field(model, name: str):
    if model is None or not name:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def change_rows(model, changes: dict[str, list]) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each changed field, in the model's field order."""
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())} if model else {}
    names = sorted(changes, key=lambda n: order.get(n, len(order)))
    return [
        (
            field_label(model, n),
            readable(changes[n][0], model, n),
            readable(changes[n][1], model, n),
        )
        for n in names
    ]
