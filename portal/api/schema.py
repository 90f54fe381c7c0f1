"""The API's OpenAPI schema as the API behaves: a summary for every operation, the error
answers each can give, null where a value can be null, and pagination on GET lists only."""

from __future__ import annotations

import re

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` says what went wrong; `errors` names each field (or query "
    "parameter) with its messages.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {}},
    },
    "required": ["detail"],
}
ERROR_ANSWERS = {
    "400": "Invalid input: `errors` names each field or parameter, the value and the rule.",
    "401": "No token, or an invalid, expired or revoked one.",
    "403": "The token or its user may not do this.",
    "404": "No such object (another tenant's objects are answered the same), or no such page.",
    "415": "The body is not JSON, form data or multipart.",
}
ACTIONS = {
    "list": "List {plural}",
    "retrieve": "Get {a} {singular}",
    "create": "Create {a} {singular}",
    "update": "Replace {a} {singular}",
    "partial_update": "Change {a} {singular}",
    "destroy": "Delete {a} {singular}",
}


def first_sentence(doc: str | None) -> str:
    text = " ".join((doc or "").split())
    return re.split(r"(?<=[.:;])\s", text, maxsplit=1)[0].rstrip(".:;")


class AutoSchema(openapi.AutoSchema):
    def get_summary(self) -> str | None:
        """The first sentence of the method's own docstring; else what the action does to
        the view's objects ("List SIP trunks", "Suspend a tenant")."""
        action = getattr(self.view, "action", None)
        method = getattr(type(self.view), action or self.method.lower(), None)
        own = method is not None and method.__qualname__.startswith(f"{type(self.view).__name__}.")
        if own and method.__doc__:
            return first_sentence(method.__doc__)
        if action is None:
            return first_sentence(type(self.view).__doc__)
        singular, plural = self._nouns()
        article = "an" if re.match(r"[aeio]|E911", singular) else "a"
        detail = getattr(method, "detail", action in {"retrieve", "update", "partial_update"})
        template = ACTIONS.get(action) or (
            action.replace("_", " ").capitalize() + (" {a} {singular}" if detail else " {plural}")
        )
        return template.format(a=article, singular=singular, plural=plural)

    def _nouns(self) -> tuple[str, str]:
        nouns = getattr(self.view, "api_noun", None)
        if nouns:
            return nouns
        meta = self.view.model._meta
        return str(meta.verbose_name), str(meta.verbose_name_plural)

    def get_tags(self) -> list[str]:
        # Platform and tenant views name their tag; the base knows no app's views.
        return [getattr(self.view, "api_tag", "api")]

    def _get_paginator(self):
        # Only GET lists are paginated; a POST that answers several objects answers a list.
        return super()._get_paginator() if self.method == "GET" else None

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if direction == "response" and _may_be_null(field):
            meta["nullable"] = True
        return meta

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        registry.register_on_missing(
            ResolvedComponent(
                name=ERROR_COMPONENT,
                type=ResolvedComponent.SCHEMA,
                object=ERROR_COMPONENT,
                schema=ERROR_SCHEMA,
            )
        )
        # A write can be refused by the rules of what it changes, with or without a body.
        takes_input = self.method != "GET" or any(
            p["in"] == "query" for p in operation.get("parameters", [])
        )
        names_objects = "{" in path or self._get_paginator() is not None
        codes = ["401", "403"]
        codes += ["400"] if takes_input else []
        codes += ["404"] if names_objects else []
        codes += ["415"] if "requestBody" in operation else []
        for parameter in operation.get("parameters", []):
            # An empty filter, page or ordering is the same as none (`?status=`).
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
            schema = parameter.get("schema", {})
            if parameter["in"] == "query" and _free_text(schema):
                # A text parameter holds no NUL character: Django's fields refuse one (400).
                schema["pattern"] = NO_NUL
        ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
        for code in sorted(codes):
            operation["responses"].setdefault(
                code,
                {
                    "description": ERROR_ANSWERS[code],
                    "content": {"application/json": {"schema": ref}},
                },
            )
        return operation


NO_NUL = "^[^\\u0000]*$"


def _free_text(schema: dict) -> bool:
    """A string parameter a person types freely (no enum, format or pattern of its own)."""
    return schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema)


def _may_be_null(field) -> bool:
    """A read field is null when its value, or an object on the way to it, can be None: a
    nullable model field or relation named in its `source`, or a default of None."""
    if field.default is None:
        return True
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if model is None or field.source == "*" or isinstance(field, serializers.ListSerializer):
        return False
    for name in field.source.split("."):
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if model_field.null:
            return True
        model = model_field.related_model
        if model is None:
            return False
    return False
